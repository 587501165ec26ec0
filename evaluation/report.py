"""Reports of scored runs: a Markdown report in the recipe's table format, and a PNG heatmap.

The Markdown leads with the recipe's table (syntax, type and correct-output rates per model),
extended with our modes side by side, pass@k with intervals and the lift of each mode over raw;
then the held-out and dev tasks apart, categories, tags, the failure taxonomy, every task, and
what generation cost. The heatmap (model × task, correct share per cell) needs matplotlib, kept in
the `eval` extra.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evaluation.scoring import MODE_LABELS
from evaluation.taxonomy import BUCKETS

REPORT = "report.md"
HEATMAP = "heatmap.png"
MATPLOTLIB_HINT = "pip install 'synoema-assistant[eval]' (or pip install matplotlib)"


class ReportError(Exception):
    """A report that cannot be made; the message says what is missing."""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _ci(interval: Mapping[str, float] | None) -> str:
    if not interval:
        return "–"
    return f"{_pct(interval['estimate'])} ({_pct(interval['low'])}–{_pct(interval['high'])})"


def _points(value: float) -> str:
    return f"{100 * value:+.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    spec = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in spec]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def model_label(summary: Mapping[str, Any]) -> str:
    run = summary.get("run", {})
    return str(run.get("model") or run.get("backend") or "model")


def results_section(summary: Mapping[str, Any]) -> str:
    """The recipe's table with our modes side by side, and what each mode adds over raw."""
    modes: Mapping[str, Any] = summary["modes"]
    n = summary["samples_per_task"]
    label = model_label(summary)
    lines: list[str] = []
    ks = sorted({k for m in modes.values() for k in m.get("pass_at_k", {})}, key=int)
    extra_k = [k for k in ks if k != "1"]
    lines += ["## Results", ""]
    header = ["Model", "Mode", "Syntax (%)", "Type (%)", "Run (%)", "Correct (%)", "pass@1 (95% CI)"]
    header += [f"pass@{k}" for k in extra_k]
    rows = []
    for mode, m in modes.items():
        row = [label, MODE_LABELS.get(mode, mode), _pct(m["syntax_rate"]), _pct(m["type_rate"]),
               _pct(m["run_rate"]), _pct(m["correct_rate"]), _ci(m["pass_at_k"].get("1"))]
        row += [_pct(m["pass_at_k"].get(k, {}).get("estimate")) for k in extra_k]
        rows.append(row)
    lines += _table(header, rows, "ll" + "r" * (len(header) - 2))
    lines += [
        "",
        f"Rates are shares of all {summary['tasks'] * n} samples: *Syntax* parses, *Type* type-checks, "
        "*Run* runs to the end without an error, *Correct* prints the expected output (the recipe's "
        "run rate). pass@k is the unbiased estimator averaged over tasks; the interval is a bootstrap "
        "over tasks.",
        "",
    ]
    lifts = [(mode, m["lift"]) for mode, m in modes.items() if "lift" in m]
    if lifts:
        lines += ["## What each mode adds over raw", ""]
        rows = []
        for mode, lift in lifts:
            test = lift["test"]
            rows.append([MODE_LABELS.get(mode, mode), _points(lift["pass_at_1"]),
                         f"{_points(test['low'])} … {_points(test['high'])}", f"{test['p_value']:.3g}",
                         f"{test['better']} / {test['worse']}", _points(lift["syntax_rate"])])
        lines += _table(["Mode", "pass@1 lift (points)", "95% CI", "p (paired, tasks)", "tasks better / worse",
                         "syntax lift (points)"], rows)
        lines.append("")
    return "\n".join(lines)


def markdown(summary: Mapping[str, Any]) -> str:
    """The Markdown report of one scored run."""
    run = summary.get("run", {})
    modes: Mapping[str, Any] = summary["modes"]
    task_set = run.get("task_set", {})
    n = summary["samples_per_task"]
    label = model_label(summary)
    lines = [
        f"# Synoema evaluation: {label} on `{task_set.get('name', '?')}` "
        f"({summary['tasks']} tasks × {n} sample{'s' if n != 1 else ''})",
        "",
        f"Backend `{run.get('backend')}` · prompt `{run.get('prompt')}` · temperature {run.get('temperature')} · "
        f"seed {run.get('seed')} · at most {run.get('max_tokens')} tokens · modes {_mode_list(modes, run)} · "
        f"task set digest `{task_set.get('digest', '?')}` · scored in {summary.get('scoring_seconds', 0):.1f} s.",
        "",
    ]
    for note in run.get("notes", []):
        lines.append(f"> Note: {note}.")
    if summary.get("missing_samples"):
        lines.append(f"> {summary['missing_samples']} samples were not generated (yet): figures cover the rest.")
    if lines[-1] != "":
        lines.append("")
    lines.append(results_section(summary))
    lines += _group_table("Held-out and dev tasks", "Split", summary, "splits", modes)
    lines += ["Held-out tasks were not looked at while writing repair rules, prompts or templates.", ""]
    lines += _group_table("Per category", "Category", summary, "categories", modes)
    lines += _group_table("Per tag", "Tag", summary, "tags", modes)
    lines += _failures(modes)
    lines += _per_task(summary, modes)
    lines += _generation(summary)
    return "\n".join(lines).rstrip("\n") + "\n"


def _mode_list(modes: Mapping[str, Any], run: Mapping[str, Any]) -> str:
    rounds = run.get("repair_rounds")
    detail = {"model": f" ({rounds} round{'s' if rounds != 1 else ''})", "grammar": f" (`{run.get('grammar')}`)"}
    return ", ".join(MODE_LABELS.get(m, m) + detail.get(m, "") for m in modes)


def _group_table(title: str, first: str, summary: Mapping[str, Any], key: str,
                 modes: Mapping[str, Any]) -> list[str]:
    raw = next(iter(modes.values()))
    groups = raw.get(key, {})
    if not groups:
        return []
    header = [first, "Tasks", "Syntax (%)", *[f"Correct {MODE_LABELS.get(m, m)} (%)" for m in modes]]
    rows = []
    for name, g in groups.items():
        rows.append([f"`{name}`" if key == "tags" else name, str(g["tasks"]), _pct(g["syntax_rate"]),
                     *[_pct(modes[m].get(key, {}).get(name, {}).get("correct_rate")) for m in modes]])
    return [f"## {title}", "", *_table(header, rows), ""]


def _failures(modes: Mapping[str, Any]) -> list[str]:
    lines = ["## Why samples failed", ""]
    names = list(modes)
    buckets = [b for b in BUCKETS if any(modes[m]["buckets"].get(b) for m in names)]
    if not buckets:
        return [*lines, "Every sample was correct.", ""]
    rows = [[BUCKETS[b], *[str(modes[m]["buckets"].get(b, 0)) for m in names]] for b in buckets]
    lines += _table(["Failure (first cause)", *[MODE_LABELS.get(m, m) for m in names]], rows)
    raw = modes[names[0]]
    codes = list(raw.get("error_codes", {}).items())[:10]
    if codes:
        lines += ["", f"First diagnostic of failing {MODE_LABELS.get(names[0], names[0])} samples: "
                  + ", ".join(f"`{c}` {n}" for c, n in codes) + "."]
    rules = list(raw.get("repair_rules", {}).items())[:10]
    if rules:
        lines += ["", "Rule repairs that changed raw code: " + ", ".join(f"`{r}` {n}" for r, n in rules) + "."]
    return [*lines, ""]


def _per_task(summary: Mapping[str, Any], modes: Mapping[str, Any]) -> list[str]:
    first = next(iter(modes.values()))
    rows = []
    tasks_meta = summary.get("task_meta", {})
    for task_id in first["per_task"]:
        meta = tasks_meta.get(task_id, {})
        cells = []
        for m in modes.values():
            t = m["per_task"].get(task_id, {})
            cells.append(f"{t.get('c', 0)}/{t.get('n', 0)}")
        rows.append([f"`{task_id}`", meta.get("category", ""), meta.get("split", ""), *cells])
    header = ["Task", "Category", "Split", *[f"{MODE_LABELS.get(m, m)} correct" for m in modes]]
    return ["## Per task", "", *_table(header, rows, "lll" + "r" * len(modes)), ""]


def _generation(summary: Mapping[str, Any]) -> list[str]:
    gen = summary.get("generation", {})
    if not gen:
        return []
    rows = []
    for name, g in gen.items():
        tokens = "exact" if g.get("exact_tokens") else f"estimated ({g.get('token_counter')})"
        rows.append([name, str(g["samples"]), str(g["errors"]), f"{g['prompt_tokens_mean']:.0f}",
                     f"{g['completion_tokens_mean']:.0f}", f"{g['latency_mean_s']:.2f} / {g['latency_median_s']:.2f}",
                     str(g["repair_calls"]), tokens])
    header = ["Pass", "Samples", "Errors", "Prompt tokens", "Completion tokens", "Latency mean / median (s)",
              "Repair calls", "Token counts"]
    return ["## Generation", "", *_table(header, rows, "l" + "r" * 6 + "l"),
            "", "Tokens and latency are per sample, first model call; repair calls are the extra calls "
            "of the engine's repair loop.", ""]


def heatmap(runs: Sequence[tuple[str, Mapping[str, Any]]], path: str | Path, *,
            modes: Sequence[str] | None = None) -> Path:
    """A PNG of the correct share per task (columns) for each run and mode (rows)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ReportError(f"the heatmap needs matplotlib, which is not installed: {MATPLOTLIB_HINT}") from None
    rows: list[str] = []
    values: list[list[float]] = []
    task_ids: list[str] = []
    for _, summary in runs:
        for task_id in next(iter(summary["modes"].values()))["per_task"]:
            if task_id not in task_ids:
                task_ids.append(task_id)
    for label, summary in runs:
        for mode, m in summary["modes"].items():
            if modes and mode not in modes:
                continue
            rows.append(f"{label} · {MODE_LABELS.get(mode, mode)}" if len(summary["modes"]) > 1 else label)
            per_task = m["per_task"]
            values.append([per_task[t]["c"] / per_task[t]["n"] if per_task.get(t, {}).get("n") else float("nan")
                           for t in task_ids])
    if not rows:
        raise ReportError("nothing to draw: no scored modes")
    width = max(6.0, 0.32 * len(task_ids) + 3.5)
    height = max(2.2, 0.42 * len(rows) + 1.9)
    fig, ax = plt.subplots(figsize=(width, height))
    image = ax.imshow(values, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(task_ids)), labels=task_ids, rotation=90, fontsize=7)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    ax.set_title("Correct output per task", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.025, pad=0.02, label="share of samples correct")
    fig.tight_layout()
    import io

    from synoema.durable import write_atomic

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120)
    plt.close(fig)
    return write_atomic(path, buffer.getvalue())


def write_report(run_dir: str | Path, summary: Mapping[str, Any]) -> tuple[Path, Path | None, str | None]:
    """Write `report.md` and (with matplotlib) `heatmap.png` into the run folder.

    Returns (report path, heatmap path or None, why the heatmap is missing or None).
    """
    from synoema.durable import write_atomic

    folder = Path(run_dir)
    report = write_atomic(folder / REPORT, markdown(summary))
    try:
        png = heatmap([(model_label(summary), summary)], folder / HEATMAP)
    except ReportError as exc:
        return report, None, str(exc)
    return report, png, None
