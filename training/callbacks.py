"""Trainer callbacks: metrics as JSONL, a rich progress bar.

Both run on the main process only (``state.is_world_process_zero``), so a multi-GPU run writes one
metrics file and draws one bar. The JSONL goes through ``synoema.durable.JsonlAppender``: one whole
fsync'd line per log, so a killed run leaves a readable file that ``--resume`` keeps appending to.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from synoema.durable import JsonlAppender


class MetricsJsonl(TrainerCallback):
    """Every ``on_log`` record (train and eval) as one line: step, epoch, wall time, the metrics."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: JsonlAppender | None = None
        self._start = time.monotonic()

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero and self._out is None:
            self._out = JsonlAppender(self.path)
            self._out.append(
                {"event": "train_begin", "step": state.global_step, "max_steps": state.max_steps}
            )

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if not state.is_world_process_zero or not logs:
            return
        if self._out is None:
            self._out = JsonlAppender(self.path)
        record = {
            "step": state.global_step,
            "epoch": state.epoch,
            "time_s": round(time.monotonic() - self._start, 3),
        }
        record.update({k: v for k, v in logs.items() if isinstance(v, int | float | str)})
        self._out.append(record)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._out is not None:
            self._out.append({"event": "train_end", "step": state.global_step})

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


class RichProgress(TrainerCallback):
    """A rich progress bar over optimizer steps, with the latest loss and token accuracy."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None
        self._last: dict[str, float] = {}

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not state.is_world_process_zero:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]train[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=Console(stderr=True),
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task("", total=state.max_steps, completed=state.global_step)

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=state.global_step, description=self._describe())

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if self._progress is None or not logs:
            return
        for key in ("loss", "mean_token_accuracy", "eval_loss", "eval_mean_token_accuracy"):
            if isinstance(logs.get(key), int | float):
                self._last[key] = float(logs[key])
        self._progress.update(self._task, description=self._describe())

    def _describe(self) -> str:
        parts = []
        if "loss" in self._last:
            parts.append(f"loss {self._last['loss']:.4f}")
        if "mean_token_accuracy" in self._last:
            parts.append(f"acc {100 * self._last['mean_token_accuracy']:.1f}%")
        if "eval_loss" in self._last:
            parts.append(f"eval {self._last['eval_loss']:.4f}")
        return "  ".join(parts)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
