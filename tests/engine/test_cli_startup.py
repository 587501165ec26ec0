"""A one-shot offline answer loads only what its kind needs (what keeps `explain FILE` fast).

Each probe runs the CLI in a fresh interpreter and lists the modules it imported; the second run of a
kind uses what the first left in the cache dir (parsed prompts, index terms, the token vocabulary).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "square x = x * x\n\nnums = [1, 2, 3]\n\nmain = map square nums\n"
PROBE = """
import contextlib, io, json, sys
from assistant.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
NEVER = {"textual", "prompt_toolkit", "httpx", "llama_cpp", "transformers", "torch", "platformdirs"}
NOT_FOR_CODE = {"assistant.offline.ask", "assistant.offline.retrieval", "assistant.offline.bm25"}


def loaded(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args, "--no-history"],
        capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code"] == 0
    return {name.split(".")[0] for name in result["modules"]} | set(result["modules"])


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "squares.sno"
    path.write_text(PROGRAM, encoding="utf-8")
    return path


def test_explain_loads_neither_models_nor_other_strategies(program: Path) -> None:
    loaded("explain", str(program))  # fills the cache dir
    modules = loaded("explain", str(program))
    assert not modules & NEVER
    assert not modules & NOT_FOR_CODE
    assert not modules & {"synoema.lint.rules", "assistant.offline.fix", "assistant.offline.review"}
    assert not modules & {"tomllib", "tiktoken", "assistant.backends.registry", "assistant.history"}
    assert not modules & {"assistant.engine.fewshot", "assistant.engine.prompting", "importlib.resources"}


def test_fix_and_review_skip_retrieval_and_reuse_the_vocabulary(program: Path) -> None:
    assert not loaded("fix", str(program)) & (NEVER | NOT_FOR_CODE)
    loaded("review", str(program))  # the first review loads tiktoken and keeps its ASCII vocabulary
    modules = loaded("review", str(program))
    assert not modules & (NEVER | NOT_FOR_CODE)
    assert "tiktoken" not in modules


def test_ask_builds_the_index_without_models() -> None:
    modules = loaded("ask", "how do I join two strings")
    assert "assistant.offline.retrieval" in modules
    assert not modules & NEVER
    assert not modules & {"synoema.lint.rules", "assistant.offline.review"}


@pytest.mark.parametrize("command", ["chat", "explain", "fix", "review", "ask", "write", "doctor", "history"])
def test_a_parser_built_for_one_command_reads_it_like_the_full_one(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.cli import build_parser

    monkeypatch.setenv("COLUMNS", "100")
    helps = []
    for parser in (build_parser(), build_parser(command)):
        with pytest.raises(SystemExit):
            parser.parse_args([command, "--help"])
        helps.append(capsys.readouterr().out)
    assert helps[0] == helps[1] and command in helps[0]
    argv = (
        [command, "x", "--no-history"]
        if command in ("explain", "fix", "review", "ask", "write")
        else [command]
    )
    assert build_parser().parse_args(argv) == build_parser(command).parse_args(argv)
