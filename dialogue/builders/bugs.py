"""Wrong-output bugs: small edits to a correct program that still compile and run but print the
wrong thing (off-by-one ranges, boundary comparisons, Int division order, swapped fold parameters,
a wrong base case or fold start, `take`/`drop` mixed up, a missing `reverse`).

Each mutator reads the syntax tree and returns one `TextEdit` on the original text; the builder
keeps the bug only when the edited program runs and prints something else (checked, not assumed).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from synoema import ast as A
from synoema.edits import TextEdit
from synoema.lint.astinfo import iter_funcs

from .base import body_nodes as _nodes
from .base import span_text as _text


@dataclass(frozen=True)
class Bug:
    name: str  # a key of mistakes.BUGS
    edit: TextEdit
    old: str  # the correct text of the edited region
    new: str  # the buggy text
    line: int


def _bug(name: str, source: str, node: object, new: str) -> Bug:
    s = node.span  # type: ignore[attr-defined]
    return Bug(name, TextEdit(s.offset, s.end_offset, new), source[s.offset:s.end_offset], new, s.line)


def _one_line(source: str, node: object) -> bool:
    return "\n" not in _text(source, node)


def _atom(source: str, e: A.Expr) -> str:
    t = _text(source, e)
    return t if isinstance(e, A.Var | A.Lit | A.Paren) else f"({t})"


def range_bugs(source: str, program: A.Program) -> Iterator[Bug]:
    for n in _nodes(program):
        if not isinstance(n, A.Range) or not _one_line(source, n):
            continue
        start, end = _text(source, n.start), _text(source, n.end)
        if isinstance(n.end, A.BinOp) and n.end.op == "-" and isinstance(n.end.right, A.Lit) and n.end.right.value == 1:
            yield _bug("range_index", source, n, f"[{start}..{_text(source, n.end.left)}]")
        else:
            yield _bug("range_end", source, n, f"[{start}..{_atom(source, n.end)} + 1]")
        if isinstance(n.start, A.Lit) and n.start.value == 1:
            yield _bug("range_start", source, n, f"[0..{end}]")


_FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}


def compare_bugs(source: str, program: A.Program) -> Iterator[Bug]:
    for n in _nodes(program):
        if isinstance(n, A.BinOp) and n.op in _FLIP and _one_line(source, n):
            s = n.op_span
            new_text = source[n.span.offset:s.offset] + _FLIP[n.op] + source[s.end_offset:n.span.end_offset]
            yield _bug("compare", source, n, new_text)


def fold_bugs(source: str, program: A.Program) -> Iterator[Bug]:
    for n in _nodes(program):
        if not (isinstance(n, A.App) and isinstance(n.fn, A.Var) and n.fn.name == "foldl" and len(n.args) == 3):
            continue
        fn, start = n.args[0], n.args[1]
        lam = fn.expr if isinstance(fn, A.Paren) else fn
        if isinstance(lam, A.Lambda) and len(lam.params) == 2 and all(isinstance(p, A.PVar) for p in lam.params) \
                and _one_line(source, lam):
            a, b = (_text(source, p) for p in lam.params)
            if a != b:
                head = _text(source, lam)
                cut = head.index("->")
                yield _bug("fold_args", source, lam, f"\\{b} {a} {head[cut:]}")
        if isinstance(start, A.Lit) and start.kind == "int" and start.value in (0, 1) and _one_line(source, n):
            other = 1 - int(start.value)  # type: ignore[arg-type]
            s = start.span
            whole = _text(source, n)
            rel = s.offset - n.span.offset
            yield _bug("fold_start", source, n, whole[:rel] + str(other) + whole[rel + (s.end_offset - s.offset):])


def division_bugs(source: str, program: A.Program) -> Iterator[Bug]:
    for n in _nodes(program):
        if isinstance(n, A.BinOp) and n.op == "/" and isinstance(n.left, A.BinOp) and n.left.op == "*" \
                and _one_line(source, n):
            x, y, z = (_text(source, e) for e in (n.left.left, n.left.right, n.right))
            yield _bug("int_division", source, n, f"{x} / {z} * {y}")


def base_case_bugs(source: str, program: A.Program) -> Iterator[Bug]:
    for fd in iter_funcs(program.decls):
        if len(fd.equations) < 2:
            continue
        for eq in fd.equations:
            body = eq.body
            if any(isinstance(p, A.PLit | A.PList) for p in eq.params) and isinstance(body, A.Lit) \
                    and body.kind == "int" and body.value in (0, 1):
                line_start = source.rfind("\n", 0, eq.span.offset) + 1
                line_end = source.find("\n", eq.span.offset)
                line_end = len(source) if line_end < 0 else line_end
                if line_end < body.span.end_offset:
                    continue
                old = source[eq.span.offset:body.span.end_offset]
                new = old[: body.span.offset - eq.span.offset] + str(1 - int(body.value))  # type: ignore[arg-type]
                if line_start <= eq.span.offset:
                    yield Bug("base_case", TextEdit(eq.span.offset, body.span.end_offset, new), old, new, eq.span.line)


def call_bugs(source: str, program: A.Program) -> Iterator[Bug]:
    for n in _nodes(program):
        if not (isinstance(n, A.App) and isinstance(n.fn, A.Var) and _one_line(source, n)):
            continue
        if n.fn.name in ("take", "drop") and len(n.args) == 2:
            other = "drop" if n.fn.name == "take" else "take"
            whole = _text(source, n)
            yield _bug("take_drop", source, n, other + whole[len(n.fn.name):])
        if n.fn.name == "reverse" and len(n.args) == 1:
            arg = n.args[0]
            inner = arg.expr if isinstance(arg, A.Paren) else arg
            yield _bug("no_reverse", source, n, _text(source, inner))


MUTATORS: tuple[Callable[[str, A.Program], Iterator[Bug]], ...] = (
    range_bugs, compare_bugs, fold_bugs, division_bugs, base_case_bugs, call_bugs,
)


def candidates(source: str, rng: random.Random) -> list[Bug]:
    """Every bug the mutators can make in `source`, shuffled (kinds interleaved)."""
    from synoema.parser import parse

    program = parse(source).program
    if program is None:
        return []
    by_kind: dict[str, list[Bug]] = {}
    for mutate in MUTATORS:
        for bug in mutate(source, program):
            by_kind.setdefault(bug.name, []).append(bug)
    kinds = sorted(by_kind)
    rng.shuffle(kinds)
    for group in by_kind.values():
        rng.shuffle(group)
    out: list[Bug] = []
    while any(by_kind.values()):
        for k in kinds:
            if by_kind[k]:
                out.append(by_kind[k].pop())
    return out
