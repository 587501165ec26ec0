"""The retrieval answer (the baseline): the best reference passage with its example run live, plus related
passages; library names in the question are looked up in the builtin table and the prelude.

Also serves `write` offline: without a model the honest answer is the closest verified example.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.knowledge import Passage
from synoema.fences import output_matches
from synoema.library import prelude_signatures
from synoema.snippets import segments
from synoema.stdlib import BUILTINS, FOREIGN_NAMES

from . import program as P
from .context import Knowledge, SeedQA
from .extract import extract
from .markdown import code_block, diagnostic_line, inline, output_block
from .retrieval import Hit, Retriever
from .textnorm import query_concepts, terms

MIN_SCORE = 2.0  # below this the best passage shares too little with the question
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Example:
    """A passage's example as it will be shown: code, output, and how the output was obtained."""

    code: str
    output: str
    ran: bool


class PassageAsker:
    """The retrieval answer: the nearest reference passage with its example (the old `ask`; the
    baseline of `benchmarks/bench_ask.py`, and the source of related topics)."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.retriever = Retriever(knowledge)
        self._examples: dict[str, Example | None] = {}
        self._seed_ok: dict[str, bool] = {}

    # ── retrieval ────────────────────────────────────────────────────────────────────────────

    def rank(self, question: str, limit: int = 5) -> list[Hit]:
        return self.retriever.search(question, limit)

    def example(self, passage: Passage) -> Example | None:
        """The passage's program, compiled and run now; None when it does not compile."""
        if passage.id in self._examples:
            return self._examples[passage.id]
        ex: Example | None = None
        if passage.code:
            r = P.run(passage.code, passage.stdin or "")
            if r.ok:
                ex = Example(passage.code, P.shown_output(r), True)
            elif P.check(passage.code).ok and any(d.code == "permission_denied" for d in r.diagnostics):
                ex = Example(passage.code, passage.output or "", False)
        self._examples[passage.id] = ex
        return ex

    def _seed_verified(self, qa: SeedQA) -> bool:
        """Every ```sno block of the seed answer runs and prints its ```output block."""
        if qa.id not in self._seed_ok:
            ok = True
            blocks = [s for s in segments(qa.answer) if s.kind != "prose"]
            for i, block in enumerate(blocks):
                if block.kind != "code":
                    continue
                r = P.run(block.code, qa.stdin)
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                if not r.ok or nxt is None or not nxt.is_output or not output_matches(nxt.text, P.shown_output(r)):
                    ok = False
                    break
            self._seed_ok[qa.id] = ok
        return self._seed_ok[qa.id]

    def _matching_seed(self, question: str, top: str) -> SeedQA | None:
        """A seed question about the top passage that says nearly the same as `question`."""
        mine = set(terms(question))
        if not mine:
            return None
        for qa in self.knowledge.seed_qa:
            if qa.topics[0] != top:
                continue
            theirs = set(terms(qa.question))
            if theirs and len(mine & theirs) / len(mine | theirs) >= 0.6 and self._seed_verified(qa):
                return qa
        return None

    # ── rendering ────────────────────────────────────────────────────────────────────────────

    def _passage_body(self, passage: Passage) -> Iterator[str]:
        yield f"**{passage.title}.** {passage.text}\n\n"
        ex = self.example(passage)
        if ex is None:
            return
        yield code_block(self.knowledge, ex.code)
        if passage.stdin:
            yield f"With {inline(passage.stdin.rstrip(chr(10)), 40)} on standard input it prints:\n"
        if not ex.ran:
            yield "It needs IO permissions, so it was only compiled here; `synoema run` prints:\n"
        yield output_block(self.knowledge, ex.output)

    def _names(self, question: str) -> Iterator[str]:
        """Library functions named in the question, with their types; names from other languages."""
        ticked = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", question))
        words = _IDENT.findall(question)
        short = len(words) <= 4
        seen: set[str] = set()
        for w in words:
            if w in seen:
                continue
            seen.add(w)
            named = w in ticked or "_" in w or short or re.search(rf"\b{re.escape(w)}\s*\(", question)
            if not named:
                continue
            if w in BUILTINS:
                b = BUILTINS[w]
                yield f"- `{w} : {b.type}` — {b.doc}.\n"
            elif w in (prelude := prelude_signatures()):  # type-checks the prelude: only for a named word
                yield f"- `{w} : {prelude[w]}` (from the prelude).\n"
            elif w in FOREIGN_NAMES and (w in ticked or re.search(rf"\bis there an? {re.escape(w)}\b", question, re.I)):
                yield f"- Synoema has no `{w}`; write {FOREIGN_NAMES[w]}.\n"

    def answer(self, question: str, *, lead: str = "") -> Iterator[str]:
        if lead:
            yield lead
        found = extract(question)
        query = question
        if found.code is not None and found.fenced:
            checked = P.check(found.code)
            errs = P.errors(checked.diagnostics)
            if errs:
                yield "Your code does not compile:\n\n" + diagnostic_line(errs[0]) + "\n"
                query = f"{found.prose} {errs[0].code} {errs[0].message}"
            else:
                query = found.prose or question
        names = list(self._names(question))
        hits = self.rank(query)
        if not hits or hits[0].score < MIN_SCORE:
            if names:
                yield "From the library:\n\n" + "".join(names)
                return
            yield from self._no_answer(query)
            return
        best = self.knowledge.passage(hits[0].passage_id)
        if best is None:
            yield from self._no_answer(query)
            return
        seed = self._matching_seed(query, best.id)
        if seed is not None:
            yield seed.answer.rstrip() + "\n"
        else:
            yield from self._passage_body(best)
        if names:
            yield "\nFrom the library:\n\n" + "".join(names)
        related = self._related(hits)
        if related:
            yield "\nRelated: " + "; ".join(f"*{p.title}*" for p in related) + ".\n"

    def _related(self, hits: list[Hit]) -> list[Passage]:
        top = hits[0].score
        out: list[Passage] = []
        for h in hits[1:]:
            if h.score < 0.5 * top or len(out) == 2:
                break
            p = self.knowledge.passage(h.passage_id)
            if p is not None:
                out.append(p)
        return out

    def _no_answer(self, question: str) -> Iterator[str]:
        if not query_concepts(question):
            yield "Ask me about Synoema: syntax, types, the standard library, or an error message.\n"
        else:
            yield "I could not find this in the Synoema reference.\n"
        titles = [p.title for p in self.knowledge.passages[:6]]
        yield "Some topics I can answer: " + "; ".join(f"*{t}*" for t in titles) + ".\n"

    def write(self, task: str) -> Iterator[str]:
        yield from self.answer(
            task,
            lead=("Writing a new program from a description needs a language model (see `synoema-assistant "
                  "doctor`). Offline, here is the closest verified example from the reference to start from:\n\n"),
        )
