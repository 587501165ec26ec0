"""Hindley–Milner inference over a resolved unit, definition by definition in source order.

Top-level functions are generalised after their equations are checked (a function sees itself
monomorphically unless it has a signature); block bindings are generalised too (let-polymorphism);
lambda and pattern variables are not. An error makes the offending expression's type the error type,
which unifies with everything, and a definition that failed gets the error type (or its signature),
so one mistake is reported once and independent mistakes are all reported.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable
from typing import Any

from .. import ast as A
from ..diagnostics import Diagnostic, Span
from ..resolve import Unit
from ..stdlib import BUILTINS
from .classes import BUILTIN_CLASSES, CONCAT, EQ, NUM, ORD, SHOW, Instance
from .core import (
    ARROW,
    BOOL,
    ERROR,
    GENERIC,
    INT,
    LIT_TYPES,
    STRING,
    TCon,
    TError,
    TRecord,
    TVar,
    Type,
    fn,
    fn_n,
    generalize,
    instantiate,
    list_of,
    pair_of,
    prune,
    record_view,
)
from .env import BUILTIN_TRAIT_METHODS, Env, TraitInfo, generic_var, parse_scheme, sig_type
from .errors import Where, article, describe
from .exhaust import missing_cases, refutable
from .printer import format_type
from .unify import Unifier, UnifyError, has_error

ARITH = frozenset({"+", "-", "*", "/", "**"})
COMPARE = frozenset({"<", ">", "<=", ">="})


class Poly:
    """A generalised local binding: instantiate at each use."""

    __slots__ = ("t",)

    def __init__(self, t: Type) -> None:
        self.t = t


def result_expr(e: A.Expr) -> A.Expr:
    """The expression that produces a body's value (a block's last line)."""
    while isinstance(e, A.Block):
        e = e.result
    return e


def callee_name(e: A.Expr) -> str:
    if isinstance(e, A.Var | A.Con):
        return e.name
    if isinstance(e, A.Paren):
        return callee_name(e.expr)
    return "the function"


class Checker:
    """Type-checks one unit against an environment (the prelude's, extended with the unit's types)."""

    def __init__(self, unit: Unit, env: Env, record_types: bool = False) -> None:
        self.unit = unit
        self.env = env
        self.diags: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.conv = env.converter(self.report)
        self.quiet_conv = env.converter(lambda d: None)
        self.unifier = Unifier(env.lookup_instance, user_show=SHOW in unit.traits)
        self.globals: dict[str, Type] = {}
        self.failed: set[str] = set()
        self.level = 0
        self.definition = ""
        self.current: A.FuncDef | None = None
        self.current_sig = ""
        self.current_inferred: str | None = None
        self.current_impl = ""
        self.file: str | None = None  # the file of the definition being checked, when known
        self.reported = False
        self.error_count = 0
        self.silent = 0
        self.types: dict[int, Type] | None = {} if record_types else None
        self.prop_types: dict[int, list[Type]] = {}
        src = list(unit.sources.values())
        self.source = src[0] if len(src) == 1 else None
        self.dispatch: dict[type, Callable[[Any, dict], Type]] = {
            A.Lit: self.e_lit,
            A.Var: self.e_var,
            A.Con: self.e_con,
            A.App: self.e_app,
            A.Lambda: self.e_lambda,
            A.BinOp: self.e_binop,
            A.Neg: self.e_neg,
            A.Cond: self.e_cond,
            A.Field: self.e_field,
            A.Record: self.e_record,
            A.RecordUpdate: self.e_update,
            A.Pair: self.e_pair,
            A.ListLit: self.e_list,
            A.Range: self.e_range,
            A.ListComp: self.e_listcomp,
            A.Block: self.e_block,
            A.Paren: self.e_paren,
            A.Interp: self.e_interp,
            A.Prop: self.e_prop,
            A.When: self.e_when,
        }

    # ── diagnostics ──────────────────────────────────────────────────────────────────────────

    def report(self, d: Diagnostic) -> None:
        self.error_count += 1
        if self.silent or self.reported:
            return
        self.reported = True
        if d.file is None:
            d.file = self.file
        if self.definition and "definition" not in d.data:
            d.data["definition"] = self.definition
        self.diags.append(d)

    def warn(self, d: Diagnostic) -> None:
        if d.file is None:
            d.file = self.file
        if not self.silent:
            self.warnings.append(d)

    def text(self, node: object) -> str | None:
        span = getattr(node, "span", None)
        if self.source is None or span is None or span.end_offset <= span.offset:
            return None
        return self.source[span.offset : span.end_offset]

    def unify_at(self, expected: Type, found: Type, span: Span | None, where: Where) -> bool:
        try:
            self.unifier.unify(expected, found)
            return True
        except UnifyError as err:
            self.fail(err, expected, found, span, where)
            return False

    def require(self, t: Type, cls: str, span: Span | None, where: Where) -> bool:
        try:
            self.unifier.add_class(t, cls)
            return True
        except UnifyError as err:
            self.fail(err, t, t, span, where)
            return False

    def fail(self, err: UnifyError, expected: Type, found: Type, span: Span | None, where: Where) -> None:
        if self.silent or self.reported:
            self.error_count += 1
            return
        if err.kind == "mismatch" and (has_error(expected) or has_error(found)):
            self.error_count += 1
            return
        where.definition = where.definition or self.definition
        where.impl = self.current_impl
        if self.current_sig:
            where.signature = where.signature or self.current_sig
            if err.kind in ("rigid", "rigid_class") or where.kind in ("result", "param"):
                where.inferred = self.inferred_without_sig()
        self.report(describe(err, expected, found, span, where))

    def inferred_without_sig(self) -> str:
        """The current definition's type with its signature ignored (for signature hints)."""
        if self.current_inferred is not None:
            return self.current_inferred
        fd = self.current
        text = ""
        if fd is not None:
            saved = (self.level, self.reported, self.error_count, self.globals.get(fd.name), self.current_sig,
                     self.types)
            self.silent += 1
            self.types = None
            self.current_sig = ""
            try:
                self.level = 1
                ft = TVar(self.level)
                self.globals[fd.name] = ft
                before = self.error_count
                self.check_equations(fd, ft, "")
                self.level = 0
                generalize(ft, 0)
                if self.error_count == before:
                    text = format_type(ft)
            finally:
                self.silent -= 1
                self.level, self.reported, self.error_count, old, self.current_sig, self.types = saved
                if old is not None:
                    self.globals[fd.name] = old
                else:
                    self.globals.pop(fd.name, None)
        self.current_inferred = text
        return text

    # ── the unit ─────────────────────────────────────────────────────────────────────────────

    def run(self) -> None:
        self.register_traits()
        for impl in self.unit.impls:
            self.register_impl(impl)
        for fd in self.unit.funcs:
            self.check_func(fd)
        for impl in self.unit.impls:
            self.check_impl(impl)
        for test in self.unit.tests:
            self.check_test(test)

    def register_traits(self) -> None:
        for tr in self.unit.traits.values():
            info = TraitInfo(
                tr.name, tr.param, {s.name: s.type for s in tr.methods}, {s.name: s.constraints for s in tr.methods},
                [c.trait for c in tr.supers],
            )
            self.env.traits[tr.name] = info
            for s in tr.methods:
                if s.name in BUILTINS:
                    continue
                classes: dict[str, set[str]] = {tr.param: {tr.name}}
                for c in s.constraints:
                    classes.setdefault(c.var, set()).add(c.trait)
                tvars: dict[str, Type] = {tr.param: generic_var(frozenset(classes[tr.param]))}
                self.globals[s.name] = self.conv.convert(
                    s.type, tvars, lambda nm, cl=classes: generic_var(frozenset(cl.get(nm, ())))
                )

    def register_impl(self, impl: A.ImplDecl) -> None:
        self.definition = f"impl {impl.trait}"
        self.reported = False
        names: dict[str, Type] = {}
        t = prune(self.conv.convert(impl.type, names, lambda nm: generic_var()))
        if not isinstance(t, TCon):
            return
        by_id = {id(v): nm for nm, v in names.items()}
        wanted: dict[str, set[str]] = {}
        for c in impl.constraints:
            wanted.setdefault(c.var, set()).add(c.trait)
        arg_classes: list[frozenset[str]] = []
        arg_types: list[Type | None] = []
        for a in t.args:
            a = prune(a)
            nm = by_id.get(id(a))
            if nm is not None:
                arg_classes.append(frozenset(wanted.get(nm, ())))
                arg_types.append(None)
            else:
                arg_classes.append(frozenset())
                arg_types.append(a)
        key = (impl.trait, t.con)
        old = self.env.instances.get(key)
        if old is not None and isinstance(old.source, A.ImplDecl) and old.source is not impl:
            self.report(Diagnostic(
                "duplicate_definition", f"`impl {impl.trait} {t.con.name}` is defined twice", impl.span,
                llm_hint="Keep one impl per trait and type; merge the methods into it.", fixability="easy",
            ))
            return
        self.env.instances[key] = Instance(impl.trait, t.con, arg_classes, arg_types, impl)

    # ── definitions ──────────────────────────────────────────────────────────────────────────

    def begin(self, name: str, fd: A.FuncDef | None, sig: str) -> None:
        self.definition = name
        self.current = fd
        self.current_sig = sig
        self.current_inferred = None
        self.reported = False

    def check_func(self, fd: A.FuncDef) -> None:
        name = fd.name
        info = self.unit.globals.get(name)
        self.file = info.file if info is not None else None
        before = self.error_count
        if fd.sig is not None:
            sig = fd.sig
            self.begin(name, fd, "")
            self.check_constraints(sig.constraints)
            scheme, _ = sig_type(self.conv, sig.type, sig.constraints, rigid=False, level=GENERIC)
            self.current_sig = format_type(scheme)
            if self.error_count > before:  # the signature itself is wrong: check the body alone
                self.current_sig = ""
                self.check_unsigned(fd, before)
            else:
                self.globals[name] = scheme
                self.level += 1
                rigid, _ = sig_type(self.quiet_conv, sig.type, sig.constraints, rigid=True, level=self.level)
                self.check_equations(fd, rigid, self.current_sig)
                self.level -= 1
                if self.error_count > before:
                    self.failed.add(name)
        else:
            self.begin(name, fd, "")
            self.check_unsigned(fd, before)
        self.current_sig = ""
        self.check_exhaustive(fd, name)

    def check_constraints(self, constraints: list[A.Constraint]) -> None:
        for c in constraints:
            if c.trait in BUILTIN_CLASSES or c.trait == SHOW or c.trait in self.env.traits:
                continue
            known = sorted({*BUILTIN_CLASSES, *self.env.traits})
            close = difflib.get_close_matches(c.trait, known, n=1)
            self.report(Diagnostic(
                "unbound_variable", f"unknown trait `{c.trait}` in the signature", c.span,
                did_you_mean=close[0] if close else None,
                llm_hint="Constraints name a trait: Num, Concat, Eq, Ord, Show or a trait declared with `trait`.",
                fixability="easy",
            ))

    def check_unsigned(self, fd: A.FuncDef, before: int) -> None:
        self.level += 1
        ft = TVar(self.level)
        self.globals[fd.name] = ft
        self.check_equations(fd, ft, "")
        self.level -= 1
        if self.error_count > before:
            self.globals[fd.name] = ERROR
            self.failed.add(fd.name)
        else:
            generalize(ft, self.level)

    def check_equations(self, fd: A.FuncDef, ft: Type, sig: str) -> None:
        eqs = fd.equations
        arity = len(eqs[0].params)
        params: list[Type] = [TVar(self.level) for _ in range(arity)]
        res: Type = TVar(self.level)
        if not self.unify_at(ft, fn_n(params, res), fd.name_span, Where("signature", fd.name)):
            return
        first_line = eqs[0].span.line
        for k, eq in enumerate(eqs):
            self.reported = False
            if len(eq.params) != arity:
                self.error_count += 1  # reported by the parser
                continue
            env: dict[str, object] = {}
            for i, p in enumerate(eq.params):
                pt = self.pattern(p, env)
                self.unify_at(params[i], pt, p.span,
                              Where("param", fd.name, index=i, first_line=first_line, signature=sig))
            bt = self.infer(eq.body, env)
            body = result_expr(eq.body)
            if k == 0 and not sig:
                self.unify_at(res, bt, body.span, Where("result", fd.name, first_line=first_line))
            else:
                self.unify_at(res, bt, body.span, Where("result", fd.name, first_line=first_line, signature=sig))

    def check_impl(self, impl: A.ImplDecl) -> None:
        self.file = None
        info = self.env.traits.get(impl.trait)
        builtin_methods = BUILTIN_TRAIT_METHODS.get(impl.trait, {}) if info is None else {}
        label = f"impl {impl.trait}"
        type_text = self.text(impl.type)
        defined = set()
        for m in impl.methods:
            defined.add(m.name)
            self.begin(m.name, m, "")
            self.definition = m.name
            te = info.methods.get(m.name) if info is not None else None
            expected: Type | None = None
            self.level += 1
            if te is not None and info is not None:
                expected = self.impl_method_type(impl, info, m.name, te)
            elif m.name in builtin_methods:
                impl_t = self.impl_type(impl)
                gen = parse_scheme(self.quiet_conv, builtin_methods[m.name])
                expected = instantiate(gen, self.level)
                # the builtin trait's variable is the first one of its method type
                self.tie_builtin_method(expected, impl_t)
            elif info is not None:
                self.report(Diagnostic(
                    "unbound_variable", f"trait `{impl.trait}` has no method `{m.name}`", m.name_span,
                    llm_hint=f"The methods of `{impl.trait}` are: {', '.join(info.methods) or 'none'}. "
                    "Rename the method or declare it in the trait.",
                    fixability="easy",
                ))
            self.current_impl = f"{label} {type_text}" if type_text else label
            if expected is not None:
                self.current_sig = format_type(expected)
                self.check_equations(m, expected, self.current_sig)
            else:
                self.check_equations(m, TVar(self.level), "")
            self.level -= 1
            self.current_sig = ""
            self.current_impl = ""
            self.check_exhaustive(m, m.name)
        if info is not None:
            missing = [name for name in info.methods if name not in defined]
            if missing:
                self.definition = label
                self.reported = False
                names = ", ".join(f"`{n}`" for n in missing)
                self.report(Diagnostic(
                    "missing_impl", f"`{label} {type_text or '...'}` does not define {names}", impl.span,
                    llm_hint=f"Add an equation for {names} inside the impl (indented under it).",
                    fixability="easy", data={"missing": missing},
                ))

    def tie_builtin_method(self, method_t: Type, impl_t: Type) -> None:
        """Tie a builtin trait method's first parameter to the impl's type."""
        t = prune(method_t)
        if isinstance(t, TCon) and t.con is ARROW:
            with contextlib.suppress(UnifyError):
                self.unifier.unify(t.args[0], impl_t)

    def impl_type(self, impl: A.ImplDecl) -> Type:
        wanted: dict[str, set[str]] = {}
        for c in impl.constraints:
            wanted.setdefault(c.var, set()).add(c.trait)
        return self.quiet_conv.convert(
            impl.type, {}, lambda nm: TVar(self.level, frozenset(wanted.get(nm, ())), rigid=True, name=nm)
        )

    def impl_method_type(self, impl: A.ImplDecl, info: TraitInfo, name: str, te: A.TypeExpr) -> Type:
        impl_t = self.impl_type(impl)
        classes: dict[str, set[str]] = {}
        for c in info.method_constraints.get(name, []):
            classes.setdefault(c.var, set()).add(c.trait)
        return self.quiet_conv.convert(
            te, {info.param: impl_t},
            lambda nm: TVar(self.level, frozenset(classes.get(nm, ())), rigid=True, name=nm),
        )

    def check_test(self, test: A.TestDecl) -> None:
        self.file = None
        self.begin(f'test "{test.name}"', None, "")
        self.level += 1
        bt = self.infer(test.body, {})
        self.unify_at(BOOL, bt, result_expr(test.body).span, Where("test"))
        self.level -= 1

    def check_exhaustive(self, fd: A.FuncDef, name: str) -> None:
        if not fd.equations or not fd.equations[0].params:
            return
        arity = len(fd.equations[0].params)
        rows = [eq.params for eq in fd.equations if len(eq.params) == arity]
        if not any(refutable(p) for r in rows for p in r):
            return
        if any(not any(refutable(p) for p in r) for r in rows):
            return
        missing = missing_cases(rows, self.unit.constructors)
        if not missing:
            return
        short = name.split(".")[-1]
        listed = ", ".join(f"`{m}`" for m in missing)
        self.warn(Diagnostic(
            "non_exhaustive",
            f"`{short}` does not handle every case: missing {listed}",
            fd.name_span,
            severity="warning",
            notes=[f"no equation matches: {short} {m}" for m in missing],
            llm_hint=f"Add an equation for {missing[0]} (or a catch-all `{short} "
            + " ".join("_" for _ in range(arity))
            + " = ...`); otherwise such a call stops the program with no_match.",
            fixability="easy",
            data={"definition": name, "missing": missing},
        ))

    # ── expressions ──────────────────────────────────────────────────────────────────────────

    def infer(self, e: A.Expr, env: dict) -> Type:
        h = self.dispatch.get(e.__class__)
        if h is None:
            return ERROR
        t = h(e, env)
        if self.types is not None:
            self.types[id(e)] = t
        return t

    def e_lit(self, e: A.Lit, env: dict) -> Type:
        return LIT_TYPES.get(e.kind, ERROR)

    def e_var(self, e: A.Var, env: dict) -> Type:
        sc = e.scope
        if sc == "local":
            t = env.get(e.name)
            if t is None:
                return ERROR
            if t.__class__ is Poly:
                return instantiate(t.t, self.level)
            return t
        if sc == "global":
            t = self.globals.get(e.name)
        elif sc == "prelude":
            t = self.env.prelude_globals.get(e.name)
        elif sc == "builtin":
            t = self.env.builtins.get(e.name)
        else:
            t = None
        if t is None:
            return ERROR
        return instantiate(t, self.level)

    def e_con(self, e: A.Con, env: dict) -> Type:
        ct = self.env.con_types.get(e.name)
        if ct is None:
            return ERROR
        return instantiate(ct[1], self.level)

    def e_paren(self, e: A.Paren, env: dict) -> Type:
        return self.infer(e.expr, env)

    def e_app(self, e: A.App, env: dict) -> Type:
        ft = self.infer(e.fn, env)
        return self.apply(e, e.fn, ft, e.args, env)

    def apply(self, app: A.Expr, fn_expr: A.Expr, ft: Type, args: list[A.Expr], env: dict,
              arg_types: list[Type] | None = None) -> Type:
        for i, arg in enumerate(args):
            ft = prune(ft)
            c = ft.__class__
            if c is TCon and ft.con is ARROW:  # type: ignore[union-attr]
                at = arg_types[i] if arg_types is not None else self.infer(arg, env)
                where = Where("arg", callee=callee_name(fn_expr), index=i, node=arg)
                if arg.__class__ is A.Pair:
                    rest = prune(ft.args[1])  # type: ignore[union-attr]
                    where.more_args = rest.__class__ is TCon and rest.con is ARROW  # type: ignore[union-attr]
                self.unify_at(ft.args[0], at, arg.span, where)  # type: ignore[union-attr]
                ft = ft.args[1]  # type: ignore[union-attr]
            elif c is TVar and not ft.rigid:  # type: ignore[union-attr]
                at = arg_types[i] if arg_types is not None else self.infer(arg, env)
                res = TVar(self.level)
                want = fn(at, res)
                kind = "self_apply" if prune(at) is ft else "apply"
                if not self.unify_at(ft, want, app.span, Where(kind, callee=callee_name(fn_expr), index=i, node=arg)):
                    return ERROR
                ft = res
            else:
                if arg_types is None:
                    for a in args[i:]:
                        self.infer(a, env)
                if c is not TError:
                    self.not_a_function(app, fn_expr, ft, i, args)
                return ERROR
        return ft

    def not_a_function(self, app: A.Expr, fn_expr: A.Expr, ft: Type, i: int, args: list[A.Expr]) -> None:
        name = callee_name(fn_expr)
        printed = format_type(ft)
        n = len(args) - i
        s = "" if n == 1 else "s"
        hint = None
        did = None
        head = prune(ft)
        first = args[i]
        label = f"`{name}`" if name != "the function" else "this function"
        if i == 0:
            label = f"`{name}`" if name != "the function" else "this expression"
            message = f"{label} is {article(printed)}, not a function, but it is given {n} argument{s}"
            span = app.span
            if isinstance(head, TCon) and head.con.name == "List" and isinstance(first, A.ListLit) and len(first.items) == 1:
                idx = self.text(first.items[0]) or "i"
                xs = self.text(fn_expr) or name
                hint = f"Synoema has no `xs[i]` indexing: write `index {idx} {xs}` (0-based)."
                did = f"index {idx} {xs}"
            elif isinstance(fn_expr, A.Var | A.Con | A.Lit):
                hint = f"Remove the argument{s}: `{name}` is a value, not a function." if isinstance(fn_expr, A.Var) else \
                    "Remove the arguments, or put an operator between the values."
            else:
                hint = "Only functions can be applied to arguments; check the parentheses."
        else:
            taken = "argument" if i == 1 else "arguments"
            message = f"{label} takes {i} {taken} but is given {len(args)}"
            span = first.span.to(args[-1].span)
            hint = (f"Remove the extra argument{s}, or parenthesise a nested call: `f (g x)` passes the result "
                    "of `g x`, while `f g x` passes `g` and `x` separately.")
        self.report(Diagnostic(
            "type_mismatch", message, span,
            notes=[f"found: {printed}", f"in the definition of `{self.definition}`"] if self.definition else
            [f"found: {printed}"],
            llm_hint=hint, fixability="trivial", did_you_mean=did,
            data={"callee": name, "arguments": len(args), "accepted": i},
        ))

    def e_lambda(self, e: A.Lambda, env: dict) -> Type:
        inner = dict(env)
        pts = [self.pattern(p, inner) for p in e.params]
        bt = self.infer(e.body, inner)
        if any(refutable(p) for p in e.params):
            missing = missing_cases([e.params], self.unit.constructors)
            if missing:
                listed = ", ".join(f"`{m}`" for m in missing)
                self.warn(Diagnostic(
                    "non_exhaustive", f"this lambda does not handle every case: missing {listed}", e.span,
                    severity="warning", llm_hint="Use a top-level function with one equation per case instead.",
                    fixability="easy", data={"missing": missing, "definition": self.definition},
                ))
        return fn_n(pts, bt)

    # operators

    def e_binop(self, e: A.BinOp, env: dict) -> Type:
        op = e.op
        if op in ARITH:
            return self.arith(e, env)
        if op in COMPARE or op == "==" or op == "!=":
            lt = self.infer(e.left, env)
            rt = self.infer(e.right, env)
            if self.unify_at(lt, rt, e.right.span, Where("operand", op=op, node=e)):
                self.require(lt, ORD if op in COMPARE else EQ, e.span, Where("compare", op=op, node=e))
            return BOOL
        if op == "&&" or op == "||":
            lt = self.infer(e.left, env)
            rt = self.infer(e.right, env)
            self.unify_at(BOOL, lt, e.left.span, Where("bool_operand", op=op))
            self.unify_at(BOOL, rt, e.right.span, Where("bool_operand", op=op))
            return BOOL
        if op == "++":
            lt = self.infer(e.left, env)
            rt = self.infer(e.right, env)
            if not self.require(lt, CONCAT, e.left.span, Where("operand", op=op, node=e)):
                return ERROR
            if not self.unify_at(lt, rt, e.right.span, Where("operand", op=op, node=e)):
                return ERROR
            return lt
        if op == ":":
            lt = self.infer(e.left, env)
            rt = self.infer(e.right, env)
            out = list_of(lt)
            if not self.unify_at(out, rt, e.right.span, Where("cons", op=op)):
                return ERROR
            return out
        if op == "%":
            lt = self.infer(e.left, env)
            rt = self.infer(e.right, env)
            ok = self.unify_at(INT, lt, e.left.span, Where("operand", op=op, node=e))
            ok = self.unify_at(INT, rt, e.right.span, Where("operand", op=op, node=e)) and ok
            return INT if ok else ERROR
        if op == "|>":
            lt = self.infer(e.left, env)
            ft = self.infer(e.right, env)
            return self.apply(e, e.right, ft, [e.left], env, [lt])
        if op == ">>":
            ft = self.infer(e.left, env)
            gt = self.infer(e.right, env)
            a, b, c = TVar(self.level), TVar(self.level), TVar(self.level)
            if not self.unify_at(fn(a, b), ft, e.left.span, Where("compose", op=op)):
                return ERROR
            if not self.unify_at(fn(b, c), gt, e.right.span, Where("compose", op=op)):
                return ERROR
            return fn(a, c)
        if op == ";":
            self.infer(e.left, env)
            return self.infer(e.right, env)
        self.infer(e.left, env)
        self.infer(e.right, env)
        return ERROR

    def arith(self, e: A.BinOp, env: dict) -> Type:
        lt = self.infer(e.left, env)
        rt = self.infer(e.right, env)
        w = Where("operand", op=e.op, node=e)
        if not self.require(lt, NUM, e.left.span, w):
            return ERROR
        if not self.require(rt, NUM, e.right.span, w):
            return ERROR
        if not self.unify_at(lt, rt, e.right.span, w):
            return ERROR
        return lt

    def e_neg(self, e: A.Neg, env: dict) -> Type:
        t = self.infer(e.expr, env)
        if not self.require(t, NUM, e.expr.span, Where("operand", op="-", node=e)):
            return ERROR
        return t

    def e_cond(self, e: A.Cond, env: dict) -> Type:
        ct = self.infer(e.cond, env)
        self.unify_at(BOOL, ct, e.cond.span, Where("cond"))
        tt = self.infer(e.then, env)
        et = self.infer(e.else_, env)
        if not self.unify_at(tt, et, result_expr(e.else_).span, Where("branch")):
            return ERROR
        return tt

    # records, lists

    def e_field(self, e: A.Field, env: dict) -> Type:
        rt = self.infer(e.expr, env)
        t = prune(rt)
        if t.__class__ is TRecord:  # fast path: a known field of a known record
            fields, _ = record_view(t)  # type: ignore[arg-type]
            got = fields.get(e.name)
            if got is not None:
                return got
        ft = TVar(self.level)
        want = TRecord({e.name: ft}, TVar(self.level, row=True))
        if not self.unify_at(want, rt, e.name_span, Where("field", op=e.name, node=e)):
            return ERROR
        return ft

    def e_record(self, e: A.Record, env: dict) -> Type:
        return TRecord({f.name: self.infer(f.value, env) for f in e.fields}, None)

    def e_update(self, e: A.RecordUpdate, env: dict) -> Type:
        bt = self.infer(e.base, env)
        new = {f.name: self.infer(f.value, env) for f in e.fields}
        row = TVar(self.level, row=True)
        old = TRecord({name: TVar(self.level) for name in new}, row)
        try:
            self.unifier.unify(old, bt)
        except UnifyError as err:
            span = e.base.span
            if err.fields:
                for f in e.fields:
                    if f.name == err.fields[0]:
                        span = f.span
            self.fail(err, old, bt, span, Where("update"))
            return ERROR
        return TRecord(new, row)

    def e_pair(self, e: A.Pair, env: dict) -> Type:
        return pair_of(self.infer(e.first, env), self.infer(e.second, env))

    def e_list(self, e: A.ListLit, env: dict) -> Type:
        items = e.items
        if not items:
            return list_of(TVar(self.level))
        t0 = self.infer(items[0], env)
        for it in items[1:]:
            ti = self.infer(it, env)
            self.unify_at(t0, ti, it.span, Where("list_elem"))
        return list_of(t0)

    def e_range(self, e: A.Range, env: dict) -> Type:
        st = self.infer(e.start, env)
        et = self.infer(e.end, env)
        self.unify_at(INT, st, e.start.span, Where("range"))
        self.unify_at(INT, et, e.end.span, Where("range"))
        return list_of(INT)

    def e_listcomp(self, e: A.ListComp, env: dict) -> Type:
        inner = dict(env)
        for q in e.quals:
            if isinstance(q, A.Generator):
                st = self.infer(q.source, inner)
                elem = TVar(self.level)
                self.unify_at(list_of(elem), st, q.source.span, Where("generator"))
                pt = self.pattern(q.pattern, inner)
                self.unify_at(elem, pt, q.pattern.span, Where("pattern"))
            else:
                gt = self.infer(q.cond, inner)
                self.unify_at(BOOL, gt, q.cond.span, Where("guard"))
        return list_of(self.infer(e.body, inner))

    def e_block(self, e: A.Block, env: dict) -> Type:
        inner = dict(env)
        any_error = self.reported
        for st in e.stmts:
            self.reported = False
            cls = st.__class__
            if cls is A.Let:
                before = self.error_count
                self.level += 1
                vt = self.infer(st.value, inner)  # type: ignore[union-attr]
                self.level -= 1
                if self.error_count > before:
                    inner[st.name] = ERROR  # type: ignore[union-attr]
                elif generalize(vt, self.level):
                    inner[st.name] = Poly(vt)  # type: ignore[union-attr]
                else:
                    inner[st.name] = vt  # type: ignore[union-attr]
            elif cls is A.Bind:
                inner[st.name] = self.infer(st.value, inner)  # type: ignore[union-attr]
            else:
                self.infer(st.expr, inner)  # type: ignore[union-attr]
            any_error = any_error or self.reported
        self.reported = False
        t = self.infer(e.result, inner)
        self.reported = any_error or self.reported
        return t

    def e_interp(self, e: A.Interp, env: dict) -> Type:
        for p in e.parts:
            if not isinstance(p, str):
                self.infer(p, env)
        return STRING

    def e_prop(self, e: A.Prop, env: dict) -> Type:
        inner = dict(env)
        vs: list[Type] = []
        for name in e.vars:
            v = TVar(self.level)
            inner[name] = v
            vs.append(v)
        bt = self.infer(e.body, inner)
        self.unify_at(BOOL, bt, result_expr(e.body).span, Where("test"))
        self.prop_types[id(e)] = vs
        return BOOL

    def e_when(self, e: A.When, env: dict) -> Type:
        bt = self.infer(e.body, env)
        self.unify_at(BOOL, bt, e.body.span, Where("test"))
        ct = self.infer(e.cond, env)
        self.unify_at(BOOL, ct, e.cond.span, Where("guard"))
        return BOOL

    # ── patterns ─────────────────────────────────────────────────────────────────────────────

    def pattern(self, p: A.Pattern, env: dict) -> Type:
        cls = p.__class__
        if cls is A.PVar:
            t = TVar(self.level)
            env[p.name] = t  # type: ignore[union-attr]
            return t
        if cls is A.PWild:
            return TVar(self.level)
        if cls is A.PLit:
            return LIT_TYPES.get(p.kind, ERROR)  # type: ignore[union-attr]
        if cls is A.PCon:
            return self.pattern_con(p, env)  # type: ignore[arg-type]
        if cls is A.PCons:
            ht = self.pattern(p.head, env)  # type: ignore[union-attr]
            tt = self.pattern(p.tail, env)  # type: ignore[union-attr]
            out = list_of(ht)
            self.unify_at(out, tt, p.tail.span, Where("pattern"))  # type: ignore[union-attr]
            return out
        if cls is A.PList:
            elem = TVar(self.level)
            for item in p.items:  # type: ignore[union-attr]
                it = self.pattern(item, env)
                self.unify_at(elem, it, item.span, Where("pattern"))
            return list_of(elem)
        if cls is A.PRecord:
            fields = {k: self.pattern(v, env) for k, v in p.fields}  # type: ignore[union-attr]
            return TRecord(fields, TVar(self.level, row=True))
        if cls is A.PPair:
            return pair_of(self.pattern(p.first, env), self.pattern(p.second, env))  # type: ignore[union-attr]
        return ERROR

    def pattern_con(self, p: A.PCon, env: dict) -> Type:
        ct = self.env.con_types.get(p.name)
        if ct is None:
            for a in p.args:
                self.pattern(a, env)
            return ERROR
        arity, gt = ct
        t = instantiate(gt, self.level)
        if len(p.args) != arity:
            for a in p.args:
                self.pattern(a, env)
            s = "" if arity == 1 else "s"
            given = len(p.args)
            self.report(Diagnostic(
                "arity_mismatch",
                f"constructor `{p.name}` takes {arity} argument{s}, but the pattern gives {given}",
                p.span,
                notes=[f"expected: {arity} argument{s}", f"found: {given}",
                       f"in the definition of `{self.definition}`"],
                llm_hint=f"Match all {arity} field{s} of `{p.name}`: `({p.name}"
                + "".join(" _" for _ in range(arity)) + ")`; use `_` for fields you do not need.",
                fixability="trivial",
                data={"constructor": p.name, "expected": arity, "found": given},
            ))
            for _ in range(arity):
                t = prune(t).args[1]  # type: ignore[union-attr]
            return t
        for i, a in enumerate(p.args):
            at = self.pattern(a, env)
            tt = prune(t)
            self.unify_at(tt.args[0], at, a.span, Where("con_pattern", callee=p.name, index=i))  # type: ignore[union-attr]
            t = tt.args[1]  # type: ignore[union-attr]
        return t
