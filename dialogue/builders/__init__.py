"""Builders: one per kind, each turning validated corpus programs (or, for Q&A, facts of the
language) into conversations whose every fact comes from the checker. `BUILDERS` maps a kind to
its builder class; `dialogue.build` runs them."""

from __future__ import annotations

from typing import Any

__all__ = ["builder_for"]


def builder_for(kind: str, **options: Any) -> Any:
    """The builder of `kind` (explain, fix, ask, review, write)."""
    if kind == "explain":
        from .explain import ExplainBuilder

        return ExplainBuilder(**options)
    if kind == "fix":
        from .fix import FixBuilder

        return FixBuilder(**options)
    if kind == "ask":
        from .ask import AskBuilder

        return AskBuilder(**options)
    if kind == "review":
        from .review import ReviewBuilder

        return ReviewBuilder(**options)
    if kind == "write":
        from .write import WriteBuilder

        return WriteBuilder(**options)
    raise ValueError(f"no builder for kind {kind!r}")
