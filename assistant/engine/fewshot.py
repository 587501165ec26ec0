"""Few-shot examples: past exchanges of the same kind, most similar to the user's message first.

Sources are the seed dialogues shipped with the package and the exchanges a user curated into the
dialogue directory (`<kind>.jsonl`, the seed format). A curated row rated -1 is never shown to the
model. Similarity is cosine over word counts: cheap, deterministic and good enough to prefer an
example about lists for a question about lists.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_']*|\d+|[^\sA-Za-z0-9_]{1,3}")


@dataclass(frozen=True)
class Example:
    """One user/assistant exchange usable as a few-shot pair."""

    id: str
    kind: str
    user: str
    assistant: str
    source: str = "seed"


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b.get(word, 0) for word, count in a.items())
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm if norm else 0.0


def _first_exchange(messages: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    turns = [(r, c) for r, c in messages if r != "system"]
    for i in range(len(turns) - 1):
        if turns[i][0] == "user" and turns[i + 1][0] == "assistant":
            return turns[i][1], turns[i + 1][1]
    return None


def seed_examples() -> list[Example]:
    """The package's seed dialogues; none when the knowledge data cannot be read."""
    try:
        from assistant.knowledge import load_seed_dialogues

        dialogues = load_seed_dialogues()
    except Exception:  # a broken data file must not stop the assistant from answering
        return []
    out: list[Example] = []
    for d in dialogues:
        pair = _first_exchange([(m.role, m.content) for m in d.messages])
        if pair is not None:
            out.append(Example(d.id, d.kind, pair[0], pair[1], "seed"))
    return out


def curated_examples(folder: Path, problems: list[str] | None = None) -> list[Example]:
    """Rows of `folder/*.jsonl`; unreadable files and malformed rows are skipped (and noted)."""
    out: list[Example] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.jsonl")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            _note(problems, f"{path.name}: cannot read ({exc})")
            continue
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            example = _row(line, f"{path.name}:{number}", problems)
            if example is not None:
                out.append(example)
    return out


def _note(problems: list[str] | None, text: str) -> None:
    if problems is not None:
        problems.append(text)


def _row(line: str, where: str, problems: list[str] | None) -> Example | None:
    try:
        row = json.loads(line)
        kind = row["kind"]
        messages = [(str(m["role"]), str(m["content"])) for m in row["messages"]]
    except (ValueError, KeyError, TypeError) as exc:
        _note(problems, f"{where}: skipped a malformed row ({exc})")
        return None
    meta = row.get("meta") if isinstance(row.get("meta"), dict) else {}
    if meta.get("rating") == -1:
        return None
    pair = _first_exchange(messages)
    if pair is None or not isinstance(kind, str):
        return None
    return Example(str(row.get("id", where)), kind, pair[0], pair[1], "curated")


class ExampleBank:
    """All examples, loaded on first use; `pick` ranks those of one kind by similarity."""

    def __init__(self, folder: Path | None, *, include_seed: bool = True) -> None:
        self.folder = folder
        self.include_seed = include_seed
        self.problems: list[str] = []
        self._examples: list[Example] | None = None
        self._vectors: dict[str, Counter[str]] = {}

    def examples(self) -> list[Example]:
        if self._examples is None:
            found = seed_examples() if self.include_seed else []
            if self.folder is not None:
                found += curated_examples(self.folder, self.problems)
            self._examples = found
            self._vectors = {e.id + e.source: words(e.user) for e in found}
        return self._examples

    def reload(self) -> None:
        self._examples = None

    def pick(self, kind: str, text: str, k: int = 2, exclude: Iterable[str] = ()) -> list[Example]:
        """Up to `k` examples of `kind`, most similar to `text` first (curated ones win ties)."""
        skip = set(exclude)
        query = words(text)
        candidates = [e for e in self.examples() if e.kind == kind and e.id not in skip]
        ranked = sorted(
            candidates,
            key=lambda e: (-cosine(query, self._vectors[e.id + e.source]), e.source != "curated", e.id),
        )
        return ranked[:k]
