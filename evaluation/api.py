"""The whole evaluation as one call: generate, score, report. `synoema-train all` ends with it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from evaluation.generation import GenerateResult, GenerateSettings, GenerationError, generate
from evaluation.scoring import DEFAULT_TIMEOUT, MODES, ScoreError, score_run


class EvaluationError(Exception):
    """The evaluation could not run; the message says why and what to do."""


def run_evaluation(
    backend_kind: str,
    backend_options: Mapping[str, Any] | None = None,
    tasks: str | Path = "standard",
    samples: int = 1,
    modes: Sequence[str] = MODES,
    out_dir: str | Path = "evaluation-run",
    *,
    prompt: str = "assistant",
    temperature: float = 0.2,
    seed: int = 0,
    max_tokens: int = 512,
    repair_rounds: int = 2,
    grammar: str = "builtin",
    timeout: float = DEFAULT_TIMEOUT,
    task_ids: Sequence[str] = (),
    on_sample: Callable[[int, int, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Evaluate a model on a task set in the given modes; returns the summary (also in `out_dir`).

    `backend_kind` is gguf, openai, hf or offline and `backend_options` the assistant's backend
    settings (`model_path`, `base_url`, `model`, `n_ctx`, `adapter_path`, ...). `modes` picks among
    raw, rules, model (the engine's repair loop, `repair_rounds` rounds) and grammar (a second
    generation pass under `grammar`, "builtin" or a GBNF file). The run folder gets `run.json`,
    `generations.jsonl`, `scores.jsonl`, `summary.json`, `report.md` and, with matplotlib,
    `heatmap.png`; calling again with the same settings resumes instead of starting over.
    The summary carries `report` and `heatmap` (paths; `heatmap` is None, with `heatmap_missing`
    saying why, when matplotlib is absent).
    """
    from evaluation.report import write_report

    wanted = tuple(modes)
    unknown = [m for m in wanted if m not in MODES]
    if unknown:
        raise EvaluationError(f"unknown mode(s) {', '.join(unknown)}; use {', '.join(MODES)}")
    try:
        settings = GenerateSettings(
            backend=backend_kind,
            backend_options=dict(backend_options or {}),
            tasks=str(tasks),
            task_ids=tuple(task_ids),
            samples=samples,
            temperature=temperature,
            seed=seed,
            max_tokens=max_tokens,
            prompt=prompt,
            grammar=grammar if "grammar" in wanted else "none",
            repair_rounds=repair_rounds if "model" in wanted else 0,
        )
        generated: GenerateResult = generate(settings, out_dir, progress=on_sample)
    except GenerationError as exc:
        raise EvaluationError(str(exc)) from None
    try:
        from evaluation.generation import read_manifest
        from evaluation.scoring import available_modes

        manifest = read_manifest(Path(out_dir)) or {}
        chosen = [m for m in wanted if m in available_modes(manifest)]
        summary = score_run(out_dir, timeout=timeout, modes=chosen)
    except (GenerationError, ScoreError) as exc:
        raise EvaluationError(str(exc)) from None
    report, png, missing = write_report(out_dir, summary)
    summary["report"] = str(report)
    summary["heatmap"] = str(png) if png else None
    summary["heatmap_missing"] = missing
    summary["generated"] = {"written": generated.written, "kept": generated.kept, "errors": generated.errors,
                            "seconds": round(generated.seconds, 3), "notes": generated.notes}
    return summary
