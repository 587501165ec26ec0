"""The app's pure parts: message splitting, verdict wording, slash commands, the event pump, curation rows."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from app_support import FIX_ANSWER, REVIEW_ANSWER

from assistant.app import slash
from assistant.app.curate import Exchange, build_row, save_exchange, user_code_meta
from assistant.app.fences import code_blocks, first_synoema_block, split_message
from assistant.app.keys import ALL_GROUPS, pretty
from assistant.app.screens.validate import gutter_marks
from assistant.app.streaming import EventPump
from assistant.app.verdicts import assign, describe
from assistant.app.widgets.editor import highlight_map
from assistant.engine.types import (
    DiagnosticInfo,
    Done,
    Kind,
    Reply,
    SnippetChecked,
    SnippetVerdict,
    TextChunk,
)

# --- splitting messages ------------------------------------------------------------------------------


def test_split_prose_and_fences_with_offsets() -> None:
    segments = split_message(FIX_ANSWER)
    kinds = [(s.kind, s.info) for s in segments]
    assert kinds == [
        ("prose", ""),
        ("code", "sno quoted"),
        ("prose", ""),
        ("code", "sno"),
        ("code", "output"),
    ]
    quoted, proposed, output = segments[1], segments[3], segments[4]
    assert quoted.quoted and quoted.is_synoema and not proposed.quoted
    assert output.is_output and output.text == "[1 2 3]"
    assert FIX_ANSWER[proposed.start : proposed.end] == "```sno\nmain = [1 2 3]\n```\n"
    assert proposed.text == "main = [1 2 3]"


def test_numbered_blocks_skip_output() -> None:
    blocks = code_blocks(REVIEW_ANSWER)
    assert [b.info for b in blocks] == ["sno", "sno"]
    assert first_synoema_block(REVIEW_ANSWER) == blocks[0].text


def test_streaming_split_is_stable_as_text_grows() -> None:
    """Every prefix splits into segments that only grow at the end: earlier ones never change."""
    final = split_message(FIX_ANSWER)
    previous: list = []
    for end in range(1, len(FIX_ANSWER) + 1):
        segments = split_message(FIX_ANSWER[:end], streaming=True)
        for old, new in zip(previous[:-1], segments):
            assert (old.kind, old.info, old.start) == (new.kind, new.info, new.start)
        assert len(segments) >= len(previous) - 1
        for segment in segments:
            assert "``" not in segment.text or segment.kind == "code"
        previous = segments
    assert [(s.kind, s.info, s.text) for s in split_message(FIX_ANSWER, streaming=True)] == [
        (s.kind, s.info, s.text) for s in final
    ]


def test_unclosed_fence_while_streaming() -> None:
    segments = split_message("Here:\n```sno\nmain = 1", streaming=True)
    assert segments[-1].kind == "code" and not segments[-1].closed and segments[-1].text == "main = 1"
    held = split_message("Here:\n``", streaming=True)
    assert [s.kind for s in held] == ["prose"] and held[0].text == "Here:"


def test_inline_backticks_are_prose() -> None:
    assert [s.kind for s in split_message("use `foldl` and ``x``")] == ["prose"]


# --- verdicts ---------------------------------------------------------------------------------------


def verdict(**kw: object) -> SnippetVerdict:
    base: dict = {"index": 0, "code": "main = 1", "start": 0, "end": 10}
    base.update(kw)
    return SnippetVerdict(**base)


def test_describe_runs_types_and_fails() -> None:
    runs = describe(verdict(status="runs", output="a\nb\n", signatures=[("main", "Int")]))
    assert runs.headline == "✓ runs: b"
    assert "main : Int" in runs.details and "output:" in runs.details and "  a" in runs.details
    fails = describe(
        verdict(
            status="fails",
            diagnostics=[DiagnosticInfo("type_mismatch", "`+` needs numbers", 2, hint="use ++", did_you_mean="++")],
        )
    )
    assert fails.headline == "✗ type_mismatch line 2: `+` needs numbers"
    assert "hint: use ++" in fails.details and "did you mean ++?" in fails.details
    repaired = describe(verdict(status="runs", output="1\n", repaired=True, repair_notes=["lists use spaces"]))
    assert any("repaired automatically (1 edit)" in d for d in repaired.details)
    assert "  • lists use spaces" in repaired.details


def test_assign_matches_by_offset_then_code_then_order() -> None:
    segments = split_message(FIX_ANSWER)
    quoted, proposed = segments[1], segments[3]
    by_offset = verdict(index=1, code="other", start=proposed.start, status="runs")
    by_code = verdict(index=0, code=quoted.text, start=999, status="fails")
    placed = assign(segments, [by_offset, by_code])
    assert placed == {3: by_offset, 1: by_code}
    orphan = verdict(index=0, code="zzz", start=12345, status="types")
    assert assign(segments, [orphan]) == {1: orphan}


def test_gutter_marks_prefer_errors() -> None:
    marks = gutter_marks(
        [
            DiagnosticInfo("w", "unused", 2, severity="warning"),
            DiagnosticInfo("e", "bad", 2, end_line=3),
            DiagnosticInfo("x", "nowhere", 0),
        ]
    )
    assert marks == {1: "error", 2: "error"}


def test_editor_highlight_map_uses_byte_offsets() -> None:
    found = highlight_map('-- é\nmain = "ü" ++ show 1\n')
    assert found[0] == [(0, len("-- é".encode()), "comment")]
    names = {name for _, _, name in found[1]}
    assert {"function", "string", "number", "operator"} <= names


# --- slash commands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "arg", "number"),
    [
        ("/copy 2", "copy", "2", 2),
        ("/copy [3]", "copy", "[3]", 3),
        ("/copy", "copy", "", None),
        ("/FIX main = [1, 2]", "fix", "main = [1, 2]", None),
        ("/explain\n```sno\nmain = 1\n```", "explain", "```sno\nmain = 1\n```", None),
        ("  /export notes.md", "export", "notes.md", None),
    ],
)
def test_slash_parse(text: str, name: str, arg: str, number: int | None) -> None:
    command = slash.parse(text)
    assert command is not None and (command.name, command.arg, command.number) == (name, arg, number)


@pytest.mark.parametrize("text", ["/usr/lib is a path", "hello /copy", "//comment", "/copying"])
def test_slash_parse_leaves_other_text_alone(text: str) -> None:
    assert slash.parse(text) is None


# --- event pump -------------------------------------------------------------------------------------


def test_pump_merges_text_and_keeps_order_across_threads() -> None:
    pump = EventPump()
    v = verdict(status="runs")

    def produce() -> None:
        for i in range(500):
            pump.push(TextChunk(f"{i} "))
        pump.push(SnippetChecked(v))
        pump.push(TextChunk("tail"))
        pump.push(Done(Reply("x", Kind.ASK)))

    worker = threading.Thread(target=produce)
    worker.start()
    worker.join()
    assert pump.has_final()
    events = pump.drain()
    assert [type(e).__name__ for e in events] == ["TextChunk", "SnippetChecked", "TextChunk", "Done"]
    assert events[0].text == "".join(f"{i} " for i in range(500))
    assert pump.chunks == 501 and pump.drain() == [] and not pump.has_final()


# --- keys -------------------------------------------------------------------------------------------


def test_every_key_group_has_descriptions() -> None:
    for _, keys in ALL_GROUPS:
        for key in keys:
            assert key.description and key.action
    assert pretty("shift+enter,ctrl+j") == "Shift+Enter / Ctrl+J"
    assert pretty("f2") == "F2"


# --- curation rows ----------------------------------------------------------------------------------


def test_user_code_meta_matches_the_seed_format() -> None:
    assert user_code_meta("no code here") is None
    ok = user_code_meta("what does it print?\n```sno\nmain = 1 + 2\n```")
    assert ok == {"status": "runs", "output": "3\n"}
    bad = user_code_meta("```sno\nmain = [1, 2]\n```")
    assert bad is not None and bad["status"] == "fails" and bad["error_code"] == "unexpected_token" and bad["line"] == 1


def test_saved_row_reads_back_as_a_dialogue(tmp_path: Path) -> None:
    from assistant.knowledge import _dialogue, load_prompts

    exchange = Exchange(
        kind="fix",
        user="fix it\n```sno\nmain = [1, 2]\n```",
        assistant=FIX_ANSWER,
        verdicts=[verdict(index=0, status="runs", signatures=[("main", "List Int")], output="[1 2 3]\n")],
        rating=1,
        backend="scripted",
        model="script-1",
    )
    path, row_id = save_exchange(exchange, tmp_path, now=1700000000.5)
    save_exchange(exchange, tmp_path, now=1700000001.0)
    assert path == tmp_path / "fix.jsonl" and row_id == "fix-1700000000500"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2
    row = rows[0]
    dialogue = _dialogue(row, "saved", "fix.jsonl")
    assert dialogue.messages[0].content == load_prompts().kinds["fix"].system
    assert [m.role for m in dialogue.messages] == ["system", "user", "assistant"]
    assert row["meta"]["user_code"]["error_code"] == "unexpected_token"
    assert row["meta"]["verdicts"][0]["signatures"] == [["main", "List Int"]]
    assert row["meta"]["rating"] == 1 and row["meta"]["topics"] == []


def test_build_row_rejects_unknown_kind() -> None:
    from assistant.app.curate import CurateError

    with pytest.raises(CurateError):
        build_row(Exchange(kind="chat", user="u", assistant="a"))


def test_pasted_code_keeps_its_lines() -> None:
    from assistant.app.widgets.messages import displayed_user_text

    code = "fac 0 = 1\nfac n = n * fac (n - 1)\nmain = fac 5"
    assert displayed_user_text(code) == f"```sno\n{code}\n```"
    assert displayed_user_text("line one\nline two") == "line one  \nline two"
    assert displayed_user_text("```sno\nmain = 1\n```") == "```sno\nmain = 1\n```"
    assert displayed_user_text("what does |> do?") == "what does |> do?"
