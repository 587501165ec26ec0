"""The one small interface every generator implements, and what it hands back per slot.

A generator turns schedule slots into candidates that have already been validated (model
generators validate inside their repair loop, so they need the validator). `plan` lists the
families per category it can fill, so the build can assign splits before the first slot;
`settings` is recorded in `build.json` so a resumed build can refuse different settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..schedule import Slot
from ..schema import Task, Usage
from ..validate import Validator, Verdict


@dataclass(frozen=True)
class Attempt:
    """One round of a model generator: what was wrong with its program, if anything."""

    round: int  # 0: the first answer; 1..N: after a repair request
    kind: str | None  # None: it passed
    codes: tuple[str, ...] = ()
    usage: Usage = field(default_factory=Usage)

    def as_dict(self) -> dict[str, Any]:
        return {"round": self.round, "kind": self.kind, "codes": list(self.codes)}


@dataclass(frozen=True)
class Outcome:
    """A slot's final candidate: the task, the program (the last one tried) and its verdict."""

    slot: Slot
    task: Task
    family: str
    source: str
    verdict: Verdict
    style: str = ""
    approach: str = ""
    model: str = ""
    attempts: tuple[Attempt, ...] = ()
    usage: Usage = field(default_factory=Usage)
    error: str = ""  # the generator itself failed for this slot (a request error): no program

    @property
    def rounds(self) -> int:
        return max(0, len(self.attempts) - 1)


class Generator(Protocol):
    name: str

    def plan(self) -> dict[str, list[str]]:
        """Category → the families (or task families) this generator draws from."""
        ...

    def settings(self) -> dict[str, Any]: ...

    def run(self, slots: Sequence[Slot], validator: Validator) -> list[Outcome]:
        """One validated candidate per slot, in the slots' order."""
        ...

    def close(self) -> None: ...


class GeneratorError(RuntimeError):
    """The generator cannot go on at all (bad credentials, no server): the build stops and says why."""
