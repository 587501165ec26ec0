"""Model generators end to end with the tiny GGUF model: behind a real llama_cpp.server, and in-process.

The tiny model has random weights, so its candidates fail; what is tested is that generate →
validate → repair runs for real, and that the failure taxonomy says why each candidate failed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from model_support import serve_gguf

from corpus.build import Builder
from corpus.gates import Gates
from corpus.generators.model import ModelGenerator
from corpus.stats import compute
from corpus.tasks import load_task_file
from corpus.validate import FAILURE_KINDS
from synoema.durable import read_jsonl

pytestmark = pytest.mark.slow


@pytest.fixture
def two_tasks(tmp_path: Path) -> Path:
    rows = [
        {"id": "fact5", "category": "fundamentals", "tags": ["recursion"], "prompt": "Write `fact n` and print fact 5.", "expected_output": "120\n()\n"},
        {"id": "rev", "category": "string_ops", "tags": ["strings"], "prompt": "Print the string \"abc\" reversed.", "expected_output": "cba\n()\n"},
    ]
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _check_failed_run(out: Path, rounds: int) -> None:
    rejected = read_jsonl(out / "rejected.jsonl").records
    assert len(rejected) == 2 and not (out / "programs.jsonl").read_text()
    for row in rejected:
        assert row["kind"] in FAILURE_KINDS, row
        assert len(row["attempts"]) == rounds + 1 and row["usage"]["requests"] == rounds + 1
        assert row["usage"]["prompt_tokens"] > 0 and row["usage"]["completion_tokens"] > 0
    stats = compute(out, diversity=False)
    assert sum(t["count"] for t in stats["taxonomy"].values()) == 2
    assert stats["model"]["after_repair_pass_rate"] == 0.0


def test_openai_generator_against_llama_cpp_server(tiny_gguf: Path, need_llama_cpp: None, two_tasks: Path, tmp_path: Path) -> None:
    from corpus.generators.openai import OpenAIClient

    with serve_gguf(tiny_gguf, tmp_path, n_ctx=2048, n_threads=2) as url:
        client = OpenAIClient(url, concurrency=2, retries=1, timeout=120)
        gen = ModelGenerator("openai", client, load_task_file(two_tasks), seed=0, rounds=1, reference="none", max_tokens=24)
        result = Builder(tmp_path / "c", gen, Gates.create(), target=2, seed=0, batch=2, max_candidates=2).run()
        gen.close()
    assert result.accepted == 0 and result.candidates == 2
    assert client.model == "tiny"
    _check_failed_run(tmp_path / "c", rounds=1)


def test_local_generator_with_the_gguf_backend(tiny_gguf: Path, need_llama_cpp: None, two_tasks: Path, tmp_path: Path) -> None:
    from corpus.generators.local import LocalClient

    client = LocalClient("gguf", str(tiny_gguf), n_ctx=2048, n_threads=2)
    gen = ModelGenerator("local", client, load_task_file(two_tasks), seed=0, rounds=1, reference="none", max_tokens=16)
    result = Builder(tmp_path / "c", gen, Gates.create(), target=2, seed=0, batch=2, max_candidates=2).run()
    gen.close()
    assert result.accepted == 0 and result.candidates == 2
    _check_failed_run(tmp_path / "c", rounds=1)
