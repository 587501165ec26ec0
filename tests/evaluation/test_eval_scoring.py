"""Scoring without a model: extraction, the correct-output rule, the funnel and the failure buckets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evaluation.extract import pick_program
from evaluation.scoring import SampleScore, eval_limits, output_correct, score_samples, summarize
from evaluation.tasks import TaskSet
from evaluation.taxonomy import RULE_BUCKETS


def test_the_answer_is_the_first_proposed_program_with_main() -> None:
    reply = (
        "Your code was:\n\n```sno quoted\nmain = 0\n```\n\nA helper:\n\n```sno\ndouble x = x * 2\n```\n\n"
        "The program:\n\n```sno\ndouble x = x * 2\nmain = double 21\n```\n```output\n42\n```\n"
    )
    picked = pick_program(reply)
    assert picked is not None and picked.code == "double x = x * 2\nmain = double 21\n" and picked.index == 2
    assert pick_program("```sno\ndouble x = x * 2\n```").code == "double x = x * 2\n"  # type: ignore[union-attr]


def test_a_bare_program_counts_but_prose_and_other_languages_do_not() -> None:
    assert pick_program("sq x = x * x\nmain = sq 4\n").code == "sq x = x * x\nmain = sq 4\n"  # type: ignore[union-attr]
    for reply in ("", "   \n", "I would use recursion: main calls fact.", "```python\nprint(1)\n```",
                  "The main function should print the result."):
        assert pick_program(reply) is None, reply


@pytest.mark.parametrize(
    ("expected", "printed", "correct"),
    [
        ("3628800\n()\n", "3628800\n", True),  # main = print x vs main = x
        ("3628800\n", "3628800\n()\n", True),
        ("a\nb\n()\n", "a  \nb\n()\n", True),  # trailing blanks of lines
        ("a\nb\n()\n", "a\nb\nc\n()\n", False),
        ("7\n()\n", "()\n", False),
        ("[1 2]\n", "[1, 2]\n", False),
    ],
)
def test_correct_output_leaves_out_mains_unit_line(expected: str, printed: str, correct: bool) -> None:
    assert output_correct(expected, printed) is correct


def _record(task_id: str, text: str, *, pass_name: str = "plain", error: bool = False,
            blocks: list[dict] | None = None) -> tuple[str, dict]:
    key = f"{task_id}/0/{pass_name}"
    return key, {"key": key, "task_id": task_id, "sample": 0, "pass": pass_name, "text": text,
                 "blocks": blocks or [], "error": {"message": "down"} if error else None}


def _fence(code: str) -> str:
    return f"```sno\n{code}```\n"


def test_funnel_and_buckets_of_known_failures(standard: TaskSet) -> None:
    by_id = {t.id: t for t in standard}
    fizz = by_id["fizzbuzz"].solution.replace("[1..15]", "[1..14]")
    pattern = by_id["pattern_match"].solution.replace('shape [] = "empty"', "shape [] = 0")
    commas = by_id["error_handling"].solution.replace("[[20 4] [7 0] [9 2]]", "[[20, 4], [7, 0], [9, 2]]")
    haskell = by_id["type_definition"].solution.replace("Shape = Circle", "data Shape = Circle")
    loops = "loop n = loop (n + 1)\nmain = loop 0\n"
    records = dict([
        _record("factorial", _fence(by_id["factorial"].solution)),
        _record("fizzbuzz", _fence(fizz)),
        _record("pattern_match", _fence(pattern)),
        _record("error_handling", _fence(commas)),
        _record("type_definition", _fence(haskell)),
        _record("filter_map", "Just filter and map the numbers."),
        _record("binary_search", "", error=True),
        _record("quicksort", _fence("quicksort xs = xs\n")),
        _record("fibonacci", _fence(loops)),
    ])
    scores = score_samples(list(standard), records, samples=1, modes=("raw", "rules"), jobs=1,
                           limits=eval_limits(timeout=0.5))
    got = {(s.task_id, s.mode): s for s in scores}

    def funnel(s: SampleScore) -> tuple[bool, ...]:
        return (s.extracted, s.parses, s.types, s.runs, s.correct)

    raw = {tid: got[(tid, "raw")] for tid in by_id}
    assert funnel(raw["factorial"]) == (True, True, True, True, True) and raw["factorial"].bucket is None
    assert funnel(raw["fizzbuzz"]) == (True, True, True, True, False) and raw["fizzbuzz"].bucket == "logic_error"
    assert raw["pattern_match"].bucket == "type_mismatch" and raw["pattern_match"].first_error == "type_mismatch"
    assert raw["error_handling"].bucket == "python_leak" and "list_commas" in raw["error_handling"].repair_rules
    assert raw["type_definition"].bucket == "haskell_leak"
    assert raw["filter_map"].bucket == "no_code" and raw["binary_search"].bucket == "generation_error"
    assert funnel(raw["quicksort"]) == (True, True, True, False, False) and raw["quicksort"].bucket == "no_main"
    assert raw["fibonacci"].bucket in ("limit", "runtime_error") and not raw["fibonacci"].runs
    rules = {tid: got[(tid, "rules")] for tid in by_id}
    assert rules["error_handling"].correct and rules["error_handling"].changed
    assert rules["type_definition"].correct
    assert not rules["pattern_match"].correct and not rules["pattern_match"].changed
    summary = summarize(list(standard), scores, ("raw", "rules"), samples=1)
    assert summary["correct_rate"] == pytest.approx(1 / 9)
    assert summary["syntax_rate"] == pytest.approx(5 / 9)  # factorial, fizzbuzz, pattern, quicksort, loop
    assert summary["modes"]["rules"]["correct_rate"] == pytest.approx(3 / 9)
    assert summary["modes"]["rules"]["lift"]["pass_at_1"] == pytest.approx(2 / 9)
    assert summary["modes"]["raw"]["buckets"]["no_code"] == 1


def test_model_mode_takes_the_engines_final_code_of_the_picked_block(standard: TaskSet) -> None:
    task = standard.tasks[0]
    broken = "factorial n = n\nmain = print (factorial 10\n"
    blocks = [{"index": 0, "code": broken, "final_code": task.solution, "repaired": True, "model_rounds": 1}]
    records = dict([_record(task.id, _fence(broken), blocks=blocks)])
    scores = score_samples([task], records, samples=1, modes=("raw", "model"), jobs=1)
    raw, model = scores
    assert not raw.parses and model.correct and model.changed


def test_every_rule_of_the_repair_engine_has_a_failure_bucket() -> None:
    import synoema.repair as package

    source = "".join(p.read_text(encoding="utf-8") for p in Path(package.__file__).parent.glob("*.py"))
    rules = set(re.findall(r'Fix\(\s*"([a-z_]+)"', source)) | set(re.findall(r'Fix\(\s*"[a-z_]+" if \w+ else "([a-z_]+)"', source))
    assert rules, "no rule names found"
    assert sorted(rules - set(RULE_BUCKETS)) == []


def test_large_batches_are_repaired_in_worker_processes_with_the_same_results() -> None:
    from evaluation.scoring import PARALLEL_REPAIRS, _repair, _repair_in_workers

    codes = [f"main = [{i}, {i + 1}, 3]\n" for i in range(PARALLEL_REPAIRS)] + ["main = (\n"]
    spread = _repair_in_workers(codes, 2)  # nothing falls back to this process
    assert spread == {code: _repair(code) for code in codes}
    assert spread[codes[0]].code == "main = [0 1 3]\n" and spread[codes[0]].rules == ("list_commas",)
