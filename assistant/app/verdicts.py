"""What the row under a code block says: the verdict, its details, and which verdict goes where.

Pure functions over `SnippetVerdict`, so the wording is tested without a screen and the chat,
the export and the curation code all describe a snippet the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.app.fences import Segment
from assistant.engine.types import DiagnosticInfo, SnippetVerdict

ICONS = {"runs": "✓", "types": "✓", "parses": "✓", "fails": "✗", "skipped": "·"}
STYLES = {
    "runs": "$text-success",
    "types": "$text-success",
    "parses": "$text-warning",
    "fails": "$text-error",
    "skipped": "$text-muted",
}
MAX_OUTPUT_LINES = 6
MAX_SIGNATURES = 4


@dataclass(frozen=True)
class VerdictLines:
    """The verdict as plain lines: a headline and indented details (signatures, output, hints)."""

    status: str
    headline: str
    details: tuple[str, ...] = ()


def first_error(verdict: SnippetVerdict) -> DiagnosticInfo | None:
    return next((d for d in verdict.diagnostics if d.severity == "error"), None)


def describe(verdict: SnippetVerdict) -> VerdictLines:
    """Headline from `SnippetVerdict.summary()`, plus everything a user needs to act on it."""
    details: list[str] = []
    if verdict.quoted:
        details.append("your code, quoted: checked, never run as the answer")
    if verdict.status in ("runs", "types") and verdict.signatures:
        shown = verdict.signatures[:MAX_SIGNATURES]
        details.extend(f"{name} : {sig}" for name, sig in shown)
        if len(verdict.signatures) > MAX_SIGNATURES:
            details.append(f"… {len(verdict.signatures) - MAX_SIGNATURES} more signatures")
    if verdict.status == "runs" and verdict.output.strip():
        out = verdict.output.rstrip("\n").splitlines()
        if len(out) > 1:
            details.append("output:")
            details.extend(f"  {line}" for line in out[:MAX_OUTPUT_LINES])
            if len(out) > MAX_OUTPUT_LINES:
                details.append(f"  … {len(out) - MAX_OUTPUT_LINES} more lines")
    if verdict.status == "fails":
        error = first_error(verdict)
        if error is not None:
            if error.hint:
                details.append(f"hint: {error.hint}")
            if error.did_you_mean:
                details.append(f"did you mean {error.did_you_mean}?")
        others = [d for d in verdict.diagnostics if d is not error and d.severity == "error"]
        details.extend(f"also {d.code}{f' line {d.line}' if d.line else ''}: {d.message}" for d in others[:3])
    warnings = [d for d in verdict.diagnostics if d.severity != "error"]
    details.extend(f"warning {d.code}{f' line {d.line}' if d.line else ''}: {d.message}" for d in warnings[:3])
    if verdict.repaired:
        edits = len(verdict.repair_notes)
        details.append(f"repaired automatically ({edits} edit{'s' if edits != 1 else ''}):")
        details.extend(f"  • {note}" for note in verdict.repair_notes[:6])
    if verdict.model_rounds:
        rounds = verdict.model_rounds
        details.append(f"sent back to the model {rounds} time{'s' if rounds != 1 else ''} with its diagnostics")
    return VerdictLines(verdict.status, verdict.summary(), tuple(details))


def assign(segments: Sequence[Segment], verdicts: Sequence[SnippetVerdict]) -> dict[int, SnippetVerdict]:
    """Map segment positions to verdicts: by fence offset, then by identical code, then in order.

    Offsets are exact when the text is the engine's; code equality covers a text re-flowed by
    repair; order is the last resort for Synoema blocks left unmatched.
    """
    result: dict[int, SnippetVerdict] = {}
    left = list(verdicts)
    candidates = [i for i, s in enumerate(segments) if s.kind == "code" and not s.is_output]
    for matcher in (
        lambda s, v: v.start == s.start,
        lambda s, v: v.code.strip() == s.text.strip(),
    ):
        for i in candidates:
            if i in result:
                continue
            hit = next((v for v in left if matcher(segments[i], v)), None)
            if hit is not None:
                result[i] = hit
                left.remove(hit)
    remaining = [i for i in candidates if i not in result and segments[i].is_synoema]
    for i, verdict in zip(remaining, left):
        result[i] = verdict
    return result
