"""What the offline strategies read: fence conventions, passages and seed Q&A, loaded once.

A `Knowledge` can be built from the packaged data (`Knowledge.load()`) or handed in by a caller
(tests, the engine) so the strategies never reach for globals. `Knowledge.load()` reads only the
fence conventions up front: explain, fix and review need nothing else, so the passages and the
seed dialogues are read the first time `ask` or `write` looks at them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.knowledge import Fences, load_prompts

if TYPE_CHECKING:
    from assistant.knowledge import Passage, SeedDialogue


@dataclass(frozen=True)
class SeedQA:
    """A question of a seed `ask` dialogue, the passages it is about, and the hand-written answer."""

    id: str
    question: str
    answer: str
    topics: tuple[str, ...]
    stdin: str = ""


def _packaged_passages() -> tuple[Passage, ...]:
    from assistant.knowledge import load_passages

    return tuple(load_passages())


def _packaged_seed_qa(passages: Sequence[Passage]) -> tuple[SeedQA, ...]:
    """The seed `ask` dialogues whose topics are known passages (the dialogues are optional)."""
    from assistant.knowledge import load_seed_dialogues

    try:
        dialogues: list[SeedDialogue] = load_seed_dialogues()
    except Exception:  # seed data is an extra; retrieval works from the passages alone
        dialogues = []
    ids = {p.id for p in passages}
    seeds: list[SeedQA] = []
    for d in dialogues:
        if d.kind != "ask":
            continue
        users = [m.content for m in d.messages if m.role == "user"]
        answers = [m.content for m in d.messages if m.role == "assistant"]
        topics = tuple(t for t in d.meta.get("topics", []) if isinstance(t, str) and t in ids)
        if users and answers and topics:
            stdin = d.meta.get("stdin", "")
            seeds.append(SeedQA(d.id, users[0], answers[0], topics, stdin if isinstance(stdin, str) else ""))
    return tuple(seeds)


class Knowledge:
    """Fences, passages and seed Q&A; passages and seeds given here or read on first use."""

    __slots__ = ("_passages", "_seed_qa", "fences")

    def __init__(
        self,
        fences: Fences,
        passages: Sequence[Passage] | None = None,
        seed_qa: Sequence[SeedQA] | None = None,
    ) -> None:
        self.fences = fences
        self._passages = tuple(passages) if passages is not None else None
        # passages handed in without seeds mean "no seeds"; packaged passages come with packaged seeds
        self._seed_qa = tuple(seed_qa) if seed_qa is not None else (() if passages is not None else None)

    @classmethod
    def load(cls) -> Knowledge:
        """The packaged prompts now; the packaged passages and seed dialogues when first needed."""
        return cls(load_prompts().fences)

    @property
    def passages(self) -> tuple[Passage, ...]:
        if self._passages is None:
            self._passages = _packaged_passages()
        return self._passages

    @property
    def seed_qa(self) -> tuple[SeedQA, ...]:
        if self._seed_qa is None:
            self._seed_qa = _packaged_seed_qa(self.passages)
        return self._seed_qa

    def passage(self, pid: str) -> Passage | None:
        for p in self.passages:
            if p.id == pid:
                return p
        return None

    def __repr__(self) -> str:
        loaded = "not loaded" if self._passages is None else f"{len(self._passages)} passages"
        return f"Knowledge(fences={self.fences!r}, {loaded})"
