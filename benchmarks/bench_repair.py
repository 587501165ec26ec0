"""Repair benchmark: break our own correct programs with the mistakes models make, repair, compare.

Programs come from `tests/conformance/**/*.sno` with an `.out` expectation. Each variant gets one, two
or three seeded mistakes (see `synoema.repair.mistakes`); a variant counts as repaired when the
repaired program prints exactly what the original prints. Variants that still check are skipped (the
mistake did not break anything). Targets: >= 90% with one mistake, >= 75% with two.

    python benchmarks/bench_repair.py [--seed 7] [--variants 3] [--pairs 400] [--triples 300] [--verbose]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synoema.api import run_source  # noqa: E402
from synoema.check import check  # noqa: E402
from synoema.execute import Limits  # noqa: E402
from synoema.repair import repair  # noqa: E402
from synoema.repair.mistakes import INJECTORS, inject  # noqa: E402

LIMITS = Limits(timeout=5.0)


@dataclass
class Case:
    path: Path
    source: str
    stdin: str
    expected: str


def load_cases() -> list[Case]:
    out = []
    for sno in sorted((ROOT / "tests" / "conformance").glob("*/*.sno")):
        if not sno.with_suffix(".out").exists() or sno.with_suffix(".args").exists():
            continue
        source = sno.read_text(encoding="utf-8")
        stdin_file = sno.with_suffix(".in")
        stdin = stdin_file.read_text(encoding="utf-8") if stdin_file.exists() else ""
        got = run_source(source, filename=str(sno), stdin=stdin, limits=LIMITS)
        if got.exit_code == 0:
            out.append(Case(sno, source, stdin, got.stdout))
    return out


def attempt(case: Case, kinds: list[str], rng: random.Random) -> tuple[bool, bool, str, str] | None:
    """(repaired to the original output, checks after repair, broken, repaired) or None when n/a."""
    broken = inject(case.source, kinds, rng)
    if broken is None or broken == case.source:
        return None
    if check(broken, filename=str(case.path), run=False).ok:
        return None  # the mistake broke nothing (e.g. a bare expression is a fine snippet)
    fixed = repair(broken, filename=str(case.path))
    if not fixed.ok:
        return False, False, broken, fixed.source
    got = run_source(fixed.source, filename=str(case.path), stdin=case.stdin, limits=LIMITS)
    return got.exit_code == 0 and got.stdout == case.expected, True, broken, fixed.source


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pairs", type=int, default=500, help="variants with two mistakes")
    ap.add_argument("--triples", type=int, default=400, help="variants with three mistakes")
    ap.add_argument("--variants", type=int, default=3, help="distinct one-mistake variants per program and kind")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every failure")
    ns = ap.parse_args(argv)
    started = time.perf_counter()
    cases = load_cases()
    kinds = sorted(INJECTORS)
    print(f"{len(cases)} correct programs, {len(kinds)} mistake kinds")

    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tried, repaired, checks
    totals = {1: [0, 0], 2: [0, 0], 3: [0, 0]}
    repair_time = 0.0
    failures: list[tuple[str, str, str]] = []

    def record(n: int, ks: list[str], res: tuple[bool, bool, str, str] | None, case: Case) -> None:
        if res is None:
            return
        totals[n][0] += 1
        totals[n][1] += res[0]
        if n == 1:
            row = per_kind[ks[0]]
            row[0] += 1
            row[1] += res[0]
            row[2] += res[1]
        if not res[0]:
            failures.append((f"{case.path.parent.name}/{case.path.stem} {'+'.join(ks)}", res[2], res[3]))

    for ci, case in enumerate(cases):
        for kind in kinds:
            seen: set[str] = set()
            for v in range(ns.variants):
                rng = random.Random(f"{ns.seed}:{ci}:{kind}:{v}")
                broken = inject(case.source, [kind], random.Random(f"{ns.seed}:{ci}:{kind}:{v}"))
                if broken is None or broken in seen:
                    continue
                seen.add(broken)
                t0 = time.perf_counter()
                res = attempt(case, [kind], rng)
                repair_time += time.perf_counter() - t0
                record(1, [kind], res, case)
    applicable = {i: [k for k in kinds if inject(c.source, [k], random.Random(f"{ns.seed}:{i}:{k}")) is not None]
                  for i, c in enumerate(cases)}
    for n, budget in ((2, ns.pairs), (3, ns.triples)):
        rng = random.Random(f"{ns.seed}:multi:{n}")
        pool = [(i, list(ks)) for i in applicable for ks in combinations(applicable[i], n)]
        rng.shuffle(pool)
        for tries, (i, ks) in enumerate(pool):
            if totals[n][0] >= budget:
                break
            record(n, ks, attempt(cases[i], ks, random.Random(f"{ns.seed}:{tries}:{n}")), cases[i])

    print(f"\n{'mistake kind':<18}{'variants':>9}{'repaired':>10}{'checks':>9}")
    for kind in kinds:
        tried, ok, checks = per_kind[kind]
        if tried:
            print(f"{kind:<18}{tried:>9}{100 * ok / tried:>9.1f}%{100 * checks / tried:>8.1f}%")
    print()
    for n, target in ((1, 90.0), (2, 75.0), (3, None)):
        tried, ok = totals[n]
        share = 100 * ok / tried if tried else 0.0
        goal = f"  (target >= {target:.0f}%: {'met' if share >= target else 'MISSED'})" if target else ""
        print(f"{n} mistake{'s' if n > 1 else ' '}: {ok}/{tried} repaired to the original output = {share:.1f}%{goal}")
    done = totals[1][0]
    print(f"\nmean repair+run time, one mistake: {1000 * repair_time / max(done, 1):.1f} ms;"
          f" total {time.perf_counter() - started:.1f} s")
    if ns.verbose:
        for name, broken, fixed in failures:
            print(f"\n--- {name}\n{broken}\n>>> repaired:\n{fixed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
