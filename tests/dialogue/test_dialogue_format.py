"""The one row format: shape checks, the app's system prompts, durable files, the app's save action."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dialogue_support import WRITE_ANSWER, row

from assistant.knowledge import load_prompts
from dialogue.format import (
    Exchange,
    FormatError,
    Row,
    SaveError,
    append_row,
    exchange_row,
    read_rows,
    save_exchange,
    seed_rows,
    shape_problems,
    system_prompts,
    user_code_meta,
)


def test_seed_rows_are_rows_with_the_apps_system_prompt_per_kind() -> None:
    got = seed_rows()
    assert got.problems == []
    assert len(got.rows) == 40
    prompts = {kind: p.system for kind, p in load_prompts().kinds.items()}
    assert system_prompts() == prompts
    for r in got.rows:
        assert r.turns[0].role == "system" and r.turns[0].content == prompts[r.kind]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(kind="chat"), "`kind` must be one of"),
        (lambda d: d.update(id="explain 1"), "`id` must be"),
        (lambda d: d["messages"].append({"role": "user", "content": "and?"}), "must end with an assistant turn"),
        (lambda d: d["messages"][1].update(role="assistant"), "expected 'user'"),
        (lambda d: d["messages"][0].update(content="You are a pirate."), "not the app's prompt"),
        (lambda d: d["messages"][2].update(content="  "), "is empty"),
    ],
)
def test_a_bad_row_is_refused_with_the_reason(change, reason: str) -> None:
    data = row("write", "sum 1 to 10", WRITE_ANSWER)
    data["id"] = "write-1"
    change(data)
    problems = shape_problems(data)
    assert any(reason in p for p in problems), problems
    with pytest.raises(FormatError, match=reason.split("`")[0] or "."):
        Row.from_dict(data)


def test_files_are_read_back_with_every_bad_line_reported(tmp_path: Path) -> None:
    path = tmp_path / "write.jsonl"
    good = row("write", "sum 1 to 10", WRITE_ANSWER)
    append_row(path, good)
    append_row(path, {**good, "kind": "nope"})
    with path.open("a", encoding="utf-8") as f:
        f.write('{"id": "write-torn", "kind"')  # a writer killed mid-line
    got = read_rows(path)
    assert [r.id for r in got.rows] == [good["id"]]
    assert any("row 2" in p and "`kind`" in p for p in got.problems), got.problems
    assert any("torn" in p or "incomplete" in p or "partial" in p for p in got.problems), got.problems
    # a new append sets the torn tail aside first: the file stays one row per line
    append_row(path, good)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(isinstance(x, dict) and "id" in x for x in lines)


def test_the_apps_save_action_writes_a_row_the_format_reads(tmp_path: Path) -> None:
    exchange = Exchange("fix", "fix this\n```sno\nmain = [1, 2, 3]\n```", WRITE_ANSWER, rating=1, backend="x", model="m")
    target, rid = save_exchange(exchange, tmp_path, now=1000.0)
    assert target == tmp_path / "fix.jsonl" and rid == "fix-1000000"
    (saved,) = read_rows(target).rows
    assert saved.meta["rating"] == 1 and saved.meta["source"] == "app"
    assert saved.meta["user_code"]["status"] == "fails" and saved.meta["user_code"]["error_code"] == "unexpected_token"
    with pytest.raises(SaveError, match="unknown kind"):
        exchange_row(Exchange("chat", "x", "y"))
    with pytest.raises(SaveError, match="empty"):
        exchange_row(Exchange("ask", "question", ""))


def test_user_code_meta_finds_the_users_code_as_the_app_does() -> None:
    assert user_code_meta("no code here") is None
    assert user_code_meta("what does it print?\n```sno\nmain = 1 + 2\n```") == {"status": "runs", "output": "3\n"}
    bad = user_code_meta("```sno\nmain = [1, 2]\n```")
    assert bad is not None and bad["status"] == "fails" and bad["error_code"] == "unexpected_token" and bad["line"] == 1


def test_a_saved_exchange_keeps_its_verdicts(tmp_path: Path) -> None:
    from assistant.verdict import Verdict

    v = Verdict(index=0, code="main = [1 2 3]", status="runs", signatures=(("main", "List Int"),), stdout="[1 2 3]\n")
    path, _ = save_exchange(Exchange("write", "a list", WRITE_ANSWER, verdicts=[v]), tmp_path, now=1.0)
    save_exchange(Exchange("write", "a list", WRITE_ANSWER, verdicts=[v]), tmp_path, now=2.0)
    rows = read_rows(path).rows
    assert [r.id for r in rows] == ["write-1000", "write-2000"]
    assert rows[0].meta["verdicts"][0]["signatures"] == [["main", "List Int"]] and rows[0].meta["topics"] == []


def test_the_app_saves_through_dialogue_format_without_the_training_stack() -> None:
    """The app imports the row writer from here, and importing the app pulls in no ML package."""
    import subprocess
    import sys

    code = ("import sys, assistant.app.screens.chat as chat, dialogue.format as f; "
            "assert chat.save_exchange is f.save_exchange; "
            "heavy = sorted(m for m in ('torch', 'transformers', 'trl', 'peft', 'datasets', 'accelerate') if m in sys.modules); "
            "print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
