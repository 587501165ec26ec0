"""The conformance programs of the `types` and `types_errors` areas, checked with the type checker
directly (the suite in tests/test_conformance.py goes through `synoema.api`)."""

from __future__ import annotations

from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parent.parent / "conformance"
SIG_PROGRAMS = sorted(SUITE.glob("types/*.sno"))
ERR_PROGRAMS = sorted(SUITE.glob("types_errors/*.sno"))


@pytest.mark.parametrize("path", SIG_PROGRAMS, ids=lambda p: p.stem)
def test_signatures(tc, path: Path) -> None:
    c = tc.check(path.read_text(encoding="utf-8"))
    errors = [d for d in c.front + c.report.diagnostics if d.is_error]
    assert not errors, [d.short() for d in errors]
    printed = "".join(f"{name} : {t}\n" for name, t in c.report.signatures)
    assert printed == path.with_suffix(".sig").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ERR_PROGRAMS, ids=lambda p: p.stem)
def test_first_error(tc, path: Path) -> None:
    c = tc.check(path.read_text(encoding="utf-8"))
    errors = [d for d in c.front + c.report.diagnostics if d.is_error]
    expected = path.with_suffix(".err").read_text(encoding="utf-8").split()
    assert errors, "no error reported"
    first = min(errors, key=lambda d: (d.span.line, d.span.col) if d.span else (0, 0))
    assert first.code == expected[0], first.short()
    if len(expected) > 1:
        assert first.span.line == int(expected[1]), first.short()


def test_suite_is_present() -> None:
    assert len(SIG_PROGRAMS) >= 40 and len(ERR_PROGRAMS) >= 30
