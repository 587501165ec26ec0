"""The plain REPL driven through prompt_toolkit's pipe input, as a terminal would type."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from assistant.config import Config
from assistant.engine import Engine
from assistant.history import HistoryStore
from assistant.repl import open_fence, run_repl

ENTER = "\r"
ALT_ENTER = "\x1b\r"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    store = HistoryStore(tmp_path / "h.sqlite3")
    e = Engine(Config(), history=store)
    yield e
    e.close()
    store.close()


def drive(engine: Engine, keys: str, **kwargs: object) -> str:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # EOF after the keys: the REPL ends
        assert run_repl(engine, input=pipe, output=DummyOutput(), out=out, **kwargs) == 0  # type: ignore[arg-type]
    return out.getvalue()


def test_kind_commands_and_a_multiline_program_with_alt_enter(engine: Engine) -> None:
    keys = "/kind explain" + ENTER + "square x = x * x" + ALT_ENTER + ALT_ENTER + "main = square 7" + ENTER
    text = drive(engine, keys)
    assert "kind: explain" in text
    assert "square" in text and "49" in text  # the explanation streamed, with the program's output
    assert "offline/built-in" in text  # the stats line under the reply
    (conversation,) = engine.history.list_conversations()
    user = engine.history.get_messages(conversation.id)[0]
    assert "square x = x * x\n\nmain = square 7" in user.content


def test_enter_inside_an_open_fence_adds_a_line(engine: Engine) -> None:
    keys = "/fix" + ENTER + "```sno" + ENTER + "xs = [1, 2]" + ENTER + "main = sum xs" + ENTER + "```" + ENTER
    text = drive(engine, keys)
    assert "unexpected_token" in text
    # a verdict line right under the block; the user's own code was block [1] of the conversation
    assert "» [2] quoted · ✗ unexpected_token line 1" in text


def test_history_model_check_and_help(engine: Engine) -> None:
    keys = (
        "/ask how do I write a lambda" + ENTER
        + "/history" + ENTER
        + "/model" + ENTER
        + "/model warp" + ENTER
        + "/check map (\\x -> x + 1) [1 2]" + ENTER
        + "/check main = foo" + ENTER
        + "/nonsense" + ENTER
        + "/help" + ENTER
        + "/new" + ENTER
        + "/quit" + ENTER
        + "never sent" + ENTER
    )  # fmt: skip
    text = drive(engine, keys)
    assert "how do I write a lambda" in text  # /history lists the conversation just made
    assert "offline: built-in" in text
    assert "unknown backend 'warp'" in text
    assert "✓ runs: [2 3]" in text and "✗ unbound_variable" in text
    assert "unknown command /nonsense" in text and "Alt+Enter" in text and "new conversation" in text
    assert len(engine.history.list_conversations()) == 1  # "never sent" came after /quit


def test_history_open_continues_a_conversation(engine: Engine) -> None:
    first = engine.respond("What does |> do?", "ask")
    cid = first.conversation_id
    text = drive(engine, f"/history open {cid}" + ENTER + "and ++ ?" + ENTER)
    assert f"continuing conversation {cid}" in text
    assert [m.role for m in engine.history.get_messages(cid)] == ["user", "assistant"] * 2


def test_switching_to_a_backend_that_cannot_load_reports_it(engine: Engine, tmp_path: Path) -> None:
    text = drive(engine, f"/model gguf {tmp_path / 'none.gguf'}" + ENTER + "hello" + ENTER)
    assert "now using gguf" in text
    expected = "Model file not found" if importlib.util.find_spec("llama_cpp") else "not installed"
    assert "error: " in text and expected in text and "hint:" in text


def test_open_fence_detection() -> None:
    assert open_fence("```sno\nmain = 1")
    assert not open_fence("```sno\nmain = 1\n```")
    assert not open_fence("plain text")
