"""The corpus's shapes: categories and the recipe's shares, task specs, and the program record.

A *task* says what to write (a prompt that says what `main` prints, and that exact output). A
*program record* is one accepted program: the task, the source that prints the expected output,
and where it came from. Records are the lines of `DIR/programs.jsonl`; their keys are the stable
schema that the dialogue builder and the training export read (see the README). Values that
cross threads are frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1

CATEGORIES: tuple[str, ...] = ("fundamentals", "data_structures", "abstractions", "applications", "string_ops")

# The recipe we follow: 5,037 accepted programs in these sizes.
RECIPE: dict[str, int] = {
    "fundamentals": 1500,
    "data_structures": 1200,
    "abstractions": 1000,
    "applications": 800,
    "string_ops": 537,
}

SPLITS: tuple[str, ...] = ("train", "validation", "test")


class CorpusError(ValueError):
    """Bad input (a task file, a corpus folder, an option): the message says what and where."""


def quotas(target: int, categories: tuple[str, ...] = CATEGORIES) -> dict[str, int]:
    """Programs per category for `target` in all, in the recipe's proportions (largest remainder)."""
    if target < 0:
        raise CorpusError(f"the target must be a positive number of programs, not {target}")
    weights = {c: RECIPE[c] for c in categories}
    total = sum(weights.values())
    exact = {c: target * w / total for c, w in weights.items()}
    out = {c: int(v) for c, v in exact.items()}
    left = target - sum(out.values())
    for c in sorted(categories, key=lambda c: (out[c] - exact[c], categories.index(c)))[:left]:
        out[c] += 1
    return out


@dataclass(frozen=True)
class Task:
    """What to write. `expected_output` is exactly what `synoema run` prints (a final `()` line
    when `main` ends with a `print`); `stdin` is fed to the program; `solution` is optional."""

    id: str
    category: str
    prompt: str
    expected_output: str
    tags: tuple[str, ...] = ()
    stdin: str = ""
    family: str = ""  # programs of one family share a split; defaults to the task id
    solution: str | None = None
    source_file: str = ""  # the task file it came from (for messages)

    @property
    def family_name(self) -> str:
        return self.family or self.id

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "tags": list(self.tags),
            "prompt": self.prompt,
            "expected_output": self.expected_output,
        }
        if self.stdin:
            out["stdin"] = self.stdin
        if self.family:
            out["family"] = self.family
        if self.solution is not None:
            out["solution"] = self.solution
        return out


@dataclass(frozen=True)
class Usage:
    """Tokens a model generator spent on one program (all rounds), and what they cost."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    cost: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.requests + other.requests,
            self.cost + other.cost,
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cost": round(self.cost, 6)}


@dataclass(frozen=True)
class ProgramRecord:
    """One accepted program: a line of `programs.jsonl`."""

    id: str
    slot: int
    category: str
    family: str
    tags: tuple[str, ...]
    prompt: str
    source: str
    expected_output: str
    generator: str
    split: str
    task_id: str = ""
    style: str = ""
    approach: str = ""  # one or two sentences on the approach, shown before the program
    stdin: str = ""
    features: tuple[str, ...] = ()
    shape: str = ""  # hash of the normalised AST shape
    tokens: int = 0  # length of the rendered training example (user + assistant turns)
    model: str = ""
    rounds: int = 0  # repair rounds it needed (0: right the first time)
    usage: Usage = field(default_factory=Usage)
    schema: int = SCHEMA_VERSION

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["tags"] = list(self.tags)
        out["features"] = list(self.features)
        out["usage"] = self.usage.as_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProgramRecord:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        missing = [k for k in ("id", "category", "prompt", "source", "expected_output") if k not in values]
        if missing:
            raise CorpusError(f"a program record lacks {', '.join(missing)}")
        values.setdefault("slot", -1)
        values.setdefault("family", values.get("task_id") or values["id"])
        values.setdefault("generator", "")
        values.setdefault("split", "train")
        values["tags"] = tuple(values.get("tags") or ())
        values["features"] = tuple(values.get("features") or ())
        usage = values.get("usage") or {}
        values["usage"] = Usage(**{k: usage[k] for k in ("prompt_tokens", "completion_tokens", "requests", "cost") if k in usage})
        return cls(**values)
