"""Checker benchmark: in-process parse+types latency, sandbox round-trip, batch throughput.

Prints, in one run:
- parse+types latency p50/p99 (in-process, no run) for snippets of 10, 50 and 200 lines;
- worker round-trip p50/p99 for a small program (a request to a warm sandbox worker and back);
- `check_many` throughput on 5,000 small programs with 2 workers (parse, types and run each).
Targets: p50 < 10 ms at 50 lines, round-trip p50 < 30 ms, 5,000 programs < 60 s.

    python benchmarks/bench_check.py [--programs 5000] [--jobs 2] [--samples 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synoema import check, check_many  # noqa: E402
from synoema.sandbox import RunRequest, WorkerPool  # noqa: E402

# Blocks of realistic definitions; each takes the serial number so every snippet is new text.
BLOCKS = [
    "scale{i} k v = k * v + {i}",
    "pick{i} x = ? x > {i} -> x * 2 : x + {i}",
    "evens{i} xs = filter (\\v -> v % 2 == 0) (map (\\v -> v + {i}) xs)",
    "label{i} s = \"item ${{s}} #{i}\"",
    "Shape{i} = Circle{i} Int | Rect{i} Int Int\narea{i} (Circle{i} r) = r * r * 3\narea{i} (Rect{i} w h) = w * h",
    "count{i} [] = 0\ncount{i} (_:rest) = 1 + count{i} rest",
    "total{i} xs =\n  doubled = map (\\v -> v * 2) xs\n  kept = filter (\\v -> v > {i}) doubled\n  foldl (\\acc v -> acc + v) 0 kept",
    "point{i} = {{x = {i}, y = {i} + 1}}",
    "norm{i} {{x, y}} = x * x + y * y",
]


def snippet(lines: int, serial: int) -> str:
    """A well-typed program of about `lines` lines, different for every serial number."""
    out: list[str] = []
    i = serial * 1000 - serial * 1000 % len(BLOCKS)  # start at BLOCKS[0] (scale), which main uses
    while sum(b.count("\n") + 1 for b in out) < lines - 1:
        out.append(BLOCKS[i % len(BLOCKS)].format(i=i))
        i += 1
    out.append(f"main = scale{serial * 1000 - serial * 1000 % len(BLOCKS)} 2 {serial}")
    return "\n".join(out) + "\n"


def small(i: int) -> str:
    kind = i % 4
    if kind == 0:
        return f"main = sum (map (\\x -> x * {i}) [1..10])\n"
    if kind == 1:
        return f"sq x = x * x\nmain = map sq [{i} {i + 1} {i + 2}]\n"
    if kind == 2:
        return f'greet n = "hello ${{n}}"\nmain = greet "w{i}"\n'
    return f"fact 0 = 1\nfact n = n * fact (n - 1)\nmain = fact {i % 15}\n"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def ms(x: float) -> str:
    return f"{1000 * x:7.2f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--programs", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--samples", type=int, default=200)
    ns = ap.parse_args(argv)

    check(snippet(50, 0), run=False)  # load the prelude and warm the checker
    print("in-process parse + types (no run)")
    for lines in (10, 50, 200):
        samples = []
        n = ns.samples if lines < 200 else max(20, ns.samples // 4)
        for s in range(1, n + 1):
            src = snippet(lines, s)
            t0 = time.perf_counter()
            report = check(src, run=False)
            samples.append(time.perf_counter() - t0)
            if not report.ok:
                print(f"  snippet of {lines} lines does not check: {report.summary()}")
                return 1
        real = snippet(lines, 1).count("\n")
        goal = "  (target p50 < 10 ms)" if lines == 50 else ""
        print(f"  {real:4d} lines: p50 {ms(pct(samples, .5))}  p99 {ms(pct(samples, .99))}{goal}")

    print("sandbox worker round-trip (small program, warm worker)")
    with WorkerPool(1) as pool:
        pool.warm()
        trips = []
        for i in range(ns.samples):
            t0 = time.perf_counter()
            out = pool.run(RunRequest(small(i)))
            trips.append(time.perf_counter() - t0)
            if not out.ok:
                print(f"  a small program failed in the worker: {out.diagnostics}")
                return 1
        print(f"  p50 {ms(pct(trips, .5))}  p99 {ms(pct(trips, .99))}  (target p50 < 30 ms)")

    print(f"check_many: {ns.programs} small programs, {ns.jobs} workers")
    items = [small(i) for i in range(ns.programs)]
    t0 = time.perf_counter()
    reports = check_many(items, jobs=ns.jobs)
    took = time.perf_counter() - t0
    ok = sum(r.ok for r in reports)
    isolated = sum(r.isolated for r in reports)
    rate = ns.programs / took if took else 0.0
    print(f"  {took:6.1f} s  ({rate:.0f} programs/s, {ok}/{len(reports)} ok, {isolated} run in workers)"
          f"  (target < 60 s)")
    lat = [r.timings.get("total", 0.0) for r in reports]
    print(f"  per program: p50 {ms(statistics.median(lat))}  p99 {ms(pct(lat, .99))}")
    return 0 if ok == len(reports) else 1


if __name__ == "__main__":
    sys.exit(main())
