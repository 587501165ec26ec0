"""Snapshot tests (pytest-textual-snapshot): the chat with verdicts, validate with diagnostics, help.

Everything that varies between runs is pinned before the screenshot: the history sidebar (dates)
is hidden, timing is off (`ui.show_stats = false`), the throughput figure is fixed, toasts are
cleared and cursors do not blink. Update with `pytest tests/app --snapshot-update` after a
deliberate change, and look at the SVGs before committing them.
"""

from __future__ import annotations

from app_support import wait_until
from textual import events
from textual.pilot import Pilot

from assistant.config import Config

SIZE = (110, 46)


def snapshot_config() -> Config:
    config = Config()
    config.ui.show_stats = False
    return config


async def steady(pilot: Pilot) -> None:
    app = pilot.app
    for widget in app.screen.query("TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
        # repaint every line: a line cached in the blink's "off" phase would keep showing no cursor
        widget._line_cache.clear()  # type: ignore[attr-defined]
        widget.refresh()
    app.clear_notifications()
    await pilot.pause(0.1)


def test_chat_with_verdicts(snap_compare, make_app) -> None:
    app = make_app(config=snapshot_config())

    async def run_before(pilot: Pilot) -> None:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        await pilot.press("ctrl+b", "f3")
        chat.prompt.load_text("fix this\n```sno\nmain = [1, 2, 3]\n```")
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat.job is None and chat.messages.last_answer() is not None)
        chat.status.update_info(tokens_per_second=42.0, context_tokens=1800)
        chat.prompt.focus()
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_validate_with_diagnostics(snap_compare, make_app) -> None:
    app = make_app(config=snapshot_config())
    broken = 'greet name = "hello " + name\ntotal xs = len xs\nmain = total [1, 2, 3]\n'

    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f7")
        screen = app.screen
        await wait_until(pilot, lambda: screen.id == "validate")
        app.post_message(events.Paste(broken))
        await pilot.pause()
        await wait_until(pilot, lambda: screen.checked_generation == screen.generation and screen.verdict is not None)
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, make_app) -> None:
    app = make_app(config=snapshot_config())

    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f1")
        await wait_until(pilot, lambda: pilot.app.screen.__class__.__name__ == "HelpScreen")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_chat_at_80_by_24(snap_compare, make_app) -> None:
    """The smallest terminal we promise: sidebar folded, kind bar and status bar whole, code unwrapped."""
    app = make_app(config=snapshot_config())

    async def run_before(pilot: Pilot) -> None:
        chat = app.chat
        # the answer's header names the backend and model that the status bar shows when it is sent
        await wait_until(pilot, lambda: chat.services.engine is not None and chat.status.info.model not in ("", "…"))
        chat.action_set_kind("ask")
        chat.prompt.load_text("how do I reverse a list?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat.job is None and chat.messages.last_answer() is not None)
        chat.status.update_info(tokens_per_second=42.0, context_tokens=1800)
        chat.prompt.focus()
        # the reply overflows this small screen by a line: settle the layout, then show its end and
        # repaint, so the scroll bar's thumb is not drawn where an earlier layout pass left it
        await pilot.pause(0.1)
        chat.messages.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        chat.messages.refresh(layout=True)
        # repaint the scroll bar too: it can keep the strips it drew for the thumb mid-stream
        chat.messages.vertical_scrollbar.refresh()
        await steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
