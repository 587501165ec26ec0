"""The backend protocol: one small interface every model source implements.

Modelled on Simon Willison's ``llm``: a backend turns a chat request into a stream of text chunks,
and nothing else. The engine owns prompts, history and checking; backends own only models.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]
ROLES: tuple[str, ...] = ("system", "user", "assistant")


@dataclass(frozen=True)
class ChatMessage:
    """One turn of a conversation."""

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown chat role {self.role!r}; expected one of {ROLES}")

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class GenerationRequest:
    """Everything a backend needs for one answer; the defaults suit code assistance."""

    messages: Sequence[ChatMessage]
    max_tokens: int = 512
    temperature: float = 0.2
    stop: tuple[str, ...] = ()
    grammar: str | None = None  # GBNF text; backends that cannot honour it raise BackendError
    seed: int | None = None
    # One sampling recipe for every backend (llama.cpp's defaults), so a model answers alike whether
    # served by gguf, hf or a server; a checkpoint's generation_config.json is not applied (doctor says so).
    top_k: int = 40
    top_p: float = 0.95
    min_p: float = 0.05
    repetition_penalty: float = 1.0

    def __post_init__(self) -> None:
        if not self.messages:
            raise ValueError("a generation request needs at least one message")
        if self.max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        if self.temperature < 0:
            raise ValueError("temperature must be >= 0")
        object.__setattr__(self, "stop", tuple(s for s in self.stop if s))

    def message_dicts(self) -> list[dict[str, str]]:
        return [m.as_dict() for m in self.messages]


class CancelToken:
    """A thread-safe flag the UI sets to stop a generation running in a worker thread.

    `on_cancel` registers a callback run at once when the flag is set (a backend closes its network
    connection there, so a read blocked on a slow server ends immediately).
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # a failing callback must not stop the others or the UI thread
                continue

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` when cancelled (now, if already cancelled); returns a function that removes it."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                registered = True
            else:
                registered = False
        if not registered:
            callback()

        def remove() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return remove

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking early on cancel; returns True if cancelled."""
        return self._event.wait(timeout)


@dataclass(frozen=True)
class BackendInfo:
    """What a status bar shows about the active model."""

    backend: str
    model: str
    n_ctx: int | None = None
    details: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        ctx = f" · ctx {self.n_ctx}" if self.n_ctx else ""
        return f"{self.backend}: {self.model}{ctx}"


@dataclass(frozen=True)
class Usage:
    """Tokens of one generation as the model counted them (a backend's `last_usage`, when it has one)."""

    prompt_tokens: int
    completion_tokens: int


@runtime_checkable
class Backend(Protocol):
    """A source of chat completions.

    ``stream`` yields text chunks as they are produced and returns when the answer is complete,
    a stop sequence or ``max_tokens`` is hit, or ``cancel`` is set. It raises only ``BackendError``.
    Backends are not required to be thread-safe; callers run one ``stream`` at a time per backend.
    Optional extras a backend may have: ``last_usage`` (a `Usage`, set when a stream ends, even
    cancelled), ``count_tokens(text)`` (the model's own tokenizer), ``load()``.
    """

    name: str
    model: str

    def stream(self, request: GenerationRequest, cancel: CancelToken | None = None) -> Iterator[str]: ...

    def info(self) -> BackendInfo: ...

    def close(self) -> None: ...


def complete(backend: Backend, request: GenerationRequest, cancel: CancelToken | None = None) -> str:
    """Collect a whole answer; convenient for batch jobs and tests."""
    return "".join(backend.stream(request, cancel))
