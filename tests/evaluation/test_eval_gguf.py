"""End to end with the tiny random-weight GGUF model: all four modes, near-zero figures, honestly.

The model is built locally (tests/conftest.py); the same run goes once through llama.cpp in
process (`gguf`) and once through a real `llama_cpp.server` on 127.0.0.1 (`openai`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaluation.api import run_evaluation
from evaluation.generation import latest_records

pytestmark = pytest.mark.slow
TASKS = ["factorial", "type_definition"]


def _check_honest(summary: dict[str, Any]) -> None:
    for mode, m in summary["modes"].items():
        funnel = [m[k] for k in ("extracted_rate", "syntax_rate", "type_rate", "run_rate", "correct_rate")]
        assert all(0.0 <= v <= 1.0 for v in funnel), mode
        assert funnel == sorted(funnel, reverse=True), mode  # each stage keeps at most what the last passed
        assert m["samples"] == len(TASKS) * summary["samples_per_task"]
        failing = m["samples"] - round(m["correct_rate"] * m["samples"])
        assert sum(m["buckets"].values()) == failing


def test_tiny_gguf_model_in_all_four_modes(tiny_gguf: Path, need_llama_cpp: None, tmp_path: Path) -> None:
    # a small context keeps the prompt short (the reference is left out when it does not fit)
    options = {"model_path": str(tiny_gguf), "n_ctx": 1024, "n_threads": 2}
    summary = run_evaluation("gguf", options, "standard", 2, out_dir=tmp_path / "run", task_ids=TASKS,
                             max_tokens=24, repair_rounds=1, temperature=0.8, timeout=2.0, prompt="baseline")
    assert summary["modes_available"] == ["raw", "rules", "model", "grammar"]
    _check_honest(summary)
    # random weights: nothing is correct, and the report says so rather than hiding it
    assert summary["correct_rate"] == 0.0
    records = latest_records(tmp_path / "run" / "generations.jsonl")
    assert len(records) == 2 * len(TASKS) * 2
    assert all(r["error"] is None and r["exact_tokens"] for r in records.values())
    assert all(0 < r["completion_tokens"] <= 25 and r["latency_s"] > 0 for r in records.values())
    # the grammar pass answers inside a ```sno fence, as the grammar demands
    grammar = [r for r in records.values() if r["pass"] == "grammar"]
    assert all(r["text"].startswith("```sno\n") for r in grammar)
    assert summary["generation"]["plain"]["token_counter"].endswith("tokenizer")
    report = Path(summary["report"]).read_text(encoding="utf-8")
    assert "| tiny-qwen2 | + grammar |" in report
    print("\ntiny GGUF funnel (extracted, syntax, type, run, correct):")
    for mode, m in summary["modes"].items():
        print(f"  {mode:8} " + " ".join(f"{100 * m[k]:5.1f}" for k in
                                      ("extracted_rate", "syntax_rate", "type_rate", "run_rate", "correct_rate")))


def test_tiny_model_through_a_real_llama_cpp_server(llama_server: str, tmp_path: Path) -> None:
    options = {"base_url": llama_server, "model": "tiny", "n_ctx": 512, "retries": 0}
    summary = run_evaluation("openai", options, "standard", 1, modes=("raw", "rules", "grammar"),
                             out_dir=tmp_path / "run", task_ids=TASKS, prompt="baseline", max_tokens=24,
                             timeout=2.0)
    assert summary["modes_available"] == ["raw", "rules", "grammar"]
    _check_honest(summary)
    records = latest_records(tmp_path / "run" / "generations.jsonl")
    assert all(r["error"] is None for r in records.values()), [r["error"] for r in records.values()]
    assert all(r["text"].startswith("```sno\n") for r in records.values() if r["pass"] == "grammar")
