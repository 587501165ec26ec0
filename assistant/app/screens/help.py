"""The help screen: every key binding and slash command, generated from `assistant.app.keys`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from assistant.app.keys import ALL_GROUPS, SLASH_COMMANDS, pretty

INTRO = """\
# Synoema Assistant

Every code block in an answer is compiled, type-checked and run; the line under it says what
happened: **✓ runs** with its output, **✓ types** with the inferred signatures, **✓ parses**,
or **✗** with the diagnostic, its line and a hint. Quoted blocks are your own code shown back.
"""


def help_markdown() -> str:
    parts = [INTRO]
    for title, keys in ALL_GROUPS:
        parts.append(f"\n## {title}\n\n| Key | Does |\n|---|---|")
        parts.extend(f"| `{pretty(key.keys)}` | {key.description} |" for key in keys)
    parts.append("\n## Commands in the input\n\n| Command | Does |\n|---|---|")
    parts.extend(f"| `{command}` | {text} |" for command, text in SLASH_COMMANDS)
    parts.append(
        "\n## Curating answers\n\nRate an answer with `+` / `-` (or `/good`, `/bad`); `Ctrl+S` saves the "
        "exchange, its kind and every verdict as one JSONL row in the dialogue folder, in the format "
        "the training pipeline reads. `/export` writes the conversation as Markdown."
    )
    return "\n".join(parts)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 96; max-width: 96%; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(help_markdown(), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
