"""Which category and which family (or task) each candidate slot gets, from the seed alone.

Slot i's assignment depends only on the seed and i, never on what earlier slots produced, so a
build that is killed and restarted, or run with another batch size, makes the same candidates.
Categories follow the recipe's shares by smooth weighted round robin (every prefix of the slot
sequence is as close to the shares as whole numbers allow); within a category the families (or
tasks) take turns the same way, by weight, starting from a seed-shuffled order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .schema import RECIPE

T = TypeVar("T")


class RoundRobin(Generic[T]):
    """Smooth weighted round robin (as nginx balances upstreams): item k of the sequence, lazily."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items:
            raise ValueError("nothing to schedule")
        self.items = list(items)
        self.weights = [float(w) for w in weights]
        self.total = sum(self.weights)
        self._current = [0.0] * len(self.items)
        self._out: list[int] = []

    def __getitem__(self, k: int) -> T:
        while len(self._out) <= k:
            best = 0
            for j, w in enumerate(self.weights):
                self._current[j] += w
                if self._current[j] > self._current[best]:
                    best = j
            self._current[best] -= self.total
            self._out.append(best)
        return self.items[self._out[k]]


@dataclass(frozen=True)
class Slot:
    index: int
    category: str
    rank: int  # how many earlier slots had this category
    seed: int

    def rng(self) -> random.Random:
        return random.Random(f"synoema-corpus:{self.seed}:{self.index}")


class Schedule:
    """Slot index → (category, rank in category) for the categories in play."""

    def __init__(self, seed: int, categories: Sequence[str]) -> None:
        self.seed = seed
        cats = [c for c in RECIPE if c in categories]
        self._cats = RoundRobin(cats, [RECIPE[c] for c in cats])
        self._ranks: list[int] = []
        self._counts: dict[str, int] = dict.fromkeys(cats, 0)

    def slot(self, index: int) -> Slot:
        while len(self._ranks) <= index:
            c = self._cats[len(self._ranks)]
            self._ranks.append(self._counts[c])
            self._counts[c] += 1
        return Slot(index, self._cats[index], self._ranks[index], self.seed)


def within(seed: int, category: str, items: Sequence[T], weights: Sequence[float] | None = None) -> RoundRobin[T]:
    """The turn order of `items` (families or tasks) inside one category for this seed."""
    order = list(range(len(items)))
    random.Random(f"synoema-corpus:{seed}:{category}").shuffle(order)
    w = [1.0] * len(items) if weights is None else list(weights)
    return RoundRobin([items[i] for i in order], [w[i] for i in order])
