"""`compare RUN_A RUN_B`: is B better than A, and by how much, with a paired test over tasks.

Each task is a pair (its pass@1 in A, its pass@1 in B). The difference of the means gets a
bootstrap interval and a sign-flip permutation test, so a verdict such as "the fine-tuned 1.5B
beats the untuned 7B" (H7) or "fine-tuning lifts pass@1 to at least 75%" (H6, with `--target`)
says whether the data support it or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation import metrics
from evaluation.report import model_label
from evaluation.scoring import MODE_LABELS, ScoreError, load_summary


@dataclass(frozen=True)
class Comparison:
    a: str  # labels of the two runs
    b: str
    mode: str
    split: str | None
    task_ids: tuple[str, ...]
    a_pass1: float
    b_pass1: float
    test: metrics.PairedTest
    target: float | None
    alpha: float
    notes: tuple[str, ...] = ()
    b_values: tuple[float, ...] = ()  # B's pass@1 per task, for the interval of the target check

    @property
    def significant(self) -> bool:
        return self.test.significant(self.alpha)

    def verdict(self) -> str:
        d = self.test.difference
        p = f"p = {self.test.p_value:.3g}"
        if self.significant and d > 0:
            return f"B is better than A: {100 * d:+.1f} points of pass@1 ({p}, significant at {self.alpha})"
        if self.significant and d < 0:
            return f"B is worse than A: {100 * d:+.1f} points of pass@1 ({p}, significant at {self.alpha})"
        return f"no significant difference: {100 * d:+.1f} points of pass@1 ({p}; not significant at {self.alpha})"

    def target_verdict(self) -> str | None:
        if self.target is None:
            return None
        low, _ = self._b_interval()
        t = f"{100 * self.target:.0f}%"
        if self.b_pass1 >= self.target and low >= self.target:
            return f"B reaches {t}: yes (pass@1 {100 * self.b_pass1:.1f}%, interval from {100 * low:.1f}%)"
        if self.b_pass1 >= self.target:
            return (f"B reaches {t}: not shown (pass@1 {100 * self.b_pass1:.1f}%, but the interval goes down "
                    f"to {100 * low:.1f}%)")
        return f"B reaches {t}: no (pass@1 {100 * self.b_pass1:.1f}%)"

    def _b_interval(self) -> tuple[float, float]:
        interval = metrics.bootstrap_ci(list(self.b_values))
        return interval.low, interval.high

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "mode": self.mode,
            "split": self.split,
            "tasks": len(self.task_ids),
            "a_pass_at_1": round(self.a_pass1, 6),
            "b_pass_at_1": round(self.b_pass1, 6),
            "test": self.test.as_dict(),
            "significant": self.significant,
            "alpha": self.alpha,
            "verdict": self.verdict(),
            "target": self.target,
            "target_verdict": self.target_verdict(),
            "notes": list(self.notes),
        }


def _per_task(summary: Mapping[str, Any], mode: str, where: str) -> dict[str, float]:
    modes = summary.get("modes", {})
    if mode not in modes:
        raise ScoreError(f"{where} has no {mode!r} mode (it has {', '.join(modes) or 'none'})")
    return {tid: v["c"] / v["n"] for tid, v in modes[mode]["per_task"].items() if v.get("n")}


def compare_runs(
    run_a: str | Path,
    run_b: str | Path,
    *,
    mode: str = "raw",
    split: str | None = None,
    target: float | None = None,
    alpha: float = 0.05,
) -> Comparison:
    """Compare two scored runs on the tasks they share (optionally one split only)."""
    a_sum, b_sum = load_summary(run_a), load_summary(run_b)
    a_tasks, b_tasks = _per_task(a_sum, mode, str(run_a)), _per_task(b_sum, mode, str(run_b))
    meta = {**b_sum.get("task_meta", {}), **a_sum.get("task_meta", {})}
    common = [t for t in a_tasks if t in b_tasks and (split is None or meta.get(t, {}).get("split") == split)]
    if not common:
        raise ScoreError("the two runs share no scored task" + (f" in the {split} split" if split else ""))
    notes = []
    digest_a = a_sum.get("run", {}).get("task_set", {}).get("digest")
    digest_b = b_sum.get("run", {}).get("task_set", {}).get("digest")
    if digest_a != digest_b:
        notes.append(f"the runs used different task sets; compared on the {len(common)} tasks they share")
    a_values = [a_tasks[t] for t in common]
    b_values = [b_tasks[t] for t in common]
    test = metrics.paired_test(a_values, b_values)
    label_a, label_b = model_label(a_sum), model_label(b_sum)
    if label_a == label_b:
        label_a, label_b = f"{label_a} ({Path(run_a).name})", f"{label_b} ({Path(run_b).name})"
    return Comparison(label_a, label_b, mode, split, tuple(common), metrics.mean(a_values),
                      metrics.mean(b_values), test, target, alpha, tuple(notes), tuple(b_values))


def render(c: Comparison) -> str:
    """A short Markdown verdict."""
    t = c.test
    where = f" ({c.split} tasks)" if c.split else ""
    lines = [
        f"# {c.b} vs {c.a}: {MODE_LABELS.get(c.mode, c.mode)} mode{where}",
        "",
        "| Run | pass@1 (%) |",
        "| --- | ---: |",
        f"| A: {c.a} | {100 * c.a_pass1:.1f} |",
        f"| B: {c.b} | {100 * c.b_pass1:.1f} |",
        "",
        f"B − A: {100 * t.difference:+.1f} points (95% CI {100 * t.low:+.1f} … {100 * t.high:+.1f}) over "
        f"{t.tasks} paired tasks; B better on {t.better}, worse on {t.worse}; "
        f"{'exact' if t.exact else 'sampled'} sign-flip test p = {t.p_value:.3g}.",
        "",
        f"**Verdict:** {c.verdict()}.",
    ]
    target = c.target_verdict()
    if target:
        lines.append(f"**Target:** {target}.")
    for note in c.notes:
        lines.append(f"> Note: {note}.")
    return "\n".join(lines) + "\n"
