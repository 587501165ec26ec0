"""The model behind an evaluation: built through the assistant's backends, metered per call.

Backends come from `assistant.backends` (the same registry the app uses), so every backend option
the assistant accepts works here and is refused with the same message when it is wrong. The
wrapper `Metered` fixes the seed of each sample and records, for every model call, its prompt and
completion token counts and its latency; the engine sees an ordinary backend.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from assistant.backends.base import CancelToken, GenerationRequest
from assistant.engine.tokens import TokenCounter, counter_for

BACKENDS: tuple[str, ...] = ("gguf", "openai", "hf", "offline")
OFFLINE = "offline"


def backend_config(kind: str, options: Mapping[str, Any]) -> Any:
    """The options of the backend `kind` (`assistant.backends.config`); unknown or bad options raise
    `BackendConfigError`."""
    from assistant.backends.registry import make_options

    return make_options(kind, {k: v for k, v in options.items() if v is not None})


def create(kind: str, options: Mapping[str, Any]) -> Any:
    """A backend object for a model kind (construction is cheap: models load on first use)."""
    from assistant.backends.registry import create_backend

    return create_backend(kind, backend_config(kind, options))


@dataclass(frozen=True)
class Call:
    """One request to the model: what it cost and how long it took."""

    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    first_token_s: float | None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "latency_s": round(self.latency_s, 4),
            "first_token_s": None if self.first_token_s is None else round(self.first_token_s, 4),
            "error": self.error,
        }


class Metered:
    """A backend that sends every request with the current sample's seed and logs each call."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seed: int | None = None
        self.calls: list[Call] = []
        self.last_error: BaseException | None = None
        self._counter: TokenCounter | None = None

    # The engine reads these attributes; anything else goes to the wrapped backend.
    @property
    def name(self) -> str:
        return str(getattr(self.inner, "name", "model"))

    @property
    def model(self) -> str:
        return str(getattr(self.inner, "model", ""))

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "inner":  # not set yet (during construction or unpickling)
            raise AttributeError(attribute)
        return getattr(self.inner, attribute)

    @property
    def counter(self) -> TokenCounter:
        if self._counter is None:
            self._counter = counter_for(self.inner)
        return self._counter

    def info(self) -> Any:
        return self.inner.info()

    def close(self) -> None:
        self.inner.close()

    def load(self) -> None:
        """Load the model now (the engine calls this first); a failure is kept to tell fatal from transient."""
        load = getattr(self.inner, "load", None)
        if not callable(load):
            return
        try:
            load()
        except Exception as exc:
            self.last_error = exc
            raise

    def start_sample(self, seed: int | None) -> None:
        self.seed = seed
        self.calls = []
        self.last_error = None

    def stream(self, request: GenerationRequest, cancel: CancelToken | None = None) -> Iterator[str]:
        if self.seed is not None:
            request = replace(request, seed=self.seed)
        counter = self.counter
        prompt_tokens = sum(counter.count_message(m.content) for m in request.messages)
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        error: str | None = None
        try:
            for chunk in self.inner.stream(request, cancel):
                if first is None and chunk:
                    first = time.perf_counter() - started
                pieces.append(chunk)
                yield chunk
        except Exception as exc:
            self.last_error = exc
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            usage = getattr(self.inner, "last_usage", None)  # the backend's own count, when it keeps one
            completion = getattr(usage, "completion_tokens", None)
            if not isinstance(completion, int):
                completion = counter.count("".join(pieces))
            self.calls.append(Call(prompt_tokens, completion, time.perf_counter() - started, first, error))
