"""The task sets: their shape, their format checks, and every reference solution's output."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evaluation.tasks import (
    CATEGORIES,
    TASKS_DIR,
    TaskSet,
    TaskSetError,
    load_tasks,
    parse_tasks,
    verify_tasks,
)

STANDARD_IDS = ["factorial", "fibonacci", "quicksort", "fizzbuzz", "filter_map", "binary_search",
                "error_handling", "pattern_match", "type_definition"]


def test_standard_set_has_the_recipes_nine_tasks(standard: TaskSet) -> None:
    assert [t.id for t in standard] == STANDARD_IDS


def test_fifty_covers_the_five_categories_with_terse_adt_and_string_tasks(fifty: TaskSet) -> None:
    assert len(fifty) == 50
    assert Counter(t.category for t in fifty) == dict.fromkeys(CATEGORIES, 10)
    assert sum(t.terse for t in fifty) >= 10
    assert all("terse" in t.tags for t in fifty if t.terse)
    assert sum("adt" in t.tags for t in fifty) >= 8
    assert sum("strings" in t.tags for t in fifty) >= 12
    # terse prompts leave main implicit: they never say "main" or "program"
    assert not [t.id for t in fifty if t.terse and ("main" in t.prompt or "program" in t.prompt)]


@pytest.mark.parametrize("name", ["standard", "fifty"])
def test_every_set_keeps_a_heldout_part_in_every_category_it_covers(name: str) -> None:
    tasks = load_tasks(name)
    heldout = [t for t in tasks if t.split == "heldout"]
    assert 0.25 <= len(heldout) / len(tasks) <= 0.4
    if name == "fifty":
        assert {t.category for t in heldout} == set(CATEGORIES)


def test_every_reference_solution_prints_its_expected_output(standard: TaskSet, fifty: TaskSet) -> None:
    assert verify_tasks([*standard, *fifty]) == []


def test_expected_outputs_follow_the_output_block_rule(fifty: TaskSet) -> None:
    # what `synoema run` prints: a main that ends with a print shows `()` last, a value main does not
    for t in fifty:
        assert t.expected_output.endswith("\n")
        last = t.solution.rstrip().splitlines()[-1]
        if "print" in last:
            assert t.expected_output.endswith("()\n"), t.id


def test_verify_reports_a_solution_whose_output_changed(standard: TaskSet) -> None:
    task = standard.tasks[0]
    broken = type(task)(**{**task.__dict__, "expected_output": "42\n"})
    [problem] = verify_tasks([broken])
    assert problem.task_id == "factorial" and "3628800" in problem.message


def _row(**changes: object) -> str:
    base = {"id": "t1", "category": "fundamentals", "tags": ["x"], "terse": False, "prompt": "Print 1.",
            "expected_output": "1\n", "solution": "main = 1\n"}
    return json.dumps({**base, **changes})


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        (_row(category="misc"), "unknown category 'misc'"),
        (_row(split="test"), "unknown split 'test'"),
        (_row(terse="no"), "'terse' must be a bool"),
        (json.dumps({"id": "t1"}), "missing field(s) category"),
        (_row(id="a/b"), "bad id"),
    ],
)
def test_a_bad_task_line_is_reported_with_its_line_number(line: str, message: str) -> None:
    with pytest.raises(TaskSetError) as err:
        parse_tasks([_row(id="ok"), line], "my.jsonl")
    assert f"my.jsonl:2: {message}" in str(err.value)


def test_duplicate_ids_and_unknown_sets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TaskSetError, match="duplicate id 't1' \\(first on line 1\\)"):
        parse_tasks([_row(), _row()])
    with pytest.raises(TaskSetError, match="built-in sets are standard, fifty"):
        load_tasks(tmp_path / "missing.jsonl")


def test_any_file_in_the_format_is_a_task_set_and_subsets_keep_order(tmp_path: Path, standard: TaskSet) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join([_row(id="b"), "", _row(id="a", split="heldout")]) + "\n", encoding="utf-8")
    mine = load_tasks(path)
    assert mine.name == "mine" and [t.id for t in mine] == ["b", "a"] and mine.tasks[1].split == "heldout"
    sub = standard.select(["fizzbuzz", "factorial"])
    assert [t.id for t in sub] == ["factorial", "fizzbuzz"] and sub.digest != standard.digest
    with pytest.raises(TaskSetError, match="no task\\(s\\) nope"):
        standard.select(["nope"])


def test_the_format_document_names_every_field() -> None:
    text = (TASKS_DIR / "FORMAT.md").read_text(encoding="utf-8")
    for field in ("id", "category", "tags", "terse", "prompt", "expected_output", "solution", "split"):
        assert f"`{field}`" in text
    for category in CATEGORIES:
        assert category in text
