"""Helpers of the corpus tests (imported by name: the test folder is on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SESSION_TARGET = 400
SESSION_SEED = 3


def build_synth(out: Path, *, target: int, seed: int, eval_files: tuple[Path, ...] = (), batch: int = 64):
    from corpus.build import Builder
    from corpus.gates import Gates
    from corpus.generators.synth import SynthGenerator

    gates = Gates.create(eval_files=eval_files)
    return Builder(out, SynthGenerator(seed), gates, target=target, seed=seed, batch=batch).run()


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m corpus ARGS` in a fresh interpreter (as the console script would run)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "corpus", *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
