"""The final text of a reply: repaired code in place, real program output under each program.

Every proposed program that ran gets an ```output block with what it really printed (the model's
claim is kept in the verdict when it differed), and verdict offsets are moved to the new text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.engine.checking import same_output
from assistant.engine.snippets import OUTPUT_LANG, CodeBlock, Fence, iter_fences
from assistant.engine.types import SnippetVerdict


@dataclass
class _Edit:
    """Replace text[start:end] by `text`; a code block's edit carries the verdict whose offsets move."""

    start: int
    end: int
    text: str
    verdict: SnippetVerdict | None = None


def refence(original: str, block: CodeBlock, code: str) -> str:
    """`block`'s fence (as written in `original`) holding `code` instead."""
    body = code.rstrip("\n")
    written = original[block.start : block.end]
    if not block.fenced:
        indent = written[: len(written) - len(written.lstrip(" "))] or "    "
        end = "\n" if written.endswith("\n") else ""
        return "\n".join(indent + line if line else line for line in body.split("\n")) + end
    lines = written.splitlines(keepends=True)
    opening = lines[0] if lines[0].endswith("\n") else lines[0] + "\n"
    if block.closed and len(lines) > 1:
        closing = lines[-1]
    else:
        marker = opening.lstrip(" ")[:3]
        closing = marker + ("\n" if written.endswith("\n") else "")
    return f"{opening}{body}\n{closing}"


def output_after(fences: Sequence[Fence], text: str, position: int) -> Fence | None:
    """The ```output fence that directly follows `position` (only blank space between)."""
    for fence in fences:
        if fence.start >= position:
            between = text[position : fence.start]
            return fence if fence.lang == OUTPUT_LANG and not between.strip() else None
    return None


def _wants_output(verdict: SnippetVerdict) -> bool:
    return verdict.status == "runs" and not verdict.quoted and verdict.shape == "program"


def output_fence(stdout: str) -> str:
    return f"```output\n{stdout.rstrip(chr(10))}\n```\n"


def rebuild(text: str, placed: Sequence[tuple[CodeBlock, SnippetVerdict]]) -> str:
    """Apply repaired code and real outputs to `text`; updates each verdict's start/end in place."""
    fences = list(iter_fences(text))
    edits: list[_Edit] = []
    for block, verdict in placed:
        written = text[block.start : block.end]
        new_block = written if verdict.code == block.code else refence(text, block, verdict.code)
        edits.append(_Edit(block.start, block.end, new_block, verdict))
        if not _wants_output(verdict) or not block.closed:
            continue
        shown = output_after(fences, text, block.end)
        if shown is not None:
            verdict.expected_output = shown.body
            verdict.output_matched = same_output(verdict.output, shown.body)
            if not verdict.output_matched:
                edits.append(
                    _Edit(shown.start, shown.end, _keep_newline(output_fence(verdict.output), shown, text))
                )
        else:
            lead = "" if new_block.endswith("\n") else "\n"
            edits.append(_Edit(block.end, block.end, lead + output_fence(verdict.output)))
    edits.sort(key=lambda e: (e.start, e.end))
    out: list[str] = []
    cursor = 0
    length = 0
    for edit in edits:
        if edit.start < cursor:  # overlapping edits cannot happen for well-formed fences; keep the first
            continue
        piece = text[cursor : edit.start]
        out.append(piece)
        length += len(piece)
        if edit.verdict is not None:
            edit.verdict.start = length
            edit.verdict.end = length + len(edit.text)
        out.append(edit.text)
        length += len(edit.text)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def _keep_newline(replacement: str, fence: Fence, text: str) -> str:
    return replacement if text[fence.start : fence.end].endswith("\n") else replacement.rstrip("\n")


def verdict_lines(verdict: SnippetVerdict) -> list[str]:
    """A verdict as plain lines for a terminal: the summary, then what the user can act on."""
    lines = [("quoted · " if verdict.quoted else "") + verdict.summary()]
    if verdict.status == "fails":
        for d in [d for d in verdict.diagnostics if d.severity == "error"][:3]:
            if d.hint:
                lines.append(f"  hint: {d.hint}")
    if verdict.status == "types" and verdict.signatures and verdict.shape == "definitions":
        lines += [f"  {name} : {sig}" for name, sig in verdict.signatures[3:8]]
    if verdict.output_matched is False:
        lines.append("  the output block shows what the program really prints")
    if verdict.repaired:
        lines += [f"  repaired: {note}" for note in verdict.repair_notes[:6]] or ["  repaired"]
    if verdict.model_rounds:
        lines.append(f"  sent back to the model {verdict.model_rounds}×")
    return lines


def render_with_verdicts(text: str, verdicts: Sequence[SnippetVerdict], *, prefix: str = "» ") -> str:
    """The reply text with each verdict's lines under its block (after the block's output, if any)."""
    fences = list(iter_fences(text))
    inserts: list[tuple[int, str]] = []
    for verdict in verdicts:
        at = verdict.end
        shown = output_after(fences, text, at)
        if shown is not None:
            at = shown.end
        lead = "" if at == 0 or text[at - 1 : at] == "\n" else "\n"
        body = "\n".join(prefix + line for line in verdict_lines(verdict))
        inserts.append((at, f"{lead}{body}\n"))
    out: list[str] = []
    cursor = 0
    for at, piece in sorted(inserts, key=lambda x: x[0]):
        out += [text[cursor:at], piece]
        cursor = at
    out.append(text[cursor:])
    return "".join(out)
