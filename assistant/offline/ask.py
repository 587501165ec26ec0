"""The offline `ask` answer: computed from the question, not the nearest passage.

In order, the first strategy that recognises the question answers it:
1. code in the question that does not compile: its first diagnostic, answered like a pasted error;
2. a pasted error message or diagnostic code (`diagnose`);
3. an idiom applied to the user's own names and values, run here (`idioms`);
4. an expression quoted in the question, evaluated (`compute`);
5. a name from another language (`foreign`), a library function (`library_answer`);
6. a concept card on syntax or semantics (`topics`);
7. otherwise it says so and lists the closest topics (cards and reference passages).

`write` requests go to `write.write_answer`. Every program shown was run; every value was computed.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import program as P
from .compute import expression_answer
from .context import Knowledge
from .diagnose import error_answer
from .extract import extract
from .foreign import foreign_answer
from .idioms import idiom_answer
from .library_answer import about_function, alias_function, library_answer, named_function
from .live import program
from .markdown import diagnostic_line
from .passage_answer import PassageAsker
from .retrieval import Hit
from .topics import Card, best_card, ranked

CLOSE_PASSAGE = 4.0
MAX_QUESTION = 4000  # characters read by the strategies: a question (or a pasted error) is shorter  # a passage scoring this high is shown (as the closest passage) when nothing else fits


class Asker:
    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.passages = PassageAsker(knowledge)

    def warm(self) -> None:
        """Type-check the prelude and build the tables now, so that the first answer is as fast as the rest."""
        self.computed("What is the type of map?")
        self.computed("what does 1 + 1 give")
        self.rank("where")

    def rank(self, question: str, limit: int = 5) -> list[Hit]:
        """Reference passages nearest to the question (for related topics and the CLI's search)."""
        return self.passages.rank(question, limit)

    # ── ask ──────────────────────────────────────────────────────────────────────────────────

    def answer(self, question: str, *, lead: str = "") -> Iterator[str]:
        if lead:
            yield lead
        found = extract(question)
        if found.code is not None and found.fenced:
            checked = P.check(found.code)
            errs = P.errors(checked.diagnostics)
            if errs:
                yield "Your code does not compile:\n\n" + diagnostic_line(errs[0]) + "\n\n"
                explained = error_answer(self.knowledge, f"{errs[0].code}: {errs[0].message}")
                if explained:
                    yield explained
                return
            question = found.prose or question
        text = self.computed(question)
        if text is not None:
            yield text
            return
        yield from self._nothing_fits(question[:MAX_QUESTION])

    def computed(self, question: str) -> str | None:
        """The first strategy's answer, or None when none recognises the question."""
        question = question[:MAX_QUESTION]
        text = error_answer(self.knowledge, question)
        if text is not None:
            return text
        about = about_function(question)
        if about is not None and expression_answer(question) is None:
            return library_answer(question, about)
        text = idiom_answer(self.knowledge, question)
        if text is not None:
            return text
        card = best_card(question)
        weights = [w for _, w in _matched(card, question)] if card is not None else []
        strong_card = bool(weights) and (max(weights) >= 5 or sum(weights) >= 6)
        text = expression_answer(question)
        if text is not None:
            return text
        alias = alias_function(question)
        if alias is not None and not strong_card:
            return library_answer(question, alias)
        text = foreign_answer(question)
        if text is not None:
            return text + (self._card(card) if card is not None else "")
        if not strong_card:
            text = library_answer(question)
            if text is not None:
                return text
        if card is not None:
            return self._card(card)
        if named_function(question):
            return library_answer(question)
        return None

    def _card(self, card: Card) -> str:
        out = f"**{card.title}.** {card.text}\n"
        if card.example:
            shown = program(self.knowledge, card.example, card.stdin)
            if shown:
                out += "\n" + shown
        return out

    def _nothing_fits(self, question: str) -> Iterator[str]:
        yield ("I have no computed answer for this question offline (it names no expression, library "
               "function, error or topic I recognise).\n")
        cards = [c.title for _, c in ranked(question)[:3]]
        hits = self.rank(question, 3)
        passages = [p.title for h in hits if (p := self.knowledge.passage(h.passage_id)) is not None]
        close = list(dict.fromkeys([*cards, *passages]))[:5]
        if not close:
            close = [p.title for p in self.knowledge.passages[:5]]
        yield "Closest topics: " + "; ".join(f"*{t}*" for t in close) + ".\n"
        if hits and hits[0].score >= CLOSE_PASSAGE:
            best = self.knowledge.passage(hits[0].passage_id)
            if best is not None:
                yield "\nThe closest reference passage (it may not answer exactly):\n\n"
                yield from self.passages._passage_body(best)

    # ── write ────────────────────────────────────────────────────────────────────────────────

    def write(self, task: str) -> Iterator[str]:
        from .write import write_answer

        yield write_answer(self.knowledge, task)


def _matched(card: Card, question: str) -> list[tuple[str, int]]:
    import re

    from .topics import corrected

    text = corrected(question)
    return [(p, w) for p, w in card.triggers if re.search(p, text)]
