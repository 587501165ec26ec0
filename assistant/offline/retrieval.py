"""Retrieval over the reference passages and the seed Q&A: which passage answers a question.

Each passage is one BM25F document; the questions of seed `ask` dialogues are added to the
passages they are about (their first topic counts fully, later topics less), so a question phrased
like one a person already asked finds its passage. Tokenizing the passages is most of the cost
of building the index, so their terms are kept in the cache dir, keyed by what they depend on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def index_fields(knowledge: Knowledge) -> list[tuple[str, dict[str, list[str]]]]:
    """(passage id, its index terms per field): the slow part of building the index."""
    questions: dict[str, list[str]] = {}
    for qa in knowledge.seed_qa:
        questions.setdefault(qa.topics[0], []).extend(terms(qa.question))
    return [
        (
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


def _cache_key(knowledge: Knowledge) -> str | None:
    """Everything the index terms depend on: the passages, the seed questions and the tokenizer's
    own source (so editing textnorm.py rebuilds them); None when that source cannot be read."""
    import json

    from . import textnorm

    try:
        tokenizer = Path(textnorm.__file__).read_text(encoding="utf-8")
    except (OSError, TypeError, UnicodeDecodeError):
        return None
    data = {
        "passages": [[p.id, p.title, list(p.tags), p.text, p.code] for p in knowledge.passages],
        "seeds": [[qa.topics[0], qa.question] for qa in knowledge.seed_qa],
    }
    return json.dumps(data, ensure_ascii=False) + "\n" + tokenizer


def cached_index_fields(knowledge: Knowledge) -> list[tuple[str, dict[str, list[str]]]]:
    """`index_fields`, from the disk cache when nothing it depends on changed (~30 ms saved)."""
    key = _cache_key(knowledge)
    if key is None:
        return index_fields(knowledge)
    from assistant.paths import cached_by_text

    rows = cached_by_text("offline-index", key, lambda _: [list(row) for row in index_fields(knowledge)])
    return [(pid, fields) for pid, fields in rows]


class Retriever:
    """Rank passages for a free-text question."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        docs = [Doc(pid, fields) for pid, fields in cached_index_fields(knowledge)]
        self.index = BM25F(FIELDS).build(docs)

    def search(self, question: str, limit: int = 5) -> list[Hit]:
        return [Hit(key, score) for key, score in self.index.search(query_concepts(question), limit)]
