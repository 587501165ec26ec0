"""Rewrites driven by type errors: `+` on strings or lists, a number joined to a string, arity slips."""

from __future__ import annotations

import re

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


def _chains(program: A.Program) -> list[tuple[str, list[A.BinOp]]]:
    """Every maximal run of `+` (`a + b + c` is one run of two), with the definition it is in."""
    out: list[tuple[str, list[A.BinOp]]] = []
    for decl in program.funcs():
        for eq in decl.equations:
            inner: set[int] = set()
            plus = [n for n in A.walk(eq.body) if isinstance(n, A.BinOp) and n.op == "+"]
            for n in plus:
                for side in (n.left, n.right):
                    if isinstance(side, A.BinOp) and side.op == "+":
                        inner.add(id(side))
            for n in plus:
                if id(n) in inner:
                    continue
                run = [m for m in A.walk(n) if isinstance(m, A.BinOp) and m.op == "+" and _in_run(n, m)]
                out.append((decl.name, run))
    return out


def _in_run(top: A.BinOp, m: A.BinOp) -> bool:
    """Is `m` reached from `top` through `+` nodes only?"""
    node: object = top
    stack = [top]
    while stack:
        node = stack.pop()
        if node is m:
            return True
        if isinstance(node, A.BinOp) and node.op == "+":
            stack += [node.left, node.right]
    return False


_STRINGISH = ("String", "List")


def _about_text_and_numbers(d: Diagnostic) -> bool:
    """A type error that says a String or list met a number (or the other way round)."""
    found, expected = str(d.data.get("found", "")), str(d.data.get("expected", ""))
    both = f"{found} {expected} {d.message}"
    return ("number" in both or "Int" in both or "Float" in both) and ("String" in both or "List" in both)


def _surely_numbers(run: list[A.BinOp]) -> bool:
    """A run with a number literal and no string literal adds numbers (`n + 1`, `(1 + 1)`)."""
    sides = [side for n in run for side in (n.left, n.right)]
    number = any(isinstance(x, A.Lit) and x.kind in ("int", "float") for x in sides)
    text = any(isinstance(x, A.Lit | A.Interp) and getattr(x, "kind", "str") == "str" for x in sides)
    return number and not text


def fix_plus_strings(ctx: Ctx) -> list[Fix]:
    """`"a" + b` -> `"a" ++ b` where the types show a String or list (a whole run `a + b + c` at once),
    and `"n = " ++ n` -> `"n = " ++ show n`."""
    program = ctx.checked.program
    if program is None:
        return []
    fixes: list[Fix] = []
    errors = [d for d in ctx.errors_with("type_mismatch") if d.span is not None]
    mixed = [d for d in errors if _about_text_and_numbers(d)]
    if mixed:
        wanted: set[str] = set()
        for d in mixed:
            wanted |= {str(d.data.get("definition", "")), str(d.data.get("callee", ""))}
        runs = [(name, run) for name, run in _chains(program) if (name in wanted or not wanted - {""})
                and not _surely_numbers(run)]
        reason = "strings and lists are joined with `++`; `+` adds numbers"
        # runs with a string or list literal first: they surely join text
        runs.sort(key=lambda r: not any(isinstance(side, A.Lit | A.ListLit | A.Interp) and
                                        getattr(side, "kind", "str") == "str"
                                        for n in r[1] for side in (n.left, n.right)))
        for _, run in runs:
            edits = [TextEdit(n.op_span.offset, n.op_span.end_offset, "++") for n in run]
            fixes.append(Fix("string_concat", reason, edits))
            if len(run) > 1:
                fixes += [Fix("string_concat", reason, [e]) for e in edits]
    for d in errors:
        found = str(d.data.get("found", ""))
        shown = found in ("Int", "Float", "Bool") or (d.data.get("operator") == "++" and d.data.get("expected") == "String"
                                                      and found != "String" and found)
        if shown and ("`++`" in d.message and (d.data.get("expected") == "String" or "joins Strings" in d.message)):
            text = ctx.source[d.span.offset:d.span.end_offset]  # type: ignore[union-attr]
            what = found if found in ("Int", "Float", "Bool") else "value"
            fixes.append(Fix("show_value", f"a {what} is turned into text with `show`",
                             [TextEdit(d.span.offset, d.span.end_offset, f"show {paren(text)}")]))  # type: ignore[union-attr]
        elif found in ("Int", "Float", "Bool") and d.data.get("expected") == "String" and d.data.get("argument"):
            fixes += _show_parameter(ctx, program, str(d.data.get("callee")), int(d.data["argument"]), found)
        if d.data.get("operator") == "++" and "joins Strings" not in d.message:
            fixes += _show_in_join(ctx, program, d)
        if d.data.get("argument") and d.data.get("callee"):
            fixes += _show_fields(ctx, program, d)
        if _about_text_and_numbers(d) and d.data.get("definition"):
            fixes += _show_text_runs(ctx, program, str(d.data["definition"]))
    return fixes


def _show_text_runs(ctx: Ctx, program: A.Program, definition: str) -> list[Fix]:
    """`\\(k, v) -> k ++ "=" ++ v` given numbers for `v`: a run that joins text gets `show` on every
    operand that is not text already (`show` leaves a String as it is), one run at a time."""
    decl = program.find(definition)
    if decl is None:
        return []
    fixes = []
    for eq in decl.equations:
        joins = [n for n in A.walk(eq.body) if isinstance(n, A.BinOp) and n.op == "++"]
        inner = {id(side) for n in joins for side in (n.left, n.right)}
        for run in (n for n in joins if id(n) not in inner):
            leaves = [e.expr if isinstance(e, A.Paren) else e for e in _join_leaves(run)]
            if not any(isinstance(e, A.Interp) or (isinstance(e, A.Lit) and e.kind == "str") for e in leaves):
                continue
            edits = [TextEdit(e.span.offset, e.span.end_offset,
                              f"show {paren(ctx.source[e.span.offset:e.span.end_offset])}")
                     for e in leaves if isinstance(e, A.Var | A.Field | A.App) and not _is_show(e)]
            if edits:
                fixes.append(Fix("show_value", "values joined to text are turned into text with `show`", edits))
    return fixes


_ARITHMETIC = ("+", "-", "*", "/", "%", "**")


def _join_leaves(node: object) -> list[object]:
    """The operands of a run of `++` (`a ++ b ++ c` -> a, b, c)."""
    if isinstance(node, A.BinOp) and node.op == "++":
        return _join_leaves(node.left) + _join_leaves(node.right)
    return [node]


def _show_in_join(ctx: Ctx, program: A.Program, d: Diagnostic) -> list[Fix]:
    """`x ++ " squared is " ++ x * x`: the join made `x` a String although it is a number. Every
    number in the run is shown: arithmetic, and names that arithmetic elsewhere in the definition
    uses; then arithmetic only."""
    s = d.span
    assert s is not None
    runs: list[tuple[A.BinOp, A.Expr]] = []
    for decl in program.funcs():
        for eq in decl.equations:
            joins = [n for n in A.walk(eq.body) if isinstance(n, A.BinOp) and n.op == "++"]
            inner = {id(side) for n in joins for side in (n.left, n.right)}
            runs += [(n, eq.body) for n in joins if id(n) not in inner
                     and n.span.offset <= s.offset and s.end_offset <= n.span.end_offset]
    if not runs:
        return []
    run, body = min(runs, key=lambda r: r[0].span.end_offset - r[0].span.offset)
    numeric_names = {side.name for n in A.walk(body) if isinstance(n, A.BinOp) and n.op in _ARITHMETIC
                     for side in (n.left, n.right) if isinstance(side, A.Var)}
    leaves = _join_leaves(run)

    def core(e: object) -> object:
        return e.expr if isinstance(e, A.Paren) else e

    arithmetic = [e for e in leaves if isinstance(core(e), A.BinOp) and core(e).op in _ARITHMETIC]  # type: ignore[union-attr]
    names = [e for e in leaves if isinstance(core(e), A.Var) and core(e).name in numeric_names]  # type: ignore[union-attr]
    # in a run that joins text every operand is a String, and `show` leaves a String as it is
    text = any(isinstance(core(e), A.Interp) or (isinstance(core(e), A.Lit) and core(e).kind == "str")  # type: ignore[union-attr]
               for e in leaves)
    shown = [e for e in leaves if text and not (isinstance(core(e), A.Interp | A.Lit) or _is_show(core(e)))]
    fixes = []
    reason = "a number is turned into text with `show` before it is joined"
    tried: set[tuple[int, ...]] = set()
    for chosen in (arithmetic + names, arithmetic, shown):
        key = tuple(sorted(id(e) for e in chosen))
        if chosen and key not in tried:
            tried.add(key)
            edits = [TextEdit(e.span.offset, e.span.end_offset,  # type: ignore[attr-defined]
                              f"show {paren(ctx.source[e.span.offset:e.span.end_offset])}")  # type: ignore[attr-defined]
                     for e in sorted(chosen, key=lambda e: e.span.offset)]  # type: ignore[attr-defined]
            fixes.append(Fix("show_value", reason, edits, f"join@{run.span.offset}"))
    return fixes


def _is_show(e: object) -> bool:
    return isinstance(e, A.App) and isinstance(e.fn, A.Var) and e.fn.name == "show"


_FIELD = re.compile(r"([a-z_][A-Za-z0-9_]*) : ([A-Z][A-Za-z0-9_]*)")


def _show_fields(ctx: Ctx, program: A.Program, d: Diagnostic) -> list[Fix]:
    """`describe p = p.name ++ " is " ++ p.age` called with `age = 3`: the joined Int field is shown."""
    expected = dict(_FIELD.findall(str(d.data.get("expected", ""))))
    found = dict(_FIELD.findall(str(d.data.get("found", ""))))
    numbers = {f for f, t in expected.items() if t == "String" and found.get(f) in ("Int", "Float", "Bool")}
    decl = program.find(str(d.data.get("callee")))
    if not numbers or decl is None:
        return []
    edits = []
    for eq in decl.equations:
        for node in A.walk(eq.body):
            if isinstance(node, A.BinOp) and node.op == "++":
                for side in (node.left, node.right):
                    if isinstance(side, A.Field) and side.name in numbers:
                        text = ctx.source[side.span.offset:side.span.end_offset]
                        edits.append(TextEdit(side.span.offset, side.span.end_offset, f"show {paren(text)}"))
    return [Fix("show_value", "a number field is turned into text with `show` before it is joined", edits)] if edits else []


def _show_parameter(ctx: Ctx, program: A.Program, callee: str, argument: int, found: str) -> list[Fix]:
    """`count n = n ++ " items"` called with a number: `show n` where the parameter is joined to text."""
    decl = program.find(callee)
    if decl is None:
        return []
    edits: list[TextEdit] = []
    for eq in decl.equations:
        if len(eq.params) < argument or not isinstance(eq.params[argument - 1], A.PVar):
            continue
        name = eq.params[argument - 1].name  # type: ignore[union-attr]
        for node in A.walk(eq.body):
            if isinstance(node, A.BinOp) and node.op == "++":
                for side in (node.left, node.right):
                    if isinstance(side, A.Var) and side.name == name:
                        edits.append(TextEdit(side.span.offset, side.span.end_offset, f"show {name}"))
    if not edits:
        return []
    return [Fix("show_value", f"a {found} is turned into text with `show`", edits)]


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


COMPARISONS = ("==", "!=", "<", ">", "<=", ">=")
_NUMERAL = re.compile(r"-?\d+(\.\d+)?")


def _numeral_string(e: object) -> str | None:
    if isinstance(e, A.Lit) and e.kind == "str" and isinstance(e.value, str) and _NUMERAL.fullmatch(e.value):
        return e.value
    return None


def fix_compare_types(ctx: Ctx) -> list[Fix]:
    """A number compared with a String: `n == "0"` -> `n == 0`, `s == 5` -> `s == "5"`, `n == s` -> `show n == s`.

    Type inference often reports the slip far away (`n == "0"` makes `n` a String, and `n / 2` then
    fails), so every comparison with a quoted number is a candidate while a type error remains."""
    program = ctx.checked.program
    if program is None or not ctx.errors_with("type_mismatch", "pattern_mismatch", "missing_impl"):
        return []
    compares = [n for op in COMPARISONS for n in _binops(program, op)]
    fixes: list[Fix] = []
    reason = "a number is compared with a number, not with its digits in quotes"
    quoted = [side for node in compares for side in (node.left, node.right) if _numeral_string(side) is not None]
    for side in quoted:  # first: the likelier slip, a number in quotes
        fixes.append(Fix("compare_types", reason, [TextEdit(side.span.offset, side.span.end_offset,
                                                            str(_numeral_string(side)))]))
    for d in ctx.errors_with("type_mismatch", contains="have different types"):
        if d.span is None:
            continue
        node = _operator_for(compares, d)
        if node is None:
            continue
        types = {str(d.data.get("expected", "")), str(d.data.get("found", ""))}
        if types != {"Int", "String"} and types != {"Float", "String"}:
            continue
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, A.Lit) and side.kind in ("int", "float") and not isinstance(other, A.Lit) \
                    and not quoted:
                text = ctx.source[side.span.offset:side.span.end_offset]
                fixes.append(Fix("compare_types", "a String is compared with a String: quote the literal",
                                 [TextEdit(side.span.offset, side.span.end_offset, f'"{text}"')], f"cmp@{node.span.offset}"))
        left_number = str(d.data.get("expected")) in ("Int", "Float")
        number_side = node.left if left_number else node.right
        if _numeral_string(node.left) is None and _numeral_string(node.right) is None \
                and not isinstance(number_side, A.Lit):
            text = ctx.source[number_side.span.offset:number_side.span.end_offset]
            fixes.append(Fix("show_value", "a number is turned into text with `show` to compare it with a String",
                             [TextEdit(number_side.span.offset, number_side.span.end_offset, f"show {paren(text)}")],
                             f"cmp@{node.span.offset}"))
    return fixes
