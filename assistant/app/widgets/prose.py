"""Prose of a message: consecutive prose segments rendered as Markdown in one widget.

Rich's Markdown renderer draws the text (headings, lists with hanging indents, emphasis, links,
tables) into a single Static: one widget per group of paragraphs, where Textual's Markdown widget
mounts several per list item and a 400-item list took seconds to lay out. A group holds at most
`GROUP_SEGMENTS` segments, so adding to a growing answer re-renders one small group, never the
whole answer.
"""

from __future__ import annotations

from textual.widgets import Static

from synoema.snippets import Segment

GROUP_SEGMENTS = 24


def markdown(text: str) -> object:
    """`text` as a Rich renderable (rich.markdown is imported with the first prose)."""
    from rich.markdown import Markdown

    return Markdown(text, hyperlinks=True)


class Prose(Static):
    """A group of prose segments, rendered as Markdown."""

    DEFAULT_CSS = """
    Prose { height: auto; margin: 0 0 1 0; padding: 0 0; }
    """

    def __init__(self, segments: list[Segment] | None = None) -> None:
        super().__init__()
        self.segments: list[Segment] = list(segments or [])

    @property
    def full(self) -> bool:
        return len(self.segments) >= GROUP_SEGMENTS

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    def on_mount(self) -> None:
        self.repaint()

    def add(self, segment: Segment) -> None:
        self.segments.append(segment)

    def replace_segments(self, segments: list[Segment]) -> None:
        self.segments = list(segments)
        self.repaint()

    def repaint(self) -> None:
        self.update(markdown(self.text.strip("\n") or " "))
