"""The synth program families, by category (see `core` for what a family is).

Importing this package registers every family in `REGISTRY`. To add one, write a function in the
module of its category and decorate it with `@family(category, tags...)`.
"""

from __future__ import annotations

from . import abstractions, applications, data_structures, fundamentals, string_ops  # noqa: F401  (registration)
from .core import REGISTRY, Con, Family, Gen, OracleError, Sample, show

__all__ = ["REGISTRY", "Con", "Family", "Gen", "OracleError", "Sample", "by_category", "show"]


def by_category() -> dict[str, list[Family]]:
    out: dict[str, list[Family]] = {}
    for fam in REGISTRY.values():
        out.setdefault(fam.category, []).append(fam)
    return out
