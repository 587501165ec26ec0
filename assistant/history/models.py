"""Row dataclasses of the history store (what callers get back, never sqlite rows).

A message's snippet verdicts are `assistant.verdict.Verdict`, the one verdict type of the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.verdict import Verdict

ROLES: tuple[str, ...] = ("system", "user", "assistant", "tool")
RATINGS: tuple[int, ...] = (-1, 0, 1)


class HistoryError(Exception):
    """A readable history failure: bad input, missing rows or an unusable database."""


@dataclass(frozen=True)
class Conversation:
    """One conversation; ``updated`` moves with every new message."""

    id: int
    title: str
    created: float
    updated: float
    archived: bool = False
    kind: str = "chat"
    message_count: int = 0


@dataclass(frozen=True)
class Rating:
    """A user's thumbs up (1), neutral (0) or down (-1) on a message."""

    message_id: int
    rating: int
    note: str = ""
    created: float = 0.0


@dataclass(frozen=True)
class Message:
    """One message with its snippet verdicts and rating attached."""

    id: int
    conversation_id: int
    role: str
    content: str
    created: float
    kind: str = "text"
    backend: str | None = None
    model: str | None = None
    tokens: int | None = None
    duration: float | None = None
    verdicts: tuple[Verdict, ...] = ()
    rating: Rating | None = None


@dataclass(frozen=True)
class SearchHit:
    """A conversation that matched, with an excerpt showing the match.

    ``message_id`` is ``None`` when the title matched rather than a message.
    """

    conversation: Conversation
    snippet: str
    message_id: int | None = None
    role: str | None = None
