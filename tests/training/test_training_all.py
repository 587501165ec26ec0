"""`synoema-train all --init scratch --size tiny`, reduced to a few steps: every step runs, a second call
skips them all, and the terminal app (in tmux) then answers with the installed model.

The full run (all epochs, figures in the README) is `python benchmarks/bench_train.py --all`."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from training_support import need_training_extras

pytestmark = pytest.mark.slow
need_training_extras()

ROOT = Path(__file__).resolve().parents[2]


def _app_e2e():
    """The tmux driver of the app's own end-to-end test (one copy of it)."""
    spec = importlib.util.spec_from_file_location("app_e2e", ROOT / "tests" / "app" / "test_app_e2e.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def _all(run: Path, config_dir: Path) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable, "-m", "training", "all", "--init", "scratch", "--size", "tiny", "--run-dir", str(run),
        "--app-config", str(config_dir / "config.toml"), "--max-steps", "6", "--batch-size", "4",
        "--grad-accum", "1", "--logging-steps", "2", "--no-progress", "--eval-tasks", "standard",
        "--eval-max-tokens", "64", "--eval-samples", "1", "--corpus-target", "120",
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600, check=False)


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory, need_llama_cpp: None) -> tuple[Path, Path]:
    pytest.importorskip("gguf")
    pytest.importorskip("tomlkit")
    root = tmp_path_factory.mktemp("all")
    run, config_dir = root / "tiny", root / "config"
    done = _all(run, config_dir)
    assert done.returncode == 0, done.stderr[-3000:]
    return run, config_dir


def test_all_runs_every_step_then_skips_them(pipeline_run: tuple[Path, Path]) -> None:
    run, config_dir = pipeline_run
    steps = json.loads((run / "pipeline.json").read_text())["steps"]
    assert [s["name"] for s in steps] == [
        "corpus",
        "dialogues",
        "data",
        "base",
        "sft",
        "export",
        "evaluate",
        "install",
    ]
    assert all(s["status"] == "ran" for s in steps)
    assert (run / "model" / "config.json").exists() and (run / "gguf" / "tiny-f16.gguf").exists()
    summary = json.loads((run / "eval" / "summary.json").read_text())
    assert set(summary["models"]) == {"trained", "untrained"}
    for figures in summary["models"].values():
        assert 0 <= figures["syntax_rate"] <= 1 and figures["tasks"] >= 1
    generation = json.loads((run / "eval" / "trained" / "generations.jsonl").read_text().splitlines()[0])
    assert generation["reference"] is None  # evaluated with the prompt the app serves it (the training shape)
    text = (config_dir / "config.toml").read_text()
    assert 'kind = "gguf"' in text and "tiny-f16.gguf" in text

    again = _all(run, config_dir)
    assert again.returncode == 0, again.stderr[-3000:]
    steps = json.loads((run / "pipeline.json").read_text())["steps"]
    assert all(s["status"] == "skipped" for s in steps), steps


def test_the_app_answers_with_the_installed_model(pipeline_run: tuple[Path, Path], tmp_path: Path) -> None:
    e2e = _app_e2e()
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    command = e2e.installed_command()
    if command is None:
        pytest.skip("synoema-assistant is not installed")
    _, config_dir = pipeline_run
    server = e2e.Tmux(f"synoema-train-e2e-{os.getpid()}")
    env = {
        "SYNOEMA_CONFIG_DIR": str(config_dir),
        "SYNOEMA_DATA_DIR": str(tmp_path / "data"),
        "SYNOEMA_CACHE_DIR": str(tmp_path / "cache"),
        "SYNOEMA_MAX_TOKENS": "48",  # the few-step model may not stop yet; keep its reply short
        "PYTHONPATH": _env()["PYTHONPATH"],
        "TERM": "xterm-256color",
    }
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    server.run(
        "new-session", "-d", "-s", "app", "-x", "120", "-y", "40",
        f"env -u COLUMNS -u LINES -u SYNOEMA_BACKEND -u SYNOEMA_MODEL_PATH {exports} {command}; sleep 60",
    )  # fmt: skip
    try:
        server.wait_for(lambda s: "gguf · tiny-f16" in s and "ready" in s, timeout=90)
        server.run("send-keys", "-t", "app", "-l", "How do I reverse a list?")
        server.run("send-keys", "-t", "app", "Enter")
        screen = server.wait_for(lambda s: " tokens · " in s and "tok/s" in s and "ready" in s, timeout=120)
        assert "gguf · tiny-f16" in screen and "How do I reverse a list?" in screen
    finally:
        server.run("kill-server")


PROBE = """
import contextlib, io, json, sys
from assistant.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_serving_the_trained_model_imports_no_training_stack(
    pipeline_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """The installed config serves the GGUF without torch, trl, peft or our training package."""
    _, config_dir = pipeline_run
    env = _env(
        SYNOEMA_CONFIG_DIR=str(config_dir),
        SYNOEMA_DATA_DIR=str(tmp_path / "data"),
        SYNOEMA_CACHE_DIR=str(tmp_path / "cache"),
        SYNOEMA_MAX_TOKENS="16",
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "ask", "How do I reverse a list?", "--no-history"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    modules = {name.split(".")[0] for name in result["modules"]}
    assert result["code"] == 0 and "llama_cpp" in modules  # it really answered with the model
    assert not modules & {"torch", "trl", "peft", "transformers", "bitsandbytes", "training"}
