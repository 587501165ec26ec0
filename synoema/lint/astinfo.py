"""Small questions about the AST that the linter and the explainers ask (source text, calls, names).

All functions are read-only over `synoema.ast` nodes that went through the resolver, so a `Var`
knows whether it is a local, a global of the program, a prelude function or a builtin.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import ast as A
from ..ast import unparen

LIBRARY_SCOPES = ("builtin", "prelude")


def text(source: str, node: object) -> str:
    """The exact source text of a node (by character offsets)."""
    span = getattr(node, "span", None)
    if span is None or span.end_offset <= span.offset:
        return ""
    return source[span.offset : span.end_offset]


def call_parts(e: A.Expr) -> tuple[str | None, list[A.Expr]]:
    """`f a b` -> ("f", [a, b]) when the function is a plain name; constructors give their name too."""
    e = unparen(e)
    if isinstance(e, A.App):
        fn = unparen(e.fn)
        if isinstance(fn, A.Var | A.Con):
            return fn.name, list(e.args)
        return None, list(e.args)
    if isinstance(e, A.Var | A.Con):
        return e.name, []
    return None, []


def is_call(e: A.Expr, name: str, arity: int | None = None) -> bool:
    fn, args = call_parts(e)
    return fn == name and (arity is None or len(args) == arity)


def library_call(e: A.Expr) -> tuple[str | None, list[A.Expr]]:
    """Like `call_parts`, but only for builtins and prelude functions (not user shadows)."""
    e = unparen(e)
    if isinstance(e, A.App):
        fn = unparen(e.fn)
        if isinstance(fn, A.Var) and fn.scope in LIBRARY_SCOPES:
            return fn.name, list(e.args)
    return None, []


def expr_nodes(node: object) -> Iterator[object]:
    """Every node below `node`, expressions and patterns."""
    return A.walk(node)


def mentions(node: object, name: str, *, scope: str | None = None) -> bool:
    """Does `name` occur as a variable (optionally with that resolver scope) inside `node`?"""
    for n in A.walk(node):
        if isinstance(n, A.Var) and n.name == name and (scope is None or n.scope == scope):
            return True
    return False


def local_uses(node: object, name: str) -> int:
    return sum(1 for n in A.walk(node) if isinstance(n, A.Var) and n.name == name and n.scope == "local")


def recursive_calls(node: object, fname: str) -> list[A.App | A.Var]:
    """Calls of the global `fname` inside `node` (App nodes, or bare references)."""
    out: list[A.App | A.Var] = []
    seen: set[int] = set()
    for n in A.walk(node):
        if isinstance(n, A.App):
            fn = unparen(n.fn)
            if isinstance(fn, A.Var) and fn.name == fname and fn.scope == "global":
                out.append(n)
                seen.add(id(fn))
        elif isinstance(n, A.Var) and n.name == fname and n.scope == "global" and id(n) not in seen:
            out.append(n)
    return out


def calls_itself(fd: A.FuncDef) -> bool:
    return any(recursive_calls(eq.body, fd.name) for eq in fd.equations)


def pipeline(e: A.Expr) -> list[A.Expr]:
    """`a |> f |> g` -> [a, f, g]; a single expression gives [e]."""
    e = unparen(e)
    if isinstance(e, A.BinOp) and e.op == "|>":
        return [*pipeline(e.left), e.right]
    return [e]


def op_chain(e: A.Expr, op: str) -> list[A.Expr]:
    """Operands of a chain of the same operator, left to right (`a ++ b ++ c` -> [a, b, c])."""
    if isinstance(e, A.BinOp) and e.op == op:
        return [*op_chain(e.left, op), *op_chain(e.right, op)]
    return [e]


def cond_chain(e: A.Expr) -> tuple[list[tuple[A.Expr, A.Expr]], A.Expr]:
    """`? c1 -> a : ? c2 -> b : d` -> ([(c1, a), (c2, b)], d)."""
    branches: list[tuple[A.Expr, A.Expr]] = []
    while True:
        inner = unparen(e)
        if not isinstance(inner, A.Cond):
            return branches, e
        branches.append((inner.cond, inner.then))
        e = inner.else_


def body_result(e: A.Expr) -> A.Expr:
    """The value expression of a body: a block's result, else the body itself."""
    e = unparen(e)
    while isinstance(e, A.Block):
        e = unparen(e.result)
    return e


def pattern_text(source: str, p: A.Pattern) -> str:
    return text(source, p) or "_"


def is_nil_pattern(p: A.Pattern) -> bool:
    return isinstance(p, A.PList) and not p.items


def cons_parts(p: A.Pattern) -> tuple[A.Pattern, A.Pattern] | None:
    if isinstance(p, A.PCons):
        return p.head, p.tail
    return None


def first_line(source: str, node: object, limit: int = 70) -> str:
    """The node's text when it fits on one short line, else ''."""
    t = text(source, node)
    if "\n" in t or len(t) > limit:
        return ""
    return t


def iter_funcs(decls: list[A.Decl]) -> list[A.FuncDef]:
    """Every function definition: top level, inside modules and inside impls, in source order."""
    out: list[A.FuncDef] = []
    for d in decls:
        if isinstance(d, A.FuncDef):
            out.append(d)
        elif isinstance(d, A.ModuleDecl):
            out += iter_funcs(d.body)
        elif isinstance(d, A.ImplDecl):
            out += d.methods
    return out
