"""The app's pure parts: message splitting, verdict wording, slash commands, the event pump, curation rows."""

from __future__ import annotations

import threading

import pytest
from app_support import FIX_ANSWER, REVIEW_ANSWER

from assistant.app import slash
from assistant.app.keys import ALL_GROUPS, KIND_KEYS, pretty
from assistant.app.screens.validate import gutter_marks
from assistant.app.streaming import EventPump
from assistant.app.widgets.editor import highlight_map
from assistant.app.widgets.live import tail_content
from assistant.engine.types import Done, Kind, Reply, SnippetChecked, TextChunk
from assistant.kinds import KINDS
from assistant.verdict import DiagnosticInfo, Repair, Verdict
from synoema.snippets import Segment, SegmentStream, segments

# --- one scanner for the chat --------------------------------------------------------------------------


def test_answer_segments_number_blocks_and_skip_output() -> None:
    found = segments(FIX_ANSWER)
    assert [(s.kind, s.index) for s in found if s.kind != "prose"] == [("quoted", 0), ("code", 1), ("output", -1)]
    quoted, proposed = (s for s in found if s.is_synoema)
    assert FIX_ANSWER[proposed.start : proposed.end] == "```sno\nmain = [1 2 3]\n```"
    assert proposed.code == "main = [1 2 3]\n" and quoted.quoted
    assert [s.index for s in segments(REVIEW_ANSWER) if s.numbered] == [0, 1]


def test_streamed_segments_never_change_once_out() -> None:
    """Every chunking gives the segments of the whole text, each one out as soon as it is complete."""
    stream = SegmentStream()
    out: list[Segment] = []
    for i in range(0, len(FIX_ANSWER), 5):
        out += stream.feed(FIX_ANSWER[i : i + 5])
        assert stream.done <= len(stream.text)
    assert out + stream.close() == segments(FIX_ANSWER)


def test_the_unfinished_end_is_drawn_without_a_half_fence() -> None:
    stream = SegmentStream()
    stream.feed("Here:\n``")
    tail = stream.tail()
    assert tail is not None and tail_content(tail, 1).plain == "Here:"
    stream.feed("`sno\nmain = 1")
    tail = stream.tail()
    assert tail is not None and tail.kind == "code" and not tail.closed
    assert "[3] sno" in tail_content(tail, 3).plain and "… writing" in tail_content(tail, 3).plain


def test_kinds_are_defined_once() -> None:
    assert tuple(KIND_KEYS) == KINDS and frozenset(KINDS) == slash.KIND_COMMANDS
    assert tuple(k.value for k in Kind) == KINDS


# --- verdicts ---------------------------------------------------------------------------------------


def verdict(**kw: object) -> Verdict:
    base: dict = {"index": 0, "code": "main = 1"}
    base.update(kw)
    return Verdict(**base)  # type: ignore[arg-type]


def test_describe_runs_types_and_fails() -> None:
    runs = verdict(status="runs", stdout="a\nb\n()\n", signatures=(("main", "()"),)).describe()
    assert runs.headline == "✓ runs, prints 3 lines"
    assert "main : ()" in runs.details and "output:" in runs.details and "  ()" in runs.details
    fails = verdict(
        status="fails",
        diagnostics=(DiagnosticInfo("type_mismatch", "`+` needs numbers", 2, hint="use ++", did_you_mean="++"),),
    ).describe()
    assert fails.headline == "✗ type_mismatch line 2: `+` needs numbers"
    assert "hint: use ++" in fails.details and "did you mean ++?" in fails.details
    repaired = verdict(status="runs", stdout="1\n", repair=Repair("main = [1,]", ("lists use spaces",))).describe()
    assert any("repaired automatically (1 edit)" in d for d in repaired.details)
    assert "  • lists use spaces" in repaired.details


def test_the_output_block_is_compared_with_what_synoema_run_prints() -> None:
    printing = verdict(status="runs", stdout="6\n()\n")
    assert printing.with_output_block("6\n()\n").output_matched is True
    assert printing.with_output_block("6\n").output_matched is False  # the unit line is part of it
    assert printing.output_matched is None and verdict(status="fails").with_output_block("6").output_matched is None
    round_trip = Verdict.from_dict(printing.with_output_block("6\n()\n").as_dict())
    assert round_trip == printing.with_output_block("6\n()\n")


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


@pytest.mark.parametrize("text", ["/usr/lib is a path", "hello /copy", "//comment", "/* a\ncomment */"])
def test_slash_parse_leaves_other_text_alone(text: str) -> None:
    assert slash.parse(text) is None


def test_an_unknown_command_is_not_sent_as_a_message() -> None:
    assert slash.parse("/foo") == slash.Slash(slash.UNKNOWN, "foo")
    assert slash.parse("/copying 2") == slash.Slash(slash.UNKNOWN, "copying")


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


def test_pasted_code_keeps_its_lines() -> None:
    from assistant.app.widgets.messages import displayed_user_text

    code = "fac 0 = 1\nfac n = n * fac (n - 1)\nmain = fac 5"
    assert displayed_user_text(code) == f"```sno\n{code}\n```"
    assert displayed_user_text("line one\nline two") == "line one  \nline two"
    assert displayed_user_text("```sno\nmain = 1\n```") == "```sno\nmain = 1\n```"
    assert displayed_user_text("what does |> do?") == "what does |> do?"
