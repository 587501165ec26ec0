"""The typing environment of one program: type constructors, constructor types, builtin types,
trait method types and instances. The prelude's environment is built once and shared; a user
program's environment starts from it and adds its own types (a type that re-declares a prelude type
with the same constructors is the prelude's type).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import ast as A
from ..diagnostics import Diagnostic
from ..resolve import Unit
from ..stdlib import BUILTINS, DERIVED
from .classes import EQ, ORD, SHOW, Instance
from .convert import Report, TypeConverter, builtin_tycon, parse_type_text
from .core import ERROR, GENERIC, TCon, TVar, TyCon, Type, fn_n

BUILTIN_TRAIT_METHODS: dict[str, dict[str, str]] = {
    SHOW: {"show": "a -> String"},
    EQ: {"eq": "a -> a -> Bool"},
    ORD: {"cmp": "a -> a -> Int"},
}


@dataclass(slots=True)
class TraitInfo:
    name: str
    param: str
    methods: dict[str, A.TypeExpr]  # method name -> written type (the trait variable free in it)
    method_constraints: dict[str, list[A.Constraint]]
    supers: list[str] = field(default_factory=list)


def shape(td: A.TypeDef) -> tuple[tuple[str, int], ...]:
    return tuple((v.name, len(v.fields)) for v in td.variants)


def generic_var(classes: frozenset[str] = frozenset()) -> TVar:
    return TVar(GENERIC, classes)


@dataclass
class Env:
    """Everything names and types refer to, for one program."""

    tycons: dict[int, TyCon] = field(default_factory=dict)  # id(TypeDef) -> TyCon
    tycon_names: dict[str, TyCon] = field(default_factory=dict)  # name -> TyCon visible to signatures
    con_types: dict[str, tuple[int, Type]] = field(default_factory=dict)  # constructor -> (arity, generic type)
    builtins: dict[str, Type] = field(default_factory=dict)
    prelude_globals: dict[str, Type] = field(default_factory=dict)
    prelude_shapes: dict[str, tuple[tuple[tuple[str, int], ...], TyCon]] = field(default_factory=dict)
    aliases: dict[str, A.TypeAlias] = field(default_factory=dict)
    traits: dict[str, TraitInfo] = field(default_factory=dict)
    instances: dict[tuple[str, TyCon], Instance] = field(default_factory=dict)
    user_list: bool = False

    def tycon_of(self, name: str) -> TyCon | None:
        if name == "List" and not self.user_list:
            return builtin_tycon(name, False)
        got = self.tycon_names.get(name)
        if got is not None:
            return got
        return builtin_tycon(name, self.user_list)

    def lookup_instance(self, trait: str, con: TyCon) -> Instance | None:
        return self.instances.get((trait, con))

    def converter(self, report: Report) -> TypeConverter:
        def names() -> list[str]:
            return sorted({*self.tycon_names, *self.aliases, "Int", "Float", "Bool", "String", "Char", "List"})

        return TypeConverter(self.tycon_of, self.aliases, report, names)


def add_typedefs(env: Env, unit: Unit, report: Report) -> list[A.TypeDef]:
    """Create type constructors for the unit's types; return the typedefs that are new here."""
    new: list[A.TypeDef] = []
    env.user_list = "List" in unit.typedefs
    for name, td in unit.typedefs.items():
        known = env.tycons.get(id(td))
        if known is None:
            pre = env.prelude_shapes.get(name)
            if pre is not None and pre[0] == shape(td):
                known = pre[1]
        if known is None:
            known = TyCon(name, len(td.params), td, frozenset(td.derives))
            new.append(td)
        env.tycons[id(td)] = known
        env.tycon_names[name] = known
    env.aliases = dict(unit.aliases)
    conv = env.converter(report)
    for td in new:
        tycon = env.tycons[id(td)]
        params: dict[str, Type] = {p: generic_var() for p in td.params}
        result = TCon(tycon, [params[p] for p in td.params]) if td.params else TCon(tycon)
        for v in td.variants:
            fields = [conv.convert(f, params) for f in v.fields]
            env.con_types[v.name] = (len(fields), fn_n(fields, result))
        for d in td.derives:
            if d in (SHOW, EQ, ORD):
                env.instances[(d, tycon)] = Instance(d, tycon, [frozenset({d})] * len(td.params), [], td)
    return new


def builtin_types(env: Env) -> dict[str, Type]:
    """Every builtin's type from the table in `stdlib` (parsed with the language's type syntax)."""
    out: dict[str, Type] = {}
    sink: list[Diagnostic] = []
    conv = env.converter(sink.append)
    for table in (BUILTINS, DERIVED):
        for name, b in table.items():
            out[name] = parse_scheme(conv, b.type)
    return out


def parse_scheme(conv: TypeConverter, text: str) -> Type:
    te, constraints = parse_type_text(text)
    if te is None:
        return ERROR
    classes: dict[str, set[str]] = {}
    for cls, var in constraints:
        classes.setdefault(var, set()).add(cls)
    return conv.convert(te, {}, lambda nm: generic_var(frozenset(classes.get(nm, ()))))


def sig_type(conv: TypeConverter, te: A.TypeExpr, constraints: list[A.Constraint], rigid: bool, level: int) -> tuple[Type, dict[str, Type]]:
    """A signature's type: rigid variables (to check a body against) or generic ones (its scheme)."""
    classes: dict[str, set[str]] = {}
    for c in constraints:
        classes.setdefault(c.var, set()).add(c.trait)
    tvars: dict[str, Type] = {}

    def new_var(nm: str) -> Type:
        cl = frozenset(classes.get(nm, ()))
        if rigid:
            return TVar(level, cl, rigid=True, name=nm)
        return generic_var(cl)

    return conv.convert(te, tvars, new_var), tvars
