"""The offline `review` answer: lint findings with line, severity and suggestion, the token cost of
the code, and a revised program made of the rewrites that were verified to print the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from synoema.lint import Finding, lint

from . import program as P
from .context import Knowledge
from .markdown import code_block, diagnostic_line, inline, output_block, plural
from .rewrite import apply_edits, baseline, choose, conflicts
from .tokens import TokenCount, count_tokens

MAX_SHOWN = 20


@dataclass
class Review:
    """Everything the review found; `revised` is None when no rewrite was verified."""

    source: str
    findings: list[Finding] = field(default_factory=list)
    tokens: TokenCount | None = None
    revised: str | None = None
    revised_tokens: TokenCount | None = None
    revised_output: str = ""
    compiles: bool = True
    errors: list = field(default_factory=list)

    @property
    def saving(self) -> int:
        if self.tokens is None or self.revised_tokens is None:
            return 0
        return self.tokens.tokens - self.revised_tokens.tokens


def review(source: str) -> Review:
    """Lint `source`, then keep the rewrites whose program prints exactly what the original prints."""
    analysed = P.analyse(source)
    out = Review(source, tokens=count_tokens(source))
    if not analysed.compiles:
        out.compiles = False
        out.errors = P.errors(analysed.checked.diagnostics)
        return out
    out.findings = lint(source, analysed.checked)
    base = baseline(analysed)
    groups = [f.edits for f in out.findings]
    if base is None or not any(groups):
        return out
    kept = choose(source, groups, base)
    if not kept:
        return out
    for i in kept:
        out.findings[i].applied = True
    edits = [e for i in kept for e in out.findings[i].edits]
    for f in out.findings:
        if not f.applied and f.edits and conflicts(edits, f.edits):
            f.superseded = True
    out.revised = apply_edits(source, edits)
    out.revised_tokens = count_tokens(out.revised)
    result = P.run(out.revised, base.stdin)
    out.revised_output = P.shown_output(result)
    return out


def _severity_counts(findings: list[Finding]) -> str:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return ", ".join(plural(n, sev) if sev in ("error", "warning") else f"{n} {sev}" for sev, n in counts.items())


def _finding_line(n: int, f: Finding) -> str:
    where = f"line {f.line}" if f.line else "program"
    text = f"{n}. **{where}** · {f.severity} · `{f.rule}`: {f.message}"
    if f.snippet and f.rule not in ("unused",):
        text += f" In {inline(f.snippet, 60)}."
    if f.suggestion:
        text += f" Suggested: {f.suggestion}."
    if f.edits and f.applied:
        text += " (applied below, verified)"
    elif f.superseded:
        text += " (covered by another rewrite below)"
    elif f.edits:
        text += " (rewrite not applied: it did not print the same)"
    return text + "\n"


def review_answer(knowledge: Knowledge, source: str) -> Iterator[str]:
    r = review(source)
    cost = f"{r.tokens.tokens} tokens ({r.tokens.method})" if r.tokens else "unknown"
    if not r.compiles:
        yield (f"**Verdict:** it does not compile yet ({plural(len(r.errors), 'error')}), so review the "
               f"errors first; it costs {cost}.\n\n")
        for d in r.errors[:8]:
            yield diagnostic_line(d)
        yield "\nAsk `/fix` to repair it, then `/review` again.\n"
        return
    if not r.findings:
        yield f"**Verdict:** looks good — no findings. The code costs {cost}.\n"
        return
    verdict = f"**Verdict:** {plural(len(r.findings), 'finding')} ({_severity_counts(r.findings)})"
    if r.revised is not None and r.revised_tokens is not None:
        change = f"saves {r.saving} tokens" if r.saving > 0 else (
            "costs the same" if r.saving == 0 else f"costs {-r.saving} more tokens")
        verdict += f"; the verified rewrite {change} ({r.tokens.tokens if r.tokens else '?'} → {r.revised_tokens.tokens})"
    yield verdict + f". The code costs {cost}.\n\n**Findings**, most serious first:\n\n"
    for n, f in enumerate(r.findings[:MAX_SHOWN], 1):
        yield _finding_line(n, f)
    if len(r.findings) > MAX_SHOWN:
        yield f"\n…and {len(r.findings) - MAX_SHOWN} more of the same kinds.\n"
    if r.revised is not None:
        applied = sum(1 for f in r.findings if f.applied)
        yield (f"\n**Revised program** ({plural(applied, 'rewrite')} applied; it was run and prints exactly "
               "what the original prints):\n\n")
        yield code_block(knowledge, r.revised)
        yield output_block(knowledge, r.revised_output)
