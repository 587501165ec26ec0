"""Scoring benchmark: `synoema-eval score` of 50 tasks × 10 samples in all four modes.

The samples are synthesised from the `fifty` task set the way a mid-sized model answers: right
programs, programs with a wrong result, Python and Haskell habits the rules repair, code cut off
mid-way, runtime errors, a couple of endless loops, prose and empty replies; every sample is
distinct text (a model at temperature 0.8 rarely repeats itself). The model-repair mode has the
engine's repaired code for some failing samples, and the grammar pass its own samples (programs
that parse, unless cut short). Prints the scoring time beside a baseline measured in the
same run: one `check_many` of the same distinct programs (the floor: every program parsed, typed
and run once, no repair, no bookkeeping). Target: scoring under 30 s on two cores.

    python benchmarks/bench_eval.py [--samples 10] [--jobs 2] [--loops 2]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation.generation import GENERATIONS, MANIFEST, GenerateSettings, sample_key  # noqa: E402
from evaluation.scoring import score_run  # noqa: E402
from evaluation.tasks import Task, load_tasks  # noqa: E402


def _variant(task: Task, kind: str, tag: str) -> str:
    """The reply text of one synthetic sample."""
    code = task.solution
    if kind == "prose":
        return f"I would solve {task.id} with a recursive helper and print the result ({tag})."
    if kind == "empty":
        return ""
    if kind == "loop":
        code = f"spin n = spin (n + 1)\nmain = spin {len(tag)}\n"
    elif kind == "wrong":
        code = re.sub(r"(\d+)(?!.*\d)", lambda m: str(int(m.group(1)) + 1), code, count=1, flags=re.S)
    elif kind == "python":
        code = code.replace("? ", "if ", 1).replace(" -> ", " then ", 1).replace(" : ", " else ", 1)
        if code == task.solution:
            code = re.sub(r"\[(\w+) (\w+)", r"[\1, \2", code, count=1)
    elif kind == "haskell":
        code = re.sub(r"^([A-Z]\w*(?: [a-z])* = [A-Z])", r"data \1", code, count=1, flags=re.M)
        if code == task.solution:
            code = code.replace("main =", "main :: IO ()\nmain =", 1)
    elif kind == "cut":
        code = code[: max(12, len(code) // 2)]
    elif kind == "crash":
        code = code + "\nboom = head []\n"
        code = code.replace("main =", "main_old =", 1) + "main = boom\n"
    body = f"-- {tag}\n{code.rstrip()}\n"
    return f"Here is the program.\n\n```sno\n{body}```\n"


KINDS = ["right", "right", "right", "wrong", "python", "haskell", "cut", "crash", "prose", "empty"]
# Under the grammar every reply is a fenced program that parses, unless max_tokens cut it short.
GRAMMAR_KINDS = ["right", "right", "right", "wrong", "crash", "cut"]


def build_run(folder: Path, samples: int, loops: int, seed: int = 0) -> None:
    tasks = load_tasks("fifty")
    rng = random.Random(seed)
    settings = GenerateSettings(backend="openai", backend_options={"base_url": "http://127.0.0.1:9/v1"},
                                tasks="fifty", samples=samples, temperature=0.8, grammar="builtin")
    manifest = {"format": 1, "settings": settings.as_dict(), "task_set": tasks.describe(),
                "passes": ["plain", "grammar"], "notes": [], "model": {"model": "synthetic"}}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    loop_slots = set(rng.sample(range(len(tasks) * samples), loops))
    lines = []
    for ti, task in enumerate(tasks):
        for s in range(samples):
            for pass_name in ("plain", "grammar"):
                kind = rng.choice(KINDS if pass_name == "plain" else GRAMMAR_KINDS)
                if pass_name == "plain" and ti * samples + s in loop_slots:
                    kind = "loop"
                text = _variant(task, kind, f"{task.id} {s} {pass_name}")
                blocks = []
                if pass_name == "plain" and kind in ("cut", "crash", "python") and text:
                    raw = text.split("```sno\n", 1)[1].rsplit("```", 1)[0]
                    fixed = task.solution if rng.random() < 0.5 else raw
                    blocks = [{"index": 0, "code": raw, "final_code": fixed, "repaired": fixed != raw,
                               "model_rounds": 1, "quoted": False}]
                lines.append(json.dumps({"key": sample_key(task.id, s, pass_name), "task_id": task.id,
                                         "sample": s, "pass": pass_name, "text": text, "blocks": blocks,
                                         "error": None, "latency_s": 1.0, "completion_tokens": 100,
                                         "prompt_tokens": 1800, "calls": [{}]}))
    (folder / GENERATIONS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--loops", type=int, default=2, help="samples that never stop (each costs the timeout)")
    parser.add_argument("--timeout", type=float, default=5.0)
    ns = parser.parse_args()
    from evaluation.extract import pick_program
    from evaluation.generation import latest_records
    from evaluation.scoring import eval_limits
    from synoema import check_many
    from synoema.sandbox import get_pool

    get_pool(min_size=ns.jobs)  # the workers' start-up is not part of either figure
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_run(folder, ns.samples, ns.loops)
        records = latest_records(folder / GENERATIONS)
        codes = {p.code for r in records.values() if (p := pick_program(r["text"])) is not None}
        started = time.perf_counter()
        check_many(sorted(codes), jobs=ns.jobs, limits=eval_limits(ns.timeout))
        baseline = time.perf_counter() - started
        # a fresh folder, so the scorer's work is not cached from the baseline's checks
        folder2 = Path(tmp) / "run"
        folder2.mkdir()
        build_run(folder2, ns.samples, ns.loops, seed=1)
        started = time.perf_counter()
        summary = score_run(folder2, jobs=ns.jobs, timeout=ns.timeout)
        scoring = time.perf_counter() - started
    n = summary["tasks"] * summary["samples_per_task"]
    print(f"samples: {summary['tasks']} tasks × {summary['samples_per_task']} = {n} per mode, "
          f"modes {', '.join(summary['modes_available'])}, {ns.loops} endless loops (timeout {ns.timeout:g} s)")
    print(f"baseline  check_many of {len(codes)} distinct programs: {baseline:6.2f} s")
    print(f"scoring   synoema-eval score (all modes, repair, summary): {scoring:6.2f} s   target < 30 s")
    for mode, m in summary["modes"].items():
        print(f"  {mode:8} syntax {100 * m['syntax_rate']:5.1f}%  correct {100 * m['correct_rate']:5.1f}%  "
              f"pass@1 {100 * m['pass_at_k']['1']['estimate']:5.1f}%")


if __name__ == "__main__":
    main()
