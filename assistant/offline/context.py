"""What the offline strategies read: fence conventions, passages and seed Q&A, loaded once.

A `Knowledge` can be built from the packaged data (`Knowledge.load()`) or handed in by a caller
(tests, the engine) so the strategies never reach for globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.knowledge import Fences, Passage, load_passages, load_prompts, load_seed_dialogues


@dataclass(frozen=True)
class SeedQA:
    """A question of a seed `ask` dialogue, the passages it is about, and the hand-written answer."""

    id: str
    question: str
    answer: str
    topics: tuple[str, ...]
    stdin: str = ""


@dataclass(frozen=True)
class Knowledge:
    fences: Fences
    passages: tuple[Passage, ...]
    seed_qa: tuple[SeedQA, ...] = field(default_factory=tuple)

    @classmethod
    def load(cls) -> Knowledge:
        """The packaged prompts, passages and seed dialogues (the dialogues are optional)."""
        fences = load_prompts().fences
        passages = tuple(load_passages())
        ids = {p.id for p in passages}
        seeds: list[SeedQA] = []
        try:
            dialogues = load_seed_dialogues()
        except Exception:  # seed data is an extra; retrieval works from the passages alone
            dialogues = []
        for d in dialogues:
            if d.kind != "ask":
                continue
            users = [m.content for m in d.messages if m.role == "user"]
            answers = [m.content for m in d.messages if m.role == "assistant"]
            topics = tuple(t for t in d.meta.get("topics", []) if isinstance(t, str) and t in ids)
            if users and answers and topics:
                stdin = d.meta.get("stdin", "")
                seeds.append(SeedQA(d.id, users[0], answers[0], topics, stdin if isinstance(stdin, str) else ""))
        return cls(fences, passages, tuple(seeds))

    def passage(self, pid: str) -> Passage | None:
        for p in self.passages:
            if p.id == pid:
                return p
        return None
