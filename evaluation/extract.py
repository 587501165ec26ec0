"""Which code of a reply is the answer to a task.

The reply is scanned by `synoema.snippets` (the one scanner the app uses). The answer is the first
proposed block that defines `main`, else the first proposed block; quoted blocks never count. A
reply that is nothing but a program (no fence) is taken whole. Anything else (prose, an empty
reply, code in another language) has no answer: the sample fails at the first stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MAIN = re.compile(r"^main\s*=", re.MULTILINE)


@dataclass(frozen=True)
class Picked:
    """The code taken as the answer, and the position of its block among the reply's blocks."""

    code: str
    index: int | None  # None for a whole reply taken as a program


def defines_main(code: str) -> bool:
    return bool(_MAIN.search(code))


def pick_program(text: str) -> Picked | None:
    from synoema.snippets import extract_snippets

    proposed = [s for s in extract_snippets(text) if not s.quoted and s.code.strip()]
    for snippet in proposed:
        if defines_main(snippet.code):
            return Picked(snippet.code, snippet.index)
    if proposed:
        return Picked(proposed[0].code, proposed[0].index)
    if defines_main(text) and "```" not in text and _parses(text):
        return Picked(text.strip("\n") + "\n", None)
    return None


def _parses(text: str) -> bool:
    from synoema.parser import parse

    try:
        return parse(text).ok
    except RecursionError:
        return False
