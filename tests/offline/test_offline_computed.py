"""Computed offline answers: the issue's examples, every strategy's programs verified, the question set."""

from __future__ import annotations

import re

import pytest
from offline_support import ask, blocks, check_proposed_blocks, engine

from assistant.offline.compute import candidates
from assistant.offline.idioms import IDIOMS, read
from assistant.offline.keyfacts import SPLITS, TOPICS, Question, has_fact, load_questions, missing_facts
from assistant.offline.library_answer import NOTES
from assistant.offline.live import evaluate, run_example
from assistant.offline.topics import CARDS
from assistant.offline.write import TEMPLATES

# ── the examples of the issue: each answers with the fact asked for ──────────────────────────


def test_quoted_expression_is_evaluated_with_its_rule() -> None:
    answer = ask("ask", "What does -7 % 3 give?")
    assert "`-1`" in answer and "sign of the dividend" in answer


def test_type_of_a_library_function() -> None:
    assert "`map : (a -> b) -> List a -> List b`" in ask("ask", "What is the type of map?")


def test_reversing_a_string_is_not_list_reverse() -> None:
    answer = ask("ask", "How do I reverse a string?")
    assert "str_slice" in answer and "lists only" in answer
    assert check_proposed_blocks(answer) == 1
    assert "olleh" in ask("ask", 'how do i reverse "hello"')


def test_no_where_clause() -> None:
    answer = ask("ask", "Is there a where clause?")
    assert "Synoema has no `where`" in answer
    check_proposed_blocks(answer)


def test_the_users_own_names_and_values() -> None:
    answer = ask("ask", "i have prices = [3, 5, 9], how do I get the total")
    code = [b.body for b in blocks(answer) if b.info == "sno"]
    assert code and "prices = [3 5 9]" in code[0] and "sum prices" in code[0]
    assert "17" in [b.body.strip() for b in blocks(answer) if b.info == "output"]
    answer = ask("ask", "keep only the even numbers of `vals`")
    assert "filter even vals" in answer and "example values" in answer
    check_proposed_blocks(answer)


@pytest.mark.parametrize(("pasted", "fact"), [
    ("error[type_mismatch]: `+` needs numbers (Int or Float), found String", "`++`"),
    ("main.sno:3:9: error[unbound_variable]: `lenght` is not defined", "`length`"),
    ("error: `helper` is used before its definition on line 5", "above"),
    ("argument 1 of `length` should be List a, found String", "str_len"),
    ("error: expected Int, found String", "type_mismatch"),  # the reference CLI's wording
    ("what does linear_unused mean", "linear"),
])
def test_pasted_errors_get_their_own_cause_and_fix(pasted: str, fact: str) -> None:
    answer = ask("ask", pasted)
    assert fact in answer and "**Fix:**" in answer
    check_proposed_blocks(answer)


def test_write_fizzbuzz_adapts_the_range() -> None:
    answer = ask("write", "fizzbuzz from 1 to 15")
    outputs = [b.body for b in blocks(answer) if b.info == "output"]
    assert outputs and outputs[0].splitlines()[:3] == ["1", "2", "Fizz"] and "FizzBuzz" in outputs[0]
    assert "14" in outputs[0].splitlines()
    check_proposed_blocks(answer)


def test_other_languages_names_map_to_synoema() -> None:
    assert "Synoema has no `zipWith`" in ask("ask", "is there zipWith")
    assert "`!=`" in ask("ask", "expected an expression, found `>` (i wrote x <> y)")


# ── every program a strategy can show runs ───────────────────────────────────────────────────


def test_card_and_template_programs_run() -> None:
    for card in CARDS:
        assert not card.example or run_example(card.example, card.stdin) is not None, card.id
    for tpl in TEMPLATES:
        _, code = tpl.build("")
        assert run_example(code) is not None, tpl.id


def test_library_examples_evaluate() -> None:
    for name, (examples, _) in NOTES.items():
        for expr in examples:
            ev = evaluate(expr)
            assert ev.ok or name in ("head", "tail"), (expr, ev.error)


def test_idioms_build_runnable_programs_with_default_values() -> None:
    for idiom in IDIOMS:
        built = idiom.build(read("my list `data` bigger than 2, the positive second one, repeat \"ab\" 3 times"))
        if built is not None:
            assert run_example(built[1]) is not None, (idiom.id, built[1])


def test_expression_candidates() -> None:
    assert candidates("what does 2 ** 3 ** 2 evaluate to") == ["2 ** 3 ** 2"]
    assert candidates("round (-2.5) gives?") == ["round (-2.5)"]
    assert candidates("what is the type of \\x -> x + 1") == ["\\x -> x + 1"]
    assert candidates("How do I reverse a string?") == []


def test_evaluation_is_sandboxed() -> None:
    ev = evaluate('file_read "/etc/passwd"')
    assert not ev.ok and ev.error is not None and ev.error.code == "permission_denied"


# ── the question set ─────────────────────────────────────────────────────────────────────────


def test_question_set_shape() -> None:
    sets = {s: load_questions(s) for s in SPLITS}
    assert sum(len(q) for q in sets.values()) >= 300
    for qs in sets.values():
        assert {q.topic for q in qs} == set(TOPICS) and all(q.facts for q in qs)
    dev = {q.question.lower() for q in sets["dev"]}
    assert not [q for q in sets["heldout"] if q.question.lower() in dev]


def test_key_fact_matching() -> None:
    q = Question("x", "semantics", "ask", "?", (("v:-1",), ("sign", "dividend")))
    assert not missing_facts("`-7 % 3` is `-1`: the sign of the dividend", q)
    assert missing_facts("`-7 % 3` is `-10`", q) == list(q.facts)
    assert has_fact("no `where` clause", ("no where",)) and has_fact("f x = 1", (r"re:\w+ \w+ =",))


def test_dev_questions_answer_with_their_key_facts() -> None:
    """The tuning split: kept at 100% (the held-out figure comes from benchmarks/bench_ask.py)."""
    misses = []
    for q in load_questions("dev"):
        answer = "".join(engine().answer(q.kind, q.question))
        if missing_facts(answer, q):
            misses.append(q.id)
    assert len(misses) <= 3, misses


def test_every_dev_answer_shows_only_verified_code() -> None:
    for q in load_questions("dev")[::5]:
        answer = "".join(engine().answer(q.kind, q.question))
        check_proposed_blocks(answer, "Ada\n" if "readline" in answer else "")
        assert not re.search(r"Traceback|internal \w+Error", answer)


@pytest.mark.parametrize("question", ["", "?", "`", '"""', "what is 1 +", "what does [1..999999999] give",
                                      "x" * 20000, 'what does `env "HOME"` return', "ünïcödé 日本語 ?"])
def test_odd_questions_get_an_answer_not_a_traceback(question: str) -> None:
    answer = ask("ask", question)
    assert answer.strip() and "Traceback" not in answer
    check_proposed_blocks(answer)
