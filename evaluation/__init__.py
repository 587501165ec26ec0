"""Evaluation of Synoema code generation: task sets, generation, sandboxed scoring and reports.

`synoema-eval` is the command line; `run_evaluation` is the same pipeline as one call (used at
the end of `synoema-train all`). Names are imported on first use so `import evaluation` is cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "run_evaluation": "evaluation.api",
    "EvaluationError": "evaluation.api",
    "GenerateSettings": "evaluation.generation",
    "generate": "evaluation.generation",
    "score_run": "evaluation.scoring",
    "load_tasks": "evaluation.tasks",
    "Task": "evaluation.tasks",
    "TaskSet": "evaluation.tasks",
    "pass_at_k": "evaluation.metrics",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'evaluation' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
