"""A small BM25 used only to show that qa_eval questions are answerable from passages.jsonl.

The product retriever is written elsewhere; this one is deliberately plain (no tuning beyond the
usual k1/b) so a pass here means the data, not clever ranking, carries the answers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\(\)|[a-z0-9_]+|[|&=!<>+\-*/%:?\\$,.]+")
# fmt: off
_STOP = frozenset({
    "a", "an", "the", "is", "are", "do", "does", "i", "my", "me", "to", "of", "in", "on", "for",
    "it", "how", "what", "why", "can", "with", "and", "or", "be", "by", "as", "at", "this", "that",
    "there", "when", "which", "into", "you", "your", "get", "gives", "give", "make",
})
# fmt: on


def tokenize(text: str) -> list[str]:
    """Lower-case words, operator runs and `()`; crude stemming drops a trailing -s or -ing."""
    tokens: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if token in _STOP:
            continue
        if len(token) > 5 and token.endswith("ing"):
            token = token[:-3]
        elif len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        tokens.append(token)
    return tokens


@dataclass
class BM25:
    """Okapi BM25 over a fixed list of documents."""

    docs: list[list[str]]
    k1: float = 1.5
    b: float = 0.75
    _df: Counter[str] = field(default_factory=Counter, init=False)
    _tf: list[Counter[str]] = field(default_factory=list, init=False)
    _avg: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self._tf = [Counter(doc) for doc in self.docs]
        for tf in self._tf:
            self._df.update(tf.keys())
        self._avg = sum(len(doc) for doc in self.docs) / max(len(self.docs), 1)

    def scores(self, query: list[str]) -> list[float]:
        n = len(self.docs)
        out: list[float] = []
        for doc, tf in zip(self.docs, self._tf):
            score = 0.0
            for term in query:
                if term not in tf:
                    continue
                idf = math.log(1 + (n - self._df[term] + 0.5) / (self._df[term] + 0.5))
                freq = tf[term]
                score += (
                    idf
                    * freq
                    * (self.k1 + 1)
                    / (freq + self.k1 * (1 - self.b + self.b * len(doc) / self._avg))
                )
            out.append(score)
        return out

    def top(self, query: list[str]) -> int:
        scores = self.scores(query)
        return max(range(len(scores)), key=lambda i: scores[i])
