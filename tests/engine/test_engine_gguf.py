"""The engine on the real `gguf` backend with the tiny random model: streaming, live checks, repair.

A random model writes garbage, which is what the repair loop needs: its code never compiles, so the
loop runs all its rounds. Where a test needs a particular answer, a GBNF grammar makes the model
produce exactly that text: the real backend still samples it token by token and streams it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_support import GARBAGE_GRAMMAR, fenced_grammar, gguf_config

from assistant.backends import CancelToken
from assistant.config import Config
from assistant.engine import Done, Engine, Event, Failed, RepairRound, SnippetChecked, TextChunk
from assistant.history import HistoryStore

BROKEN = "scores = [90, 72, 85]\n\naverage xs = sum xs / length xs\n\nmain = average scores\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "history.sqlite3") as s:
        yield s


def make(
    model: Path, store: HistoryStore | bool = False, grammars: dict[str, str] | None = None, **kw: int
) -> Engine:
    return Engine(gguf_config(model, **kw), history=store, grammars=grammars)


def test_streams_records_and_reports_stats(tiny_gguf: Path, store: HistoryStore) -> None:
    engine = make(tiny_gguf, store)
    events: list[Event] = []
    reply = engine.respond("What does |> do?", "ask", on_event=events.append)
    engine.close()
    assert reply.error is None and reply.backend == "gguf" and reply.model == "tiny-qwen2"
    chunks = [e for e in events if isinstance(e, TextChunk)]
    assert len(chunks) > 3 and "".join(c.text for c in chunks) == reply.text
    assert isinstance(events[-1], Done)
    stats = reply.stats
    assert 0 < stats.tokens <= 24 and stats.first_token_seconds is not None and stats.seconds > 0
    assert 0 < stats.context_tokens <= stats.context_limit
    prompt = reply.meta["prompt"]
    assert prompt["counter"] == "gguf tokenizer" and prompt["reference"] is None  # 2,108 tokens: too big here
    rows = store.get_messages(reply.conversation_id)
    assert [m.role for m in rows] == ["user", "assistant"]
    assert rows[1].backend == "gguf" and rows[1].model == "tiny-qwen2" and rows[1].tokens == stats.tokens


@pytest.mark.parametrize("rounds", [2, 1, 0])
def test_repair_loop_runs_its_bounded_rounds(tiny_gguf: Path, store: HistoryStore, rounds: int) -> None:
    engine = make(
        tiny_gguf, store, {"write": GARBAGE_GRAMMAR, "repair": GARBAGE_GRAMMAR}, repair_rounds=rounds
    )
    events: list[Event] = []
    reply = engine.respond("Write a function that sums a list.", "write", on_event=events.append)
    engine.close()
    assert reply.error is None
    (verdict,) = reply.verdicts
    assert verdict.status == "fails" and not verdict.repaired and not verdict.quoted
    assert verdict.diagnostics and verdict.diagnostics[0].severity == "error"
    assert verdict.diagnostics[0].code in ("unbound_variable", "unexpected_token")
    assert verdict.model_rounds == rounds
    repair_events = [e for e in events if isinstance(e, RepairRound)]
    assert [e.round for e in repair_events] == list(range(1, rounds + 1))
    assert all(e.snippet_index == 0 and e.diagnostics for e in repair_events)
    stored = store.get_messages(reply.conversation_id)[1].verdicts
    assert stored == reply.verdicts


def test_each_block_is_checked_as_soon_as_its_fence_closes(tiny_gguf: Path) -> None:
    answer = (
        "**Fix:**\n\n```sno\nxs = [90 72 85]\n\nmain = sum xs\n```\n```output\n247\n```\n\n"
        "Lists are written with spaces between the items, never with commas.\n"
    )
    engine = make(tiny_gguf, grammars={"fix": fenced_grammar(answer)}, max_tokens=200)
    events: list[Event] = []
    reply = engine.respond("Why does this fail?", "fix", code=BROKEN, on_event=events.append)
    engine.close()
    assert reply.error is None and reply.text == answer
    kinds = [type(e).__name__ for e in events]
    checked_at = kinds.index("SnippetChecked")
    streamed_before = "".join(e.text for e in events[:checked_at] if isinstance(e, TextChunk))
    assert streamed_before.endswith("main = sum xs\n```\n")  # the verdict follows its block at once
    assert "TextChunk" in kinds[checked_at:]  # ... while the rest of the reply is still streaming
    verdict = next(e.verdict for e in events if isinstance(e, SnippetChecked))
    assert verdict.status == "runs" and verdict.stdout == "247\n" and not verdict.quoted
    assert reply.verdicts[0].output_matched is True


def test_rule_repair_fixes_proposed_code_and_the_output_is_the_real_one(tiny_gguf: Path) -> None:
    answer = (
        "The items need spaces.\n\n```sno quoted\nscores = [90, 72, 85]\n```\n\n"
        "**Fix:**\n\n```sno\nscores = [90, 72, 85]\n\nmain = sum scores\n```\n```output\n1\n```\n"
    )
    engine = make(tiny_gguf, grammars={"fix": fenced_grammar(answer)}, max_tokens=200)
    events: list[Event] = []
    reply = engine.respond("Why does this fail?", "fix", code=BROKEN, on_event=events.append)
    engine.close()
    quoted, proposed = reply.verdicts
    assert quoted.quoted and not quoted.repaired and quoted.status == "fails"
    assert proposed.repaired and proposed.status == "runs" and proposed.stdout == "247\n"
    assert proposed.repair is not None and "90, 72" in proposed.repair.original_code and proposed.repair.notes
    assert proposed.model_rounds == 0 and not any(isinstance(e, RepairRound) for e in events)
    assert "scores = [90 72 85]\n\nmain = sum scores" in reply.text
    assert "```output\n247\n```" in reply.text and proposed.output_matched is True
    assert proposed.claimed_output == "1\n"  # the model's wrong claim, kept beside the corrected block


def test_quoted_code_is_checked_but_never_repaired_or_sent_back(tiny_gguf: Path) -> None:
    answer = "Your line:\n\n```sno quoted\nscores = [90, 72, 85]\n```\n\nUse spaces between items.\n"
    engine = make(
        tiny_gguf, grammars={"fix": fenced_grammar(answer), "repair": GARBAGE_GRAMMAR}, max_tokens=120
    )
    events: list[Event] = []
    reply = engine.respond("Why does this fail?", "fix", code=BROKEN, on_event=events.append)
    engine.close()
    (verdict,) = reply.verdicts
    assert verdict.quoted and verdict.status == "fails" and not verdict.repaired and verdict.model_rounds == 0
    assert not any(isinstance(e, RepairRound) for e in events)


def test_cancel_stops_the_stream_and_skips_repair(tiny_gguf: Path) -> None:
    engine = make(tiny_gguf, grammars={"repair": GARBAGE_GRAMMAR}, max_tokens=64)
    full = engine.respond("Explain folds.", "ask")
    cancel = CancelToken()
    events: list[Event] = []

    def on_event(event: Event) -> None:
        events.append(event)
        if sum(isinstance(e, TextChunk) for e in events) == 3:
            cancel.cancel()

    reply = engine.respond("Explain folds.", "ask", on_event=on_event, cancel=cancel)
    engine.close()
    assert reply.cancelled and reply.error is None
    assert len(reply.text) < len(full.text) and full.text.startswith(reply.text)
    assert not any(isinstance(e, RepairRound) for e in events) and isinstance(events[-1], Done)


def test_old_turns_are_trimmed_to_the_budget(tiny_gguf: Path, store: HistoryStore) -> None:
    conversation = store.create_conversation("long", "ask")
    for i in range(12):
        store.add_message(conversation.id, "user", f"question {i}: how do folds work? " * 8)
        store.add_message(conversation.id, "assistant", f"answer {i}: foldl takes an accumulator. " * 8)
    engine = make(tiny_gguf, store, budget=1500)
    code = "total xs = foldl (\\a b -> a + b) 0 xs\n\nmain = total [1 2 3]\n"
    plan = engine.preview_prompt("Explain this.", "explain", conversation_id=conversation.id, code=code)
    assert plan is not None and plan.tokens <= plan.budget == 1500
    assert 0 < plan.turns_kept < 24 and plan.turns_dropped == 24 - plan.turns_kept
    assert plan.messages[-1].role == "user" and code.strip() in plan.messages[-1].content
    kept = [m.content for m in plan.messages if m.content.startswith(("question", "answer"))]
    assert kept[-1].startswith("answer 11")  # the newest exchange survives
    reply = engine.respond("Explain this.", "explain", conversation_id=conversation.id, code=code)
    engine.close()
    assert reply.error is None and reply.meta["prompt"]["turns_dropped"] == plan.turns_dropped
    assert reply.stats.context_tokens <= 1500


def test_fix_prompt_carries_the_compilers_diagnostic(tiny_gguf: Path) -> None:
    engine = make(tiny_gguf)
    plan = engine.preview_prompt("Why does this fail?", "fix", code=BROKEN)
    engine.close()
    assert plan is not None
    last = plan.messages[-1].content
    assert BROKEN.strip() in last
    assert "error[unexpected_token] line 1" in last and "hint:" in last
    assert plan.messages[0].role == "system" and "Debug" not in last


def test_a_missing_model_becomes_a_failed_event_with_a_hint(tmp_path: Path, store: HistoryStore) -> None:
    engine = make(tmp_path / "nope.gguf", store)
    events: list[Event] = []
    reply = engine.respond("hello", "ask", on_event=events.append)
    # without llama-cpp-python the same request fails earlier, also with a hint
    expected = "Model file not found" if importlib.util.find_spec("llama_cpp") else "not installed"
    assert reply.error and expected in reply.error and reply.error_hint
    failed = [e for e in events if isinstance(e, Failed)]
    assert failed and failed[0].hint == reply.error_hint and isinstance(events[-1], Done)
    assert "error" in engine.backend_info.details
    assert store.list_conversations(archived=None) == []  # nothing stored for an answer that never started


def test_switching_backends(tiny_gguf: Path) -> None:
    engine = Engine(Config(), history=False)
    assert engine.backend_info.backend == "offline"
    info = engine.switch_backend("gguf", gguf_config(tiny_gguf).backend.selected)
    assert info.backend == "gguf" and engine.config.backend.kind == "gguf"
    engine.config.engine.max_tokens = 8
    reply = engine.respond("hello", "ask")
    assert reply.backend == "gguf" and reply.error is None
    assert engine.switch_backend("offline").backend == "offline"
    assert engine.respond("How do I join strings?", "ask").backend == "offline"
    engine.close()
