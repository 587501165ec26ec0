"""Pilot tests of the validate screen, the help screen and the command palette."""

from __future__ import annotations

import pytest
from app_support import wait_until
from textual import events
from textual.widgets import OptionList

from assistant.app.screens.help import HelpScreen
from assistant.app.screens.validate import ValidateScreen

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
BROKEN = "total xs = len xs\nmain = total [1, 2, 3]\n"


async def open_validate(pilot, app) -> ValidateScreen:
    await pilot.press("f7")
    await wait_until(pilot, lambda: isinstance(app.screen, ValidateScreen))
    screen = app.screen
    assert app.focused is screen.editor
    return screen


async def settled(pilot, screen: ValidateScreen) -> None:
    await pilot.pause()  # let pending Changed messages bump the generation first
    await wait_until(pilot, lambda: screen.checked_generation == screen.generation and screen.verdict is not None)


async def test_pasted_broken_code_is_checked_as_you_type(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_validate(pilot, app)
        app.post_message(events.Paste("main = [1, 2, 3]\n"))
        await settled(pilot, screen)
        verdict = screen.verdict
        assert verdict.status == "fails" and verdict.diagnostics[0].code == "unexpected_token"
        assert screen.editor.marks == {0: "error"}
        listing = screen.query_one("#diagnostics", OptionList)
        first = str(listing.get_option_at_index(0).prompt)
        assert "L1:" in first and "unexpected_token" in first and "hint:" in first
        assert "fix the errors first" in str(screen.query_one("#output").render())

        # typing fixes it: the check follows the edits (debounced)
        screen.editor.load_text("")
        await pilot.press(*"sq x = x * x")
        await settled(pilot, screen)
        assert screen.verdict.status == "types"
        assert ("sq", "Num a => a -> a") in screen.verdict.signatures or screen.verdict.signatures
        assert "sq :" in str(screen.query_one("#signatures").render())
        assert screen.editor.marks == {}
        await pilot.press("enter", *"main = sq 7")
        await settled(pilot, screen)
        assert screen.verdict.status == "runs"
        assert str(screen.query_one("#output").render()).strip() == "49"

        # choosing a diagnostic moves the cursor to its line
        screen.editor.load_text("x = 1\nmain = 1 + \"a\"\n")
        await settled(pilot, screen)
        listing.focus()
        listing.highlighted = 0
        await pilot.press("enter")
        assert app.focused is screen.editor and screen.editor.cursor_location[0] == 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.chat)


async def test_repair_with_one_key_explains_each_edit(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_validate(pilot, app)
        app.post_message(events.Paste(BROKEN))
        await settled(pilot, screen)
        assert screen.verdict.status == "fails"
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: bool(screen.repair_notes))
        assert screen.editor.text == "total xs = length xs\nmain = total [1 2 3]\n"
        repairs = str(screen.query_one("#repairs").render())
        assert "length" in repairs and "spaces" in repairs and "now checks" in repairs
        await settled(pilot, screen)
        assert screen.verdict.status == "runs" and screen.verdict.stdout == "3\n"
        await pilot.press("ctrl+z")
        assert screen.editor.text == BROKEN
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.editor.text != BROKEN)
        # sending to chat asks about the repaired program
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.chat and app.chat.job is None and app.chat.messages.last_answer() is not None)
        answer = app.chat.messages.last_answer()
        assert answer.kind == "explain" and "length xs" in answer.user_text


async def test_every_panel_follows_the_current_text(make_app) -> None:
    """Undo back to an empty editor, new text after a repair: no panel keeps what the old text said."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_validate(pilot, app)
        await pilot.press(*"main = [1, 2]")
        await settled(pilot, screen)
        assert screen.verdict.status == "fails" and screen.editor.marks
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: bool(screen.repair_notes))
        await settled(pilot, screen)
        assert screen.verdict.status == "runs"
        while screen.editor.text:  # undo every edit, the repair and the typing
            await pilot.press("ctrl+z")
        await pilot.pause(0.5)
        assert screen.verdict is None and screen.editor.marks == {}
        listing = screen.query_one("#diagnostics", OptionList)
        assert listing.option_count == 0
        for name in ("#signatures", "#output", "#repairs"):
            assert str(screen.query_one(name).render()).strip() == "", name
        await pilot.press(*"main = 2")
        await settled(pilot, screen)
        assert str(screen.query_one("#output").render()).strip() == "2"
        assert str(screen.query_one("#repairs").render()).strip() == ""


async def test_a_repair_is_applied_only_when_the_program_then_checks(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_validate(pilot, app)
        text = 'main = 1 + true\n'  # no rule makes this check (`1 + "a"` becomes `show 1 ++ "a"`)
        screen.editor.load_text(text)
        await settled(pilot, screen)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "nothing was changed" in str(screen.query_one("#repairs").render())
                         or "no rule applies" in str(screen.query_one("#repairs").render()))
        assert screen.editor.text == text and not screen.repair_notes
        assert not any(n.message.startswith("Repaired") for n in app._notifications)


async def test_a_program_stopped_by_the_time_limit_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_validate(pilot, app)
        screen.editor.load_text("loop n = loop (n + 1)\nmain = loop 0\n")
        await settled(pilot, screen)
        output = str(screen.query_one("#output").render())
        assert screen.verdict.stopped_by in ("time", "depth") and "stopped" in output
        assert "fix the errors first" not in output


async def test_help_screen_lists_every_binding(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = app.screen.text
        for needle in ("F2", "Ctrl+J", "Shift+Enter", "/copy [N]", "Ctrl+R", "Rate helpful", "Validate"):
            assert needle in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.chat)


async def test_command_palette_has_our_commands(make_app) -> None:
    from assistant.app.commands import COMMANDS
    from assistant.app.screens.chat import ChatScreen

    assert any(provider.__name__ == "ChatCommands" for provider in ChatScreen.COMMANDS)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in COMMANDS]
        assert "Validate code" in titles and "Kind: review" in titles and "Save exchange for training" in titles
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"validate code")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ValidateScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.chat)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"kind: review")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.chat.kinds.kind == "review")
