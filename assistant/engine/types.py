"""The engine's data contract, shared by the engine, the Textual app, the plain REPL and the CLI.

A reply is produced as a stream of events (text chunks, a snippet's verdict as soon as its fence
closes, repair rounds) and ends with a `Reply` that carries a verdict for every code block it
contains. Every event is a frozen snapshot: a UI thread may keep it while the engine goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.kinds import Kind
from assistant.verdict import DiagnosticInfo, Status, Verdict

__all__ = [
    "DiagnosticInfo",
    "Done",
    "Event",
    "Failed",
    "Kind",
    "RepairRound",
    "Reply",
    "SnippetChecked",
    "Stats",
    "Status",
    "TextChunk",
    "Turn",
    "Verdict",
]


# ── events streamed while a reply is produced ────────────────────────────────────────────────


@dataclass(frozen=True)
class TextChunk:
    """A piece of the reply's text, as it streams."""

    text: str


@dataclass(frozen=True)
class SnippetChecked:
    """A code block was checked (again after a repair, or beside its output block): placed by `verdict.index`."""

    verdict: Verdict


@dataclass(frozen=True)
class RepairRound:
    """The engine asked the model again with these diagnostics (round starts at 1)."""

    round: int
    snippet_index: int
    diagnostics: tuple[DiagnosticInfo, ...]


@dataclass(frozen=True)
class Stats:
    """Throughput for the status bar; `offline` answers have no tokens-per-second figure."""

    tokens: int = 0
    seconds: float = 0.0
    first_token_seconds: float | None = None
    context_tokens: int = 0
    context_limit: int = 0
    offline: bool = False

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 and not self.offline else 0.0

    def summary(self) -> str:
        """`123 tokens · 1.2 s · 98 tok/s`, or `offline · 0.3 s` for the built-in engine."""
        if self.offline:
            return f"offline · {self.seconds:.1f} s"
        parts = [f"{self.tokens} tokens", f"{self.seconds:.1f} s"]
        if self.tokens_per_second:
            parts.append(f"{self.tokens_per_second:.0f} tok/s")
        return " · ".join(parts)


@dataclass(frozen=True)
class Reply:
    """A finished answer: its final text (repaired code, real program output) and a verdict per block."""

    text: str
    kind: Kind
    verdicts: tuple[Verdict, ...] = ()
    backend: str = "offline"
    model: str = ""
    stats: Stats = field(default_factory=Stats)
    cancelled: bool = False
    error: str | None = None  # a user-facing message when the backend failed
    error_hint: str | None = None
    conversation_id: int | None = None
    message_id: int | None = None  # of the stored answer (None when nothing was stored)
    user_message_id: int | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)  # what the prompt kept, a repair error


@dataclass(frozen=True)
class Done:
    """The last event of every reply, failed ones included."""

    reply: Reply


@dataclass(frozen=True)
class Failed:
    """The backend failed; the message says what happened and the hint what to do."""

    message: str
    hint: str | None = None


Event = TextChunk | SnippetChecked | RepairRound | Done | Failed


@dataclass(frozen=True)
class Turn:
    """One message of a conversation as the engine keeps it (`message_id` when stored in history)."""

    role: str
    content: str
    kind: str = "text"
    message_id: int | None = None
    backend: str | None = None
    model: str | None = None
    verdicts: tuple[Verdict, ...] = ()
    rating: int | None = None
