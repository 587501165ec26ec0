"""`synoema-dialogue curate`: saved exchanges deduplicated, re-validated, accepted or rejected with a reason."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dialogue_support import WRITE_ANSWER, row

from dialogue.cli import main
from dialogue.curate import DECISIONS, curate_interactive, edit_and_decide, from_text, to_text
from dialogue.format import Row, append_row, read_rows
from dialogue.merge import merge
from synoema.durable import read_jsonl

GOOD = row("write", "sum the numbers 1 to 10", WRITE_ANSWER, rating=1, source="app")
WRONG = row("write", "sum 1 to 20", WRITE_ANSWER.replace("[1..10]", "[1..20]"), rating=1, source="app")  # prints 210
UNRATED = row("ask", "is there a sum function?", "Yes: `sum` adds the numbers of a list.\n\n" + WRITE_ANSWER, source="app")


def _saved(tmp_path: Path) -> Path:
    saved = tmp_path / "dialogues"
    for r in (GOOD, WRONG, GOOD, UNRATED):  # GOOD saved twice
        append_row(saved / f"{r['kind']}.jsonl", r)
    return saved


def test_accept_rated_accepts_valid_rated_rows_and_rejects_the_rest_with_reasons(tmp_path: Path, capsys) -> None:
    saved = _saved(tmp_path)
    assert main(["curate", "--saved", str(saved), "--accept-rated"]) == 0
    out = capsys.readouterr().out
    assert "3 new rows (1 duplicates merged): 1 accepted, 1 rejected, 1 left for later" in out
    assert f"REJECTED {WRONG['id']}" in out and "the program prints '210'" in out
    (curated,) = read_rows(saved / "curated" / "write.jsonl").rows
    assert curated.id == GOOD["id"] and curated.source == "curated" and curated.meta["curated"]["from"] == "app"
    decisions = {d["id"]: d for d in read_jsonl(saved / "curated" / DECISIONS).records}
    assert decisions[GOOD["id"]]["decision"] == "accept" and decisions[WRONG["id"]]["decision"] == "reject"
    assert "210" in decisions[WRONG["id"]]["reason"]
    # decided rows are not asked again; the curated row reaches the merged set
    assert main(["curate", "--saved", str(saved), "--accept-rated"]) == 0
    assert "1 new rows (0 duplicates merged): 0 accepted" in capsys.readouterr().out
    result = merge(dialogues=[saved / "curated"], seed_dialogues=False, mix=None)
    assert [r.id for r in result.rows] == [GOOD["id"]] and result.manifest["sources"] == {"curated": 1}


def test_an_edit_that_breaks_the_snippet_is_rejected_with_the_reason(tmp_path: Path) -> None:
    r = Row.from_dict(GOOD)
    assert from_text(r, to_text(r)).messages() == r.messages()
    editor = tmp_path / "edit.py"  # an "editor" that changes the program so it no longer runs
    editor.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text().replace('main = sum [1..10]', 'main = sum [1..10] +'))\n")
    out = tmp_path / "curated"
    ok, reason = edit_and_decide(r, out, f"{sys.executable} {editor}")
    assert not ok and "does not run" in reason
    (decision,) = read_jsonl(out / DECISIONS).records
    assert decision["decision"] == "reject" and decision["reason"].startswith("edited, then failed validation")
    assert not (out / "write.jsonl").exists()


def test_a_person_accepts_edits_and_rejects_in_the_review(tmp_path: Path) -> None:
    saved = _saved(tmp_path)
    answers = iter(["s", "a", "r", "wrong total"])  # rows come in kind order: ask, then the two write rows
    shown: list[str] = []
    result = curate_interactive(saved, tmp_path / "out", ask=lambda _: next(answers), show=shown.append)
    assert result.accepted == [GOOD["id"]] and result.rejected == {WRONG["id"]: "wrong total"} and result.skipped == 1
    assert any("INVALID" in s and "210" in s for s in shown)  # the reviewer sees why a row does not validate
    decisions = [json.loads(line) for line in (tmp_path / "out" / DECISIONS).read_text().splitlines()]
    assert [d["decision"] for d in decisions] == ["accept", "reject"]
