"""The kinds of request, defined once: the engine, the prompts, the app, the REPL and the CLI read them here."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What the user wants; each kind has its own system prompt and offline strategy."""

    EXPLAIN = "explain"
    FIX = "fix"
    ASK = "ask"
    REVIEW = "review"
    WRITE = "write"


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)
CODE_KINDS: frozenset[Kind] = frozenset({Kind.EXPLAIN, Kind.FIX, Kind.REVIEW})  # they are about the user's code
QUOTE_KINDS: frozenset[Kind] = frozenset({Kind.FIX, Kind.REVIEW})  # answers that quote the user's code back
TIPS: dict[Kind, str] = {
    Kind.EXPLAIN: "what the code does, with every inferred type",
    Kind.FIX: "compile your code, find the error, propose a fix",
    Kind.ASK: "a question about the language",
    Kind.REVIEW: "idioms, partial functions, cheaper rewrites",
    Kind.WRITE: "a program from a task description",
}


def parse_kind(text: str) -> Kind | None:
    """The kind named by `text` (any case, surrounding blanks ignored), or None."""
    try:
        return Kind(text.strip().lower())
    except ValueError:
        return None
