"""The final text of a reply: repaired code in place, and under each program what it really prints.

Every proposed program that ran shows an ```output block with exactly what `synoema run` prints
(`synoema.fences`); a wrong block is corrected and the answer's claim kept in the verdict
(`claimed_output`). Only block bodies change and output blocks are added, so block numbers stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.verdict import Verdict
from synoema.edits import TextEdit, apply_edits
from synoema.fences import OUTPUT_INFO, fence, output_matches, output_text
from synoema.snippets import Segment, output_after, segments


def refence(text: str, block: Segment, code: str) -> str:
    """`block` as written in `text`, holding `code` instead."""
    body = code.rstrip("\n")
    written = text[block.start : block.end]
    if not block.fenced:
        indent = written[: len(written) - len(written.lstrip(" "))] or "    "
        return "\n".join(indent + line if line else line for line in body.split("\n"))
    lines = written.split("\n")
    opening = lines[0]
    closing = lines[-1] if block.closed and len(lines) > 1 else opening.lstrip(" ")[:3]
    return f"{opening}\n{body}\n{closing}"


def rebuild(text: str, verdicts: Sequence[Verdict]) -> tuple[str, tuple[Verdict, ...]]:
    """`text` with repaired code and real outputs, and the verdicts beside the blocks as now shown."""
    found = segments(text)
    by_index = {v.index: v for v in verdicts}
    edits: list[TextEdit] = []
    final: dict[int, Verdict] = {}
    for block in found:
        verdict = by_index.get(block.index) if block.is_synoema else None
        if verdict is None:
            continue
        if verdict.code != block.code and verdict.repaired:
            edits.append(TextEdit(block.start, block.end, refence(text, block, verdict.code)))
        shown = output_after(found, block)
        if not verdict.wants_output_block or not block.closed:
            final[block.index] = verdict.with_output_block(shown.text if shown is not None else None)
            continue
        real = output_text(verdict.stdout)
        if shown is None:
            edits.append(TextEdit(block.end, block.end, "\n" + fence(OUTPUT_INFO, real)))
            final[block.index] = verdict.with_output_block(verdict.stdout)
        elif output_matches(shown.text, verdict.stdout):
            final[block.index] = verdict.with_output_block(shown.text)
        else:
            edits.append(TextEdit(shown.start, shown.end, fence(OUTPUT_INFO, real)))
            final[block.index] = replace(verdict, expected_output=verdict.stdout, claimed_output=shown.text)
    rebuilt = apply_edits(text, edits)
    return (text if rebuilt is None else rebuilt), tuple(final.get(v.index, v) for v in verdicts)
