"""Markdown rendering of a conversation, for sharing or pasting into an issue."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from assistant.history.models import Conversation, Message, Verdict

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
    text = f"- snippet {verdict.snippet}: {verdict.status}"
    if verdict.code:
        text += f" [{verdict.code}]"
    if verdict.line is not None:
        text += f" at line {verdict.line}"
    if verdict.message:
        text += f": {verdict.message}"
    signatures = verdict.signatures
    if isinstance(signatures, dict):
        signatures = [f"{name} : {sig}" for name, sig in signatures.items()]
    if signatures:
        text += " (" + "; ".join(f"`{s}`" for s in signatures) + ")"
    return text


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


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temp file and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
