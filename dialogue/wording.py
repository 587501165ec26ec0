"""Varied wording: every sentence a builder writes is drawn from a list of templates, and the row
records which templates it used, so `stats` can count them and a test can see that no kind
speaks in one sentence.

A template is a `str.format` pattern over named fields; the builders pass facts taken from the
checker (types, outputs, codes, lines) as the fields, never prose of their own. Template ids are
`<key>#<n>`: the key names the slot (`explain.intro`), `n` the variant.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"template field {{{key}}} was not given")


@dataclass
class Wording:
    """Draws templates for one row with its own random generator and remembers what it drew."""

    rng: random.Random
    table: Mapping[str, Sequence[str]]
    used: list[str] = field(default_factory=list)

    def say(self, key: str, **fields: Any) -> str:
        variants = self.table[key]
        n = self.rng.randrange(len(variants))
        self.used.append(f"{key}#{n}")
        return variants[n].format_map(_Fields(fields))

    def choose(self, key: str, options: Sequence[Any]) -> Any:
        """One of `options` (a style, a layout), recorded like a template."""
        n = self.rng.randrange(len(options))
        self.used.append(f"{key}#{n}")
        return options[n]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def templates(self) -> list[str]:
        return sorted(set(self.used))


def join_words(items: Sequence[str], conj: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def code(text: str) -> str:
    """`text` as inline code (a longer fence when it holds backticks)."""
    flat = " ".join(text.split())
    if "`" not in flat:
        return f"`{flat}`"
    return f"`` {flat} ``"
