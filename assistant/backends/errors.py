"""Backend errors: each carries a user-facing message and a hint that says what to do.

The TUI shows ``str(error)`` and ``error.hint``; it never shows a traceback, so every failure a backend
can hit must end up as one of these classes.
"""

from __future__ import annotations


class BackendError(Exception):
    """Base class: ``message`` says what went wrong, ``hint`` what the user can do about it."""

    default_hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        return self.message

    def user_text(self) -> str:
        """Message and hint on two lines, ready for a status bar or dialog."""
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class BackendConfigError(BackendError):
    """The configuration is incomplete or names an unknown backend kind."""

    default_hint = "Check the [backend] section of your configuration."


class BackendUnavailableError(BackendError):
    """An optional dependency (llama-cpp-python, torch, transformers, peft) is not installed."""

    default_hint = "Install the extra: pip install 'synoema-assistant[gguf]' or '[train]'."


class ModelLoadError(BackendError):
    """The model file or directory is missing or cannot be loaded."""

    default_hint = "Check model_path in your configuration."


class BackendConnectionError(BackendError):
    """The server could not be reached (refused, DNS, TLS)."""

    default_hint = "Is the server running? Check base_url."


class BackendTimeoutError(BackendError):
    """The server or model took longer than the configured timeout."""

    default_hint = "Raise 'timeout' in the configuration or try a smaller model."


class AuthenticationError(BackendError):
    """HTTP 401/403: the key is missing, wrong, or lacks access."""


class NotFoundError(BackendError):
    """HTTP 404: wrong base URL path or unknown model name."""


class RateLimitError(BackendError):
    """HTTP 429 after all retries."""

    default_hint = "The provider is rate-limiting you; wait a minute or raise 'retries'."


class ServerError(BackendError):
    """HTTP 5xx after all retries, or a malformed response."""

    default_hint = "The server failed; look at its log or try again later."


class RequestRejectedError(BackendError):
    """HTTP 400/422: the server refused the request (often: prompt longer than the context)."""

    default_hint = "Shorten the conversation or check the model's context size."


class GrammarError(BackendError):
    """The GBNF grammar of a request does not parse, or the backend cannot apply grammars."""

    default_hint = "Check the grammar file; llama.cpp's GBNF syntax is documented in its grammars/README."


class ContextOverflowError(BackendError):
    """The prompt does not fit in the model's context window."""

    default_hint = "Start a new conversation or raise n_ctx in the configuration."


class GenerationError(BackendError):
    """The model failed while generating."""

    default_hint = "Try again; if it persists, report it with the log file."
