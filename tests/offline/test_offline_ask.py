"""ask: retrieval accuracy on the evaluation questions, verified examples, library look-ups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from offline_support import ask, blocks, check_proposed_blocks, engine

from assistant.knowledge import QAItem, load_passages, load_qa_eval

HELDOUT = Path(__file__).with_name("heldout_questions.jsonl")


def _accuracy(items: list[QAItem]) -> tuple[float, list[str]]:
    asker = engine().asker
    misses: list[str] = []
    for item in items:
        hits = asker.rank(item.question, 1)
        if not hits or hits[0].passage_id not in item.accepted:
            misses.append(f"{item.question!r} -> {hits[0].passage_id if hits else None} (want {item.accepted})")
    return 1.0 - len(misses) / len(items), misses


def test_retrieval_accuracy_on_the_evaluation_set() -> None:
    items = load_qa_eval()
    assert len(items) >= 70
    score, misses = _accuracy(items)
    print(f"\nask retrieval: right passage first for {score:.1%} of {len(items)} questions")
    for miss in misses:
        print("  miss:", miss)
    assert score >= 0.85


def test_retrieval_accuracy_on_held_out_questions() -> None:
    """Questions written separately from the tuning set: a check that retrieval generalises."""
    rows = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [QAItem(r["question"], r["answer_id"], tuple(r.get("alt_ids", []))) for r in rows]
    ids = {p.id for p in load_passages()}
    assert all(pid in ids for item in items for pid in item.accepted)
    score, misses = _accuracy(items)
    print(f"\nask retrieval (held-out): {score:.1%} of {len(items)} questions")
    for miss in misses:
        print("  miss:", miss)
    assert score >= 0.75


def _stdin_for(answer: str) -> str:
    for p in load_passages():
        if p.code and p.code in answer and p.stdin:
            return p.stdin
    for qa in engine().knowledge.seed_qa:
        if qa.answer.strip() in answer:
            return qa.stdin
    return ""


@pytest.mark.parametrize("item", load_qa_eval()[::4], ids=lambda item: item.question[:40])
def test_answers_show_verified_examples(item: QAItem) -> None:
    answer = ask("ask", item.question)
    check_proposed_blocks(answer, _stdin_for(answer))
    assert not [b for b in blocks(answer) if b.info == "sno quoted"]


def test_concept_answer_has_title_and_verified_example() -> None:
    answer = ask("ask", "how do I write if else")
    assert answer.startswith("**Conditionals.**") and "? cond -> a : b" in answer
    assert "```sno" in answer and "```output" in answer
    check_proposed_blocks(answer)


def test_library_names_are_looked_up() -> None:
    answer = ask("ask", "what does `str_slice` do")
    assert "`str_slice : String -> Int -> Int -> String`" in answer
    answer = ask("ask", "is there a `split` function?")
    assert "Synoema has no `split`" in answer


def test_question_with_failing_code_uses_the_diagnostic() -> None:
    answer = ask("ask", "why does this fail?\n```sno\nmain = [1, 2, 3]\n```")
    assert "unexpected_token" in answer and "`[1 2 3]`" in answer


def test_unknown_question_is_honest() -> None:
    answer = ask("ask", "zxqv wplk")
    assert "no computed answer" in answer and "Closest topics:" in answer


def test_write_beyond_the_templates_says_so() -> None:
    answer = ask("write", "a distributed key-value store with raft consensus and a web dashboard")
    assert "needs a language model" in answer
    assert not blocks(answer)
