"""Text edits by character offsets, written once: repair rules, review rewrites and the assistant's
reply rebuilding all change text with `TextEdit`s, so nothing they do not touch is reformatted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TextEdit:
    """Replace `text[start:end]` by `new` (an insertion when `start == end`)."""

    start: int
    end: int
    new: str

    def overlaps(self, other: TextEdit) -> bool:
        return self.start < other.end and other.start < self.end


def apply_edits(text: str, edits: Sequence[TextEdit]) -> str | None:
    """Apply non-overlapping edits (insertions at one offset keep their order); None if they overlap."""
    ordered = sorted(enumerate(edits), key=lambda p: (p[1].start, p[1].end, p[0]))
    out: list[str] = []
    pos = 0
    for _, e in ordered:
        if e.start < pos or e.end < e.start or e.end > len(text):
            return None
        out.append(text[pos:e.start])
        out.append(e.new)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def conflicts(edits: Sequence[TextEdit], more: Sequence[TextEdit]) -> bool:
    """Whether any edit of `more` overlaps one of `edits`."""
    return any(a.overlaps(b) for a in edits for b in more)
