"""fix: repaired programs print what the originals print; working code is confirmed with its output."""

from __future__ import annotations

import pytest
from offline_programs import BROKEN, PROGRAMS
from offline_support import ask, blocks, check_proposed_blocks, fenced, shown

from synoema.api import run_source

# A multi-line `if/else if` chain: the repair rules in progress produce unbalanced parentheses for it.
KNOWN_REPAIR_GAPS = {"fizzbuzz"}


def _case(index: int) -> object:
    name = BROKEN[index][0]
    marks = [pytest.mark.xfail(reason="repair of multi-line if/else chains", strict=False)] \
        if name in KNOWN_REPAIR_GAPS else []
    return pytest.param(index, marks=marks, id=name)


@pytest.mark.parametrize("index", [_case(i) for i in range(len(BROKEN))])
def test_fix_brings_broken_programs_back(index: int) -> None:
    name, broken = BROKEN[index]
    original, stdin = PROGRAMS[name]
    assert not run_source(broken, stdin=stdin).ok
    answer = ask("fix", fenced(broken))
    proposed = [b for b in blocks(answer) if b.info == "sno"]
    assert proposed, f"{name}: no fixed program in\n{answer}"
    assert shown(run_source(proposed[-1].body, stdin=stdin)) == shown(run_source(original, stdin=stdin))
    assert check_proposed_blocks(answer, stdin) >= 1
    assert "line " in answer  # each edit is explained with its line


@pytest.mark.parametrize("index", range(len(BROKEN)))
def test_fix_names_the_real_diagnostic(index: int) -> None:
    _name, broken = BROKEN[index]
    first = next(d for d in run_source(broken).diagnostics if d.is_error)
    answer = ask("fix", fenced(broken))
    assert answer.startswith("**Problem:**")
    assert f"`{first.code}`" in answer
    quoted = [b for b in blocks(answer) if b.info == "sno quoted"]
    assert quoted and all(line in broken.split("\n") for line in quoted[0].body.rstrip("\n").split("\n"))
    check_proposed_blocks(answer)


def test_fix_on_working_code_shows_the_output() -> None:
    source, _ = PROGRAMS["factorial"]
    answer = ask("fix", fenced(source))
    assert "No errors" in answer
    outputs = [b for b in blocks(answer) if b.info == "output"]
    assert outputs and outputs[0].body == shown(run_source(source))


def test_fix_on_runtime_error() -> None:
    answer = ask("fix", fenced(PROGRAMS["runtime_error"][0]))
    assert "run time" in answer and "`runtime_error`" in answer
    check_proposed_blocks(answer)


def test_fix_without_main_reports_types() -> None:
    answer = ask("fix", fenced(PROGRAMS["library_only"][0]))
    assert "No errors" in answer and "`clamp : " in answer
