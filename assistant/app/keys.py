"""Every key binding of the app in one table: the screens bind from it and the help screen lists it.

Keeping one source means the help screen can never drift from what the keys actually do.
F-keys and Ctrl letters are used because they survive tmux, SSH and most terminals, where
Alt and Ctrl+digit often do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from assistant.kinds import KINDS

KIND_KEYS: dict[str, str] = {kind: f"f{number}" for number, kind in enumerate(KINDS, start=2)}  # F2 explain … F6 write


@dataclass(frozen=True)
class Key:
    """One binding: the keys, the action it runs, what it does, and where it works."""

    keys: str
    action: str
    description: str
    scope: str
    show: bool = True  # in the footer
    priority: bool = False
    help: str = ""  # longer wording for the help screen (default: the description)

    @property
    def explained(self) -> str:
        return self.help or self.description

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.description, show=self.show, priority=self.priority)


APP_KEYS: tuple[Key, ...] = (
    Key("f1", "help", "Help", "everywhere"),
    Key("ctrl+p", "command_palette", "Commands", "everywhere", show=False, help="Command palette (themes too)"),
    Key("f7", "validate", "Validate", "everywhere", help="Validate screen: check code as you type"),
    Key("f8", "pick_model", "Model", "everywhere", help="Pick the backend and model"),
    Key("ctrl+q", "quit", "Quit", "everywhere", show=False, priority=True),
)

CHAT_KEYS: tuple[Key, ...] = (
    Key("escape", "cancel", "Cancel reply", "chat", show=False, help="Cancel the reply being written"),
    Key("ctrl+n", "new_conversation", "New", "chat", help="New conversation"),
    Key("ctrl+b", "toggle_sidebar", "History", "chat", help="Show or hide the history sidebar"),
    Key("ctrl+f", "search_history", "Search", "chat", show=False, help="Search the history"),
    Key("ctrl+t", "cycle_kind", "Kind", "chat", help="Next kind: explain, fix, ask, review, write"),
    *(
        Key(key, f"set_kind('{kind}')", kind.capitalize(), "chat", show=False, help=f"Kind: {kind}")
        for kind, key in KIND_KEYS.items()
    ),
    Key("ctrl+s", "save_exchange", "Save for training", "chat", show=False, help="Save the focused (or last) exchange for training"),
    Key("ctrl+l", "focus_input", "Input", "chat", show=False, help="Back to the message input"),
)

INPUT_KEYS: tuple[Key, ...] = (
    Key("enter", "submit", "Send", "input"),
    Key("shift+enter,ctrl+j", "newline", "New line", "input"),
    Key("up", "recall_previous", "Previous message (on the first line)", "input"),
    Key("down", "recall_next", "Next message (on the last line)", "input"),
)

BLOCK_KEYS: tuple[Key, ...] = (
    Key("c", "copy", "Copy this block", "code block"),
    Key("r", "rerun", "Run the check again", "code block"),
    Key("f", "send_fix", "Send to fix", "code block"),
    Key("v", "open_validate", "Open in the validate screen", "code block"),
    Key("e", "expand", "Show all of a long block (or fold it again)", "code block"),
)

MESSAGE_KEYS: tuple[Key, ...] = (
    Key("plus,equals_sign", "rate(1)", "Rate helpful", "answer"),
    Key("minus", "rate(-1)", "Rate unhelpful", "answer"),
    Key("s", "save", "Save for training", "answer"),
)

SIDEBAR_KEYS: tuple[Key, ...] = (
    Key("enter", "open", "Open conversation", "history"),
    Key("r", "rename", "Rename", "history"),
    Key("delete,d", "delete", "Delete", "history"),
    Key("a", "archive", "Archive / unarchive", "history"),
    Key("ctrl+a", "toggle_archived", "Show archived", "history"),
)

VALIDATE_KEYS: tuple[Key, ...] = (
    Key("escape", "back", "Back to chat", "validate"),
    Key("ctrl+r", "repair", "Repair", "validate"),
    Key("ctrl+s", "send_to_chat", "Ask about it in chat", "validate"),
    Key("ctrl+l", "focus_diagnostics", "Diagnostics", "validate", show=False),
)

SLASH_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/explain /fix /ask /review /write [text]", "switch kind, or send text in that kind"),
    ("/copy [N]", "copy code block N (default: the last one)"),
    ("/rerun N", "check block N again"),
    ("/fixblock N", "send block N to fix"),
    ("/validate [N]", "open the validate screen (with block N)"),
    ("/new", "start a new conversation"),
    ("/model", "pick the backend and model"),
    ("/good /bad", "rate the last answer"),
    ("/save", "save the last exchange for training"),
    ("/export [FILE]", "export the conversation as Markdown"),
    ("/search TEXT", "search the history"),
    ("/theme NAME", "switch theme"),
    ("/help", "show this help"),
)

ALL_GROUPS: tuple[tuple[str, tuple[Key, ...]], ...] = (
    ("Everywhere", APP_KEYS),
    ("Chat", CHAT_KEYS),
    ("Message input", INPUT_KEYS),
    ("Focused code block", BLOCK_KEYS),
    ("Focused answer", MESSAGE_KEYS),
    ("History sidebar", SIDEBAR_KEYS),
    ("Validate screen", VALIDATE_KEYS),
)


def bindings(keys: tuple[Key, ...]) -> list[Binding]:
    return [key.binding() for key in keys]


def pretty(keys: str) -> str:
    """`shift+enter,ctrl+j` -> `Shift+Enter / Ctrl+J` for the help screen."""
    names = {"plus": "+", "minus": "-", "equals_sign": "=", "delete": "Del", "escape": "Esc"}
    out = []
    for key in keys.split(","):
        pieces = key.split("+")
        combo = len(pieces) > 1
        parts = []
        for p in pieces:
            if p in names:
                parts.append(names[p])
            elif len(p) == 1:
                parts.append(p.upper() if combo else p)
            elif len(p) <= 3 and p.startswith("f"):
                parts.append(p.upper())
            else:
                parts.append(p.capitalize())
        out.append("+".join(parts))
    return " / ".join(out)
