"""review: a program with non-idiomatic, wasteful or risky constructs, the linter's findings as
review comments, and the verified rewrite that prints the same.

Corpus programs are mostly idiomatic, so the builder first gives one the habits a reviewer would
flag (the smells below, each the inverse of a linter rewrite: `sum` spelled as a fold, `== true`,
`? c -> true : false`, `length xs == 0`, `"a" ++ show x` instead of interpolation, needless
parentheses); the findings, lines and the revised program then come from the linter and the
offline review (`assistant.offline.review.review`, which keeps only rewrites that print exactly
what the original prints). Some clean programs become "looks good" reviews.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from synoema import ast as A
from synoema.edits import TextEdit, apply_edits
from synoema.lint.astinfo import iter_funcs

from ..facts import analyse
from ..wording import Wording, join_words, plural
from .base import Draft, Item, answer_program, lines_of, output, program_items, quoted, show_code
from .base import body_nodes as _bodies
from .base import span_text as _t

GOOD_SHARE = 0.15
MAX_FINDINGS = 5
Smell = Callable[[str, A.Program, random.Random], list[TextEdit] | None]


def _names(source: str) -> set[str]:
    import re

    return set(re.findall(r"\b[a-z_][A-Za-z0-9_]*\b", source))


def _pick(rng: random.Random, items: list[Any]) -> Any:
    return rng.choice(items) if items else None


def bool_compare(source: str, program: A.Program, rng: random.Random) -> list[TextEdit] | None:
    conds = [n for n in _bodies(program) if isinstance(n, A.Cond) and "\n" not in _t(source, n.cond)]
    n = _pick(rng, conds)
    if n is None:
        return None
    c = n.cond
    text = _t(source, c)
    wrapped = f"({text})" if isinstance(c, A.BinOp) and c.op in ("&&", "||", "==", "!=", "|>") else text
    return [TextEdit(c.span.offset, c.span.end_offset, f"{wrapped} == true")]


def cond_bool(source: str, program: A.Program, rng: random.Random) -> list[TextEdit] | None:
    cands = []
    for fd in iter_funcs(program.decls):
        for eq in fd.equations:
            b = eq.body
            if isinstance(b, A.BinOp) and b.op in ("==", "!=", "<", ">", "<=", ">=", "&&", "||") and "\n" not in _t(source, b):
                cands.append(b)
    b = _pick(rng, cands)
    if b is None:
        return None
    return [TextEdit(b.span.offset, b.span.end_offset, f"? {_t(source, b)} -> true : false")]


def _fresh(source: str, options: Sequence[str]) -> str | None:
    used = _names(source)
    return next((o for o in options if o not in used), None)


def fold_sum(source: str, program: A.Program, rng: random.Random) -> list[TextEdit] | None:
    calls = [n for n in _bodies(program) if isinstance(n, A.App) and isinstance(n.fn, A.Var)
             and n.fn.name in ("sum", "length") and len(n.args) == 1 and "\n" not in _t(source, n)]
    n = _pick(rng, calls)
    acc, item = _fresh(source, ("acc", "total", "sofar")), _fresh(source, ("x", "item", "v", "each"))
    if n is None or acc is None or item is None:
        return None
    arg = _t(source, n.args[0])
    body = f"{acc} + {item}" if n.fn.name == "sum" else f"{acc} + 1"
    return [TextEdit(n.span.offset, n.span.end_offset, f"foldl (\\{acc} {item} -> {body}) 0 {arg}")]


def length_zero(source: str, program: A.Program, rng: random.Random) -> list[TextEdit] | None:
    cands = []
    for n in _bodies(program):
        if isinstance(n, A.BinOp) and n.op in ("==", "!=") and "\n" not in _t(source, n):
            r = n.right
            if isinstance(r, A.ListLit) and not r.items:
                cands.append(n)
    n = _pick(rng, cands)
    if n is None:
        return None
    left = _t(source, n.left)
    left = left if isinstance(n.left, A.Var | A.Paren) else f"({left})"
    new = f"length {left} == 0" if n.op == "==" else f"length {left} > 0"
    return [TextEdit(n.span.offset, n.span.end_offset, new)]


def show_chain(source: str, program: A.Program, rng: random.Random) -> list[TextEdit] | None:
    cands = [n for n in _bodies(program) if isinstance(n, A.Interp) and "\n" not in _t(source, n)
             and any(not isinstance(p, str) for p in n.parts) and any(isinstance(p, str) and p for p in n.parts)]
    n = _pick(rng, cands)
    if n is None:
        return None
    raw = _t(source, n)
    pieces: list[str] = []
    for p in n.parts:
        if isinstance(p, str):
            if not p:
                continue
            if "\\" in p or '"' in p:
                return None
            pieces.append(f'"{p}"')
        else:
            inner = _t(source, p)
            pieces.append(f"show {inner}" if isinstance(p, A.Var | A.Lit) else f"show ({inner})")
    if len(pieces) < 2 or raw.count("${") != sum(1 for p in n.parts if not isinstance(p, str)):
        return None
    return [TextEdit(n.span.offset, n.span.end_offset, "(" + " ++ ".join(pieces) + ")")]


def needless_parens(source: str, program: A.Program, rng: random.Random) -> list[TextEdit] | None:
    args = [a for n in _bodies(program) if isinstance(n, A.App) for a in n.args if isinstance(a, A.Var)]
    a = _pick(rng, args)
    if a is None:
        return None
    return [TextEdit(a.span.offset, a.span.end_offset, f"({_t(source, a)})")]


SMELLS: dict[str, Smell] = {
    "fold_sum": fold_sum, "bool_compare": bool_compare, "cond_bool": cond_bool, "length_zero": length_zero,
    "show_chain": show_chain, "needless_parens": needless_parens,
}


def smelly(source: str, rng: random.Random, count: int) -> tuple[str, list[str]] | None:
    """`source` with `count` smells (regions apart), or None."""
    from synoema.parser import parse

    names = list(SMELLS)
    rng.shuffle(names)
    edits: list[TextEdit] = []
    used: list[str] = []
    program = parse(source).program
    if program is None:
        return None
    for name in names:
        got = SMELLS[name](source, program, rng)
        if not got or any((e.start < o.end and o.start < e.end) or e.start == o.start for e in got for o in edits):
            continue
        edits += got
        used.append(name)
        if len(used) == count:
            break
    if not used:
        return None
    text = apply_edits(source, edits)
    return (text, used) if text is not None and text != source else None


class ReviewBuilder:
    kind = "review"

    def __init__(self, good_share: float = GOOD_SHARE) -> None:
        self.good_share = good_share

    def items(self, programs: Sequence[Any], rng: random.Random) -> Iterator[Item]:
        return program_items(programs, rng)

    def build(self, item: Item, w: Wording) -> Draft | None:
        from assistant.offline.review import review

        record = item.program
        if record.stdin:
            return None  # the offline review verifies rewrites without input
        if w.chance(self.good_share):
            r = review(record.source)
            if r.compiles and not r.findings:
                return self._good(record, w)
        for count in (w.rng.choice((1, 2, 2, 3)), 1):
            got = smelly(record.source, w.rng, count)
            if got is None:
                continue
            text, smells = got
            r = review(text)
            if r.revised is None or not any(x.applied for x in r.findings) or analyse(text) is None:
                continue
            return self._findings(text, r, smells, w)
        return None

    def _good(self, record: Any, w: Wording) -> Draft | None:
        f = analyse(record.source, record.stdin)
        if f is None or not f.lines:
            return None
        user = show_code(w, "review", record.source, fields={"lang": w.rng.choice(("Python", "Haskell"))})
        sigs = [f"`{n} : {t}`" for n, t in f.signatures if n != "main"][:3]
        parts = [w.say("review.good")]
        if sigs:
            parts.append(w.say("review.good_detail", sigs=join_words(sigs)) + "\n\n" + output(f.stdout))
        meta = {"user_code": {"status": "runs", "output": f.stdout}, "verdict": "good", "builder": "review.good"}
        return Draft([("user", user), ("assistant", "\n\n".join(parts))], meta)

    def _findings(self, text: str, r: Any, smells: list[str], w: Wording) -> Draft:
        f = analyse(text)
        assert f is not None
        user = show_code(w, "review", text, fields={"lang": w.rng.choice(("Python", "Haskell", "JavaScript"))})
        # the findings the revised program acts on, and advice without a rewrite; not ones it left out
        findings = sorted([x for x in r.findings if x.applied or not x.edits], key=lambda x: x.rank)[:MAX_FINDINGS]
        risky = any(x.severity in ("error", "warning") for x in findings)
        count = plural(len(findings), "finding")
        verdict = w.say("review.verdict_risky" if risky else "review.verdict", findings=count)
        items = []
        shown: set[str] = set()
        for n, x in enumerate(findings, start=1):
            line = w.say("review.item", n=n, line=x.line, severity=x.severity, message=x.message)
            if x.suggestion:
                line += " " + w.say("review.suggest", suggestion=x.suggestion)
            excerpt = lines_of(text, [x.line])
            if excerpt and n <= 2 and excerpt not in shown:
                shown.add(excerpt)
                line += "\n\n" + quoted(excerpt)
            items.append(line)
        answer = "\n\n".join([verdict, w.say("review.findings") + "\n\n" + "\n\n".join(items),
                              w.say("review.revised") + "\n\n" + answer_program(r.revised, r.revised_output)])
        meta = {"user_code": {"status": "runs", "output": f.stdout}, "rewrite": "same_output", "smells": smells,
                "findings": [x.rule for x in findings], "builder": "review.findings"}
        return Draft([("user", user), ("assistant", answer)], meta)
