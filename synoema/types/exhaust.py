"""Exhaustiveness of pattern equations (the usefulness algorithm on a pattern matrix).

Finds the cases no equation matches and prints them as patterns (`Empty`, `(_:_)`, `[]`, `_`), so
the warning names the missing constructors. Literals other than booleans and unit never form a
complete set, so a column of literals without a catch-all is missing `_`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ast as A
from ..resolve import ConInfo

Sig = tuple[tuple[str, int], ...] | None

BOOL_SIG: Sig = (("true", 0), ("false", 0))
UNIT_SIG: Sig = (("()", 0),)
LIST_SIG: Sig = (("[]", 0), (":", 2))

_BUDGET = 20000
_LIMIT = 8


@dataclass(slots=True)
class Ctor:
    name: str
    args: list[object]  # patterns: Ctor, Rec or None (wildcard)
    sig: Sig


@dataclass(slots=True)
class Rec:
    fields: dict[str, object]
    pair: bool = False


class _OutOfBudget(Exception):
    pass


class Matrix:
    def __init__(self, constructors: dict[str, ConInfo]) -> None:
        self.constructors = constructors
        self.budget = _BUDGET
        self._sigs: dict[int, Sig] = {}

    # ── normalising AST patterns ─────────────────────────────────────────────────────────────

    def norm(self, p: A.Pattern) -> object:
        cls = p.__class__
        if cls is A.PVar or cls is A.PWild:
            return None
        if cls is A.PLit:
            if p.kind == "bool":  # type: ignore[union-attr]
                return Ctor("true" if p.value else "false", [], BOOL_SIG)  # type: ignore[union-attr]
            if p.kind == "unit":  # type: ignore[union-attr]
                return Ctor("()", [], UNIT_SIG)
            return Ctor(repr(p.value), [], None)  # type: ignore[union-attr]
        if cls is A.PCon:
            info = self.constructors.get(p.name)  # type: ignore[union-attr]
            if info is None:
                return None
            sig = self._sigs.get(id(info.typedef))
            if sig is None:
                sig = tuple((v.name, len(v.fields)) for v in info.typedef.variants)
                self._sigs[id(info.typedef)] = sig
            args = [self.norm(a) for a in p.args][: info.arity]  # type: ignore[union-attr]
            args += [None] * (info.arity - len(args))
            return Ctor(p.name, args, sig)  # type: ignore[union-attr]
        if cls is A.PCons:
            return Ctor(":", [self.norm(p.head), self.norm(p.tail)], LIST_SIG)  # type: ignore[union-attr]
        if cls is A.PList:
            out: object = Ctor("[]", [], LIST_SIG)
            for item in reversed(p.items):  # type: ignore[union-attr]
                out = Ctor(":", [self.norm(item), out], LIST_SIG)
            return out
        if cls is A.PPair:
            return Rec({"fst": self.norm(p.first), "snd": self.norm(p.second)}, True)  # type: ignore[union-attr]
        if cls is A.PRecord:
            return Rec({k: self.norm(v) for k, v in p.fields})  # type: ignore[union-attr]
        return None

    # ── the algorithm ────────────────────────────────────────────────────────────────────────

    def missing(self, rows: list[list[object]], n: int) -> list[list[object]]:
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget
        if n == 0:
            return [] if rows else [[]]
        heads = [r[0] for r in rows if r[0] is not None]
        if not heads:
            return [[None, *w] for w in self.missing([r[1:] for r in rows], n - 1)]
        first = heads[0]
        if isinstance(first, Rec):
            names: list[str] = []
            for h in heads:
                if isinstance(h, Rec):
                    for k in h.fields:
                        if k not in names:
                            names.append(k)
            k = len(names)
            expanded = []
            for r in rows:
                h = r[0]
                if isinstance(h, Rec):
                    expanded.append([h.fields.get(nm) for nm in names] + r[1:])
                elif h is None:
                    expanded.append([None] * k + r[1:])
            return [[Rec(dict(zip(names, w[:k])), first.pair), *w[k:]] for w in self.missing(expanded, k + n - 1)]
        sig = first.sig if isinstance(first, Ctor) else None
        if sig is not None:  # a finite set of constructors: try each (missing ones and deeper gaps)
            out: list[list[object]] = []
            for nm, ar in sig:
                spec = self.specialize(rows, nm, ar)
                for w in self.missing(spec, ar + n - 1):
                    out.append([Ctor(nm, w[:ar], sig), *w[ar:]])
                    if len(out) >= _LIMIT:
                        return out
            return out
        default = [r[1:] for r in rows if r[0] is None]
        return [[None, *w] for w in self.missing(default, n - 1)][:_LIMIT]

    @staticmethod
    def specialize(rows: list[list[object]], name: str, arity: int) -> list[list[object]]:
        out = []
        for r in rows:
            h = r[0]
            if h is None:
                out.append([None] * arity + r[1:])
            elif isinstance(h, Ctor) and h.name == name:
                out.append(list(h.args) + r[1:])
        return out


def show_pattern(p: object, atom: bool = False) -> str:
    if p is None:
        return "_"
    if isinstance(p, Rec):
        if p.pair:
            return f"({show_pattern(p.fields.get('fst'))}, {show_pattern(p.fields.get('snd'))})"
        return "{" + ", ".join(f"{k} = {show_pattern(v)}" for k, v in p.fields.items()) + "}"
    assert isinstance(p, Ctor)
    if p.name == "[]":
        return "[]"
    if p.name == ":":
        s = f"{show_pattern(p.args[0], True)}:{show_pattern(p.args[1], True)}"
        return f"({s})"
    if not p.args:
        return p.name
    s = p.name + " " + " ".join(show_pattern(a, True) for a in p.args)
    return f"({s})" if atom else s


def missing_cases(rows: list[list[A.Pattern]], constructors: dict[str, ConInfo]) -> list[str]:
    """The argument lists no row matches, printed; empty when the rows are exhaustive."""
    if not rows:
        return []
    m = Matrix(constructors)
    n = len(rows[0])
    try:
        matrix = [[m.norm(p) for p in r] for r in rows if len(r) == n]
        ws = m.missing(matrix, n)
    except (_OutOfBudget, RecursionError):
        return []
    return [" ".join(show_pattern(p, True) for p in w) for w in ws]


def refutable(p: A.Pattern) -> bool:
    return not isinstance(p, A.PVar | A.PWild)
