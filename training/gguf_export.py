"""Export a Hugging Face causal-LM directory (tiny test model or a merged fine-tune) to GGUF.

Why our own exporter: the assistant ships GGUF models for llama.cpp, and the ``gguf`` package gives
the file format but not the mapping from a transformers checkpoint. This module covers the dense
decoder families we fine-tune (Qwen2/Qwen2.5, Qwen3, Llama) with a byte-level BPE tokenizer, and
refuses anything else loudly instead of writing a file llama.cpp would misread.

Usage: ``python -m training.gguf_export HF_DIR OUT.gguf [--dtype f32|f16] [--name NAME]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Pre-tokenizer regexes llama.cpp knows by name (tokenizer.ggml.pre); matched against tokenizer.json.
_PRE_TOKENIZERS: dict[str, str] = {
    "qwen2": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+",
    "llama-bpe": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+",
}

# Per-layer tensors: HF suffix after ``model.layers.{i}.`` -> GGUF name after ``blk.{i}.``.
_LAYER_TENSORS: dict[str, str] = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.v_proj.bias": "attn_v.bias",
    "self_attn.o_proj.weight": "attn_output.weight",
    "self_attn.q_norm.weight": "attn_q_norm.weight",
    "self_attn.k_norm.weight": "attn_k_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}
_GLOBAL_TENSORS: dict[str, str] = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}
_IGNORED = re.compile(r"rotary_emb\.inv_freq$")
_LAYER_RE = re.compile(r"^model\.layers\.(\d+)\.(.+)$")


@dataclass(frozen=True)
class ArchInfo:
    """How one HF ``model_type`` maps onto llama.cpp."""

    gguf_arch: str
    # llama.cpp's "llama" graph uses interleaved (GPT-J style) rotary pairs, while HF Llama checkpoints
    # rotate halves; the q/k projection rows must be reordered to match. Qwen uses NeoX style: no change.
    permute_qk: bool


ARCHES: dict[str, ArchInfo] = {
    "qwen2": ArchInfo("qwen2", permute_qk=False),
    "qwen3": ArchInfo("qwen3", permute_qk=False),
    "llama": ArchInfo("llama", permute_qk=True),
}


class ExportError(Exception):
    """The checkpoint cannot be exported faithfully; the message says why."""


@dataclass
class ExportReport:
    path: Path
    arch: str
    dtype: str
    n_tensors: int
    n_params: int
    vocab_size: int
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Vocab:
    tokens: list[str]
    types: list[int]
    merges: list[str]
    pre: str
    bos_id: int | None
    eos_id: int | None
    pad_id: int | None
    add_bos: bool
    chat_template: str | None


def export_gguf(
    model_dir: str | Path, out_path: str | Path, *, dtype: str = "f16", name: str | None = None
) -> ExportReport:
    """Write ``out_path`` (atomically) from the HF checkpoint in ``model_dir``."""
    import gguf

    if dtype not in ("f32", "f16"):
        raise ExportError(f"dtype must be f32 or f16, not {dtype!r}")
    src = Path(model_dir)
    config = _read_json(src / "config.json")
    arch = ARCHES.get(config.get("model_type", ""))
    if arch is None:
        raise ExportError(
            f"model_type {config.get('model_type')!r} is not supported; supported: {', '.join(ARCHES)}"
        )
    hp = _hyperparams(config)
    vocab = read_vocab(src, hp["vocab_size"])

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    writer = gguf.GGUFWriter(tmp, arch.gguf_arch)
    try:
        _write_metadata(writer, gguf, hp, vocab, name or src.name, dtype)
        n_tensors, n_params, skipped = _write_tensors(writer, src, arch, hp, dtype)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
    finally:
        writer.close()
    os.replace(tmp, out)
    return ExportReport(out, arch.gguf_arch, dtype, n_tensors, n_params, len(vocab.tokens), skipped)


# --- hyperparameters -----------------------------------------------------------------------------


def _hyperparams(config: dict[str, Any]) -> dict[str, Any]:
    n_head = int(config["num_attention_heads"])
    hidden = int(config["hidden_size"])
    rope = config.get("rope_parameters") or {}
    scaling = config.get("rope_scaling") or {}
    rope_type = rope.get("rope_type") or scaling.get("rope_type") or scaling.get("type") or "default"
    if rope_type != "default":
        raise ExportError(f"rope scaling {rope_type!r} is not supported by this exporter")
    return {
        "vocab_size": int(config["vocab_size"]),
        "hidden": hidden,
        "n_layer": int(config["num_hidden_layers"]),
        "n_ff": int(config["intermediate_size"]),
        "n_head": n_head,
        "n_head_kv": int(config.get("num_key_value_heads") or n_head),
        "head_dim": int(config.get("head_dim") or hidden // n_head),
        "n_ctx": int(config.get("max_position_embeddings", 4096)),
        "rms_eps": float(config.get("rms_norm_eps", 1e-6)),
        "rope_theta": float(rope.get("rope_theta") or config.get("rope_theta") or 10000.0),
        "tied": bool(config.get("tie_word_embeddings", False)),
    }


def _write_metadata(writer: Any, gguf: Any, hp: dict[str, Any], vocab: Vocab, name: str, dtype: str) -> None:
    writer.add_name(name)
    writer.add_context_length(hp["n_ctx"])
    writer.add_embedding_length(hp["hidden"])
    writer.add_block_count(hp["n_layer"])
    writer.add_feed_forward_length(hp["n_ff"])
    writer.add_head_count(hp["n_head"])
    writer.add_head_count_kv(hp["n_head_kv"])
    writer.add_rope_freq_base(hp["rope_theta"])
    writer.add_rope_dimension_count(hp["head_dim"])
    writer.add_layer_norm_rms_eps(hp["rms_eps"])
    if hp["head_dim"] * hp["n_head"] != hp["hidden"]:
        writer.add_key_length(hp["head_dim"])
        writer.add_value_length(hp["head_dim"])
    file_type = gguf.LlamaFileType.ALL_F32 if dtype == "f32" else gguf.LlamaFileType.MOSTLY_F16
    writer.add_file_type(file_type)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)

    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(vocab.pre)
    writer.add_token_list(vocab.tokens)
    writer.add_token_types(vocab.types)
    writer.add_token_merges(vocab.merges)
    if vocab.bos_id is not None:
        writer.add_bos_token_id(vocab.bos_id)
    if vocab.eos_id is not None:
        writer.add_eos_token_id(vocab.eos_id)
    if vocab.pad_id is not None:
        writer.add_pad_token_id(vocab.pad_id)
    writer.add_add_bos_token(vocab.add_bos)
    if vocab.chat_template:
        writer.add_chat_template(vocab.chat_template)


# --- tokenizer -----------------------------------------------------------------------------------


def read_vocab(model_dir: Path, vocab_size: int) -> Vocab:
    """Token list, types and merges from ``tokenizer.json``, padded to the model's vocab size."""
    tok = _read_json(model_dir / "tokenizer.json")
    tok_cfg = (
        _read_json(model_dir / "tokenizer_config.json")
        if (model_dir / "tokenizer_config.json").exists()
        else {}
    )
    model = tok.get("model", {})
    if model.get("type") != "BPE":
        raise ExportError(f"only byte-level BPE tokenizers are supported, found {model.get('type')!r}")

    id_to_token: dict[int, str] = {int(i): t for t, i in model["vocab"].items()}
    special: dict[int, bool] = {}
    for added in tok.get("added_tokens", []):
        id_to_token[int(added["id"])] = added["content"]
        special[int(added["id"])] = bool(added.get("special", False))
    if max(id_to_token) >= vocab_size:
        raise ExportError(
            f"tokenizer has ids up to {max(id_to_token)} but the model's vocab_size is {vocab_size}"
        )

    tokens: list[str] = []
    types: list[int] = []
    for i in range(vocab_size):
        if i not in id_to_token:
            tokens.append(f"[PAD{i}]")
            types.append(5)  # UNUSED
        elif i in special:
            tokens.append(id_to_token[i])
            types.append(3 if special[i] else 4)  # CONTROL / USER_DEFINED
        else:
            tokens.append(id_to_token[i])
            types.append(1)  # NORMAL

    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges", [])]
    token_to_id = {t: i for i, t in enumerate(tokens)}

    def special_id(key: str) -> int | None:
        value = tok_cfg.get(key)
        if isinstance(value, dict):
            value = value.get("content")
        if isinstance(value, str) and value in token_to_id:
            return token_to_id[value]
        return None

    config = _read_json(model_dir / "config.json")
    bos = special_id("bos_token")
    eos = special_id("eos_token")
    pad = special_id("pad_token")
    if bos is None:
        bos = _first_id(config.get("bos_token_id"))
    if eos is None:
        eos = _first_id(config.get("eos_token_id"))
    if pad is None:
        pad = _first_id(config.get("pad_token_id"))

    return Vocab(
        tokens=tokens,
        types=types,
        merges=merges,
        pre=_detect_pre(tok),
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        add_bos=_adds_bos(tok, tok_cfg),
        chat_template=_chat_template(model_dir, tok_cfg),
    )


def _first_id(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return int(value) if isinstance(value, int) else None


def _detect_pre(tok: dict[str, Any]) -> str:
    pre = tok.get("pre_tokenizer") or {}
    parts = pre.get("pretokenizers", [pre]) if pre.get("type") == "Sequence" else [pre]
    for part in parts:
        if part.get("type") == "Split":
            pattern = (part.get("pattern") or {}).get("Regex")
            for name, known in _PRE_TOKENIZERS.items():
                if pattern == known:
                    return name
            raise ExportError(
                f"unknown pre-tokenizer regex {pattern!r}; llama.cpp would split text differently"
            )
        if part.get("type") == "ByteLevel" and part.get("use_regex", True):
            return "gpt2"
    raise ExportError("the tokenizer has no byte-level pre-tokenizer this exporter recognises")


def _adds_bos(tok: dict[str, Any], tok_cfg: dict[str, Any]) -> bool:
    if "add_bos_token" in tok_cfg:
        return bool(tok_cfg["add_bos_token"])
    post = tok.get("post_processor") or {}
    processors = post.get("processors", [post]) if post.get("type") == "Sequence" else [post]
    for proc in processors:
        if proc.get("type") == "TemplateProcessing":
            single = proc.get("single") or []
            return bool(single) and "SpecialToken" in single[0]
    return False


def _chat_template(model_dir: Path, tok_cfg: dict[str, Any]) -> str | None:
    jinja = model_dir / "chat_template.jinja"
    if jinja.exists():
        return jinja.read_text(encoding="utf-8")
    template = tok_cfg.get("chat_template")
    if isinstance(template, list):  # named templates: take the default one
        named = {t.get("name"): t.get("template") for t in template}
        template = named.get("default") or next(iter(named.values()), None)
    return template if isinstance(template, str) else None


# --- tensors -------------------------------------------------------------------------------------


def _write_tensors(
    writer: Any, src: Path, arch: ArchInfo, hp: dict[str, Any], dtype: str
) -> tuple[int, int, list[str]]:
    n_tensors = n_params = 0
    skipped: list[str] = []
    for hf_name, array in iter_checkpoint(src):
        if _IGNORED.search(hf_name):
            skipped.append(hf_name)
            continue
        gguf_name = gguf_tensor_name(hf_name)
        if arch.permute_qk and gguf_name.endswith(("attn_q.weight", "attn_q.bias")):
            array = _unrotate_halves(array, hp["n_head"])
        elif arch.permute_qk and gguf_name.endswith(("attn_k.weight", "attn_k.bias")):
            array = _unrotate_halves(array, hp["n_head_kv"])
        if gguf_name == "output.weight" and hp["tied"]:
            skipped.append(hf_name)  # llama.cpp reuses token_embd when output is absent
            continue
        keep_f32 = array.ndim == 1 or dtype == "f32"
        writer.add_tensor(
            gguf_name, np.ascontiguousarray(array, dtype=np.float32 if keep_f32 else np.float16)
        )
        n_tensors += 1
        n_params += int(array.size)
    return n_tensors, n_params, skipped


def gguf_tensor_name(hf_name: str) -> str:
    """llama.cpp's name for an HF tensor; unknown tensors are an error, never silently dropped."""
    if hf_name in _GLOBAL_TENSORS:
        return _GLOBAL_TENSORS[hf_name]
    match = _LAYER_RE.match(hf_name)
    if match and match.group(2) in _LAYER_TENSORS:
        return f"blk.{match.group(1)}.{_LAYER_TENSORS[match.group(2)]}"
    raise ExportError(f"no GGUF name for tensor {hf_name!r}; is this a merged (not adapter) checkpoint?")


def _unrotate_halves(w: np.ndarray, n_head: int) -> np.ndarray:
    """Reorder rows within each head from [first halves | second halves] to interleaved pairs."""
    head_dim = w.shape[0] // n_head
    return w.reshape(n_head, 2, head_dim // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def iter_checkpoint(src: Path) -> Iterator[tuple[str, np.ndarray]]:
    """Yield (name, float32 array) for every tensor in the directory's safetensors files."""
    import torch
    from safetensors import safe_open

    files = sorted(src.glob("*.safetensors"))
    if not files:
        raise ExportError(f"no *.safetensors files in {src}; save the model with safe_serialization=True")
    for file in files:
        with safe_open(str(file), framework="pt") as handle:
            for key in handle.keys():  # noqa: SIM118 - safe_open is not a mapping
                yield key, handle.get_tensor(key).to(torch.float32).numpy()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ExportError(f"{path} is missing") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dtype", choices=("f32", "f16"), default="f16")
    parser.add_argument("--name", help="general.name stored in the file (default: directory name)")
    args = parser.parse_args(argv)
    try:
        report = export_gguf(args.model_dir, args.out, dtype=args.dtype, name=args.name)
    except ExportError as exc:
        parser.exit(2, f"gguf export failed: {exc}\n")
    print(
        f"{report.path}: {report.arch}, {report.dtype}, {report.n_tensors} tensors, {report.n_params} parameters"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
