"""A second mistake injector, written apart from `synoema.repair.mistakes`, for the HELD-OUT repair set.

The repair rules were written against `synoema.repair.mistakes` (the development injector). This
module phrases the same families of habits the way a model trained on Python, Haskell or JavaScript
writes them, with its own code and its own variants: a whole definition written with commas, `+`
or a `def`; `xs !! i` and `s[i]` on strings; `reduce(lambda acc, x: ..., xs, 0)`,
`xs.reduce((acc, x) => ..., 0)`; `console.log`, `mapM_ print`, `String(n)`; `<>`, `!==`, `===`;
`{- -}` and `/* */` comments; `main :: IO ()` with `main = do`; `list(map(f, xs))`...

Every habit returns replacements on the ORIGINAL text, so two or three habits combine when their
regions are apart. `spoil(text, classes, rng)` is the entry point.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from synoema import ast as A
from synoema.parser import parse


@dataclass(frozen=True)
class Change:
    lo: int
    hi: int
    text: str


class View:
    """A parsed program and the few questions the habits ask about it."""

    def __init__(self, text: str, program: A.Program) -> None:
        self.text = text
        self.program = program
        self.defs = [d for d in program.decls if isinstance(d, A.FuncDef)]

    def of(self, node: object) -> str:
        s = node.span  # type: ignore[attr-defined]
        return self.text[s.offset:s.end_offset]

    def flat(self, node: object) -> bool:
        s = node.span  # type: ignore[attr-defined]
        return s.line == s.end_line

    def exprs(self, d: A.FuncDef | None = None) -> Iterator[tuple[A.FuncDef, object]]:
        for fd in [d] if d is not None else self.defs:
            for eq in fd.equations:
                for node in A.walk(eq.body):
                    yield fd, node

    def of_kind(self, kind: type | tuple[type, ...], d: A.FuncDef | None = None) -> list:
        return [n for _, n in self.exprs(d) if isinstance(n, kind)]

    def calls(self, *names: str, nargs: int | None = None) -> list[A.App]:
        out = []
        for n in self.of_kind(A.App):
            if isinstance(n.fn, A.Var) and n.fn.name in names and (nargs is None or len(n.args) == nargs):
                out.append(n)
        return out

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def line_end(self, offset: int) -> int:
        e = self.text.find("\n", offset)
        return len(self.text) if e < 0 else e

    def starts_line(self, node: object) -> bool:
        s = node.span  # type: ignore[attr-defined]
        return not self.text[self.line_start(s.offset):s.offset].strip()

    def column(self, offset: int) -> int:
        return offset - self.line_start(offset)

    def has_comment(self, node: object) -> bool:
        return "--" in self.of(node)


Habit = Callable[[View, random.Random], list[Change] | None]
HABITS: dict[str, list[Habit]] = {}


def habit(cls: str) -> Callable[[Habit], Habit]:
    def register(fn: Habit) -> Habit:
        HABITS.setdefault(cls, []).append(fn)
        return fn

    return register


def _choice(rng: random.Random, items: list) -> object | None:
    return rng.choice(items) if items else None


def _bare(v: View, e: object) -> str:
    """The text of `e` without one pair of outer parentheses (a model seldom writes them)."""
    if isinstance(e, A.Paren) and not isinstance(e.expr, A.Lambda | A.Cond | A.Block):
        return v.of(e.expr)
    return v.of(e)


def _lambda_py(v: View, lam: A.Lambda) -> str | None:
    if not all(isinstance(p, A.PVar) for p in lam.params) or not v.flat(lam):
        return None
    return f"lambda {', '.join(p.name for p in lam.params)}: {v.of(lam.body)}"  # type: ignore[union-attr]


def _lambda_js(v: View, lam: A.Lambda, rng: random.Random) -> str | None:
    if not all(isinstance(p, A.PVar) for p in lam.params) or not v.flat(lam):
        return None
    names = [p.name for p in lam.params]  # type: ignore[union-attr]
    head = names[0] if len(names) == 1 and rng.random() < 0.5 else f"({', '.join(names)})"
    return f"{head} => {v.of(lam.body)}"


# ── lists ────────────────────────────────────────────────────────────────────────────────────


def _comma_list(v: View, node: A.ListLit) -> str:
    parts = []
    for item in node.items:
        if isinstance(item, A.ListLit) and item.items:
            parts.append(_comma_list(v, item))
        elif isinstance(item, A.Paren) and isinstance(item.expr, A.App | A.Neg | A.BinOp):
            parts.append(v.of(item.expr))
        else:
            parts.append(v.of(item))
    return "[" + ", ".join(parts) + "]"


@habit("list_commas")
def commas_through_a_definition(v: View, rng: random.Random) -> list[Change] | None:
    """Every list of one definition written the Python way, nested lists included."""
    by_def: dict[str, list[A.ListLit]] = {}
    for d, n in v.exprs():
        if isinstance(n, A.ListLit) and len(n.items) >= 2 and v.flat(n):
            by_def.setdefault(d.name, []).append(n)
    name = _choice(rng, sorted(by_def))
    if name is None:
        return None
    lists = by_def[name]  # type: ignore[index]
    outer = [n for n in lists if not any(o is not n and o.span.offset <= n.span.offset and n.span.end_offset
                                         <= o.span.end_offset for o in lists)]
    return [Change(n.span.offset, n.span.end_offset, _comma_list(v, n)) for n in outer]


# ── conditionals ─────────────────────────────────────────────────────────────────────────────


def _if_chain(v: View, c: A.Cond) -> str:
    els = c.else_
    tail = _if_chain(v, els) if isinstance(els, A.Cond) else v.of(els)
    return f"if {v.of(c.cond)} then {v.of(c.then)} else {tail}"


def _top_conds(v: View) -> list[A.Cond]:
    conds = [n for n in v.of_kind(A.Cond) if v.flat(n)]
    return [c for c in conds if not any(o is not c and isinstance(o.else_, A.Cond) and o.else_ is c for o in conds)]


@habit("conditional")
def haskell_if(v: View, rng: random.Random) -> list[Change] | None:
    """`if c then a else if d then b else e`, laid out over lines when it starts its line."""
    c = _choice(rng, _top_conds(v))
    if c is None:
        return None
    if v.starts_line(c) and not isinstance(c.else_, A.Cond):
        pad = " " * (v.column(c.span.offset) + 2)
        new = f"if {v.of(c.cond)}\n{pad}then {v.of(c.then)}\n{pad}else {v.of(c.else_)}"
    else:
        new = _if_chain(v, c)
        if not v.starts_line(c) and v.text[:c.span.offset].rstrip()[-1:] not in ("=", "(", ">"):
            new = f"({new})"
    return [Change(c.span.offset, c.span.end_offset, new)]


@habit("conditional")
def js_ternary(v: View, rng: random.Random) -> list[Change] | None:
    """`cond ? a : b` (C and JavaScript order)."""
    cands = [c for c in _top_conds(v) if not isinstance(c.else_, A.Cond)
             and not any(isinstance(n, A.BinOp) and n.op == ":" for n in A.walk(c))]
    c = _choice(rng, cands)
    if c is None:
        return None
    new = f"{v.of(c.cond)} ? {v.of(c.then)} : {v.of(c.else_)}"
    if not v.starts_line(c) and v.text[:c.span.offset].rstrip()[-1:] != "=":
        new = f"({new})"
    return [Change(c.span.offset, c.span.end_offset, new)]


@habit("conditional")
def python_conditional(v: View, rng: random.Random) -> list[Change] | None:
    """`a if c else b`, for a conditional that is a whole equation body or sits in parentheses."""
    cands = []
    for d in v.defs:
        for eq in d.equations:
            for n in A.walk(eq.body):
                if isinstance(n, A.Paren) and isinstance(n.expr, A.Cond):
                    cands.append(n.expr)
            if isinstance(eq.body, A.Cond):
                cands.append(eq.body)
    cands = [c for c in cands if v.flat(c) and not isinstance(c.else_, A.Cond)]
    c = _choice(rng, cands)
    if c is None:
        return None
    return [Change(c.span.offset, c.span.end_offset, f"{v.of(c.then)} if {v.of(c.cond)} else {v.of(c.else_)}")]


# ── Python definitions ───────────────────────────────────────────────────────────────────────


def _plain_params(d: A.FuncDef) -> list[str] | None:
    eq = d.equations[-1]
    if not all(isinstance(p, A.PVar) for p in eq.params):
        return None
    return [p.name for p in eq.params]  # type: ignore[union-attr]


@habit("python_def")
def python_one_liner(v: View, rng: random.Random) -> list[Change] | None:
    """`def f(a, b): return body` on one line."""
    cands = [d for d in v.defs if len(d.equations) == 1 and d.arity and d.name != "main" and d.sig is None
             and _plain_params(d) and v.flat(d.equations[0].body) and not isinstance(d.equations[0].body, A.Block)
             and not v.has_comment(d)]
    d = _choice(rng, cands)
    if d is None:
        return None
    params = ", ".join(_plain_params(d) or [])  # type: ignore[union-attr]
    return [Change(d.span.offset, d.span.end_offset, f"def {d.name}({params}): return {v.of(d.equations[0].body)}")]  # type: ignore[union-attr]


@habit("python_def")
def python_def_with_base_case(v: View, rng: random.Random) -> list[Change] | None:
    """`f 0 = a` / `f n = b` as `def f(n):` with an `if n == 0: return a` and a final `return b`."""
    cands = []
    for d in v.defs:
        if len(d.equations) < 2 or d.sig is not None or v.has_comment(d) or d.name == "main":
            continue
        names = _plain_params(d)
        if not names or not all(v.flat(e.body) and not isinstance(e.body, A.Block) for e in d.equations):
            continue
        ok = True
        for eq in d.equations[:-1]:
            lits = 0
            for k, p in enumerate(eq.params):
                if isinstance(p, A.PLit) and p.kind in ("int", "str"):
                    lits += 1
                elif isinstance(p, A.PWild) or (isinstance(p, A.PVar) and p.name == names[k]):
                    continue
                else:
                    ok = False
            ok = ok and lits > 0
        if ok:
            cands.append((d, names))
    got = _choice(rng, cands)
    if got is None:
        return None
    d, names = got  # type: ignore[misc]
    lines = [f"def {d.name}({', '.join(names)}):"]
    for eq in d.equations[:-1]:
        tests = [f"{names[k]} == {v.of(p)}" for k, p in enumerate(eq.params) if isinstance(p, A.PLit)]
        lines += [f"    if {' and '.join(tests)}:", f"        return {v.of(eq.body)}"]
    lines.append(f"    return {v.of(d.equations[-1].body)}")
    return [Change(d.span.offset, d.span.end_offset, "\n".join(lines))]


# ── let / where / case ───────────────────────────────────────────────────────────────────────


def _let_blocks(v: View) -> list[tuple[A.FuncDef, A.Block]]:
    out = []
    for d in v.defs:
        if len(d.equations) != 1 or v.has_comment(d):
            continue
        b = d.equations[0].body
        if isinstance(b, A.Block) and not b.where_style and b.stmts and v.flat(b.result) \
                and all(isinstance(s, A.Let) and v.flat(s) for s in b.stmts):
            out.append((d, b))
    return out


@habit("let_in")
def haskell_let(v: View, rng: random.Random) -> list[Change] | None:
    """`let` with aligned bindings and `in` under it, or a chain `let a = .. in let b = .. in r`."""
    got = _choice(rng, _let_blocks(v))
    if got is None:
        return None
    _, b = got  # type: ignore[misc]
    col = v.column(b.span.offset)
    pad = " " * col
    binds = [v.of(s) for s in b.stmts]
    if rng.random() < 0.5:
        body = f"let {binds[0]}" + "".join(f"\n{pad}    {x}" for x in binds[1:]) + f"\n{pad}in {v.of(b.result)}"
    else:
        body = " in ".join(f"let {x}" for x in binds) + f" in {v.of(b.result)}"
    return [Change(b.span.offset, b.span.end_offset, body)]


@habit("where")
def haskell_where(v: View, rng: random.Random) -> list[Change] | None:
    """The result first, then `where` and its bindings, four columns in."""
    got = _choice(rng, _let_blocks(v))
    if got is None:
        return None
    d, b = got  # type: ignore[misc]
    head = v.text[d.span.offset:b.span.offset].rstrip()
    binds = [v.of(s) for s in b.stmts]
    if rng.random() < 0.5:
        tail = "\n  where\n" + "\n".join(f"    {x}" for x in binds)
    else:
        tail = "\n    where " + "\n          ".join(binds)
    return [Change(d.span.offset, b.span.end_offset, f"{head} {v.of(b.result)}{tail}")]


@habit("case_of")
def haskell_case(v: View, rng: random.Random) -> list[Change] | None:
    """Equations that differ in one parameter become `case p of` over it, `_ ->` for a catch-all."""
    cands = []
    for d in v.defs:
        if len(d.equations) < 2 or d.sig is not None or v.has_comment(d):
            continue
        if not all(v.flat(e.body) and not isinstance(e.body, A.Block) for e in d.equations):
            continue
        vary = [k for k in range(d.arity) if any(not isinstance(e.params[k], A.PVar) for e in d.equations)]
        if len(vary) != 1:
            continue
        k = vary[0]
        same = all(isinstance(e.params[m], A.PVar) and e.params[m].name == d.equations[0].params[m].name  # type: ignore[union-attr]
                   for e in d.equations for m in range(d.arity) if m != k)
        if same:
            cands.append((d, k))
    got = _choice(rng, cands)
    if got is None:
        return None
    d, k = got  # type: ignore[misc]
    used = {n.name for e in d.equations for n in A.walk(e.body) if isinstance(n, A.Var)}
    params = [p.name if isinstance(p, A.PVar) else "" for p in d.equations[0].params]
    subject = next(s for s in ("input", "val", "item", "key", "q") if s not in used and s not in params)
    params[k] = subject
    alts = []
    for e in d.equations:
        p = e.params[k]
        if isinstance(p, A.PVar) and p.name not in {n.name for n in A.walk(e.body) if isinstance(n, A.Var)}:
            pat = "_"
        else:
            pat = v.of(p)
            if pat.startswith("(") and pat.endswith(")") and isinstance(p, A.PCons | A.PCon):
                pat = pat[1:-1]
        alts.append(f"    {pat} -> {v.of(e.body)}")
    return [Change(d.span.offset, d.span.end_offset, f"{d.name} {' '.join(params)} =\n  case {subject} of\n"
                   + "\n".join(alts))]


# ── lambdas ──────────────────────────────────────────────────────────────────────────────────


@habit("lambda")
def foreign_lambda(v: View, rng: random.Random) -> list[Change] | None:
    """A parenthesised lambda in Python, JavaScript or OCaml dress, or with its backslash forgotten."""
    cands = [p.expr for p in v.of_kind(A.Paren) if isinstance(p.expr, A.Lambda) and v.flat(p.expr)
             and all(isinstance(q, A.PVar) for q in p.expr.params)]
    lam = _choice(rng, cands)
    if lam is None:
        return None
    names = [q.name for q in lam.params]  # type: ignore[union-attr]
    body = v.of(lam.body)  # type: ignore[union-attr]
    style = rng.choice(["python", "js", "ocaml", "bare"])
    if style == "python":
        new = f"lambda {', '.join(names)}: {body}"
    elif style == "js":
        new = f"({', '.join(names)}) => {body}"
    elif style == "ocaml":
        new = f"fun {' '.join(names)} -> {body}"
    else:
        new = f"{' '.join(names)} -> {body}"
    return [Change(lam.span.offset, lam.span.end_offset, new)]  # type: ignore[union-attr]


# ── comments ─────────────────────────────────────────────────────────────────────────────────

NOTES = ["helper", "the main computation", "compute the answer", "base case first", "entry point", "print results",
         "recursive step", "build the list"]


@habit("comments")
def foreign_comments(v: View, rng: random.Random) -> list[Change] | None:
    """A `/* */` or `{- -}` block above a definition, a `//` note after a line, or a `#` line."""
    d = _choice(rng, v.defs)
    if d is None:
        return None
    at = d.span.offset  # type: ignore[union-attr]
    note = rng.choice(NOTES)
    style = rng.choice(["c_block", "haskell_block", "slashes", "hash"])
    if style == "c_block":
        return [Change(at, at, f"/*\n * {note}\n */\n")]
    if style == "haskell_block":
        return [Change(at, at, f"{{- {note} -}}\n")]
    if style == "hash":
        return [Change(at, at, f"# {note}\n")]
    eol = v.line_end(at)
    if v.text[at:eol].rstrip().endswith("="):
        return [Change(at, at, f"// {note}\n")]
    return [Change(eol, eol, f"  // {note}")]


# ── strings ──────────────────────────────────────────────────────────────────────────────────


def _is_show(e: object) -> A.Expr | None:
    inner = e.expr if isinstance(e, A.Paren) else e
    if isinstance(inner, A.App) and isinstance(inner.fn, A.Var) and inner.fn.name == "show" and len(inner.args) == 1:
        return inner.args[0]
    return None


@habit("string_plus")
def plus_for_concat(v: View, rng: random.Random) -> list[Change] | None:
    """Every `++` of one definition written `+`; a `show` beside it dropped (JS) or spelled `str(x)`."""
    by_def: dict[str, list[A.BinOp]] = {}
    for d, n in v.exprs():
        if isinstance(n, A.BinOp) and n.op == "++":
            by_def.setdefault(d.name, []).append(n)
    name = _choice(rng, sorted(by_def))
    if name is None:
        return None
    style = rng.choice(["plain", "js", "python"])
    out: list[Change] = []
    for n in by_def[name]:  # type: ignore[index]
        out.append(Change(n.op_span.offset, n.op_span.end_offset, "+"))
        arg = _is_show(n.right)
        if arg is not None and style != "plain" and not any(
                c.lo < n.right.span.end_offset and n.right.span.offset < c.hi for c in out):
            text = v.of(arg.expr) if isinstance(arg, A.Paren) else v.of(arg)
            new = text if style == "js" and re.fullmatch(r"[\w.]+", text) else f"str({text})"
            out.append(Change(n.right.span.offset, n.right.span.end_offset, new))
    return out


# ── indexing ─────────────────────────────────────────────────────────────────────────────────


def _subject(v: View, e: object) -> str | None:
    if isinstance(e, A.Var | A.ListLit | A.Field):
        return v.of(e)
    if isinstance(e, A.Paren) and isinstance(e.expr, A.Var | A.Field):
        return v.of(e.expr)
    return None


def _subscript(v: View, app: A.App) -> str | None:
    """`index i xs` as `xs[i]`, recursively for `index j (index i m)` -> `m[i][j]`."""
    i, xs = app.args
    inner = xs.expr if isinstance(xs, A.Paren) else xs
    if isinstance(inner, A.App) and isinstance(inner.fn, A.Var) and inner.fn.name == "index" and len(inner.args) == 2:
        base = _subscript(v, inner)
    else:
        base = _subject(v, xs)
    if base is None:
        return None
    return f"{base}[{_bare(v, i)}]"


@habit("indexing")
def python_subscript(v: View, rng: random.Random) -> list[Change] | None:
    """`index i xs` -> `xs[i]` (nested: `m[i][j]`), `head xs` -> `xs[0]`, `str_slice s i (i + 1)` -> `s[i]`."""
    cands: list[tuple[A.App, str]] = []
    outer = [a for a in v.calls("index", nargs=2) if v.flat(a)]
    for a in outer:
        new = _subscript(v, a)
        if new is not None:
            cands.append((a, new))
    for a in v.calls("head", nargs=1):
        s = _subject(v, a.args[0])
        if s is not None:
            cands.append((a, f"{s}[0]"))
    for a in v.calls("str_slice", nargs=3):
        s, i, j = a.args
        sub = _subject(v, s)
        if sub is None:
            continue
        jt = _bare(v, j).replace(" ", "")
        it = _bare(v, i)
        if jt == f"{it.replace(' ', '')}+1" and isinstance(i, A.Var | A.Lit | A.Paren):
            cands.append((a, f"{sub}[{it}]"))
    # keep only the outermost of nested index calls
    cands = [(a, t) for a, t in cands if not any(b is not a and b.span.offset <= a.span.offset
                                                   and a.span.end_offset <= b.span.end_offset for b, _ in cands)]
    got = _choice(rng, cands)
    if got is None:
        return None
    a, text = got  # type: ignore[misc]
    return [Change(a.span.offset, a.span.end_offset, text)]


@habit("indexing")
def haskell_bang_bang(v: View, rng: random.Random) -> list[Change] | None:
    """`index i xs` -> `xs !! i`."""
    cands = [a for a in v.calls("index", nargs=2) if v.flat(a) and _subject(v, a.args[1]) is not None]
    a = _choice(rng, cands)
    if a is None:
        return None
    i = a.args[0]  # type: ignore[union-attr]
    it = v.of(i) if isinstance(i, A.Var | A.Lit | A.Paren) else f"({v.of(i)})"
    new = f"{_subject(v, a.args[1])} !! {it}"  # type: ignore[union-attr]
    if v.text[:a.span.offset].rstrip()[-1:] not in ("=", "("):  # type: ignore[union-attr]
        new = f"({new})"
    return [Change(a.span.offset, a.span.end_offset, new)]  # type: ignore[union-attr]


# ── names from elsewhere ─────────────────────────────────────────────────────────────────────


FOREIGN_CALLS: dict[str, list[str]] = {
    # builtin -> how other languages spell the call; {0} is the argument, {1} the second
    "length": ["len({0})", "{0}.length", "len {0}"],
    "show": ["str({0})", "String({0})", "{0}.toString()", "toString {0}"],
    "print": ["console.log({0})", "putStrLn {0}", "println({0})"],
    "str_trim": ["{0}.strip()", "{0}.trim()"],
    "reverse": ["{0}.reverse()", "reversed({0})"],
    "abs": ["Math.abs({0})"],
    "sqrt": ["Math.sqrt({0})", "math.sqrt({0})"],
    "for_each": ["mapM_ {0} {1}", "{1}.forEach({0})"],
    "str_join": ["{0}.join({1})", "{1}.join({0})", "intercalate {0} {1}"],
}


@habit("foreign_name")
def foreign_call(v: View, rng: random.Random) -> list[Change] | None:
    """One builtin call spelled as Python, JavaScript or Haskell would."""
    cands = []
    for a in v.of_kind(A.App):
        if isinstance(a.fn, A.Var) and a.fn.name in FOREIGN_CALLS and v.flat(a):
            want = 2 if a.fn.name in ("for_each", "str_join") else 1
            if len(a.args) == want:
                cands.append(a)
    a = _choice(rng, cands)
    if a is None:
        return None
    form = rng.choice(FOREIGN_CALLS[a.fn.name])  # type: ignore[union-attr]
    args: list[str] = []
    for k, x in enumerate(a.args):  # type: ignore[union-attr]
        atom = isinstance(x, A.Var | A.Lit | A.Paren | A.ListLit)
        if f"{{{k}}}." in form:  # the receiver of a method call
            if not atom:
                return None
            args.append(v.of(x))
        elif "(" in form:  # inside a call's parentheses
            args.append(_bare(v, x))
        else:  # applied Haskell-style
            args.append(v.of(x) if atom else f"({v.of(x)})")
    new = form.format(*args)
    prev = v.text[:a.span.offset].rstrip()[-1:]  # type: ignore[union-attr]
    if "(" not in form and (prev.isalnum() or prev in (")", "]", '"')):
        new = f"({new})"
    return [Change(a.span.offset, a.span.end_offset, new)]  # type: ignore[union-attr]


# ── operators ────────────────────────────────────────────────────────────────────────────────


@habit("not_equal")
def other_inequalities(v: View, rng: random.Random) -> list[Change] | None:
    """`!=` as `<>` (ML, SQL, Pascal), `/=` (Haskell) or `!==` (JavaScript); `==` as `===`."""
    ops = [n for n in v.of_kind(A.BinOp) if n.op in ("!=", "==")]
    n = _choice(rng, [o for o in ops if o.op == "!="] or ops)
    if n is None:
        return None
    if n.op == "==":  # type: ignore[union-attr]
        new = "==="
    else:
        new = rng.choice(["<>", "/=", "!=="])
    s = n.op_span  # type: ignore[union-attr]
    return [Change(s.offset, s.end_offset, new)]


@habit("str_length")
def length_of_a_string(v: View, rng: random.Random) -> list[Change] | None:
    """`str_len s` as Haskell's `length s`, Python's `len(s)` or JavaScript's `s.length`."""
    a = _choice(rng, [a for a in v.calls("str_len", nargs=1) if v.flat(a)])
    if a is None:
        return None
    arg = a.args[0]  # type: ignore[union-attr]
    style = rng.choice(["haskell", "python", "js"])
    if style == "python":
        new = f"len({_bare(v, arg)})"
    elif style == "js" and isinstance(arg, A.Var | A.Paren):
        new = f"{v.of(arg)}.length"
    else:
        return [Change(a.fn.span.offset, a.fn.span.end_offset, "length")]  # type: ignore[union-attr]
    return [Change(a.span.offset, a.span.end_offset, new)]  # type: ignore[union-attr]


@habit("num_string_compare")
def quoted_number(v: View, rng: random.Random) -> list[Change] | None:
    """A number compared with its digits in quotes (`n % 10 == "0"`), or `show n == "3"` without `show`."""
    cands: list[Change] = []
    for n in v.of_kind(A.BinOp):
        if n.op not in ("==", "!=", "<", ">", "<=", ">="):
            continue
        for side, other in ((n.right, n.left), (n.left, n.right)):
            if isinstance(side, A.Lit) and side.kind == "int" and not isinstance(other, A.Lit):
                cands.append(Change(side.span.offset, side.span.end_offset, f'"{v.of(side)}"'))
            inner = _is_show(side)
            if inner is not None and isinstance(other, A.Lit) and other.kind == "str":
                cands.append(Change(side.span.offset, side.span.end_offset, _bare(v, inner)))
    c = _choice(rng, cands)
    return [c] if c is not None else None  # type: ignore[list-item]


# ── folds and Python call forms ──────────────────────────────────────────────────────────────


def _fn_text(v: View, f: object, style: str, rng: random.Random) -> str | None:
    inner = f.expr if isinstance(f, A.Paren) else f
    if isinstance(inner, A.Lambda):
        if style == "python":
            return _lambda_py(v, inner)
        if style == "js":
            return _lambda_js(v, inner, rng)
        return v.of(inner)
    return v.of(inner)


@habit("fold")
def python_reduce(v: View, rng: random.Random) -> list[Change] | None:
    """`foldl f z xs` as `reduce(f, xs, z)`, `functools.reduce(...)` or `xs.reduce((acc, x) => ..., z)`."""
    cands = [a for a in v.calls("foldl", nargs=3) if v.flat(a)]
    a = _choice(rng, cands)
    if a is None:
        return None
    f, z, xs = a.args  # type: ignore[union-attr]
    style = rng.choice(["python", "functools", "js", "keep_lambda"])
    fn_style = {"python": "python", "functools": "python", "js": "js", "keep_lambda": "keep"}[style]
    ft = _fn_text(v, f, fn_style, rng)
    if ft is None:
        return None
    if style == "js":
        subject = _subject(v, xs)
        if subject is None:
            return None
        new = f"{subject}.reduce({ft}, {_bare(v, z)})"
    else:
        name = "functools.reduce" if style == "functools" else "reduce"
        new = f"{name}({ft}, {_bare(v, xs)}, {_bare(v, z)})"
    return [Change(a.span.offset, a.span.end_offset, new)]  # type: ignore[union-attr]


@habit("fold")
def haskell_foldr(v: View, rng: random.Random) -> list[Change] | None:
    """A commutative `foldl` written as Haskell's `foldr (\\x acc -> ...)`."""
    cands = []
    for a in v.calls("foldl", nargs=3):
        f = a.args[0].expr if isinstance(a.args[0], A.Paren) else a.args[0]
        if isinstance(f, A.Lambda) and len(f.params) == 2 and all(isinstance(p, A.PVar) for p in f.params):
            b = f.body
            names = {p.name for p in f.params}  # type: ignore[union-attr]
            if isinstance(b, A.BinOp) and b.op in ("+", "*") and isinstance(b.left, A.Var) \
                    and isinstance(b.right, A.Var) and {b.left.name, b.right.name} == names and len(names) == 2:
                cands.append((a, f))
    got = _choice(rng, cands)
    if got is None:
        return None
    a, f = got  # type: ignore[misc]
    acc, x = (p.name for p in f.params)
    return [Change(a.fn.span.offset, a.fn.span.end_offset, "foldr"),
            Change(a.args[0].span.offset, a.args[0].span.end_offset, f"(\\{x} {acc} -> {v.of(f.body)})")]


@habit("python_calls")
def python_call_forms(v: View, rng: random.Random) -> list[Change] | None:
    """`map f xs` as `list(map(f, xs))` or `map(f, xs)`, `filter` the same, a two-argument call `f(a, b)`."""
    cands = []
    for a in v.of_kind(A.App):
        if isinstance(a.fn, A.Var) and len(a.args) >= 2 and v.flat(a):
            cands.append(a)
    a = _choice(rng, cands)
    if a is None:
        return None
    name = a.fn.name  # type: ignore[union-attr]
    args = []
    for x in a.args:  # type: ignore[union-attr]
        inner = x.expr if isinstance(x, A.Paren) else x
        if isinstance(inner, A.Lambda) and rng.random() < 0.5:
            args.append(_lambda_py(v, inner) or v.of(inner))
        else:
            args.append(_bare(v, x))
    new = f"{name}({', '.join(args)})"
    if name in ("map", "filter") and rng.random() < 0.5:
        new = f"list({new})"
    if v.text[:a.span.offset].rstrip()[-1:] not in ("=", "(", ",", "") and not v.starts_line(a):  # type: ignore[union-attr]
        prev = v.text[:a.span.offset].rstrip()[-1:]  # type: ignore[union-attr]
        if prev.isalnum() or prev in (")", "]", '"'):
            new = f"({new})"
    return [Change(a.span.offset, a.span.end_offset, new)]  # type: ignore[union-attr]


# ── patterns and program shape ───────────────────────────────────────────────────────────────


@habit("cons_pattern")
def bare_cons(v: View, rng: random.Random) -> list[Change] | None:
    """`f (x:xs) = ...` written `f x:xs = ...`."""
    cands = []
    for d in v.defs:
        for eq in d.equations:
            for p in eq.params:
                if isinstance(p, A.PCons):
                    s = p.span
                    t = v.text
                    if t[s.offset] == "(" and t[s.end_offset - 1] == ")":
                        cands.append((s.offset, s.end_offset, t[s.offset + 1:s.end_offset - 1]))
                    elif t[s.offset - 1:s.offset] == "(" and t[s.end_offset:s.end_offset + 1] == ")":
                        cands.append((s.offset - 1, s.end_offset + 1, t[s.offset:s.end_offset]))
    got = _choice(rng, cands)
    if got is None:
        return None
    lo, hi, inner = got  # type: ignore[misc]
    return [Change(lo, hi, inner)]


@habit("missing_main")
def script_style(v: View, rng: random.Random) -> list[Change] | None:
    """The entry point left as script lines (no `main =`)."""
    main = v.program.find("main")
    if main is None or v.program.decls[-1] is not main or len(main.equations) != 1 or len(v.program.decls) < 2:
        return None
    body = main.equations[0].body
    if isinstance(body, A.Block):
        if not all(isinstance(s, A.ExprStmt) and v.flat(s) for s in body.stmts) or not v.flat(body.result):
            return None
        lines = [v.of(s) for s in body.stmts] + [v.of(body.result)]
        return [Change(main.span.offset, main.span.end_offset, "\n".join(lines))]
    if not v.flat(main):
        return None
    return [Change(main.span.offset, body.span.offset, "")]


@habit("missing_main")
def haskell_main(v: View, rng: random.Random) -> list[Change] | None:
    """`main :: IO ()` above `main = do` and its lines."""
    main = v.program.find("main")
    if main is None or len(main.equations) != 1 or main.sig is not None:
        return None
    body = main.equations[0].body
    if not isinstance(body, A.Block) or body.where_style:
        return None
    eq_end = v.text.find("=", main.span.offset) + 1
    return [Change(main.span.offset, main.span.offset, "main :: IO ()\n"), Change(eq_end, eq_end, " do")]


# ── combining ────────────────────────────────────────────────────────────────────────────────

CLASSES = sorted(HABITS)


def _clash(a: Change, b: Change) -> bool:
    if a.lo == a.hi == b.lo == b.hi:
        return True
    return (a.lo < b.hi and b.lo < a.hi) or (a.lo == a.hi and b.lo <= a.lo <= b.hi) or (
        b.lo == b.hi and a.lo <= b.lo <= a.hi)


def spoil(text: str, classes: list[str], rng: random.Random) -> str | None:
    """`text` with one habit of each class, or None (a class that does not apply, or clashing regions)."""
    parsed = parse(text)
    if not parsed.ok:
        return None
    v = View(text, parsed.program)
    changes: list[Change] = []
    for cls in classes:
        options = list(HABITS[cls])
        rng.shuffle(options)
        got = None
        for fn in options:
            got = fn(v, rng)
            if got:
                break
        if not got or any(_clash(c, o) for c in got for o in changes):
            return None
        changes += got
    out = []
    pos = 0
    for c in sorted(changes, key=lambda c: (c.lo, c.hi)):
        out.append(text[pos:c.lo])
        out.append(c.text)
        pos = c.hi
    out.append(text[pos:])
    return "".join(out)
