"""The gguf backend honours every option: a GGUF LoRA changes the output to the peft model's, the
token loop detokenizes each token once (linear in the reply), threads, context and YaRN betas reach
llama.cpp, and a peft directory given as the adapter is refused with the conversion command."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.backends import (
    CancelToken,
    ChatMessage,
    GenerationRequest,
    ModelLoadError,
    check_backend,
    complete,
    create_backend,
)
from assistant.backends.gguf import GGUFBackend, machine_threads
from assistant.backends.gguf_file import GGML_BLOCKS, read_gguf

pytestmark = pytest.mark.usefixtures("need_llama_cpp")

HELLO = [ChatMessage("user", "fac n = n * fac (n - 1)")]


def greedy(max_tokens: int) -> GenerationRequest:
    return GenerationRequest(HELLO, max_tokens=max_tokens, temperature=0.0)


@pytest.fixture(scope="module")
def lora(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A peft adapter with random A and B (a fresh one is the identity), and its GGUF export."""
    pytest.importorskip("peft")
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from training.gguf_export import export_lora

    out = tmp_path_factory.mktemp("lora")
    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(tiny_dir)
    config = LoraConfig(r=4, lora_alpha=16, init_lora_weights=False, target_modules=["q_proj", "v_proj", "down_proj"])
    get_peft_model(base, config).save_pretrained(out / "adapter")
    return out / "adapter", export_lora(out / "adapter", tiny_dir, out / "adapter.gguf")


@pytest.fixture(scope="module")
def plain(tiny_gguf: Path) -> Iterator[GGUFBackend]:
    b = create_backend("gguf", {"model_path": str(tiny_gguf), "n_ctx": 1024, "n_threads": 1})
    assert isinstance(b, GGUFBackend)
    yield b
    b.close()


def test_gguf_lora_gives_the_peft_models_answer(
    plain: GGUFBackend, tiny_gguf: Path, tiny_dir: Path, lora: tuple[Path, Path]
) -> None:
    peft_dir, lora_gguf = lora
    adapted = create_backend("gguf", {"model_path": str(tiny_gguf), "adapter_path": str(lora_gguf),
                                      "n_ctx": 512, "n_threads": 1})
    hf = create_backend("hf", {"model_path": str(tiny_dir), "adapter_path": str(peft_dir), "n_threads": 1})
    try:
        with_adapter = complete(adapted, greedy(16))
        assert with_adapter != complete(plain, greedy(16))  # the adapter is applied ...
        assert with_adapter == complete(hf, greedy(16))  # ... exactly as peft applies it
        assert adapted.info().details["adapter"] == str(lora_gguf)
    finally:
        adapted.close()
        hf.close()


def test_peft_directory_as_gguf_adapter_names_the_conversion(tiny_gguf: Path, lora: tuple[Path, Path]) -> None:
    peft_dir, _ = lora
    options = {"model_path": str(tiny_gguf), "adapter_path": str(peft_dir)}
    with pytest.raises(ModelLoadError, match="peft adapter directory") as err:
        check_backend("gguf", options)
    assert f"synoema-train export-gguf {peft_dir} --adapter" in err.value.hint
    with pytest.raises(ModelLoadError, match="peft adapter directory"):
        create_backend("gguf", options).load()  # type: ignore[attr-defined]
    with pytest.raises(ModelLoadError, match="is a LoRA adapter, not a model"):
        check_backend("gguf", {"model_path": str(lora[1])})


def test_each_token_is_detokenized_once(plain: GGUFBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Linear in the reply: 4x the tokens costs 4x the detokenize calls, one token each
    (llama-cpp-python's own streaming re-detokenizes held-back bytes after partial UTF-8)."""
    plain.load()
    llm: Any = plain._llm
    calls: list[int] = []
    real = plain._detokenize
    vocab = llm._model.vocab
    assert all(real(vocab, t) == llm.detokenize([t]) for t in range(llm.n_vocab()))  # llama.cpp's bytes

    def counting(vocab: Any, token: int) -> bytes:
        calls.append(token)
        return real(vocab, token)

    monkeypatch.setattr(plain, "_detokenize", counting)
    monkeypatch.setattr(llm, "detokenize", lambda *a, **k: pytest.fail("the loop detokenizes by itself"))
    counts = {}
    for n in (100, 400):
        calls.clear()
        text = complete(plain, greedy(n))
        usage = plain.last_usage
        assert usage is not None and usage.completion_tokens == n  # random weights: no end token
        counts[n] = (len(calls), text)
    assert counts[100][0] == 100 and counts[400][0] == 400
    assert counts[400][1].startswith(counts[100][1])  # greedy: the longer reply continues the shorter one
    assert any(ord(c) > 127 for c in counts[400][1])  # it did meet multi-byte (or invalid, replaced) output


def test_cancel_between_tokens_counts_what_was_generated(plain: GGUFBackend) -> None:
    cancel = CancelToken()
    stream = plain.stream(greedy(300), cancel)
    for i, _ in enumerate(stream):
        if i == 4:
            cancel.cancel()
    usage = plain.last_usage
    assert usage is not None and 5 <= usage.completion_tokens <= 7


def test_options_reach_llama(tiny_dir: Path, tiny_gguf: Path, tmp_path: Path) -> None:
    from training.gguf_export import export_gguf

    b = create_backend("gguf", {"model_path": str(tiny_gguf), "n_ctx": 4096})
    assert isinstance(b, GGUFBackend)
    kwargs = b._load_kwargs(read_gguf(tiny_gguf))
    assert kwargs["n_threads"] == machine_threads() == kwargs["n_threads_batch"]  # 0 = the machine's cores
    assert kwargs["n_ctx"] == 2048  # capped at the model's training context (no silent overflow)
    assert "yarn_beta_fast" not in kwargs and "lora_path" not in kwargs

    import json
    import shutil

    long = shutil.copytree(tiny_dir, tmp_path / "yarn")
    config = json.loads((long / "config.json").read_text())
    config["rope_parameters"] = {"rope_theta": 10000.0, "rope_type": "yarn", "factor": 4.0,
                                 "original_max_position_embeddings": 512, "beta_fast": 16.0, "beta_slow": 2.0}
    (long / "config.json").write_text(json.dumps(config))
    yarn = export_gguf(long, tmp_path / "yarn.gguf", dtype="f32").path
    b = create_backend("gguf", {"model_path": str(yarn), "n_ctx": 1024, "n_threads": 1})
    assert isinstance(b, GGUFBackend)
    kwargs = b._load_kwargs(read_gguf(yarn))
    assert (kwargs["yarn_beta_fast"], kwargs["yarn_beta_slow"]) == (16.0, 2.0)
    assert complete(b, greedy(4))  # and llama.cpp loads it with them
    b.close()


def test_gguf_reader_knows_ggml_sizes_and_catches_truncation(tiny_gguf: Path, tmp_path: Path) -> None:
    gguf = pytest.importorskip("gguf")
    for kind, (block, size) in gguf.GGML_QUANT_SIZES.items():
        assert GGML_BLOCKS.get(int(kind)) == (block, size), kind
    header = read_gguf(tiny_gguf)
    assert header.ok and header.context_length == 2048 and header.kind == "model"
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_gguf.read_bytes()[:-100])
    assert "truncated" in read_gguf(cut).problems[0]
    with pytest.raises(ModelLoadError, match="truncated") as err:
        check_backend("gguf", {"model_path": str(cut)})
    assert "again" in err.value.hint


def test_sampling_is_one_recipe() -> None:
    request = greedy(4)
    fields = {f.name: f.default for f in dataclasses.fields(GenerationRequest)}
    assert (fields["top_k"], fields["top_p"], fields["min_p"], fields["repetition_penalty"]) == (40, 0.95, 0.05, 1.0)
    assert request.repetition_penalty == 1.0
