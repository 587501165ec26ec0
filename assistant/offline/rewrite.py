"""Source-level rewrites and their verification: a rewrite is kept only if the rewritten program
compiles and prints exactly what the original printed.

Edits are character ranges of the original text (from AST spans), so a rewrite never reformats
code it does not touch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from synoema.edits import TextEdit, conflicts
from synoema.edits import apply_edits as _apply

from . import program as P


def apply_edits(source: str, edits: Sequence[TextEdit]) -> str:
    """Apply non-overlapping edits (callers check overlaps first)."""
    out = _apply(source, edits)
    if out is None:
        raise ValueError("overlapping edits")
    return out


@dataclass
class Baseline:
    """What the original prints; rewrites must print exactly this."""

    stdout: str
    stdin: str = ""


def baseline(analysed: P.Analysed) -> Baseline | None:
    """Only programs that compile, have `main` and run successfully can have verified rewrites."""
    if not analysed.runs or analysed.result is None:
        return None
    return Baseline(analysed.result.stdout, analysed.stdin)


def same_output(candidate: str, base: Baseline) -> bool:
    analysed = P.analyse(candidate, stdin=base.stdin)
    return analysed.runs and analysed.result is not None and analysed.result.stdout == base.stdout


def choose(source: str, groups: Sequence[Sequence[TextEdit]], base: Baseline) -> list[int]:
    """Indexes of the edit groups kept: all at once if that verifies, else one by one, greedily."""
    candidates = [i for i, g in enumerate(groups) if g]
    chosen: list[int] = []
    flat: list[TextEdit] = []
    for i in candidates:
        if not conflicts(flat, groups[i]):
            chosen.append(i)
            flat += groups[i]
    if chosen and same_output(apply_edits(source, flat), base):
        return chosen
    kept: list[int] = []
    edits: list[TextEdit] = []
    for i in candidates:
        if conflicts(edits, groups[i]):
            continue
        trial = edits + list(groups[i])
        if same_output(apply_edits(source, trial), base):
            kept.append(i)
            edits = trial
    return kept
