"""The offline `fix` answer: compile the user's code, run the rule-based repair, explain each edit
and each remaining diagnostic, and show the repaired program with its real output.

`synoema.repair` is optional: without it the answer is the diagnostics with their hints.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from synoema.diagnostics import Diagnostic

from . import program as P
from .context import Knowledge
from .markdown import code_block, diagnostic_line, inline, output_block, plural, quoted_block


def run_repair(source: str) -> Any | None:
    """`synoema.repair.repair(source)`, or None when it fails."""
    from synoema.repair import repair

    try:
        return repair(source)
    except Exception:  # a repair bug must not lose the answer
        return None


def edit_line(edit: Any) -> str:
    """One line per edit: `line 3: lists use spaces, not commas (`[1, 2]` → `[1 2]`)`."""
    reason = str(getattr(edit, "reason", "") or getattr(edit, "rule", "") or "edit")
    span = getattr(edit, "span", None)
    line = getattr(span, "line", 0) or 0
    before, after = getattr(edit, "before", None), getattr(edit, "after", None)
    text = f"line {line}: {reason}" if line else reason
    if isinstance(before, str) and isinstance(after, str) and before != after and len(before) + len(after) < 100:
        text += f" ({inline(before, 45)} → {inline(after, 45) if after else 'removed'})"
    return f"- {text}\n"


def _quote_lines(source: str, diags: list[Diagnostic]) -> str:
    lines = source.split("\n")
    wanted = sorted({d.span.line for d in diags if d.span is not None and 0 < d.span.line <= len(lines)})[:6]
    return "\n".join(lines[n - 1] for n in wanted)


def _problem(diags: list[Diagnostic], runtime: bool) -> str:
    first = diags[0]
    where = f" on line {first.span.line}" if first.span is not None and first.span.line > 0 else ""
    more = f" (and {plural(len(diags) - 1, 'more error')})" if len(diags) > 1 else ""
    kind = "it compiles but stops at run time with" if runtime else "it does not compile:"
    return f"**Problem:** {kind} `{first.code}`{where}: {first.message}{more}\n\n"


def fix_answer(knowledge: Knowledge, source: str) -> Iterator[str]:
    analysed = P.analyse(source)
    if analysed.compiles and (analysed.runs or not analysed.has_main):
        yield from _already_fine(knowledge, analysed)
        return
    runtime = analysed.compiles
    if runtime:
        assert analysed.result is not None
        stop = P.run_problem(analysed.result, analysed.checked)
        problems = [stop] if stop is not None else P.errors(analysed.result.diagnostics)
    else:
        problems = P.errors(analysed.checked.diagnostics)
    if not problems:
        problems = [Diagnostic("runtime_error", "the program failed", None)]
    yield _problem(problems, runtime)
    quoted = _quote_lines(source, problems)
    if quoted.strip():
        yield quoted_block(knowledge, quoted)
    result = run_repair(source)
    edits = list(getattr(result, "edits", None) or []) if result is not None else []
    repaired = str(getattr(result, "source", source)) if result is not None else source
    if result is None:
        yield "\nAutomatic repair is not available here, so here is what the compiler says:\n\n"
        for d in problems[:8]:
            yield diagnostic_line(d)
        return
    if edits and repaired != source:
        yield "\n**Repairs made:**\n\n"
        for edit in edits:
            yield edit_line(edit)
    after = P.analyse(repaired) if repaired != source else analysed
    if repaired != source and after.compiles and (after.runs or not after.has_main):
        yield "\n**Fix:** the corrected program"
        if after.result is not None:
            yield ", and what it prints:\n\n" + code_block(knowledge, repaired) + output_block(
                knowledge, P.shown_output(after.result))
        else:
            sigs = ", ".join(f"`{n} : {t}`" for n, t in after.checked.signatures[:6])
            yield f" (it has no `main`; it now type-checks{': ' + sigs if sigs else ''}):\n\n"
            yield code_block(knowledge, repaired)
        yield from _remember(problems)
        return
    remaining = _remaining(after)
    if repaired != source:
        yield "\nThe repaired code still has problems:\n\n"
    else:
        yield "\nThe automatic repair found nothing it can change safely. What to do:\n\n"
    for d in remaining[:8]:
        yield diagnostic_line(d)


def _remaining(after: P.Analysed) -> list[Diagnostic]:
    errs = P.errors(after.checked.diagnostics)
    if errs:
        return errs
    if after.result is not None:
        stop = P.run_problem(after.result, after.checked)
        if stop is not None:
            return [stop]
        return P.errors(after.result.diagnostics)
    return []


def _remember(problems: list[Diagnostic]) -> Iterator[str]:
    hint = problems[0].llm_hint
    if hint:
        yield f"\n**Remember:** {hint}\n"


def _already_fine(knowledge: Knowledge, analysed: P.Analysed) -> Iterator[str]:
    if analysed.result is None:
        sigs = ", ".join(f"`{n} : {t}`" for n, t in analysed.checked.signatures[:8])
        yield ("**No errors:** this code compiles" + (f" with the types {sigs}" if sigs else "")
               + ". It has no `main`, so there is nothing to run; add `main = ...` last to try it.\n")
    else:
        yield "**No errors:** this code compiles and runs. It prints:\n\n"
        yield output_block(knowledge, P.shown_output(analysed.result))
        yield ("\nIf that is not the result you expected, say what you expected, or ask for `/review` "
               "to look for logic problems.\n")
    notes = P.warnings(analysed.checked.diagnostics)
    if notes:
        yield "\nThe checker has warnings worth a look:\n\n"
        for d in notes:
            yield diagnostic_line(d)
