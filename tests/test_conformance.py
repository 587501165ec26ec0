"""Conformance suite: every program under tests/conformance/ against our implementation.

Each `<area>/<name>.sno` carries exactly one expectation beside it:
`.out` (exact stdout, exit 0), `.err` (`CODE [LINE]` of the first diagnostic, exit 1)
or, in the `types` area, `.sig` (exact `name : Type` lines printed by `synoema check`).
Optional `.in` is stdin and `.args` holds CLI arguments, one per line.
Files under an area's `lib/` folder are imported by other programs and never run directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from synoema import api as synoema_api  # a broken language layer fails the suite, never skips it

SUITE = Path(__file__).parent / "conformance"
EXPECTATIONS = (".out", ".err", ".sig")


@dataclass(frozen=True)
class Program:
    """One conformance program and what it must produce."""

    path: Path
    area: str
    name: str
    kind: str  # "out", "err" or "sig"
    expected: str
    stdin: str
    args: tuple[str, ...]

    @property
    def test_id(self) -> str:
        return f"{self.area}/{self.name}"


def _read_optional(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _load(sno: Path) -> Program:
    found = [ext for ext in EXPECTATIONS if sno.with_suffix(ext).exists()]
    if len(found) != 1:
        raise ValueError(f"{sno}: expected exactly one of {EXPECTATIONS}, found {found}")
    kind = found[0]
    args_text = _read_optional(sno.with_suffix(".args"))
    return Program(
        path=sno,
        area=sno.parent.name,
        name=sno.stem,
        kind=kind[1:],
        expected=sno.with_suffix(kind).read_text(encoding="utf-8"),
        stdin=_read_optional(sno.with_suffix(".in")) or "",
        args=tuple(args_text.splitlines()) if args_text else (),
    )


def _discover() -> tuple[list[Program], list[Program]]:
    programs = [_load(sno) for sno in sorted(SUITE.glob("*/*.sno"))]
    return [p for p in programs if p.kind != "sig"], [p for p in programs if p.kind == "sig"]


RUN_PROGRAMS, SIG_PROGRAMS = _discover()


def _describe(diagnostics: list) -> str:
    lines = []
    for diag in diagnostics:
        span = getattr(diag, "span", None)
        line = getattr(span, "line", "?")
        message = getattr(diag, "message", "")
        lines.append(f"  {diag.code} at line {line}: {message}")
    return "\n".join(lines) or "  (no diagnostics)"


def _parse_err(text: str) -> tuple[str, int | None]:
    parts = text.split()
    if not 1 <= len(parts) <= 2:
        raise ValueError(f"malformed .err expectation: {text!r}")
    return parts[0], int(parts[1]) if len(parts) == 2 else None


@pytest.mark.parametrize("program", RUN_PROGRAMS, ids=lambda p: p.test_id)
def test_run(program: Program) -> None:
    result = synoema_api.run_file(str(program.path), stdin=program.stdin, args=list(program.args))
    report = (
        f"exit={result.exit_code}\nstdout:\n{result.stdout}\ndiagnostics:\n{_describe(result.diagnostics)}"
    )
    if program.kind == "out":
        assert result.exit_code == 0, report
        assert result.stdout == program.expected, report
        return
    code, line = _parse_err(program.expected)
    assert result.exit_code == 1, report
    assert result.stdout == "", report
    assert result.diagnostics, report
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert errors, report
    first = errors[0]
    assert first.code == code, report
    if line is not None:
        assert first.span.line == line, report


@pytest.mark.parametrize("program", SIG_PROGRAMS, ids=lambda p: p.test_id)
def test_types(program: Program) -> None:
    check_file = getattr(synoema_api, "check_file", None)
    if check_file is None:
        pytest.skip("synoema.api.check_file is not available yet")
    result = check_file(str(program.path))
    printed = "".join(f"{name} : {type_text}\n" for name, type_text in result.signatures)
    assert printed == program.expected, f"diagnostics:\n{_describe(result.diagnostics)}"
    assert not [d for d in result.diagnostics if d.is_error], _describe(result.diagnostics)


def test_suite_is_well_formed() -> None:
    """Every expectation file belongs to a program, and .err files parse."""
    programs = RUN_PROGRAMS + SIG_PROGRAMS
    assert len(programs) >= 250
    for program in programs:
        if program.kind == "err":
            _parse_err(program.expected)
        if program.kind == "sig":
            assert program.area == "types", program.test_id
    for extra in SUITE.glob("*/*.*"):
        if extra.suffix in {".out", ".err", ".sig", ".in", ".args"}:
            assert extra.with_suffix(".sno").exists(), f"orphan expectation {extra}"
