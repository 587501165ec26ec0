"""Helpers of the dialogue tests (imported by name: the test folder is on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PER_KIND = 6


def run_cli(*args: str, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m dialogue ARGS` in a fresh interpreter (as the console script would run)."""
    full = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "dialogue", *args], capture_output=True, text=True, timeout=timeout,
                          env=full, cwd=ROOT)


def row(kind: str, user: str, assistant: str, **meta: object) -> dict[str, object]:
    """A row in the dialogue format with the app's system prompt for `kind`."""
    from dialogue.format import new_row

    return new_row(kind, [("user", user), ("assistant", assistant)], dict(meta)).as_dict()


WRITE_ANSWER = "Sum the range with `sum`:\n\n```sno\nmain = sum [1..10]\n```\n```output\n55\n```"
