"""Ask benchmark: key-fact accuracy of the offline answers, per topic, on the dev and held-out questions.

Every question in `benchmarks/ask_questions/{dev,heldout}.jsonl` lists the facts a right answer must
contain (`assistant.offline.keyfacts`). An answer counts as right when it contains all of them. The
baseline is the retrieval answer (the nearest reference passage, `PassageAsker`), run in the same
process on the same questions. Latency is per answer, warm (every question answered once before the
timed pass), on all questions of both splits.

The held-out split was written before the engine and is never used to tune it: `--misses` lists the
failures of the dev split only.

    python benchmarks/bench_ask.py [--misses]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.offline import OfflineEngine  # noqa: E402
from assistant.offline.keyfacts import SPLITS, TOPICS, Question, load_questions, missing_facts  # noqa: E402
from assistant.offline.passage_answer import PassageAsker  # noqa: E402

Answerer = Callable[[Question], str]


def engine_answerer(engine: OfflineEngine) -> Answerer:
    return lambda q: "".join(engine.answer(q.kind, q.question))


def baseline_answerer(engine: OfflineEngine) -> Answerer:
    old = PassageAsker(engine.knowledge)
    return lambda q: "".join(old.write(q.question) if q.kind == "write" else old.answer(q.question))


def score(answer: Answerer, questions: Iterable[Question]) -> tuple[dict[str, list[bool]], list[float], list[str]]:
    by_topic: dict[str, list[bool]] = defaultdict(list)
    times: list[float] = []
    misses: list[str] = []
    for q in questions:
        t0 = time.perf_counter()
        text = answer(q)
        times.append(time.perf_counter() - t0)
        lost = missing_facts(text, q)
        by_topic[q.topic].append(not lost)
        if lost:
            misses.append(f"{q.id} {q.question!r}: missing {lost}")
    return by_topic, times, misses


def pct(flags: list[bool]) -> str:
    return f"{sum(flags) / len(flags):6.1%}" if flags else "     -"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--misses", action="store_true", help="list the dev questions answered without every fact")
    opts = ap.parse_args()
    engine = OfflineEngine()
    engine.warm()
    sets = {split: load_questions(split) for split in SPLITS}
    systems = {"offline": engine_answerer(engine), "baseline": baseline_answerer(engine)}
    results = {}
    for name, answer in systems.items():
        for split, qs in sets.items():
            score(answer, qs)  # warm pass: imports, caches, example runs
            results[name, split] = score(answer, qs)
    print(f"questions: dev {len(sets['dev'])}, held-out {len(sets['heldout'])}; "
          "a question counts when the answer contains all its key facts\n")
    header = f"{'topic':<10}" + "".join(f"{n + ' ' + s:>18}" for n in systems for s in SPLITS)
    print(header)
    for topic in (*TOPICS, "all"):
        row = f"{topic:<10}"
        for n in systems:
            for s in SPLITS:
                by_topic = results[n, s][0]
                flags = [f for t in TOPICS for f in by_topic[t]] if topic == "all" else by_topic[topic]
                row += f"{pct(flags):>18}"
        print(row)
    print()
    for n in systems:
        times = sorted(t for s in SPLITS for t in results[n, s][1])
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(f"{n:<9} latency warm: p50 {statistics.median(times) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"
              f"   ({len(times)} answers)")
    if opts.misses:
        print("\ndev misses (offline):")
        for line in results["offline", "dev"][2]:
            print("  " + line)


if __name__ == "__main__":
    main()
