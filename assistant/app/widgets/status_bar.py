"""One line at the bottom of the chat: backend, model, throughput, context used, state."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static


@dataclass(frozen=True)
class StatusInfo:
    """Everything the bar shows; replaced as a whole so one refresh paints a consistent line."""

    backend: str = "…"
    model: str = ""
    state: str = "starting"
    tokens_per_second: float = 0.0
    tokens: int = 0
    context_tokens: int = 0
    context_limit: int = 0
    kind: str = "ask"
    offline: bool = False  # the offline engine answers: no tokens-per-second figure

    def with_(self, **changes: object) -> StatusInfo:
        return replace(self, **changes)  # type: ignore[arg-type]


def context_text(used: int, limit: int) -> str:
    if not limit:
        return f"ctx {used}" if used else "ctx –"
    share = 100 * used / limit
    return f"ctx {used}/{limit} ({share:.0f}%)"


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    info: reactive[StatusInfo] = reactive(StatusInfo, always_update=True)

    def render(self) -> Content:
        """`backend · model │ speed │ ctx │ kind │ state`; the model name gives way on a narrow terminal."""
        info = self.info
        state_style = {"streaming": "$text-accent", "error": "$text-error", "ready": "$text-success"}.get(
            info.state.split()[0] if info.state else "", "$text-muted"
        )
        speed = "" if info.offline else (
            f"  │ {info.tokens_per_second:.1f} tok/s" if info.tokens_per_second else "  │ – tok/s")
        middle = f"{speed}  │ {context_text(info.context_tokens, info.context_limit)}  │ {info.kind}  │ "
        name = f"{info.backend} · {info.model}" if info.model else info.backend
        room = (self.content_size.width or 120) - len(middle) - len(info.state)
        if len(name) > max(room, len(info.backend)):
            name = name[: max(room, len(info.backend)) - 1].rstrip() + "…"
        return Content("").join([
            Content.styled(name, "bold $text"), Content(middle), Content.styled(info.state, state_style),
        ])

    def update_info(self, **changes: object) -> None:
        self.info = self.info.with_(**changes)
