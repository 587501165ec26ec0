"""The shared durable-file routines: atomic replace, JSONL appends, torn tails."""

from __future__ import annotations

import json
from pathlib import Path

from synoema.durable import JsonlAppender, append_jsonl, read_jsonl, recover_torn_tail, write_atomic


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.txt"]


def test_append_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    for i in range(3):
        assert append_jsonl(path, {"i": i, "text": "line\nbreak"}) is None
    got = read_jsonl(path)
    assert [r["i"] for r in got.records] == [0, 1, 2]
    assert got.records[0]["text"] == "line\nbreak"
    assert not got.torn and not got.bad_lines


def test_torn_tail_is_set_aside_and_next_record_starts_a_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    append_jsonl(path, {"i": 0})
    with open(path, "ab") as fh:
        fh.write(b'{"i": 1, "tex')
    assert read_jsonl(path).torn
    torn = append_jsonl(path, {"i": 2})
    assert torn is not None and torn.data == b'{"i": 1, "tex'
    assert torn.moved_to is not None and torn.moved_to.read_bytes() == b'{"i": 1, "tex\n'
    assert [r["i"] for r in read_jsonl(path).records] == [0, 2]
    assert path.read_bytes().count(b"\n") == 2


def test_torn_tail_without_any_newline(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"half')
    torn = recover_torn_tail(path, keep=False)
    assert torn is not None and torn.offset == 0 and path.read_bytes() == b""


def test_bad_lines_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\nnot json\n[1, 2]\n\n{"b": 2}\n')
    got = read_jsonl(path)
    assert got.records == [{"a": 1}, {"b": 2}]
    assert [n for n, _ in got.bad_lines] == [2, 3]
    assert len(got.problems()) == 2


def test_appender_counts_and_closes(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    with JsonlAppender(path, sync=False) as out:
        out.extend({"i": i} for i in range(5))
        assert out.count == 5
    assert [json.loads(line)["i"] for line in path.read_text().splitlines()] == list(range(5))
