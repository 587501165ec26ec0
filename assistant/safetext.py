"""Text from outside (a model server, a program's output) made safe to put on a terminal.

A model reply or a program's `print` can carry terminal escape sequences: colours are the harmless
case; others move the cursor, rewrite what is on the screen, set the window title, write to the
clipboard (OSC 52) or fake a hyperlink. `strip_control` removes every escape sequence and control
character except newline and tab; colours on screen come only from our own rendering (Rich, Textual).
Bidirectional-override characters (the "trojan source" trick) go too: they make code read differently
from how it runs.

`ControlStripper` does the same for a stream that arrives in chunks, where one sequence can be split
across two chunks.
"""

from __future__ import annotations

import re

__all__ = ["ControlStripper", "strip_control"]

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS strings (ended by BEL or
# ESC \), and two-character escapes; then the same introducers as single C1 code points. In text that
# is complete, an unterminated string sequence runs to the end and goes with it.
_BODY = r"[^\x07\x1b\x9c]*"
_TWO = r"\x1b[ -/]*[0-OQ-WYZ\\`-~]"  # not ESC [ (CSI), nor ESC ] P X ^ _ (strings)
_SEQUENCE = re.compile(
    rf"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_]{_BODY}(?:\x07|\x1b\\|\x9c)?|{_TWO}"
    rf"|\x9b[0-?]*[ -/]*[@-~]|[\x90\x98\x9d\x9e\x9f]{_BODY}(?:\x07|\x9c)?"
)
_COMPLETE = re.compile(  # the same, with string sequences terminated: what a stream can let through
    rf"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_]{_BODY}(?:\x07|\x1b\\|\x9c)|{_TWO}"
    rf"|\x9b[0-?]*[ -/]*[@-~]|[\x90\x98\x9d\x9e\x9f]{_BODY}(?:\x07|\x9c)"
)
# What is left: C0 controls but tab and newline, DEL, C1 controls, bidi overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_INTRODUCERS = "\x1b\x9b\x90\x98\x9d\x9e\x9f"
MAX_PENDING = 4096  # characters held back waiting for the end of a sequence


def strip_control(text: str) -> str:
    """`text` without terminal escape sequences and control characters (newline and tab kept)."""
    if not text or _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


class ControlStripper:
    """`strip_control` over a stream: `feed(chunk)` returns what is safe so far, `flush()` the rest."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, chunk: str) -> str:
        text = self._held + chunk
        self._held = ""
        start = max(text.rfind(c) for c in _INTRODUCERS)
        if start >= 0 and len(text) - start <= MAX_PENDING and _COMPLETE.match(text, start) is None:
            # the last sequence may continue in the next chunk: hold it back
            self._held = text[start:]
            text = text[:start]
        return strip_control(text)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return strip_control(held)
