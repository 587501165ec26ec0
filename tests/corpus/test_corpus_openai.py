"""The openai generator against a local OpenAI-compatible server: accept path, repair rounds, 429s, accounting."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from corpus_openai_stub import COMPLETION_TOKENS, PROMPT_TOKENS, Script, program_answer, serve
from corpus_support import run_cli

from corpus import load_programs
from corpus.build import Builder
from corpus.gates import Gates
from corpus.generators.model import ModelGenerator, feedback, first_program
from corpus.generators.openai import OpenAIClient, retry_after
from corpus.stats import compute
from corpus.tasks import load_task_file
from corpus.validate import Verdict
from synoema.durable import read_jsonl

GOOD = "double x = x * 2\n\nmain = print (map double [1 2 3])\n"
FIXED = "sq x = x * x\n\nmain = print (sq 7)\n"
BROKEN = "sq x = x * x\n\nmain = print (sq 7\n"
LATE = 'greet n = "hi ${n}"\n\nmain = print (greet "ann")\n'


def _tasks(path: Path) -> Path:
    rows = [
        ("T-good", "Double 1, 2 and 3 and print the list.", "[2 4 6]\n()\n"),
        ("T-fix", "Print the square of 7.", "49\n()\n"),
        ("T-wrong", "Print the square of 8.", "64\n()\n"),
        ("T-none", "Print nothing useful.", "1\n"),
        ("T-429", "Greet ann.", "hi ann\n()\n"),
        ("T-400", "A task the server rejects.", "1\n"),
    ]
    path.write_text("".join(json.dumps({"id": i, "category": "fundamentals", "tags": ["t"], "prompt": p, "expected_output": e}) + "\n" for i, p, e in rows))
    return path


SCRIPTS = {
    "Double 1, 2 and 3": Script([program_answer(GOOD, "[2 4 6]")]),
    "square of 7": Script([program_answer(BROKEN), program_answer(FIXED, "49")]),
    "square of 8": Script([program_answer(FIXED, "49")]),
    "nothing useful": Script(["I would rather not write code."]),
    "Greet ann": Script([program_answer(LATE, "hi ann")], failures=[(429, {"Retry-After": "1"})]),
    "server rejects": Script([program_answer(GOOD)], failures=[(400, {})]),
}


def test_accept_repair_rate_limits_and_token_accounting(tmp_path: Path) -> None:
    tasks = load_task_file(_tasks(tmp_path / "tasks.jsonl"))
    with serve(SCRIPTS) as (url, state):
        client = OpenAIClient(url, concurrency=3, retries=2, price_in=2.0, price_out=10.0)
        assert client.model == "stub-model"  # from GET /models
        gen = ModelGenerator("openai", client, tasks, seed=1, rounds=2, reference="full")
        started = time.monotonic()
        result = Builder(tmp_path / "c", gen, Gates.create(), target=4, seed=1, batch=6, max_candidates=6).run()
        elapsed = time.monotonic() - started
        gen.close()
    assert result.accepted == 3 and result.candidates == 6 and "max-candidates" in result.stopped
    records = {r.task_id: r for r in load_programs(tmp_path / "c")}
    assert set(records) == {"T-good", "T-fix", "T-429"}
    assert records["T-good"].rounds == 0 and records["T-fix"].rounds == 1 and records["T-fix"].source.strip() == FIXED.strip()
    assert records["T-good"].approach == "Here is the program." and records["T-good"].model == "stub-model"
    assert records["T-fix"].usage.requests == 2 and records["T-fix"].usage.prompt_tokens == 2 * PROMPT_TOKENS
    rejected = {r["task_id"]: r for r in read_jsonl(tmp_path / "c" / "rejected.jsonl").records}
    assert rejected["T-wrong"]["kind"] == "wrong_output" and [a["kind"] for a in rejected["T-wrong"]["attempts"]] == ["wrong_output"] * 3
    assert rejected["T-none"]["kind"] == "no_program" and rejected["T-none"]["rounds"] == 2
    assert rejected["T-400"]["kind"] == "generator_error" and "400" in rejected["T-400"]["message"]
    # what the client sent: the write prompt with the reference, then the diagnostics for the repair
    fix = [r["body"] for r in state.requests if r["key"] == "square of 7"]
    assert "# Synoema in brief" in fix[0]["messages"][0]["content"] and len(fix[0]["messages"]) == 2
    assert fix[1]["messages"][2]["role"] == "assistant" and "error[" in fix[1]["messages"][3]["content"]
    wrong = [r["body"] for r in state.requests if r["key"] == "square of 8"]
    assert "```output\n49\n()\n```" in wrong[1]["messages"][3]["content"] and "```output\n64\n()\n```" in wrong[1]["messages"][3]["content"]
    assert client.stats.rate_limited == 1 and elapsed >= 1.0  # Retry-After was honoured
    completions = 1 + 2 + 3 + 3 + 1
    assert client.stats.usage.prompt_tokens == completions * PROMPT_TOKENS
    assert client.stats.usage.completion_tokens == completions * COMPLETION_TOKENS
    stats = compute(tmp_path / "c", diversity=False)
    assert stats["usage"]["prompt_tokens"] == completions * PROMPT_TOKENS
    assert stats["usage"]["cost"] == pytest.approx(completions * (PROMPT_TOKENS * 2.0 + COMPLETION_TOKENS * 10.0) / 1e6)
    assert stats["model"]["first_try_pass_rate"] == pytest.approx(2 / 6, abs=1e-3)  # T-good and T-429
    assert stats["model"]["after_repair_pass_rate"] == pytest.approx(3 / 6, abs=1e-3)
    assert stats["taxonomy"]["wrong_output"]["count"] == 1 and stats["taxonomy"]["no_program"]["count"] == 1


def test_bad_credentials_stop_the_build_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = _tasks(tmp_path / "tasks.jsonl")
    monkeypatch.delenv("STUB_KEY", raising=False)
    with serve(SCRIPTS, auth_required="sekret") as (url, _state):
        args = ("build", "--out", str(tmp_path / "c"), "--generator", "openai", "--base-url", url, "--tasks", str(tasks),
                "--api-key-env", "STUB_KEY", "--target", "1", "--no-eval-tasks", "--quiet")
        done = run_cli(*args)
        assert done.returncode == 2 and "refused the credentials" in done.stderr and "$STUB_KEY" in done.stderr
        assert "Traceback" not in done.stderr
        monkeypatch.setenv("STUB_KEY", "sekret")
        ok = run_cli(*args)
        assert ok.returncode == 0, ok.stderr
    assert len(load_programs(tmp_path / "c")) == 1


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("3") == 3.0 and retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)


def test_answers_and_feedback() -> None:
    answer = "Your code:\n```sno quoted\nmain = x\n```\nFixed:\n```sno\nmain = 1\n```\n```output\n1\n```"
    assert first_program(answer)[0] == "main = 1\n"
    assert first_program("no code here") == (None, "")
    text = feedback(Verdict(False, "type", ("type_mismatch",), "line 2: type_mismatch: no", "", ({"code": "type_mismatch", "message": "no", "line": 2, "hint": "add show"},)), "")
    assert "error[type_mismatch] line 2: no" in text and "hint: add show" in text and "```sno block" in text
