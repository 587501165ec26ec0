"""Validation: every snippet compiled and run, outputs, quotes and claims checked; a bad row is
rejected with its reason."""

from __future__ import annotations

import pytest
from dialogue_support import WRITE_ANSWER, row

from dialogue.format import Row, seed_rows
from dialogue.validate import Validator

FIX_USER = "why does this fail\n\n```sno\nmain = [1, 2, 3]\n```"
FIX_ANSWER = (
    "The checker reports `unexpected_token` on line 1: list items are separated by spaces, not commas.\n\n"
    "```sno quoted\nmain = [1, 2, 3]\n```\n\nDrop the commas:\n\n```sno\nmain = [1 2 3]\n```\n```output\n[1 2 3]\n```"
)
FIX_META = {"user_code": {"status": "fails", "error_code": "unexpected_token", "line": 1}}


def _rows() -> dict[str, Row]:
    good = {
        "write": row("write", "sum the numbers 1 to 10", WRITE_ANSWER),
        "fix": row("fix", FIX_USER, FIX_ANSWER, **FIX_META),
    }
    bad = {
        "wrong output": row("write", "sum 1 to 10", WRITE_ANSWER.replace("55", "56")),
        "fragment": row("write", "sum 1 to 10", "Like this:\n\n```sno\nsum [1..10]\n```\n```output\n55\n```"),
        "no output block": row("write", "sum 1 to 10", "Like this:\n\n```sno\nmain = sum [1..10]\n```"),
        "foreign quote": row("fix", FIX_USER, FIX_ANSWER.replace("```sno quoted\nmain = [1, 2, 3]", "```sno quoted\nmain = [4, 5]"), **FIX_META),
        "wrong code named": row("fix", FIX_USER, FIX_ANSWER.replace("`unexpected_token`", "`type_mismatch`"), **FIX_META),
        "wrong meta": row("fix", FIX_USER, FIX_ANSWER, user_code={"status": "runs", "output": "x\n"}),
        "wrong signature": row("write", "sum 1 to 10", "`length : Int -> Int` counts.\n\n" + WRITE_ANSWER),
        "invented function": row("write", "sum 1 to 10", "Or call `sum_all_numbers` on the range.\n\n" + WRITE_ANSWER),
        "unclosed fence": row("write", "sum 1 to 10", "Like this:\n\n```sno\nmain = sum [1..10]\n"),
        "fails to run": row("write", "sum 1 to 10", "```sno\nmain = head []\n```\n```output\n0\n```"),
    }
    return {**{f"good {k}": Row.from_dict(v) for k, v in good.items()}, **{k: Row.from_dict(v) for k, v in bad.items()}}


REASONS = {
    "wrong output": "the ```output block shows '56', but the program prints '55'",
    "fragment": "holds a complete program with `main`",
    "no output block": "no ```output block right after the program",
    "foreign quote": "quoted lines that are not in the user's messages",
    "wrong code named": "names `type_mismatch`, but the user's code fails with `unexpected_token`",
    "wrong meta": "says the user's code runs, but it fails",
    "wrong signature": "states `length : Int -> Int`, but the library's `length` is",
    "invented function": "names `sum_all_numbers`, which is neither in the standard library",
    "unclosed fence": "the fence is never closed",
    "fails to run": "does not run",
}


@pytest.fixture(scope="module")
def reports() -> dict[str, object]:
    rows = _rows()
    return dict(zip(rows, Validator().validate(list(rows.values()))))


def test_good_rows_pass(reports) -> None:
    for name in ("good write", "good fix"):
        assert reports[name].ok, (name, reports[name].problems)
    assert reports["good fix"].programs == 1 and reports["good write"].claims >= 1  # `sum` exists


@pytest.mark.parametrize("name", sorted(REASONS))
def test_a_bad_row_is_rejected_with_the_reason(reports, name: str) -> None:
    report = reports[name]
    assert not report.ok
    assert any(REASONS[name] in p for p in report.problems), report.problems


def test_every_seed_dialogue_validates() -> None:
    rows = seed_rows().rows
    bad = [(r.id, r.problems) for r in Validator().validate(rows) if not r.ok]
    assert bad == []
