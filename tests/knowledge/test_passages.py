"""Retrieval knowledge base and its evaluation questions: schema, coverage, runnable examples, and
that a plain BM25 puts an accepted passage first for at least 85% of the questions."""

from __future__ import annotations

import pytest
from kn_bm25 import BM25, tokenize
from kn_support import check_command, run_program

from assistant.knowledge import Passage, load_passages, load_qa_eval

TOPIC_IDS = [
    "list-literals",
    "conditional",
    "string-concat",
    "cons-pattern",
    "singleton-list",
    "local-bindings",
    "multi-equation",
    "define-before-use",
    "operator-precedence",
    "pipe",
    "ranges",
    "comprehensions",
    "records",
    "record-update",
    "adt-define",
    "derive",
    "traits",
    "modules",
    "import-files",
    "interpolation",
    "print",
    "sequencing",
    "readline",
    "args",
    "env",
    "result",
    "map-create",
    "json-parse",
    "display-rules",
    "error-codes",
]


def _passage_text(passage: Passage) -> str:
    return " ".join([passage.title, *passage.tags, passage.text])


def test_passages_load_with_unique_ids_and_size() -> None:
    passages = load_passages()
    assert 80 <= len(passages) <= 120
    assert len({p.id for p in passages}) == len(passages)
    for passage in passages:
        assert passage.tags and len(passage.text.split()) <= 120, passage.id


def test_passages_cover_the_language() -> None:
    ids = {p.id for p in load_passages()}
    assert not [topic for topic in TOPIC_IDS if topic not in ids]


@pytest.mark.parametrize("passage", [p for p in load_passages() if p.code], ids=lambda p: p.id)
def test_passage_example_runs(passage: Passage) -> None:
    if check_command() is None:
        pytest.skip("no Synoema checker on PATH")
    assert passage.code is not None
    result = run_program(passage.code, passage.stdin)
    assert result.ok, f"{passage.id}: {result.error}"
    assert result.stdout == passage.output


def test_qa_eval_is_large_and_points_at_passages() -> None:
    items = load_qa_eval()
    assert len(items) >= 70
    assert len({item.question for item in items}) == len(items)


def test_bm25_finds_the_answer_first(capsys: pytest.CaptureFixture[str]) -> None:
    passages = load_passages()
    index = BM25([tokenize(_passage_text(p)) for p in passages])
    items = load_qa_eval()
    misses = []
    for item in items:
        top = passages[index.top(tokenize(item.question))].id
        if top not in item.accepted:
            misses.append(f"{item.question!r} -> {top} (want {item.answer_id})")
    rate = 1 - len(misses) / len(items)
    with capsys.disabled():
        print(f"\nBM25 top-1: {rate:.1%} of {len(items)} questions")
    assert rate >= 0.85, "\n".join(misses)
