"""Slash commands typed in the message input (`/copy 2`, `/fix <code>`, `/export notes.md`...).

Parsing is separate from acting so that what counts as a command is tested on its own, and
so that text which merely starts with a slash (a path, `/* */`) is still sent as a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KIND_COMMANDS = frozenset({"explain", "fix", "ask", "review", "write"})
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


@dataclass(frozen=True)
class Slash:
    """A parsed command: its name and the rest of the text (may span lines for kind commands)."""

    name: str
    arg: str = ""

    @property
    def number(self) -> int | None:
        """The block number for `/copy N`-style commands; None when absent or not a number."""
        word = self.arg.strip().lstrip("#[").rstrip("]")
        return int(word) if word.isdigit() else None


def parse(text: str) -> Slash | None:
    """A command when `text` starts with `/name` for a known name, else None (send as a message)."""
    found = _COMMAND.match(text.lstrip())
    if found is None or found.group(1).lower() not in COMMANDS:
        return None
    return Slash(found.group(1).lower(), found.group(2).strip())
