"""Pilot tests of the chat: each kind answered with verdicts, streaming, cancel, keys, block actions."""

from __future__ import annotations

import pytest
from app_support import ScriptedBackend, answers, ask, wait_until

from assistant.app.widgets.code_block import CodeBlock
from assistant.app.widgets.messages import AssistantMessage, UserMessage

pytestmark = pytest.mark.anyio
SIZE = (120, 44)


def statuses(answer: AssistantMessage) -> list[str]:
    return [block.verdict.status if block.verdict else "none" for block in answer.blocks if block.with_verdict]


@pytest.mark.parametrize(
    ("kind", "key", "text", "expected_statuses", "expected_text"),
    [
        ("explain", "f2", "explain\n```sno\nsq x = x * x\nmain = sq 7\n```", ["runs"], "multiplies"),
        ("fix", "f3", "fix this\n```sno\nmain = [1, 2, 3]\n```", ["fails", "runs"], "unexpected_token"),
        ("ask", "f4", "how do I reverse a list?", ["runs"], "reverse"),
        ("review", "f5", "review\n```sno\ntotal xs = foldl (\\acc x -> acc + x) 0 xs\n```", ["types", "runs"], "foldl"),
        ("write", "f6", "squares of 1 to 5", ["runs"], "Squares"),
    ],
)
async def test_each_kind_is_answered_with_verdicts(
    make_app, kind: str, key: str, text: str, expected_statuses: list[str], expected_text: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await pilot.press(key)
        assert chat.kinds.kind == kind and chat.status.info.kind == kind
        answer = await ask(pilot, app, text)
        assert isinstance(answer, AssistantMessage)
        assert expected_text in answer.text and answer.error is None
        assert statuses(answer) == expected_statuses
        for block in answer.blocks:
            if block.with_verdict:
                assert block.verdict_text().startswith(block.verdict.describe().headline)
        assert answer.message_id is not None and chat.conversation_id is not None
        assert chat.status.info.state == "ready" and chat.status.info.backend == "scripted"
        assert chat.status.info.context_tokens > 0


async def test_verdict_rows_show_signatures_output_and_quoted_diagnostics(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answer = await ask(pilot, app, "fix this\n```sno\nmain = [1, 2, 3]\n```", "fix")
        quoted, proposed = [b for b in answer.blocks if b.with_verdict]
        assert quoted.segment.quoted and quoted.verdict.quoted
        row = quoted.verdict_text()
        assert "✗ unexpected_token line 1" in row and "hint:" in row and "quoted" in row
        assert proposed.verdict_text().startswith("✓ runs: [1 2 3]")
        assert "main : List Int" in proposed.verdict_text()
        assert "✓ the output block shows what the program prints" in proposed.verdict_text()


async def test_repaired_snippet_is_shown_with_its_notes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answer = await ask(pilot, app, "count the elements of a list", "write")
        (block,) = answer.blocks
        assert block.verdict.repaired and block.verdict.status == "runs" and block.verdict.stdout == "3\n"
        assert "length" in block.code and "len [" not in answer.text
        assert "repaired automatically" in block.verdict_text()
        assert block.verdict.repair.original_code.strip() == "main = len [1 2 3]"
        assert "✓ the output block shows what the program prints" in block.verdict_text()  # the block added


async def test_streaming_arrives_in_batches_and_typing_stays_responsive(make_app) -> None:
    backend = ScriptedBackend(endless=True, delay=0.005)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        chat.prompt.load_text("tell me everything")
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat.job is not None and len(chat.job.answer.text) > 60)
        assert chat.status.info.state == "streaming…"
        await pilot.press(*"next question")
        assert chat.prompt.text == "next question"
        answer = chat.job.answer
        pushed = chat.job.pump.chunks
        assert answer.text.count("word") < pushed + 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: chat.job is None)
        assert answer.reply is not None and answer.reply.cancelled
        assert not answer.streaming and "cancelled" in answer._footer.render().plain
        assert chat.status.info.state == "cancelled"
        assert chat.prompt.text == "next question"


async def test_send_while_streaming_is_refused_and_text_kept(make_app) -> None:
    app = make_app(ScriptedBackend(endless=True, delay=0.01))
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        chat.prompt.load_text("first")
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat.job is not None)
        chat.prompt.load_text("second")
        await pilot.press("enter")
        await pilot.pause()
        assert chat.prompt.text == "second" and answers(chat) == 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: chat.job is None)


async def test_kind_keys_cycle_and_slash_commands(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await pilot.press("f3")
        assert chat.kinds.kind == "fix"
        await pilot.press("ctrl+t")
        assert chat.kinds.kind == "ask"
        chat.prompt.load_text("/review")
        await pilot.press("enter")
        await pilot.pause()
        assert chat.kinds.kind == "review" and answers(chat) == 0
        answer = await ask(pilot, app, "/explain what is sq\n```sno\nsq x = x * x\nmain = sq 7\n```")
        assert answer.kind == "explain" and chat.kinds.kind == "explain"


async def test_input_keys_newline_send_and_recall(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        await pilot.press(*"line one", "ctrl+j", *"line two")
        assert chat.prompt.text == "line one\nline two"
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat.job is None and answers(chat) == 1)
        user = next(m for m in chat.messages.messages if isinstance(m, UserMessage))
        assert user.text == "line one\nline two" and chat.prompt.text == ""
        await pilot.press(*"draft", "home")
        await pilot.press("up")
        assert chat.prompt.text == "line one\nline two"
        await pilot.press("down", "down")
        assert chat.prompt.text == "draft"


async def test_copy_rerun_fix_and_validate_from_a_block(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        answer = await ask(pilot, app, "explain\n```sno\nsq x = x * x\nmain = sq 7\n```", "explain")
        numbers = [b.number for b in chat.messages.blocks()]
        assert numbers == [1, 2]  # the user's block, then the answer's
        chat.prompt.load_text("/copy 2")
        await pilot.press("enter")
        await pilot.pause()
        assert app.clipboard == "sq x = x * x\nmain = sq 7\n" and answers(chat) == 1
        chat.prompt.load_text("/copy 9")
        await pilot.press("enter")
        await pilot.pause()
        assert app.clipboard == "sq x = x * x\nmain = sq 7\n"
        assert any("There is no block [9]; blocks go from 1 to 2" in n.message for n in app._notifications)

        block = answer.blocks[0]
        block.focus()
        await pilot.press("r")
        await wait_until(pilot, lambda: block.verdict is not None)
        assert block.verdict.status == "runs"

        block.focus()
        await pilot.press("v")
        await wait_until(pilot, lambda: app.screen.id == "validate")
        assert app.screen.editor.text == block.code
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is chat)

        block = chat.messages.block(2)
        assert isinstance(block, CodeBlock)
        block.focus()
        await pilot.press("f")
        await wait_until(pilot, lambda: chat.job is None and answers(chat) == 2)
        last = chat.messages.last_answer()
        assert last.kind == "fix" and "```sno\nsq x = x * x" in last.user_text


async def test_verdict_links_are_clickable(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answer = await ask(pilot, app, "how do I reverse a list?", "ask")
        block = answer.blocks[0]
        block.query_one(".block-header").action_copy()
        await pilot.pause()
        assert app.clipboard == block.code


async def test_backend_failure_becomes_a_notification(make_app) -> None:
    from assistant.backends.errors import BackendConnectionError

    failing = ScriptedBackend(fail=BackendConnectionError("Cannot reach http://127.0.0.1:9/v1.", "Is the server running?"))
    app = make_app(failing)
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        answer = await ask(pilot, app, "hello", "ask")
        assert answer.error is not None and "Cannot reach" in answer.error and "Is the server running?" in answer.error
        assert any("Cannot reach" in n.message for n in app._notifications)
        assert chat.status.info.state == "error"
        failing.fail = None
        again = await ask(pilot, app, "how do I reverse a list?", "ask")
        assert again.error is None and "reverse" in again.text


async def test_engine_that_cannot_start_is_reported(make_app, tmp_path) -> None:
    from assistant.app.main import SynoemaApp
    from assistant.config import Config

    def broken() -> object:
        raise RuntimeError("no engine today")

    app = SynoemaApp(Config(), engine_factory=broken)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.chat.status.info.state == "error"
                         and any("no engine today" in n.message for n in app._notifications))
        app.chat.prompt.load_text("hello")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.chat.job is None and answers(app.chat) == 1)
        assert "no engine today" in (app.chat.messages.last_answer().error or "")


async def test_config_problems_and_unknown_theme_are_notified(make_app) -> None:
    from assistant.app.main import SynoemaApp
    from assistant.config import Config

    config = Config()
    config.ui.theme = "no-such-theme"
    app = SynoemaApp(config, problems=["config.toml line 3: unknown setting 'ui.colour'"], engine_factory=make_app().services.engine_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("ui.colour" in m for m in messages)
        assert any("no-such-theme" in m for m in messages)
        chat = app.chat
        chat.prompt.load_text("/theme nord")
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "nord"
