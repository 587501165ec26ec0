"""Export a Hugging Face causal-LM directory (a merged fine-tune, or a tiny test model) to one GGUF file.

The file is written in one streamed pass after a header-only planning pass (see ``tensors``), to a
temporary name that replaces ``out_path`` only when complete. The k-quants go through an
intermediate GGUF in the checkpoint's own precision and llama.cpp's quantizer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from training.gguf.errors import ExportError, read_json
from training.gguf.hparams import HParams, read_hparams
from training.gguf.quantize import K_QUANTS, quantize_gguf
from training.gguf.tensors import GGUF_TYPES, TensorPlan, iter_planned, plan_tensors
from training.gguf.vocab import ChatTemplate, Vocab, read_vocab

DTYPES: tuple[str, ...] = (*GGUF_TYPES, *K_QUANTS)


@dataclass(frozen=True)
class ExportReport:
    """What was written: enough for a caller to print a summary or check the result."""

    path: Path
    arch: str
    dtype: str
    n_tensors: int
    n_params: int
    vocab_size: int
    pre_tokenizer: str
    rope_scaling: str
    chat_template: bool
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def export_model(
    model_dir: str | Path,
    out_path: str | Path,
    dtype: str = "f16",
    *,
    name: str | None = None,
    chat_template: ChatTemplate | None = None,
    allow_missing_template: bool = False,
    threads: int | None = None,
) -> Path:
    """Export ``model_dir`` to ``out_path`` and return the path (see ``export_gguf`` for the report)."""
    return export_gguf(
        model_dir,
        out_path,
        dtype=dtype,
        name=name,
        chat_template=chat_template,
        allow_missing_template=allow_missing_template,
        threads=threads,
    ).path


def export_gguf(
    model_dir: str | Path,
    out_path: str | Path,
    *,
    dtype: str = "f16",
    name: str | None = None,
    chat_template: ChatTemplate | None = None,
    allow_missing_template: bool = False,
    threads: int | None = None,
    vocab_only: bool = False,
) -> ExportReport:
    """Write ``out_path`` (atomically) from the HF checkpoint in ``model_dir``.

    ``dtype``: f32, f16, bf16, q8_0 (written by the gguf package) or q4_k_m, q5_k_m (llama.cpp's
    quantizer, needs llama-cpp-python). ``chat_template`` replaces the checkpoint's template; a chat
    model without one is refused unless ``allow_missing_template``. ``vocab_only`` writes the header
    without tensors (llama.cpp can load it with ``vocab_only=True`` to tokenize).
    """
    if dtype not in DTYPES:
        raise ExportError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
    src = Path(model_dir)
    if not src.is_dir():
        raise ExportError(f"{src} is not a directory")
    hp = read_hparams(read_json(src / "config.json"))
    vocab = read_vocab(
        src, hp.vocab_size, chat_template=chat_template, allow_missing_template=allow_missing_template
    )
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    label = name or src.name
    try:
        if dtype in K_QUANTS:
            base_type = "f32" if vocab_only else _lossless_type(src, hp)
            staged = out.with_name(f".{out.name}.{base_type}.tmp")
            try:
                plan = _write(staged, src, hp, vocab, label, base_type, vocab_only)
                quantize_gguf(staged, tmp, dtype, threads=threads)
                with open(tmp, "rb+") as done:
                    os.fsync(done.fileno())
            finally:
                staged.unlink(missing_ok=True)
        else:
            plan = _write(tmp, src, hp, vocab, label, dtype, vocab_only)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportReport(
        path=out,
        arch=hp.arch.gguf_arch,
        dtype=dtype,
        n_tensors=len(plan.tensors),
        n_params=plan.n_params,
        vocab_size=len(vocab.tokens),
        pre_tokenizer=vocab.pre,
        rope_scaling=hp.rope.kind,
        chat_template=vocab.chat_template is not None,
        skipped=plan.skipped,
        warnings=(*hp.warnings(), *vocab.warnings),
    )


def _lossless_type(src: Path, hp: HParams) -> str:
    """The intermediate type for k-quants: the checkpoint's own float width, so nothing is lost twice."""
    from safetensors import safe_open

    widths: set[str] = set()
    for file in plan_tensors(src, hp, "f32").files:
        with safe_open(str(file), framework="pt") as handle:
            for key in handle.keys():  # noqa: SIM118 - safe_open is not a mapping
                piece = handle.get_slice(key)
                if len(piece.get_shape()) >= 2:  # vectors are stored as f32 whatever the choice
                    widths.add(piece.get_dtype())
    if widths <= {"BF16"}:
        return "bf16"
    if widths <= {"F16"}:
        return "f16"
    return "f32"


def _file_type(dtype: str) -> Any:
    import gguf

    return {
        "f32": gguf.LlamaFileType.ALL_F32,
        "f16": gguf.LlamaFileType.MOSTLY_F16,
        "bf16": gguf.LlamaFileType.MOSTLY_BF16,
        "q8_0": gguf.LlamaFileType.MOSTLY_Q8_0,
    }[dtype]


def _write(
    path: Path, src: Path, hp: HParams, vocab: Vocab, name: str, dtype: str, vocab_only: bool
) -> TensorPlan:
    """Header, then tensors streamed shard by shard; returns the plan that was written."""
    import gguf

    plan = TensorPlan((), (), (), {}) if vocab_only else plan_tensors(src, hp, dtype)
    writer = gguf.GGUFWriter(path, hp.arch.gguf_arch)
    try:
        writer.add_type(gguf.GGUFType.MODEL)
        writer.add_name(name)
        hp.write(writer)
        writer.add_file_type(_file_type(dtype))
        writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
        vocab.write(writer)
        for tensor in plan.tensors:
            # The dtype argument only matters for uint8 byte shapes; we always pass the logical shape.
            writer.add_tensor_info(
                tensor.gguf_name,
                tensor.shape,
                np.dtype(np.float32),
                tensor.nbytes,
                raw_dtype=tensor.ggml_type,
            )
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        alignment = writer.data_alignment
    finally:
        writer.close()
    # The data section, written here rather than through the writer so each tensor can arrive in
    # row chunks: per the GGUF layout it starts at the next multiple of the alignment, and each
    # tensor is padded to a multiple of it.
    with open(path, "ab") as out:
        if plan.tensors:
            _pad(out, out.tell(), alignment)
        for tensor, chunks in iter_planned(plan, hp):
            written = 0
            for chunk in chunks:
                chunk.tofile(out)
                written += chunk.nbytes
            if written != tensor.nbytes:
                raise ExportError(f"{tensor.gguf_name}: {written} bytes encoded, {tensor.nbytes} planned")
            _pad(out, written, alignment)
        out.flush()
        os.fsync(out.fileno())
    return plan


def _pad(out: Any, n: int, alignment: int) -> None:
    out.write(b"\0" * (-n % alignment))
