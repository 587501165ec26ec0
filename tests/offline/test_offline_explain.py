"""explain: every inferred signature stated exactly, the real output shown, failures pointed to /fix."""

from __future__ import annotations

import pytest
from offline_programs import PROGRAMS
from offline_support import ask, blocks, fenced, shown

from synoema.api import check_source, run_source

RUNNABLE = [name for name, (src, _) in PROGRAMS.items() if "main" in src and name != "runtime_error"]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_explain_states_every_signature_exactly(name: str) -> None:
    source, _ = PROGRAMS[name]
    answer = ask("explain", fenced(source))
    signatures = check_source(source).signatures
    assert signatures, name
    for fname, ftype in signatures:
        assert f"`{fname} : {ftype}`" in answer, f"{name}: missing `{fname} : {ftype}`"


@pytest.mark.parametrize("name", RUNNABLE)
def test_explain_shows_what_the_program_prints(name: str) -> None:
    source, _stdin = PROGRAMS[name]
    answer = ask("explain", fenced(source))
    outputs = [b for b in blocks(answer) if b.info == "output"]
    assert len(outputs) == 1
    expected = shown(run_source(source, stdin=""))  # explain runs with empty standard input
    assert outputs[0].body == expected
    assert not [b for b in blocks(answer) if b.info == "sno"], "explain does not propose code"


def test_explain_describes_structure() -> None:
    answer = ask("explain", fenced(PROGRAMS["factorial"][0]))
    assert "recursive" in answer and "base case is `fac 0 = 1`" in answer
    answer = ask("explain", fenced(PROGRAMS["shapes"][0]))
    assert "constructors `Circle`, `Rect` and `Dot`" in answer
    answer = ask("explain", fenced(PROGRAMS["pipeline"][0]))
    assert "pipeline" in answer
    answer = ask("explain", fenced(PROGRAMS["fizzbuzz"][0]))
    assert "chain of 3 conditionals" in answer
    answer = ask("explain", fenced(PROGRAMS["records"][0]))
    assert "changed" in answer and "`.age`" in answer
    answer = ask("explain", fenced(PROGRAMS["accumulator"][0]))
    assert "tail position" in answer
    answer = ask("explain", fenced(PROGRAMS["readline"][0]))
    assert "reads a line of standard input" in answer and "empty standard input" in answer


def test_explain_library_without_main() -> None:
    answer = ask("explain", fenced(PROGRAMS["library_only"][0]))
    assert "no `main`" in answer
    assert not [b for b in blocks(answer) if b.info == "output"]


def test_explain_runtime_error_is_reported() -> None:
    answer = ask("explain", fenced(PROGRAMS["runtime_error"][0]))
    assert "runtime_error" in answer and "/fix" in answer


def test_explain_code_that_does_not_compile() -> None:
    answer = ask("explain", fenced("main = [1, 2, 3]\n"))
    assert "does not compile" in answer and "unexpected_token" in answer and "/fix" in answer
    assert not [b for b in blocks(answer) if b.info == "sno"]


def test_explain_bare_code_and_code_from_history() -> None:
    source = "square x = x * x\n\nmain = square 7\n"
    answer = ask("explain", "what does this do?\n" + source)
    sig = dict(check_source(source).signatures)["square"]
    assert f"`square : {sig}`" in answer and "49" in answer
    history = (("user", fenced("main = 6 * 7\n")), ("assistant", "It prints 42."))
    answer = ask("explain", "and what is its type?", history)
    assert "`main : Int`" in answer


def test_explain_without_code_answers_from_the_reference() -> None:
    answer = ask("explain", "what is a fold?")
    assert "no Synoema code" in answer and "foldl" in answer


def test_explain_a_bare_expression() -> None:
    answer = ask("explain", "```sno\nmap (\\x -> x * 2) [1 2 3]\n```")
    assert "`main : List Int`" in answer and "[2 4 6]" in answer
