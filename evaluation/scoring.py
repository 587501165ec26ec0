"""`score`: run every sample's code under limits and measure the funnel, per mode.

For each sample and mode the funnel is: code extracted → parses → type-checks → runs → correct
output. Modes, measured side by side on the same samples:

- ``raw``: the model's own code;
- ``rules``: raw, then the rule-based repair (`synoema.repair`) when it does not check;
- ``model``: the engine's repair loop (rules, then the model asked again with the diagnostics),
  as recorded at generation time;
- ``grammar``: code generated under the GBNF grammar (a separate generation pass).

Programs run through `synoema.check_many` (the sandbox's worker pool, with time and memory
limits); identical code is checked once. "Correct" compares what `synoema run` prints with the
task's expected output by `synoema.fences.output_matches`, leaving out the `()` line that shows
main's unit value (so `main = print x` and `main = x` are both right answers).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from evaluation import metrics, taxonomy
from evaluation.extract import Picked, pick_program
from evaluation.tasks import Task
from synoema.execute import Limits

MODES: tuple[str, ...] = ("raw", "rules", "model", "grammar")
MODE_LABELS: dict[str, str] = {
    "raw": "raw",
    "rules": "+ rule repair",
    "model": "+ model repair loop",
    "grammar": "+ grammar",
}
STAGES: tuple[str, ...] = ("extracted", "parses", "types", "runs", "correct")
RATE_NAMES: dict[str, str] = {"parses": "syntax_rate", "types": "type_rate", "runs": "run_rate",
                              "correct": "correct_rate"}
UNIT_LINE = "()"
DEFAULT_TIMEOUT = 5.0
DEFAULT_MEMORY = 512 << 20


def eval_limits(timeout: float = DEFAULT_TIMEOUT) -> Limits:
    return Limits(timeout=timeout, max_memory=DEFAULT_MEMORY)


def _answer(text: str) -> str:
    """Printed output without the trailing `()` line of a main that ends with a print."""
    lines = text.rstrip("\n").split("\n")
    if lines and lines[-1].rstrip() == UNIT_LINE:
        lines.pop()
    return "\n".join(lines)


def output_correct(expected: str, stdout: str) -> bool:
    """Whether a run printed the expected answer (the unit line of main's value aside)."""
    from synoema.fences import output_matches

    return output_matches(_answer(expected), _answer(stdout))


@dataclass(frozen=True)
class SampleScore:
    """The funnel of one sample in one mode, and why it stopped."""

    task_id: str
    sample: int
    mode: str
    extracted: bool
    parses: bool
    types: bool
    runs: bool
    correct: bool
    bucket: str | None  # the failure bucket; None when correct
    first_error: str | None  # diagnostic code of the first error
    changed: bool  # this mode's code differs from the raw code
    repair_rules: tuple[str, ...] = ()  # rules of synoema.repair that changed the raw code
    stdout: str = ""  # the start of what it printed

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["repair_rules"] = list(self.repair_rules)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SampleScore:
        values = dict(data)
        values["repair_rules"] = tuple(values.get("repair_rules", ()))
        return cls(**values)


@dataclass(frozen=True)
class _Verdict:
    """What scoring needs from one `CheckReport` (kept small: thousands are held at once)."""

    parses: bool
    types: bool
    is_program: bool
    runs: bool
    run_skipped: bool
    first_error: str | None
    stdout: str


def _verdict(report: Any) -> _Verdict:
    stages = report.stages
    first = report.first_error
    is_program = report.shape == "program"
    return _Verdict(
        parses=stages.get("parse") == "passed",
        types=stages.get("types") == "passed",
        is_program=is_program,
        runs=is_program and stages.get("run") == "passed" and not report.errors,
        run_skipped=is_program and stages.get("types") == "passed" and stages.get("run") == "skipped",
        first_error=first.code if first is not None else None,
        stdout=report.stdout,
    )


@dataclass(frozen=True)
class _Repair:
    code: str
    rules: tuple[str, ...]


def available_modes(manifest: Mapping[str, Any]) -> tuple[str, ...]:
    """The modes a run's generations support."""
    settings = manifest.get("settings", {})
    passes = manifest.get("passes", ["plain"])
    modes = ["raw", "rules"]
    if settings.get("repair_rounds", 0) > 0 and settings.get("backend") != "offline":
        modes.append("model")
    if "grammar" in passes:
        modes.append("grammar")
    return tuple(modes)


def _model_code(record: Mapping[str, Any], picked: Picked) -> str:
    """The engine's final code for the picked block (its repair result, or the raw code)."""
    blocks = record.get("blocks") or []
    for block in blocks:
        if block.get("index") == picked.index and block.get("code") == picked.code:
            return str(block.get("final_code") or picked.code)
    for block in blocks:
        if block.get("code") == picked.code:
            return str(block.get("final_code") or picked.code)
    return picked.code


ProgressFn = Callable[[str, int, int], None]


def score_samples(
    tasks: Sequence[Task],
    records: Mapping[str, Mapping[str, Any]],
    *,
    samples: int,
    modes: Sequence[str],
    limits: Limits | None = None,
    jobs: int | None = None,
    progress: ProgressFn | None = None,
) -> list[SampleScore]:
    """Score every present sample of `tasks` in each of `modes` (records keyed `task/sample/pass`)."""
    from evaluation.generation import GRAMMAR, PLAIN, sample_key
    from synoema import check_many

    limits = limits or eval_limits()
    # 1. the candidate code of every sample in every mode
    work: list[tuple[Task, int, str, Mapping[str, Any], Picked | None]] = []
    picks: dict[str, Picked | None] = {}  # raw, rules and model share the plain pass's reply
    for task in tasks:
        for sample in range(samples):
            for mode in modes:
                record = records.get(sample_key(task.id, sample, GRAMMAR if mode == "grammar" else PLAIN))
                if record is None:
                    continue
                text = str(record.get("text") or "")
                if text not in picks:
                    picks[text] = pick_program(text)
                work.append((task, sample, mode, record, picks[text]))
    code_of: dict[int, str | None] = {}
    for i, (_, _, mode, record, picked) in enumerate(work):
        if picked is None:
            code_of[i] = None
        elif mode == "model":
            code_of[i] = _model_code(record, picked)
        else:
            code_of[i] = picked.code  # rules mode is filled in after the first checks
    # 2. check every distinct code once
    verdicts: dict[str, _Verdict] = {}

    def check_all(codes: Iterable[str], stage: str) -> None:
        todo = sorted({c for c in codes if c not in verdicts})
        if not todo:
            return

        def tick(done: int, total: int, _report: Any) -> None:
            if progress is not None:
                progress(stage, done, total)

        for code, report in zip(todo, check_many(todo, jobs=jobs, limits=limits, progress=tick)):
            verdicts[code] = _verdict(report)

    check_all((c for c in code_of.values() if c is not None), "checking")
    # 3. rule repair of every code that does not check (the rules mode, and the habit buckets)
    failing = sorted({c for c, v in verdicts.items() if not (v.parses and v.types)})
    repairs = _repair_all(failing, jobs, progress)
    for i, (_, _, mode, _, _) in enumerate(work):
        code = code_of[i]
        if mode == "rules" and code is not None and code in repairs:
            code_of[i] = repairs[code].code
    check_all((c for c in code_of.values() if c is not None), "checking repaired code")
    # 4. the funnel of each sample
    scores: list[SampleScore] = []
    for i, (task, sample, mode, record, picked) in enumerate(work):
        code = code_of[i]
        raw = picked.code if picked is not None else None
        scores.append(_score_one(task, sample, mode, record, code, raw, verdicts, repairs))
    return scores


def _repair(code: str) -> _Repair:
    from synoema.repair import repair

    result = repair(code)
    rules = tuple(dict.fromkeys(edit.rule for edit in result.edits))
    return _Repair(result.source if result.changed else code, rules)


PARALLEL_REPAIRS = 48  # below this many, starting worker processes costs more than it saves
REPAIR_WORKER_TIMEOUT = 600.0


def _repair_all(codes: Sequence[str], jobs: int | None, progress: ProgressFn | None) -> dict[str, _Repair]:
    """Rule repair of every code; with enough of them, spread over one worker process per core.

    The workers are fresh interpreters (`python -m evaluation.repair_worker`, JSON on stdin and
    stdout), so nothing depends on how this process was started.
    """
    from synoema.sandbox import default_size

    workers = min(max(1, jobs or default_size()), 4)
    done: dict[str, _Repair] = {}
    if workers > 1 and len(codes) >= PARALLEL_REPAIRS:
        done = _repair_in_workers(codes, workers)
        if progress is not None and done:
            progress("repairing", len(done), len(codes))
    for number, code in enumerate(codes, 1):
        if code not in done:
            done[code] = _repair(code)
            if progress is not None:
                progress("repairing", number, len(codes))
    return done


def _repair_in_workers(codes: Sequence[str], workers: int) -> dict[str, _Repair]:
    """What the worker processes repaired; anything a worker did not return is left to the caller."""
    import json
    import subprocess
    import sys

    shares = [list(codes[i::workers]) for i in range(workers)]
    procs = []
    for share in shares:
        try:
            proc = subprocess.Popen([sys.executable, "-m", "evaluation.repair_worker"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        except OSError:
            break
        procs.append((proc, share))
    done: dict[str, _Repair] = {}
    for proc, share in procs:
        try:
            out, _ = proc.communicate(json.dumps(share), timeout=REPAIR_WORKER_TIMEOUT)
            results = json.loads(out) if proc.returncode == 0 else []
        except (subprocess.TimeoutExpired, ValueError, OSError):
            proc.kill()
            proc.wait()
            continue
        for code, (fixed, rules) in zip(share, results):
            done[code] = _Repair(str(fixed), tuple(str(r) for r in rules))
    return done


def _score_one(
    task: Task,
    sample: int,
    mode: str,
    record: Mapping[str, Any],
    code: str | None,
    raw: str | None,
    verdicts: Mapping[str, _Verdict],
    repairs: Mapping[str, _Repair],
) -> SampleScore:
    generation_error = bool(record.get("error"))
    if code is None:
        bucket = taxonomy.classify(
            generation_error=generation_error, extracted=False, parses=False, types=False, is_program=False,
            runs=False, run_skipped=False, correct=False, first_error=None,
        )
        return SampleScore(task.id, sample, mode, False, False, False, False, False, bucket, None, False)
    v = verdicts[code]
    correct = v.runs and output_correct(task.expected_output, v.stdout)
    rules = repairs[raw].rules if raw is not None and raw in repairs else ()
    # the habit behind a failure: the rules that changed this code, or (rules mode) the raw code
    own_rules = repairs[code].rules if code in repairs else (rules if mode == "rules" else ())
    bucket = taxonomy.classify(
        generation_error=generation_error, extracted=True, parses=v.parses, types=v.types,
        is_program=v.is_program, runs=v.runs, run_skipped=v.run_skipped, correct=correct,
        first_error=v.first_error, repair_rules=own_rules,
    )
    return SampleScore(
        task.id, sample, mode, True, v.parses, v.types, v.runs, correct, bucket, v.first_error,
        code != raw, rules, v.stdout[:200],
    )


# ── summaries ────────────────────────────────────────────────────────────────────────────────


def _funnel(scores: Sequence[SampleScore]) -> dict[str, float]:
    n = len(scores)
    return {stage: (sum(1 for s in scores if getattr(s, stage)) / n if n else 0.0) for stage in STAGES}


def _per_task(tasks: Sequence[Task], scores: Sequence[SampleScore]) -> dict[str, dict[str, Any]]:
    by_task: dict[str, list[SampleScore]] = {t.id: [] for t in tasks}
    for s in scores:
        by_task.setdefault(s.task_id, []).append(s)
    out: dict[str, dict[str, Any]] = {}
    for task_id, items in by_task.items():
        n = len(items)
        c = sum(1 for s in items if s.correct)
        out[task_id] = {
            "n": n,
            "c": c,
            **{stage: sum(1 for s in items if getattr(s, stage)) for stage in STAGES if stage != "correct"},
            "pass_at_1": c / n if n else 0.0,
        }
    return out


def _group(tasks: Sequence[Task], scores: Sequence[SampleScore], ks: Sequence[int], *,
           intervals: bool = True) -> dict[str, Any]:
    """The figures of one mode over a group of tasks (`intervals`: with bootstrap intervals)."""
    per_task = _per_task(tasks, scores)
    present = [t for t in tasks if per_task.get(t.id, {}).get("n")]
    funnel = _funnel(scores)
    out: dict[str, Any] = {
        "tasks": len(present),
        "samples": len(scores),
        **{RATE_NAMES.get(stage, stage + "_rate"): round(value, 6) for stage, value in funnel.items()},
    }
    pass_k: dict[str, Any] = {}
    for k in ks:
        values = [metrics.pass_at_k(per_task[t.id]["n"], per_task[t.id]["c"], k) for t in present
                  if per_task[t.id]["n"] >= k]
        if values:
            estimate = metrics.mean(values)
            pass_k[str(k)] = (metrics.bootstrap_ci(values) if intervals
                              else metrics.Interval(estimate, estimate, estimate)).as_dict()
    out["pass_at_k"] = pass_k
    return out


def summarize_mode(tasks: Sequence[Task], scores: Sequence[SampleScore], ks: Sequence[int]) -> dict[str, Any]:
    """Every figure of one mode: funnel, pass@k, per category / split / tag, per task, failures."""
    out = _group(tasks, scores, ks)

    def subgroup(selected: Sequence[Task], intervals: bool = True) -> dict[str, Any]:
        ids = {t.id for t in selected}
        return _group(selected, [s for s in scores if s.task_id in ids], ks[:1], intervals=intervals)

    categories: dict[str, list[Task]] = {}
    splits: dict[str, list[Task]] = {}
    tags: dict[str, list[Task]] = {}
    for t in tasks:
        categories.setdefault(t.category, []).append(t)
        splits.setdefault(t.split, []).append(t)
        for tag in t.tags:
            tags.setdefault(tag, []).append(t)
    out["categories"] = {name: subgroup(group) for name, group in categories.items()}
    out["splits"] = {name: subgroup(group) for name, group in sorted(splits.items())}
    # tags overlap and are many: their pass@1 comes without an interval (it would cost more than the rest)
    out["tags"] = {name: subgroup(group, intervals=False) for name, group in sorted(tags.items())}
    out["per_task"] = _per_task(tasks, scores)
    failing = [s for s in scores if not s.correct]
    buckets = Counter(s.bucket for s in failing if s.bucket)
    out["buckets"] = {b: buckets[b] for b in taxonomy.BUCKETS if buckets.get(b)}
    out["error_codes"] = dict(Counter(s.first_error for s in failing if s.first_error).most_common())
    out["repair_rules"] = dict(Counter(r for s in scores for r in s.repair_rules).most_common())
    out["changed"] = sum(1 for s in scores if s.changed)
    return out


def add_lifts(modes: dict[str, dict[str, Any]], scores: Sequence[SampleScore], tasks: Sequence[Task]) -> None:
    """The lift of each mode over raw: the pass@1 difference with its paired test over tasks."""
    if "raw" not in modes:
        return
    per_mode: dict[str, dict[str, float]] = {}
    for mode in modes:
        per_task = _per_task(tasks, [s for s in scores if s.mode == mode])
        per_mode[mode] = {tid: v["pass_at_1"] for tid, v in per_task.items() if v["n"]}
    raw = per_mode["raw"]
    for mode, figures in modes.items():
        if mode == "raw":
            continue
        common = [t.id for t in tasks if t.id in raw and t.id in per_mode[mode]]
        test = metrics.paired_test([raw[t] for t in common], [per_mode[mode][t] for t in common])
        figures["lift"] = {
            "pass_at_1": round(test.difference, 6),
            "correct_rate": round(figures["correct_rate"] - modes["raw"]["correct_rate"], 6),
            "syntax_rate": round(figures["syntax_rate"] - modes["raw"]["syntax_rate"], 6),
            "test": test.as_dict(),
        }


def generation_stats(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Token counts and latency of the first call of each sample, per pass; errors; repair calls."""
    out: dict[str, Any] = {}
    by_pass: dict[str, list[Mapping[str, Any]]] = {}
    for r in records:
        by_pass.setdefault(str(r.get("pass")), []).append(r)
    for name, items in sorted(by_pass.items()):
        latencies = sorted(float(r.get("latency_s") or 0.0) for r in items)
        completion = [int(r.get("completion_tokens") or 0) for r in items]
        prompt = [int(r.get("prompt_tokens") or 0) for r in items]
        calls = sum(len(r.get("calls") or []) for r in items)
        out[name] = {
            "samples": len(items),
            "errors": sum(1 for r in items if r.get("error")),
            "prompt_tokens_mean": round(metrics.mean(prompt), 1),
            "completion_tokens_mean": round(metrics.mean(completion), 1),
            "completion_tokens_total": sum(completion),
            "latency_mean_s": round(metrics.mean(latencies), 4),
            "latency_median_s": round(latencies[len(latencies) // 2], 4) if latencies else 0.0,
            "model_calls": calls,
            "repair_calls": max(0, calls - len(items)) if calls else 0,
            "exact_tokens": all(bool(r.get("exact_tokens")) for r in items),
            "token_counter": str(items[0].get("token_counter", "")) if items else "",
            "references": dict(Counter(str(r.get("reference")) for r in items)),
        }
    return out


def summarize(
    tasks: Sequence[Task],
    scores: Sequence[SampleScore],
    modes: Sequence[str],
    *,
    samples: int,
    records: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The summary object of a run (what `score --json` prints); raw-mode figures at the top."""
    ks = metrics.ks_for(samples)
    per_mode = {m: summarize_mode(tasks, [s for s in scores if s.mode == m], ks) for m in modes}
    for m, figures in per_mode.items():
        figures["label"] = MODE_LABELS.get(m, m)
    add_lifts(per_mode, scores, tasks)
    primary = per_mode.get("raw") or next(iter(per_mode.values()), {})
    expected = len(tasks) * samples
    present = len({(s.task_id, s.sample) for s in scores if s.mode == "raw"})
    return {
        "tasks": len(tasks),
        "samples_per_task": samples,
        "missing_samples": max(0, expected - present),
        "modes_available": list(modes),
        "syntax_rate": primary.get("syntax_rate", 0.0),
        "type_rate": primary.get("type_rate", 0.0),
        "run_rate": primary.get("run_rate", 0.0),
        "correct_rate": primary.get("correct_rate", 0.0),
        "pass_at_k": {k: v["estimate"] for k, v in primary.get("pass_at_k", {}).items()},
        "categories": primary.get("categories", {}),
        "splits": primary.get("splits", {}),
        "modes": per_mode,
        "task_meta": {t.id: {"category": t.category, "split": t.split, "terse": t.terse, "tags": list(t.tags)}
                      for t in tasks},
        "generation": generation_stats(records),
    }


# ── a run folder ─────────────────────────────────────────────────────────────────────────────

SCORES = "scores.jsonl"
SUMMARY = "summary.json"


class ScoreError(Exception):
    """A run folder that cannot be scored; the message says why."""


def score_run(
    run_dir: str | Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int | None = None,
    modes: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Score a generated run: writes `scores.jsonl` and `summary.json` in it, returns the summary."""
    import json

    from evaluation.generation import GenerateSettings, GenerationError, load_task_set, read_manifest
    from evaluation.generation import records_for as run_records
    from evaluation.tasks import TaskSetError
    from synoema.durable import write_atomic

    folder = Path(run_dir)
    try:
        manifest = read_manifest(folder)
    except GenerationError as exc:
        raise ScoreError(str(exc)) from None
    if manifest is None:
        raise ScoreError(f"{folder} has no run.json: generate the samples first (synoema-eval generate)")
    try:
        settings = GenerateSettings.from_dict(manifest["settings"])
        tasks = load_task_set(settings)
    except (GenerationError, TaskSetError, TypeError) as exc:
        raise ScoreError(f"{folder}/run.json: {exc}") from None
    if tasks.digest != manifest.get("task_set", {}).get("digest"):
        raise ScoreError(f"the task set {settings.tasks} changed since the run was generated; "
                         "generate again into a new folder")
    supported = available_modes(manifest)
    chosen = tuple(m for m in (modes or supported) if m in supported)
    unknown = [m for m in (modes or ()) if m not in supported]
    if unknown:
        raise ScoreError(f"mode(s) {', '.join(unknown)} not generated in this run (it has {', '.join(supported)})")
    records = run_records(folder, tasks, settings.samples, manifest.get("passes", ["plain"]))
    if not records:
        raise ScoreError(f"{folder} has no generations yet: run synoema-eval generate")
    started = time.perf_counter()
    scores = score_samples(list(tasks), records, samples=settings.samples, modes=chosen,
                           limits=eval_limits(timeout), jobs=jobs, progress=progress)
    summary = summarize(list(tasks), scores, chosen, samples=settings.samples, records=records.values())
    summary["scoring_seconds"] = round(time.perf_counter() - started, 3)
    summary["run"] = {
        "dir": str(folder),
        "backend": settings.backend,
        "model": _model_name(manifest),
        "prompt": settings.prompt,
        "temperature": settings.temperature,
        "seed": settings.seed,
        "max_tokens": settings.max_tokens,
        "repair_rounds": settings.repair_rounds,
        "grammar": settings.grammar,
        "task_set": manifest.get("task_set", {}),
        "notes": manifest.get("notes", []),
    }
    write_atomic(folder / SCORES, "".join(json.dumps(s.as_dict(), ensure_ascii=False) + "\n" for s in scores))
    write_atomic(folder / SUMMARY, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


def _model_name(manifest: Mapping[str, Any]) -> str:
    model = manifest.get("model") or {}
    settings = manifest.get("settings", {})
    options = settings.get("backend_options", {})
    name = model.get("model") or options.get("model") or options.get("model_path") or settings.get("backend")
    return Path(str(name)).name if str(name).endswith(".gguf") else str(name)


def load_scores(run_dir: str | Path) -> list[SampleScore]:
    from synoema.durable import read_jsonl

    return [SampleScore.from_dict(r) for r in read_jsonl(Path(run_dir) / SCORES).records]


def load_summary(run_dir: str | Path) -> dict[str, Any]:
    import json

    path = Path(run_dir) / SUMMARY
    if not path.exists():
        raise ScoreError(f"{run_dir} has no summary.json: run synoema-eval score {run_dir} first")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScoreError(f"cannot read {path}: {exc}") from None
