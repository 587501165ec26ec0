"""Turning what a user types into a safe search, and excerpts for the LIKE fallback."""

from __future__ import annotations

import re

_WORD_RE = re.compile(r"\w+")


def query_terms(text: str) -> list[str]:
    """The words of a query; a query without any (e.g. ``|>``) is one literal term."""
    words = _WORD_RE.findall(text)
    if words:
        return words
    stripped = text.strip()
    return [stripped] if stripped else []


def is_wordy(terms: list[str]) -> bool:
    """Whether FTS can serve these terms (FTS tokens drop punctuation-only queries)."""
    return bool(terms) and all(_WORD_RE.fullmatch(term) for term in terms)


def fts_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every word must occur, each as a prefix.

    Quoting every word means no user input can be read as FTS syntax (``AND``, ``"``, ``*``).
    """
    return " ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def like_pattern(term: str) -> str:
    """A LIKE pattern matching ``term`` anywhere, with ``\\`` as the escape character."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def make_snippet(text: str, terms: list[str], before: str, after: str, width: int = 64) -> str:
    """An excerpt of ``text`` around the first match, with every match marked."""
    flat = " ".join(text.split())
    if not terms:
        return flat[:width]
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(flat)
    if first is None:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, first.start() - width // 3)
    end = min(len(flat), start + width)
    window = flat[start:end]
    marked = pattern.sub(lambda m: f"{before}{m.group()}{after}", window)
    return ("…" if start > 0 else "") + marked + ("…" if end < len(flat) else "")
