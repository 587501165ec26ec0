"""The engine on the offline path: every kind answers, every Synoema block gets a checked verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Config
from assistant.engine import Done, Engine, Event, Failed, Kind, SnippetChecked, TextChunk
from assistant.history import HistoryStore
from synoema.snippets import extract_snippets

PROGRAM = """-- sum of squares of the even numbers
square x = x * x

evens xs = filter (\\x -> x % 2 == 0) xs

main = evens [1 2 3 4 5 6] |> map square |> sum
"""
BROKEN = "scores = [90, 72, 85]\n\naverage xs = sum xs / length xs\n\nmain = average scores\n"
REQUESTS = {
    Kind.EXPLAIN: ("", PROGRAM),
    Kind.FIX: ("Why does this fail?", BROKEN),
    Kind.REVIEW: ("", PROGRAM),
    Kind.ASK: ("How do I join two strings?", None),
    Kind.WRITE: ("Write a program that prints the sum of a list of numbers.", None),
}


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    with HistoryStore(tmp_path / "history.sqlite3") as s:
        yield s


@pytest.fixture
def engine(store: HistoryStore) -> Engine:
    e = Engine(Config(), history=store)
    yield e
    e.close()


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_answers_with_checked_verdicts(engine: Engine, kind: Kind) -> None:
    text, code = REQUESTS[kind]
    events: list[Event] = []
    reply = engine.respond(text, kind, code=code, on_event=events.append)
    assert reply.error is None, reply.error
    assert reply.kind == kind and reply.backend == "offline"
    assert reply.text.strip()
    assert isinstance(events[-1], Done) and events[-1].reply is reply
    assert not any(isinstance(e, Failed) for e in events)
    assert "".join(e.text for e in events if isinstance(e, TextChunk))  # text was streamed
    blocks = extract_snippets(reply.text)
    assert len(blocks) == len(reply.verdicts)
    for block, verdict in zip(blocks, reply.verdicts):
        assert verdict.status != "skipped"
        assert verdict.index == block.index and verdict.code == block.code
        if not verdict.quoted:
            assert verdict.ok, verdict.summary()  # offline answers only propose code that works
    checked = [e.verdict.index for e in events if isinstance(e, SnippetChecked)]
    assert sorted(set(checked)) == [v.index for v in reply.verdicts]


def test_explain_states_the_real_signatures(engine: Engine) -> None:
    reply = engine.respond("", "explain", code=PROGRAM)
    signatures = dict(engine.check_snippet(PROGRAM).signatures)
    assert signatures["evens"] == "List Int -> List Int"
    for name, signature in signatures.items():
        assert f"{name} : {signature}" in reply.text


def test_fix_quotes_the_broken_code_and_never_repairs_the_quote(engine: Engine) -> None:
    reply = engine.respond("Why does this fail?", "fix", code=BROKEN)
    assert "unexpected_token" in reply.text
    quoted = [v for v in reply.verdicts if v.quoted]
    assert quoted and all(not v.repaired for v in quoted)
    proposed = [v for v in reply.verdicts if not v.quoted]
    for verdict in proposed:
        assert verdict.status == "runs" and verdict.stdout == "82\n" and verdict.output_matched


def test_history_rows_are_written(engine: Engine, store: HistoryStore) -> None:
    reply = engine.respond("", "explain", code=PROGRAM)
    cid = reply.conversation_id
    rows = store.get_messages(cid)
    assert [m.role for m in rows] == ["user", "assistant"]
    user, answer = rows
    assert user.kind == "explain" and "```sno" in user.content and "square x" in user.content
    assert answer.id == reply.message_id and answer.content == reply.text
    assert answer.backend == "offline" and answer.model == "built-in"
    assert answer.tokens and answer.tokens > 0 and answer.duration is not None
    assert answer.verdicts == reply.verdicts  # stored whole, read back equal
    conversation = store.get_conversation(cid)
    assert conversation.kind == "explain" and conversation.title == "-- sum of squares of the even numbers"[3:]
    assert engine.rate(answer.id, 1, "clear")
    assert store.get_message(answer.id).rating.rating == 1
    follow = engine.respond("What does |> do?", "ask", conversation_id=cid)
    assert follow.conversation_id == cid
    turns = engine.messages(cid)
    assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]
    assert turns[1].rating == 1
    assert store.search("square")[0].conversation.id == cid


def test_conversations_without_history(tmp_path: Path) -> None:
    engine = Engine(Config(), history=False)
    reply = engine.respond("How do I write a lambda?", "ask")
    cid = reply.conversation_id
    assert cid is not None and cid < 0 and engine.history is None
    assert [t.role for t in engine.messages(cid)] == ["user", "assistant"]
    assert not (tmp_path / "data").exists()  # nothing written to the user's data dir


def test_code_pasted_in_the_message_is_found(engine: Engine) -> None:
    fenced = engine.respond(f"What is wrong here?\n\n```sno\n{BROKEN}```", "fix")
    bare = engine.respond(BROKEN, "fix")
    for reply in (fenced, bare):
        assert "unexpected_token" in reply.text
        assert any(v.quoted for v in reply.verdicts)


def test_bad_requests_fail_politely(engine: Engine) -> None:
    events: list[Event] = []
    reply = engine.respond("hello", "summarise", on_event=events.append)
    assert reply.error and "Unknown kind" in reply.error and reply.error_hint
    assert isinstance(events[0], Failed) and isinstance(events[-1], Done)
    empty = engine.respond("   ", "ask")
    assert empty.error == "The message is empty."


def test_a_failing_callback_does_not_break_the_reply(engine: Engine) -> None:
    def explode(event: Event) -> None:
        raise RuntimeError("UI bug")

    reply = engine.respond("", "explain", code=PROGRAM, on_event=explode)
    assert reply.error is None and reply.text


def test_check_and_repair_snippet(engine: Engine) -> None:
    ok = engine.check_snippet(PROGRAM)
    assert ok.status == "runs" and ok.stdout == "56\n"
    assert [name for name, _ in ok.signatures] == ["square", "evens", "main"]
    defs = engine.check_snippet("double x = x * 2\n")
    assert defs.status == "types" and defs.shape == "definitions"
    expr = engine.check_snippet("map (\\x -> x * 2) [1 2 3]")
    assert expr.status == "runs" and expr.stdout == "[2 4 6]\n"
    bad = engine.check_snippet(BROKEN)
    assert (
        bad.status == "fails"
        and bad.diagnostics[0].code == "unexpected_token"
        and bad.diagnostics[0].line == 1
    )
    verdict = engine.repair_snippet(BROKEN)
    assert verdict.repair is not None and verdict.repair.original_code == BROKEN and verdict.repair.notes
    assert verdict.code.startswith("scores = [90 72 85]") and verdict.status == "runs"
    assert engine.repair_snippet(PROGRAM).repair is None
    still = engine.repair_snippet('main = 1 + true\n')
    assert not still.ok  # a repair that does not make it check says so


def test_repair_loop_without_the_app(engine: Engine) -> None:
    fixed = engine.repair(BROKEN)
    assert fixed.ok and fixed.repair is not None and fixed.model_rounds == 0  # offline: rules only
    assert engine.repair(PROGRAM).repair is None


def test_offline_backend_info_and_warm_up(engine: Engine) -> None:
    info = engine.backend_info
    assert info.backend == "offline" and engine.is_offline
    engine.warm()
    assert engine.problems == []  # the offline engine loaded
    assert engine.respond("", "explain", code=PROGRAM).error is None
