"""Python's and JavaScript's call forms of the list and number functions, with their argument orders.

`reduce(f, xs, init)` is `foldl f init xs` (the initial value moves in front of the list),
`functools.reduce`, `math.sqrt` and `Math.max` lose their module, `len(s)` becomes `length` or
`str_len` (whichever checks), `max(xs)` is `maximum`, `range(a, b)` a range, `list(map(f, xs))` just
the map. Python lambdas among the arguments (`lambda acc, x: acc + x`) are rewritten in the same go,
so their commas are not taken for argument separators. A call already written `reduce f xs z` is
reordered too.
"""

from __future__ import annotations

from .. import ast as A
from ..edits import TextEdit
from ..lexer import LOWER, UPPER
from .base import Ctx, Fix
from .syntax import ATOM_END, MODULES
from .text import Tokens, paren

# name -> {number of arguments: templates, best first}; {0} {1} {2} are the arguments
PY_FUNCS: dict[str, dict[int, tuple[str, ...]]] = {
    "reduce": {3: ("foldl {0} {2} {1}",), 2: ("foldl {0} (head {1}) (tail {1})",)},
    "map": {2: ("map {0} {1}",)},
    "filter": {2: ("filter {0} {1}",)},
    "sum": {1: ("sum {0}",), 2: ("{1} + sum {0}",)},
    "len": {1: ("length {0}", "str_len {0}")},
    "str": {1: ("show {0}",)},
    "String": {1: ("show {0}",)},
    "abs": {1: ("abs {0}",)},
    "sqrt": {1: ("sqrt {0}",)},
    "floor": {1: ("floor {0}",)},
    "ceil": {1: ("ceil {0}",)},
    "round": {1: ("round {0}",)},
    "max": {1: ("maximum {0}",), 2: ("max {0} {1}",)},
    "min": {1: ("minimum {0}",), 2: ("min {0} {1}",)},
    "range": {1: ("[0..({0} - 1)]",), 2: ("[{0}..({1} - 1)]",)},
    "zip": {2: ("zip {0} {1}",)},
    "reversed": {1: ("reverse {0}",)},
    "sorted": {1: ("sorted {0}",)},
    "list": {1: ("{0}",)},
    "print": {1: ("print {0}",)},
}
# module prefixes that only qualify a function (`functools.reduce`, `Math.max`)
QUALIFIERS = MODULES | {"Math"}
# `list(...)` is dropped only around these (`list("abc")` would mean its characters)
LIST_OF = frozenset({"map", "filter", "range", "zip", "reversed", "sorted"})


def _defined(t: Tokens) -> set[str]:
    return {str(k.value) for k in t.toks if k.first and k.col == 1 and k.kind == LOWER}


def _arguments(t: Tokens, lo: int, hi: int) -> list[tuple[int, int]] | None:
    """Tokens lo..hi-1 split at their commas, a Python lambda's parameter commas kept inside it."""
    if lo >= hi:
        return []
    depth = t.toks[lo].depth
    parts: list[tuple[int, int]] = []
    start = lo
    in_lambda = False
    for i in range(lo, hi):
        k = t.toks[i]
        if k.depth != depth:
            continue
        if k.word("lambda"):
            in_lambda = True
        elif k.kind == ":" and in_lambda:
            in_lambda = False
        elif k.kind == "," and not in_lambda:
            if i == start:
                return None
            parts.append((start, i - 1))
            start = i + 1
    if start >= hi:
        return None
    parts.append((start, hi - 1))
    return parts


def _argument_text(ctx: Ctx, t: Tokens, a: int, b: int) -> str:
    """An argument's text, a Python `lambda a, b: body` written `\\a b -> body`."""
    k = t.toks[a]
    text = ctx.source[k.start:t.toks[b].end]
    if k.word("lambda"):
        colon = next((m for m in range(a + 1, b + 1) if t.toks[m].kind == ":" and t.toks[m].depth == k.depth), None)
        if colon is not None and colon < b:
            names = [t.src(m, m) for m in range(a + 1, colon) if t.toks[m].kind != ","]
            body = ctx.source[t.toks[colon + 1].start:t.toks[b].end]
            return f"(\\{' '.join(names)} -> {body})"
    return paren(text)


def fix_python_calls(ctx: Ctx) -> list[Fix]:
    """`reduce(f, xs, z)` -> `foldl f z xs`, `functools.reduce(...)`, `len(s)`, `max(xs)`, `list(map(f, xs))`."""
    fixes: list[Fix] = []
    defined = _defined(ctx.tokens)
    for t in ctx.tokens.streams():
        for i, k in enumerate(t.toks):
            if k.kind not in (LOWER, UPPER) or str(k.value) not in PY_FUNCS or str(k.value) in defined:
                continue
            first = i
            if i >= 1 and t.toks[i - 1].kind == "." and t.toks[i - 1].end == k.start:
                qualifier = t.toks[i - 2] if i >= 2 else None
                if qualifier is None or qualifier.kind not in (LOWER, UPPER) or qualifier.end != t.toks[i - 1].start \
                        or str(qualifier.value) not in QUALIFIERS or str(qualifier.value) in defined:
                    continue  # a method call `xs.reduce(...)` (see syntax.fix_method_calls)
                first = i - 2
            if i + 1 >= len(t.toks) or t.toks[i + 1].kind != "(" or t.toks[i + 1].spaced or (i + 1) not in t.pair:
                continue
            name = str(k.value)
            close = t.pair[i + 1]
            parts = _arguments(t, i + 2, close)
            if not parts or len(parts) not in PY_FUNCS[name]:
                continue
            if name == "list" and not (t.toks[parts[0][0]].kind == LOWER and t.toks[parts[0][0]].value in LIST_OF):
                continue
            if first == i and len(parts) == 1 and name in ("print", "sum", "abs", "sqrt", "floor", "ceil", "round",
                                                            "reversed", "sorted") \
                    and not t.toks[parts[0][0]].word("lambda"):
                continue  # `sum(xs)` is already `sum (xs)`; the other rules handle what is inside
            args = [_argument_text(ctx, t, a, b) for a, b in parts]
            prev = t.toks[first - 1] if first > 0 else None
            wrap = prev is not None and prev.line == k.line and prev.kind in ATOM_END
            group = f"pycall@{t.toks[first].start}"
            for template in PY_FUNCS[name][len(parts)]:
                new = template.format(*args)
                new = f"({new})" if wrap or (prev is not None and prev.kind in ("+", "-", "*", "/") and " " in new) \
                    else new
                what = ctx.source[t.toks[first].start:k.end]
                fixes.append(Fix("call_syntax", f"`{what}(...)` is `{template.split()[0]}` here, with its arguments "
                                 "after it, separated by spaces", [TextEdit(t.toks[first].start, t.toks[close].end, new)],
                                 group))
    return fixes


def fix_reduce_order(ctx: Ctx) -> list[Fix]:
    """`reduce f xs z` (Python's argument order, applied the Synoema way) -> `foldl f z xs`."""
    program = ctx.checked.program
    if program is None or not any(ctx.source[d.span.offset:d.span.end_offset] == "reduce"
                                  for d in ctx.errors_with("unbound_variable") if d.span is not None):
        return []
    fixes: list[Fix] = []
    for decl in program.funcs():
        for eq in decl.equations:
            for node in A.walk(eq.body):
                if not (isinstance(node, A.App) and isinstance(node.fn, A.Var) and node.fn.name == "reduce"):
                    continue
                texts = [paren(ctx.source[a.span.offset:a.span.end_offset]) for a in node.args]
                if len(texts) == 3:
                    new = f"foldl {texts[0]} {texts[2]} {texts[1]}"
                elif len(texts) == 2:
                    new = f"foldl {texts[0]} (head {texts[1]}) (tail {texts[1]})"
                else:
                    continue
                s = node.span
                fixes.append(Fix("call_syntax", "Python's `reduce(f, xs, init)` is `foldl f init xs`",
                                 [TextEdit(s.offset, s.end_offset, new)]))
    return fixes
