"""The help screen: every key binding and slash command, generated from `assistant.app.keys`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from assistant.app.keys import ALL_GROUPS, SLASH_COMMANDS, pretty

INTRO = (
    "Every code block in an answer is compiled, type-checked and run. The line under it says what "
    "happened: ✓ runs (with its output), ✓ types (with the inferred signatures), ✓ parses, or ✗ with "
    "the diagnostic, its line and a hint. Blocks marked quoted are your own code shown back."
)
CURATING = (
    "Rate an answer with + or - (or /good, /bad). Ctrl+S saves the exchange, its kind and every "
    "verdict as one JSONL row in the dialogue folder, in the format the training pipeline reads. "
    "/export writes the conversation as Markdown."
)
KEY_WIDTH = 26


def help_content() -> Content:
    """The whole help text: intro, one section per key group, the slash commands, curation."""
    lines: list[Content] = [Content.styled("Synoema Assistant", "bold $text-accent"), Content(INTRO), Content("")]
    for title, keys in ALL_GROUPS:
        lines.append(Content.styled(title, "bold $text-primary"))
        lines.extend(
            Content.assemble(Content.styled(f"  {pretty(key.keys):<{KEY_WIDTH}}", "$text-warning"), key.explained)
            for key in keys
        )
        lines.append(Content(""))
    lines.append(Content.styled("Commands in the input", "bold $text-primary"))
    for command, text in SLASH_COMMANDS:
        width = max(KEY_WIDTH, len(command) + 2)
        lines.append(Content.assemble(Content.styled(f"  {command:<{width}}", "$text-warning"), text))
    lines += [Content(""), Content.styled("Curating answers for training", "bold $text-primary"), Content(CURATING)]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 96; max-width: 96%; height: 90%;
        border: round $primary; background: $surface; padding: 0 2;
    }
    HelpScreen #help-text { width: 1fr; }
    """

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_content(), id="help-text")

    @property
    def text(self) -> str:
        return help_content().plain

    def action_close(self) -> None:
        self.dismiss(None)
