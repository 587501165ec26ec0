"""The tiny model builder and the GGUF exporter's basics.

Numerical agreement with transformers (every architecture, rope scaling, dtype, LoRA) is in tests/export/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("transformers", reason="the train extra is not installed")

from training.gguf_export import ExportError, export_gguf, gguf_tensor_name

TEXT = "fac 0 = 1\nfac n = n * fac (n - 1)\n  xs = [1 2 3] ++ [42]\nWhy doesn't it type check?"


def test_tiny_model_shape(tiny_dir: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_dir)
    params = sum(p.numel() for p in model.parameters())
    assert 50_000 <= params <= 200_000
    assert 256 < len(tok) <= 1000
    assert model.config.model_type == "qwen2" and model.config.num_hidden_layers == 2
    rendered = tok.apply_chat_template(
        [{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True
    )
    assert rendered == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    assert tok.decode(tok(TEXT)["input_ids"]) == TEXT  # byte-level BPE round-trips


def test_gguf_metadata(tiny_gguf: Path) -> None:
    from gguf import GGUFReader

    reader = GGUFReader(tiny_gguf)
    fields = {
        name: field.contents() for name, field in reader.fields.items() if name != "tokenizer.ggml.tokens"
    }
    assert fields["general.architecture"] == "qwen2"
    assert fields["qwen2.block_count"] == 2
    assert fields["tokenizer.ggml.model"] == "gpt2"
    assert fields["tokenizer.ggml.pre"] == "qwen2"
    assert "<|im_start|>" in fields["tokenizer.chat_template"]
    names = {t.name for t in reader.tensors}
    assert {"token_embd.weight", "output_norm.weight", "blk.1.attn_q.bias", "blk.1.ffn_down.weight"} <= names
    assert "output.weight" not in names  # tied embeddings: llama.cpp reuses token_embd


def test_export_refuses_unknown_architecture(tiny_dir: Path, tmp_path: Path) -> None:
    import json
    import shutil

    other = tmp_path / "other"
    shutil.copytree(tiny_dir, other)
    config = json.loads((other / "config.json").read_text())
    config["model_type"] = "mamba"
    (other / "config.json").write_text(json.dumps(config))
    with pytest.raises(ExportError, match="mamba"):
        export_gguf(other, tmp_path / "x.gguf")
    assert not (tmp_path / "x.gguf").exists()


def test_unknown_tensor_name_is_an_error() -> None:
    assert gguf_tensor_name("model.layers.3.mlp.up_proj.weight") == "blk.3.ffn_up.weight"
    with pytest.raises(ExportError, match="lora_A"):
        gguf_tensor_name("model.layers.0.self_attn.q_proj.lora_A.weight")


def test_cli_builds_and_exports(tmp_path: Path) -> None:
    from training import tiny_model

    out = tmp_path / "cli"
    assert tiny_model.main([str(out), "--gguf", str(tmp_path / "cli.gguf"), "--f16"]) == 0
    assert (out / "model.safetensors").exists() and (tmp_path / "cli.gguf").stat().st_size > 100_000
