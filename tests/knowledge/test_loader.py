"""The loaders reject malformed rows with a KnowledgeError that names the place, and return typed data."""

from __future__ import annotations

import pytest

from assistant.knowledge import (
    KnowledgeError,
    Passage,
    QAItem,
    SeedDialogue,
    _dialogue,
    _jsonl,
    load_passages,
    load_qa_eval,
    load_seed_dialogues,
)


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "ask-900",
        "kind": "ask",
        "messages": [
            {"role": "system", "content": "s"},
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": "a"},
        ],
        "meta": {},
    }
    row.update(overrides)
    return row


def test_loaders_return_typed_records() -> None:
    assert all(isinstance(p, Passage) for p in load_passages())
    assert all(isinstance(q, QAItem) for q in load_qa_eval())
    assert all(isinstance(d, SeedDialogue) for d in load_seed_dialogues())


def test_invalid_json_line_is_reported_with_its_number() -> None:
    with pytest.raises(KnowledgeError, match=r"x\.jsonl:2"):
        _jsonl('{"a": 1}\n{oops\n', "x.jsonl")


def test_valid_dialogue_row_parses() -> None:
    dialogue = _dialogue(_row(), "row", "ask.jsonl")
    assert [m.role for m in dialogue.messages] == ["system", "user", "assistant"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "chat"},
        {"messages": [{"role": "user", "content": "q"}, {"role": "robot", "content": "a"}]},
        {"messages": [{"role": "user", "content": "q"}, {"role": "user", "content": "q2"}]},
        {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}]},
        {"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "a"}]},
        {"meta": []},
        {"id": ""},
    ],
)
def test_malformed_dialogue_rows_are_rejected(overrides: dict[str, object]) -> None:
    with pytest.raises(KnowledgeError):
        _dialogue(_row(**overrides), "row", "ask.jsonl")
