"""Hand engine events from a worker thread to the UI in batches.

The engine calls `on_event` for every token; a UI update per token would flood Textual's
message queue and make typing lag. Instead the worker appends to this pump (merging
consecutive text chunks) and a UI timer drains it a few dozen times a second. Each paint of a
growing reply re-lays out and repaints the screen, so while the user types the chat paints the
stream only when typing pauses (`TYPING_GRACE`), and at least every `MAX_DEFER` seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from assistant.engine.types import Done, Event, Failed, TextChunk

FLUSH_INTERVAL = 1 / 30  # seconds between UI flushes while a reply streams
TYPING_GRACE = 0.25  # after a key press, painting the stream waits this long for typing to pause...
MAX_DEFER = 1.0  # ...but never longer than this since the last paint


@dataclass
class EventPump:
    """A thread-safe queue of engine events; `push` from any thread, `drain` from the UI."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _events: list[Event] = field(default_factory=list)
    chunks: int = 0  # text chunks received (≈ tokens), for the status bar
    first_chunk_at: float | None = None

    def push(self, event: Event) -> None:
        with self._lock:
            if isinstance(event, TextChunk):
                if not event.text:
                    return
                self.chunks += 1
                if self.first_chunk_at is None:
                    self.first_chunk_at = time.monotonic()
                if self._events and isinstance(self._events[-1], TextChunk):
                    self._events[-1] = TextChunk(self._events[-1].text + event.text)
                    return
            self._events.append(event)

    def has_final(self) -> bool:
        """Whether a Done or Failed event is waiting (the reply ended: paint it now)."""
        with self._lock:
            return any(isinstance(e, Done | Failed) for e in self._events)

    def drain(self) -> list[Event]:
        with self._lock:
            events, self._events = self._events, []
        return events
