"""The model learns to stop: trained on a few examples (end-of-turn token inside the loss mask), exported
to GGUF and served by llama.cpp's server with the chat template from the file, it ends its reply with
<|im_end|> (finish reason "stop") instead of running to max_tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_support import serve_gguf
from training_support import need_training_extras, small_config

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


def test_a_trained_model_served_by_llama_cpp_stops(
    scratch_base: Path, tmp_path: Path, need_llama_cpp: None
) -> None:
    pytest.importorskip("gguf")
    import httpx

    from training.data import load_rows, write_rows
    from training.gguf_export import export_gguf
    from training.sft import run_sft

    data = write_rows(tmp_path / "two.jsonl", ROWS)
    config = small_config(
        tmp_path / "run", scratch_base, data, method="full", max_steps=30, learning_rate=3e-3,
        lr_scheduler="constant", eval_fraction=0.0, save_steps=1000,
    )  # fmt: skip
    result = run_sft(config)
    assert result.final_loss < 1.0, result
    gguf = export_gguf(result.output_dir, tmp_path / "two.gguf", dtype="f32").path
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
