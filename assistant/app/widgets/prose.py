"""Prose of a message: consecutive prose segments shown as Markdown in one widget.

The segments that arrive together (paragraphs, list items, headings: `synoema.snippets` splits
prose there) are parsed in one go by `assistant.app.markdown`, and the group's lines are wrapped
per width (cached), so a long answer costs one widget per group of segments and no Markdown work
on a repaint. Parsing waits until the group is drawn or the app is idle: until then its height is
estimated from the text, so the end of a long answer is on screen before its start is parsed.
"""

from __future__ import annotations

import math
import re

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from assistant.app.markdown import Block, blocks, layout
from synoema.snippets import Segment

GROUP_SEGMENTS = 24
_MARKUP = re.compile(r"^\s{0,3}(?:[-*+]\s+|\d{1,9}[.)]\s+|#{1,6}\s+|>\s?)|\*\*|`")


def estimated_lines(text: str, width: int) -> int:
    """About how many lines `text` takes at `width` once rendered (markers and markup left out)."""
    count = 0
    blank = True
    for raw in text.strip("\n").split("\n"):
        if not raw.strip():
            if not blank:
                count += 1
            blank = True
            continue
        blank = False
        count += max(1, math.ceil(len(_MARKUP.sub("", raw)) / max(width - 2, 8)))
    return max(count, 1)


class Prose(Widget):
    """A group of prose segments, rendered as Markdown lines."""

    DEFAULT_CSS = """
    Prose { height: auto; margin: 0 0 1 0; padding: 0 0; }
    """

    def __init__(self, segments: list[Segment] | None = None) -> None:
        super().__init__()
        self.segments: list[Segment] = []
        self._batches: list[str] = []  # the text of each batch of segments
        self._parsed: list[list[Block]] = []  # the blocks of the batches parsed so far
        self._lines: tuple[int, list[Content]] | None = None
        self.add_many(list(segments or []))

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def parsed(self) -> bool:
        return len(self._parsed) == len(self._batches)

    def add_many(self, segments: list[Segment]) -> None:
        """Take consecutive segments (parsed together, when first needed)."""
        if segments:
            self.segments += segments
            self._batches.append("".join(s.text for s in segments))
            self._lines = None

    def retarget(self, segments: list[Segment]) -> None:
        """The same text at new offsets (the final text of the answer)."""
        self.segments = list(segments)

    def repaint(self) -> None:
        """New segments arrived: lay out again on the next render."""
        self._lines = None
        self.refresh(layout=True)

    def parse(self) -> bool:
        """Parse what is not parsed yet; True when that changed the height the layout had."""
        if self.parsed:
            return False
        width = self.content_size.width or 80
        before = self.get_content_height(Size(width, 0), Size(width, 0), width)
        for text in self._batches[len(self._parsed) :]:
            found = blocks(text.strip("\n"))
            if found:  # a blank line after the batch keeps a blank line on screen
                last = found[-1]
                gap = text.rstrip(" \t").endswith("\n\n")
                found[-1] = Block(last.body, last.prefix, last.indent, last.style, gap, last.wrap)
            self._parsed.append(found)
        self._lines = None
        return len(self.lines(width)) != before

    def lines(self, width: int) -> list[Content]:
        self.parse()
        if self._lines is None or self._lines[0] != width:
            found = [block for part in self._parsed for block in part]
            if found and found[-1].gap:
                last = found[-1]
                found[-1] = Block(last.body, last.prefix, last.indent, last.style, False, last.wrap)
            self._lines = (width, layout(found, width))
        return self._lines[1]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.parsed:
            return estimated_lines(self.text, width)
        return max(len(self.lines(width)), 1)

    def render(self) -> Content:
        width = self.content_size.width or 80
        if not self.parsed and self.parse():
            self.call_after_refresh(self.refresh, layout=True)  # the estimate was off: lay out again
        return Content("\n").join(self.lines(width))

    def plain(self) -> str:
        """The text as shown (for tests)."""
        return "\n".join(line.plain for line in self.lines(self.content_size.width or 80))
