"""Unification in place: variables are bound (never substituted), levels are lowered on binding so
generalisation stays correct, class constraints travel with variables and are checked when a
variable meets a concrete type, and records unify field by field with row variables.

`unify(expected, found)` keeps its orientation so a failure can say which side was expected.
"""

from __future__ import annotations

from collections.abc import Callable

from .classes import (
    CONCAT,
    CONCATENABLE,
    EQ,
    NUM,
    NUMERIC,
    ORD,
    ORDERED,
    SHOW,
    Instance,
    conflict,
    entails,
    normalize,
)
from .core import (
    ARROW,
    ERROR,
    LIST_C,
    TCon,
    TError,
    TRecord,
    TVar,
    TyCon,
    Type,
    instantiate,
    prune,
    record_view,
)


class UnifyError(Exception):
    """Why two types do not unify. `kind` is one of: mismatch, occurs, rigid, class, rigid_class,
    conflict, missing_field, extra_field. `left` is the expected side of the innermost clash."""

    def __init__(
        self, kind: str, left: Type | None = None, right: Type | None = None, cls: str = "",
        fields: list[str] | None = None,
    ) -> None:
        super().__init__(kind)
        self.kind = kind
        self.left = left
        self.right = right
        self.cls = cls
        self.fields = fields or []


InstanceLookup = Callable[[str, TyCon], "Instance | None"]


class Unifier:
    """Unification against one program's instances (`derive` and `impl`)."""

    def __init__(self, lookup: InstanceLookup, user_show: bool = False) -> None:
        self.lookup = lookup
        self.user_show = user_show  # a user trait named Show exists: its other methods need impls
        self.seen: dict[tuple[int, int], tuple[Type, Type]] | None = None  # pairs unified by the current call

    # ── types ────────────────────────────────────────────────────────────────────────────────

    def unify(self, a: Type, b: Type) -> None:
        a = prune(a)
        b = prune(b)
        if a is b:
            return
        ca = a.__class__
        cb = b.__class__
        if ca is TVar:
            self.bind(a, b)  # type: ignore[arg-type]
        elif cb is TVar:
            self.bind(b, a)  # type: ignore[arg-type]
        elif ca is TCon and cb is TCon:
            if a.con is not b.con:  # type: ignore[union-attr]
                raise UnifyError("mismatch", a, b)
            args = a.args  # type: ignore[union-attr]
            if not args:
                return
            seen = self.seen
            if seen is None:  # the outermost call: pairs already unified in it are skipped
                self.seen = seen = {}
                try:
                    seen[id(a), id(b)] = (a, b)  # the pair is kept alive, so its ids stay unique
                    for x, y in zip(args, b.args):  # type: ignore[union-attr]
                        self.unify(x, y)
                finally:
                    self.seen = None
                return
            if (id(a), id(b)) in seen:
                return
            seen[id(a), id(b)] = (a, b)
            for x, y in zip(args, b.args):  # type: ignore[union-attr]
                self.unify(x, y)
        elif ca is TRecord and cb is TRecord:
            self.unify_records(a, b)  # type: ignore[arg-type]
        elif ca is TError or cb is TError:
            return
        else:
            raise UnifyError("mismatch", a, b)

    def bind(self, v: TVar, t: Type) -> None:
        """Bind the unbound variable `v` to `t` (already pruned, not `v`)."""
        if t.__class__ is TVar:
            u: TVar = t  # type: ignore[assignment]
            if v.rigid and u.rigid:
                raise UnifyError("rigid", v, u)
            if v.rigid:
                v, u = u, v
            if u.rigid:
                for c in v.classes:
                    if not entails(u.classes, c):
                        raise UnifyError("rigid_class", u, None, c)
            elif v.classes and v.classes is not u.classes:
                merged = normalize(u.classes | v.classes)
                if conflict(merged):
                    raise UnifyError("conflict", v, u)
                u.classes = merged
            if v.level < u.level:
                u.level = v.level
            v.ref = u
            return
        if t.__class__ is TError:
            v.ref = ERROR
            return
        if v.rigid:
            raise UnifyError("rigid", v, t)
        try:
            self.occurs_adjust(v, t)
        except UnifyError:
            raise UnifyError("occurs", v, t) from None
        v.ref = t
        for c in v.classes:
            self.add_class(t, c)

    def occurs_adjust(self, v: TVar, t: Type, _seen: set[int] | None = None) -> None:
        """Fail if `v` occurs in `t`; lower the levels of `t`'s variables to `v`'s (shared parts once)."""
        t = prune(t)
        cls = t.__class__
        if cls is TVar:
            if t is v:
                raise UnifyError("occurs", v, t)
            if t.level > v.level:  # type: ignore[union-attr]
                t.level = v.level  # type: ignore[union-attr]
            return
        if cls is not TCon and cls is not TRecord:
            return
        if cls is TCon and not t.args:  # type: ignore[union-attr]
            return
        seen = set() if _seen is None else _seen
        if id(t) in seen:
            return
        seen.add(id(t))
        if cls is TCon:
            for a in t.args:  # type: ignore[union-attr]
                self.occurs_adjust(v, a, seen)
        else:
            fields, tail = record_view(t)  # type: ignore[arg-type]
            for x in fields.values():
                self.occurs_adjust(v, x, seen)
            if tail is not None:
                self.occurs_adjust(v, tail, seen)

    # ── records ──────────────────────────────────────────────────────────────────────────────

    def unify_records(self, a: TRecord, b: TRecord) -> None:
        fa, ta = record_view(a)
        fb, tb = record_view(b)
        for k, x in fa.items():
            y = fb.get(k)
            if y is not None:
                self.unify(x, y)
        only_a = {k: x for k, x in fa.items() if k not in fb}
        only_b = {k: y for k, y in fb.items() if k not in fa}
        if not only_a and not only_b:
            if ta is None and tb is None:
                return
            if ta is None:
                self.bind_row(tb, TRecord({}, None))  # type: ignore[arg-type]
            elif tb is None:
                self.bind_row(ta, TRecord({}, None))
            elif ta is not tb:
                self.bind(ta, tb)
            return
        if only_a and tb is None:
            raise UnifyError("missing_field", a, b, fields=list(only_a))
        if only_b and ta is None:
            raise UnifyError("extra_field", a, b, fields=list(only_b))
        if only_a and only_b:
            if ta is tb:
                raise UnifyError("mismatch", a, b)
            level = min(ta.level, tb.level)  # type: ignore[union-attr]
            rest = TVar(level, normalize(ta.classes | tb.classes), row=True)  # type: ignore[union-attr]
            self.bind_row(tb, TRecord(only_a, rest))  # type: ignore[arg-type]
            self.bind_row(ta, TRecord(only_b, rest))  # type: ignore[arg-type]
        elif only_a:
            self.bind_row(tb, TRecord(only_a, ta))  # type: ignore[arg-type]
        else:
            self.bind_row(ta, TRecord(only_b, tb))  # type: ignore[arg-type]

    def bind_row(self, v: TVar, rec: TRecord) -> None:
        if v.ref is not None:  # bound meanwhile (the same row on both sides)
            self.unify(v, rec)
            return
        try:
            self.occurs_adjust(v, rec)
        except UnifyError:
            raise UnifyError("occurs", v, rec) from None
        v.ref = rec
        for c in v.classes:
            for x in rec.fields.values():
                self.add_class(x, c)
            if rec.tail is not None:
                self.add_class(rec.tail, c)

    # ── classes ──────────────────────────────────────────────────────────────────────────────

    def add_class(self, t: Type, c: str) -> None:
        """Require `t` to be in class `c` (now if it is known, later if it is a variable)."""
        t = prune(t)
        cls = t.__class__
        if cls is TVar:
            v: TVar = t  # type: ignore[assignment]
            if v.rigid:
                if not entails(v.classes, c):
                    raise UnifyError("rigid_class", v, None, c)
                return
            if c in v.classes:
                return
            merged = normalize(v.classes | {c})
            if conflict(merged):
                raise UnifyError("conflict", v, None, c)
            v.classes = merged
        elif cls is TCon:
            self.discharge(c, t)  # type: ignore[arg-type]
        elif cls is TRecord:
            if c not in (EQ, ORD, SHOW):
                raise UnifyError("class", t, None, c)
            fields, tail = record_view(t)  # type: ignore[arg-type]
            for x in fields.values():
                self.add_class(x, c)
            if tail is not None:
                self.add_class(tail, c)

    def discharge(self, c: str, t: TCon) -> None:
        con = t.con
        if con is ARROW:
            if c == SHOW:
                return
            raise UnifyError("class", t, None, c)
        if c == NUM:
            if con in NUMERIC:
                return
            raise UnifyError("class", t, None, c)
        if c == CONCAT:
            if con in CONCATENABLE:
                return
            raise UnifyError("class", t, None, c)
        if c == EQ:
            for a in t.args:
                self.add_class(a, EQ)
            return
        if c == ORD:
            if con in ORDERED:
                return
            if con is LIST_C:
                self.add_class(t.args[0], ORD)
                return
        elif c == SHOW and (con.builtin or not self.user_show):
            return
        inst = self.lookup(c, con)
        if inst is None:
            raise UnifyError("class", t, None, c)
        for i, a in enumerate(t.args):
            if i < len(inst.arg_types):
                fixed = inst.arg_types[i]
                if fixed is not None:
                    self.unify(instantiate(fixed, 0), a)
            if i < len(inst.arg_classes):
                for need in inst.arg_classes[i]:
                    self.add_class(a, need)


def has_error(t: Type, _seen: set[int] | None = None) -> bool:
    """Does `t` contain an error type (so a failure involving it is a consequence, not a cause)?
    Each shared part is visited once."""
    t = prune(t)
    cls = t.__class__
    if cls is TError:
        return True
    if cls is TCon or cls is TRecord:
        seen = set() if _seen is None else _seen
        if id(t) in seen:
            return False  # already searched: had it held an error, the search would have stopped there
        seen.add(id(t))
        parts = t.args if cls is TCon else record_view(t)[0].values()  # type: ignore[union-attr, arg-type]
        return any(has_error(a, seen) for a in parts)
    return False
