"""Pilot tests of the less visible guarantees: live verdicts while streaming, typing priority,
scrolling, crash safety, and settings written back to config.toml."""

from __future__ import annotations

import asyncio
import time
import tomllib

import pytest
from app_support import ScriptedBackend, ask, wait_until

from assistant.app.widgets.live import LiveBlock
from assistant.app.widgets.sidebar import when
from assistant.engine.types import TextChunk

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


async def test_verdict_shows_while_the_reply_still_streams(make_app) -> None:
    app = make_app(ScriptedBackend(hold=True))
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        chat.action_set_kind("ask")
        chat.prompt.load_text("how do I reverse a list?")
        await pilot.press("enter")
        def live() -> list[LiveBlock]:
            return list(chat.job.answer.query(LiveBlock)) if chat.job is not None else []

        await wait_until(pilot, lambda: bool(live()) and live()[0].verdict is not None)
        answer = chat.job.answer
        sketch = live()[0]
        assert answer.streaming and sketch.number == 1
        assert "✓ runs: [3 2 1]" in str(sketch.render())  # drawn once, checked live
        await pilot.press("escape")
        assert chat.job is None  # Esc frees the chat at once
        await wait_until(pilot, lambda: bool(answer.blocks))  # then the sketch becomes the real block
        assert answer.blocks[0].verdict.status == "runs" and not answer.query(LiveBlock)


async def test_typing_defers_painting_the_stream(make_app) -> None:
    app = make_app(ScriptedBackend(endless=True, delay=0.01))
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        chat.prompt.load_text("go")
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat.job is not None and chat.job.answer.text)
        job = chat.job
        answer = job.answer
        chat.prompt.last_key_at = time.monotonic() + 3600  # "typing right now", for the next hour
        answer._painted_at = time.monotonic() + 3600
        shown = answer.text
        job.pump.push(TextChunk(" MARKER"))
        await answer._flush()
        assert answer.text == shown  # nothing painted while typing
        chat.prompt.last_key_at = 0.0
        answer._painted_at = 0.0
        await answer._flush()
        assert "MARKER" in answer.text
        await pilot.press("escape")
        await wait_until(pilot, lambda: chat.job is None)


async def test_long_replies_scroll_and_never_drift(make_app) -> None:
    app = make_app(ScriptedBackend(endless=True, delay=0.002))
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        chat.prompt.load_text("talk")
        await pilot.press("enter")
        listing = chat.messages
        await wait_until(pilot, lambda: listing.max_scroll_y > 20)
        assert listing.scroll_y >= listing.max_scroll_y - 2  # following the end
        await pilot.press("escape")
        await wait_until(pilot, lambda: chat.job is None)
        await pilot.pause(0.2)
        assert listing.scroll_y >= 0
        await pilot.press("ctrl+n")
        await pilot.pause(0.2)
        assert listing.scroll_y == 0
        app.services.engine.switch_backend("offline")
        await ask(pilot, app, "how do I reverse a list?", "ask")
        await pilot.pause(0.2)
        assert 0 <= listing.scroll_y <= listing.max_scroll_y
        assert listing.scroll_y >= listing.max_scroll_y - 1  # the new answer's end is in view


async def test_an_internal_error_ends_the_real_app_with_one_readable_line(make_app, tmp_path) -> None:
    from assistant.app.main import SynoemaApp

    log = tmp_path / "errors.log"
    base = make_app()
    app = SynoemaApp(base.config, engine_factory=base.services.engine_factory, safe=True, log_path=log)
    async with app.run_test(size=SIZE):

        def broken() -> None:
            raise ValueError("a bug in a handler")

        app.call_later(broken)
        for _ in range(400):
            if app.exit_note is not None:
                break
            await asyncio.sleep(0.025)
    assert app.return_code == 1 and app._exception is None
    assert app.exit_note is not None and "ValueError: a bug in a handler" in app.exit_note
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "ValueError: a bug in a handler" in text


async def test_theme_and_backend_choices_are_saved_without_env_overrides(make_app, isolated_dirs, monkeypatch) -> None:
    from assistant.app.main import SynoemaApp
    from assistant.app.screens.model_picker import ModelChoice
    from assistant.backends.config import OfflineOptions

    monkeypatch.setenv("SYNOEMA_MAX_TOKENS", "77")
    base = make_app()
    app = SynoemaApp(base.config, engine_factory=base.services.engine_factory, persist_settings=True)
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        chat.prompt.load_text("/theme nord")
        await pilot.press("enter")
        config_file = isolated_dirs["config"] / "config.toml"
        await wait_until(pilot, config_file.exists)
        saved = tomllib.loads(config_file.read_text(encoding="utf-8"))
        assert saved["ui"]["theme"] == "nord"
        assert saved["engine"]["max_tokens"] == 1024  # the env override is not written back
        app._model_chosen(ModelChoice("offline", OfflineOptions(), remember=True))
        await wait_until(pilot, lambda: chat.status.info.backend == "offline")
        await wait_until(pilot, lambda: tomllib.loads(config_file.read_text(encoding="utf-8"))["backend"]["kind"] == "offline")


def test_sidebar_dates_are_short() -> None:
    import datetime as dt

    now = dt.datetime(2026, 3, 12, 15, 0).timestamp()
    assert when(dt.datetime(2026, 3, 12, 9, 5).timestamp(), now) == "09:05"
    assert when(dt.datetime(2026, 3, 11, 23, 0).timestamp(), now) == "yesterday"
    assert when(dt.datetime(2026, 3, 9, 12, 0).timestamp(), now) == "Mon"
    assert when(dt.datetime(2025, 12, 1).timestamp(), now) == "2025-12-01"


async def test_quit_asks_first_when_configured(make_app) -> None:
    from assistant.app.screens.dialogs import Confirm
    from assistant.config import Config

    config = Config()
    config.ui.confirm_quit = True
    app = make_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is app.chat)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_until(pilot, lambda: app.return_code == 0)


async def test_unusable_history_is_a_notice_and_chat_still_works(tmp_path) -> None:
    from app_support import ScriptedBackend as Backend

    from assistant.app.main import SynoemaApp
    from assistant.config import Config
    from assistant.engine.core import Engine

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    config = Config()
    config.paths.history_db = str(blocker / "history.sqlite3")  # its parent is a file
    config.paths.dialogue_dir = str(tmp_path / "dialogues")
    backend = Backend()
    app = SynoemaApp(config, engine_factory=lambda: Engine(config, backend=backend, history=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: any("History is off" in n.message for n in app._notifications))
        answer = await ask(pilot, app, "how do I reverse a list?", "ask")
        assert answer.error is None and "reverse" in answer.text
        answer.focus()  # rating without history: kept on the message (and in a saved row)
        await pilot.press("plus")
        assert answer.rating == 1
