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
from assistant.kinds import KINDS, TIPS, Kind


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
        """`F2 explain F3 fix …`, then the current kind's tip when the row has room (80 columns need
        the short labels: the tip goes first, then the key names)."""
        width = self.content_size.width or 120
        full = sum(len(f" {KIND_KEYS[k].upper()} {k} ") for k in KINDS)
        with_keys = full <= width
        parts: list[Content] = []
        for name in KINDS:
            label = f" {KIND_KEYS[name].upper()} {name} " if with_keys else f" {name} "
            if name == self.kind:
                parts.append(Content.styled(label, "bold reverse $accent"))
            else:
                parts.append(Content.from_markup(f"[@click=select('{name}')]{label}[/]"))
        tip = TIPS.get(Kind(self.kind), "") if self.kind in KINDS else ""
        used = sum(len(p.plain) for p in parts)
        if tip and used + 2 + len(tip) <= width:
            parts.append(Content.styled(f"  {tip}", "italic $text-muted"))
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
