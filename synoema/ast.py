"""Typed AST with a span on every node, so every diagnostic points at the exact text.

Surface sugar is kept where tools need it (parentheses, pairs, interpolation, ranges) and removed by
the compiler and the type checker, not here: the review lints and the explain engine read this tree.
"""

from __future__ import annotations

from ._record import Factory, record
from .diagnostics import Span

# ── Expressions ──────────────────────────────────────────────────────────────────────────────


@record(eq=False)
class Lit:
    """A literal; `kind` is one of int, float, str, char, bool, unit."""

    kind: str
    value: object
    span: Span


@record(eq=False)
class Var:
    """A name. The resolver sets `scope` to local, global, prelude or builtin and `name` to the
    definition's global name (`Math.square` for module members)."""

    name: str
    span: Span
    scope: str = ""


@record(eq=False)
class Con:
    """A constructor used as a value (`Just`, `Red`)."""

    name: str
    span: Span


@record(eq=False)
class App:
    """Application `f a b`, flattened: `fn` applied to `args` left to right."""

    fn: Expr
    args: list[Expr]
    span: Span


@record(eq=False)
class Lambda:
    params: list[Pattern]
    body: Expr
    span: Span


@record(eq=False)
class BinOp:
    """Binary operator; `op` is its source text (`+`, `++`, `:`, `|>`, `>>`, `;`, ...)."""

    op: str
    left: Expr
    right: Expr
    span: Span
    op_span: Span


@record(eq=False)
class Neg:
    expr: Expr
    span: Span


@record(eq=False)
class Cond:
    """`? cond -> then : else`."""

    cond: Expr
    then: Expr
    else_: Expr
    span: Span


@record(eq=False)
class Field:
    expr: Expr
    name: str
    span: Span
    name_span: Span


@record(eq=False)
class RecordField:
    name: str
    value: Expr
    span: Span
    punned: bool = False


@record(eq=False)
class Record:
    fields: list[RecordField]
    span: Span


@record(eq=False)
class RecordUpdate:
    """`{...base, f = v}`."""

    base: Expr
    fields: list[RecordField]
    span: Span


@record(eq=False)
class Pair:
    """`(a, b)`: a record `{fst = a, snd = b}`."""

    first: Expr
    second: Expr
    span: Span


@record(eq=False)
class ListLit:
    items: list[Expr]
    span: Span


@record(eq=False)
class Range:
    """`[start..end]`, inclusive."""

    start: Expr
    end: Expr
    span: Span


@record(eq=False)
class Generator:
    """`pat <- source` inside a comprehension."""

    pattern: Pattern
    source: Expr
    span: Span


@record(eq=False)
class Guard:
    cond: Expr
    span: Span


@record(eq=False)
class ListComp:
    body: Expr
    quals: list[Generator | Guard]
    span: Span


@record(eq=False)
class Let:
    """`name = value` inside a block or a where-group."""

    name: str
    value: Expr
    span: Span
    name_span: Span


@record(eq=False)
class Bind:
    """`name <- action` inside a block (IO bind)."""

    name: str
    value: Expr
    span: Span
    name_span: Span


@record(eq=False)
class ExprStmt:
    """A statement evaluated for its effect (`print x` on its own line)."""

    expr: Expr
    span: Span


Stmt = Let | Bind | ExprStmt


@record(eq=False)
class Block:
    """Statements in order, then the result expression. `where_style` marks bindings written after
    a one-line body (they are still evaluated before it)."""

    stmts: list[Stmt]
    result: Expr
    span: Span
    where_style: bool = False


@record(eq=False)
class Paren:
    expr: Expr
    span: Span


@record(eq=False)
class Interp:
    """`"a ${x} b"`: literal text and expressions (shown with `show`)."""

    parts: list[str | Expr]
    span: Span


@record(eq=False)
class Prop:
    """`prop x y -> body` in a test: body checked for random x, y."""

    vars: list[str]
    body: Expr
    span: Span


@record(eq=False)
class When:
    """`body when cond` in a property: cases where cond is false are discarded."""

    body: Expr
    cond: Expr
    span: Span


Expr = Lit | Var | Con | App | Lambda | BinOp | Neg | Cond | Field | Record | RecordUpdate | Pair | ListLit | Range | ListComp | Block | Paren | Interp | Prop | When

# ── Patterns ─────────────────────────────────────────────────────────────────────────────────


@record(eq=False)
class PWild:
    span: Span


@record(eq=False)
class PVar:
    name: str
    span: Span


@record(eq=False)
class PLit:
    kind: str
    value: object
    span: Span


@record(eq=False)
class PCon:
    name: str
    args: list[Pattern]
    span: Span
    parenthesized: bool = False


@record(eq=False)
class PCons:
    head: Pattern
    tail: Pattern
    span: Span


@record(eq=False)
class PList:
    items: list[Pattern]
    span: Span


@record(eq=False)
class PRecord:
    fields: list[tuple[str, Pattern]]
    span: Span


@record(eq=False)
class PPair:
    first: Pattern
    second: Pattern
    span: Span


Pattern = PWild | PVar | PLit | PCon | PCons | PList | PRecord | PPair

# ── Types ────────────────────────────────────────────────────────────────────────────────────


@record(eq=False)
class TCon:
    name: str
    span: Span


@record(eq=False)
class TVar:
    name: str
    span: Span


@record(eq=False)
class TApp:
    fn: TypeExpr
    args: list[TypeExpr]
    span: Span


@record(eq=False)
class TFun:
    arg: TypeExpr
    result: TypeExpr
    span: Span


@record(eq=False)
class TList:
    """`[a]`, sugar for `List a`."""

    elem: TypeExpr
    span: Span


@record(eq=False)
class TRecord:
    fields: list[tuple[str, TypeExpr]]
    span: Span


@record(eq=False)
class TPair:
    """`(a, b)`: the record type `{fst : a, snd : b}`."""

    first: TypeExpr
    second: TypeExpr
    span: Span


@record(eq=False)
class TUnit:
    span: Span


TypeExpr = TCon | TVar | TApp | TFun | TList | TRecord | TPair | TUnit


@record(eq=False)
class Constraint:
    """`Show a` in `Show a => ...` or in `impl Show (Maybe a) ? Show a`."""

    trait: str
    var: str
    span: Span


# ── Declarations ─────────────────────────────────────────────────────────────────────────────


@record(eq=False)
class Equation:
    params: list[Pattern]
    body: Expr
    span: Span


@record(eq=False)
class TypeSig:
    name: str
    type: TypeExpr
    constraints: list[Constraint]
    span: Span
    name_span: Span


@record(eq=False)
class FuncDef:
    """A top-level (or module, or impl) definition: one or more equations of the same arity."""

    name: str
    equations: list[Equation]
    span: Span
    name_span: Span
    doc: list[str] = Factory(list)  # type: ignore[assignment]
    sig: TypeSig | None = None

    @property
    def arity(self) -> int:
        return len(self.equations[0].params)


@record(eq=False)
class Variant:
    name: str
    fields: list[TypeExpr]
    span: Span


@record(eq=False)
class TypeDef:
    name: str
    params: list[str]
    variants: list[Variant]
    derives: list[str]
    span: Span
    doc: list[str] = Factory(list)  # type: ignore[assignment]


@record(eq=False)
class TypeAlias:
    name: str
    params: list[str]
    body: TypeExpr
    span: Span
    doc: list[str] = Factory(list)  # type: ignore[assignment]


@record(eq=False)
class TraitDecl:
    name: str
    param: str
    methods: list[TypeSig]
    span: Span
    supers: list[Constraint] = Factory(list)  # type: ignore[assignment]
    doc: list[str] = Factory(list)  # type: ignore[assignment]


@record(eq=False)
class ImplDecl:
    trait: str
    type: TypeExpr
    constraints: list[Constraint]
    methods: list[FuncDef]
    span: Span


@record(eq=False)
class ModuleDecl:
    name: str
    body: list[Decl]
    span: Span
    doc: list[str] = Factory(list)  # type: ignore[assignment]


@record(eq=False)
class UseDecl:
    module: str
    names: list[str]  # ["*"] for a wildcard
    span: Span


@record(eq=False)
class ImportDecl:
    path: str
    span: Span


@record(eq=False)
class TestDecl:
    name: str
    body: Expr
    span: Span


Decl = FuncDef | TypeSig | TypeDef | TypeAlias | TraitDecl | ImplDecl | ModuleDecl | UseDecl | ImportDecl | TestDecl


@record(eq=False)
class Program:
    decls: list[Decl]
    filename: str | None = None
    source: str = ""

    def funcs(self) -> list[FuncDef]:
        return [d for d in self.decls if isinstance(d, FuncDef)]

    def find(self, name: str) -> FuncDef | None:
        for d in self.decls:
            if isinstance(d, FuncDef) and d.name == name:
                return d
        return None


# ── Traversal helpers ────────────────────────────────────────────────────────────────────────


def children(node: object) -> list[object]:
    """Direct sub-nodes of an expression, pattern or statement (for generic walks and lints)."""
    match node:
        case App(fn=fn, args=args):
            return [fn, *args]
        case Lambda(params=ps, body=b):
            return [*ps, b]
        case BinOp(left=lft, right=r):
            return [lft, r]
        case Neg(expr=e) | Paren(expr=e) | Field(expr=e):
            return [e]
        case Cond(cond=c, then=t, else_=e):
            return [c, t, e]
        case Record(fields=fs):
            return [f.value for f in fs]
        case RecordUpdate(base=b, fields=fs):
            return [b, *(f.value for f in fs)]
        case Pair(first=a, second=b):
            return [a, b]
        case ListLit(items=items):
            return list(items)
        case Range(start=s, end=e):
            return [s, e]
        case ListComp(body=b, quals=qs):
            out: list[object] = []
            for q in qs:
                if isinstance(q, Generator):
                    out += [q.pattern, q.source]
                else:
                    out.append(q.cond)
            return [*out, b]
        case Block(stmts=stmts, result=r):
            return [*(s.value if isinstance(s, Let | Bind) else s.expr for s in stmts), r]
        case Interp(parts=parts):
            return [p for p in parts if not isinstance(p, str)]
        case Prop(body=b):
            return [b]
        case When(body=b, cond=c):
            return [b, c]
        case PCon(args=args):
            return list(args)
        case PCons(head=h, tail=t):
            return [h, t]
        case PList(items=items):
            return list(items)
        case PRecord(fields=fs):
            return [p for _, p in fs]
        case PPair(first=a, second=b):
            return [a, b]
    return []


def walk(node: object):
    """Pre-order walk over an expression/pattern tree."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def pattern_vars(pat: Pattern) -> list[PVar]:
    return [n for n in walk(pat) if isinstance(n, PVar)]


def unparen(e: Expr) -> Expr:
    """The expression inside any number of parentheses."""
    while isinstance(e, Paren):
        e = e.expr
    return e
