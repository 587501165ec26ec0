"""The engine against a real OpenAI-compatible server: `python -m llama_cpp.server` on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_support import GARBAGE_GRAMMAR
from model_support import free_port

from assistant.backends import CancelToken
from assistant.backends.config import OpenAIOptions
from assistant.config import Config
from assistant.engine import Done, Engine, Event, Failed, RepairRound, TextChunk
from assistant.history import HistoryStore


def openai_config(base_url: str, *, max_tokens: int = 24, repair_rounds: int = 2) -> Config:
    config = Config()
    config.backend.kind = "openai"
    config.backend.options["openai"] = OpenAIOptions(base_url=base_url, model="tiny", n_ctx=2048, timeout=60.0, retries=0)
    config.engine.max_tokens = max_tokens
    config.engine.repair_rounds = repair_rounds
    config.engine.temperature = 0.0
    config.engine.context_budget_tokens = 800  # counted with tiktoken: the tiny tokenizer needs ~2x
    return config


def test_streams_from_the_server_and_records(llama_server: str, tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        engine = Engine(openai_config(llama_server), history=store)
        events: list[Event] = []
        reply = engine.respond("How do I reverse a list?", "ask", on_event=events.append)
        engine.close()
        assert reply.error is None and reply.backend == "openai" and reply.model == "tiny"
        chunks = [e.text for e in events if isinstance(e, TextChunk)]
        assert len(chunks) > 3 and "".join(chunks) == reply.text
        assert reply.stats.first_token_seconds is not None and reply.stats.tokens > 0
        assert reply.meta["prompt"]["counter"] != "gguf tokenizer"  # the server's tokenizer is not ours
        rows = store.get_messages(reply.conversation_id)
        assert [(m.role, m.backend) for m in rows] == [("user", None), ("assistant", "openai")]


def test_repair_rounds_go_through_the_server(llama_server: str) -> None:
    engine = Engine(
        openai_config(llama_server),
        history=False,
        grammars={"write": GARBAGE_GRAMMAR, "repair": GARBAGE_GRAMMAR},
    )
    events: list[Event] = []
    reply = engine.respond("Write a function that doubles a number.", "write", on_event=events.append)
    engine.close()
    assert reply.error is None
    (verdict,) = reply.verdicts
    assert verdict.status == "fails" and verdict.diagnostics and verdict.model_rounds == 2
    assert [e.round for e in events if isinstance(e, RepairRound)] == [1, 2]


def test_cancel_drops_the_stream(llama_server: str) -> None:
    engine = Engine(openai_config(llama_server, max_tokens=200), history=False)
    cancel = CancelToken()
    events: list[Event] = []

    def on_event(event: Event) -> None:
        events.append(event)
        if sum(isinstance(e, TextChunk) for e in events) == 2:
            cancel.cancel()

    reply = engine.respond("Tell me everything about records.", "ask", on_event=on_event, cancel=cancel)
    engine.close()
    assert reply.cancelled and reply.error is None and isinstance(events[-1], Done)
    assert sum(isinstance(e, TextChunk) for e in events) <= 3


def test_connection_refused_is_a_message_with_a_hint() -> None:
    engine = Engine(openai_config(f"http://127.0.0.1:{free_port()}/v1"), history=False)
    events: list[Event] = []
    reply = engine.respond("hello", "ask", on_event=events.append)
    engine.close()
    assert reply.error and "connection refused" in reply.error.lower()
    assert reply.error_hint and "server" in reply.error_hint.lower()
    assert [type(e) for e in events] == [Failed, Done]


@pytest.mark.parametrize("kind", ["explain", "fix", "review"])
def test_code_kinds_through_the_server(llama_server: str, kind: str) -> None:
    engine = Engine(openai_config(llama_server, max_tokens=12), history=False)
    reply = engine.respond("", kind, code="xs = [1, 2]\nmain = sum xs\n")
    engine.close()
    assert reply.error is None and reply.text
