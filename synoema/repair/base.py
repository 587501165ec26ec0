"""What rules see and what they propose: an assessed source, and fixes made of text edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..api import CheckResult, check_source
from ..diagnostics import Diagnostic
from ..edits import TextEdit
from ..lexer import lex
from .text import Tokens

# How far a source got: parse < names (resolve) < types < ok.
PARSE_FAILED, NAMES_FAILED, TYPES_FAILED, CHECKS = 0, 1, 2, 3


@dataclass
class Assessment:
    """The language layer's verdict on one candidate source, reduced to a comparable score."""

    source: str
    checked: CheckResult

    @cached_property
    def errors(self) -> list[Diagnostic]:
        errs = [d for d in self.checked.diagnostics if d.is_error]
        return errs or slips(self.source, self.checked)

    @property
    def first_error(self) -> Diagnostic | None:
        located = [d for d in self.errors if d.span is not None and d.span.line > 0]
        # a signature "not followed by its definition" only echoes a definition that failed to parse
        causes = [d for d in located if not _orphan_signature(d)]
        located = causes or located
        return min(located, key=lambda d: d.span.offset) if located else None  # type: ignore[union-attr]

    @property
    def rank(self) -> tuple[int, int, int]:
        """Higher is better: the later stage, then fewer lexical errors, then fewer errors."""
        return (self.stage, -self.lexical_errors, -len(self.errors))

    @cached_property
    def stage(self) -> int:
        if not self.errors:
            return CHECKS
        if self.checked.unit is None:
            return PARSE_FAILED
        if self.checked.types is None or not self.checked.unit.ok:
            return NAMES_FAILED
        return TYPES_FAILED

    @property
    def ok(self) -> bool:
        return self.stage == CHECKS

    @cached_property
    def lexical_errors(self) -> int:
        """Lexical errors hide the parse errors of their line, so they are counted on their own."""
        return sum(1 for d in lex(self.source).diagnostics if d.is_error)



def _orphan_signature(d: Diagnostic) -> bool:
    return d.code == "unbound_variable" and "is not followed by its definition" in d.message


def slips(source: str, checked: CheckResult) -> list[Diagnostic]:
    """Mistakes in a program that type-checks: `main` still waiting for arguments, or a function of
    several parameters called Python's way, `f(a, b)`, which passes one pair and leaves it partly
    applied (`print (f(a, b))` checks, and prints a function)."""
    if checked.program is None or any(d.is_error for d in checked.diagnostics):
        return []
    sig = dict(checked.signatures).get("main")
    if sig is not None and _is_function_type(sig):
        return [Diagnostic("type_mismatch", f"`main` is a function ({sig}), not a value", None,
                           data={"main_function": True})]
    from .. import ast as A
    from ..stdlib import BUILTINS

    decls = _all_funcs(checked.program.decls)
    arity = {name: b.arity for name, b in BUILTINS.items()} | {d.name: d.arity for d in decls}
    out: list[Diagnostic] = []
    for decl in decls:
        for eq in decl.equations:
            for node in A.walk(eq.body):
                if isinstance(node, A.App) and isinstance(node.fn, A.Var) and len(node.args) == 1 \
                        and isinstance(node.args[0], A.Pair) and arity.get(node.fn.name, 0) >= 2 \
                        and node.fn.span.end_offset == node.args[0].span.offset \
                        and source[node.args[0].span.offset:node.args[0].span.offset + 1] == "(":
                    out.append(Diagnostic(
                        "arity_mismatch", f"`{node.fn.name}` takes {arity[node.fn.name]} arguments, not one pair",
                        node.span, data={"callee": node.fn.name, "pair_call": True}))
    return out


def _all_funcs(decls: list) -> list:
    """Function definitions at top level and inside modules."""
    from .. import ast as A

    out = []
    for d in decls:
        if isinstance(d, A.FuncDef):
            out.append(d)
        elif isinstance(d, A.ModuleDecl):
            out += _all_funcs(d.body)
    return out


def _is_function_type(sig: str) -> bool:
    depth = 0
    for i, ch in enumerate(sig):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and sig.startswith("->", i):
            return True
    return False


def assess(source: str, filename: str | None = None) -> Assessment:
    """Check `source` (imports resolve relative to `filename`)."""
    return Assessment(source, check_source(source, filename))


@dataclass
class Fix:
    """One proposed change: text edits, the rule, and the reason shown to the user.

    Fixes with the same `group` are alternatives for one spot (`len` -> `length` or `str_len`);
    the engine keeps the one that checks best.
    """

    rule: str
    reason: str
    edits: list[TextEdit]
    group: str | None = None
    region: tuple[int, int] | None = None  # what to show as before/after (default: the edited text)

    def bounds(self) -> tuple[int, int]:
        lo = min(e.start for e in self.edits)
        hi = max(e.end for e in self.edits)
        if self.region is not None:
            lo, hi = min(lo, self.region[0]), max(hi, self.region[1])
        return lo, hi


@dataclass
class Ctx:
    """A rule's view of the current source."""

    source: str
    assessment: Assessment
    _tokens: Tokens | None = field(default=None, repr=False)

    @property
    def tokens(self) -> Tokens:
        if self._tokens is None:
            self._tokens = Tokens.of(self.source)
        return self._tokens

    @property
    def errors(self) -> list[Diagnostic]:
        return self.assessment.errors

    @property
    def checked(self) -> CheckResult:
        return self.assessment.checked

    def errors_with(self, *codes: str, contains: str = "") -> list[Diagnostic]:
        return [d for d in self.errors if d.code in codes and contains in d.message]


Rule = Callable[[Ctx], list[Fix]]


@dataclass(frozen=True)
class RuleSpec:
    name: str
    fn: Rule
    batch: bool = True  # try all of the rule's fixes at once before one by one
