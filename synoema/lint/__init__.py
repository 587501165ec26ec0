"""The Synoema linter: review rules over the checked AST, reusable by the assistant, the corpus and
the dialogue builders. `lint(source, checked)` returns findings with a line, a severity, a message,
a suggestion and, where a mechanical rewrite exists, the `synoema.edits.TextEdit`s that perform it
(a caller verifies a rewrite by running both programs).

The rules load on first use: `synoema.lint.astinfo` (small AST questions) is imported without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .rules import SEVERITY_RANK, Finding, lint

__all__ = ["SEVERITY_RANK", "Finding", "lint"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import rules

        return getattr(rules, name)
    raise AttributeError(f"module 'synoema.lint' has no attribute {name!r}")
