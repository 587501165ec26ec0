"""Training rows: the app's system prompt per kind, clear errors, a stable disjoint eval split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.data import DataError, load_rows, seed_dialogue_rows, split_eval, system_prompts, write_rows


def test_rows_get_the_apps_prompt_for_their_kind(rows_file: Path) -> None:
    data = load_rows([rows_file])
    prompts = system_prompts()
    assert len(data.rows) == 12
    for row in data.rows:
        assert row.messages[0] == ("system", prompts["write"])
        assert [role for role, _ in row.messages] == ["system", "user", "assistant"]


def test_the_seed_dialogues_load_and_keep_their_system_messages(tmp_path: Path) -> None:
    rows = load_rows([write_rows(tmp_path / "seed.jsonl", seed_dialogue_rows())]).rows
    assert len(rows) >= 40 and {row.kind for row in rows} == set(system_prompts())


def test_a_system_message_that_drifted_from_the_app_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "drift.jsonl"
    row = {"kind": "ask", "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"},
    ]}  # fmt: skip
    file.write_text(json.dumps(row) + "\n")
    with pytest.raises(
        DataError, match=r"drift.jsonl row 1: the system message differs from the 'ask' prompt"
    ):
        load_rows([file])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]},
            "neither a 'kind'",
        ),
        ({"kind": "ask", "messages": [{"role": "user", "content": "hi"}]}, "ending with assistant"),
        ({"kind": "chat", "messages": []}, "non-empty 'messages'"),
        ({"kind": "nope", "messages": [{"role": "user", "content": "a"}]}, "unknown kind 'nope'"),
        ({"kind": "ask", "messages": [{"role": "tool", "content": "a"}]}, "role 'tool'"),
    ],
)
def test_bad_rows_name_their_place(tmp_path: Path, row: dict, message: str) -> None:
    file = tmp_path / "bad.jsonl"
    file.write_text(json.dumps(row) + "\n")
    with pytest.raises(DataError, match=message):
        load_rows([file])


def test_duplicates_are_dropped_and_the_split_is_stable_and_disjoint(rows_file: Path, tmp_path: Path) -> None:
    lines = rows_file.read_text().splitlines()
    doubled = tmp_path / "doubled.jsonl"
    doubled.write_text("\n".join(lines + lines[:3]) + "\n")
    data = load_rows([doubled])
    assert data.duplicates == 3 and len(data.rows) == 12
    train, held = split_eval(data.rows, 0.25)
    assert held and {r.key for r in train}.isdisjoint({r.key for r in held})
    _, again_held = split_eval(list(reversed(data.rows)), 0.25)  # order does not matter
    assert {r.key for r in again_held} == {r.key for r in held}
