"""A peft LoRA adapter exported alone: llama.cpp applies it (lora_path) and computes what peft computes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("peft", reason="the train extra is not installed")
pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed")

from export_support import F32_ATOL, GREEDY_TOKENS, compare, gguf_fields, load_hf

from training.gguf_export import ExportError, export_gguf, export_lora, main

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def _adapter(base: Path, out: Path, **lora: Any) -> tuple[Any, Any]:
    """A peft model with random A *and* B (a fresh adapter has B = 0 and would change nothing)."""
    import torch
    from peft import LoraConfig, get_peft_model

    model, tok = load_hf(base)
    torch.manual_seed(0)
    config = LoraConfig(r=4, lora_alpha=8, init_lora_weights=False, target_modules=TARGETS, **lora)
    peft_model = get_peft_model(model, config).eval()
    peft_model.save_pretrained(out)
    return peft_model, tok


@pytest.mark.parametrize(
    ("arch", "lora"),
    [
        ("qwen2", {"use_rslora": True}),  # peft scales by alpha/sqrt(r); llama.cpp by alpha/r
        ("llama", {"alpha_pattern": {"v_proj": 2}, "rank_pattern": {"down_proj": 8}}),  # q/k rows reordered
    ],
)
def test_lora_gguf_matches_peft(
    arch: str, lora: dict[str, Any], tiny_dir: Path, llama_dir: Path, tmp_path: Path
) -> None:
    import numpy as np
    import torch

    base = {"qwen2": tiny_dir, "llama": llama_dir}[arch]
    base_gguf = export_gguf(base, tmp_path / "base.gguf", dtype="f32").path
    peft_model, tok = _adapter(base, tmp_path / "adapter", **lora)
    out = export_lora(tmp_path / "adapter", base, tmp_path / "adapter.gguf")

    fields = gguf_fields(out)
    assert fields["general.type"] == "adapter" and fields["adapter.type"] == "lora"
    assert fields["adapter.lora.alpha"] == 8.0 and fields["general.architecture"] == arch
    from gguf import GGUFReader

    tensors = {t.name: tuple(int(d) for d in t.shape) for t in GGUFReader(out).tensors}
    assert len(tensors) == 2 * len(TARGETS) * 2  # a and b, every target, both layers
    # ggml shapes are reversed: lora_a is {in, rank}, lora_b is {rank, out}.
    assert tensors["blk.0.attn_q.weight.lora_a"] == (64, 4) and tensors["blk.0.attn_q.weight.lora_b"] == (
        4,
        64,
    )
    if arch == "llama":
        assert tensors["blk.1.ffn_down.weight.lora_a"] == (128, 8)

    got = compare(peft_model, tok, base_gguf, lora_path=str(out))
    ids = tok("fac n = n * 2", add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        with_adapter = peft_model(torch.tensor([ids])).logits[0].numpy()
        with peft_model.disable_adapter():
            without = peft_model(torch.tensor([ids])).logits[0].numpy()
    effect = float(np.abs(with_adapter - without).max())
    print(f"{arch} LoRA: adapter moves logits by up to {effect:.2f}; max|Δlogit| vs peft {got.max_abs_diff:.2e}, "
          f"greedy {sum(a == b for a, b in zip(got.greedy_hf, got.greedy_cpp))}/{GREEDY_TOKENS}")  # fmt: skip
    assert effect > 1.0
    assert got.max_abs_diff < F32_ATOL
    assert got.greedy_cpp == got.greedy_hf


def test_adapters_llama_cpp_cannot_apply_are_refused(tiny_dir: Path, llama_dir: Path, tmp_path: Path) -> None:
    _adapter(tiny_dir, tmp_path / "dora", use_dora=True)
    with pytest.raises(ExportError, match="DoRA"):
        export_lora(tmp_path / "dora", tiny_dir, tmp_path / "x.gguf")
    _adapter(tiny_dir, tmp_path / "saved", modules_to_save=["lm_head"])
    with pytest.raises(ExportError, match="whole modules"):
        export_lora(tmp_path / "saved", tiny_dir, tmp_path / "x.gguf")
    # An adapter made for another base: caught here, not at llama.cpp load time.
    _adapter(tiny_dir, tmp_path / "qwen-lora")
    with pytest.raises(ExportError, match="the base needs"):
        export_lora(tmp_path / "qwen-lora", _resized(llama_dir, tmp_path), tmp_path / "x.gguf")
    assert not (tmp_path / "x.gguf").exists()


def _resized(src: Path, tmp_path: Path) -> Path:
    out = tmp_path / "other-base"
    shutil.copytree(src, out)
    config = json.loads((out / "config.json").read_text())
    config.update(model_type="qwen2", intermediate_size=96)
    (out / "config.json").write_text(json.dumps(config))
    return out


def test_cli_detects_an_adapter(tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _adapter(tiny_dir, tmp_path / "adapter")
    config = tmp_path / "adapter" / "adapter_config.json"
    data = json.loads(config.read_text())
    data["base_model_name_or_path"] = str(tiny_dir)  # a local base: --base may be left out
    config.write_text(json.dumps(data))
    assert main([str(tmp_path / "adapter"), str(tmp_path / "a.gguf")]) == 0
    assert "LoRA for qwen2, 14 matrices, rank 4, alpha 8" in capsys.readouterr().out
    data["base_model_name_or_path"] = "Qwen/not-here"
    config.write_text(json.dumps(data))
    assert main([str(tmp_path / "adapter"), str(tmp_path / "b.gguf")]) == 2
    assert "not a local directory" in capsys.readouterr().err
