"""Types in Synoema's notation: `List a`, `a -> b`, `{x : Int, ..}`, `Ord a => a -> a -> Bool`.

Variables are named a, b, c... in order of first appearance; one `Namer` can be shared by several
types (the expected and found types of one diagnostic) so the same variable gets the same name.
"""

from __future__ import annotations

from .core import ARROW, LIST_C, TCon, TError, TRecord, TVar, Type, prune, record_view

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


MAX_SHOWN = 400  # type constructors printed in one type; the rest is `…` (types can grow exponentially)


class Namer:
    """Assigns printable names to variables in order of first appearance; also counts the parts printed."""

    __slots__ = ("left", "names", "order", "taken")

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.order: list[TVar] = []
        self.taken: set[str] = set()
        self.left = MAX_SHOWN

    def name(self, v: TVar) -> str:
        got = self.names.get(v.id)
        if got is not None:
            return got
        if v.rigid and v.name and v.name not in self.taken:
            nm = v.name
        else:
            nm = self._fresh()
        self.names[v.id] = nm
        self.taken.add(nm)
        self.order.append(v)
        return nm

    def _fresh(self) -> str:
        i = 0
        while True:
            base = _LETTERS[i % 26] + (str(i // 26) if i >= 26 else "")
            if base not in self.taken:
                return base
            i += 1


def _show(t: Type, prec: int, namer: Namer) -> str:
    t = prune(t)
    cls = t.__class__
    if cls is TVar:
        return namer.name(t)  # type: ignore[arg-type]
    if cls is TCon:
        con = t.con  # type: ignore[union-attr]
        args = t.args  # type: ignore[union-attr]
        if args:
            namer.left -= 1
            if namer.left < 0:
                return "…"
        if con is ARROW:
            s = f"{_show(args[0], 1, namer)} -> {_show(args[1], 0, namer)}"
            return f"({s})" if prec >= 1 else s
        if not args:
            return con.name
        name = "List" if con is LIST_C else con.name
        s = name + " " + " ".join(_show(a, 2, namer) for a in args)
        return f"({s})" if prec >= 2 else s
    if cls is TRecord:
        namer.left -= 1
        if namer.left < 0:
            return "…"
        fields, tail = record_view(t)  # type: ignore[arg-type]
        parts = [f"{k} : {_show(v, 0, namer)}" for k, v in fields.items()]
        if tail is not None:
            parts.append("..")
        return "{" + ", ".join(parts) + "}"
    if cls is TError:
        return "?"
    return "?"


def constraint_prefix(namer: Namer) -> str:
    """`Ord a => ` for the classes of the variables named so far (none: empty string)."""
    items: list[str] = []
    for v in namer.order:
        if v.row or not v.classes:
            continue
        nm = namer.names[v.id]
        for c in sorted(v.classes):
            items.append(f"{c} {nm}")
    if not items:
        return ""
    if len(items) == 1:
        return f"{items[0]} => "
    return "(" + ", ".join(items) + ") => "


def format_type(t: Type, namer: Namer | None = None, constraints: bool = True) -> str:
    """Print a type (a scheme: quantified variables with their class constraints in front)."""
    own = namer is None
    if namer is None:
        namer = Namer()
    start = len(namer.order)
    body = _show(t, 0, namer)
    if not constraints:
        return body
    if own:
        return constraint_prefix(namer) + body
    sub = Namer()
    sub.order = namer.order[start:]
    sub.names = namer.names
    return constraint_prefix(sub) + body
