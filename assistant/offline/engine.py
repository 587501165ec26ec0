"""`OfflineEngine`: deterministic answers grounded in our compiler, used when no model is configured.

`answer(kind, text, history)` streams Markdown chunks. It never raises: an unexpected failure of a
strategy ends the answer with a short apology instead of a traceback (tests construct the engine
with `strict=True` to see such failures).

Each strategy is imported when its kind is first asked for, and the retrieval index is built only
for `ask`/`write`: a one-shot `explain` loads neither the linter nor the passages.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.engine.types import Kind

from .context import Knowledge
from .extract import code_from

if TYPE_CHECKING:
    from .ask import Asker

_NO_CODE = {
    Kind.EXPLAIN: "There is no Synoema code in your message to explain",
    Kind.FIX: "There is no Synoema code in your message to fix",
    Kind.REVIEW: "There is no Synoema code in your message to review",
}


class OfflineEngine:
    """Explain, fix, review, and computed ask and write answers, without a language model."""

    name = "offline"

    def __init__(self, knowledge: Knowledge | None = None, *, strict: bool = False) -> None:
        self.knowledge = knowledge if knowledge is not None else Knowledge.load()
        self.strict = strict
        self._asker: Asker | None = None

    @property
    def asker(self) -> Asker:
        """The ask/write answerer (its retrieval index, for closest topics, built on first use)."""
        if self._asker is None:
            from .ask import Asker

            self._asker = Asker(self.knowledge)
        return self._asker

    def warm(self) -> None:
        """Import every strategy and build the retrieval index now (a UI does this at start-up)."""
        from . import explain, fix, review  # noqa: F401

        self.asker.warm()

    def answer(self, kind: Kind | str, text: str, history: Sequence[tuple[str, str]] = ()) -> Iterator[str]:
        """Markdown chunks answering `text` as `kind`; code blocks follow the fence conventions."""
        try:
            parsed = Kind(kind.value if isinstance(kind, Kind) else str(kind).strip().lower())
        except ValueError:
            yield f"Unknown request kind {kind!r}; use one of {', '.join(k.value for k in Kind)}.\n"
            return
        text = text if isinstance(text, str) else ""
        try:
            yield from self._answer(parsed, text, history)
        except Exception as exc:
            if self.strict:
                raise
            yield (f"\n\nThe offline assistant could not finish this answer (internal {type(exc).__name__}). "
                   "Try rephrasing, or configure a model backend.\n")

    def _answer(self, kind: Kind, text: str, history: Sequence[tuple[str, str]]) -> Iterator[str]:
        if kind is Kind.ASK:
            yield from self.asker.answer(text)
            return
        if kind is Kind.WRITE:
            yield from self.asker.write(text)
            return
        found = code_from(text, _pairs(history))
        if found.code is None:
            yield _NO_CODE[kind] + "; paste it in a ```sno block.\n"
            if found.prose.strip():
                yield "Meanwhile, here is what the reference says about your question:\n\n"
                yield from self.asker.answer(found.prose)
            return
        if kind is Kind.EXPLAIN:
            from .explain import explain_answer

            yield from explain_answer(self.knowledge, found.code)
        elif kind is Kind.FIX:
            from .fix import fix_answer

            yield from fix_answer(self.knowledge, found.code)
        else:
            from .review import review_answer

            yield from review_answer(self.knowledge, found.code)


def _pairs(history: Sequence[object]) -> list[tuple[str, str]]:
    """Accept (role, content) pairs and objects with role/content attributes; skip anything else."""
    out: list[tuple[str, str]] = []
    for item in history or ():
        role = content = None
        if isinstance(item, tuple | list) and len(item) == 2:
            role, content = item
        else:
            role, content = getattr(item, "role", None), getattr(item, "content", None)
        if isinstance(role, str) and isinstance(content, str):
            out.append((role, content))
    return out
