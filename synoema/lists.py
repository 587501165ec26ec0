"""Synoema lists: O(1) cons, head, tail and pattern matches, arrays where builtins want them.

Why this shape
--------------
Synoema programs walk lists by pattern matching (`f (x:xs) = ... f xs`) and build them with `:`.
With Python lists underneath, `(x:xs)` slices and `x : xs` copies, so every such recursion is
quadratic. Builtins (`map`, `filter`, comprehensions, ranges, `index`, `length`) want the opposite:
a flat array that C code can iterate and index. So a list has two shapes behind one interface:

    ()                  the empty list (the only empty value)
    (head, n, rest)     a non-empty list of n elements, where
        rest is a tuple  -> a *cons cell*: `rest` is the tail, a list of n - 1 elements;
        rest is a list   -> a *view*: the last n elements of the Python list `rest`, an array that
                            is never mutated once wrapped (`head` is `rest[-n]`).

Why tuples, and why three fields:
- A tuple is built by one bytecode (no `__init__` frame): about 5x cheaper than a slotted object,
  which decides the speed of `:` and of walking an array.
- One shape for both means the common match compiles to plain statements with no call:
  `x, n, xs = a`, then only when `xs` is an array `xs = view_tail(n, xs)`. Cons tails cost nothing;
  a view's tail is its next elements turned into cons cells by C a chunk at a time (`view_tail`).
- Storing n keeps `length` O(1) on every list (programs test `length xs` inside recursions), lets
  `(a:b:rest)` / `[a b]` check their length without walking, and lets `index` on a view be O(1).
- Arrays are views at offset 0, so builtins get their Python list back with no copy (`flat`).
  A cons chain is flattened by one walk; `index` caches that array per chain (`_flat_cache`), so a
  loop of `index i xs` over a `:`-built list is O(n) overall, not O(n^2).
- `++` shares its right operand when the left is short or much shorter (cons cells onto it), so
  `[x] ++ ys` and `x : ys` are both O(1) in the length of ys; otherwise it copies both in C.

The compiler adds two things on top (synoema/compiler.py): `f .. = x : f ..` (tail recursion
modulo cons) becomes a loop that collects the heads in a Python list and returns them as an array
(`prepend`), so building a list by recursion is as fast as appending and runs in constant stack;
and a parameter bound by a pattern variable is used in place, not copied.

Memory is O(n) however a list was built: a cons cell is one 3-tuple (plus its length int), a view
holds its array. Values are immutable and acyclic, so reference counting frees long chains
(CPython's trashcan keeps their deallocation off the C stack), and every walk here is a loop: no
operation recurses on the length of a list. (The runtime raises the cycle collector's threshold
while programs run: see `runtime.RUN_GC_THRESHOLD`.)

Python's own `==` and `<` would compare the tuples field by field (wrong across shapes, and
recursive down a chain), so equality and ordering of values go through `eq`, `lt`, ... and
`seq_eq` / `seq_order` (constructors, records); the compiler emits native operators where an
operand is a scalar literal, or is not a tuple at run time.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Sequence

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Any

# ── building ──────────────────────────────────────────────────────────────────────────────────


def from_array(a: list) -> tuple:
    """Wrap a fresh Python list (the caller gives up mutating it) as a Synoema list."""
    return (a[0], len(a), a) if a else ()


def cons(x: Any, xs: tuple) -> tuple:
    return (x, xs[1] + 1 if xs else 1, xs)


# ── taking apart ──────────────────────────────────────────────────────────────────────────────


def tail(c: tuple) -> tuple:
    """The tail of a non-empty list: O(1) (a cons cell's tail, or the next cells of a view)."""
    r = c[2]
    if type(r) is tuple:
        return r
    return view_tail(c[1], r)


_CHUNK_MIN, _CHUNK_MAX = 8, 256


def view_tail(n: int, arr: list) -> tuple:
    """The tail of the view `(arr[-n], n, arr)`: its next k elements as cons cells, then a view.

    Walking a view one fresh view per step costs a Python-level tuple and two ints per element;
    turning the next k elements into cons cells at once is done by C (`zip` feeding on its own
    output), and the following k steps are plain unpacks. The first steps are plain views, then k
    grows with the offset (8, 16, ..., 256): one step into a long array stays cheap, builtins on a
    near-whole array still get it by slicing, and a walk is amortised O(1) per element.
    """
    m = n - 1  # length of the tail
    if m <= 0:
        return ()
    start = len(arr) - m
    if start < _CHUNK_MIN:  # near the front: one more view (a builtin may want the array next)
        return (arr[start], m, arr)
    k = start if start < _CHUNK_MAX else _CHUNK_MAX
    if k >= m:
        k = m
        last: tuple = ()
    else:
        rest = m - k
        last = (arr[-rest], rest, arr)
    return cons_all(arr[start : start + k], last)


def prepend(heads: list, xs: tuple) -> tuple:
    """The list `heads ++ xs` (heads collected by a loop compiled from `f .. = x : f ..`).

    With nothing after them, the heads become an array: 8 bytes an element, free for builtins."""
    if not heads:
        return xs
    return cons_all(heads, xs) if xs else (heads[0], len(heads), heads)


def cons_all(items: list, tail: tuple) -> tuple:
    """`items` consed onto `tail`, built by C: cell i is (items[i], len(tail) + len(items) - i, cell i+1).

    `zip` builds the cells from the end, each one reading the cell it appended just before (a
    list iterator sees items appended while it runs).
    """
    base = tail[1] if tail else 0
    if len(items) == 1:
        return (items[0], base + 1, tail)
    cells = [tail]
    cells.extend(zip(reversed(items), range(base + 1, base + len(items) + 1), iter(cells)))
    return cells[-1]


def length(c: tuple) -> int:
    return c[1] if c else 0


_flat_cache: dict[int, tuple[tuple, list]] = {}
_FLAT_CACHE_SIZE = 8


def at(c: tuple, i: int) -> Any:
    """Element `i` of a list known to have more than i elements: O(1) in a view, cached for chains."""
    while True:
        if not i:
            return c[0]
        r = c[2]
        if type(r) is list:
            return r[i - c[1]]
        if i >= 16:
            return _cached_flat(c)[i]
        c = r
        i -= 1


def _cached_flat(c: tuple) -> list:
    """The array of a cons chain, built once per chain while it stays among the recent few."""
    key = id(c)
    hit = _flat_cache.get(key)
    if hit is not None and hit[0] is c:
        return hit[1]
    arr = flat(c)
    if len(_flat_cache) >= _FLAT_CACHE_SIZE:
        with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread got there first
            del _flat_cache[next(iter(_flat_cache))]
    _flat_cache[key] = (c, arr)
    return arr


def clear_cache() -> None:
    _flat_cache.clear()


def drop(c: tuple, k: int) -> tuple:
    """All but the first k elements: O(k) over cons cells, O(1) once inside a view."""
    if k <= 0:
        return c
    while c:
        n = c[1]
        if k >= n:
            return ()
        r = c[2]
        if type(r) is list:
            m = n - k
            return (r[-m], m, r)
        c = r
        k -= 1
        if not k:
            return c
    return c


def take(c: tuple, k: int) -> tuple:
    """The first k elements: O(k)."""
    if k <= 0 or not c:
        return ()
    if k >= c[1]:
        return c
    r = c[2]
    if type(r) is list:
        start = len(r) - c[1]
        return from_array(r[start : start + k])
    out: list = []
    ap = out.append
    while len(out) < k:
        r = c[2]
        if type(r) is list:
            start = len(r) - c[1]
            out.extend(r[start : start + k - len(out)])
            break
        ap(c[0])
        c = r
    return from_array(out)


def flat(c: tuple) -> list:
    """The elements as a Python list: the array itself for a whole view (do not mutate it)."""
    if not c:
        return []
    r = c[2]
    if type(r) is list:
        n = c[1]
        return r if n == len(r) else r[-n:]
    out: list = []
    flat_into(out, c)
    return out


def flat_into(out: list, c: tuple) -> None:
    """Append the elements of `c` to `out`: one walk over cons cells, one C copy of a view."""
    ap = out.append
    while c:
        h, n, r = c
        if type(r) is list:
            out.extend(r if n == len(r) else r[-n:])
            return
        ap(h)
        c = r


def reverse(c: tuple) -> tuple:
    return from_array(flat(c)[::-1])


def append(a: Any, b: Any) -> Any:
    """`a ++ b` for lists (and strings, which the compiler usually handles inline)."""
    if type(a) is str:
        return a + b
    if not a:
        return b
    if not b:
        return a
    na = a[1]
    if na <= 8 or na * 64 <= b[1]:  # share b: O(len a), so `[x] ++ ys` costs what `x : ys` does
        return cons_all(flat(a), b)
    out: list = []
    flat_into(out, a)
    flat_into(out, b)
    return from_array(out)


# ── equality and ordering of values ──────────────────────────────────────────────────────────


def eq(a: Any, b: Any) -> bool:
    """Structural equality with Python's semantics for everything that is not a list."""
    if type(a) is tuple:
        return type(b) is tuple and _list_eq(a, b)
    return a == b


def ne(a: Any, b: Any) -> bool:
    return not eq(a, b)


def _list_eq(a: tuple, b: tuple) -> bool:
    if a is b:
        return True
    if not a or not b:
        return not a and not b
    if a[1] != b[1]:
        return False
    fa, fb = flat(a), flat(b)
    if type(fa[0]) is not tuple:
        # a list's elements share one type: scalars, constructors and records compare right natively
        return fa == fb
    return seq_eq(fa, fb)


def seq_eq(xs: Sequence, ys: Sequence) -> bool:
    """Element-wise equality of two Python sequences of values (like `list ==`, identity first)."""
    if len(xs) != len(ys):
        return False
    for x, y in zip(xs, ys):
        if x is y:
            continue
        if type(x) is tuple:
            if not (type(y) is tuple and _list_eq(x, y)):
                return False
        elif x != y:
            return False
    return True


def seq_order(xs: Sequence, ys: Sequence, op: Callable[[Any, Any], bool]) -> bool:
    """Python's lexicographic `op` on two sequences of values, comparing lists structurally."""
    for x, y in zip(xs, ys):
        if x is y:
            continue
        if type(x) is tuple:
            if type(y) is tuple and _list_eq(x, y):
                continue
            return _ORDER[op](x, y)
        if x == y:
            continue
        return op(x, y)
    return op(len(xs), len(ys))


def _list_order(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        if type(a) is tuple and type(b) is tuple:
            fa, fb = flat(a), flat(b)
            if (fa and type(fa[0]) is not tuple) or (fb and type(fb[0]) is not tuple):
                return op(fa, fb)  # elements of one type that Python orders right
            return seq_order(fa, fb, op)
        return op(a, b)

    compare.__name__ = op.__name__
    return compare


lt = _list_order(operator.lt)
le = _list_order(operator.le)
gt = _list_order(operator.gt)
ge = _list_order(operator.ge)
_ORDER: dict[Callable[[Any, Any], bool], Callable[[Any, Any], bool]] = {
    operator.lt: lt, operator.le: le, operator.gt: gt, operator.ge: ge,
}


# ── what compiled code refers to by name ─────────────────────────────────────────────────────

CODEGEN_NAMES: dict[str, Any] = {
    "L_ARR": from_array,
    "L_CONS": cons,
    "L_TL": tail,
    "L_VT": view_tail,
    "L_PRE": prepend,
    "L_AT": at,
    "L_DROP": drop,
    "L_FLAT": flat,
    "L_CAT": append,
    "L_EQ": eq,
    "L_NE": ne,
    "L_LT": lt,
    "L_LE": le,
    "L_GT": gt,
    "L_GE": ge,
}
