"""Hand engine events from a worker thread to the UI in batches.

The engine calls `on_event` for every token; a UI update per token would flood Textual's
message queue and make typing lag. Instead the worker appends to this pump (merging
consecutive text chunks) and a UI timer drains it a few dozen times a second.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from assistant.engine.types import Event, TextChunk

FLUSH_INTERVAL = 1 / 30  # seconds between UI flushes while a reply streams


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

    def drain(self) -> list[Event]:
        with self._lock:
            events, self._events = self._events, []
        return events
