"""write: a task from the corpus, the approach in a sentence, the program and its output; sometimes
a second round ("now for Floats", "make it shorter", "what's the type of f?") answered by a
variant that was run or a type the checker inferred."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any

from ..facts import analyse
from ..wording import Wording
from . import followups
from .base import Draft, Item, answer_program, program_items


class WriteBuilder:
    kind = "write"

    def __init__(self, followup_rate: float = 0.6) -> None:
        self.followup_rate = followup_rate

    def items(self, programs: Sequence[Any], rng: random.Random) -> Iterator[Item]:
        return program_items(programs, rng)

    def build(self, item: Item, w: Wording) -> Draft | None:
        record = item.program
        f = analyse(record.source, record.stdin)
        if f is None or f.stdout != record.expected_output:
            return None
        prompt = record.prompt.strip()
        user = w.say("write.user", prompt=prompt)
        answer = answer_program(record.source, f.stdout)
        if record.approach:
            answer = w.say("write.approach", approach=record.approach) + "\n\n" + answer
        turns = [("user", user), ("assistant", answer)]
        meta: dict[str, Any] = {}
        if w.chance(self.followup_rate):
            more = followups.pick(w, f, record, ("floats", "shorter", "type"))
            if more is not None:
                turns += more.turns
                meta["followup"] = more.name
        return Draft(turns, meta)
