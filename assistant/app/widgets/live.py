"""The reply while it streams: one widget drawing prose, highlighted code and verdicts as text.

Every widget on screen costs layout time on each repaint, and a streaming reply repaints many
times a second; built from Markdown and code-block widgets, a long reply made key presses wait
behind 80 ms layouts. So until the reply is done it is drawn by this single Static (light
Markdown: headings, bold, inline code; code highlighted; the verdict under each block as soon as
its fence closes), and the finished reply is then laid out with the full widgets and actions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from assistant.app.fences import Segment
from assistant.app.verdicts import STYLES, assign
from assistant.app.widgets.code_block import highlighted
from assistant.engine.types import SnippetVerdict

_INLINE = re.compile(r"(`[^`\n]+`|\*\*[^*\n]+\*\*)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
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


def segment_content(segment: Segment, number: int, verdict: SnippetVerdict | None, code: Content | None) -> Content:
    """One segment as text; `code` is the segment's highlighted code when it is a code block."""
    if segment.kind == "prose":
        return prose_content(segment.text)
    if segment.is_output:
        body = Content("\n").join(Content.styled(BAR + line, "$text-muted") for line in segment.text.split("\n"))
        return Content("\n").join([Content.styled(BAR + "output", "italic $text-muted"), body])
    header = Content.assemble(Content.styled(f"{BAR}[{number}] ", "bold $accent"), segment.info or "code")
    lines = (code or Content(segment.text)).split("\n")
    rows = [header, Content("\n").join(Content.assemble(Content.styled(BAR, "$primary"), line) for line in lines)]
    if segment.is_synoema:
        if verdict is not None:
            rows.append(Content.styled(f"{BAR}{verdict.summary()}", f"bold {STYLES.get(verdict.status, '')}"))
        else:
            state = "… checking" if segment.closed else "… writing"
            rows.append(Content.styled(f"{BAR}{state}", "italic $text-muted"))
    return Content("\n").join(rows)


class LivePart(Static):
    """One segment of a streaming reply; repainted only when its text or verdict changes."""

    DEFAULT_CSS = """
    LivePart { height: auto; margin: 0 0 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.key: tuple[object, ...] | None = None

    def show(self, segment: Segment, number: int, verdict: SnippetVerdict | None) -> None:
        key = (segment.kind, segment.info, segment.text, segment.closed, number, id(verdict), verdict and verdict.status)
        if key == self.key:
            return
        self.key = key
        code = highlighted(segment.text, segment.language) if segment.kind == "code" and not segment.is_output else None
        self.update(segment_content(segment, number, verdict, code))


def live_plan(segments: Sequence[Segment], verdicts: Sequence[SnippetVerdict], first_number: int) -> list[tuple[Segment, int, SnippetVerdict | None]]:
    """Each segment with its block number and verdict (numbers count every non-output block)."""
    placed = assign(segments, verdicts)
    plan = []
    number = first_number
    for index, segment in enumerate(segments):
        plan.append((segment, number, placed.get(index) if segment.is_synoema else None))
        if segment.kind == "code" and not segment.is_output:
            number += 1
    return plan
