"""Evaluating expressions and running example programs for computed answers, under small limits.

Everything goes through `synoema.api` without IO permissions (`program.LIMITS`): a quoted expression
is evaluated the way `synoema eval` does it, and an example program is shown only when it compiles
and runs, followed by exactly what `synoema run` prints.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache

from synoema.api import eval_source
from synoema.diagnostics import Diagnostic

from . import program as P
from .context import Knowledge
from .markdown import code_block, output_block


@dataclass(frozen=True)
class Evaluation:
    """A quoted expression and what evaluating it gave: its printed value and type, or the error."""

    expr: str
    output: str
    type: str | None
    error: Diagnostic | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def value(self) -> str:
        return self.output.rstrip("\n")


@lru_cache(maxsize=2048)
def evaluate(expr: str) -> Evaluation:
    """Evaluate `expr` (sandboxed, no IO); the type comes from checking `main = expr`."""
    lines = expr.strip().split("\n")
    source = f"main = {lines[0]}\n" if len(lines) == 1 else "main =\n" + "".join(f"  {ln}\n" for ln in lines)
    checked = P.check(source)
    errs = P.errors(checked.diagnostics)
    if errs:
        return Evaluation(expr, "", None, _at_expression(errs[0]))
    sigs = dict(checked.types.signatures) if checked.types is not None else {}
    typ = sigs.get("main")
    if typ is not None and "->" in typ:
        return Evaluation(expr, "", typ, None)  # a function: its type is the answer, there is nothing to print
    try:
        result = eval_source(expr, limits=P.LIMITS, allow_io=False)
    except Exception as exc:  # the language layer promises not to raise; a user never sees a traceback
        return Evaluation(expr, "", typ, Diagnostic("internal_error", f"evaluation failed: {type(exc).__name__}"))
    errs = P.errors(result.diagnostics)
    return Evaluation(expr, result.stdout, typ, errs[0] if errs else None)


def _at_expression(diag: Diagnostic) -> Diagnostic:
    """A checker diagnostic of `main = expr`, without the wrapper's name in its notes."""
    out = copy.copy(diag)
    out.notes = [n for n in diag.notes if n != "in the definition of `main`"]
    return out


@dataclass(frozen=True)
class Shown:
    code: str
    output: str


@lru_cache(maxsize=1024)
def run_example(code: str, stdin: str = "") -> Shown | None:
    """The program and what `synoema run` prints, or None when it does not compile and run."""
    result = P.run(code, stdin)
    if not result.ok:
        return None
    return Shown(code, P.shown_output(result))


def program(knowledge: Knowledge, code: str, stdin: str = "") -> str:
    """A proposed program with its verified output, or "" when it fails (never shown unchecked)."""
    shown = run_example(code, stdin)
    if shown is None:
        return ""
    return code_block(knowledge, shown.code) + output_block(knowledge, shown.output)
