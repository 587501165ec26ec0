"""What the standard library offers, cached once for every tool that asks: the builtin names, the
prelude's functions and their inferred types. The linter, the repair rules and the offline
answers read them here instead of each loading the prelude its own way."""

from __future__ import annotations

from functools import cache


@cache
def prelude_functions() -> frozenset[str]:
    """Names of the functions the prelude defines."""
    from .api import load_prelude

    return frozenset(f.name for f in load_prelude().unit.funcs)


@cache
def library_names() -> frozenset[str]:
    """Builtins and prelude functions: every name a program can use without defining it."""
    from .stdlib import BUILTINS

    return frozenset(BUILTINS) | prelude_functions()


@cache
def prelude_signatures() -> dict[str, str]:
    """The prelude's functions with their inferred types (`name -> type`)."""
    from .types import prelude_report

    return dict(prelude_report().signatures)
