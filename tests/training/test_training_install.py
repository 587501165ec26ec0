"""`synoema-train install`: the app's config.toml edited as a round-trip, never clobbered."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from training.install import InstallError, app_model_path, find_gguf, install

USER_CONFIG = """\
# my settings, keep this comment
[backend]
kind = "openai"   # the server at work
base_url = "http://127.0.0.1:8080/v1"
adapter_path = "/old/adapter"

[engine]
temperature = 0.4  # warmer
"""


def fake_run(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    (run / "gguf").mkdir(parents=True)
    for name in ("run-f32.gguf", "run-f16.gguf"):
        (run / "gguf" / name).write_bytes(b"GGUF")
    return run


def test_install_points_the_backend_at_the_model_and_keeps_everything_else(tmp_path: Path) -> None:
    import tomllib

    run = fake_run(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(USER_CONFIG)
    done = install(run, config_file=config, n_ctx=2048)
    text = config.read_text()
    assert done.model_path == (run / "gguf" / "run-f16.gguf").resolve()  # f16 preferred over f32
    assert "# my settings, keep this comment" in text and "temperature = 0.4  # warmer" in text
    data = tomllib.loads(text)
    assert data["backend"]["kind"] == "gguf"
    assert data["backend"]["gguf"] == {"model_path": str(done.model_path), "n_ctx": 2048}
    # the old flat openai option now lives with its kind; the stale adapter is gone
    assert data["backend"]["openai"] == {"base_url": "http://127.0.0.1:8080/v1"}
    assert "adapter_path" not in text and "base_url" not in data["backend"]
    assert (data["engine"]["reference"], data["engine"]["few_shots"]) == ("none", 0)
    assert app_model_path(config) == done.model_path
    assert done.previous["kind"] == "openai"


def test_the_app_reads_the_installed_settings(tmp_path: Path) -> None:
    from assistant.config import load_config

    config = tmp_path / "config.toml"
    config.write_text(USER_CONFIG)
    done = install(fake_run(tmp_path), config_file=config, n_ctx=1024)
    loaded, problems = load_config(config, env={})
    assert problems == []
    gguf = loaded.backend.options_for("gguf")
    assert (loaded.backend.kind, gguf.model_path, gguf.n_ctx, gguf.chat_format) == (
        "gguf", str(done.model_path), 1024, None,
    )  # fmt: skip
    assert loaded.backend.options_for("openai").base_url == "http://127.0.0.1:8080/v1"
    assert (loaded.engine.reference, loaded.engine.few_shots) == ("none", 0)


def test_a_missing_config_is_created_from_the_commented_defaults(tmp_path: Path) -> None:
    config = tmp_path / "new" / "config.toml"
    done = install(fake_run(tmp_path), config_file=config, n_ctx=512)
    assert config.read_text().startswith("#") and app_model_path(config) == done.model_path


def test_a_fine_tuned_model_is_sent_only_the_system_prompt_and_the_conversation() -> None:
    """reference none and no few-shots (what install sets): the prompt has the shape of the training rows."""
    from assistant.engine.fewshot import Example
    from assistant.engine.prompting import build_prompt, reference_sizes
    from assistant.engine.tokens import estimating_counter
    from assistant.knowledge import load_reference

    shot = [Example("write-001", "write", "an example task", "an example answer")]
    turn = [("user", "Write double 21.")]

    def plan(size: str, examples: list[Example]):
        return build_prompt(
            system="SYSTEM", current=turn, counter=estimating_counter(), budget=8192,
            reference=load_reference, reference_sizes=reference_sizes(size), examples=examples,
        )  # fmt: skip

    trained = plan("none", [])
    assert [(m.role, m.content) for m in trained.messages] == [("system", "SYSTEM"), *turn]
    untuned = plan("compact", shot)
    assert untuned.reference == "compact" and len(untuned.messages) == 4


def test_a_config_that_does_not_parse_is_left_untouched(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[backend\nkind = 'gguf'\n")
    before = config.read_bytes()
    with pytest.raises(InstallError, match=r"not valid TOML.*left as it is"):
        install(fake_run(tmp_path), config_file=config)
    assert config.read_bytes() == before


def test_no_gguf_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InstallError, match="export-gguf"):
        find_gguf(tmp_path)


def test_the_cli_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "training", "install", str(tmp_path), "--app-config", str(tmp_path / "c.toml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "synoema-train install: no .gguf model" in done.stderr and "Traceback" not in done.stderr
