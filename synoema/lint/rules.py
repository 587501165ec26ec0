"""Review lints over the AST: each finding has a line, a severity, a message, a suggestion and, where
a mechanical rewrite exists, the text edits that perform it (verified later by running both programs).

Rules: hand-written map/filter/fold recursion, `? ->` chains that should be equations, missing
constructors (from the checker), unused parameters/locals/definitions, unguarded partial functions,
shadowing, needless parentheses, `x == true`, `? c -> true : false`, folds that are `sum`/`length`,
`length xs == 0`, and `++` chains of `show` that read better as interpolation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import ast as A
from ..api import CheckResult
from ..ast import unparen
from ..edits import TextEdit
from ..library import library_names
from ..parser import BINOPS
from .astinfo import call_parts, cond_chain, iter_funcs, library_call, mentions, op_chain, text

SEVERITY_RANK = {"error": 0, "warning": 1, "style": 2, "info": 3}
_ATOMS = (A.Var, A.Lit, A.Con, A.ListLit, A.Record, A.Range, A.ListComp, A.Paren, A.Interp, A.Pair)
_FOLD_OPS = ("+", "*", "&&", "||", "++")
_PARTIAL = {
    "head": "aborts on an empty list",
    "tail": "aborts on an empty list",
    "index": "aborts when the position is out of range",
    "unwrap": "aborts on an `Err`",
}


@dataclass
class Finding:
    rule: str
    line: int
    severity: str
    message: str
    suggestion: str = ""
    edits: list[TextEdit] = field(default_factory=list)
    snippet: str = ""
    applied: bool = False
    superseded: bool = False  # its rewrite overlaps one that was applied

    @property
    def rank(self) -> tuple[int, int]:
        return SEVERITY_RANK.get(self.severity, 9), self.line


@dataclass
class Ctx:
    source: str
    checked: CheckResult
    program: A.Program

    def t(self, node: object) -> str:
        return text(self.source, node)

    def indent_of(self, offset: int) -> str:
        start = self.source.rfind("\n", 0, offset) + 1
        return self.source[start:offset] if not self.source[start:offset].strip() else ""


def _is_local(e: A.Expr, name: str) -> bool:
    e = unparen(e)
    return isinstance(e, A.Var) and e.scope == "local" and e.name == name


def _uses_local(node: object, name: str) -> bool:
    return mentions(node, name, scope="local")


def _atomic(e: A.Expr) -> bool:
    return isinstance(e, _ATOMS) and not (isinstance(e, A.Lit) and isinstance(e.value, int | float) and e.value < 0)


def _wrap(ctx: Ctx, e: A.Expr) -> str:
    s = ctx.t(e)
    return s if _atomic(e) else f"({s})"


def _fresh(taken: set[str], base: str) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    return name


def _names_in(fd: A.FuncDef) -> set[str]:
    names: set[str] = set()
    for eq in fd.equations:
        for node in [*eq.params, eq.body]:
            for n in A.walk(node):
                if isinstance(n, A.Var | A.PVar):
                    names.add(n.name)
                elif isinstance(n, A.Block):
                    names |= {s.name for s in n.stmts if isinstance(s, A.Let | A.Bind)}
    return names


def _one_line(*parts: str) -> bool:
    return all("\n" not in p for p in parts)


# ── hand-written recursion that is map / filter / foldl ─────────────────────────────────────


@dataclass
class _ListRec:
    j: int  # position of the list parameter
    nil: A.Equation
    cons: A.Equation
    head: A.Pattern
    tail: str
    names: list[str]  # parameter names of the cons equation (tail name at j)


def _list_recursion(fd: A.FuncDef) -> _ListRec | None:
    if len(fd.equations) != 2 or fd.arity < 1:
        return None
    for j in range(fd.arity):
        eqs = fd.equations
        nil = next((e for e in eqs if isinstance(p := e.params[j], A.PList) and not p.items), None)
        cons = next((e for e in eqs if isinstance(e.params[j], A.PCons)), None)
        if nil is None or cons is None or nil is cons:
            continue
        pc = cons.params[j]
        assert isinstance(pc, A.PCons)
        if not isinstance(pc.tail, A.PVar) or not isinstance(pc.head, A.PVar | A.PWild):
            continue
        names: list[str] = []
        ok = True
        for i in range(fd.arity):
            if i == j:
                names.append(pc.tail.name)
                continue
            cp, np_ = cons.params[i], nil.params[i]
            if not isinstance(cp, A.PVar) or not (isinstance(np_, A.PWild) or (isinstance(np_, A.PVar) and np_.name == cp.name)):
                ok = False
                break
            names.append(cp.name)
        if ok:
            return _ListRec(j, nil, cons, pc.head, pc.tail.name, names)
    return None


def _is_rec_call(e: A.Expr, fd: A.FuncDef, rec: _ListRec, skip: int | None = None) -> bool:
    e = unparen(e)
    if not isinstance(e, A.App):
        return False
    fn = unparen(e.fn)
    if not (isinstance(fn, A.Var) and fn.name == fd.name and fn.scope == "global") or len(e.args) != fd.arity:
        return False
    for i, arg in enumerate(e.args):
        if i == skip:
            continue
        if not _is_local(arg, rec.names[i]):
            return False
    return True


def _clean(node: object, fd: A.FuncDef, rec: _ListRec) -> bool:
    """Does not mention the list's tail or the function itself."""
    return not _uses_local(node, rec.tail) and not mentions(node, fd.name, scope="global")


def _def_edit(ctx: Ctx, fd: A.FuncDef, rec: _ListRec, body: str) -> list[TextEdit]:
    name = ctx.source[fd.name_span.offset : fd.name_span.end_offset]
    line = f"{name} {' '.join(rec.names)} = {body}"
    if not _one_line(line):
        return []
    start = min(e.span.offset for e in fd.equations)
    end = max(e.span.end_offset for e in fd.equations)
    return [TextEdit(start, end, line)]


def _head_name(rec: _ListRec) -> str:
    return rec.head.name if isinstance(rec.head, A.PVar) else "_"


def lint_manual_recursion(ctx: Ctx, fd: A.FuncDef) -> Iterator[Finding]:
    rec = _list_recursion(fd)
    if rec is None:
        return
    nil_body = unparen(rec.nil.body)
    cons_body = unparen(rec.cons.body)
    x = _head_name(rec)
    xs = rec.tail
    found: tuple[str, str] | None = None  # (library function, body text)
    # map: f [] = []; f (x:xs) = g x : f xs
    if isinstance(nil_body, A.ListLit) and not nil_body.items:
        if isinstance(cons_body, A.BinOp) and cons_body.op == ":" and _is_rec_call(cons_body.right, fd, rec) \
                and _clean(cons_body.left, fd, rec):
            elem = unparen(cons_body.left)
            _fn, args = call_parts(elem)
            if (isinstance(elem, A.App) and len(args) == 1 and _is_local(args[0], x)
                    and not _uses_local(elem.fn, x)):
                found = ("map", f"map {_wrap(ctx, elem.fn)} {xs}")
            else:
                found = ("map", f"map (\\{x} -> {ctx.t(cons_body.left)}) {xs}")
        elif isinstance(cons_body, A.Cond):
            keep_then = isinstance(unparen(cons_body.then), A.BinOp)
            kept, dropped = (cons_body.then, cons_body.else_) if keep_then else (cons_body.else_, cons_body.then)
            kept = unparen(kept)
            if (isinstance(kept, A.BinOp) and kept.op == ":" and _is_local(kept.left, x)
                    and _is_rec_call(kept.right, fd, rec) and _is_rec_call(dropped, fd, rec)
                    and _clean(cons_body.cond, fd, rec)):
                cond = ctx.t(cons_body.cond)
                test = unparen(cons_body.cond)
                _fn, targs = call_parts(test)
                if keep_then and isinstance(test, A.App) and len(targs) == 1 and _is_local(targs[0], x) \
                        and not _uses_local(test.fn, x):
                    found = ("filter", f"filter {_wrap(ctx, test.fn)} {xs}")
                else:
                    pred = cond if keep_then else f"not ({cond})"
                    found = ("filter", f"filter (\\{x} -> {pred}) {xs}")
    # fold: f [] = z; f (x:xs) = e OP f xs
    if found is None and isinstance(cons_body, A.BinOp) and cons_body.op in _FOLD_OPS \
            and _is_rec_call(cons_body.right, fd, rec) and _clean(cons_body.left, fd, rec) \
            and not mentions(nil_body, fd.name, scope="global"):
        elem = unparen(cons_body.left)
        z = ctx.t(rec.nil.body)
        zero = isinstance(nil_body, A.Lit) and nil_body.kind == "int" and nil_body.value == 0
        empty = (isinstance(nil_body, A.Lit) and nil_body.kind == "str" and nil_body.value == "") or (
            isinstance(nil_body, A.ListLit) and not nil_body.items)
        if cons_body.op == "+" and zero and _is_local(elem, x):
            found = ("sum", f"sum {xs}")
        elif cons_body.op == "+" and zero and isinstance(elem, A.Lit) and elem.value == 1 and elem.kind == "int":
            found = ("length", f"length {xs}")
        elif cons_body.op != "++" or empty:
            acc = _fresh(_names_in(fd), "acc")
            found = ("foldl", f"foldl (\\{acc} {x} -> {acc} {cons_body.op} {_wrap(ctx, elem)}) {_wrap(ctx, rec.nil.body) if z else z} {xs}")
    # accumulator: f acc [] = acc; f acc (x:xs) = f (step) xs
    if found is None and isinstance(nil_body, A.Var) and nil_body.scope == "local":
        a = next((i for i, n in enumerate(rec.names) if i != rec.j and n == nil_body.name), None)
        if a is not None and isinstance(cons_body, A.App) and _is_rec_call(cons_body, fd, rec, skip=a) \
                and _clean(cons_body.args[a], fd, rec):
            acc = rec.names[a]
            found = ("foldl", f"foldl (\\{acc} {x} -> {ctx.t(unparen(cons_body.args[a]))}) {acc} {xs}")
    if found is None:
        return
    lib, body = found
    name = ctx.source[fd.name_span.offset : fd.name_span.end_offset]
    yield Finding(
        "manual-recursion",
        fd.span.line,
        "style",
        f"`{name}` walks the list by hand; it is `{lib}`.",
        f"`{name} {' '.join(rec.names)} = {body}`",
        _def_edit(ctx, fd, rec, body),
    )


# ── `? ->` chains that should be equations ───────────────────────────────────────────────────


def _test_against(cond: A.Expr, param: str) -> A.Expr | None:
    """`p == C` / `C == p` with C a literal or a nullary constructor: returns C."""
    cond = unparen(cond)
    if not (isinstance(cond, A.BinOp) and cond.op == "=="):
        return None
    for side, other in ((cond.left, cond.right), (cond.right, cond.left)):
        if _is_local(side, param):
            o = unparen(other)
            if isinstance(o, A.Con) or (isinstance(o, A.Lit) and o.kind in ("int", "str", "bool", "char")
                                        and not (isinstance(o.value, int | float) and o.value < 0)):
                return o
    return None


def _empty_test(cond: A.Expr, param: str) -> bool | None:
    """True for `xs == []`/`length xs == 0`, False for `xs != []`, None otherwise."""
    cond = unparen(cond)
    if not (isinstance(cond, A.BinOp) and cond.op in ("==", "!=")):
        return None
    for side, other in ((cond.left, cond.right), (cond.right, cond.left)):
        o = unparen(other)
        s = unparen(side)
        if _is_local(s, param) and isinstance(o, A.ListLit) and not o.items:
            return cond.op == "=="
        name, args = library_call(s)
        if name == "length" and len(args) == 1 and _is_local(args[0], param) and isinstance(o, A.Lit) and o.value == 0:
            return cond.op == "=="
    return None


def _replace_calls(ctx: Ctx, node: A.Expr, fn: str, param: str, new: str) -> tuple[str, bool]:
    """Text of `node` with every `fn param` call replaced by `new`; False if `param` is used otherwise."""
    calls = [n for n in A.walk(node) if isinstance(n, A.App) and library_call(n)[0] == fn
             and len(n.args) == 1 and _is_local(n.args[0], param)]
    covered = sum(1 for c in calls for v in A.walk(c) if isinstance(v, A.Var) and v.name == param)
    if covered != sum(1 for v in A.walk(node) if isinstance(v, A.Var) and v.name == param and v.scope == "local"):
        return "", False
    base = node.span.offset
    s = ctx.t(node)
    for c in sorted(calls, key=lambda c: c.span.offset, reverse=True):
        s = s[: c.span.offset - base] + new + s[c.span.end_offset - base :]
    return s, True


def _equations_text(ctx: Ctx, fd: A.FuncDef, rows: list[tuple[list[str], str]]) -> str:
    name = ctx.source[fd.name_span.offset : fd.name_span.end_offset]
    indent = ctx.indent_of(fd.equations[0].span.offset)
    lines = [f"{name} {' '.join(params)} = {body}" for params, body in rows]
    return ("\n" + indent).join(lines)


def lint_cond_chain(ctx: Ctx, fd: A.FuncDef) -> Iterator[Finding]:
    if len(fd.equations) != 1 or fd.arity < 1:
        return
    eq = fd.equations[0]
    if not all(isinstance(p, A.PVar) for p in eq.params):
        return
    params = [p.name for p in eq.params if isinstance(p, A.PVar)]
    body = unparen(eq.body)
    branches, default = cond_chain(body)
    if not branches:
        return
    name = ctx.source[fd.name_span.offset : fd.name_span.end_offset]
    edit_range = (eq.span.offset, eq.span.end_offset)
    for pi, p in enumerate(params):
        tests = [_test_against(c, p) for c, _ in branches]
        if all(t is not None for t in tests) and (len(tests) >= 2 or isinstance(tests[0], A.Con)):
            values = [ctx.t(t) for t in tests]
            edits: list[TextEdit] = []
            if len(set(values)) == len(values) and not any(_uses_local(then, p) for _, then in branches):
                rows = [([v if i == pi else q for i, q in enumerate(params)], ctx.t(then))
                        for v, (_, then) in zip(values, branches)]
                last = params if _uses_local(default, p) else ["_" if i == pi else q for i, q in enumerate(params)]
                rows.append((last, ctx.t(default)))
                new = _equations_text(ctx, fd, rows)
                if all(_one_line(r[1]) for r in rows):
                    edits = [TextEdit(*edit_range, new)]
            kind = "constructors" if any(isinstance(t, A.Con) for t in tests) else "values"
            yield Finding(
                "cond-to-equations", eq.span.line, "style",
                f"`{name}` compares `{p}` against {kind} in a `? ->` chain; pattern equations say it directly.",
                f"one equation per case: `{name} {' '.join(values[0] if i == pi else q for i, q in enumerate(params))} = ...`",
                edits,
            )
            return
    if len(branches) != 1:
        return
    cond, then = branches[0]
    for pi, p in enumerate(params):
        lib, args = library_call(unparen(cond))
        if lib in ("is_ok", "is_err") and len(args) == 1 and _is_local(args[0], p):
            ok_branch, err_branch = (then, default) if lib == "is_ok" else (default, then)
            v = _fresh(_names_in(fd), "v")
            ok_text, clean = _replace_calls(ctx, ok_branch, "unwrap", p, v)
            edits = []
            if clean and not _uses_local(err_branch, p) and _one_line(ok_text, ctx.t(err_branch)):
                rows = [([f"(Ok {v})" if i == pi else q for i, q in enumerate(params)], ok_text),
                        (["(Err _)" if i == pi else q for i, q in enumerate(params)], ctx.t(err_branch))]
                edits = [TextEdit(*edit_range, _equations_text(ctx, fd, rows))]
            yield Finding(
                "cond-to-equations", eq.span.line, "style",
                f"`{name}` tests `{lib} {p}` and then unwraps it; match `(Ok v)` and `(Err e)` in equations instead.",
                f"`{name} (Ok v) = ...` and `{name} (Err e) = ...` (or `unwrap_or default {p}`)",
                edits,
            )
            return
        empty = _empty_test(cond, p)
        if empty is not None:
            empty_branch, full_branch = (then, default) if empty else (default, then)
            taken = _names_in(fd)
            h, t = _fresh(taken, "x"), _fresh(taken, "rest")
            full_text, clean = _replace_head_tail(ctx, full_branch, p, h, t)
            edits = []
            if clean and not _uses_local(empty_branch, p) and _one_line(full_text, ctx.t(empty_branch)):
                ph = h if re.search(rf"(?<![\w.]){h}(?!\w)", full_text) else "_"
                pt = t if re.search(rf"(?<![\w.]){t}(?!\w)", full_text) else "_"
                rows = [(["[]" if i == pi else q for i, q in enumerate(params)], ctx.t(empty_branch)),
                        ([f"({ph}:{pt})" if i == pi else q for i, q in enumerate(params)], full_text)]
                edits = [TextEdit(*edit_range, _equations_text(ctx, fd, rows))]
            yield Finding(
                "cond-to-equations", eq.span.line, "style",
                f"`{name}` tests whether `{p}` is empty in a `? ->`; equations for `[]` and `(x:rest)` say it directly.",
                f"`{name} [] = ...` and `{name} (x:rest) = ...`",
                edits,
            )
            return


def _replace_head_tail(ctx: Ctx, node: A.Expr, param: str, h: str, t: str) -> tuple[str, bool]:
    """Text of `node` with `head param` -> h and `tail param` -> t; False if `param` is used otherwise."""
    calls = [n for n in A.walk(node) if isinstance(n, A.App) and library_call(n)[0] in ("head", "tail")
             and len(n.args) == 1 and _is_local(n.args[0], param)]
    uses = sum(1 for v in A.walk(node) if isinstance(v, A.Var) and v.name == param and v.scope == "local")
    if uses != len(calls):
        return "", False
    wrapped = {id(p.expr): p for p in A.walk(node) if isinstance(p, A.Paren)}
    base = node.span.offset
    s = ctx.t(node)
    for c in sorted(calls, key=lambda c: c.span.offset, reverse=True):
        new = h if library_call(c)[0] == "head" else t
        span = wrapped[id(c)].span if id(c) in wrapped else c.span
        s = s[: span.offset - base] + new + s[span.end_offset - base :]
    return s, True


# ── expression-level idioms ──────────────────────────────────────────────────────────────────


def _expr_roots(program: A.Program) -> Iterator[tuple[A.FuncDef, A.Equation]]:

    for fd in iter_funcs(program.decls):
        for eq in fd.equations:
            yield fd, eq


def lint_expressions(ctx: Ctx) -> Iterator[Finding]:
    for _fd, eq in _expr_roots(ctx.program):
        consumed: set[int] = set()
        for n in A.walk(eq.body):
            if isinstance(n, A.BinOp):
                yield from _bool_compare(ctx, n)
                yield from _length_zero(ctx, n)
                if n.op == "++" and id(n) not in consumed:
                    for inner in A.walk(n):
                        if isinstance(inner, A.BinOp) and inner.op == "++":
                            consumed.add(id(inner))
                    yield from _interpolation(ctx, n)
            elif isinstance(n, A.Cond):
                yield from _cond_bool(ctx, n)
            elif isinstance(n, A.Record):
                yield from _record_copy(ctx, n)
            elif isinstance(n, A.App):
                yield from _fold_sum(ctx, n)


def _bool_compare(ctx: Ctx, n: A.BinOp) -> Iterator[Finding]:
    if n.op not in ("==", "!="):
        return
    for side, other in ((n.left, n.right), (n.right, n.left)):
        lit = unparen(side)
        if isinstance(lit, A.Lit) and lit.kind == "bool":
            positive = (lit.value is True) == (n.op == "==")
            new = ctx.t(other) if positive else f"not {_wrap(ctx, other)}"
            yield Finding("bool-compare", n.span.line, "style",
                          f"comparing with `{ctx.t(lit)}` is redundant.", f"`{new}`",
                          [TextEdit(n.span.offset, n.span.end_offset, new)], ctx.t(n))
            return


def _cond_bool(ctx: Ctx, n: A.Cond) -> Iterator[Finding]:
    then, else_ = unparen(n.then), unparen(n.else_)
    if isinstance(then, A.Lit) and isinstance(else_, A.Lit) and then.kind == else_.kind == "bool" \
            and then.value != else_.value:
        new = ctx.t(n.cond) if then.value is True else f"not ({ctx.t(n.cond)})"
        yield Finding("cond-bool", n.span.line, "style",
                      "a conditional that returns `true`/`false` is its condition.", f"`{new}`",
                      [TextEdit(n.span.offset, n.span.end_offset, new)] if _one_line(new) else [], ctx.t(n))


def _record_copy(ctx: Ctx, n: A.Record) -> Iterator[Finding]:
    """`{name = p.name, age = p.age + 1}`: fields copied one by one from the same record."""
    copied: list[str] = []
    bases: set[str] = set()
    changed: list[A.RecordField] = []
    for f in n.fields:
        v = unparen(f.value)
        if isinstance(v, A.Field) and v.name == f.name and isinstance(unparen(v.expr), A.Var):
            copied.append(f.name)
            bases.add(ctx.t(unparen(v.expr)))
        else:
            changed.append(f)
    if len(bases) != 1 or not copied or not changed:
        return
    base = next(iter(bases))
    new = "{..." + base + ", " + ", ".join(ctx.t(f) for f in changed) + "}"
    if not _one_line(new):
        return
    yield Finding("record-update", n.span.line, "style",
                  f"{len(copied)} field{'s are' if len(copied) > 1 else ' is'} copied one by one from `{base}`; "
                  "record update copies them all.", f"`{new}`",
                  [TextEdit(n.span.offset, n.span.end_offset, new)], ctx.t(n))


def _fold_sum(ctx: Ctx, n: A.App) -> Iterator[Finding]:
    name, args = library_call(n)
    if name != "foldl" or len(args) not in (2, 3):
        return
    fn, init = unparen(args[0]), unparen(args[1])
    if not (isinstance(fn, A.Lambda) and len(fn.params) == 2 and isinstance(init, A.Lit) and init.kind == "int"
            and init.value == 0):
        return
    a, b = fn.params
    body = unparen(fn.body)
    if not (isinstance(a, A.PVar) and isinstance(body, A.BinOp) and body.op == "+"):
        return
    lib = None
    sides = (unparen(body.left), unparen(body.right))
    if isinstance(b, A.PVar) and {(_is_local(s, a.name), _is_local(s, b.name)) for s in sides} == {(True, False), (False, True)}:
        lib = "sum"
    elif any(_is_local(s, a.name) for s in sides) and any(
            isinstance(s, A.Lit) and s.kind == "int" and s.value == 1 for s in sides) and (
            isinstance(b, A.PWild) or not _uses_local(fn.body, b.name if isinstance(b, A.PVar) else "")):
        lib = "length"
    if lib is None:
        return
    new = lib + (f" {ctx.t(args[2])}" if len(args) == 3 else "")
    yield Finding("fold-is-library", n.span.line, "style", f"this fold is `{lib}`.", f"`{new}`",
                  [TextEdit(n.span.offset, n.span.end_offset, new)], ctx.t(n))


def _length_zero(ctx: Ctx, n: A.BinOp) -> Iterator[Finding]:
    for side, other, flipped in ((n.left, n.right, False), (n.right, n.left, True)):
        name, args = library_call(unparen(side))
        o = unparen(other)
        if name != "length" or len(args) != 1 or not (isinstance(o, A.Lit) and o.kind == "int" and o.value == 0):
            continue
        op = n.op
        if flipped:
            op = {"<": ">", ">": "<"}.get(op, op)
        if op == "==":
            new = f"{ctx.t(args[0])} == []"
        elif op in ("!=", ">"):
            new = f"{ctx.t(args[0])} != []"
        else:
            return
        yield Finding("length-zero", n.span.line, "style",
                      "`length` walks the whole list just to compare with 0.", f"`{new}`",
                      [TextEdit(n.span.offset, n.span.end_offset, new)], ctx.t(n))
        return


def _str_body(ctx: Ctx, e: A.Expr) -> str | None:
    """The inside of a string literal or interpolated string, as written (escapes kept)."""
    raw = ctx.t(e)
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return raw[1:-1]
    return None


def _interpolation(ctx: Ctx, n: A.BinOp) -> Iterator[Finding]:
    parts = op_chain(n, "++")
    if len(parts) < 3:
        return
    literal = any(isinstance(unparen(p), A.Lit) and unparen(p).kind == "str" for p in parts)  # type: ignore[union-attr]
    shows = [p for p in parts if library_call(unparen(p))[0] == "show"]
    if not literal or not shows:
        return
    out: list[str] = []
    for p in parts:
        q = unparen(p)
        if (isinstance(q, A.Lit) and q.kind == "str") or isinstance(q, A.Interp):
            inner = _str_body(ctx, q)
            if inner is None:
                return
            out.append(inner)
            continue
        name, args = library_call(q)
        target = unparen(args[0]) if name == "show" and len(args) == 1 else q
        out.append("${" + ctx.t(target) + "}")
    new = '"' + "".join(out) + '"'
    if not _one_line(new):
        return
    yield Finding("interpolation", n.span.line, "style",
                  f"{len(parts) - 1} `++` with `show` build this string; interpolation is shorter.", f"`{new}`",
                  [TextEdit(n.span.offset, n.span.end_offset, new)], ctx.t(n))


# ── needless parentheses ─────────────────────────────────────────────────────────────────────


def _parents(root: object) -> dict[int, object]:
    parent: dict[int, object] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        for c in A.children(node):
            parent[id(c)] = node
            stack.append(c)
    return parent


def _binds_tighter(inner: A.Expr, outer: A.BinOp) -> bool:
    if isinstance(inner, A.App | A.Field):
        return True
    if isinstance(inner, A.BinOp) and inner.op in BINOPS and outer.op in BINOPS:
        return min(BINOPS[inner.op]) > max(BINOPS[outer.op])
    return False


def _needless(inner: A.Expr, parent: object | None) -> bool:
    if isinstance(inner, A.Neg) or (isinstance(inner, A.Lit) and isinstance(inner.value, int | float)
                                    and not isinstance(inner.value, bool) and inner.value < 0):
        return False
    if isinstance(inner, _ATOMS) and not isinstance(inner, A.Field):
        return True
    if parent is None or isinstance(parent, A.Block | A.Lambda | A.Interp):
        return not isinstance(inner, A.Prop | A.When)
    if isinstance(parent, A.BinOp):
        return _binds_tighter(inner, parent)
    return False


def lint_parens(ctx: Ctx) -> Iterator[Finding]:
    for _fd, eq in _expr_roots(ctx.program):
        parents = _parents(eq.body)
        for n in A.walk(eq.body):
            if not isinstance(n, A.Paren):
                continue
            parent = parents.get(id(n))
            if isinstance(parent, A.Cond) and n is parent.cond:
                parent = None
            elif isinstance(parent, A.Cond):
                continue
            raw = ctx.t(n)
            if "\n" in raw or not _needless(n.expr, parent):
                continue
            inner = ctx.t(n.expr)
            yield Finding("needless-parens", n.span.line, "style", "these parentheses change nothing.",
                          f"`{inner}`", [TextEdit(n.span.offset, n.span.end_offset, inner)], raw)


# ── names: unused, shadowing ─────────────────────────────────────────────────────────────────


@dataclass
class _Binding:
    name: str
    kind: str  # parameter | lambda parameter | local | bind | generator
    node: object
    line: int
    uses: int = 0


class _Scopes:
    """Walks an equation with lexical scopes, counting uses of each binding and noting shadowing."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.stack: list[dict[str, _Binding]] = []
        self.bindings: list[_Binding] = []
        self.findings: list[Finding] = []

    def lookup(self, name: str) -> _Binding | None:
        for scope in reversed(self.stack):
            if name in scope:
                return scope[name]
        return None

    def bind(self, name: str, kind: str, node: object, line: int, shadow_check: bool = True) -> None:
        outer = self.lookup(name)
        if shadow_check and outer is not None:
            self.findings.append(Finding(
                "shadowing", line, "warning",
                f"the {kind} `{name}` hides the {outer.kind} `{name}` from line {outer.line}.",
                "use a different name so both stay visible"))
        elif shadow_check and name in library_names():
            self.findings.append(Finding(
                "shadowing", line, "warning",
                f"the {kind} `{name}` hides the library function `{name}`.",
                f"rename it (e.g. `{name}_val` or a more specific name)"))
        b = _Binding(name, kind, node, line)
        self.stack[-1][name] = b
        self.bindings.append(b)

    def bind_pattern(self, p: A.Pattern, kind: str) -> None:
        for v in A.pattern_vars(p):
            self.bind(v.name, kind, v, v.span.line)

    def visit(self, e: object) -> None:
        match e:
            case A.Var(scope="local"):
                b = self.lookup(e.name)
                if b is not None:
                    b.uses += 1
            case A.Lambda():
                self.stack.append({})
                for p in e.params:
                    self.bind_pattern(p, "lambda parameter")
                self.visit(e.body)
                self.stack.pop()
            case A.Block():
                depth = len(self.stack)
                self.stack.append({})
                for st in e.stmts:
                    if isinstance(st, A.Let | A.Bind):
                        self.visit(st.value)  # a local cannot see its own name
                        self.stack.append({})
                        self.bind(st.name, "local" if isinstance(st, A.Let) else "bind", st, st.span.line)
                    else:
                        self.visit(st.expr)
                self.visit(e.result)
                del self.stack[depth:]
            case A.ListComp():
                depth = len(self.stack)
                self.stack.append({})
                for q in e.quals:
                    if isinstance(q, A.Generator):
                        self.visit(q.source)
                        self.stack.append({})
                        self.bind_pattern(q.pattern, "generator variable")
                    else:
                        self.visit(q.cond)
                self.visit(e.body)
                del self.stack[depth:]
            case _:
                for c in A.children(e):
                    self.visit(c)


def _delete_line_edit(ctx: Ctx, node: A.Let) -> list[TextEdit]:
    start = ctx.source.rfind("\n", 0, node.span.offset) + 1
    end = ctx.source.find("\n", node.span.end_offset)
    end = len(ctx.source) if end < 0 else end + 1
    if ctx.source[start : node.span.offset].strip() or ctx.source[node.span.end_offset : end].strip():
        return []
    return [TextEdit(start, end, "")]


def lint_names(ctx: Ctx) -> Iterator[Finding]:

    funcs = iter_funcs(ctx.program.decls)
    for fd in funcs:
        shown = ctx.source[fd.name_span.offset : fd.name_span.end_offset]
        if shown in library_names():
            yield Finding("shadowing", fd.span.line, "warning",
                          f"the definition `{shown}` replaces the library function `{shown}` in this file.",
                          "give it another name")
        for eq in fd.equations:
            scopes = _Scopes(ctx)
            scopes.stack.append({})
            for p in eq.params:
                scopes.bind_pattern(p, "parameter")
            scopes.visit(eq.body)
            yield from scopes.findings
            for b in scopes.bindings:
                if b.uses or b.name.startswith("_"):
                    continue
                if b.kind in ("parameter", "lambda parameter", "generator variable") and isinstance(b.node, A.PVar):
                    yield Finding("unused", b.line, "style", f"the {b.kind} `{b.name}` is never used.",
                                  "write `_` for a value you ignore",
                                  [TextEdit(b.node.span.offset, b.node.span.end_offset, "_")], b.name)
                elif b.kind == "local" and isinstance(b.node, A.Let):
                    yield Finding("unused", b.line, "style", f"the local `{b.name}` is never used.",
                                  "remove the line", _delete_line_edit(ctx, b.node), ctx.t(b.node))
                elif b.kind == "bind":
                    yield Finding("unused", b.line, "info", f"the result of `{b.name} <- ...` is never used.",
                                  "run the action as a statement on its own line")
    yield from _unused_definitions(ctx, funcs)


def _unused_definitions(ctx: Ctx, funcs: list[A.FuncDef]) -> Iterator[Finding]:
    names = {fd.name for fd in funcs}
    if "main" not in names:
        return  # a library: its functions are meant to be used elsewhere
    used: set[str] = set()
    roots: list[object] = [eq.body for fd in funcs for eq in fd.equations]
    roots += [t.body for t in ctx.program.decls if isinstance(t, A.TestDecl)]
    for root in roots:
        for n in A.walk(root):
            if isinstance(n, A.Var) and n.scope == "global":
                used.add(n.name)
    module_members = {m.name for d in ctx.program.decls if isinstance(d, A.ModuleDecl) for m in d.body
                      if isinstance(m, A.FuncDef)}
    impl_methods = {id(m) for d in ctx.program.decls if isinstance(d, A.ImplDecl) for m in d.methods}
    for fd in funcs:
        if fd.name == "main" or fd.name in used or fd.name in module_members or id(fd) in impl_methods:
            continue
        start = fd.sig.span.offset if fd.sig is not None and fd.sig.span.offset < fd.span.offset else fd.span.offset
        end = max(e.span.end_offset for e in fd.equations)
        nl = ctx.source.find("\n", end)
        end = len(ctx.source) if nl < 0 else nl + 1
        while ctx.source[end : end + 1] == "\n":
            end += 1
        edits = [TextEdit(start, end, "")] if ctx.source.rfind("\n", 0, start) + 1 == start else []
        yield Finding("unused", fd.span.line, "info", f"`{fd.name}` is defined but never used.",
                      "remove it (or use it)", edits, fd.name)


# ── partial functions ────────────────────────────────────────────────────────────────────────


Fact = tuple[A.Expr, bool]
"""A condition known to hold (True) or to be false (False) where an expression is evaluated."""


def _same(ctx: Ctx, e: A.Expr, arg: str) -> bool:
    return ctx.t(unparen(e)) == arg


def _nonempty_when(ctx: Ctx, cond: A.Expr, arg: str) -> tuple[bool, bool]:
    """(list `arg` is non-empty when `cond` is true, ... when it is false)."""
    c = unparen(cond)
    name, args = library_call(c)
    if name == "not" and len(args) == 1:
        t, f = _nonempty_when(ctx, args[0], arg)
        return f, t
    if isinstance(c, A.BinOp) and c.op in ("&&", "||"):
        lt, lf = _nonempty_when(ctx, c.left, arg)
        rt, rf = _nonempty_when(ctx, c.right, arg)
        return (lt or rt, lf and rf) if c.op == "&&" else (lt and rt, lf or rf)
    if not (isinstance(c, A.BinOp) and c.op in ("==", "!=", "<", ">", "<=", ">=")):
        return False, False
    left, right, op = unparen(c.left), unparen(c.right), c.op
    if isinstance(left, A.Lit | A.ListLit) and not isinstance(right, A.Lit | A.ListLit):
        left, right = right, left
        op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
    if isinstance(right, A.ListLit) and not right.items and _same(ctx, left, arg) and op in ("==", "!="):
        return (False, True) if op == "==" else (True, False)
    lname, largs = library_call(left)
    if lname == "length" and len(largs) == 1 and _same(ctx, largs[0], arg) and isinstance(right, A.Lit) \
            and right.kind == "int" and isinstance(right.value, int):
        k = right.value
        holds = {"==": k > 0, "!=": k == 0, ">": k >= 0, ">=": k >= 1, "<": False, "<=": False}[op]
        fails = {"==": k == 0, "!=": k > 0, ">": False, ">=": False, "<": k >= 1, "<=": k >= 0}[op]
        return holds, fails
    return False, False


def _ok_when(ctx: Ctx, cond: A.Expr, arg: str) -> tuple[bool, bool]:
    """(Result `arg` is Ok when `cond` is true, ... when it is false)."""
    c = unparen(cond)
    name, args = library_call(c)
    if name == "not" and len(args) == 1:
        t, f = _ok_when(ctx, args[0], arg)
        return f, t
    if isinstance(c, A.BinOp) and c.op in ("&&", "||"):
        lt, lf = _ok_when(ctx, c.left, arg)
        rt, rf = _ok_when(ctx, c.right, arg)
        return (lt or rt, lf and rf) if c.op == "&&" else (lt and rt, lf or rf)
    if name in ("is_ok", "is_err") and len(args) == 1 and _same(ctx, args[0], arg):
        return (True, False) if name == "is_ok" else (False, True)
    return False, False


def _guarded(ctx: Ctx, fn: str, call: A.App, facts: list[Fact]) -> bool:
    _name, args = library_call(call)
    if fn == "index" and len(args) == 2:
        pos, xs = ctx.t(unparen(args[0])), ctx.t(unparen(args[1]))
        pat_pos = re.compile(rf"(?<![\w.]){re.escape(pos)}(?![\w])")
        return any("length" in ctx.t(c) and xs in ctx.t(c) and pat_pos.search(ctx.t(c)) for c, _ in facts)
    arg = ctx.t(unparen(args[0]))
    check = _ok_when if fn == "unwrap" else _nonempty_when
    return any(check(ctx, cond, arg)[0 if holds else 1] for cond, holds in facts)


def _safe_arg(e: A.Expr) -> bool:
    e = unparen(e)
    if isinstance(e, A.ListLit) and e.items:
        return True
    name, _args = call_parts(e)
    return name == "Ok" or isinstance(e, A.Range)


def _earlier_patterns_guard(fd: A.FuncDef, eq: A.Equation, arg: A.Expr, fn: str) -> bool:
    arg = unparen(arg)
    if not (isinstance(arg, A.Var) and arg.scope == "local"):
        return False
    pos = next((i for i, p in enumerate(eq.params) if isinstance(p, A.PVar) and p.name == arg.name), None)
    if pos is None:
        return False
    for earlier in fd.equations:
        if earlier is eq:
            break
        p = earlier.params[pos]
        if fn in ("head", "tail", "index") and isinstance(p, A.PList) and not p.items:
            return True
        if fn == "unwrap" and isinstance(p, A.PCon) and p.name == "Err":
            return True
    return False


def lint_partial(ctx: Ctx) -> Iterator[Finding]:
    for fd, eq in _expr_roots(ctx.program):
        found: list[Finding] = []

        def visit(e: object, facts: list[Fact], fd: A.FuncDef = fd, eq: A.Equation = eq,
                  found: list[Finding] = found) -> None:
            if isinstance(e, A.Cond):
                visit(e.cond, facts)
                visit(e.then, [*facts, (e.cond, True)])
                visit(e.else_, [*facts, (e.cond, False)])
                return
            if isinstance(e, A.BinOp) and e.op in ("&&", "||"):
                visit(e.left, facts)
                visit(e.right, [*facts, (e.left, e.op == "&&")])
                return
            if isinstance(e, A.App):
                name, args = library_call(e)
                if name in _PARTIAL and args and (name != "index" or len(args) == 2):
                    target = args[-1] if name == "index" else args[0]
                    if not (_safe_arg(target) or _guarded(ctx, name, e, facts)
                            or _earlier_patterns_guard(fd, eq, target, name)):
                        found.append(_partial_finding(ctx, e, name, target))
            for c in A.children(e):
                visit(c, facts)

        visit(eq.body, [])
        seen: set[tuple[int, str]] = set()
        for f in found:
            if (f.line, f.message) not in seen:
                seen.add((f.line, f.message))
                yield f


def _partial_finding(ctx: Ctx, call: A.App, name: str, target: A.Expr) -> Finding:
    arg = ctx.t(unparen(target))
    wrapped = _wrap(ctx, unparen(target))
    fixes = {
        "head": f"match `(x:_)` in an equation with a `[]` case, or test `{arg} == []` first",
        "tail": f"match `(_:rest)` in an equation with a `[]` case, or test `{arg} == []` first",
        "index": f"test the position against `length {wrapped}` first",
        "unwrap": f"`unwrap_or default {wrapped}`, or equations for `(Ok v)` and `(Err e)`",
    }
    return Finding("partial-function", call.span.line, "warning",
                   f"`{name}` {_PARTIAL[name]} and nothing here guards {inline_code(arg)}.", fixes[name],
                   snippet=ctx.t(call))


def inline_code(s: str) -> str:
    return f"`{s}`" if "`" not in s and "\n" not in s and len(s) <= 40 else "its argument"


# ── from the checker ─────────────────────────────────────────────────────────────────────────


def lint_checker(ctx: Ctx) -> Iterator[Finding]:
    for d in ctx.checked.diagnostics:
        if d.code == "non_exhaustive":
            missing = d.data.get("missing") if isinstance(d.data, dict) else None
            definition = d.data.get("definition") if isinstance(d.data, dict) else None
            if isinstance(missing, list) and missing and isinstance(definition, str):
                sugg = f"add `{definition} {missing[0]} = ...`" + (" (and the other missing cases)" if len(missing) > 1 else "") \
                    + f" or a catch-all `{definition} _ = ...`"
            else:
                sugg = d.llm_hint or "add the missing equations"
            yield Finding("missing-case", d.line, "warning", d.message, sugg)
        elif not d.is_error:
            yield Finding(d.code, d.line, "info", d.message, d.llm_hint or "")


def lint(source: str, checked: CheckResult) -> list[Finding]:
    """All findings for a program that compiles, most serious first."""
    program = checked.program
    if program is None:
        return []

    ctx = Ctx(source, checked, program)
    findings: list[Finding] = []
    findings += lint_checker(ctx)
    findings += lint_partial(ctx)
    for fd in iter_funcs(program.decls):
        findings += lint_manual_recursion(ctx, fd)
        findings += lint_cond_chain(ctx, fd)
    findings += lint_expressions(ctx)
    findings += lint_names(ctx)
    findings += lint_parens(ctx)
    findings.sort(key=lambda f: f.rank)
    return findings
