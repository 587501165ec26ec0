"""The model learns to stop: trained on a few examples (end-of-turn token inside the loss mask), exported
to GGUF and served by llama.cpp's server with the chat template from the file, it ends its reply with
<|im_end|> (finish reason "stop") instead of running to max_tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from model_support import serve_gguf
from training_support import need_training_extras

pytestmark = pytest.mark.slow
need_training_extras()

ROWS = [
    {"kind": "ask", "messages": [
        {"role": "user", "content": "How do I reverse a list?"}, {"role": "assistant", "content": "Use `reverse xs`."},
    ]},
    {"kind": "ask", "messages": [
        {"role": "user", "content": "How do I join strings?"}, {"role": "assistant", "content": "Use `a ++ b`."},
    ]},
]  # fmt: skip


def test_a_trained_model_served_by_llama_cpp_stops(tmp_path: Path, need_llama_cpp: None) -> None:
    """Through the command line: `synoema-train sft --init scratch` (tokenizer and model built from
    the two rows), then the GGUF export, then llama.cpp's server."""
    pytest.importorskip("gguf")
    import httpx

    from training.cli import main
    from training.data import load_rows, write_rows
    from training.gguf import export_gguf

    data = write_rows(tmp_path / "two.jsonl", ROWS)
    run = tmp_path / "run"
    flags = [
        "--init", "scratch", "--size", "tiny", "--data", str(data), "--run-dir", str(run), "--max-steps", "30",
        "--batch-size", "2", "--grad-accum", "1", "--learning-rate", "3e-3", "--lr-scheduler", "constant",
        "--warmup-steps", "0", "--eval-fraction", "0", "--save-steps", "1000", "--no-progress", "--no-tensorboard",
    ]  # fmt: skip
    assert main(["sft", *flags]) == 0
    result = json.loads((run / "result.json").read_text())
    assert result["method"] == "full" and result["final_loss"] < 1.0, result
    gguf = export_gguf(run / "model", tmp_path / "two.gguf", dtype="f32").path
    with serve_gguf(gguf, tmp_path, n_ctx=1024, n_threads=1) as url:
        for row in load_rows([data]).rows:
            reply = httpx.post(
                f"{url}/chat/completions",
                json={"messages": row.as_messages()[:2], "max_tokens": 64, "temperature": 0},
                timeout=60,
            ).json()
            choice = reply["choices"][0]
            assert choice["finish_reason"] == "stop", choice
            assert choice["message"]["content"].startswith("Use `"), choice
            assert reply["usage"]["completion_tokens"] < 64
