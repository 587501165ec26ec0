"""Lists (`synoema.lists`): every shape behaves like the Python list it holds, and programs agree.

Shapes: arrays (views at offset 0), views at an offset, cons cells, cons cells over a view, and
the cells `view_tail` builds in chunks. Each property compares against a plain Python list model.
"""

from __future__ import annotations

import operator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from synoema import lists as L
from synoema.api import run_source
from synoema.execute import Limits
from synoema.runtime import Con, Record, display

LONG = Limits(timeout=60.0)


def build(xs: list, kind: str, junk: list, k: int) -> tuple:
    """The Synoema list of `xs` in one of the shapes."""
    if kind == "array":
        return L.from_array(list(xs))
    if kind == "view":
        return L.drop(L.from_array(junk + xs), len(junk))
    if kind == "cons":
        return L.cons_all(list(xs), ())
    if kind == "mixed":  # cons cells in front of a view
        k = min(k, len(xs))
        return L.cons_all(xs[:k], L.drop(L.from_array(junk + xs[k:]), len(junk)))
    c = L.from_array(junk + xs)  # "tails": walked one step at a time (plain views, then chunks)
    for _ in junk:
        c = L.tail(c)
    return c


KINDS = st.sampled_from(["array", "view", "cons", "mixed", "tails"])
INTS = st.lists(st.integers(-3, 3), max_size=60)


@st.composite
def shaped(draw: Any, elems: Any = INTS) -> tuple[list, tuple]:
    xs = draw(elems)
    junk = draw(st.lists(st.integers(-3, 3), max_size=300))
    return xs, build(xs, draw(KINDS), junk, draw(st.integers(0, 70)))


def model(v: Any) -> Any:
    """The Python value a Synoema value stands for (lists as Python lists, recursively)."""
    if type(v) is tuple:
        return [model(x) for x in L.flat(v)]
    return v


@settings(max_examples=150, deadline=None)
@given(shaped(), st.integers(-2, 70))
def test_every_shape_is_its_list(pair: tuple[list, tuple], i: int) -> None:
    xs, v = pair
    assert L.flat(v) == xs
    assert L.length(v) == len(xs)
    assert (not v) == (not xs)
    if xs:
        assert v[0] == xs[0]
        assert L.flat(L.tail(v)) == xs[1:]
        assert L.length(L.tail(v)) == len(xs) - 1
    if 0 <= i < len(xs):
        assert L.at(v, i) == xs[i]
    assert L.flat(L.take(v, i)) == xs[: max(i, 0)]
    assert L.flat(L.drop(v, i)) == xs[max(i, 0) :]
    assert L.flat(L.reverse(v)) == xs[::-1]
    # walking by unpacking, as compiled `(x:xs)` does
    out, c = [], v
    while c:
        h, n, r = c
        assert n == len(xs) - len(out)
        out.append(h)
        c = L.view_tail(n, r) if type(r) is list else r
    assert out == xs


@settings(max_examples=150, deadline=None)
@given(shaped(), shaped())
def test_append_equality_and_order_across_shapes(a: tuple[list, tuple], b: tuple[list, tuple]) -> None:
    xa, va = a
    xb, vb = b
    assert L.flat(L.append(va, vb)) == xa + xb
    assert L.length(L.append(va, vb)) == len(xa) + len(xb)
    assert L.eq(va, vb) == (xa == xb)
    assert L.ne(va, vb) == (xa != xb)
    for op, ours in ((operator.lt, L.lt), (operator.le, L.le), (operator.gt, L.gt), (operator.ge, L.ge)):
        assert ours(va, vb) == op(xa, xb)
    same = build(xa, "cons", [], 0)
    assert L.eq(va, same) and L.le(va, same) and not L.lt(va, same)


NESTED = st.lists(st.lists(st.integers(0, 2), max_size=3), max_size=5)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_nested_lists_in_constructors_and_records_compare_structurally(data: Any) -> None:
    xs = data.draw(NESTED)
    ys = data.draw(NESTED)

    def nest(v: list) -> tuple:
        return build([build(x, data.draw(KINDS), [9], 1) for x in v], data.draw(KINDS), [7, 7], 2)

    a, b = nest(xs), nest(ys)
    assert L.eq(a, b) == (xs == ys)
    assert L.lt(a, b) == (xs < ys)
    assert (Con("Box", 0, (a,)) == Con("Box", 0, (b,))) == (xs == ys)
    assert (Con("Box", 0, (a,)) < Con("Box", 0, (b,))) == (xs < ys)
    assert (Record({"k": a}) == Record({"k": b})) == (xs == ys)
    assert (Record({"k": a}) < Record({"k": b})) == (xs < ys)
    assert display(a) == "[" + " ".join("[" + " ".join(map(str, x)) + "]" for x in xs) + "]"


def run(src: str) -> str:
    r = run_source(src, limits=LONG)
    assert r.ok, [d.short() for d in r.diagnostics]
    return r.stdout


SHAPES_PROGRAM = """pairsum [] = 0
pairsum [a b] = a * 10 + b
pairsum (a:b:rest) = a + b + pairsum rest
pairsum [a] = a
firsts ((x:_):more) = x : firsts more
firsts ([]:more) = firsts more
firsts [] = []
build 0 acc = acc
build n acc = build (n - 1) (n : acc)
shapes = [[1..6] (1 : [2..6]) (build 6 []) (drop 2 [-1..6]) (tail [0..6]) ([1 2] ++ [3..6]) (map (\\x -> x) [1..6])]
main =
  print (map pairsum shapes)
  print (map (\\xs -> xs == [1 2 3 4 5 6]) shapes)
  print (map (\\xs -> xs < [1 2 3 4 5 7]) shapes)
  print (firsts [[1 2] [] (3 : []) (drop 1 [0 4])])
  print [x * y | x <- build 3 [], y <- drop 1 [0 10 20], x != 2]
  print (zip (build 3 []) (tail [0 7 8 9]))
  print (concatMap (\\x -> [x x]) (build 3 []))
  print (str_join "," (map show (reverse (build 4 []))))
  print (index 4 (build 10 []))
  print (take 3 (drop 5 (build 10 [])))
  print (foldl (\\acc x -> acc - x) 0 (build 4 []))
  print (sum (0 : build 100 []))
  print (length (build 7 [] ++ build 3 []))
  json_arr (unwrap (json_parse "[1, [2, 3]]"))
"""


def test_programs_see_the_same_list_in_every_shape() -> None:
    assert run(SHAPES_PROGRAM) == (
        "[66 66 66 66 66 66 66]\n"
        "[true true true true true true true]\n"
        "[true true true true true true true]\n"
        "[1 3 4]\n"
        "[10 20 30 60]\n"
        "[[1 7] [2 8] [3 9]]\n"
        "[1 1 2 2 3 3]\n"
        "4,3,2,1\n"
        "5\n"
        "[6 7 8]\n"
        "-10\n"
        "5050\n"
        "10\n"
        "[JNum 1 JArr [JNum 2 JNum 3]]\n"
    )


def test_cons_recursion_is_a_loop_that_keeps_evaluation_order() -> None:
    src = """noisy 0 = [0]
noisy n = (print n ; n) : noisy (n - 1)
split [] = []
split (x:xs) = ? x % 2 == 0 -> (x : (x + 1) : split xs) : split xs
gen 0 = []
gen n = n : gen (n - 1)
main =
  print (noisy 3)
  print (split [1..6])
  length (gen 1000000)
"""
    assert run(src) == "3\n2\n1\n[3 2 1 0]\n[2 3 4 5 6 7]\n1000000\n"


def test_deep_non_tail_recursion_and_long_tail_loops_over_lists_run() -> None:
    src = """len [] = 0
len (x:xs) = 1 + len xs
go acc [] = acc
go acc (x:xs) = go (acc + x) xs
build 0 acc = acc
build n acc = build (n - 1) (n : acc)
main =
  print (len [1..100000])
  print (len (build 100000 []))
  print (go 0 [1..1000000])
  big = build 200000 []
  print (big == build 200000 [] && big != (0 : big) && [1..200000] == big)
  str_len (show big)
"""
    shown = "[" + " ".join(map(str, range(1, 200001))) + "]"
    assert run(src) == f"100000\n100000\n500000500000\ntrue\n{len(shown)}\n"


def test_index_over_a_cons_built_list_flattens_it_once(monkeypatch: Any) -> None:
    calls = []
    real = L.flat
    monkeypatch.setattr(L, "flat", lambda c: calls.append(1) or real(c))
    src = """build 0 acc = acc
build n acc = build (n - 1) (n : acc)
total i xs acc = ? i == length xs -> acc : total (i + 1) xs (acc + index i xs)
main = total 0 (build 3000 []) 0
"""
    assert run(src) == "4501500\n"
    assert 1 <= len(calls) <= 2  # once, then served from the cache (not one walk per index)
