"""Rewrites driven by type errors: `+` on strings or lists, a number joined to a string, arity slips."""

from __future__ import annotations

from .. import ast as A
from ..diagnostics import Diagnostic
from .base import Ctx, Fix
from .text import TextEdit, paren


def _binops(program: A.Program, op: str) -> list[A.BinOp]:
    out: list[A.BinOp] = []
    for decl in program.decls:
        eqs = decl.equations if isinstance(decl, A.FuncDef) else []
        for eq in eqs:
            out += [n for n in A.walk(eq.body) if isinstance(n, A.BinOp) and n.op == op]
    return out


def _touches(node: A.BinOp, d: Diagnostic) -> bool:
    s = d.span
    assert s is not None
    for side in (node.left, node.right):
        if side.span.offset == s.offset and side.span.end_offset == s.end_offset:
            return True
    return node.span.offset <= s.offset and s.end_offset <= node.span.end_offset and (
        node.left.span.offset == s.offset or node.right.span.end_offset == s.end_offset)


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
            for node in _binops(program, "+"):
                if _touches(node, d):
                    s = node.op_span
                    fixes.append(Fix("string_concat", "strings and lists are joined with `++`; `+` adds numbers",
                                     [TextEdit(s.offset, s.end_offset, "++")]))
                    break
        elif "`++`" in d.message and d.data.get("expected") == "String" and found and found != "String":
            text = ctx.source[d.span.offset:d.span.end_offset]
            fixes.append(Fix("show_value", f"a {found} is turned into text with `show`",
                             [TextEdit(d.span.offset, d.span.end_offset, f"show {paren(text)}")]))
    return fixes

