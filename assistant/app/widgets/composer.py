"""The message input: a multi-line TextArea where Enter sends and Up recalls earlier messages.

TextArea inserts a newline on Enter by itself, so the keys are intercepted in `_on_key`
before TextArea sees them; bindings would fire too late (after the insert).
"""

from __future__ import annotations

import time

from textual import events
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = frozenset({"shift+enter", "ctrl+j"})
FREED_KEYS = frozenset({"f6", "f7"})  # TextArea's select-line/select-all; the app uses them


def _kept(binding: object) -> bool:
    key = getattr(binding, "key", None) or (binding[0] if isinstance(binding, tuple) else "")
    return not FREED_KEYS.intersection(str(key).split(","))


class PromptInput(TextArea, inherit_bindings=False):
    """Where the user types; posts `PromptInput.Submitted` with the text on Enter."""

    DEFAULT_CSS = """
    PromptInput {
        height: auto;
        min-height: 3;
        max-height: 12;
        border: round $primary 50%;
        padding: 0 1;
        &:focus { border: round $primary; }
    }
    """

    BINDINGS = [b for b in TextArea.BINDINGS if _kept(b)]

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(
            "",
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            highlight_cursor_line=False,
            placeholder=placeholder,
            compact=True,
        )
        self.recall: list[str] = []
        self.last_key_at = 0.0  # monotonic time of the last key press (the chat defers repaints)
        self._recall_index: int | None = None
        self._draft = ""

    def remember(self, text: str) -> None:
        """Add a sent message to the recall list (consecutive duplicates collapse)."""
        if text.strip() and (not self.recall or self.recall[-1] != text):
            self.recall.append(text)
        self._recall_index = None

    def load_history(self, texts: list[str]) -> None:
        self.recall = [t for t in texts if t.strip()]
        self._recall_index = None

    def _set(self, text: str) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end)

    def recall_previous(self) -> bool:
        if not self.recall:
            return False
        if self._recall_index is None:
            self._draft = self.text
            self._recall_index = len(self.recall)
        if self._recall_index == 0:
            return True
        self._recall_index -= 1
        self._set(self.recall[self._recall_index])
        return True

    def recall_next(self) -> bool:
        if self._recall_index is None:
            return False
        self._recall_index += 1
        if self._recall_index >= len(self.recall):
            self._recall_index = None
            self._set(self._draft)
        else:
            self._set(self.recall[self._recall_index])
        return True

    def submit(self) -> None:
        text = self.text
        if not text.strip():
            return
        self.remember(text)
        self.clear()
        self.post_message(self.Submitted(text))

    async def _on_key(self, event: events.Key) -> None:
        self.last_key_at = time.monotonic()
        key = event.key
        handled = False
        if key == "enter":
            self.submit()
            handled = True
        elif key in NEWLINE_KEYS:
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
            handled = True
        elif key == "up" and self.cursor_location[0] == 0 and not self.selected_text:
            handled = self.recall_previous()
        elif key == "down" and self.cursor_location[0] == self.document.line_count - 1:
            handled = self.recall_next()
        if handled:
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)
