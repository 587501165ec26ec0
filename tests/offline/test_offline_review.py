"""review: each lint fires on its case, every rewrite prints the same as the original, token cost shown."""

from __future__ import annotations

import pytest
from offline_programs import CLEAN, LINT_CASES, PROGRAMS
from offline_support import ask, blocks, check_proposed_blocks, fenced

from assistant.offline.review import review
from synoema.api import run_source


@pytest.mark.parametrize("index", range(len(LINT_CASES)), ids=lambda i: f"{i}-{LINT_CASES[i][1]}")
def test_lint_fires(index: int) -> None:
    source, rule = LINT_CASES[index]
    result = review(source)
    rules = [f.rule for f in result.findings]
    assert rule in rules, f"{rule} not in {rules}"
    for f in result.findings:
        assert f.line > 0 and f.severity in ("error", "warning", "style", "info") and f.message


@pytest.mark.parametrize("source", [c[0] for c in LINT_CASES] + [p[0] for p in PROGRAMS.values()])
def test_rewrites_print_the_same(source: str) -> None:
    result = review(source)
    if result.revised is None:
        return
    before, after = run_source(source), run_source(result.revised)
    assert before.ok and after.ok
    assert after.stdout == before.stdout
    assert result.revised != source


def test_rewrites_are_idiomatic() -> None:
    def revised(src: str) -> str:
        out = review(src).revised
        assert out is not None
        return out

    assert "double xs = map (\\x -> x * 2) xs" in revised(LINT_CASES[0][0])
    assert "evens xs = filter even xs" in revised(LINT_CASES[1][0])
    assert "total xs = sum xs" in revised(LINT_CASES[2][0])
    assert "count xs = length xs" in revised(LINT_CASES[3][0])
    assert "name Red = \"r\"\nname Green = \"g\"\nname _ = \"b\"" in revised(LINT_CASES[5][0])
    assert "get (Ok v) = v + 1\nget (Err _) = 0" in revised(LINT_CASES[6][0])
    assert "first_or [] = 0\nfirst_or (x:_) = x" in revised(LINT_CASES[7][0])
    assert 'msg n m = "n=${n}, m=${m}"' in revised(LINT_CASES[-1][0])


def test_review_answer_format() -> None:
    source = LINT_CASES[0][0]
    answer = ask("review", fenced(source))
    assert answer.startswith("**Verdict:**")
    assert "tokens" in answer and "line 1" in answer and "style" in answer
    assert "saves" in answer
    assert check_proposed_blocks(answer) == 1


def test_partial_function_is_a_warning_without_rewrite() -> None:
    answer = ask("review", fenced(LINT_CASES[12][0]))
    assert "warning" in answer and "`head`" in answer
    assert not [b for b in blocks(answer) if b.info == "sno"]


def test_guarded_partial_functions_are_not_reported() -> None:
    guarded = [
        "f xs = ? xs == [] -> 0 : head xs\n\nmain = f [1]\n",
        "f [] = 0\nf xs = head xs\n\nmain = f [1]\n",
        "f r = ? is_ok r -> unwrap r : 0\n\nmain = f (Ok 1)\n",
        "main = head [1 2 3]\n",
        "f xs = xs != [] && head xs > 0\n\nmain = f [1]\n",
    ]
    for src in guarded:
        assert "partial-function" not in [f.rule for f in review(src).findings], src


def test_clean_code_has_no_findings() -> None:
    answer = ask("review", fenced(CLEAN))
    assert "no findings" in answer and "tokens" in answer
    assert not blocks(answer)


def test_needed_parentheses_are_kept() -> None:
    for src in [
        "main = [(-1) 2]\n",
        "f x = x\n\nmain = [(f 1) 2]\n",
        "main = ? true -> (1 : [2]) : [3]\n",
        "f r = r.x\n\nmain = f ({x = 1})\n",
        "main = abs (-3)\n",
    ]:
        result = review(src)
        assert result.revised is None or run_source(result.revised).stdout == run_source(src).stdout


def test_review_of_broken_code_points_to_fix() -> None:
    answer = ask("review", fenced("main = [1, 2, 3]\n"))
    assert "does not compile" in answer and "/fix" in answer
