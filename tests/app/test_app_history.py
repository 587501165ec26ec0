"""Pilot tests of the history sidebar, the model picker, rating, saving for training and export."""

from __future__ import annotations

import json

import pytest
from app_support import ask, wait_until
from textual.widgets import Button

from assistant.app.screens.dialogs import Confirm, TextPrompt
from assistant.app.screens.model_picker import ModelPicker
from assistant.app.widgets.messages import AssistantMessage, UserMessage

pytestmark = pytest.mark.anyio
SIZE = (120, 44)


async def two_conversations(pilot, app) -> tuple[int, int]:
    chat = app.chat
    await ask(pilot, app, "how do I reverse a list?", "ask")
    first = chat.conversation_id
    await pilot.press("ctrl+n")
    await ask(pilot, app, "squares of 1 to 5", "write")
    second = chat.conversation_id
    assert first is not None and second is not None and first != second
    return first, second


async def test_search_history_and_open_a_conversation(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        first, _ = await two_conversations(pilot, app)
        sidebar = chat.sidebar
        assert [c.id for c in sidebar.conversations][-1] == first and len(sidebar.conversations) == 2
        await pilot.press("ctrl+f")
        assert app.focused is sidebar.query_one("#history-search")
        await pilot.press(*"reverse")
        await wait_until(pilot, lambda: [c.id for c in sidebar.conversations] == [first])
        await pilot.press("enter")
        assert app.focused is sidebar.list
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat.conversation_id == first)
        shown = chat.messages.messages
        assert isinstance(shown[0], UserMessage) and shown[0].text == "how do I reverse a list?"
        assert isinstance(shown[1], AssistantMessage) and "reverse" in shown[1].text
        assert [v.status for v in shown[1].verdicts] == ["runs"]
        assert shown[1].blocks[0].verdict is not None and shown[1].blocks[0].verdict.status == "runs"
        assert chat.kinds.kind == "ask"
        # the conversation continues where it left off
        answer = await ask(pilot, app, "and how do I sort it?", "ask")
        assert chat.conversation_id == first and answer.message_id is not None
        await pilot.press("up")
        assert chat.prompt.text == "and how do I sort it?"


async def test_rename_archive_and_delete(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        first, second = await two_conversations(pilot, app)
        sidebar = chat.sidebar
        store = app.services.history
        sidebar.list.focus()
        sidebar.list.highlighted = 0  # the newest: second
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, TextPrompt))
        prompt_input = app.screen.query_one("#prompt-input")
        prompt_input.value = ""
        await pilot.press(*"Squares", "enter")
        await wait_until(pilot, lambda: store.get_conversation(second).title == "Squares")

        sidebar.list.focus()
        sidebar.list.highlighted = 0
        await pilot.press("a")
        await pilot.pause()
        assert store.get_conversation(second).archived
        assert [c.id for c in sidebar.conversations] == [first]
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert sidebar.show_archived and [c.id for c in sidebar.conversations] == [second]
        sidebar.list.highlighted = 0
        await pilot.press("a")
        await pilot.pause()
        assert not store.get_conversation(second).archived
        await pilot.press("ctrl+a")
        await pilot.pause()

        sidebar.list.highlighted = [c.id for c in sidebar.conversations].index(second)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_until(pilot, lambda: store.get_conversation(second) is None)
        assert [c.id for c in sidebar.conversations] == [first]
        # the deleted conversation was open, so the chat starts over
        await wait_until(pilot, lambda: chat.conversation_id is None)
        assert not chat.messages.messages


async def test_switch_backend_with_the_model_picker(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.status.info.backend == "scripted")
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        picker = app.screen
        picker.query_one("#kind").value = "offline"
        await pilot.pause()
        assert not picker.query_one("#base_url").display
        await pilot.click("#use")
        await wait_until(pilot, lambda: chat.status.info.backend == "offline")
        assert app.services.engine.is_offline
        answer = await ask(pilot, app, "explain\n```sno\nsq x = x * x\nmain = sq 7\n```", "explain")
        assert answer.error is None and answer.text.strip()
        assert "offline" in answer.source

        # a server that is not there: the switch works, the reply fails with what to do
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        picker = app.screen
        picker.query_one("#kind").value = "openai"
        await pilot.pause()
        picker.query_one("#base_url").value = "http://127.0.0.1:9/v1"
        picker.query_one("#model").value = "nothing"
        await pilot.click("#use")
        await wait_until(pilot, lambda: chat.status.info.backend == "openai")
        failed = await ask(pilot, app, "how do I reverse a list?", "ask")
        assert failed.error is not None
        assert any(n.severity == "error" for n in app._notifications)


async def test_model_picker_lists_models_error_is_a_notification(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        picker = app.screen
        picker.query_one("#kind").value = "openai"
        await pilot.pause()
        picker.query_one("#base_url").value = "http://127.0.0.1:9/v1"
        await pilot.click("#list-models")
        await wait_until(pilot, lambda: any(n.severity == "error" for n in app._notifications), timeout=60)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.chat)


async def test_rate_save_for_training_and_export(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        answer = await ask(pilot, app, "fix this\n```sno\nmain = [1, 2, 3]\n```", "fix")
        answer.focus()
        await pilot.press("plus")
        await pilot.pause()
        assert answer.rating == 1
        stored = app.services.history.get_message(answer.message_id)
        assert stored is not None and stored.rating is not None and stored.rating.rating == 1

        await pilot.press("ctrl+s")
        target = tmp_path / "dialogues" / "fix.jsonl"
        await wait_until(pilot, lambda: answer.saved_id is not None)
        rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
        row = next(r for r in rows if r["id"] == answer.saved_id)
        assert row["kind"] == "fix"
        assert [m["role"] for m in row["messages"]] == ["system", "user", "assistant"]
        assert row["messages"][1]["content"] == answer.user_text
        assert row["messages"][2]["content"] == answer.text
        assert row["meta"]["rating"] == 1 and row["meta"]["user_code"]["error_code"] == "unexpected_token"
        assert [v["status"] for v in row["meta"]["verdicts"]] == ["fails", "runs"]
        assert row["meta"]["verdicts"][0]["quoted"] is True
        assert f"saved as {answer.saved_id}" in answer._footer.render().plain

        chat.prompt.focus()
        chat.prompt.load_text("/bad")
        await pilot.press("enter")
        await pilot.pause()
        assert answer.rating == -1

        out = tmp_path / "exported.md"
        chat.prompt.load_text(f"/export {out}")
        await pilot.press("enter")
        await wait_until(pilot, out.exists)
        text = out.read_text(encoding="utf-8")
        assert "fix this" in text and "unexpected_token" in text and "Rated unhelpful" in text


async def test_model_picker_refuses_a_missing_or_foreign_gguf(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.status.info.backend == "scripted")
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        picker = app.screen
        picker.query_one("#kind").value = "gguf"
        await pilot.pause()
        picker.query_one("#model_path").value = str(tmp_path / "missing.gguf")
        picker.query_one("#use", Button).press()  # not a click: a toast may cover the button
        problem = picker.query_one("#problem")
        await wait_until(pilot, lambda: "not found" in str(problem.render()) or "not installed" in str(problem.render()))
        assert app.screen is picker and chat.status.info.backend == "scripted"  # nothing switched
        notes = tmp_path / "notes.gguf"
        notes.write_text("not a model", encoding="utf-8")
        picker.query_one("#model_path").value = str(notes)
        picker.query_one("#use", Button).press()  # not a click: a toast may cover the button
        await wait_until(pilot, lambda: "not a GGUF" in str(problem.render()) or "not installed" in str(problem.render()))
        assert app.screen is picker
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is chat)
