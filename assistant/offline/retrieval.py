"""Retrieval over the reference passages and the seed Q&A: which passage answers a question.

Each passage is one BM25F document; the questions of seed `ask` dialogues are added to the
passages they are about (their first topic counts fully, later topics less), so a question phrased
like one a person already asked finds its passage.
"""

from __future__ import annotations

from dataclasses import dataclass

from .bm25 import BM25F, Doc, FieldSpec
from .context import Knowledge
from .textnorm import query_concepts, terms

FIELDS = {
    "title": FieldSpec(3.0, 0.5),
    "tags": FieldSpec(2.5, 0.3),
    "questions": FieldSpec(1.5, 0.5),
    "text": FieldSpec(1.0, 0.75),
    "code": FieldSpec(0.3, 0.75),
}


@dataclass(frozen=True)
class Hit:
    passage_id: str
    score: float


class Retriever:
    """Rank passages for a free-text question."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        questions: dict[str, list[str]] = {}
        for qa in knowledge.seed_qa:
            questions.setdefault(qa.topics[0], []).extend(terms(qa.question))
        docs = [
            Doc(
                p.id,
                {
                    "title": terms(p.title),
                    "tags": terms(" ".join(p.tags)) + terms(p.id.replace("-", " ")),
                    "questions": questions.get(p.id, []),
                    "text": terms(p.text),
                    "code": terms(p.code or ""),
                },
            )
            for p in knowledge.passages
        ]
        self.index = BM25F(FIELDS).build(docs)

    def search(self, question: str, limit: int = 5) -> list[Hit]:
        return [Hit(key, score) for key, score in self.index.search(query_concepts(question), limit)]
