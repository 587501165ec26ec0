"""BM25F: ranking documents with several weighted fields (title, tags, questions, text, code).

Written here rather than taken from a package because the index is tiny (about a hundred passages),
the fields need their own weights and length normalisation, and queries carry per-term weights
(synonyms count less than the words the user typed).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Concept = tuple[float, dict[str, float]]


@dataclass(frozen=True)
class FieldSpec:
    weight: float
    b: float = 0.75


@dataclass
class Doc:
    key: str
    fields: dict[str, list[str]]


@dataclass
class BM25F:
    """Index of `Doc`s; `search` returns (key, score) pairs, best first."""

    specs: Mapping[str, FieldSpec]
    k1: float = 1.2
    docs: list[Doc] = field(default_factory=list)
    _tf: list[dict[str, Counter[str]]] = field(default_factory=list)
    _avg: dict[str, float] = field(default_factory=dict)
    _idf: dict[str, float] = field(default_factory=dict)

    def build(self, docs: Sequence[Doc]) -> BM25F:
        self.docs = list(docs)
        self._tf = [{name: Counter(d.fields.get(name, [])) for name in self.specs} for d in self.docs]
        n = max(len(self.docs), 1)
        for name in self.specs:
            self._avg[name] = sum(len(d.fields.get(name, [])) for d in self.docs) / n or 1.0
        df: Counter[str] = Counter()
        for tf in self._tf:
            present: set[str] = set()
            for counter in tf.values():
                present.update(counter)
            df.update(present)
        self._idf = {t: math.log(1.0 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        return self

    def term_score(self, index: int, term: str) -> float:
        """BM25F contribution of one term to one document."""
        idf = self._idf.get(term)
        if idf is None:
            return 0.0
        tf_fields = self._tf[index]
        doc = self.docs[index]
        pseudo = 0.0
        for name, spec in self.specs.items():
            tf = tf_fields[name].get(term, 0)
            if not tf:
                continue
            length = len(doc.fields.get(name, []))
            pseudo += spec.weight * tf / (1.0 - spec.b + spec.b * length / self._avg[name])
        return idf * pseudo * (self.k1 + 1.0) / (self.k1 + pseudo) if pseudo else 0.0

    def score(self, index: int, query: Sequence[Concept]) -> float:
        """Sum over concepts of the best weighted term score (synonyms never add up)."""
        total = 0.0
        for weight, expansions in query:
            best = max((w * self.term_score(index, t) for t, w in expansions.items()), default=0.0)
            total += weight * best
        return total

    def search(self, query: Sequence[Concept], limit: int = 10) -> list[tuple[str, float]]:
        if not query:
            return []
        scored = [(self.docs[i].key, self.score(i, query)) for i in range(len(self.docs))]
        scored = [s for s in scored if s[1] > 0.0]
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:limit]
