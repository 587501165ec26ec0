"""Finding the code and the question in a user's message (fenced, bare, or in an earlier turn).

Users paste code in ```sno fences, in unlabelled fences, or bare with a line of prose before it;
follow-up messages ("why does line 3 do that?") refer to code from earlier turns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from synoema.snippets import segments

_MISLABELLED = frozenset({"haskell", "hs", "code"})  # fences users put their Synoema code in
_DEF_LINE = re.compile(
    r"""^(?:
        [a-z_][A-Za-z0-9_']*(?:\s+[^=\n]*)?\s*=(?!=)       # f x y = ... / name = ...
      | [a-z_][A-Za-z0-9_']*\s*:\s*\S                     # f : Int -> Int
      | [A-Z][A-Za-z0-9_]*(?:\s+[a-z]\w*)*\s*=(?!=)       # Shape = Circle Int | ...
      | (?:mod|use|import|trait|impl|test)\s              # declarations
      | --                                                # comments
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Extracted:
    """`code` is None when the message holds no code; `prose` is the message without the code."""

    code: str | None
    prose: str
    fenced: bool = False


_PROSE_START = re.compile(
    r"^(?:how|what|why|when|where|which|who|can|could|is|are|does|do|did|i|i'm|my|this|the|please|explain|"
    r"fix|review|here|it|thanks|hi|hello)\b",
    re.IGNORECASE,
)


def _looks_like_code_line(line: str) -> bool:
    if not line.strip():
        return False
    if line[:1] in (" ", "\t"):
        return True
    if _PROSE_START.match(line) or line.rstrip().endswith("?"):
        return False
    return bool(_DEF_LINE.match(line))


def _bare_code(text: str) -> Extracted:
    lines = text.strip("\n").split("\n")
    starts = [i for i, line in enumerate(lines) if _looks_like_code_line(line) and not line[:1].isspace()]
    if not starts:
        return Extracted(None, text.strip())
    first = starts[0]
    body = lines[first:]
    codeish = sum(1 for line in body if _looks_like_code_line(line))
    nonblank = sum(1 for line in body if line.strip())
    if nonblank == 0 or codeish / nonblank < 0.6:
        return Extracted(None, text.strip())
    # A trailing sentence after the code ("it prints 5, why?") is prose.
    end = len(body)
    while end > 0 and (not body[end - 1].strip() or not _looks_like_code_line(body[end - 1])):
        end -= 1
    code = "\n".join(body[:end]).rstrip() + "\n"
    prose = "\n".join(lines[:first] + body[end:]).strip()
    return Extracted(code, prose)


def extract(text: str) -> Extracted:
    """The first Synoema code block of `text` (fenced first, else bare code) and the rest."""
    for s in segments(text):
        if not s.fenced or not s.closed or not s.code.strip():
            continue
        if s.is_synoema or (s.kind == "foreign" and s.lang in _MISLABELLED):
            prose = (text[: s.start] + text[s.end :]).strip()
            return Extracted(s.code, prose, fenced=True)
    return _bare_code(text)


def code_from(text: str, history: Sequence[tuple[str, str]] = ()) -> Extracted:
    """Code of the message, else the latest code a user showed in `history`; prose is the message's."""
    found = extract(text)
    if found.code is not None:
        return found
    for role, content in reversed(list(history)):
        if role != "user" or not isinstance(content, str):
            continue
        earlier = extract(content)
        if earlier.code is not None:
            return Extracted(earlier.code, found.prose, earlier.fenced)
    return found
