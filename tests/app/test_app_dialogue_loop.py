"""The retraining loop from the app: ask, rate, save with Ctrl+S, curate --accept-rated, merge."""

from __future__ import annotations

import pytest
from app_support import ScriptedBackend, ask, wait_until

from dialogue.cli import main as dialogue_main
from dialogue.format import read_rows
from dialogue.merge import merge

pytest.importorskip("datasketch", reason="the dialogue corpus needs the [corpus] extra (datasketch)")
pytestmark = pytest.mark.anyio

SIZE = (110, 40)
ANSWER = "Sum the range with `sum`:\n\n```sno\nmain = sum [1..10]\n```\n```output\n55\n```"


async def test_a_rated_saved_exchange_reaches_the_merged_training_set(make_app, tmp_path, capsys) -> None:
    app = make_app(ScriptedBackend({"write": ANSWER}))
    async with app.run_test(size=SIZE) as pilot:
        answer = await ask(pilot, app, "write a program that sums 1 to 10", "write")
        assert [v.status for v in answer.verdicts] == ["runs"]
        answer.focus()
        await pilot.press("plus")
        await pilot.pause()
        assert answer.rating == 1
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: answer.saved_id is not None)
    saved = tmp_path / "dialogues"
    (row,) = read_rows(saved / "write.jsonl").rows
    assert row.id == answer.saved_id and row.meta["rating"] == 1 and row.meta["source"] == "app"

    assert dialogue_main(["curate", "--saved", str(saved), "--accept-rated"]) == 0
    assert "1 accepted, 0 rejected" in capsys.readouterr().out
    merged = tmp_path / "train.jsonl"
    assert dialogue_main(["merge", "--dialogues", str(saved / "curated"), "--out", str(merged), "--mix", "write=1",
                          "--no-seed"]) == 0
    (trained,) = read_rows(merged).rows
    assert trained.users == ["write a program that sums 1 to 10"] and trained.assistants == [answer.text]
    assert trained.source == "curated" and merge(dialogues=[saved / "curated"], seed_dialogues=False, mix=None).rows
