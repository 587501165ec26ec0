"""Type terms with mutable variables: the representation unification works on in place.

A variable is bound by setting `ref` (union-find with path compression), so no substitution maps are
built. `level` drives generalisation: a variable whose level is `GENERIC` is quantified, and
instantiation copies exactly those. Type constructors are compared by identity (`TyCon`), so a user
type that reuses a name (a user `List`, a redefined `Result`) never meets the built-in one.
"""

from __future__ import annotations

import itertools

GENERIC = 1 << 30

_ids = itertools.count(1)


class TyCon:
    """A named type constructor (`Int`, `List`, `->`, a user ADT). Identity is the type."""

    __slots__ = ("arity", "builtin", "derives", "name", "typedef")

    def __init__(self, name: str, arity: int, typedef: object = None, derives: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.arity = arity
        self.typedef = typedef
        self.derives = derives
        self.builtin = typedef is None

    def __repr__(self) -> str:
        return f"TyCon({self.name})"


class TVar:
    """A type (or row) variable. `rigid` variables come from signatures and never bind to a type."""

    __slots__ = ("classes", "id", "level", "name", "ref", "rigid", "row")

    def __init__(
        self,
        level: int,
        classes: frozenset[str] = frozenset(),
        row: bool = False,
        rigid: bool = False,
        name: str = "",
    ) -> None:
        self.ref: Type | None = None
        self.level = level
        self.id = next(_ids)
        self.classes = classes
        self.row = row
        self.rigid = rigid
        self.name = name

    def __repr__(self) -> str:
        return f"TVar({self.id}{'!' if self.rigid else ''}{'=' + repr(self.ref) if self.ref else ''})"


class TCon:
    """A constructor applied to arguments; functions are `TCon(ARROW, [arg, result])`."""

    __slots__ = ("args", "con")

    def __init__(self, con: TyCon, args: list[Type] | tuple[Type, ...] = ()) -> None:
        self.con = con
        self.args = args

    def __repr__(self) -> str:
        return f"TCon({self.con.name}, {list(self.args)})"


class TRecord:
    """A record row: known fields plus a tail (None: closed; a row `TVar`: more fields may follow)."""

    __slots__ = ("fields", "tail")

    def __init__(self, fields: dict[str, Type], tail: TVar | None = None) -> None:
        self.fields = fields
        self.tail = tail

    def __repr__(self) -> str:
        return f"TRecord({self.fields}, {self.tail})"


class TError:
    """The type of an expression already reported as wrong: unifies with anything, binds nothing."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "TError"


ERROR = TError()

Type = TVar | TCon | TRecord | TError

ARROW = TyCon("->", 2)
INT_C = TyCon("Int", 0)
FLOAT_C = TyCon("Float", 0)
BOOL_C = TyCon("Bool", 0)
STRING_C = TyCon("String", 0)
CHAR_C = TyCon("Char", 0)
UNIT_C = TyCon("()", 0)
LIST_C = TyCon("List", 1)

INT = TCon(INT_C)
FLOAT = TCon(FLOAT_C)
BOOL = TCon(BOOL_C)
STRING = TCon(STRING_C)
CHAR = TCon(CHAR_C)
UNIT = TCon(UNIT_C)

BUILTIN_TYCONS: dict[str, TyCon] = {
    "Int": INT_C,
    "Float": FLOAT_C,
    "Bool": BOOL_C,
    "String": STRING_C,
    "Char": CHAR_C,
    "Unit": UNIT_C,
}

LIT_TYPES: dict[str, Type] = {"int": INT, "float": FLOAT, "str": STRING, "char": CHAR, "bool": BOOL, "unit": UNIT}


def fn(arg: Type, result: Type) -> TCon:
    return TCon(ARROW, (arg, result))


def fn_n(args: list[Type], result: Type) -> Type:
    t = result
    for a in reversed(args):
        t = TCon(ARROW, (a, t))
    return t


def list_of(elem: Type) -> TCon:
    return TCon(LIST_C, (elem,))


def pair_of(first: Type, second: Type) -> TRecord:
    return TRecord({"fst": first, "snd": second}, None)


def prune(t: Type) -> Type:
    """Follow variable bindings to the representative, compressing the path."""
    if t.__class__ is not TVar or t.ref is None:  # type: ignore[union-attr]
        return t
    root = t.ref  # type: ignore[union-attr]
    while root.__class__ is TVar and root.ref is not None:  # type: ignore[union-attr]
        root = root.ref  # type: ignore[union-attr]
    while t.__class__ is TVar and t.ref is not None and t.ref is not root:  # type: ignore[union-attr]
        nxt = t.ref  # type: ignore[union-attr]
        t.ref = root  # type: ignore[union-attr]
        t = nxt
    return root


def record_view(t: TRecord) -> tuple[dict[str, Type], TVar | None]:
    """All fields of a record row (following bound tails) and its final, unbound tail or None."""
    fields = t.fields
    tail = t.tail
    merged: dict[str, Type] | None = None
    while tail is not None:
        r = prune(tail)
        if r.__class__ is TRecord:
            if merged is None:
                merged = dict(fields)
            for k, v in r.fields.items():  # type: ignore[union-attr]
                if k not in merged:
                    merged[k] = v
            tail = r.tail  # type: ignore[union-attr]
        elif r.__class__ is TVar:
            tail = r  # type: ignore[assignment]
            break
        else:  # an error type in the tail: treat as open
            tail = None
            break
    return (merged if merged is not None else fields), tail  # type: ignore[return-value]  # a TVar or None here


def instantiate(t: Type, level: int) -> Type:
    """A copy of `t` with every GENERIC variable replaced by a fresh one at `level`."""
    memo: dict[int, TVar] = {}
    copies: dict[int, Type] = {}  # a shared part is copied once, so a type that doubles stays small

    def go(t: Type) -> Type:
        t = prune(t)
        cls = t.__class__
        if cls is TVar:
            if t.level != GENERIC:  # type: ignore[union-attr]
                return t
            v = memo.get(t.id)  # type: ignore[union-attr]
            if v is None:
                v = TVar(level, t.classes, t.row)  # type: ignore[union-attr]
                memo[t.id] = v  # type: ignore[union-attr]
            return v
        if cls is TCon:
            args = t.args  # type: ignore[union-attr]
            if not args:
                return t
            done = copies.get(id(t))
            if done is None:
                done = copies[id(t)] = TCon(t.con, [go(a) for a in args])  # type: ignore[union-attr]
            return done
        if cls is TRecord:
            done = copies.get(id(t))
            if done is None:
                fields, tail = record_view(t)  # type: ignore[arg-type]
                new_tail = go(tail) if tail is not None else None
                done = TRecord({k: go(v) for k, v in fields.items()}, new_tail)  # type: ignore[arg-type]
                copies[id(t)] = done
            return done
        return t

    return go(t)


def generalize(t: Type, level: int, _seen: dict[int, bool] | None = None) -> bool:
    """Quantify, in place, every unbound variable of `t` created deeper than `level`.
    Returns whether anything was quantified (a monomorphic type needs no instantiation).
    Each shared part is visited once."""
    t = prune(t)
    cls = t.__class__
    if cls is TVar:
        if t.level > level and t.level != GENERIC:  # type: ignore[union-attr]
            t.level = GENERIC  # type: ignore[union-attr]
            t.rigid = False  # type: ignore[union-attr]
            return True
        return t.level == GENERIC  # type: ignore[union-attr]
    if cls is TCon:
        if not t.args:  # type: ignore[union-attr]
            return False
        seen = {} if _seen is None else _seen
        got = seen.get(id(t))
        if got is not None:
            return got
        found = False
        for a in t.args:  # type: ignore[union-attr]
            if generalize(a, level, seen):
                found = True
        seen[id(t)] = found
        return found
    if cls is TRecord:
        seen = {} if _seen is None else _seen
        got = seen.get(id(t))
        if got is not None:
            return got
        fields, tail = record_view(t)  # type: ignore[arg-type]
        found = False
        for v in fields.values():
            if generalize(v, level, seen):
                found = True
        if tail is not None and generalize(tail, level, seen):
            found = True
        seen[id(t)] = found
        return found
    return False
