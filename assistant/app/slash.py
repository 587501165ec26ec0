"""Slash commands typed in the message input (`/copy 2`, `/fix <code>`, `/export notes.md`...).

Parsing is separate from acting so that what counts as a command is tested on its own, and
so that text which merely starts with a slash (a path, `/* */`) is still sent as a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.kinds import KINDS

KIND_COMMANDS = frozenset(KINDS)
COMMANDS = frozenset(
    {
        *KIND_COMMANDS,
        "copy",
        "rerun",
        "fixblock",
        "validate",
        "new",
        "model",
        "good",
        "bad",
        "save",
        "export",
        "search",
        "theme",
        "help",
        "quit",
    }
)
NUMBERED = frozenset({"copy", "rerun", "fixblock", "validate"})
_COMMAND = re.compile(r"/([A-Za-z]+)(?=\s|$)(.*)\Z", re.DOTALL)
UNKNOWN = "unknown"  # the name of a `Slash` for a command we do not have


@dataclass(frozen=True)
class Slash:
    """A parsed command: its name and the rest of the text (may span lines for kind commands).

    An unknown `/word` is `Slash("unknown", "word")`: the chat says so instead of sending it.
    """

    name: str
    arg: str = ""

    @property
    def number(self) -> int | None:
        """The block number for `/copy N`-style commands; None when absent or not a number."""
        word = self.arg.strip().lstrip("#[").rstrip("]")
        return int(word) if word.isdigit() else None


def parse(text: str) -> Slash | None:
    """A command when `text` starts with `/word`, else None (send as a message: `/usr/bin`, `/* */`).

    A single line `/word ...` with a word we do not know is `Slash(UNKNOWN, word)`."""
    found = _COMMAND.match(text.lstrip())
    if found is None:
        return None
    name = found.group(1).lower()
    if name in COMMANDS:
        return Slash(name, found.group(2).strip())
    return Slash(UNKNOWN, name) if "\n" not in text.strip() else None
