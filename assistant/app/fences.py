"""Split a message into prose and fenced code segments, with offsets, while it is still streaming.

The chat renders prose with Textual's Markdown and each fence with its own widget, so that a
verdict row can sit under every code block. The split must be stable while text grows: an
unclosed fence is a code segment marked `closed=False`, and a last line that may become a fence
opener (a run of backticks with no newline yet) is held back instead of flashing as prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SYNOEMA_LANGS = frozenset({"sno", "synoema"})
OUTPUT_INFO = "output"
QUOTED_WORD = "quoted"

_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^\n`]*?)[ \t]*$")
_PENDING_TAIL = re.compile(r"^ {0,3}(`{1,}|~{1,})[^\n]*$")


@dataclass(frozen=True)
class Segment:
    """A piece of a message: prose (Markdown) or one fenced block (`text` is the code inside)."""

    kind: Literal["prose", "code"]
    text: str
    start: int
    end: int
    info: str = ""
    closed: bool = True

    @property
    def language(self) -> str:
        return self.info.split()[0].lower() if self.info.split() else ""

    @property
    def is_synoema(self) -> bool:
        return self.kind == "code" and self.language in SYNOEMA_LANGS

    @property
    def quoted(self) -> bool:
        return self.is_synoema and QUOTED_WORD in self.info.lower().split()[1:]

    @property
    def is_output(self) -> bool:
        return self.kind == "code" and self.language == OUTPUT_INFO


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and bool(stripped)
        and set(stripped) == {fence[0]}
        and len(stripped) >= len(fence)
    )


def split_message(text: str, *, streaming: bool = False) -> list[Segment]:
    """Segments of `text` in order; empty prose between fences is dropped.

    With `streaming`, a trailing partial line that could still open a fence is left out.
    """
    segments: list[Segment] = []
    lines = text.splitlines(keepends=True)
    offset = 0
    prose_start = 0
    index = 0

    def flush_prose(end: int) -> None:
        chunk = text[prose_start:end]
        if chunk.strip():
            segments.append(Segment("prose", chunk.strip("\n"), prose_start, end))

    while index < len(lines):
        line = lines[index]
        is_last_partial = index == len(lines) - 1 and not line.endswith("\n")
        if streaming and is_last_partial and _PENDING_TAIL.match(line):
            flush_prose(offset)
            return segments
        found = _OPEN.match(line.rstrip("\n"))
        if found is None or (found.group(2)[0] == "`" and "`" in found.group(3)):
            offset += len(line)
            index += 1
            continue
        if is_last_partial and streaming:
            flush_prose(offset)
            return segments
        flush_prose(offset)
        fence_start = offset
        fence = found.group(2)
        info = found.group(3).strip()
        offset += len(line)
        index += 1
        body: list[str] = []
        closed = False
        while index < len(lines):
            inner = lines[index]
            if _closes(inner.rstrip("\n"), fence) and (inner.endswith("\n") or not streaming):
                offset += len(inner)
                index += 1
                closed = True
                break
            body.append(inner)
            offset += len(inner)
            index += 1
        code = "".join(body)
        if code.endswith("\n"):
            code = code[:-1]
        segments.append(Segment("code", code, fence_start, offset, info, closed))
        prose_start = offset
    flush_prose(len(text))
    return segments


def code_blocks(text: str) -> list[Segment]:
    """The numbered blocks of a finished message: every fence except program output."""
    return [s for s in split_message(text) if s.kind == "code" and not s.is_output]


def first_synoema_block(text: str) -> str | None:
    """The first ```sno block of a message (the user's code in a fix/explain/review request)."""
    for segment in split_message(text):
        if segment.is_synoema:
            return segment.text
    return None
