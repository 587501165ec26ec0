"""Prose of a finished message, rendered by Textual's Markdown (imported on first use: markdown-it
is not needed to open the app)."""

from __future__ import annotations

from textual.widgets import Markdown

from assistant.app.fences import Segment


class Prose(Markdown):
    """A prose segment; grows by `Markdown.append` while it only gains text at the end."""

    DEFAULT_CSS = """
    Prose { padding: 0 0; margin: 0 0 1 0; }
    Prose > MarkdownBlock:last-child { margin-bottom: 0; }
    """

    def __init__(self, segment: Segment) -> None:
        super().__init__(segment.text)
        self.segment = segment

    async def update_segment(self, segment: Segment) -> None:
        old, new = self.segment.text, segment.text
        self.segment = segment
        if new == old:
            return
        if new.startswith(old):
            await self.append(new[len(old) :])
        else:
            await self.update(new)
