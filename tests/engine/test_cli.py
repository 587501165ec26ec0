"""`synoema-assistant` as a user runs it: one-shots, doctor, history, settings precedence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "square x = x * x\n\nmain = map square [1 2 3]\n"
BROKEN = "scores = [90, 72, 85]\n\nmain = sum scores\n"


def cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "squares.sno"
    path.write_text(PROGRAM, encoding="utf-8")
    return path


def test_explain_file_prints_the_answer_with_verdict_lines(program: Path) -> None:
    result = cli("explain", str(program))
    assert result.returncode == 0, result.stderr
    assert "square" in result.stdout and "[1 4 9]" in result.stdout
    assert "Traceback" not in result.stderr


def test_json_output_has_text_and_a_verdict_per_snippet(tmp_path: Path) -> None:
    result = cli("fix", "-", "--json", stdin=BROKEN)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == "fix" and data["backend"] == "offline" and data["error"] is None
    assert "unexpected_token" in data["text"]
    assert data["verdicts"] and all(
        {"status", "ok", "summary", "quoted", "diagnostics"} <= set(v) for v in data["verdicts"]
    )
    assert any(v["quoted"] and v["status"] == "fails" for v in data["verdicts"])
    assert data["conversation_id"] and data["message_id"]


def test_ask_takes_text_and_write_reads_stdin() -> None:
    asked = cli("ask", "how do I join strings", "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["text"].strip()
    written = cli("write", "--json", stdin="a program that prints the sum of [1 2 3]")
    assert written.returncode == 0, written.stderr
    assert json.loads(written.stdout)["kind"] == "write"


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    missing = cli("explain", str(tmp_path / "nope.sno"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: no such file")
    empty = cli("review", "-", stdin="   \n")
    assert empty.returncode == 2 and "empty" in empty.stderr
    assert "Traceback" not in missing.stderr + empty.stderr


def test_history_list_search_and_export(program: Path, tmp_path: Path) -> None:
    assert cli("explain", str(program)).returncode == 0
    assert cli("ask", "what does the pipe operator do").returncode == 0
    listed = cli("history", "list", "--json")
    rows = json.loads(listed.stdout)
    assert [r["kind"] for r in rows] == ["ask", "explain"] and all(r["messages"] == 2 for r in rows)
    found = cli("history", "search", "square")
    assert found.returncode == 0 and str(rows[1]["id"]) in found.stdout
    out = tmp_path / "export.md"
    exported = cli("history", "export", str(rows[1]["id"]), "-o", str(out))
    assert exported.returncode == 0 and "square x = x * x" in out.read_text(encoding="utf-8")
    as_json = json.loads(cli("history", "export", str(rows[1]["id"]), "--format", "json").stdout)
    assert [m["role"] for m in as_json["messages"]] == ["user", "assistant"]
    unknown = cli("history", "export", "999")
    assert unknown.returncode == 2 and "does not exist" in unknown.stderr
    assert cli("explain", str(program), "--no-history").returncode == 0
    assert len(json.loads(cli("history", "list", "--json").stdout)) == 2


def test_doctor_reports_backends_and_config_problems(isolated_dirs: dict[str, Path]) -> None:
    result = cli("doctor", "--json", "--no-probe")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["backend"] == "offline" and data["backend_ok"] and "offline" in data["usable_backends"]
    names = {c["name"] for checks in data["sections"].values() for c in checks}
    assert {
        "python",
        "textual",
        "llama-cpp-python",
        "gguf",
        "openai",
        "hf",
        "config file",
        "history",
    } <= names
    config_dir = isolated_dirs["config"]
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text('[backend]\nkind = "ggfu"\n', encoding="utf-8")
    bad = cli("doctor", "--no-probe")
    assert "did you mean 'gguf'" in bad.stdout and "config.toml line 2" in bad.stdout
    missing = cli("doctor", "--no-probe", "--backend", "gguf", "--model-path", "/nonexistent/model.gguf")
    assert missing.returncode == 1
    assert "✗ gguf" in missing.stdout and "NOT usable" in missing.stdout and "fix:" in missing.stdout


def test_flags_override_environment_which_overrides_the_file(isolated_dirs: dict[str, Path]) -> None:
    config_dir = isolated_dirs["config"]
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text('[backend]\nkind = "hf"\n', encoding="utf-8")
    from_file = json.loads(cli("doctor", "--json", "--no-probe").stdout)
    assert from_file["backend"] == "hf"
    from_env = json.loads(cli("doctor", "--json", "--no-probe", env={"SYNOEMA_BACKEND": "openai"}).stdout)
    assert from_env["backend"] == "openai"
    from_flag = cli(
        "--backend", "offline", "doctor", "--json", "--no-probe", env={"SYNOEMA_BACKEND": "openai"}
    )
    assert json.loads(from_flag.stdout)["backend"] == "offline"
    other = config_dir / "other.toml"
    other.write_text('[backend]\nkind = "gguf"\n', encoding="utf-8")
    assert (
        json.loads(cli("doctor", "--json", "--no-probe", "--config", str(other)).stdout)["backend"] == "gguf"
    )


def test_a_backend_that_fails_gives_a_message_and_exit_1(program: Path, tmp_path: Path) -> None:
    result = cli("--backend", "gguf", "--model-path", str(tmp_path / "missing.gguf"), "explain", str(program))
    assert result.returncode == 1
    assert "error:" in result.stderr and "hint:" in result.stderr and "Traceback" not in result.stderr


def test_one_shot_with_the_tiny_gguf_model(tiny_gguf: Path, program: Path) -> None:
    result = cli("--backend", "gguf", "--model-path", str(tiny_gguf), "explain", str(program), "--json",
                 env={"SYNOEMA_MAX_TOKENS": "16", "SYNOEMA_N_CTX": "2048", "SYNOEMA_CONTEXT_BUDGET": "1300"})  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["backend"] == "gguf" and data["model"] == "tiny-qwen2" and data["stats"]["tokens"] > 0
    env = {"SYNOEMA_MAX_TOKENS": "300", "SYNOEMA_N_CTX": "2048", "SYNOEMA_CONTEXT_BUDGET": "1300",
           "SYNOEMA_REPAIR_ROUNDS": "1"}  # fmt: skip
    flags = ["--backend", "gguf", "--model-path", str(tiny_gguf), "--grammar", "builtin"]
    written = cli(*flags, "write", "sum a list", "--json", env=env)
    assert written.returncode == 0, written.stderr
    (verdict,) = json.loads(written.stdout)["verdicts"]  # the grammar makes the model write one ```sno block
    assert verdict["model_rounds"] <= 1
    parse_errors = ("unexpected_token", "indentation")
    assert all(d["code"] not in parse_errors for d in verdict["diagnostics"])  # grammar output parses


def test_plain_chat_reads_piped_input() -> None:
    result = cli("chat", "--plain", stdin="/kind explain\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Synoema assistant" in result.stdout and "kind: explain" in result.stdout
