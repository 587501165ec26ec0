"""Conversations in memory and in the history store, behind one small class.

The store is optional: when it cannot be opened the engine keeps conversations in memory and says
why in `problems`, because losing history must never stop an answer.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.engine.types import Turn

if TYPE_CHECKING:
    from assistant.history import HistoryStore
    from assistant.history.models import Message


def turn_from_row(m: Message) -> Turn:
    """A stored message (history row) as the engine's `Turn`."""
    return Turn(
        role=m.role,
        content=m.content,
        kind=m.kind,
        message_id=m.id,
        backend=m.backend,
        model=m.model,
        verdicts=tuple(m.verdicts),
        rating=m.rating.rating if m.rating is not None else None,
    )


class Recorder:
    """Conversation turns: cached in memory for prompts, written through to the store when present."""

    def __init__(self, store: HistoryStore | bool | None, path: Path) -> None:
        self._arg = store
        self._path = path
        self._store: HistoryStore | None = None
        self._opened = False
        self._lock = threading.RLock()
        self._turns: dict[int, list[Turn]] = {}
        self._memory_ids = itertools.count(1)
        self.problems: list[str] = []

    @property
    def store(self) -> HistoryStore | None:
        """The history store, opened on first use; None when disabled or unusable."""
        with self._lock:
            if not self._opened:
                self._opened = True
                if self._arg is False:
                    self._store = None
                elif self._arg is not None and self._arg is not True:
                    self._store = self._arg
                else:
                    try:
                        from assistant.history import HistoryStore

                        self._store = HistoryStore(self._path)
                    except Exception as exc:  # HistoryError or a broken sqlite: keep going in memory
                        self.problems.append(f"history is off: {exc}")
                        self._store = None
            return self._store

    def _guard(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            self.problems.append(f"history: could not {what}: {exc}")
            return None

    def new_conversation(self, kind: str = "chat", title: str = "") -> int:
        store = self.store
        if store is not None:
            made = self._guard("start a conversation", store.create_conversation, title, kind)
            if made is not None:
                with self._lock:
                    self._turns[made.id] = []
                return int(made.id)
        with self._lock:
            cid = -next(self._memory_ids)  # negative ids never collide with the store's
            self._turns[cid] = []
            return cid

    def turns(self, conversation_id: int) -> list[Turn]:
        """The conversation so far (loaded from the store on first use)."""
        with self._lock:
            cached = self._turns.get(conversation_id)
            if cached is not None:
                return list(cached)
        loaded = self._load(conversation_id)
        with self._lock:
            self._turns.setdefault(conversation_id, loaded)
            return list(self._turns[conversation_id])

    def _load(self, conversation_id: int) -> list[Turn]:
        store = self.store
        if store is None or conversation_id < 0:
            return []
        rows = self._guard("read the conversation", store.get_messages, conversation_id) or []
        return [turn_from_row(m) for m in rows]

    def exists(self, conversation_id: int) -> bool:
        with self._lock:
            if conversation_id in self._turns:
                return True
        store = self.store
        if store is None or conversation_id < 0:
            return False
        return self._guard("read the conversation", store.get_conversation, conversation_id) is not None

    def add(
        self, conversation_id: int, turn: Turn, *, tokens: int | None = None, duration: float | None = None
    ) -> Turn:
        store = self.store
        if store is not None and conversation_id > 0:
            row = self._guard(
                "save a message",
                store.add_message,
                conversation_id,
                turn.role,
                turn.content,
                kind=turn.kind,
                backend=turn.backend,
                model=turn.model,
                tokens=tokens,
                duration=duration,
            )
            if row is not None:
                turn = replace(turn, message_id=row.id)
                if turn.verdicts:
                    self._guard("save verdicts", store.set_verdicts, row.id, list(turn.verdicts))
        with self._lock:
            self._turns.setdefault(conversation_id, []).append(turn)
        return turn

    def rate(self, message_id: int, rating: int, note: str = "") -> bool:
        store = self.store
        if store is None:
            return False
        done = self._guard("save the rating", store.rate, message_id, rating, note)
        if done is None:
            return False
        with self._lock:
            for turns in self._turns.values():
                for i, turn in enumerate(turns):
                    if turn.message_id == message_id:
                        turns[i] = replace(turn, rating=rating)
        return True

    def close(self) -> None:
        with self._lock:
            store, self._store = self._store, None
            owned = self._arg is None or self._arg is True
        if store is not None and owned:
            self._guard("close the database", store.close)
