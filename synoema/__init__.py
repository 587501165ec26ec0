"""synoema package: the language in pure Python.

The checking entry points are loaded on first use so that `import synoema` stays instant:
`synoema.check`, `synoema.check_many`, `synoema.repair`, `synoema.extract_snippets`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from .check import CheckReport, check, check_many
    from .repair import RepairResult, repair
    from .snippets import Snippet, extract_snippets

_LAZY = {
    "check": ("synoema.check", "check"),
    "check_many": ("synoema.check", "check_many"),
    "CheckReport": ("synoema.check", "CheckReport"),
    "repair": ("synoema.repair", "repair"),
    "RepairResult": ("synoema.repair", "RepairResult"),
    "extract_snippets": ("synoema.snippets", "extract_snippets"),
    "Snippet": ("synoema.snippets", "Snippet"),
}

__all__ = ["CheckReport", "RepairResult", "Snippet", "check", "check_many", "extract_snippets", "repair"]


def __getattr__(name: str) -> object:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'synoema' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    # importing the submodule `synoema.check` set the attribute `check` to the module: the function wins
    globals()[name] = value
    return value
