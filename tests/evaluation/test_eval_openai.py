"""End to end through the `openai` backend against a 127.0.0.1 server whose answers we choose.

The figures are known in advance: reference solutions score 100%, empty or prose replies 0%, and
a mix of right, wrong, broken-but-repairable and missing answers scores exactly that mix, in
every mode (the model repair rounds are answered by the same server, through the engine's loop).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from eval_support import answering, solutions
from openai_stub import is_repair_round, program_reply, serve

from evaluation.api import EvaluationError, run_evaluation
from evaluation.cli import main
from evaluation.compare import compare_runs
from evaluation.generation import GenerateSettings, GenerationError, generate
from evaluation.scoring import score_run
from evaluation.tasks import Task, TaskSet

FAST = {"timeout": 1.0}


def _options(url: str) -> dict[str, Any]:
    return {"base_url": url, "model": "stub-model", "retries": 0, "timeout": 10.0}


def test_reference_solutions_score_100_percent_in_every_mode(standard: TaskSet, tmp_path: Path) -> None:
    with serve(solutions(standard)) as server:
        summary = run_evaluation("openai", _options(server.base_url), "standard", 2, out_dir=tmp_path / "run",
                                 temperature=0.8, seed=7, **FAST)
    assert summary["modes_available"] == ["raw", "rules", "model", "grammar"]
    for mode, figures in summary["modes"].items():
        assert figures["correct_rate"] == 1.0 and figures["pass_at_k"]["1"]["estimate"] == 1.0, mode
        assert figures["buckets"] == {}
    assert summary["syntax_rate"] == summary["type_rate"] == summary["run_rate"] == summary["correct_rate"] == 1.0
    assert summary["pass_at_k"] == {"1": 1.0}
    # what reached the server: sample i of every task with seed 7 + i, the temperature, and the
    # grammar in the grammar pass only; the prompt is the app's write conversation
    plain = [r for r in server.requests if "grammar" not in r]
    constrained = [r for r in server.requests if "grammar" in r]
    assert len(plain) == len(constrained) == 18
    assert {r["seed"] for r in plain} == {7, 8} and {r["temperature"] for r in server.requests} == {0.8}
    assert constrained[0]["grammar"].startswith('root ::= "```sno\\n"')
    from assistant.knowledge import load_prompts

    assert plain[0]["messages"][0]["content"].startswith(load_prompts().kinds["write"].system)
    assert summary["generation"]["plain"]["samples"] == 18 and summary["generation"]["plain"]["errors"] == 0
    assert Path(summary["report"]).read_text(encoding="utf-8").startswith("# Synoema evaluation: stub-model")


@pytest.mark.parametrize("reply", ["", "I would write a recursive function that multiplies the numbers."])
def test_empty_or_prose_replies_score_zero(reply: str, standard: TaskSet, tmp_path: Path) -> None:
    with serve(lambda body: reply) as server:
        summary = run_evaluation("openai", _options(server.base_url), "standard", 1, modes=("raw", "rules", "model"),
                                 out_dir=tmp_path / "run", **FAST)
    for figures in summary["modes"].values():
        assert figures["extracted_rate"] == figures["syntax_rate"] == figures["correct_rate"] == 0.0
        assert figures["buckets"] == {"no_code": 9}
    # nothing was extracted, so the engine never asked for a repair
    assert len(server.requests) == 9


def _mix(task: Task, body: dict[str, Any]) -> str:
    """A known mix over the standard set; repair rounds and the grammar pass get the solution."""
    if is_repair_round(body) or "grammar" in body:
        return program_reply(task.solution)
    code = task.solution
    match task.id:
        case "fizzbuzz":  # runs, wrong output
            code = code.replace("[1..15]", "[1..14]")
        case "filter_map":
            return ""
        case "binary_search":
            return "Split the list in halves until the target is found."
        case "error_handling":  # Python list commas: the rules repair it
            code = code.replace("[[20 4] [7 0] [9 2]]", "[[20, 4], [7, 0], [9, 2]]")
        case "type_definition":  # Haskell `data`: the rules repair it
            code = code.replace("Shape = Circle", "data Shape = Circle")
        case "pattern_match":  # a type error no rule fixes: the model loop does
            code = code.replace('shape [] = "empty"', "shape [] = 0")
    return program_reply(code)


def test_a_known_mix_scores_exactly_that_mix(standard: TaskSet, tmp_path: Path) -> None:
    with serve(answering(standard, _mix)) as server:
        summary = run_evaluation("openai", _options(server.base_url), "standard", 1, out_dir=tmp_path / "run",
                                 repair_rounds=1, **FAST)
    modes = summary["modes"]

    def rates(mode: str) -> tuple[float, ...]:
        m = modes[mode]
        return tuple(round(m[k] * 9) for k in ("extracted_rate", "syntax_rate", "type_rate", "run_rate",
                                                "correct_rate"))

    assert rates("raw") == (7, 5, 4, 4, 3)
    assert rates("rules") == (7, 7, 6, 6, 5)
    assert rates("model") == (7, 7, 7, 7, 6)
    assert rates("grammar") == (9, 9, 9, 9, 9)
    assert modes["raw"]["buckets"] == {"no_code": 2, "python_leak": 1, "haskell_leak": 1, "type_mismatch": 1,
                                       "logic_error": 1}
    assert modes["model"]["buckets"] == {"no_code": 2, "logic_error": 1}
    assert modes["model"]["lift"]["pass_at_1"] == pytest.approx(3 / 9)
    assert modes["grammar"]["lift"]["pass_at_1"] == pytest.approx(6 / 9)
    per_task = modes["raw"]["per_task"]
    assert {t for t, v in per_task.items() if v["c"]} == {"factorial", "fibonacci", "quicksort"}
    # one repair round was asked for pattern_match only (the rules fixed the other two)
    repairs = [r for r in server.requests if is_repair_round(r)]
    assert len(repairs) == 1 and "type_mismatch" in repairs[0]["messages"][-1]["content"]
    assert summary["generation"]["plain"]["repair_calls"] == 1
    report = Path(summary["report"]).read_text(encoding="utf-8")
    assert "| stub-model | raw | 55.6 | 44.4 | 44.4 | 33.3 |" in report
    assert "Python syntax leak" in report and "## Held-out and dev tasks" in report


def test_baseline_prompt_is_the_reference_and_a_plain_instruction(standard: TaskSet, tmp_path: Path) -> None:
    from evaluation.prompts import BASELINE_INSTRUCTION

    with serve(solutions(standard)) as server:
        summary = run_evaluation("openai", {**_options(server.base_url), "n_ctx": 8192}, "standard", 1,
                                 modes=("raw",), prompt="baseline", out_dir=tmp_path / "run", task_ids=["quicksort"],
                                 **FAST)
    [request] = server.requests
    system = request["messages"][0]["content"]
    assert system.startswith(BASELINE_INSTRUCTION) and "# Synoema in brief" in system
    assert [m["role"] for m in request["messages"]] == ["system", "user"]  # no few-shot examples
    assert summary["generation"]["plain"]["references"] == {"full": 1}
    assert summary["correct_rate"] == 1.0 and summary["modes_available"] == ["raw"]


def test_trained_prompt_is_the_system_prompt_and_the_task_alone(standard: TaskSet, tmp_path: Path) -> None:
    """`--prompt trained`: what the app sends a model installed by synoema-train (the training rows' shape)."""
    from assistant.knowledge import load_prompts

    with serve(solutions(standard)) as server:
        run_evaluation("openai", {**_options(server.base_url), "n_ctx": 8192}, "standard", 1, modes=("raw",),
                       prompt="trained", out_dir=tmp_path / "run", task_ids=["quicksort"], **FAST)
    [request] = server.requests
    assert [m["role"] for m in request["messages"]] == ["system", "user"]  # no few-shot examples
    assert request["messages"][0]["content"] == load_prompts().kinds["write"].system  # no reference


def test_generation_resumes_and_refuses_other_settings(standard: TaskSet, tmp_path: Path) -> None:
    out = tmp_path / "run"
    with serve(solutions(standard)) as server:
        settings = GenerateSettings(backend="openai", backend_options=_options(server.base_url), samples=1,
                                    task_ids=("factorial", "fizzbuzz"), repair_rounds=0)
        more_samples = GenerateSettings(**{**settings.__dict__, "samples": 3})
        first = generate(settings, out)
        assert (first.written, first.kept) == (2, 0)
        more = generate(more_samples, out)
        assert (more.written, more.kept) == (4, 2)
        again = generate(more_samples, out)
        assert (again.written, again.kept) == (0, 6)
        # how samples are fetched (timeouts, retries) may change; what they are may not
        patient = {**_options(server.base_url), "retries": 3, "timeout": 30.0}
        assert generate(GenerateSettings(**{**more_samples.__dict__, "backend_options": patient}), out).kept == 6
        with pytest.raises(GenerationError, match=r"temperature: 0\.2 before, 0\.9 now"):
            generate(GenerateSettings(**{**settings.__dict__, "temperature": 0.9}), out)
        assert len(server.requests) == 6
        # a torn last line (a kill mid-write) is set aside; that sample is missing, then generated again
        path = out / "generations.jsonl"
        lines = path.read_bytes().splitlines(keepends=True)
        path.write_bytes(b"".join(lines[:-1]) + lines[-1][:40])
        assert score_run(out, **FAST)["missing_samples"] == 1
        redo = generate(more_samples, out)
        assert (redo.written, redo.kept) == (1, 5) and "incomplete last line" in redo.notes[0]
        assert (out / "generations.jsonl.torn").exists()
    summary = score_run(out, **FAST)
    assert summary["missing_samples"] == 0 and summary["correct_rate"] == 1.0 and summary["tasks"] == 2


def test_an_unreachable_server_stops_the_run_with_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from model_support import free_port

    url = f"http://127.0.0.1:{free_port()}/v1"
    code = main(["generate", "--backend", "openai", "--base-url", url, "--model", "m", "--out", str(tmp_path / "r"),
                 "--task", "factorial", "--task", "fizzbuzz", "--task", "quicksort", "--task", "fibonacci", "-q",
                 "--retries", "0"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "3 samples in a row failed" in err and "run the same command again" in err
    with pytest.raises(EvaluationError, match="unknown mode"):
        run_evaluation("openai", {"base_url": url}, modes=("raw", "magic"), out_dir=tmp_path / "x")


def test_cli_score_json_and_compare_two_runs(fifty: TaskSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    half = {t.id for t in list(fifty)[::2]}

    def some(task: Task, body: dict[str, Any]) -> str:
        return program_reply(task.solution) if task.id in half else "No idea."

    a, b = tmp_path / "a", tmp_path / "b"
    common = ["--backend", "openai", "--model", "stub-model", "--tasks", "fifty", "--grammar", "none",
              "--repair-rounds", "0", "-q", "--timeout", "2"]
    with serve(answering(fifty, some)) as server:
        assert main(["run", *common, "--base-url", server.base_url, "--out", str(a)]) == 0
    with serve(solutions(fifty)) as server:
        assert main(["run", *common, "--base-url", server.base_url, "--out", str(b)]) == 0
    capsys.readouterr()
    assert main(["score", str(a), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["correct_rate"] == 0.5 and summary["pass_at_k"] == {"1": 0.5}
    assert set(summary["categories"]) == {"fundamentals", "data_structures", "abstractions", "applications",
                                          "string_ops"}
    assert {k: summary[k] for k in ("syntax_rate", "type_rate", "run_rate")} == dict.fromkeys(
        ("syntax_rate", "type_rate", "run_rate"), 0.5)
    result = compare_runs(a, b, target=0.75)
    assert result.test.difference == pytest.approx(0.5) and result.significant and result.test.better == 25
    assert result.verdict().startswith("B is better than A: +50.0 points")
    assert result.target_verdict() is not None and result.target_verdict().startswith("B reaches 75%: yes")
    assert main(["compare", str(b), str(a), "--split", "heldout", "--json"]) == 0
    heldout = json.loads(capsys.readouterr().out)
    assert heldout["tasks"] == 15 and heldout["verdict"].startswith("B is worse than A")
    assert main(["report", str(a), str(b), "--heatmap", str(tmp_path / "both.png")]) == 0
    assert (tmp_path / "both.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_python_dash_m_evaluation_is_the_console_script(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "evaluation", "tasks", "standard", "--verify"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "9 of 9 reference solutions print their expected output" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "evaluation", "score", str(tmp_path)], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and "no run.json" in bad.stderr and "Traceback" not in bad.stderr
