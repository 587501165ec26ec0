"""Our commands in the command palette (Ctrl+P), next to Textual's own (theme, quit, keys...)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from assistant.app.main import SynoemaApp


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]


def app_commands(app: SynoemaApp) -> list[PaletteCommand]:
    """The commands, bound to `app`; kinds first since they are used most."""
    commands = [
        PaletteCommand(f"Kind: {kind}", f"answer the next message as {kind} ({key.upper()})", partial(app.set_kind, kind))
        for kind, key in (("explain", "f2"), ("fix", "f3"), ("ask", "f4"), ("review", "f5"), ("write", "f6"))
    ]
    commands += [
        PaletteCommand("New conversation", "start over (Ctrl+N)", app.new_conversation),
        PaletteCommand("Validate code", "open the editor that checks as you type (F7)", partial(app.open_validate, "")),
        PaletteCommand("Pick backend and model", "offline, GGUF, OpenAI-compatible server, transformers (F8)", app.action_pick_model),
        PaletteCommand("Search history", "find a past conversation (Ctrl+F)", app.search_history),
        PaletteCommand("Toggle history sidebar", "show or hide past conversations (Ctrl+B)", app.toggle_sidebar),
        PaletteCommand("Rate last answer helpful", "store a thumbs up (+)", partial(app.rate_last, 1)),
        PaletteCommand("Rate last answer unhelpful", "store a thumbs down (-)", partial(app.rate_last, -1)),
        PaletteCommand("Save exchange for training", "append it to the dialogue JSONL (Ctrl+S)", app.save_exchange),
        PaletteCommand("Export conversation as Markdown", "write a .md file of this conversation", app.export_markdown),
        PaletteCommand("Copy last code block", "copy the newest block to the clipboard (/copy)", app.copy_last_block),
        PaletteCommand("Help", "every key and command (F1)", app.action_help),
    ]
    return commands


class SynoemaCommands(Provider):
    """Fuzzy search over `app_commands`; all of them are shown when the palette opens."""

    def _commands(self) -> list[PaletteCommand]:
        from assistant.app.main import SynoemaApp

        app = self.app
        return app_commands(app) if isinstance(app, SynoemaApp) else []

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
