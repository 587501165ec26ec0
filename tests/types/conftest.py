"""Helpers for the type checker tests: parse, resolve against the prelude, check."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from synoema.diagnostics import Diagnostic
from synoema.parser import parse
from synoema.resolve import Unit, resolve
from synoema.types import TypeReport, check_unit, prelude_unit

_BASE: Unit | None = None


def base_unit() -> Unit:
    global _BASE
    if _BASE is None:
        _BASE = prelude_unit()
    return _BASE


@dataclass
class Checked:
    unit: Unit
    report: TypeReport
    front: list[Diagnostic]  # parser and resolver diagnostics

    @property
    def sigs(self) -> dict[str, str]:
        return dict(self.report.signatures)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.report.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.report.diagnostics if not d.is_error]


class TypeChecker:
    @property
    def base(self) -> Unit:
        """The prelude unit user programs are resolved against."""
        return base_unit()

    def check(self, source: str, record_types: bool = False) -> Checked:
        parsed = parse(source, "test.sno")
        unit = resolve(parsed.program, base=base_unit())
        report = check_unit(unit, record_types=record_types)
        return Checked(unit, report, [*parsed.diagnostics, *unit.diagnostics])

    def ok(self, source: str) -> dict[str, str]:
        """Signatures of a program that must parse, resolve and type-check without errors."""
        c = self.check(source)
        assert not [d for d in c.front if d.is_error], [d.short() for d in c.front]
        assert not c.errors, [d.short() for d in c.errors]
        return c.sigs

    def type_of(self, source: str, name: str) -> str:
        return self.ok(source)[name]

    def first_error(self, source: str) -> Diagnostic:
        c = self.check(source)
        assert not [d for d in c.front if d.is_error], [d.short() for d in c.front]
        assert c.errors, f"expected a type error, got signatures {c.sigs}"
        return c.errors[0]


@pytest.fixture(scope="session")
def tc() -> TypeChecker:
    return TypeChecker()
