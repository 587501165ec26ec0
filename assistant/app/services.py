"""What the screens share: the config, the history store and the engine, created lazily and safely.

The engine is built on first use in a worker thread (importing the language layer and a backend
takes longer than the app may take to open), and building it never raises into the UI: a backend
that cannot start falls back to the offline engine, with the reason kept for a notification.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.config import Config

if TYPE_CHECKING:
    from assistant.engine.core import Engine
    from assistant.history import HistoryStore


class EngineStartError(Exception):
    """No engine at all could be built; `hint` says what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class Notice:
    """Something to tell the user once the UI can: a problem and what to do about it."""

    message: str
    hint: str | None = None
    severity: str = "warning"

    def text(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


def error_text(exc: BaseException) -> tuple[str, str | None]:
    """Message and hint of any exception; backend errors carry their own hint."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(message), getattr(exc, "hint", None)


@dataclass
class Services:
    """Shared, thread-safe access to the history store and the engine."""

    config: Config
    history: HistoryStore | None = None
    engine_factory: Callable[[], Engine] | None = None
    notices: list[Notice] = field(default_factory=list)
    _engine: Engine | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _notice_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, config: Config, *, history: HistoryStore | None = None, **kwargs: Any) -> Services:
        """Open the history store from the config (a failure becomes a notice, not an error)."""
        services = cls(config, history=history, **kwargs)
        if history is None:
            try:
                from assistant.history import HistoryStore

                services.history = HistoryStore(config.history_path())
            except Exception as exc:
                message, _ = error_text(exc)
                services.notices.append(
                    Notice(
                        f"History is off: {message}",
                        "Conversations are kept in memory only. Check paths.history_db in the config.",
                    )
                )
        return services

    @property
    def engine(self) -> Engine | None:
        """The engine when it is built, else None (never blocks)."""
        return self._engine

    def ensure_engine(self) -> Engine:
        """The engine, building it now if needed; call from a worker thread."""
        with self._lock:
            if self._engine is None:
                self._engine = self._build()
            return self._engine

    def _build(self) -> Engine:
        if self.engine_factory is not None:
            try:
                return self.engine_factory()
            except Exception as exc:
                message, hint = error_text(exc)
                raise EngineStartError(f"The engine could not start: {message}", hint) from None
        from assistant.engine.core import Engine

        history: Any = self.history if self.history is not None else False
        try:
            return Engine(self.config, history=history)
        except Exception as exc:
            message, hint = error_text(exc)
            if self.config.backend.kind == "offline":
                raise EngineStartError(f"The offline engine could not start: {message}", hint) from None
            self.add_notice(
                Notice(
                    f"The {self.config.backend.kind} backend could not start: {message}",
                    (hint + "\n" if hint else "") + "Using the offline engine instead; F8 picks another model.",
                )
            )
        from dataclasses import replace

        offline = replace(self.config, backend=replace(self.config.backend, kind="offline"))
        try:
            return Engine(offline, history=history)
        except Exception as exc:
            message, hint = error_text(exc)
            raise EngineStartError(f"The offline engine could not start: {message}", hint) from None

    def add_notice(self, notice: Notice) -> None:
        with self._notice_lock:
            self.notices.append(notice)

    def take_notices(self) -> list[Notice]:
        with self._notice_lock:
            notices, self.notices = self.notices, []
        return notices

    def close(self) -> None:
        engine = self._engine
        if engine is not None and hasattr(engine, "close"):
            with contextlib.suppress(Exception):
                engine.close()
        if self.history is not None:
            with contextlib.suppress(Exception):
                self.history.close()
