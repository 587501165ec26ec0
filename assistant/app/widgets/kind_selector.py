"""The row of request kinds (explain / fix / ask / review / write) above the input.

Clickable, and labelled with the F-key that selects each kind, so the binding is discoverable
without opening the help screen.
"""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from assistant.app.keys import KIND_KEYS

KINDS: tuple[str, ...] = tuple(KIND_KEYS)
TIPS: dict[str, str] = {
    "explain": "what the code does, with every inferred type",
    "fix": "compile your code, find the error, propose a fix",
    "ask": "a question about the language",
    "review": "idioms, partial functions, cheaper rewrites",
    "write": "a program from a task description",
}


class KindSelector(Static):
    """Shows the current kind; `kind` is reactive and changes post `KindSelector.Changed`."""

    DEFAULT_CSS = """
    KindSelector { height: 1; padding: 0 1; color: $text-muted; }
    """

    kind: reactive[str] = reactive("ask")

    class Changed(Message):
        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

    def render(self) -> Content:
        parts: list[Content] = []
        for name in KINDS:
            key = KIND_KEYS[name].upper()
            label = f" {key} {name} "
            if name == self.kind:
                parts.append(Content.styled(label, "bold reverse $accent"))
            else:
                parts.append(Content.from_markup(f"[@click=select('{name}')]{label}[/]"))
        parts.append(Content.styled(f"  {TIPS.get(self.kind, '')}", "italic $text-muted"))
        return Content("").join(parts)

    def watch_kind(self, old: str, new: str) -> None:
        if old != new:
            self.post_message(self.Changed(new))

    def action_select(self, kind: str) -> None:
        if kind in KINDS:
            self.kind = kind

    def cycle(self) -> str:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)] if self.kind in KINDS else KINDS[0]
        return self.kind
