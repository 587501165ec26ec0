"""A third mistake injector, for the FRESH held-out repair set (`benchmarks/data/repair/fresh.jsonl`).

`synoema.repair.mistakes` is the injector the rules were written against, and after the first
held-out measurement the rules were also written against `repair_habits` on the dev programs, so
its phrasings are no longer unseen. This module was written last, from the failure classes issue 16
names, with its own code and its own phrasing of each slip, and no rule was written or changed
after looking at what it produces: `<>`, `/=`, `!==` and `!(a == b)` (an `==` test flipped, its
branches swapped), a `++` or a `"${x}"` interpolation written with `+` (JavaScript coercion or
Python's `str(x)`, backtick template literals), `xs[i]` in lambdas and conditions and `m[i][j]`,
`xs[len(xs) - 1]`, `reduce` with `from functools import reduce`, `foldl(f, z, xs)` in call syntax,
`sum(map(f, xs))`, `list(range(1, n + 1))`, `main` as a Python `def main():` with a `main()` call,
`/** ... */` and `//` comments, `len(s)` and `s.size()` on Strings.

Each slip returns replacements on the ORIGINAL text so slips combine when their regions are apart.
`spoil(text, classes, rng)` is the entry point (the same shape as `repair_habits.spoil`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from synoema import ast as A
from synoema.parser import parse


@dataclass(frozen=True)
class Cut:
    lo: int
    hi: int
    new: str


class Src:
    def __init__(self, text: str, program: A.Program) -> None:
        self.text = text
        self.program = program
        self.funcs = [d for d in program.decls if isinstance(d, A.FuncDef)]

    def txt(self, node: object) -> str:
        s = node.span  # type: ignore[attr-defined]
        return self.text[s.offset:s.end_offset]

    def one_line(self, node: object) -> bool:
        s = node.span  # type: ignore[attr-defined]
        return s.line == s.end_line

    def nodes(self) -> list[tuple[object, list[object]]]:
        """Every expression node with its chain of enclosing nodes (outermost first)."""
        out: list[tuple[object, list[object]]] = []

        def visit(n: object, up: list[object]) -> None:
            out.append((n, up))
            for c in A.children(n):
                visit(c, [*up, n])

        for d in self.funcs:
            for eq in d.equations:
                visit(eq.body, [])
        return out

    def apps(self, name: str, n: int) -> list[tuple[A.App, list[object]]]:
        return [(x, up) for x, up in self.nodes() if isinstance(x, A.App) and isinstance(x.fn, A.Var)
                and x.fn.name == name and len(x.args) == n]


Slip = Callable[[Src, random.Random], list[Cut] | None]
SLIPS: dict[str, list[Slip]] = {}


def slip(cls: str) -> Callable[[Slip], Slip]:
    def add(fn: Slip) -> Slip:
        SLIPS.setdefault(cls, []).append(fn)
        return fn

    return add


def _plain(s: Src, e: object) -> str:
    while isinstance(e, A.Paren):
        e = e.expr
    return s.txt(e)


def _atom(s: Src, e: object) -> str:
    """`e` as an operand: parenthesised unless it is a name, a literal or already bracketed."""
    if isinstance(e, A.Var | A.Lit | A.Paren | A.ListLit | A.Field | A.Con):
        return s.txt(e)
    return f"({s.txt(e)})"


def _py_lambda(s: Src, e: object) -> str | None:
    while isinstance(e, A.Paren):
        e = e.expr
    if isinstance(e, A.Lambda):
        if not all(isinstance(p, A.PVar | A.PWild) for p in e.params) or not s.one_line(e):
            return None
        names = [p.name if isinstance(p, A.PVar) else "_" for p in e.params]
        return f"lambda {', '.join(names)}: {s.txt(e.body)}"
    return s.txt(e)


def _pick(rng: random.Random, items: list):
    return rng.choice(items) if items else None


# ── inequality ───────────────────────────────────────────────────────────────────────────────


@slip("not_equal")
def unequal_spelling(s: Src, rng: random.Random) -> list[Cut] | None:
    ops = [x for x, _ in s.nodes() if isinstance(x, A.BinOp) and x.op == "!="]
    op = _pick(rng, ops)
    if op is None:
        return None
    left, right = s.txt(op.left), s.txt(op.right)
    form = rng.choice(["/=", "<>", "!==", "tight", "bang"])
    if form == "tight":
        return [Cut(op.op_span.offset, op.op_span.end_offset, rng.choice(["/=", "<>"]))] if \
            s.text[op.op_span.offset - 1] == " " else None
    if form == "bang":
        return [Cut(op.span.offset, op.span.end_offset, f"!({left} == {right})")]
    return [Cut(op.op_span.offset, op.op_span.end_offset, form)]


@slip("not_equal")
def flipped_test(s: Src, rng: random.Random) -> list[Cut] | None:
    """`? a == b -> x : y` written `? a /= b -> y : x` (the test the other way round)."""
    conds = [x for x, _ in s.nodes() if isinstance(x, A.Cond) and isinstance(x.cond, A.BinOp)
             and x.cond.op == "==" and s.one_line(x)]
    c = _pick(rng, conds)
    if c is None:
        return None
    t = c.cond
    new = f"? {s.txt(t.left)} {rng.choice(['/=', '<>'])} {s.txt(t.right)} -> {s.txt(c.else_)} : {s.txt(c.then)}"
    return [Cut(c.span.offset, c.span.end_offset, new)]


# ── + for text ───────────────────────────────────────────────────────────────────────────────


@slip("string_plus")
def plus_join(s: Src, rng: random.Random) -> list[Cut] | None:
    """One or two `++` of the program written `+`, preferring ones between names (only types tell)."""
    ops = [x for x, _ in s.nodes() if isinstance(x, A.BinOp) and x.op == "++"]
    if not ops:
        return None
    named = [o for o in ops if not isinstance(o.left, A.Lit) or not isinstance(o.right, A.Lit)]
    chosen = rng.sample(named or ops, min(len(named or ops), rng.choice([1, 1, 2])))
    return [Cut(o.op_span.offset, o.op_span.end_offset, "+") for o in chosen]


@slip("string_plus")
def interpolation_as_plus(s: Src, rng: random.Random) -> list[Cut] | None:
    """`"${x} -> ${f x}"` as `x + " -> " + f x`, `str(x) + ...`, or a backtick template literal."""
    cands = [x for x, _ in s.nodes() if isinstance(x, A.Interp) and s.one_line(x)
             and any(not isinstance(p, str) for p in x.parts)]
    it = _pick(rng, cands)
    if it is None:
        return None
    style = rng.choice(["bare", "str", "backtick"])
    if style == "backtick":
        inner = s.txt(it)[1:-1]
        return [Cut(it.span.offset, it.span.end_offset, f"`{inner}`")]
    pieces = []
    for p in it.parts:
        if isinstance(p, str):
            if p:
                pieces.append('"' + p.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"')
        else:
            pieces.append(f"str({_plain(s, p)})" if style == "str" else _atom(s, p) if isinstance(p, A.BinOp)
                          else s.txt(p))
    if len(pieces) < 2:
        return None
    return [Cut(it.span.offset, it.span.end_offset, "(" + " + ".join(pieces) + ")")]


# ── subscripts ───────────────────────────────────────────────────────────────────────────────


def _base(s: Src, e: object) -> str | None:
    while isinstance(e, A.Paren):
        e = e.expr
    if isinstance(e, A.App) and isinstance(e.fn, A.Var) and e.fn.name == "index" and len(e.args) == 2:
        inner = _base(s, e.args[1])
        return None if inner is None else f"{inner}[{_plain(s, e.args[0])}]"
    if isinstance(e, A.Var | A.Field):
        return s.txt(e)
    return None


@slip("indexing")
def subscript(s: Src, rng: random.Random) -> list[Cut] | None:
    """`index i xs` as `xs[i]`, preferring one inside a lambda or a condition; nested as `m[i][j]`."""
    cands = []
    for a, up in s.apps("index", 2):
        if any(isinstance(u, A.App) and isinstance(u.fn, A.Var) and u.fn.name == "index" for u in up[-1:]):
            continue  # the inner call of a nested one
        b = _base(s, a)
        if b is not None and s.one_line(a):
            weight = 3 if any(isinstance(u, A.Lambda | A.Cond) for u in up) or b.count("[") > 1 else 1
            cands += [(a, b)] * weight
    for a, _ in s.apps("head", 1) + s.apps("last", 1):
        b = _base(s, a.args[0])
        if b is not None:
            cands.append((a, f"{b}[0]" if a.fn.name == "head" else f"{b}[len({b}) - 1]"))  # type: ignore[union-attr]
    got = _pick(rng, cands)
    if got is None:
        return None
    a, new = got
    return [Cut(a.span.offset, a.span.end_offset, new)]


# ── folds and Python call forms ──────────────────────────────────────────────────────────────


@slip("fold")
def python_fold(s: Src, rng: random.Random) -> list[Cut] | None:
    """`foldl f z xs` as `reduce(f, xs, z)` (with its import line), or `foldl(f, z, xs)`."""
    got = _pick(rng, [a for a, _ in s.apps("foldl", 3) if s.one_line(a)])
    if got is None:
        return None
    f, z, xs = got.args
    fn = _py_lambda(s, f) if rng.random() < 0.7 else _plain(s, f)
    if fn is None:
        return None
    form = rng.choice(["import", "functools", "haskell_order"])
    if form == "haskell_order":
        return [Cut(got.span.offset, got.span.end_offset, f"foldl({fn}, {_plain(s, z)}, {_plain(s, xs)})")]
    name = "functools.reduce" if form == "functools" else "reduce"
    cuts = [Cut(got.span.offset, got.span.end_offset, f"{name}({fn}, {_plain(s, xs)}, {_plain(s, z)})")]
    if form == "import":
        cuts.append(Cut(0, 0, "from functools import reduce\n\n"))
    return cuts


@slip("fold")
def python_sum(s: Src, rng: random.Random) -> list[Cut] | None:
    """`sum (map f xs)` as `sum(map(f, xs))`, `sum xs` as `sum(xs)`."""
    cands = []
    for a, _ in s.apps("sum", 1):
        arg = a.args[0]
        while isinstance(arg, A.Paren):
            arg = arg.expr
        if isinstance(arg, A.App) and isinstance(arg.fn, A.Var) and arg.fn.name in ("map", "filter") \
                and len(arg.args) == 2:
            fn = _py_lambda(s, arg.args[0])
            if fn is not None:
                cands.append((a, f"sum({arg.fn.name}({fn}, {_plain(s, arg.args[1])}))"))
        else:
            cands.append((a, f"sum({_plain(s, arg)})"))
    got = _pick(rng, cands)
    return None if got is None else [Cut(got[0].span.offset, got[0].span.end_offset, got[1])]


@slip("python_calls")
def python_map_filter(s: Src, rng: random.Random) -> list[Cut] | None:
    """`map f xs` / `filter p xs` as `list(map(f, xs))`, `map(f, xs)`; `length xs` as `len(xs)`."""
    cands = [a for name in ("map", "filter") for a, _ in s.apps(name, 2) if s.one_line(a)]
    cands += [a for a, _ in s.apps("length", 1)]
    a = _pick(rng, cands)
    if a is None:
        return None
    if a.fn.name == "length":
        return [Cut(a.span.offset, a.span.end_offset, f"len({_plain(s, a.args[0])})")]
    fn = _py_lambda(s, a.args[0]) if rng.random() < 0.6 else _plain(s, a.args[0])
    if fn is None:
        return None
    call = f"{a.fn.name}({fn}, {_plain(s, a.args[1])})"
    return [Cut(a.span.offset, a.span.end_offset, f"list({call})" if rng.random() < 0.5 else call)]


@slip("python_calls")
def python_range(s: Src, rng: random.Random) -> list[Cut] | None:
    """`[1..n]` as `list(range(1, n + 1))` or `range(1, n + 1)`."""
    rs = [x for x, _ in s.nodes() if isinstance(x, A.Range) and s.one_line(x)]
    r = _pick(rng, rs)
    if r is None:
        return None
    end = s.txt(r.end)
    stop = str(r.end.value + 1) if isinstance(r.end, A.Lit) and isinstance(r.end.value, int) else f"{end} + 1"
    call = f"range({s.txt(r.start)}, {stop})"
    return [Cut(r.span.offset, r.span.end_offset, f"list({call})" if rng.random() < 0.5 else call)]


@slip("str_length")
def string_size(s: Src, rng: random.Random) -> list[Cut] | None:
    """`str_len s` as `len(s)`, `length s` or `s.size()`."""
    a = _pick(rng, [a for a, _ in s.apps("str_len", 1)])
    if a is None:
        return None
    arg = _plain(s, a.args[0])
    new = rng.choice([f"len({arg})", f"length {_atom(s, a.args[0])}",
                      f"{arg}.size()" if isinstance(a.args[0], A.Var) else f"len({arg})"])
    return [Cut(a.span.offset, a.span.end_offset, new)]


# ── program shape and comments ───────────────────────────────────────────────────────────────


@slip("missing_main")
def python_main(s: Src, rng: random.Random) -> list[Cut] | None:
    """`main =` and its lines as `def main():` with the lines indented four, and `main()` after it."""
    main = s.program.find("main")
    if main is None or len(main.equations) != 1 or main.sig is not None or main is not s.program.decls[-1]:
        return None
    body = main.equations[0].body
    if isinstance(body, A.Block):
        if body.where_style or not all(isinstance(x, A.ExprStmt) for x in body.stmts):
            return None
        parts = [x.expr for x in body.stmts] + [body.result]  # type: ignore[union-attr]
    else:
        parts = [body]
    if not all(s.one_line(p) for p in parts):
        return None
    lines = "\n".join("    " + s.txt(p) for p in parts)
    tail = "\n\nmain()" if rng.random() < 0.6 else "\n\nif __name__ == \"__main__\":\n    main()"
    return [Cut(main.span.offset, main.span.end_offset, f"def main():\n{lines}{tail}")]


@slip("missing_main")
def top_level_lines(s: Src, rng: random.Random) -> list[Cut] | None:
    """`main =` dropped: its one-line body (or its lines) left at the top level, as a script."""
    main = s.program.find("main")
    if main is None or len(main.equations) != 1 or main is not s.program.decls[-1] or len(s.program.decls) < 2:
        return None
    body = main.equations[0].body
    parts = [x.expr for x in body.stmts] + [body.result] if isinstance(body, A.Block) and all(  # type: ignore[union-attr]
        isinstance(x, A.ExprStmt) for x in body.stmts) and not body.where_style else [body]
    if not all(s.one_line(p) for p in parts):
        return None
    return [Cut(main.span.offset, main.span.end_offset, "\n".join(s.txt(p) for p in parts))]


NOTES = ["computes the answer", "helper", "entry point", "TODO: handle empty input", "pure function",
         "see the task statement", "returns the result"]


@slip("comments")
def c_comments(s: Src, rng: random.Random) -> list[Cut] | None:
    """A `/** ... */` doc block above a definition, a `/* */` file header, or a `//` after a line."""
    style = rng.choice(["doc", "header", "trailing"])
    if style == "header":
        return [Cut(0, 0, f"/*\n * {rng.choice(NOTES)}\n * written for the exercise\n */\n")]
    d = _pick(rng, s.funcs)
    if d is None:
        return None
    if style == "doc":
        params = [p.name for p in d.equations[0].params if isinstance(p, A.PVar)]
        lines = [f"/**\n * {d.name}: {rng.choice(NOTES)}"] + [f" * @param {p}" for p in params] + [" */\n"]
        at = d.span.offset if d.sig is None else min(d.span.offset, d.sig.span.offset)  # type: ignore[union-attr]
        return [Cut(at, at, "\n".join(lines))]
    end = s.text.find("\n", d.span.offset)
    end = len(s.text) if end < 0 else end
    if "--" in s.text[d.span.offset:end] or s.text[d.span.offset:end].rstrip().endswith("="):
        return None
    return [Cut(end, end, f"  // {rng.choice(NOTES)}")]


CLASSES = sorted(SLIPS)


def _overlap(a: Cut, b: Cut) -> bool:
    if a.lo == a.hi or b.lo == b.hi:
        return a.lo <= b.lo <= a.hi or b.lo <= a.lo <= b.hi
    return a.lo < b.hi and b.lo < a.hi


def spoil(text: str, classes: list[str], rng: random.Random) -> str | None:
    """`text` with one slip of each class, or None (a class that does not apply, or overlapping regions)."""
    parsed = parse(text)
    if not parsed.ok:
        return None
    src = Src(text, parsed.program)
    cuts: list[Cut] = []
    for cls in classes:
        ways = list(SLIPS[cls])
        rng.shuffle(ways)
        got = None
        for way in ways:
            got = way(src, rng)
            if got and not any(_overlap(c, o) for c in got for o in cuts):
                break
            got = None
        if not got:
            return None
        cuts += got
    out = text
    for c in sorted(cuts, key=lambda c: (c.lo, c.hi), reverse=True):
        out = out[:c.lo] + c.new + out[c.hi:]
    return out
