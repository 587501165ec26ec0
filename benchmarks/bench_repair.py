"""Repair benchmark: broken programs -> `synoema fix --write` -> `synoema run` -> the expected output?

Reads the shipped sets in `benchmarks/data/repair/` (built by `benchmarks/make_repair_sets.py`; its
docstring says how each was made):

- `fresh`: held-out programs with a third injector written after the rules (unseen programs, unseen
  phrasings): the honest figure;
- `heldout`: held-out programs with the second injector (unseen programs; its phrasings were also
  used on the dev programs while writing rules);
- `dev`: the programs and injectors the rules were written against.

A row counts as repaired when the program `synoema.repair` returns runs and prints the row's
expected output (line by line, trailing blanks ignored). The baseline, measured in the same run on
the same rows, is the repair package as it was before issue 16 (`BASELINE_REF`, read from git).
Targets on the held-out sets: >= 98% with one mistake, >= 90% with two, >= 80% with three.

    python benchmarks/bench_repair.py [--only fresh|heldout|dev] [--sample N] [--jobs N]
        [--no-baseline] [--verbose]

`--verbose` prints the dev failures; held-out failures are printed only with
`--show-heldout-failures` (do not use it while writing rules: the figure would stop being held out).
"""

from __future__ import annotations

import argparse
import atexit
import importlib.util
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synoema.api import run_source  # noqa: E402
from synoema.execute import Limits  # noqa: E402
from synoema.fences import output_matches  # noqa: E402
from synoema.repair import repair  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "repair"
LIMITS = Limits(timeout=5.0)
TARGETS = {1: 98.0, 2: 90.0, 3: 80.0}
SETS = ("fresh", "heldout", "dev")
LABEL = {"fresh": "fresh held-out", "heldout": "held-out", "dev": "dev"}
BASELINE_REF = "02af1b7"  # the last commit of synoema/repair before issue 16's rules
BASELINE_PACKAGE = "synoema._repair_baseline"


def load_baseline(ref: str = BASELINE_REF) -> Any | None:
    """`synoema/repair` at git `ref`, imported as its own package beside today's (None without git)."""
    try:
        names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", ref, "synoema/repair/"],
                               capture_output=True, text=True, check=True).stdout.split()
        folder = Path(tempfile.mkdtemp(prefix="repair-baseline-"))
        atexit.register(shutil.rmtree, folder, True)  # its rules import lazily: kept until exit
        for name in names:
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:{name}"], capture_output=True,
                                  text=True, check=True).stdout
            (folder / Path(name).name).write_text(text, encoding="utf-8")
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_file_location(BASELINE_PACKAGE, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[BASELINE_PACKAGE] = module
    spec.loader.exec_module(module)
    return module


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


_BASELINE: Any = None


def attempt(row: dict, baseline: bool = False) -> tuple[bool, bool, str]:
    """(prints the expected output, the repaired program checks, the repaired program)."""
    fixer = _BASELINE.repair if baseline else repair
    fixed = fixer(row["broken"])
    if not fixed.ok:
        return False, False, fixed.source
    got = run_source(fixed.source, stdin=row.get("stdin", ""), limits=LIMITS)
    return got.exit_code == 0 and output_matches(row["expected_output"], got.stdout), True, fixed.source


def _attempt_job(job: tuple[dict, bool]) -> tuple[bool, bool, str]:
    return attempt(*job)


def _init_worker(with_baseline: bool) -> None:
    global _BASELINE
    if with_baseline and _BASELINE is None:
        _BASELINE = load_baseline()


def measure(rows: list[dict], baseline: bool = False, pool: ProcessPoolExecutor | None = None) -> Figures:
    fig = Figures()
    started = time.perf_counter()
    jobs = [(row, baseline) for row in rows]
    results = pool.map(_attempt_job, jobs, chunksize=8) if pool is not None else map(_attempt_job, jobs)
    for row, (ok, checks, fixed) in zip(rows, results, strict=True):
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


def load(name: str, sample: int | None = None, seed: int = 16) -> list[dict]:
    """A set's rows; with `sample`, a fixed random `sample` rows per mistake count."""
    path = DATA / f"{name}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not sample:
        return rows
    out: list[dict] = []
    for count in (1, 2, 3):
        same = [r for r in rows if len(r["mistakes"]) == count]
        random.Random(f"{seed}:{name}:{count}").shuffle(same)
        out += same[:sample]
    return out


def report(names: list[str], sets: dict[str, list[dict]], now: dict[str, Figures],
           base: dict[str, Figures]) -> None:
    programs = {n: len({r["origin"] for r in rows}) for n, rows in sets.items()}
    print("synoema fix --write, then synoema run: the expected output?  (now | baseline: repair before issue 16)\n")
    width = 42
    print(f"{'':<12}" + "".join(f"{LABEL[n] + f' ({programs[n]} programs)':>{width}}" for n in names))
    for count in (1, 2, 3):
        line = f"{count} mistake{'s' if count > 1 else ' '}  "
        for n in names:
            cell = now[n].by_count[count].cell()
            if n in base:
                cell += f" | {base[n].by_count[count].share():5.1f}%"
            line += f"{cell:>{width}}"
        print(line)
    for n in names:
        if n == "dev":
            continue
        verdicts = []
        for count in (1, 2, 3):
            t = now[n].by_count[count]
            if t.tried:
                verdicts.append(f"{count}: {'met' if t.share() >= TARGETS[count] else 'MISSED'}"
                                f" (>= {TARGETS[count]:.0f}%)")
        print(f"targets on {LABEL[n]}: " + ", ".join(verdicts))
    classes = sorted({k for f in now.values() for k in f.by_class_any})
    print("\nper mistake class (now): rows with that mistake alone | rows with it among two or three")
    print(f"{'class':<20}" + "".join(f"{LABEL[n] + ' alone':>24}{LABEL[n] + ' combined':>24}" for n in names))
    for k in classes:
        cells = ""
        for n in names:
            alone = now[n].by_class_single.get(k, Tally())
            anyc = now[n].by_class_any.get(k, Tally())
            combined = Tally(anyc.tried - alone.tried, anyc.repaired - alone.repaired)
            cells += f"{alone.cell():>24}{combined.cell():>24}"
        print(f"{k:<20}{cells}")
    for n in names:
        f = now[n]
        done = sum(t.tried for t in f.by_count.values())
        extra = f"; baseline {base[n].seconds:.1f} s" if n in base else ""
        print(f"\n{LABEL[n]}: {done} broken programs, repair + run {1000 * f.seconds / max(done, 1):.1f} ms each,"
              f" {f.seconds:.1f} s in all{extra}; still not checking after repair: "
              f"{sum(t.tried - t.checks for t in f.by_count.values())}")


def main(argv: list[str] | None = None) -> int:
    global _BASELINE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=SETS, default=None)
    ap.add_argument("--sample", type=int, default=None, help="a fixed random N rows per mistake count and set")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--no-baseline", action="store_true", help="leave out the baseline (half the time)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every dev failure")
    ap.add_argument("--show-heldout-failures", action="store_true", help=argparse.SUPPRESS)
    ns = ap.parse_args(argv)
    names = [ns.only] if ns.only else list(SETS)
    sets = {n: load(n, ns.sample) for n in names}
    with_baseline = not ns.no_baseline
    if with_baseline:
        _BASELINE = load_baseline()
        if _BASELINE is None:
            print(f"(no baseline: git or commit {BASELINE_REF} is not available)")
            with_baseline = False
    pool = ProcessPoolExecutor(ns.jobs, initializer=_init_worker, initargs=(with_baseline,)) if ns.jobs > 1 else None
    try:
        now = {n: measure(rows, pool=pool) for n, rows in sets.items()}
        base = {n: measure(rows, baseline=True, pool=pool) for n, rows in sets.items()} if with_baseline else {}
    finally:
        if pool is not None:
            pool.shutdown()
    report(names, sets, now, base)
    shown = ["dev"] if ns.verbose else []
    if ns.show_heldout_failures:
        shown += ["heldout", "fresh"]
    for n in shown:
        for row, fixed in now.get(n, Figures()).failures:
            print(f"\n--- {row['id']} {row['origin']} {'+'.join(row['mistakes'])}\n{row['broken']}\n>>> repaired:\n{fixed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
