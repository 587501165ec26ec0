"""Client-side stop sequences for backends whose runtime does not apply them (or may not).

Text is streamed in arbitrary chunks, so a stop sequence can straddle two chunks; the scanner holds
back just the tail that could still become a stop sequence and releases it once it cannot.
"""

from __future__ import annotations

from collections.abc import Sequence


class StopScanner:
    """Feed chunks in, get the text that is safe to show; ``stopped`` turns True at the first stop."""

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._buffer = ""
        self.stopped = False

    def feed(self, chunk: str) -> str:
        if self.stopped:
            return ""
        if not self._stops:
            return chunk
        self._buffer += chunk
        cut = min((i for i in (self._buffer.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            out, self._buffer = self._buffer[:cut], ""
            return out
        keep = self._partial_tail(self._buffer)
        out = self._buffer[: len(self._buffer) - keep]
        self._buffer = self._buffer[len(out) :]
        return out

    def flush(self) -> str:
        """Release held-back text at the end of the stream (it never became a stop sequence)."""
        out, self._buffer = ("" if self.stopped else self._buffer), ""
        return out

    def _partial_tail(self, text: str) -> int:
        """Length of the longest suffix of ``text`` that is a proper prefix of some stop sequence."""
        best = 0
        for stop in self._stops:
            for n in range(min(len(stop) - 1, len(text)), best, -1):
                if text.endswith(stop[:n]):
                    best = n
                    break
        return best
