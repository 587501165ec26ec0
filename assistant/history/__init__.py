"""Conversation history: a versioned SQLite store with full-text search and export."""

from assistant.history.models import (
    RATINGS,
    ROLES,
    Conversation,
    HistoryError,
    Message,
    Rating,
    SearchHit,
    Verdict,
)
from assistant.history.schema import LATEST_VERSION
from assistant.history.store import HistoryStore, auto_title

__all__ = [
    "LATEST_VERSION",
    "RATINGS",
    "ROLES",
    "Conversation",
    "HistoryError",
    "HistoryStore",
    "Message",
    "Rating",
    "SearchHit",
    "Verdict",
    "auto_title",
]
