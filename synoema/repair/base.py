"""What rules see and what they propose: an assessed source, and fixes made of text edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..api import CheckResult, check_source
from ..diagnostics import Diagnostic
from .text import TextEdit, Tokens

# How far a source got: parse < names (resolve) < types < ok.
PARSE_FAILED, NAMES_FAILED, TYPES_FAILED, CHECKS = 0, 1, 2, 3


@dataclass
class Assessment:
    """The language layer's verdict on one candidate source, reduced to a comparable score."""

    source: str
    checked: CheckResult

    @cached_property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.checked.diagnostics if d.is_error]

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
    def score(self) -> tuple[int, int, int]:
        """Higher is better: the later stage, then fewer errors, then less text left after the first one."""
        offsets = [d.span.offset for d in self.errors if d.span is not None and d.span.line > 0]
        first = min(offsets) if offsets else len(self.source)
        return (self.stage, -len(self.errors), -(len(self.source) - first))


def assess(source: str) -> Assessment:
    return Assessment(source, check_source(source))


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
