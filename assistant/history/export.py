"""Markdown rendering of a conversation, for sharing or pasting into an issue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from assistant.history.models import Conversation, Message
from assistant.verdict import Verdict

_ROLE_NAMES = {"user": "You", "assistant": "Assistant", "system": "System", "tool": "Tool"}
_RATING_NAMES = {1: "helpful", 0: "neutral", -1: "unhelpful"}


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _heading(message: Message) -> str:
    parts = [_ROLE_NAMES.get(message.role, message.role.title())]
    if message.backend or message.model:
        parts.append("/".join(p for p in (message.backend, message.model) if p))
    if message.tokens is not None:
        parts.append(f"{message.tokens} tokens")
    if message.duration is not None:
        parts.append(f"{message.duration:.1f} s")
    return "### " + " · ".join(parts)


def _verdict_line(verdict: Verdict) -> str:
    return f"- block {verdict.index + 1}: {verdict.describe().headline}"


def conversation_markdown(conversation: Conversation, messages: Sequence[Message]) -> str:
    """The conversation as Markdown: a heading per message, verdicts and ratings as notes."""
    title = conversation.title or "Untitled conversation"
    lines = [
        f"# {title}",
        "",
        f"*{conversation.kind} · started {_when(conversation.created)} · {len(messages)} messages*",
    ]
    for message in messages:
        lines += ["", _heading(message), "", message.content.rstrip()]
        if message.verdicts:
            lines += ["", "**Checks**", ""]
            lines += [_verdict_line(v) for v in message.verdicts]
        if message.rating is not None:
            note = f" — {message.rating.note}" if message.rating.note else ""
            lines += ["", f"*Rated {_RATING_NAMES.get(message.rating.rating, message.rating.rating)}{note}*"]
    return "\n".join(lines) + "\n"
