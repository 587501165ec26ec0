"""Written types (`synoema.ast` type expressions) to type terms: signatures, constructor fields,
aliases (expanded, transparently), impl heads and the builtin table's type strings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import cache

from .. import ast as A
from ..diagnostics import Diagnostic, Span
from .core import BUILTIN_TYCONS, ERROR, LIST_C, UNIT, TCon, TRecord, TyCon, Type, fn, list_of, pair_of

NewVar = Callable[[str], Type]
Report = Callable[[Diagnostic], None]

_MAX_ALIAS_DEPTH = 40


class TypeConverter:
    """Converts type expressions against one program's type names."""

    def __init__(
        self,
        tycon_of: Callable[[str], TyCon | None],
        aliases: dict[str, A.TypeAlias],
        report: Report,
        known_names: Callable[[], list[str]],
    ) -> None:
        self.tycon_of = tycon_of
        self.aliases = aliases
        self.report = report
        self.known_names = known_names

    def convert(self, te: A.TypeExpr, tvars: dict[str, Type], new_var: NewVar | None = None, depth: int = 0) -> Type:
        cls = te.__class__
        if cls is A.TVar:
            name = te.name  # type: ignore[union-attr]
            got = tvars.get(name)
            if got is not None:
                return got
            if new_var is not None:
                v = new_var(name)
                tvars[name] = v
                return v
            self.report(Diagnostic(
                "unbound_variable", f"type variable `{name}` is not a parameter of this type", te.span,
                llm_hint="List every type variable a constructor uses after the type's name: `Box a = Box a`.",
                fixability="easy",
            ))
            return ERROR
        if cls is A.TUnit:
            return UNIT
        if cls is A.TList:
            return list_of(self.convert(te.elem, tvars, new_var, depth))  # type: ignore[union-attr]
        if cls is A.TPair:
            return pair_of(self.convert(te.first, tvars, new_var, depth),  # type: ignore[union-attr]
                           self.convert(te.second, tvars, new_var, depth))  # type: ignore[union-attr]
        if cls is A.TRecord:
            return TRecord({k: self.convert(v, tvars, new_var, depth) for k, v in te.fields}, None)  # type: ignore[union-attr]
        if cls is A.TFun:
            return fn(self.convert(te.arg, tvars, new_var, depth),  # type: ignore[union-attr]
                      self.convert(te.result, tvars, new_var, depth))  # type: ignore[union-attr]
        if cls is A.TCon:
            return self.apply(te.name, [], te.span, tvars, new_var, depth)  # type: ignore[union-attr]
        if cls is A.TApp:
            head = te.fn  # type: ignore[union-attr]
            if head.__class__ is A.TCon:
                return self.apply(head.name, te.args, te.span, tvars, new_var, depth)  # type: ignore[union-attr]
            self.report(Diagnostic(
                "type_mismatch", "only a named type can be applied to type arguments", te.span,
                llm_hint="Write `List a` or `Tree a`; a type variable cannot take arguments.", fixability="easy",
            ))
            return ERROR
        return ERROR

    def apply(
        self, name: str, args: list[A.TypeExpr], span: Span, tvars: dict[str, Type], new_var: NewVar | None,
        depth: int,
    ) -> Type:
        alias = self.aliases.get(name)
        if alias is not None:
            if depth > _MAX_ALIAS_DEPTH:
                self.report(Diagnostic("infinite_type", f"type alias `{name}` refers to itself", span,
                                       llm_hint="An alias cannot be recursive; define an ADT instead.",
                                       fixability="medium"))
                return ERROR
            if len(args) != len(alias.params):
                self._arity(name, len(alias.params), len(args), span)
                return ERROR
            inner = {p: self.convert(a, tvars, new_var, depth) for p, a in zip(alias.params, args)}
            return self.convert(alias.body, inner, None, depth + 1)
        tycon = self.tycon_of(name)
        if tycon is None:
            close = difflib.get_close_matches(name, self.known_names(), n=1)
            self.report(Diagnostic(
                "unbound_variable", f"unknown type `{name}`", span,
                did_you_mean=close[0] if close else None,
                llm_hint=(f"Did you mean `{close[0]}`?" if close else
                          f"Define it first (`{name} = ...` for an ADT, `type {name} = ...` for an alias)."),
                fixability="easy",
            ))
            for a in args:
                self.convert(a, tvars, new_var, depth)
            return ERROR
        if len(args) != tycon.arity:
            self._arity(name, tycon.arity, len(args), span)
            return ERROR
        return TCon(tycon, [self.convert(a, tvars, new_var, depth) for a in args]) if args else TCon(tycon)

    def _arity(self, name: str, want: int, got: int, span: Span) -> None:
        s = "" if want == 1 else "s"
        self.report(Diagnostic(
            "arity_mismatch", f"type `{name}` takes {want} argument{s}, but {got} given", span,
            llm_hint=f"Write `{name}` followed by exactly {want} type{s}" + (" (e.g. `List Int`)." if want else "."),
            fixability="trivial",
        ))


def builtin_tycon(name: str, user_list: bool) -> TyCon | None:
    """Built-in type names; `List` only when the program does not define its own."""
    if name == "List":
        return None if user_list else LIST_C
    return BUILTIN_TYCONS.get(name)


_CONSTRAINT_RE = re.compile(r"([A-Z][A-Za-z0-9_]*)\s+([a-z][A-Za-z0-9_]*)")


@cache
def parse_type_text(text: str) -> tuple[A.TypeExpr | None, tuple[tuple[str, str], ...]]:
    """Parse `Num a => a -> a` from the builtin table with the language's own type syntax."""
    from ..layout import apply_layout
    from ..lexer import lex
    from ..parser import ParseError, Parser

    constraints: tuple[tuple[str, str], ...] = ()
    if "=>" in text:
        head, text = text.split("=>", 1)
        constraints = tuple(_CONSTRAINT_RE.findall(head))
    tokens, _ = apply_layout(lex(text.strip()).tokens)
    try:
        return Parser(tokens, text).parse_type(), constraints
    except ParseError:
        return None, constraints
