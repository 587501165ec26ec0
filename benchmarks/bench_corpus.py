"""Corpus benchmark: synth generation and validation throughput, and a whole synth build.

Prints, in one run:
- synth generation: candidates per second drawn from the families (no validation), on `--sample` slots;
- validation: candidates per second through `check_many` with `--jobs` workers, beside the same
  candidates validated with one worker (the baseline, measured in the same run);
- the build of `--target` programs (default 5,000) into a fresh folder: wall time, candidates per
  second, accept rate, validation pass rate, share of each category against the recipe, families,
  distinct AST shapes, near-duplicate rate after dedup, the least-covered required feature;
- an independent re-run of every accepted program (plain `check_many`) against its oracle output.
Target: the 5,000-program build in under 5 minutes on two cores, >= 99% accepted, shares within 5%.

    python benchmarks/bench_corpus.py [--target 5000] [--jobs 2] [--sample 400] [--seed 0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import synoema  # noqa: E402
from corpus import load_programs  # noqa: E402
from corpus.build import Builder  # noqa: E402
from corpus.gates import Gates, default_evaluation_files  # noqa: E402
from corpus.generators.synth import SynthGenerator  # noqa: E402
from corpus.schedule import Schedule  # noqa: E402
from corpus.schema import CATEGORIES  # noqa: E402
from corpus.stats import compute  # noqa: E402
from corpus.validate import Check, Validator  # noqa: E402


def bench_generation(seed: int, n: int) -> tuple[float, list[Check]]:
    gen = SynthGenerator(seed)
    schedule = Schedule(seed, CATEGORIES)
    t0 = time.perf_counter()
    checks = []
    for i in range(n):
        slot = schedule.slot(i)
        s = gen._turns[slot.category][slot.rank].sample(slot.rng())
        checks.append(Check(s.source, s.expected_output, s.stdin))
    return n / (time.perf_counter() - t0), checks


def bench_validation(checks: list[Check], jobs: int) -> float:
    t0 = time.perf_counter()
    verdicts = Validator(jobs).many(checks)
    dt = time.perf_counter() - t0
    bad = sum(not v.ok for v in verdicts)
    if bad:
        print(f"  warning: {bad} candidates failed validation")
    return len(checks) / dt


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sample", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, default=None, help="build into this folder and keep it")
    ap.add_argument("--eval-tasks", action="store_true", help="decontaminate against evaluation/tasks/*.jsonl")
    args = ap.parse_args()

    synoema.check("main = 1\n")  # warm the prelude cache and one sandbox worker
    gen_rate, checks = bench_generation(args.seed, args.sample)
    print(f"synth generation: {gen_rate:8.0f} candidates/s ({args.sample} slots, no validation)")
    one = bench_validation(checks, 1)
    many = bench_validation(checks, args.jobs)
    print(f"validation:       {many:8.1f} candidates/s with {args.jobs} workers   (baseline 1 worker: {one:.1f}/s, x{many / one:.2f})")

    out = args.keep or Path(tempfile.mkdtemp(prefix="bench-corpus-")) / "corpus"
    if out.exists() and args.keep is None:
        shutil.rmtree(out)
    evals = default_evaluation_files() if args.eval_tasks else []
    t0 = time.perf_counter()
    result = Builder(out, SynthGenerator(args.seed), Gates.create(eval_files=evals), target=args.target, seed=args.seed,
                     jobs=args.jobs).run()
    wall = time.perf_counter() - t0
    rate = (result.candidates - sum(result.rejected.values())) / result.candidates if result.candidates else 1.0
    print(f"build {args.target}:       {wall:8.1f} s wall, {result.candidates / wall:.1f} candidates/s, accepted {rate:.2%} "
          f"({result.accepted}/{result.candidates}; rejected {dict(sorted(result.rejected.items()))})")
    stats = compute(out)
    print(f"  validation pass rate {stats['validation_pass_rate']:.2%}; families {stats['families']}; distinct AST shapes {stats['shapes']}; "
          f"near-duplicates after dedup {stats['near_duplicates']['rate']:.2%} (exact {stats['near_duplicates']['exact']})")
    for c, s in stats["categories"].items():
        print(f"  {c:16s} {s['accepted']:5d}  share {s['share']:.2%} (recipe {s['recipe_share']:.2%}, {s['share_error']:+.1%})  "
              f"families {s['families']}  shapes {s['shapes']}")
    req = {f: v["programs"] for f, v in stats["features"].items() if v["required"]}
    low = min(req, key=lambda f: req[f])
    print(f"  required features: {len(req)}, least covered {low} in {req[low]} programs; decontaminated against {len(evals)} file(s)")

    records = load_programs(out)
    t0 = time.perf_counter()
    reports = synoema.check_many([{"source": r.source, "stdin": r.stdin} for r in records], jobs=args.jobs)
    wrong = sum(rep.stdout != r.expected_output for r, rep in zip(records, reports))
    print(f"independent re-run: {len(records)} programs in {time.perf_counter() - t0:.1f} s, {wrong} differ from the oracle output")
    if args.keep is None:
        shutil.rmtree(out.parent, ignore_errors=True)
    return 0 if wrong == 0 and result.complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
