"""`synoema-dialogue build`, `validate` and `stats` through the command line, on a small synth corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dialogue_support import PER_KIND

from corpus import load_programs
from dialogue.build import BUILD_KINDS, RECIPE_MIX, drafts
from dialogue.cli import main
from dialogue.format import kind_file, read_rows

PROGRAM_KINDS = ("explain", "fix", "review", "write")


def test_build_writes_every_kind_validated_with_its_report(built: Path, small_corpus: Path) -> None:
    report = json.loads((built / "report.json").read_text(encoding="utf-8"))
    programs = {p.id: p for p in load_programs(small_corpus)}
    for kind in BUILD_KINDS:
        got = read_rows(kind_file(built, kind))
        assert got.problems == [] and len(got.rows) == PER_KIND, kind
        assert report["kinds"][kind]["passed"] == PER_KIND
        for r in got.rows:
            assert r.source == "build" and r.meta["templates"]
            if kind in PROGRAM_KINDS:  # a row keeps the corpus split of its program
                assert r.split == programs[r.meta["program"]].split
    fix = read_rows(kind_file(built, "fix")).rows
    assert {r.meta["builder"] for r in fix} == {"fix.compile", "fix.output"}  # compile errors and wrong output
    assert any(r.meta["user_code"]["status"] == "fails" and "`" + r.meta["user_code"]["error_code"] + "`" in r.assistants[0]
               for r in fix)


def test_built_rows_validate_again_and_bad_ones_are_reported(built: Path, tmp_path: Path, capsys) -> None:
    assert main(["validate", str(built)]) == 0
    err = capsys.readouterr().err
    assert f"{len(BUILD_KINDS) * PER_KIND}/{len(BUILD_KINDS) * PER_KIND} rows valid" in err
    # one row whose output block no longer matches what its program prints
    (r,) = read_rows(kind_file(built, "write")).rows[:1]
    answer = r.assistants[0]
    broken = r.with_conversation([("user", r.users[0]), ("assistant", answer.replace("```output\n", "```output\nnot printed\n", 1))])
    bad = tmp_path / "write.jsonl"
    bad.write_text(json.dumps(broken.as_dict()) + "\n", encoding="utf-8")
    assert main(["validate", str(bad), "--rejected", str(tmp_path / "rejected.jsonl")]) == 1
    out = capsys.readouterr().out
    assert f"REJECTED {r.id}" in out and "not printed" in out
    (kept,) = read_rows(tmp_path / "rejected.jsonl").rows
    assert "the ```output block shows" in kept.meta["rejected"]


def test_variety_is_measured_and_printed(built: Path, capsys) -> None:
    assert main(["stats", str(built), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["rows"] == len(BUILD_KINDS) * PER_KIND
    assert stats["near_duplicates"]["rate"] < 0.02 and stats["exact_duplicates"] == 0
    for kind in PROGRAM_KINDS:
        assert stats["kinds"][kind]["programs"] == PER_KIND  # one dialogue per program
    assert stats["kinds"]["ask"]["facts"] >= PER_KIND - 1
    for kind, s in stats["kinds"].items():
        assert s["templates"] >= 10, (kind, s["templates"])  # many sentences, not one
    assert main(["stats", str(built), "--no-diversity"]) == 0
    table = capsys.readouterr().out
    assert "templates" in table and "explain" in table


def test_drafts_are_deterministic_per_seed(small_corpus: Path) -> None:
    programs = load_programs(small_corpus)

    def first(seed: int) -> list[str]:
        got = []
        for row in drafts("explain", programs, seed=seed):
            if row is not None:
                got.append(row.text())
            if len(got) == 3:
                return got
        return got

    assert first(1) == first(1)
    assert first(1) != first(2)


def test_build_defaults_to_the_recipes_mix_and_refuses_bad_counts(small_corpus: Path, tmp_path: Path, capsys) -> None:
    from dialogue.cli import _counts, _parser

    args = _parser().parse_args(["build", "--programs", "x", "--out", "y"])
    assert _counts(args) == RECIPE_MIX == {"explain": 20, "fix": 20, "ask": 20, "review": 19}
    assert main(["build", "--programs", str(small_corpus), "--out", str(tmp_path), "--mix", "explain=x"]) == 2
    assert "--mix takes KIND=N" in capsys.readouterr().err
    assert main(["build", "--programs", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 2
    assert "missing" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["explain", "review"])
def test_user_turns_show_code_in_several_styles(built: Path, kind: str) -> None:
    rows = read_rows(kind_file(built, kind)).rows
    styles = {t.split("#")[0] + "#" + t.split("#")[1] for r in rows for t in r.meta["templates"] if t.startswith("user.")}
    assert len(styles) >= 4, styles


def test_every_injected_habit_has_words_and_an_injector() -> None:
    from dialogue.builders.fix import _HABIT_INJECTORS
    from dialogue.builders.mistakes import HABITS
    from synoema.repair import mistakes as M

    for habit, name in _HABIT_INJECTORS.items():
        assert callable(getattr(M, name)), name
        assert habit in HABITS, habit
