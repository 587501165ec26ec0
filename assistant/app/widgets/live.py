"""The growing end of a streaming reply: the paragraph or the code block still being written.

Everything before it is already laid out for good (`MessageBody.extend`); only this one widget is
repainted as text arrives, with light Markdown (headings, bold, inline code) or highlighted code.
"""

from __future__ import annotations

import re

from textual.content import Content
from textual.widgets import Static

from assistant.app.widgets.code_block import STYLES, highlighted
from assistant.verdict import Verdict
from synoema.snippets import Segment

_INLINE = re.compile(r"(`[^`\n]+`|\*\*[^*\n]+\*\*)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MAYBE_FENCE = re.compile(r" {0,3}[`~]")  # a partial last line like this may still open a fence
BAR = "▎ "


def prose_content(text: str) -> Content:
    """Markdown-lite: headings bold, `code` and **bold** styled, everything else as typed."""
    lines: list[Content] = []
    for line in text.split("\n"):
        heading = _HEADING.match(line)
        if heading:
            lines.append(Content.styled(heading.group(2), "bold $text-primary"))
            continue
        parts: list[Content] = []
        for piece in _INLINE.split(line):
            if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
                parts.append(Content.styled(piece[1:-1], "$text-warning"))
            elif piece.startswith("**") and piece.endswith("**") and len(piece) > 3:
                parts.append(Content.styled(piece[2:-2], "bold"))
            elif piece:
                parts.append(Content(piece))
        lines.append(Content("").join(parts))
    return Content("\n").join(lines)


def tail_content(segment: Segment, number: int) -> Content:
    """The unfinished segment as text: prose-lite, or a block's header and highlighted code."""
    if segment.kind == "prose":
        head, _, last = segment.text.rpartition("\n")
        text = head if _MAYBE_FENCE.match(last) else segment.text
        return prose_content(text.strip("\n"))
    if segment.is_output:
        body = Content("\n").join(Content.styled(BAR + line, "$text-muted") for line in segment.text.rstrip("\n").split("\n"))
        return Content("\n").join([Content.styled(BAR + "output", "italic $text-muted"), body])
    header = Content.assemble(Content.styled(f"{BAR}[{number}] ", "bold $accent"), segment.info or "code")
    code = highlighted(segment.text, segment.lang).split("\n")
    body = Content("\n").join(Content.assemble(Content.styled(BAR, "$primary"), line) for line in code)
    return Content("\n").join([header, body, Content.styled(f"{BAR}… writing", "italic $text-muted")])


class Tail(Static):
    """The one widget repainted while a reply streams."""

    DEFAULT_CSS = """
    Tail { height: auto; margin: 0 0 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.key: tuple[object, ...] | None = None

    def show(self, segment: Segment | None, number: int) -> None:
        key = None if segment is None else (segment.kind, segment.start, segment.end, segment.info)
        if key == self.key:
            return
        self.key = key
        self.display = segment is not None
        if segment is not None:
            self.update(tail_content(segment, number))


def block_content(segment: Segment, number: int, verdict: Verdict | None) -> Content:
    """A finished block while the reply still streams: header, highlighted code, the verdict's headline."""
    if segment.is_output:
        return tail_content(segment, number)
    header = Content.assemble(Content.styled(f"{BAR}[{number}] ", "bold $accent"), segment.info or segment.lang or "code")
    code = highlighted(segment.text, segment.lang).split("\n")
    rows = [header, Content("\n").join(Content.assemble(Content.styled(BAR, "$primary"), line) for line in code)]
    if segment.is_synoema:
        if verdict is None:
            rows.append(Content.styled(f"{BAR}… checking", "italic $text-muted"))
        else:
            lines = verdict.describe()
            rows.append(Content.styled(f"{BAR}{lines.headline}", f"bold {STYLES.get(lines.status, '')}"))
    return Content("\n").join(rows)


class LiveBlock(Static):
    """A block of a streaming reply, drawn as one widget (the full block widget replaces it when the
    reply is done): laying out a block's five widgets while text streams made key presses wait."""

    DEFAULT_CSS = """
    LiveBlock { height: auto; margin: 0 0 1 0; }
    """

    def __init__(self, segment: Segment, number: int, verdict: Verdict | None = None) -> None:
        # drawn from construction: what it renders never depends on whether it has mounted yet
        super().__init__(block_content(segment, number, verdict))
        self.segment = segment
        self.number = number
        self.verdict = verdict

    def set_verdict(self, verdict: Verdict | None) -> None:
        self.verdict = verdict
        self.update(block_content(self.segment, self.number, verdict))
