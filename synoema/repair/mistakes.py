"""Inject the mistakes models make into correct programs (for the repair benchmark and tests).

Each injector reads the program's AST and returns text edits on the ORIGINAL source, so several
mistakes can be combined when their regions do not overlap. The variants look like what a model
trained on Python or Haskell writes: `[1, 2]`, `if c then a else b`, `def f(x): return ...`,
`let ... in`, `where`, `case ... of`, `x -> e`, `// comments`, `"a" + "b"`, `xs[i]`, `len`,
`f x:xs = ...`, `f(a, b)`, and a bare expression instead of `main = ...`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .. import ast as A
from ..edits import TextEdit, apply_edits
from ..parser import parse
from ..stdlib import BUILTINS

_T = TypeVar("_T")

Injector = Callable[["Program", random.Random], list[TextEdit] | None]


@dataclass
class Program:
    source: str
    ast: A.Program

    def text(self, node: object) -> str:
        s = node.span  # type: ignore[attr-defined]
        return self.source[s.offset:s.end_offset]

    def nodes(self, kind: type[_T]) -> list[_T]:
        out: list[_T] = []
        for d in self.ast.decls:
            if isinstance(d, A.FuncDef):
                for eq in d.equations:
                    out += [n for n in A.walk(eq.body) if isinstance(n, kind)]
                    for p in eq.params:
                        out += [n for n in A.walk(p) if isinstance(n, kind)]
        return out

    def single_line(self, node: object) -> bool:
        s = node.span  # type: ignore[attr-defined]
        return s.line == s.end_line


def load(source: str) -> Program | None:
    parsed = parse(source)
    return Program(source, parsed.program) if parsed.ok else None


def _pick(rng: random.Random, items: list[_T]) -> _T | None:
    return rng.choice(items) if items else None


# ── the injectors ────────────────────────────────────────────────────────────────────────────


def list_commas(p: Program, rng: random.Random) -> list[TextEdit] | None:
    lists = [n for n in p.nodes(A.ListLit) if len(n.items) >= 2 and p.single_line(n)]
    node = _pick(rng, lists)
    if node is None:
        return None
    parts = []
    for item in node.items:
        t = p.text(item)
        if isinstance(item, A.Paren) and rng.random() < 0.5 and not isinstance(item.expr, A.Lambda | A.Cond):
            t = p.text(item.expr)
        elif isinstance(item, A.Neg) and isinstance(item.expr, A.Lit):
            t = "-" + p.text(item.expr)
        parts.append(t)
    return [TextEdit(node.span.offset, node.span.end_offset, "[" + ", ".join(parts) + "]")]


def if_then_else(p: Program, rng: random.Random) -> list[TextEdit] | None:
    conds = [n for n in p.nodes(A.Cond) if p.single_line(n)]
    node = _pick(rng, conds)
    if node is None:
        return None
    c, a, b = p.text(node.cond), p.text(node.then), p.text(node.else_)
    style = rng.random()
    line_start = p.source.rfind("\n", 0, node.span.offset) + 1
    alone = not p.source[line_start:node.span.offset].strip()  # the conditional starts its line
    if style < 0.25 and alone:
        ind = " " * (node.span.offset - line_start)
        new = f"if {c}\n{ind}  then {a}\n{ind}  else {b}"
    elif style < 0.45 and not isinstance(node.else_, A.Cond) and isinstance(node.then, A.Lit | A.Var):
        new = f"{a} if {c} else {b}"  # Python's conditional expression
    else:
        new = f"if {c} then {a} else {b}"
    return [TextEdit(node.span.offset, node.span.end_offset, new)]


def _simple_defs(p: Program) -> list[A.FuncDef]:
    return [d for d in p.ast.funcs() if len(d.equations) == 1 and d.arity > 0 and d.sig is None
            and all(isinstance(q, A.PVar) for q in d.equations[0].params) and d.name != "main"]


def def_return(p: Program, rng: random.Random) -> list[TextEdit] | None:
    d = _pick(rng, [d for d in _simple_defs(p) if "--" not in p.text(d)])
    if d is None:
        return None
    eq = d.equations[0]
    names = [q.name for q in eq.params if isinstance(q, A.PVar)]  # all of them (`_simple_defs`)
    params = ", ".join(names)
    body = eq.body
    if isinstance(body, A.Block) and not body.where_style and all(
            isinstance(st, A.Let) and p.single_line(st) for st in body.stmts) and p.single_line(body.result):
        lines = [f"    {p.text(st)}" for st in body.stmts] + [f"    return {p.text(body.result)}"]
        new = f"def {d.name}({params}):\n" + "\n".join(lines)
    elif p.single_line(body):
        if rng.random() < 0.3:
            new = f"def {' '.join([d.name, *names])} = {p.text(body)}"
        else:
            new = f"def {d.name}({params}):\n    return {p.text(body)}"
    else:
        return None
    return [TextEdit(d.span.offset, d.span.end_offset, new)]


def _block_defs(p: Program) -> list[tuple[A.FuncDef, A.Block]]:
    out = []
    for d in p.ast.funcs():
        if len(d.equations) != 1:
            continue
        body = d.equations[0].body
        if "--" in p.text(d):
            continue  # a comment inside the block would swallow the rewritten line
        if isinstance(body, A.Block) and not body.where_style and body.stmts and all(
                isinstance(s, A.Let) and p.single_line(s) for s in body.stmts) and p.single_line(body.result):
            out.append((d, body))
    return out


def let_in(p: Program, rng: random.Random) -> list[TextEdit] | None:
    got = _pick(rng, _block_defs(p))
    if got is None:
        return None
    d, body = got  # type: ignore[misc]
    binds = "; ".join(p.text(s) for s in body.stmts)
    head = p.source[d.span.offset:body.span.offset].rstrip()
    new = f"{head} let {binds} in {p.text(body.result)}" if len(body.stmts) == 1 or rng.random() < 0.5 else \
        head + "\n  let " + "\n      ".join(p.text(s) for s in body.stmts) + f"\n  in {p.text(body.result)}"
    return [TextEdit(d.span.offset, body.span.end_offset, new)]


def where(p: Program, rng: random.Random) -> list[TextEdit] | None:
    got = _pick(rng, _block_defs(p))
    if got is None:
        return None
    d, body = got  # type: ignore[misc]
    head = p.source[d.span.offset:body.span.offset].rstrip()
    binds = [p.text(s) for s in body.stmts]
    if rng.random() < 0.5 and not any("print" in b for b in binds):
        binds.reverse()  # Haskell's where has no order (but effects keep theirs)
    if rng.random() < 0.5:
        tail = "\n  where " + "\n        ".join(binds)
    else:
        tail = "\n  where\n" + "\n".join("    " + b for b in binds)
    return [TextEdit(d.span.offset, body.span.end_offset, f"{head} {p.text(body.result)}{tail}")]


def _pattern_text(p: Program, pat: object) -> str:
    t = p.text(pat)
    if t.startswith("(") and t.endswith(")") and isinstance(pat, A.PCon | A.PCons):
        inner = t[1:-1]
        if inner.count("(") == inner.count(")"):
            return inner
    return t


def case_of(p: Program, rng: random.Random) -> list[TextEdit] | None:
    cands = []
    for d in p.ast.funcs():
        if len(d.equations) < 2 or d.sig is not None or not all(p.single_line(e.body) for e in d.equations):
            continue
        varying = [k for k in range(d.arity)
                   if not all(isinstance(e.params[k], A.PVar) for e in d.equations)]
        if len(varying) != 1:
            continue
        k = varying[0]
        others = [m for m in range(d.arity) if m != k]
        if not all(len({q.name for e in d.equations if isinstance(q := e.params[m], A.PVar)}) == 1
                   and all(isinstance(e.params[m], A.PVar) for e in d.equations) for m in others):
            continue
        cands.append((d, k))
    got = _pick(rng, cands)
    if got is None:
        return None
    d, k = got  # type: ignore[misc]
    first = d.equations[0]
    params = [q.name if isinstance(q, A.PVar) else "" for q in first.params]
    used = {n.name for e in d.equations for n in A.walk(e.body) if isinstance(n, A.Var)}
    scrut = next(n for n in ("v", "arg", "value", "x0") if n not in used and n not in params)
    params[k] = scrut
    alts = "\n".join(f"  {_pattern_text(p, e.params[k])} -> {p.text(e.body)}" for e in d.equations)
    new = f"{d.name} {' '.join(params)} = case {scrut} of\n{alts}"
    return [TextEdit(d.span.offset, d.span.end_offset, new)]


def lambda_backslash(p: Program, rng: random.Random) -> list[TextEdit] | None:
    lams = [n for n in p.nodes(A.Lambda) if p.source[n.span.offset] == "\\" and p.single_line(n)
            and all(isinstance(q, A.PVar | A.PWild) for q in n.params)]
    node = _pick(rng, lams)
    if node is None:
        return None
    prev = p.source[:node.span.offset].rstrip()[-1:]
    if prev not in ("(", "="):
        return None
    names = [p.text(q) for q in node.params]
    body = p.text(node.body)
    style = rng.random()
    if style < 0.2:
        new = f"lambda {', '.join(names)}: {body}"  # Python
    elif style < 0.35:
        head = names[0] if len(names) == 1 else f"({', '.join(names)})"
        new = f"{head} => {body}"  # JavaScript
    else:
        new = f"{' '.join(names)} -> {body}"  # the backslash forgotten
    return [TextEdit(node.span.offset, node.span.end_offset, new)]


def comments(p: Program, rng: random.Random) -> list[TextEdit] | None:
    style = rng.choice(["//", "#"])
    existing = [m for m in re.finditer(r"(?m)^--(?!-)", p.source)]
    if existing:
        m = rng.choice(existing)
        return [TextEdit(m.start(), m.end(), style)]
    main = p.ast.find("main")
    at = main.span.offset if main is not None else 0
    if rng.random() < 0.5 and main is not None:
        eol = p.source.find("\n", main.span.offset)
        eol = len(p.source) if eol < 0 else eol
        if p.source.count("\n", main.span.offset, main.span.end_offset) == 0:
            return [TextEdit(eol, eol, f"  {style} print the result")]
    return [TextEdit(at, at, f"{style} the entry point\n")]


def string_plus(p: Program, rng: random.Random) -> list[TextEdit] | None:
    ops = [n for n in p.nodes(A.BinOp) if n.op == "++"]
    node = _pick(rng, ops)
    if node is None:
        return None
    s = node.op_span
    edits = [TextEdit(s.offset, s.end_offset, "+")]
    right = node.right
    if isinstance(right, A.App) and isinstance(right.fn, A.Var) and right.fn.name == "show" and len(right.args) == 1 \
            and rng.random() < 0.7:
        arg = right.args[0]
        inner = p.text(arg.expr) if isinstance(arg, A.Paren) else p.text(arg)
        text = inner if isinstance(arg, A.Paren) and re.fullmatch(r"[\w.]+", inner) else p.text(arg)
        edits.append(TextEdit(right.span.offset, right.span.end_offset, text))  # `"n = " + n`
    return edits


def _subscripted(p: Program, node: A.App) -> str | None:
    """`index i xs` as `xs[i]`; `index j (index i m)` as `m[i][j]`."""
    i, xs = node.args
    inner = xs.expr if isinstance(xs, A.Paren) else xs
    if isinstance(inner, A.App) and isinstance(inner.fn, A.Var) and inner.fn.name == "index" and len(inner.args) == 2:
        base = _subscripted(p, inner)
    elif isinstance(xs, A.Var | A.Paren | A.ListLit):
        base = p.text(xs)
    else:
        return None
    return None if base is None else f"{base}[{_unparen(p, i)}]"


def indexing(p: Program, rng: random.Random) -> list[TextEdit] | None:
    apps = [n for n in p.nodes(A.App) if isinstance(n.fn, A.Var) and n.fn.name in ("index", "head")
            and p.single_line(n)]
    node = _pick(rng, apps)
    if node is None or not isinstance(node.fn, A.Var):
        return None
    if node.fn.name == "index" and len(node.args) == 2:
        new = _subscripted(p, node)
        if new is None:
            return None
    elif node.fn.name == "head" and len(node.args) == 1 and isinstance(node.args[0], A.Var | A.Paren | A.ListLit):
        new = f"{p.text(node.args[0])}[0]"
    else:
        return None
    return [TextEdit(node.span.offset, node.span.end_offset, new)]


FOREIGN = {
    "length": ["len"],
    "show": ["str", "toString"],
    "str_len": ["len", "length"],
    "print": ["putStrLn", "println"],
    "str_trim": ["strip", "trim"],
    "str_join": ["join"],
    "str_starts_with": ["startsWith"],
    "concatMap": ["flatMap"],
}


def foreign_names(p: Program, rng: random.Random) -> list[TextEdit] | None:
    used = [n for n in p.nodes(A.Var) if n.name in FOREIGN or (len(n.name) >= 5 and n.name in BUILTINS)]
    used = [n for n in used if p.source[n.span.offset:n.span.end_offset] == n.name]
    node = _pick(rng, used)
    if node is None:
        return None
    if node.name in FOREIGN and rng.random() < 0.8:
        new = rng.choice(FOREIGN[node.name])
    else:
        k = rng.randrange(1, len(node.name) - 1)
        chars = list(node.name)
        if chars[k] == chars[k + 1] or "_" in chars[k:k + 2]:
            return None
        chars[k], chars[k + 1] = chars[k + 1], chars[k]
        new = "".join(chars)
    return [TextEdit(node.span.offset, node.span.end_offset, new)]


def foldr_habit(p: Program, rng: random.Random) -> list[TextEdit] | None:
    """`foldl (\\acc x -> acc + x) z xs` written as Haskell's `foldr (\\x acc -> ...) z xs`."""
    cands = []
    for n in p.nodes(A.App):
        if isinstance(n.fn, A.Var) and n.fn.name == "foldl" and len(n.args) == 3 and isinstance(n.args[0], A.Paren) \
                and isinstance(n.args[0].expr, A.Lambda):
            lam = n.args[0].expr
            body = lam.body
            names = {q.name for q in lam.params if isinstance(q, A.PVar)}
            if len(lam.params) == 2 and len(names) == 2 and isinstance(body, A.BinOp) and body.op in ("+", "*") \
                    and {getattr(body.left, "name", None), getattr(body.right, "name", None)} == names:
                cands.append((n, lam))
    got = _pick(rng, cands)
    if got is None:
        return None
    n, lam = got  # type: ignore[misc]
    a, b = (q.name for q in lam.params)
    new_lam = f"(\\{b} {a} -> {p.text(lam.body)})"
    return [TextEdit(n.fn.span.offset, n.fn.span.end_offset, "foldr"),
            TextEdit(n.args[0].span.offset, n.args[0].span.end_offset, new_lam)]


def cons_pattern(p: Program, rng: random.Random) -> list[TextEdit] | None:
    cands = []
    for d in p.ast.funcs():
        for eq in d.equations:
            for q in eq.params:
                if isinstance(q, A.PCons) and p.source[q.span.offset] == "(" and p.source[q.span.end_offset - 1] == ")":
                    cands.append(q)
                elif isinstance(q, A.PCons):
                    s = q.span
                    if p.source[s.offset - 1:s.offset] == "(" and p.source[s.end_offset:s.end_offset + 1] == ")":
                        cands.append(q)
    q = _pick(rng, cands)
    if q is None:
        return None
    s = q.span
    if p.source[s.offset] == "(":
        return [TextEdit(s.offset, s.offset + 1, ""), TextEdit(s.end_offset - 1, s.end_offset, "")]
    return [TextEdit(s.offset - 1, s.offset, ""), TextEdit(s.end_offset, s.end_offset + 1, "")]


def call_syntax(p: Program, rng: random.Random) -> list[TextEdit] | None:
    apps = [n for n in p.nodes(A.App) if isinstance(n.fn, A.Var) and len(n.args) >= 2 and p.single_line(n)]
    node = _pick(rng, apps)
    if node is None:
        return None

    def call(n: A.App) -> str:
        args = []
        for a in n.args:
            inner = a.expr if isinstance(a, A.Paren) else a
            if isinstance(inner, A.App) and isinstance(inner.fn, A.Var) and len(inner.args) >= 2 and rng.random() < 0.5:
                args.append(call(inner))  # nested: f(g(a, b), c)
            else:
                args.append(p.text(inner))
        return f"{n.fn.name}({', '.join(args)})"  # type: ignore[union-attr]

    return [TextEdit(node.span.offset, node.span.end_offset, call(node))]


def missing_main(p: Program, rng: random.Random) -> list[TextEdit] | None:
    main = p.ast.find("main")
    if main is None or p.ast.decls[-1] is not main or len(main.equations) != 1:
        return None
    body = main.equations[0].body
    if isinstance(body, A.Block) and all(isinstance(st, A.ExprStmt) and p.single_line(st) for st in body.stmts) \
            and p.single_line(body.result) and body.stmts:
        lines = [p.text(st) for st in body.stmts] + [p.text(body.result)]
        return [TextEdit(main.span.offset, main.span.end_offset, "\n".join(lines))]
    if len(p.ast.decls) < 2 or not p.single_line(main) or isinstance(body, A.Block):
        return None  # a program that is only `main = e` without `main = ` is a fine bare expression
    return [TextEdit(main.span.offset, body.span.offset, "")]


def not_equal(p: Program, rng: random.Random) -> list[TextEdit] | None:
    """`a != b` written with Haskell's `/=` or ML's `<>`."""
    ops = [n for n in p.nodes(A.BinOp) if n.op == "!="]
    node = _pick(rng, ops)
    if node is None:
        return None
    s = node.op_span
    return [TextEdit(s.offset, s.end_offset, rng.choice(["/=", "<>"]))]


def str_length(p: Program, rng: random.Random) -> list[TextEdit] | None:
    """`str_len s` written `length s` (a String is a list in Haskell) or `len s`."""
    apps = [n for n in p.nodes(A.App) if isinstance(n.fn, A.Var) and n.fn.name == "str_len" and len(n.args) == 1]
    node = _pick(rng, apps)
    if node is None:
        return None
    s = node.fn.span
    return [TextEdit(s.offset, s.end_offset, rng.choice(["length", "length", "len"]))]


def number_as_string(p: Program, rng: random.Random) -> list[TextEdit] | None:
    """A number compared with a quoted number: `n % 2 == "0"`."""
    cands = []
    for n in p.nodes(A.BinOp):
        if n.op in ("==", "!=", "<", ">", "<=", ">="):
            for side, other in ((n.right, n.left), (n.left, n.right)):
                if isinstance(side, A.Lit) and side.kind == "int" and not isinstance(other, A.Lit):
                    cands.append(side)
    node = _pick(rng, cands)
    if node is None:
        return None
    return [TextEdit(node.span.offset, node.span.end_offset, f'"{p.text(node)}"')]


def _unparen(p: Program, e: object) -> str:
    if isinstance(e, A.Paren) and not isinstance(e.expr, A.Lambda | A.Cond):
        return p.text(e.expr)
    return p.text(e)


def python_reduce(p: Program, rng: random.Random) -> list[TextEdit] | None:
    """`foldl f z xs` as Python's `reduce(f, xs, z)` (or `functools.reduce`), lambdas Python's too."""
    apps = [n for n in p.nodes(A.App) if isinstance(n.fn, A.Var) and n.fn.name == "foldl" and len(n.args) == 3
            and p.single_line(n)]
    node = _pick(rng, apps)
    if node is None:
        return None
    f, z, xs = node.args
    ft = p.text(f)
    lam = f.expr if isinstance(f, A.Paren) else f
    if isinstance(lam, A.Lambda) and all(isinstance(q, A.PVar) for q in lam.params) and rng.random() < 0.5:
        ft = f"lambda {', '.join(q.name for q in lam.params)}: {p.text(lam.body)}"  # type: ignore[union-attr]
    name = "functools.reduce" if rng.random() < 0.3 else "reduce"
    return [TextEdit(node.span.offset, node.span.end_offset, f"{name}({ft}, {_unparen(p, xs)}, {_unparen(p, z)})")]


def _one_of(options: list[Injector], p: Program, rng: random.Random) -> list[TextEdit] | None:
    """The first of `options`, in a random order, that applies."""
    rng.shuffle(options)
    for fn in options:
        got = fn(p, rng)
        if got:
            return got
    return None


def fold_habit(p: Program, rng: random.Random) -> list[TextEdit] | None:
    return _one_of([python_reduce, foldr_habit], p, rng)


def python_builtin_calls(p: Program, rng: random.Random) -> list[TextEdit] | None:
    """`map f xs` / `filter f xs` / `sum xs` in Python's call form: `map(f, xs)`, `sum(xs)`."""
    apps = [n for n in p.nodes(A.App) if isinstance(n.fn, A.Var) and p.single_line(n)
            and ((n.fn.name in ("map", "filter") and len(n.args) == 2) or (n.fn.name == "sum" and len(n.args) == 1))]
    node = _pick(rng, apps)
    if node is None or not isinstance(node.fn, A.Var):
        return None
    new = f"{node.fn.name}({', '.join(_unparen(p, a) for a in node.args)})"
    before = p.source[:node.span.offset].rstrip()[-1:]
    if before and (before.isalnum() or before in ")]\""):
        new = f"({new})"
    return [TextEdit(node.span.offset, node.span.end_offset, new)]


def python_calls(p: Program, rng: random.Random) -> list[TextEdit] | None:
    return _one_of([python_builtin_calls, call_syntax], p, rng)


# The mistake classes (the taxonomy `benchmarks/repair_habits.py` shares) and their injectors.
INJECTORS: dict[str, Injector] = {
    "list_commas": list_commas,
    "conditional": if_then_else,
    "python_def": def_return,
    "let_in": let_in,
    "where": where,
    "case_of": case_of,
    "lambda": lambda_backslash,
    "comments": comments,
    "string_plus": string_plus,
    "indexing": indexing,
    "foreign_name": foreign_names,
    "fold": fold_habit,
    "cons_pattern": cons_pattern,
    "python_calls": python_calls,
    "missing_main": missing_main,
    "not_equal": not_equal,
    "str_length": str_length,
    "num_string_compare": number_as_string,
}


def inject(source: str, kinds: list[str], rng: random.Random) -> str | None:
    """`source` with one mistake of each kind (None when a kind does not apply or regions overlap)."""
    prog = load(source)
    if prog is None:
        return None
    edits: list[TextEdit] = []
    for kind in kinds:
        got = INJECTORS[kind](prog, rng)
        if not got:
            return None
        for e in got:
            if any(not (e.end <= o.start or o.end <= e.start) or (e.start == o.start == e.end == o.end)
                   for o in edits):
                return None
        edits += got
    return apply_edits(source, edits)
