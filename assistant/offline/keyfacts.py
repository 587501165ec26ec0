"""The ask question set and its key-fact scoring (used by `benchmarks/bench_ask.py` and the tests).

Each question carries the facts a right answer must contain. A fact is a list of alternatives; an
alternative is plain text (found case-insensitively, backticks ignored, spaces collapsed), `re:`
and a regular expression, or `v:` and a value that must stand alone (not inside a longer number).
The held-out split is for the aggregate figure only: rules and templates are tuned on `dev`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

QUESTIONS_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "ask_questions"
SPLITS = ("dev", "heldout")
TOPICS = ("syntax", "semantics", "stdlib", "errors", "idioms")


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    kind: str  # "ask" or "write"
    question: str
    facts: tuple[tuple[str, ...], ...]


def load_questions(split: str) -> list[Question]:
    path = QUESTIONS_DIR / f"{split}.jsonl"
    out: list[Question] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(Question(r["id"], r["topic"], r.get("kind", "ask"), r["question"],
                                tuple(tuple(f) for f in r["facts"])))
    return out


def normalise(answer: str) -> str:
    return re.sub(r"\s+", " ", answer.replace("`", "")).strip().lower()


@lru_cache(maxsize=1024)
def _pattern(alt: str) -> re.Pattern[str]:
    if alt.startswith("re:"):
        return re.compile(alt[3:], re.IGNORECASE | re.MULTILINE)
    if alt.startswith("v:"):
        return re.compile(r"(?<![\w.\-])" + re.escape(normalise(alt[2:])) + r"(?![\w.])")
    return re.compile(re.escape(normalise(alt)))


def has_fact(answer: str, fact: tuple[str, ...]) -> bool:
    """Plain and value alternatives are matched on the normalised answer, regexes on the raw one too."""
    flat = normalise(answer)
    for alt in fact:
        pat = _pattern(alt)
        if pat.search(flat) or (alt.startswith("re:") and pat.search(answer.replace("`", ""))):
            return True
    return False


def missing_facts(answer: str, question: Question) -> list[tuple[str, ...]]:
    return [f for f in question.facts if not has_fact(answer, f)]
