"""Rewrites driven by type errors: `+` on strings or lists, a number joined to a string, arity slips."""

from __future__ import annotations

from .. import ast as A
from ..diagnostics import Diagnostic
from ..edits import TextEdit
from .base import Ctx, Fix
from .text import paren


def _binops(program: A.Program, op: str) -> list[A.BinOp]:
    out: list[A.BinOp] = []
    for decl in program.decls:
        eqs = decl.equations if isinstance(decl, A.FuncDef) else []
        for eq in eqs:
            out += [n for n in A.walk(eq.body) if isinstance(n, A.BinOp) and n.op == op]
    return out


def _operator_for(nodes: list[A.BinOp], d: Diagnostic) -> A.BinOp | None:
    """The operator whose operand the diagnostic points at (an exact operand first, then the closest)."""
    s = d.span
    assert s is not None
    for node in nodes:
        for side in (node.left, node.right):
            if side.span.offset == s.offset and side.span.end_offset == s.end_offset:
                return node
    around = [n for n in nodes if n.span.offset <= s.offset and s.end_offset <= n.span.end_offset
              and (n.left.span.offset == s.offset or n.right.span.end_offset == s.end_offset)]
    return min(around, key=lambda n: n.span.end_offset - n.span.offset) if around else None


def fix_plus_strings(ctx: Ctx) -> list[Fix]:
    """`"a" + "b"` -> `"a" ++ "b"` (and lists), `"n = " ++ n` -> `"n = " ++ show n`."""
    program = ctx.checked.program
    if program is None:
        return []
    fixes: list[Fix] = []
    for d in ctx.errors_with("type_mismatch"):
        if d.span is None:
            continue
        found = str(d.data.get("found", ""))
        if "`+`" in d.message and (found == "String" or found.startswith("List")):
            node = _operator_for(_binops(program, "+"), d)
            if node is not None:
                s = node.op_span
                fixes.append(Fix("string_concat", "strings and lists are joined with `++`; `+` adds numbers",
                                 [TextEdit(s.offset, s.end_offset, "++")]))
        elif "`++`" in d.message and d.data.get("expected") == "String" and found and found != "String":
            text = ctx.source[d.span.offset:d.span.end_offset]
            fixes.append(Fix("show_value", f"a {found} is turned into text with `show`",
                             [TextEdit(d.span.offset, d.span.end_offset, f"show {paren(text)}")]))
    return fixes



def fix_zip_pairs(ctx: Ctx) -> list[Fix]:
    """`zip` gives two-element lists `[a b]`, not pairs: `\\(a, b) -> ...` over them becomes `\\[a b] -> ...`."""
    program = ctx.checked.program
    if program is None or "zip" not in ctx.source:
        return []
    fixes: list[Fix] = []
    for decl in program.funcs():
        for eq in decl.equations:
            for node in A.walk(eq.body):
                if not isinstance(node, A.Lambda):
                    continue
                for q in node.params:
                    if isinstance(q, A.PPair) and isinstance(q.first, A.PVar | A.PWild) \
                            and isinstance(q.second, A.PVar | A.PWild):
                        a = ctx.source[q.first.span.offset:q.first.span.end_offset]
                        b = ctx.source[q.second.span.offset:q.second.span.end_offset]
                        fixes.append(Fix("zip_pairs", "`zip` pairs elements as two-element lists: match `[a b]`",
                                         [TextEdit(q.span.offset, q.span.end_offset, f"[{a} {b}]")]))
    return fixes
