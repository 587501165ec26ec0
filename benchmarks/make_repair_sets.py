"""Build the repair benchmark's broken-program sets (benchmarks/data/repair/*.jsonl).

Three sets, made apart so the held-out figures are not tuned:

- `dev.jsonl`: the development set, looked at while writing the repair rules. Programs: our
  conformance programs (`tests/conformance/*/*.sno` with an `.out`), the `dev` tasks of
  `evaluation/tasks/*.jsonl` and, given `--corpus DIR`, the corpus's train split. Mistakes:
  `synoema.repair.mistakes` (the injector the rules were written against) and, after the first
  held-out measurement, `benchmarks/repair_habits.py` on these same programs.
- `heldout.jsonl`: programs no rule was written from: the `heldout` tasks of
  `evaluation/tasks/*.jsonl` and the corpus's test split (families apart from train). Mistakes:
  `benchmarks/repair_habits.py`, a second injector with its own code and phrasing. Its programs
  are unseen; its phrasings were seen on the dev programs (above), so it is the weaker held-out set.
- `fresh.jsonl`: programs no rule was written from (the held-out ones and the corpus's validation
  split) and a third injector, `benchmarks/repair_slips.py`, written after the rules, from the
  failure classes of issue 16; no rule was written after looking at its output.

The shipped sets were built with `--corpus` pointing at `synoema-corpus build --target 800 --seed 16`
then `synoema-corpus split` (default ratios).

Each row: id, split, origin (where the correct program came from), mistakes (their classes, in the
taxonomy the injectors share), broken (the program to repair), stdin, expected_output (what the
correct program prints under `synoema run`). A variant that still checks is left out: its mistake
broke nothing.

    python benchmarks/make_repair_sets.py [--seed 16] [--variants 3] [--pairs N] [--triples N]
        [--corpus DIR] [--corpus-max 80]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import repair_habits  # noqa: E402
import repair_slips  # noqa: E402

from synoema.api import check_source, run_source  # noqa: E402
from synoema.durable import write_atomic  # noqa: E402
from synoema.execute import Limits  # noqa: E402
from synoema.repair import mistakes  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "repair"
LIMITS = Limits(timeout=5.0)


@dataclass(frozen=True)
class Program:
    origin: str
    source: str
    stdin: str
    expected: str
    filename: str | None = None


def _runs(origin: str, source: str, stdin: str = "", filename: str | None = None) -> Program | None:
    got = run_source(source, filename=filename, stdin=stdin, limits=LIMITS)
    if got.exit_code != 0:
        return None
    return Program(origin, source, stdin, got.stdout, filename)


def _tasks(split: str) -> list[Program]:
    out = []
    for path in sorted((ROOT / "evaluation" / "tasks").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split", "dev") == split:
                p = _runs(f"{path.stem}:{row['id']}", row["solution"], row.get("stdin", ""))
                if p is not None:
                    out.append(p)
    return out


def dev_programs(corpus: Path | None, most: int, seed: int) -> list[Program]:
    out = []
    for sno in sorted((ROOT / "tests" / "conformance").glob("*/*.sno")):
        if not sno.with_suffix(".out").exists() or sno.with_suffix(".args").exists():
            continue
        if any(k in sno.read_text(encoding="utf-8") for k in ("import ", "use ")):
            continue  # the sets are self-contained programs
        stdin_file = sno.with_suffix(".in")
        stdin = stdin_file.read_text(encoding="utf-8") if stdin_file.exists() else ""
        p = _runs(f"conformance:{sno.parent.name}/{sno.stem}", sno.read_text(encoding="utf-8"), stdin)
        if p is not None:
            out.append(p)
    return out + _tasks("dev") + corpus_programs(corpus, "train", most, 3, seed)


def corpus_programs(corpus: Path | None, split: str, most: int, per_family: int, seed: int) -> list[Program]:
    """Up to `most` programs of one split of a built corpus (`synoema-corpus build` + `split`), a few per family."""
    if corpus is None:
        return []
    path = corpus / f"{split}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    random.Random(seed).shuffle(rows)
    taken: dict[str, int] = {}
    out = []
    for r in rows:
        fam = r.get("family", r["id"])
        if taken.get(fam, 0) >= per_family or len(out) >= most:
            continue
        p = _runs(f"corpus-{split}:{fam}/{r['id']}", r["source"], r.get("stdin", ""))
        if p is not None and p.expected == r["expected_output"]:
            taken[fam] = taken.get(fam, 0) + 1
            out.append(p)
    return out


def heldout_programs(corpus: Path | None, most: int, seed: int) -> list[Program]:
    return _tasks("heldout") + corpus_programs(corpus, "test", most, 5, seed)


def fresh_programs(corpus: Path | None, most: int, seed: int) -> list[Program]:
    """The held-out programs and the corpus's validation families (no rule was written from either)."""
    return heldout_programs(corpus, most, seed) + corpus_programs(corpus, "validation", most, 5, seed)




def _dev_spoil(source: str, classes: list[str], rng: random.Random) -> str | None:
    return mistakes.inject(source, classes, rng)


def _still_checks(text: str) -> bool:
    return not any(d.is_error for d in check_source(text).diagnostics)


def build(programs: list[Program], spoil, classes: list[str], split: str, seed: int, variants: int,
          pairs: int, triples: int, injector: str, rows: list[dict] | None = None, salt: str = "") -> list[dict]:
    rows = [] if rows is None else rows
    seen: set[str] = {r["broken"] for r in rows}

    def add(p: Program, ks: list[str], broken: str | None) -> bool:
        if broken is None or broken == p.source or broken in seen or _still_checks(broken):
            return False
        seen.add(broken)
        rows.append({"id": f"{split}-{len(rows):05d}", "split": split, "origin": p.origin, "injector": injector,
                     "mistakes": ks, "broken": broken, "stdin": p.stdin, "expected_output": p.expected})
        return True

    applicable: dict[int, list[str]] = {}
    for i, p in enumerate(programs):
        applicable[i] = []
        for k in classes:
            made = 0
            for v in range(variants * 3):
                if made >= variants:
                    break
                broken = spoil(p.source, [k], random.Random(f"{seed}{salt}:{split}:{i}:{k}:{v}"))
                if broken is not None and k not in applicable[i]:
                    applicable[i].append(k)
                made += add(p, [k], broken)
    for n, budget in ((2, pairs), (3, triples)):
        rng = random.Random(f"{seed}{salt}:{split}:multi:{n}")
        pool = [(i, list(ks)) for i in applicable for ks in combinations(applicable[i], n)]
        rng.shuffle(pool)
        got = 0
        for t, (i, ks) in enumerate(pool):
            if got >= budget:
                break
            for attempt in range(3):
                if add(programs[i], ks, spoil(programs[i].source, ks, random.Random(f"{seed}{salt}:{split}:{n}:{t}:{attempt}"))):
                    got += 1
                    break
    return rows


def write(path: Path, rows: list[dict]) -> None:
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--variants", type=int, default=2, help="one-mistake variants per program and class")
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--triples", type=int, default=400)
    ap.add_argument("--corpus", type=Path, default=None,
                    help="a built and split corpus folder: its test split joins the held-out programs, its train split the dev ones")
    ap.add_argument("--corpus-max", type=int, default=80, help="corpus programs to take at most, per split")
    ap.add_argument("--only", choices=("dev", "heldout", "fresh"), default=None)
    ap.add_argument("--out", type=Path, default=DATA)
    ns = ap.parse_args(argv)
    ns.out.mkdir(parents=True, exist_ok=True)
    if ns.only in (None, "dev"):
        progs = dev_programs(ns.corpus, ns.corpus_max, ns.seed)
        rows = build(progs, _dev_spoil, sorted(mistakes.INJECTORS), "dev", ns.seed, ns.variants, ns.pairs, ns.triples,
                     "mistakes")
        # the held-out injector's habits on the dev programs too (see the README: after the first
        # held-out measurement, rules were also written against these)
        rows = build(progs, repair_habits.spoil, repair_habits.CLASSES, "dev", ns.seed, 1, ns.pairs // 2,
                     ns.triples // 2, "habits", rows, salt=":habits")
        write(ns.out / "dev.jsonl", rows)
        print(f"dev: {len(progs)} programs, {len(rows)} broken variants -> {ns.out / 'dev.jsonl'}")
    if ns.only in (None, "heldout"):
        progs = heldout_programs(ns.corpus, ns.corpus_max, ns.seed)
        rows = build(progs, repair_habits.spoil, repair_habits.CLASSES, "heldout", ns.seed, ns.variants, ns.pairs,
                     ns.triples, "habits")
        write(ns.out / "heldout.jsonl", rows)
        print(f"heldout: {len(progs)} programs, {len(rows)} broken variants -> {ns.out / 'heldout.jsonl'}")
    if ns.only in (None, "fresh"):
        progs = fresh_programs(ns.corpus, ns.corpus_max, ns.seed)
        rows = build(progs, repair_slips.spoil, repair_slips.CLASSES, "fresh", ns.seed, ns.variants, ns.pairs,
                     ns.triples, "slips")
        write(ns.out / "fresh.jsonl", rows)
        print(f"fresh: {len(progs)} programs, {len(rows)} broken variants -> {ns.out / 'fresh.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
