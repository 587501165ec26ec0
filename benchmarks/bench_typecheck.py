"""Type-check time of a generated 200-line program and of the prelude (median of several runs).

    python benchmarks/bench_typecheck.py [--runs N] [--lines N] [--show]

Parsing and resolution are done once, outside the timed region: only `check_unit` is measured.
Target (issue 3): under 20 ms for 200 lines.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synoema.parser import parse
from synoema.resolve import Unit, resolve
from synoema.types import check_unit, prelude_unit
from synoema.types.check import _build_prelude

HEADER = """\
Shape = Circle Float | Rect Float Float | Tri Float Float Float
Tree a = Leaf | Node (Tree a) a (Tree a)
Color = Red | Green | Blue derive (Show, Eq, Ord)
Token = TNum Int | TOp String | TEnd
trait Describe a
  describe : a -> String
impl Describe Shape
  describe (Circle r) = "circle ${r}"
  describe (Rect w h) = "rect ${w}x${h}"
  describe (Tri a b c) = "triangle"
impl Describe Color
  describe c = show c
type Point = {x : Int, y : Int}
"""

# Each template is a group of definitions; `{i}` makes the names unique.
TEMPLATES = [
    """\
area{i} (Circle r) = 3.14 * r * r
area{i} (Rect w h) = w * h
area{i} (Tri a b c) = (a + b + c) / 2.0
""",
    """\
insert{i} v Leaf = Node Leaf v Leaf
insert{i} v (Node l k r) = ? v < k -> Node (insert{i} v l) k r : Node l k (insert{i} v r)
""",
    """\
to_list{i} Leaf = []
to_list{i} (Node l v r) = to_list{i} l ++ [v] ++ to_list{i} r
""",
    """\
sum_sq{i} xs = foldl (\\acc x -> acc + x * x) 0 xs
""",
    """\
evens{i} xs = [x | x <- xs, x % 2 == 0]
""",
    """\
move{i} : Point -> Int -> Point
move{i} p d = {{...p, x = p.x + d}}
""",
    """\
norm{i} r = r.x * r.x + r.y * r.y
""",
    """\
count{i} p xs = length (filter p xs)
""",
    """\
classify{i} n =
  small = n < 10
  big = n > 100
  ? small -> "small" : ? big -> "big" : "medium"
""",
    """\
tokens{i} s = ? str_len s == 0 -> [TEnd] : [(TOp (str_slice s 0 1)) TEnd]
""",
    """\
render{i} (TNum n) = show n
render{i} (TOp o) = o
render{i} TEnd = ""
""",
    """\
safe_div{i} a b = ? b == 0 -> Err "div by zero" : Ok (a / b)
""",
    """\
pipeline{i} xs = xs |> filter (\\x -> x > 0) |> map (\\x -> x * 2) |> sum
""",
    """\
fib{i} 0 = 0
fib{i} 1 = 1
fib{i} n = fib{i} (n - 1) + fib{i} (n - 2)
""",
    """\
pairs{i} xs ys = [(x, y) | x <- xs, y <- ys]
""",
    """\
best{i} cs = foldl (\\m c -> ? c > m -> c : m) Red cs
""",
    """\
label{i} s = describe s ++ "!"
""",
    """\
lookup{i} k m = map_get k 0 m
""",
]

MAIN = """\
main =
  name <- readline
  print (area0 (Circle 2.0))
  print (to_list2 (insert1 3 Leaf))
  print "hello ${name}"
  sum_sq3 [1 2 3]
"""


def generate(lines: int = 200) -> str:
    """A program of about `lines` lines cycling through the templates."""
    parts = [HEADER]
    count = HEADER.count("\n") + MAIN.count("\n")
    i = 0
    while count < lines:
        t = TEMPLATES[i % len(TEMPLATES)].format(i=i // len(TEMPLATES) or "")
        t = t.replace("{i}", "")
        parts.append(t)
        count += t.count("\n")
        i += 1
    # the main block refers to the first copy of each template (suffix "")
    parts.append(MAIN.replace("area0", "area").replace("to_list2", "to_list").replace("insert1", "insert")
                 .replace("sum_sq3", "sum_sq"))
    return "".join(parts)


def time_check(unit: Unit, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        check_unit(unit)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--lines", type=int, default=200)
    ap.add_argument("--show", action="store_true", help="print the generated program and its types")
    args = ap.parse_args(argv)

    cold_start = time.perf_counter()
    _build_prelude()
    cold_ms = (time.perf_counter() - cold_start) * 1000
    base = prelude_unit()
    check_unit(base)  # warm the cache

    source = generate(args.lines)
    unit = resolve(parse(source, "bench.sno").program, base=base)
    report = check_unit(unit)
    errors = [d for d in report.diagnostics if d.is_error] + [d for d in unit.diagnostics if d.is_error]
    if args.show:
        print(source)
        for name, t in report.signatures:
            print(f"{name} : {t}")
    for d in errors:
        print("unexpected diagnostic:", d.short(), file=sys.stderr)

    program_ms = time_check(unit, args.runs)
    prelude_ms = time_check(base, args.runs)
    n_lines = source.count("\n")
    print(f"type-check {n_lines}-line program: {program_ms:.2f} ms (median of {args.runs}; target < 20 ms)")
    print(f"type-check prelude ({len(base.funcs)} definitions): {prelude_ms:.2f} ms (median of {args.runs})")
    print(f"prelude environment, cold build (parse + resolve + check): {cold_ms:.2f} ms")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
