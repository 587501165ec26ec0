"""Reports: the Markdown in the recipe's format, the heatmap, and a clear word when matplotlib is missing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from evaluation.cli import main
from evaluation.report import ReportError, heatmap, markdown, write_report
from evaluation.scoring import score_samples, summarize
from evaluation.tasks import TaskSet


def _summary(standard: TaskSet) -> dict[str, Any]:
    """Two of nine tasks right, one a Python habit the rules repair, the rest prose."""
    by_id = {t.id: t for t in standard}
    texts = {tid: "No idea." for tid in by_id}
    texts["factorial"] = f"```sno\n{by_id['factorial'].solution}```\n"
    texts["pattern_match"] = f"```sno\n{by_id['pattern_match'].solution}```\n"
    texts["error_handling"] = "```sno\n" + by_id["error_handling"].solution.replace("[[20 4]", "[[20, 4]") + "```\n"
    records = {f"{tid}/0/plain": {"text": text, "blocks": [], "error": None} for tid, text in texts.items()}
    scores = score_samples(list(standard), records, samples=1, modes=("raw", "rules"), jobs=1)
    summary = summarize(list(standard), scores, ("raw", "rules"), samples=1)
    summary["run"] = {"model": "demo-7b", "backend": "openai", "prompt": "baseline", "temperature": 0.2,
                      "task_set": {"name": "standard", "digest": "abc"}, "notes": ["a note"]}
    return summary


def test_markdown_report_leads_with_the_recipes_table(standard: TaskSet) -> None:
    text = markdown(_summary(standard))
    assert text.startswith("# Synoema evaluation: demo-7b on `standard` (9 tasks × 1 sample)")
    assert "| Model | Mode | Syntax (%) | Type (%) | Run (%) | Correct (%) | pass@1 (95% CI) |" in text
    assert "| demo-7b | raw | 22.2 | 22.2 | 22.2 | 22.2 |" in text
    assert "| demo-7b | + rule repair | 33.3 | 33.3 | 33.3 | 33.3 |" in text
    assert "| + rule repair | +11.1 |" in text  # the lift table
    for heading in ("## Held-out and dev tasks", "## Per category", "## Per tag", "## Why samples failed",
                    "## Per task"):
        assert heading in text
    assert "| heldout | 3 |" in text and "> Note: a note." in text
    assert "| Python syntax leak | 1 | 0 |" in text and "| No code in the reply | 6 | 6 |" in text
    assert "| `pattern_match` | fundamentals | heldout | 1/1 | 1/1 |" in text


def test_heatmap_is_a_png_of_runs_by_task(standard: TaskSet, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    summary = _summary(standard)
    png = heatmap([("a", summary), ("b", summary)], tmp_path / "h.png", modes=["raw"])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_matplotlib_the_report_is_written_and_says_why(standard: TaskSet, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(ReportError, match=r"needs matplotlib.*pip install 'synoema-assistant\[eval\]'"):
        heatmap([("a", _summary(standard))], tmp_path / "h.png")
    report, png, missing = write_report(tmp_path, _summary(standard))
    assert report.exists() and png is None and missing is not None and "matplotlib" in missing
    import json

    (tmp_path / "summary.json").write_text(json.dumps(_summary(standard)), encoding="utf-8")
    assert main(["report", str(tmp_path)]) == 0
    assert "heatmap not written: the heatmap needs matplotlib" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--heatmap", str(tmp_path / "x.png")]) == 1
