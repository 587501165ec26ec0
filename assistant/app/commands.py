"""The chat screen's commands in the command palette (Ctrl+P), next to Textual's own (theme, quit, keys…).

Each command is an action string run on the screen the palette was opened from (`app.` actions go
to the app), so this provider knows neither the app nor the chat screen's class.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from assistant.app.keys import KIND_KEYS


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    action: str  # run on the screen: "new_conversation", "app.pick_model", "set_kind('fix')"


COMMANDS: tuple[PaletteCommand, ...] = (
    *(
        PaletteCommand(f"Kind: {kind}", f"answer the next message as {kind} ({key.upper()})", f"set_kind('{kind}')")
        for kind, key in KIND_KEYS.items()
    ),
    PaletteCommand("New conversation", "start over (Ctrl+N)", "new_conversation"),
    PaletteCommand("Validate code", "open the editor that checks as you type (F7)", "app.validate"),
    PaletteCommand("Pick backend and model", "offline, GGUF, OpenAI-compatible server, transformers (F8)",
                   "app.pick_model"),
    PaletteCommand("Search history", "find a past conversation (Ctrl+F)", "search_history"),
    PaletteCommand("Toggle history sidebar", "show or hide past conversations (Ctrl+B)", "toggle_sidebar"),
    PaletteCommand("Rate last answer helpful", "store a thumbs up (+)", "rate_last(1)"),
    PaletteCommand("Rate last answer unhelpful", "store a thumbs down (-)", "rate_last(-1)"),
    PaletteCommand("Save exchange for training", "append it to the dialogue JSONL (Ctrl+S)", "save_exchange"),
    PaletteCommand("Export conversation as Markdown", "write a .md file of this conversation", "export_markdown"),
    PaletteCommand("Copy last code block", "copy the newest block to the clipboard (/copy)", "copy_last_block"),
    PaletteCommand("Help", "every key and command (F1)", "app.help"),
)


class ChatCommands(Provider):
    """Fuzzy search over `COMMANDS`; all of them are shown when the palette opens."""

    async def discover(self) -> Hits:
        for command in COMMANDS:
            yield DiscoveryHit(command.title, partial(self.screen.run_action, command.action), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in COMMANDS:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), partial(self.screen.run_action, command.action),
                          help=command.help)
