"""Repair on hand-written, model-style programs (Python, Haskell and JavaScript habits mixed, several
mistakes each): the repaired program must print what the author meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from synoema.check import check
from synoema.execute import Limits
from synoema.repair import repair

DATA = Path(__file__).parent / "data" / "realistic"
CASES = sorted(DATA.glob("*.sno"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_realistic_program_is_repaired(path: Path) -> None:
    broken = path.read_text(encoding="utf-8")
    expected = path.with_suffix(".out").read_text(encoding="utf-8")
    assert not check(broken, run=False).ok
    result = repair(broken)
    assert result.ok, [d.short() for d in result.diagnostics]
    report = check(result.source, isolate=False, limits=Limits(timeout=5.0))
    assert report.ok and report.stdout == expected, result.source
