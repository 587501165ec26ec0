"""The repair benchmark's shipped sets (benchmarks/data/repair/): held apart from the dev set by program
and by injector, well-formed, and measured by `bench_repair` the way `synoema fix --write` then
`synoema run` would (a few rows, to keep CI fast; the figures come from the benchmark itself)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data" / "repair"
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_repair  # noqa: E402


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]


def _families(rows: list[dict]) -> set[str]:
    return {r["origin"].split(":", 1)[1].split("/")[0] for r in rows if r["origin"].startswith("corpus-")}


@pytest.fixture(scope="module")
def sets() -> dict[str, list[dict]]:
    return {name: _rows(name) for name in bench_repair.SETS}


def test_held_out_sets_share_no_program_or_family_with_dev(sets: dict[str, list[dict]]) -> None:
    dev_origins = {r["origin"] for r in sets["dev"]}
    for name in ("heldout", "fresh"):
        assert not dev_origins & {r["origin"] for r in sets[name]}, name
        assert not _families(sets["dev"]) & _families(sets[name]), name
        assert {r["origin"].split(":")[0] for r in sets[name]} <= {"corpus-test", "corpus-validation", "fifty",
                                                                   "standard"}


def test_each_set_has_its_own_injector(sets: dict[str, list[dict]]) -> None:
    assert {r["injector"] for r in sets["dev"]} == {"mistakes", "habits"}
    assert {r["injector"] for r in sets["heldout"]} == {"habits"}
    assert {r["injector"] for r in sets["fresh"]} == {"slips"}


def test_rows_are_well_formed(sets: dict[str, list[dict]]) -> None:
    for name, rows in sets.items():
        assert len(rows) >= 1000, name
        counts = {len(r["mistakes"]) for r in rows}
        assert counts == {1, 2, 3}, name
        assert len({r["id"] for r in rows}) == len(rows)
        assert all(r["broken"] and r["expected_output"] and r["split"] == name for r in rows)


def test_the_benchmark_repairs_a_sample_and_the_baseline_loads() -> None:
    rows = bench_repair.load("fresh", sample=1) + bench_repair.load("dev", sample=1)
    fig = bench_repair.measure(rows)
    assert sum(t.tried for t in fig.by_count.values()) == 6
    assert sum(t.repaired for t in fig.by_count.values()) >= 5
    if bench_repair.load_baseline() is None:
        pytest.skip("no git history here: the baseline is read from git")
    try:
        assert bench_repair._BASELINE is None  # measure() above ran today's rules only
        assert hasattr(sys.modules[bench_repair.BASELINE_PACKAGE], "repair")
    finally:
        for name in [m for m in sys.modules if m.startswith(bench_repair.BASELINE_PACKAGE)]:
            del sys.modules[name]
