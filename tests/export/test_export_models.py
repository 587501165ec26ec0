"""Exported models compute what transformers computes: architectures, rotary scaling, shards, dtypes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("transformers", reason="the train extra is not installed")
pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed")

from export_support import F32_ATOL, GREEDY_TOKENS, compare, gguf_fields, load_hf, open_llama, variant

from training.gguf import tensors
from training.gguf_export import ExportError, export_gguf, export_model


def _check_matches(model_dir: Path, gguf: Path, **llama_kwargs: object) -> None:
    model, tok = load_hf(model_dir)
    got = compare(model, tok, gguf, **llama_kwargs)
    print(f"{model_dir.name}: max|Δlogit| {got.max_abs_diff:.2e} over {got.n_tokens} tokens, greedy "
          f"{sum(a == b for a, b in zip(got.greedy_hf, got.greedy_cpp))}/{GREEDY_TOKENS}")  # fmt: skip
    assert got.logit_std > 0.5  # logits spread enough that a wrong mapping could not pass by accident
    assert got.max_abs_diff < F32_ATOL
    assert got.greedy_cpp == got.greedy_hf


@pytest.mark.parametrize("arch", ["qwen2", "llama", "qwen3"])
def test_architectures_match_transformers(
    arch: str, tiny_dir: Path, llama_dir: Path, qwen3_dir: Path, tmp_path: Path
) -> None:
    """Qwen2 (tied output), Llama (untied, q/k reordered) and Qwen3 (q/k norms, explicit head_dim)."""
    src = {"qwen2": tiny_dir, "llama": llama_dir, "qwen3": qwen3_dir}[arch]
    report = export_gguf(src, tmp_path / f"{arch}.gguf", dtype="f32")
    fields = gguf_fields(report.path)
    assert report.arch == fields["general.architecture"] == arch
    assert fields["general.type"] == "model"
    tied = json.loads((src / "config.json").read_text())["tie_word_embeddings"]
    assert ("output.weight" in _tensor_names(report.path)) is not tied
    if arch == "qwen3":
        assert fields["qwen3.attention.key_length"] == 32
    _check_matches(src, report.path)


ROPE_CASES = {
    # Qwen2.5's long-context recipe: YaRN with the default ramp and magnitude.
    "yarn": ("qwen2", {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 128}, {}),
    # An explicit attention factor: stored as a multiplier on llama.cpp's own YaRN magnitude.
    "yarn-attention": (
        "qwen2",
        {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 128, "attention_factor": 1.25},
        {},
    ),
    # Other ramp ends: llama.cpp reads them for these graphs from the context parameters only.
    "yarn-betas": (
        "qwen3",
        {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 128, "beta_fast": 16.0, "beta_slow": 2.0},
        {"yarn_beta_fast": 16.0, "yarn_beta_slow": 2.0},
    ),
    "linear": ("qwen3", {"rope_type": "linear", "factor": 2.0}, {}),
    # Llama 3.1's scaling: per-frequency divisors in rope_freqs.weight.
    "llama3": (
        "llama",
        {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
         "original_max_position_embeddings": 64},
        {},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(ROPE_CASES))
def test_rope_scaling_matches_transformers(
    case: str, tiny_dir: Path, llama_dir: Path, qwen3_dir: Path, tmp_path: Path
) -> None:
    arch, rope, llama_kwargs = ROPE_CASES[case]
    base = {"qwen2": tiny_dir, "llama": llama_dir, "qwen3": qwen3_dir}[arch]
    config = {"rope_parameters": {"rope_theta": 10000.0, **rope}}
    if "original_max_position_embeddings" in rope and rope["rope_type"] == "yarn":
        config["max_position_embeddings"] = int(rope["original_max_position_embeddings"] * rope["factor"])
    src = variant(base, tmp_path / case, **config)
    report = export_gguf(src, tmp_path / f"{case}.gguf", dtype="f32")
    fields = gguf_fields(report.path)
    kind = rope["rope_type"]
    assert report.rope_scaling == kind
    if kind == "llama3":
        assert "rope_freqs.weight" in _tensor_names(report.path)
    else:
        assert fields[f"{arch}.rope.scaling.type"] == kind
        assert fields[f"{arch}.rope.scaling.factor"] == pytest.approx(rope["factor"])
    if kind == "yarn":
        assert fields[f"{arch}.rope.scaling.original_context_length"] == 128
    if case == "yarn-betas":
        assert fields[f"{arch}.rope.scaling.yarn_beta_fast"] == 16.0
        assert any("yarn_beta_fast=16" in w for w in report.warnings)
    _check_matches(src, report.path, **llama_kwargs)

    # The scaling matters: the unscaled export of the same weights gives clearly different logits.
    import numpy as np

    plain = export_gguf(base, tmp_path / "plain.gguf", dtype="f32").path
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(src)
    ids = tok("xs = [1 2 3] ++ [42] " * 12, add_special_tokens=False)["input_ids"]
    outs = []
    for path in (report.path, plain):
        llm = open_llama(path, **llama_kwargs)
        llm.eval(ids)
        outs.append(np.array(llm.scores[: len(ids)]))
        llm.close()
    assert np.abs(outs[0] - outs[1]).max() > 0.1


def test_unsupported_rope_is_refused(tiny_dir: Path, tmp_path: Path) -> None:
    for rope, words in (
        ({"rope_type": "dynamic", "factor": 2.0}, "dynamic"),
        ({"rope_type": "longrope", "short_factor": [1.0], "long_factor": [1.0]}, "longrope"),
        ({"rope_type": "yarn", "factor": 2.0, "truncate": False}, "truncate"),
    ):
        src = variant(tiny_dir, tmp_path / words, rope_parameters={"rope_theta": 10000.0, **rope})
        with pytest.raises(ExportError, match=words):
            export_gguf(src, tmp_path / f"{words}.gguf")
    llama3_on_qwen = variant(
        tiny_dir, tmp_path / "l3", rope_parameters={"rope_type": "llama3", "factor": 8.0}
    )
    with pytest.raises(ExportError, match="llama3"):
        export_gguf(llama3_on_qwen, tmp_path / "l3.gguf")


def test_sharded_checkpoint_streams_one_shard_at_a_time(
    llama_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint saved in shards exports byte-identically, with never more than one shard open."""
    import safetensors
    from transformers import AutoModelForCausalLM

    sharded = tmp_path / "sharded"
    AutoModelForCausalLM.from_pretrained(llama_dir).save_pretrained(sharded, max_shard_size="100KB")
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        (sharded / name).write_bytes((llama_dir / name).read_bytes())
    shards = sorted(sharded.glob("model-*.safetensors"))
    assert len(shards) >= 3 and (sharded / "model.safetensors.index.json").exists()

    real_open = safetensors.safe_open
    open_now: list[str] = []
    most_open = 0
    read_from: list[str] = []

    class Tracked:
        def __init__(self, path: str, framework: str) -> None:
            self.inner = real_open(path, framework=framework)
            self.path = path

        def __enter__(self) -> Tracked:
            nonlocal most_open
            self.handle = self.inner.__enter__()
            open_now.append(self.path)
            most_open = max(most_open, len(open_now))
            return self

        def __exit__(self, *exc: object) -> None:
            open_now.remove(self.path)
            self.inner.__exit__(*exc)

        def get_slice(self, name: str) -> object:
            read_from.append(self.path)
            return self.handle.get_slice(name)

        def __getattr__(self, name: str) -> object:
            return getattr(self.handle, name)

    monkeypatch.setattr(safetensors, "safe_open", Tracked)
    monkeypatch.setattr(tensors, "CHUNK_VALUES", 1000)  # several row chunks per matrix
    outs = {
        dtype: export_model(sharded, tmp_path / f"sharded-{dtype}.gguf", dtype, name="same")
        for dtype in ("f32", "q8_0")
    }
    monkeypatch.undo()
    assert most_open == 1
    # A header pass, then the data pass: each reads every shard once, in order, nothing held back.
    stretches = [p for i, p in enumerate(read_from) if i == 0 or read_from[i - 1] != p]
    assert stretches == [str(s) for s in shards] * 2 * 2
    for dtype, out in outs.items():
        whole = export_model(llama_dir, tmp_path / f"whole-{dtype}.gguf", dtype, name="same")
        assert out.read_bytes() == whole.read_bytes()


def test_incomplete_sharded_checkpoint_is_refused(llama_dir: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    sharded = tmp_path / "sharded"
    AutoModelForCausalLM.from_pretrained(llama_dir).save_pretrained(sharded, max_shard_size="100KB")
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        (sharded / name).write_bytes((llama_dir / name).read_bytes())
    victim = sorted(sharded.glob("model-*.safetensors"))[1]
    victim.unlink()
    with pytest.raises(ExportError, match=victim.name):
        export_gguf(sharded, tmp_path / "x.gguf")
    assert not (tmp_path / "x.gguf").exists()


@pytest.mark.parametrize(
    ("dtype", "types", "min_corr"),
    [
        ("f16", {"F16", "F32"}, 0.999),
        ("bf16", {"BF16", "F32"}, 0.99),
        ("q8_0", {"Q8_0", "F32"}, 0.99),
        ("q4_k_m", {"Q4_K", "Q6_K", "F32"}, 0.8),
        ("q5_k_m", {"Q5_K", "Q6_K", "F32"}, 0.9),
    ],
)
def test_dtypes_load_and_generate(
    dtype: str, types: set[str], min_corr: float, wide_dir: Path, tmp_path: Path
) -> None:
    """f16, bf16, q8_0 from the gguf package; Q4_K_M, Q5_K_M from llama.cpp's own quantizer."""
    import numpy as np
    from gguf import GGUFReader

    report = export_gguf(wide_dir, tmp_path / f"{dtype}.gguf", dtype=dtype)
    assert {t.tensor_type.name for t in GGUFReader(report.path).tensors} == types
    reference = export_gguf(wide_dir, tmp_path / "f32.gguf", dtype="f32").path
    assert report.path.stat().st_size < reference.stat().st_size
    logits = []
    for path in (report.path, reference):
        llm = open_llama(path)
        ids = llm.tokenize(b"fac n = n * fac (n - 1)\nmain = fac 5", add_bos=False)
        llm.eval(ids)
        logits.append(np.array(llm.scores[: len(ids)]).ravel())
        if path == report.path:
            out = llm.create_completion("fac n =", max_tokens=16, temperature=0)
            assert out["usage"]["completion_tokens"] == 16 and out["choices"][0]["text"]
        llm.close()
    corr = float(np.corrcoef(*logits)[0, 1])
    print(f"{dtype}: {report.path.stat().st_size} bytes, logit correlation with f32 {corr:.4f}")
    assert corr > min_corr


def test_bad_inputs_are_clear_errors(tiny_dir: Path, tiny_adapter: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="dtype"):
        export_gguf(tiny_dir, tmp_path / "x.gguf", dtype="q3_k")
    with pytest.raises(ExportError, match="LoRA adapter"):
        export_gguf(_with_config(tiny_adapter, tiny_dir, tmp_path), tmp_path / "x.gguf")
    with pytest.raises(ExportError, match="not a directory"):
        export_gguf(tmp_path / "missing", tmp_path / "x.gguf")
    assert not (tmp_path / "x.gguf").exists()


def _with_config(adapter: Path, base: Path, tmp_path: Path) -> Path:
    """An adapter directory that also carries the base's config and tokenizer (as some tools save)."""
    import shutil

    out = tmp_path / "adapter-with-config"
    shutil.copytree(adapter, out)
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        shutil.copy(base / name, out / name)
    return out


def _tensor_names(path: Path) -> set[str]:
    from gguf import GGUFReader

    return {t.name for t in GGUFReader(path).tensors}
