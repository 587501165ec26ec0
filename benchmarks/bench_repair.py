"""Repair benchmark: broken programs -> `synoema fix --write` -> `synoema run` -> the expected output?

Reads the shipped sets `benchmarks/data/repair/heldout.jsonl` and `dev.jsonl` (built by
`benchmarks/make_repair_sets.py`; see its docstring for how each was made). The held-out set comes
from programs and a mistake injector that were never used while writing the repair rules; the dev
set is the one the rules were written against, printed beside it. A row counts as repaired when the
program `synoema.repair` returns runs and prints the row's expected output (line by line, trailing
blanks ignored). Targets on the held-out set: >= 98% with one mistake, >= 90% with two, >= 80% with
three.

    python benchmarks/bench_repair.py [--only dev|heldout] [--limit N] [--verbose]

`--verbose` prints the dev failures; held-out failures are printed only with
`--show-heldout-failures` (do not use it while writing rules: the figure would stop being held out).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synoema.api import run_source  # noqa: E402
from synoema.execute import Limits  # noqa: E402
from synoema.fences import output_matches  # noqa: E402
from synoema.repair import repair  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "repair"
LIMITS = Limits(timeout=5.0)
TARGETS = {1: 98.0, 2: 90.0, 3: 80.0}


@dataclass
class Tally:
    tried: int = 0
    repaired: int = 0
    checks: int = 0

    def add(self, repaired: bool, checks: bool) -> None:
        self.tried += 1
        self.repaired += repaired
        self.checks += checks

    def share(self) -> float:
        return 100.0 * self.repaired / self.tried if self.tried else 0.0

    def cell(self) -> str:
        return f"{self.repaired}/{self.tried} = {self.share():5.1f}%" if self.tried else "-"


@dataclass
class Figures:
    by_count: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_class_single: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_class_any: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    seconds: float = 0.0
    failures: list[tuple[dict, str]] = field(default_factory=list)


def attempt(row: dict) -> tuple[bool, bool, str]:
    """(prints the expected output, the repaired program checks, the repaired program)."""
    fixed = repair(row["broken"])
    if not fixed.ok:
        return False, False, fixed.source
    got = run_source(fixed.source, stdin=row.get("stdin", ""), limits=LIMITS)
    return got.exit_code == 0 and output_matches(row["expected_output"], got.stdout), True, fixed.source


def measure(rows: list[dict]) -> Figures:
    fig = Figures()
    started = time.perf_counter()
    for row in rows:
        ok, checks, fixed = attempt(row)
        ks = row["mistakes"]
        fig.by_count[len(ks)].add(ok, checks)
        for k in ks:
            fig.by_class_any[k].add(ok, checks)
        if len(ks) == 1:
            fig.by_class_single[ks[0]].add(ok, checks)
        if not ok:
            fig.failures.append((row, fixed))
    fig.seconds = time.perf_counter() - started
    return fig


def load(name: str, limit: int | None) -> list[dict]:
    path = DATA / f"{name}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=("dev", "heldout"), default=None)
    ap.add_argument("--limit", type=int, default=None, help="rows per set (a quick look)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every dev failure")
    ap.add_argument("--show-heldout-failures", action="store_true", help=argparse.SUPPRESS)
    ns = ap.parse_args(argv)
    names = [ns.only] if ns.only else ["heldout", "dev"]
    sets = {n: load(n, ns.limit) for n in names}
    figs = {n: measure(rows) for n, rows in sets.items()}
    programs = {n: len({r["origin"] for r in rows}) for n, rows in sets.items()}
    label = {"heldout": "held-out", "dev": "dev"}

    print("synoema fix --write, then synoema run: the expected output?\n")
    print(f"{'':<14}" + "".join(f"{label[n] + f' ({programs[n]} programs)':>32}" for n in names))
    for count in (1, 2, 3):
        line = f"{count} mistake{'s' if count > 1 else ' '}   " + "".join(
            f"{figs[n].by_count[count].cell():>32}" for n in names)
        if "heldout" in figs and figs["heldout"].by_count[count].tried:
            share = figs["heldout"].by_count[count].share()
            line += f"   target >= {TARGETS[count]:.0f}% on held-out: {'met' if share >= TARGETS[count] else 'MISSED'}"
        print(line)
    classes = sorted({k for f in figs.values() for k in f.by_class_any})
    print("\nper mistake class: rows with that mistake alone | rows with it among two or three")
    print(f"{'class':<20}" + "".join(f"{label[n] + ' alone':>22}{label[n] + ' combined':>22}" for n in names))
    for k in classes:
        cells = ""
        for n in names:
            alone = figs[n].by_class_single.get(k, Tally())
            combined = Tally()
            anyc = figs[n].by_class_any.get(k, Tally())
            combined.tried, combined.repaired = anyc.tried - alone.tried, anyc.repaired - alone.repaired
            cells += f"{alone.cell():>22}{combined.cell():>22}"
        print(f"{k:<20}{cells}")
    for n in names:
        f = figs[n]
        done = sum(t.tried for t in f.by_count.values())
        print(f"\n{label[n]}: {done} broken programs, repair + run {1000 * f.seconds / max(done, 1):.1f} ms each,"
              f" {f.seconds:.1f} s in all; still not checking after repair: "
              f"{sum(t.tried - t.checks for t in f.by_count.values())}")
    shown = ["dev"] if ns.verbose else []
    if ns.show_heldout_failures:
        shown.append("heldout")
    for n in shown:
        for row, fixed in figs.get(n, Figures()).failures:
            print(f"\n--- {row['id']} {row['origin']} {'+'.join(row['mistakes'])}\n{row['broken']}\n>>> repaired:\n{fixed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
