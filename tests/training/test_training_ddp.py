"""DDP with two CPU processes (gloo) through accelerate and our shipped ddp.yaml trains to the same
losses and weights as one process with the same global batch.

Tolerance: every logged loss within 1e-4 (relative) and every adapter weight within 1e-4 of one
process; the gradients are averaged over the two processes instead of summed in one, so only
float rounding may differ. (accelerate's own ``--cpu`` flag starts a single process unless MPI is
installed, so the test uses the torchrun launcher of ddp.yaml; with no GPU, transformers then runs
the processes on CPU over gloo.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from training_support import need_training_extras, small_config

pytestmark = pytest.mark.slow
need_training_extras()

DDP_YAML = Path(__file__).resolve().parents[2] / "training" / "accelerate_configs" / "ddp.yaml"


def losses(run: Path) -> list[float]:
    return [
        json.loads(line)["loss"]
        for line in (run / "metrics.jsonl").read_text().splitlines()
        if '"loss"' in line
    ]


def test_two_cpu_processes_match_one(scratch_base: Path, rows_file: Path, tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    from training.sft import run_sft

    if torch.cuda.is_available():
        pytest.skip("this test runs DDP on CPU processes")
    # random order (length grouping makes mega-batches per process, a different order than one process)
    settings = {"eval_fraction": 0.0, "save_steps": 1000, "max_steps": 4, "group_by_length": False}
    one = run_sft(small_config(tmp_path / "one", scratch_base, rows_file, batch_size=4, **settings))

    two = tmp_path / "two"
    flags = [
        "--model", str(scratch_base), "--data", str(rows_file), "--run-dir", str(two), "--method", "lora",
        "--max-steps", "4", "--batch-size", "2", "--grad-accum", "1", "--warmup-steps", "0",
        "--learning-rate", "5e-3", "--lora-r", "8", "--lora-alpha", "16", "--lora-dropout", "0",
        "--logging-steps", "1", "--eval-fraction", "0", "--save-steps", "1000", "--max-length", "1024",
        "--no-progress", "--no-tensorboard", "--packing", "off", "--no-group-by-length",
    ]  # fmt: skip
    launch = [
        sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(DDP_YAML),
        "--num_processes", "2", "--mixed_precision", "no", "--num_cpu_threads_per_process", "1",
        "-m", "training", "sft", *flags,
    ]  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]
        ),
    }
    done = subprocess.run(launch, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((two / "result.json").read_text())
    assert result["global_step"] == one.global_step == 4

    assert len(losses(two)) == 4
    for ddp, single in zip(losses(two), losses(Path(one.run_dir))):
        assert abs(ddp - single) <= 1e-4 * abs(single), (losses(two), losses(Path(one.run_dir)))
    ours = load_file(str(two / "adapter" / "adapter_model.safetensors"))
    theirs = load_file(str(Path(one.output_dir) / "adapter_model.safetensors"))
    for key in theirs:
        torch.testing.assert_close(ours[key], theirs[key], atol=1e-4, rtol=0)
