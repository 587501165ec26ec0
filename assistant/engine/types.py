"""The engine's data contract, shared by the engine, the Textual app, the plain REPL and the CLI.

A reply is produced as a stream of events (text chunks, snippet verdicts as soon as a fence closes,
repair rounds) and ends with a `Reply` that carries a verdict for every code block it contains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Kind(StrEnum):
    """What the user wants; each kind has its own system prompt and offline strategy."""

    EXPLAIN = "explain"
    FIX = "fix"
    ASK = "ask"
    REVIEW = "review"
    WRITE = "write"


Status = Literal["runs", "types", "parses", "fails", "skipped"]


@dataclass
class DiagnosticInfo:
    """A diagnostic flattened for display and storage (no spans objects across threads)."""

    code: str
    message: str
    line: int = 0
    col: int = 0
    end_line: int = 0
    end_col: int = 0
    severity: str = "error"
    hint: str | None = None
    did_you_mean: str | None = None


@dataclass
class SnippetVerdict:
    """The live check of one code block of a message.

    `start`/`end` are character offsets of the whole fence in the message text, so a UI can place the
    verdict under the block. `quoted` blocks (the user's code shown back) are checked but never
    repaired. `status` is the highest stage reached: runs > types > parses > fails.
    """

    index: int
    code: str
    start: int
    end: int
    quoted: bool = False
    status: Status = "skipped"
    shape: str = "program"  # program | definitions | expression
    signatures: list[tuple[str, str]] = field(default_factory=list)
    output: str = ""  # what `synoema run` printed
    diagnostics: list[DiagnosticInfo] = field(default_factory=list)
    repaired: bool = False  # the code shown is a repaired version of what the model wrote
    original_code: str | None = None
    repair_notes: list[str] = field(default_factory=list)  # one line per edit, for the user
    model_rounds: int = 0  # how many times the model was asked again with diagnostics
    expected_output: str | None = None  # what the reply's ```output block claimed, when it had one
    output_matched: bool | None = None  # whether that claim was right (None: nothing to compare)

    @property
    def ok(self) -> bool:
        return self.status in ("runs", "types", "parses") and not any(
            d.severity == "error" for d in self.diagnostics
        )

    def summary(self) -> str:
        """One line for a status row under the block."""
        if self.status == "runs":
            out = self.output.strip().splitlines()
            shown = out[-1] if out else ""
            return f"✓ runs{': ' + shown if shown else ''}"
        if self.status == "types":
            sigs = ", ".join(f"{n} : {t}" for n, t in self.signatures[:3])
            return f"✓ types{': ' + sigs if sigs else ''}"
        if self.status == "parses":
            return "✓ parses"
        if self.status == "skipped":
            return "· not checked"
        d = next((d for d in self.diagnostics if d.severity == "error"), None)
        if d is None:
            return "✗ fails"
        where = f"line {d.line}: " if d.line else ""
        return f"✗ {d.code} {where}{d.message}"


# ── events streamed while a reply is produced ────────────────────────────────────────────────


@dataclass
class TextChunk:
    """A piece of the reply's text, as it streams."""

    text: str


@dataclass
class SnippetChecked:
    """A code block was checked (again after a repair): its verdict, placed by `verdict.index`."""

    verdict: SnippetVerdict


@dataclass
class RepairRound:
    """The engine asked the model again with these diagnostics (round starts at 1)."""

    round: int
    snippet_index: int
    diagnostics: list[DiagnosticInfo]


@dataclass
class Stats:
    """Throughput for the status bar."""

    tokens: int = 0
    seconds: float = 0.0
    first_token_seconds: float | None = None
    context_tokens: int = 0
    context_limit: int = 0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Reply:
    """A finished answer: its final text (with repaired code where repair succeeded) and verdicts."""

    text: str
    kind: Kind
    verdicts: list[SnippetVerdict] = field(default_factory=list)
    backend: str = "offline"
    model: str = ""
    stats: Stats = field(default_factory=Stats)
    cancelled: bool = False
    error: str | None = None  # a user-facing message when the backend failed
    error_hint: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Done:
    """The last event of every reply, failed ones included."""

    reply: Reply


@dataclass
class Failed:
    """The backend failed; the message says what happened and the hint what to do."""

    message: str
    hint: str | None = None


Event = TextChunk | SnippetChecked | RepairRound | Done | Failed


@dataclass
class Turn:
    """One message of a conversation as the engine keeps it (`message_id` when stored in history)."""

    role: str
    content: str
    kind: str = "text"
    message_id: int | None = None
    backend: str | None = None
    model: str | None = None
    verdicts: list[SnippetVerdict] = field(default_factory=list)
    rating: int | None = None
