"""Checkpoint tensors: which files, which names in llama.cpp, which storage type, read one shard at a time.

A GGUF header lists every tensor's name, shape and type before the first byte of data, so the
export makes two passes: ``plan_tensors`` reads only the safetensors headers (no weights), then
``iter_planned`` maps one shard, converts its tensors a block of rows at a time, and lets the shard
go before opening the next. Peak memory is one shard (the mapped file's pages) plus one block of
rows in float32 (``CHUNK_VALUES``), never the whole model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from training.gguf.errors import ExportError, read_json
from training.gguf.hparams import HParams

# Per-layer tensors: HF suffix after ``model.layers.{i}.`` -> GGUF name after ``blk.{i}.``.
LAYER_TENSORS: dict[str, str] = {
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
GLOBAL_TENSORS: dict[str, str] = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}
_IGNORED = re.compile(r"rotary_emb\.inv_freq$")
_LAYER_RE = re.compile(r"^model\.layers\.(\d+)\.(.+)$")
_SOURCE_DTYPES = {"F32", "F16", "BF16", "F64"}

# Storage types the gguf package writes itself (llama.cpp's quantizer does the k-quants).
GGUF_TYPES = ("f32", "f16", "bf16", "q8_0")


def gguf_tensor_name(hf_name: str) -> str:
    """llama.cpp's name for an HF tensor; unknown tensors are an error, never silently dropped."""
    if hf_name in GLOBAL_TENSORS:
        return GLOBAL_TENSORS[hf_name]
    match = _LAYER_RE.match(hf_name)
    if match and match.group(2) in LAYER_TENSORS:
        return f"blk.{match.group(1)}.{LAYER_TENSORS[match.group(2)]}"
    raise ExportError(f"no GGUF name for tensor {hf_name!r}; is this a merged (not adapter) checkpoint?")


def unrotate_halves(w: np.ndarray, n_head: int) -> np.ndarray:
    """Reorder rows within each head from [first halves | second halves] to interleaved pairs."""
    head_dim = w.shape[0] // n_head
    return w.reshape(n_head, 2, head_dim // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def permuted_heads(gguf_name: str, hp: HParams) -> int | None:
    """How many heads' rows llama.cpp's Llama graph wants reordered in this tensor (None: leave it)."""
    if not hp.arch.permute_qk:
        return None
    base = gguf_name.removesuffix(".lora_b")
    if base.endswith(("attn_q.weight", "attn_q.bias")):
        return hp.n_head
    if base.endswith(("attn_k.weight", "attn_k.bias")):
        return hp.n_head_kv
    return None


def permute_for_llama_cpp(gguf_name: str, array: np.ndarray, hp: HParams) -> np.ndarray:
    """The q/k row reordering llama.cpp's Llama graph expects (identity for other tensors/arches)."""
    heads = permuted_heads(gguf_name, hp)
    return array if heads is None else unrotate_halves(array, heads)


@dataclass(frozen=True)
class PlannedTensor:
    """One tensor of the output: where it comes from and how it is stored."""

    gguf_name: str
    shape: tuple[int, ...]
    ggml_type: Any  # gguf.GGMLQuantizationType
    nbytes: int
    hf_name: str | None  # None for tensors the exporter computes (rope_freqs)
    file: Path | None


@dataclass(frozen=True)
class TensorPlan:
    tensors: tuple[PlannedTensor, ...]
    files: tuple[Path, ...]
    skipped: tuple[str, ...]
    extra: dict[str, np.ndarray]

    @property
    def n_params(self) -> int:
        return sum(int(np.prod(t.shape)) for t in self.tensors)


def checkpoint_files(src: Path) -> tuple[Path, ...]:
    """The safetensors shards of a checkpoint, complete and in order (the index decides when present)."""
    index = src / "model.safetensors.index.json"
    if index.is_file():
        weight_map = read_json(index).get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise ExportError(f"{index} has no weight_map")
        files = tuple(src / name for name in dict.fromkeys(weight_map.values()))
        missing = [f.name for f in files if not f.is_file()]
        if missing:
            raise ExportError(f"shard(s) {', '.join(missing)} listed in {index.name} are missing from {src}")
        return files
    files = tuple(sorted(p for p in src.glob("*.safetensors") if not p.name.startswith("adapter_model")))
    if files:
        return files
    if (src / "adapter_config.json").is_file():
        raise ExportError(
            f"{src} is a LoRA adapter, not a model: export it with export_lora (CLI: --base BASE_DIR) "
            "or merge it into the base first"
        )
    if any(src.glob("*.bin")):
        raise ExportError(f"{src} holds .bin weights; re-save the model with safe_serialization=True")
    raise ExportError(f"no *.safetensors files in {src}")


def storage_type(shape: tuple[int, ...], dtype: str) -> Any:
    """The GGML type for one tensor: vectors stay f32; matrices take the export type where they fit."""
    import gguf

    q = gguf.GGMLQuantizationType
    if len(shape) < 2 or dtype == "f32":
        return q.F32
    if dtype == "f16":
        return q.F16
    if dtype == "bf16":
        return q.BF16
    if dtype == "q8_0":
        block, _ = gguf.GGML_QUANT_SIZES[q.Q8_0]
        return q.Q8_0 if shape[-1] % block == 0 else q.F16  # as llama.cpp's converter falls back
    raise ExportError(f"dtype must be one of {', '.join(GGUF_TYPES)}, not {dtype!r}")


def _nbytes(shape: tuple[int, ...], ggml_type: Any) -> int:
    import gguf

    block, type_size = gguf.GGML_QUANT_SIZES[ggml_type]
    n = int(np.prod(shape))
    return n // block * type_size


def plan_tensors(src: Path, hp: HParams, dtype: str) -> TensorPlan:
    """Names, shapes and types of every output tensor, from the safetensors headers alone."""
    from safetensors import safe_open

    files = checkpoint_files(src)
    planned: list[PlannedTensor] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for file in files:
        with safe_open(str(file), framework="pt") as handle:
            for key in handle.keys():  # noqa: SIM118 - safe_open is not a mapping
                if key in seen:
                    raise ExportError(f"tensor {key!r} appears in more than one shard")
                seen.add(key)
                if _IGNORED.search(key):
                    skipped.append(key)
                    continue
                gguf_name = gguf_tensor_name(key)
                if gguf_name == "output.weight" and hp.tied:
                    skipped.append(key)  # llama.cpp reuses token_embd when output is absent
                    continue
                piece = handle.get_slice(key)
                source_dtype = piece.get_dtype()
                if source_dtype not in _SOURCE_DTYPES:
                    raise ExportError(
                        f"tensor {key!r} is stored as {source_dtype}; only float checkpoints export"
                    )
                shape = tuple(int(d) for d in piece.get_shape())
                ggml_type = storage_type(shape, dtype)
                planned.append(
                    PlannedTensor(gguf_name, shape, ggml_type, _nbytes(shape, ggml_type), key, file)
                )
    index = src / "model.safetensors.index.json"
    if index.is_file():
        listed = set(read_json(index)["weight_map"])
        if listed != seen:
            missing, extra_names = sorted(listed - seen), sorted(seen - listed)
            raise ExportError(
                f"{index.name} and the shards disagree: missing {missing[:5]}, not listed {extra_names[:5]}"
            )
    shapes = {t.gguf_name: t.shape for t in planned}
    if "token_embd.weight" not in shapes:
        raise ExportError(f"{src} has no model.embed_tokens.weight")
    if shapes["token_embd.weight"] != (hp.vocab_size, hp.hidden):
        raise ExportError(
            f"the embeddings are {shapes['token_embd.weight']} but config.json says "
            f"vocab_size {hp.vocab_size} × hidden_size {hp.hidden}"
        )
    if not hp.tied and "output.weight" not in shapes:
        raise ExportError(f"{src} has no lm_head.weight but config.json says the embeddings are not tied")
    extra: dict[str, np.ndarray] = {}
    freqs = hp.rope_freqs()
    if freqs is not None:
        extra["rope_freqs.weight"] = freqs
        import gguf

        f32 = gguf.GGMLQuantizationType.F32
        planned.append(PlannedTensor("rope_freqs.weight", freqs.shape, f32, freqs.nbytes, None, None))
    return TensorPlan(tuple(planned), files, tuple(skipped), extra)


def encode(array: np.ndarray, ggml_type: Any) -> np.ndarray:
    """``array`` (float32) in the bytes of ``ggml_type``, through the gguf package's quantizers."""
    import gguf

    return gguf.quants.quantize(np.ascontiguousarray(array, dtype=np.float32), ggml_type)


# Rows converted at a time: bounds the float32 working copy (4M values = 16 MB) whatever the tensor.
CHUNK_VALUES = 1 << 22


def iter_planned(plan: TensorPlan, hp: HParams) -> Iterator[tuple[PlannedTensor, Iterator[np.ndarray]]]:
    """(tensor, its encoded bytes in row chunks) in plan order; one shard is open at a time.

    Consume each tensor's chunks before asking for the next tensor.
    """
    from safetensors import safe_open

    by_file: dict[Path, list[PlannedTensor]] = {}
    for tensor in plan.tensors:
        if tensor.file is not None:
            by_file.setdefault(tensor.file, []).append(tensor)
    order = iter(plan.tensors)
    for file in plan.files:
        with safe_open(str(file), framework="pt") as handle:
            for tensor in by_file.get(file, []):
                expected = next(order)
                assert expected is tensor, "tensor plan and shard order disagree"
                yield tensor, _encoded_chunks(handle, tensor, hp)
    for tensor in order:
        yield tensor, iter([encode(plan.extra[tensor.gguf_name], tensor.ggml_type)])


def _encoded_chunks(handle: Any, tensor: PlannedTensor, hp: HParams) -> Iterator[np.ndarray]:
    """Rows read from the mapped shard a block at a time, converted and encoded (blocks run along rows)."""
    import torch

    assert tensor.hf_name is not None
    piece = handle.get_slice(tensor.hf_name)
    rows = tensor.shape[0]
    row_values = max(1, int(np.prod(tensor.shape[1:])))
    # Reordered q/k rows move within a head, so those (small) tensors are converted whole.
    whole = len(tensor.shape) == 1 or permuted_heads(tensor.gguf_name, hp) is not None
    step = rows if whole else max(1, CHUNK_VALUES // row_values)
    for start in range(0, rows, step):
        block = piece[start : start + step].to(torch.float32).numpy()
        if whole:
            block = permute_for_llama_cpp(tensor.gguf_name, block, hp)
        encoded = encode(block, tensor.ggml_type)
        del block
        yield encoded
        del encoded
        release_freed_memory()


def release_freed_memory() -> None:
    """Hand freed heap pages back to the OS (glibc's malloc_trim), after each chunk.

    glibc raises its mmap threshold after large blocks are freed, so later chunk-sized buffers come
    from the heap and stay resident after they are freed; without this, resident memory creeps up by
    several chunks over an export. Elsewhere (no glibc) this does nothing.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None


def _load_float32(handle: Any, name: str) -> np.ndarray:
    import torch

    return handle.get_tensor(name).to(torch.float32).numpy()


def iter_checkpoint(src: Path) -> Iterator[tuple[str, np.ndarray]]:
    """Yield (name, float32 array) for every tensor in the directory's safetensors files."""
    from safetensors import safe_open

    for file in checkpoint_files(Path(src)):
        with safe_open(str(file), framework="pt") as handle:
            for key in handle.keys():  # noqa: SIM118 - safe_open is not a mapping
                yield key, _load_float32(handle, key)
