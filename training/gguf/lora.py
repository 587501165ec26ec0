"""A peft LoRA adapter alone, as a GGUF LoRA that llama.cpp applies at load time (``lora_path``).

The layout is the one llama.cpp's ``convert_lora_to_gguf`` writes and ``llama-adapter.cpp`` reads:
``general.type = adapter``, ``adapter.type = lora``, ``adapter.lora.alpha``, and for every adapted
matrix ``W`` of the base a pair ``<gguf name of W>.lora_a`` (peft's A, rank × in) and ``.lora_b``
(peft's B, out × rank). llama.cpp scales each pair by ``alpha / rank``; where peft scales
differently (rsLoRA's ``alpha / sqrt(rank)``, per-module ``alpha_pattern``) the difference is
folded into B so the adapter computes exactly what peft does. For Llama, B's rows get the same q/k
reordering as the base weights.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from training.gguf.errors import ExportError, read_json
from training.gguf.hparams import HParams, read_hparams
from training.gguf.tensors import encode, gguf_tensor_name, permute_for_llama_cpp, storage_type

_PAIR_RE = re.compile(
    r"^(?:base_model\.model\.)?(?P<module>.+)\.lora_(?P<half>[AB])(?:\.[A-Za-z0-9_-]+)?\.weight$"
)


@dataclass(frozen=True)
class LoraReport:
    path: Path
    arch: str
    alpha: float
    n_pairs: int
    ranks: tuple[int, ...]


def export_lora(
    adapter_dir: str | Path,
    base_dir: str | Path | None,
    out_path: str | Path,
    *,
    dtype: str = "f32",
) -> Path:
    """Write the adapter in ``adapter_dir`` (peft format) as a GGUF LoRA for the base in ``base_dir``.

    ``base_dir`` needs only the base's ``config.json``; when None, the adapter's
    ``base_model_name_or_path`` is used if it is a local directory.
    """
    return export_lora_report(adapter_dir, base_dir, out_path, dtype=dtype).path


def export_lora_report(
    adapter_dir: str | Path, base_dir: str | Path | None, out_path: str | Path, *, dtype: str = "f32"
) -> LoraReport:
    """``export_lora`` with a summary of what was written."""
    import gguf

    adapter = Path(adapter_dir)
    config = read_json(adapter / "adapter_config.json")
    base = _base_dir(config, base_dir)
    hp = read_hparams(read_json(base / "config.json"))
    alpha = _check_config(config)
    weights = adapter / "adapter_model.safetensors"
    if not weights.is_file():
        raise ExportError(f"{weights} is missing (save the adapter with safe_serialization=True)")
    pairs = _read_pairs(weights)

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    writer = gguf.GGUFWriter(tmp, hp.arch.gguf_arch)
    ranks: list[int] = []
    try:
        writer.add_type(gguf.GGUFType.ADAPTER)
        writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
        writer.add_name(adapter.name)
        writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
        for module, (a, b) in sorted(pairs.items(), key=lambda item: _module_order(item[0])):
            target = _target_name(module, hp)
            rank = a.shape[0]
            if b.shape[1] != rank:
                raise ExportError(f"{module}: lora_A has rank {rank} but lora_B has {b.shape[1]}")
            _check_shape(target, (b.shape[0], a.shape[1]), hp)
            # llama.cpp applies alpha / rank; fold peft's own scale where it differs.
            correction = _peft_scale(config, module, rank) / (alpha / rank)
            if not math.isclose(correction, 1.0, rel_tol=1e-9):
                b = b * np.float32(correction)
            b = permute_for_llama_cpp(target + ".lora_b", b, hp)
            for suffix, array in ((".lora_a", a), (".lora_b", b)):
                ggml_type = storage_type(array.shape, dtype)
                writer.add_tensor(target + suffix, encode(array, ggml_type), raw_dtype=ggml_type)
            ranks.append(rank)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.flush()
    finally:
        writer.close()
    try:
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return LoraReport(out, hp.arch.gguf_arch, alpha, len(pairs), tuple(sorted(set(ranks))))


def _base_dir(config: dict[str, Any], base_dir: str | Path | None) -> Path:
    if base_dir is not None:
        base = Path(base_dir)
    else:
        named = config.get("base_model_name_or_path")
        if not named or not Path(named).is_dir():
            raise ExportError(
                f"the adapter's base model {named!r} is not a local directory; pass the base model directory"
            )
        base = Path(named)
    if not (base / "config.json").is_file():
        raise ExportError(f"{base} has no config.json; pass the base model's directory")
    return base


def _check_config(config: dict[str, Any]) -> float:
    """The adapter's alpha, after refusing what llama.cpp's LoRA cannot express."""
    if str(config.get("peft_type", "LORA")).upper() != "LORA":
        raise ExportError(f"only LoRA adapters export to GGUF, not {config.get('peft_type')}")
    if config.get("use_dora"):
        raise ExportError(
            "DoRA adapters (use_dora) cannot be applied by llama.cpp; merge and export the model"
        )
    if config.get("fan_in_fan_out"):
        raise ExportError("fan_in_fan_out adapters are not supported")
    if config.get("bias", "none") != "none":
        raise ExportError("the adapter trains biases (bias != 'none'); merge it and export the merged model")
    if config.get("modules_to_save"):
        raise ExportError(
            f"the adapter also trains whole modules ({', '.join(config['modules_to_save'])}); "
            "merge it and export the merged model"
        )
    try:
        return float(config["lora_alpha"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportError("adapter_config.json has no numeric lora_alpha") from exc


def _peft_scale(config: dict[str, Any], module: str, rank: int) -> float:
    """The factor peft multiplies B·A by for ``module`` (its ``alpha_pattern`` and rsLoRA included)."""
    alpha = float(config["lora_alpha"])
    for pattern, value in (config.get("alpha_pattern") or {}).items():
        if re.match(rf"(.*\.)?({pattern})$", module):
            alpha = float(value)
            break
    return alpha / math.sqrt(rank) if config.get("use_rslora") else alpha / rank


def _read_pairs(weights: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    import torch
    from safetensors import safe_open

    halves: dict[str, dict[str, np.ndarray]] = {}
    with safe_open(str(weights), framework="pt") as handle:
        for key in handle.keys():  # noqa: SIM118 - safe_open is not a mapping
            match = _PAIR_RE.match(key)
            if match is None:
                what = (
                    "DoRA magnitudes"
                    if "lora_magnitude_vector" in key
                    else "a tensor that is not a LoRA pair"
                )
                if "lora_embedding" in key:
                    what = "an embedding LoRA"
                raise ExportError(f"the adapter holds {what} ({key}); merge it and export the merged model")
            array = handle.get_tensor(key).to(torch.float32).numpy()
            halves.setdefault(match["module"], {})[match["half"]] = array
    pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for module, parts in halves.items():
        if set(parts) != {"A", "B"}:
            raise ExportError(f"{module}: the adapter has only lora_{''.join(parts)}")
        pairs[module] = (parts["A"], parts["B"])
    if not pairs:
        raise ExportError(f"{weights} holds no LoRA tensors")
    return pairs


def _target_name(module: str, hp: HParams) -> str:
    name = gguf_tensor_name(module + ".weight")
    if name == "output.weight" and hp.tied:
        raise ExportError("the adapter targets lm_head, which is tied to the embeddings in this model")
    if name == "token_embd.weight":
        raise ExportError("the adapter targets the embeddings; merge it and export the merged model")
    return name


def _check_shape(target: str, shape: tuple[int, int], hp: HParams) -> None:
    """Refuse an adapter made for another base (llama.cpp would refuse it only when loading)."""
    q_out, kv_out = hp.n_head * hp.head_dim, hp.n_head_kv * hp.head_dim
    expected = {
        "attn_q.weight": (q_out, hp.hidden),
        "attn_k.weight": (kv_out, hp.hidden),
        "attn_v.weight": (kv_out, hp.hidden),
        "attn_output.weight": (hp.hidden, q_out),
        "ffn_gate.weight": (hp.n_ff, hp.hidden),
        "ffn_up.weight": (hp.n_ff, hp.hidden),
        "ffn_down.weight": (hp.hidden, hp.n_ff),
        "output.weight": (hp.vocab_size, hp.hidden),
    }.get(target.split(".", 2)[-1] if target.startswith("blk.") else target)
    if expected is not None and tuple(shape) != expected:
        raise ExportError(
            f"{target}: the adapter is {shape[0]}×{shape[1]} but the base needs {expected[0]}×{expected[1]}"
        )


def _module_order(module: str) -> tuple[int, str]:
    match = re.search(r"\.layers\.(\d+)\.", module)
    return (int(match.group(1)) if match else -1, module)
