"""The model half of a GGUF header: architecture, shapes, norms and rotary embedding, from config.json.

Rotary scaling is where exports of long-context checkpoints go wrong, so each kind is mapped to
what llama.cpp computes, checked against transformers by the tests:

- ``linear``: positions divided by ``factor`` (``rope.scaling.type/factor``).
- ``yarn`` (Qwen2.5 long context): ``factor``, ``original_context_length`` and the ramp's
  ``beta_fast``/``beta_slow`` (stored, but llama.cpp's Qwen/Llama graphs take the ramp from the
  context parameters only, so values other than 32/1 come with a warning saying what to pass).
  llama.cpp applies the YaRN magnitude ``1 + 0.1 ln(factor)`` itself; an explicit
  ``attention_factor`` differing from it is stored as the ratio in ``rope.scaling.attn_factor``,
  the multiplier llama.cpp applies on top.
- ``llama3`` (Llama 3.1+): no header key; per-frequency divisors in a ``rope_freqs.weight`` tensor.

Anything else (dynamic NTK, longrope, partial rotary, sliding windows) is refused: llama.cpp would
load the file and compute something else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from training.gguf.errors import ExportError


@dataclass(frozen=True)
class ArchInfo:
    """How one HF ``model_type`` maps onto llama.cpp."""

    gguf_arch: str
    # llama.cpp's "llama" graph uses interleaved (GPT-J style) rotary pairs, while HF Llama checkpoints
    # rotate halves; the q/k projection rows must be reordered to match. Qwen uses NeoX style: no change.
    permute_qk: bool
    # Whether llama.cpp's graph for this architecture reads a rope_freqs tensor (llama3 scaling).
    rope_freqs: bool


ARCHES: dict[str, ArchInfo] = {
    "qwen2": ArchInfo("qwen2", permute_qk=False, rope_freqs=False),
    "qwen3": ArchInfo("qwen3", permute_qk=False, rope_freqs=False),
    "llama": ArchInfo("llama", permute_qk=True, rope_freqs=True),
}


@dataclass(frozen=True)
class RopeScaling:
    """One checkpoint's rotary scaling, already in llama.cpp's terms."""

    kind: str  # none | linear | yarn | llama3
    factor: float = 1.0
    original_context: int | None = None
    beta_fast: float | None = None
    beta_slow: float | None = None
    attn_factor: float | None = None  # multiplier on top of llama.cpp's own YaRN magnitude
    low_freq_factor: float = 1.0
    high_freq_factor: float = 4.0


@dataclass(frozen=True)
class HParams:
    arch: ArchInfo
    vocab_size: int
    hidden: int
    n_layer: int
    n_ff: int
    n_head: int
    n_head_kv: int
    head_dim: int
    explicit_head_dim: bool
    n_ctx: int
    rms_eps: float
    rope_theta: float
    rope: RopeScaling
    tied: bool

    def write(self, writer: Any) -> None:
        """Add the architecture keys to a ``gguf.GGUFWriter``."""
        import gguf

        writer.add_context_length(self.n_ctx)
        writer.add_embedding_length(self.hidden)
        writer.add_block_count(self.n_layer)
        writer.add_feed_forward_length(self.n_ff)
        writer.add_head_count(self.n_head)
        writer.add_head_count_kv(self.n_head_kv)
        writer.add_rope_freq_base(self.rope_theta)
        writer.add_rope_dimension_count(self.head_dim)
        writer.add_layer_norm_rms_eps(self.rms_eps)
        if self.explicit_head_dim or self.head_dim * self.n_head != self.hidden:
            writer.add_key_length(self.head_dim)
            writer.add_value_length(self.head_dim)
        rope = self.rope
        if rope.kind == "linear":
            writer.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
            writer.add_rope_scaling_factor(rope.factor)
        elif rope.kind == "yarn":
            writer.add_rope_scaling_type(gguf.RopeScalingType.YARN)
            writer.add_rope_scaling_factor(rope.factor)
            assert rope.original_context is not None
            writer.add_rope_scaling_orig_ctx_len(rope.original_context)
            if rope.beta_fast is not None:
                writer.add_rope_scaling_yarn_beta_fast(rope.beta_fast)
            if rope.beta_slow is not None:
                writer.add_rope_scaling_yarn_beta_slow(rope.beta_slow)
            if rope.attn_factor is not None:
                writer.add_rope_scaling_attn_factors(rope.attn_factor)

    def warnings(self) -> list[str]:
        """What llama.cpp will not take from this file alone."""
        rope = self.rope
        custom = {
            name: value
            for name, value, default in (
                ("yarn_beta_fast", rope.beta_fast, 32.0),
                ("yarn_beta_slow", rope.beta_slow, 1.0),
            )
            if value is not None and value != default
        }
        if not custom:
            return []
        kwargs = ", ".join(f"{name}={value:g}" for name, value in custom.items())
        return [
            f"llama.cpp's {self.arch.gguf_arch} graph takes YaRN's beta_fast/beta_slow from the context "
            f"parameters, not from the file: load it with {kwargs} (llama-cpp-python: Llama(..., {kwargs}))"
        ]

    def rope_freqs(self) -> np.ndarray | None:
        """llama3 scaling as llama.cpp wants it: one divisor per rotary frequency, or None."""
        rope = self.rope
        if rope.kind != "llama3":
            return None
        assert rope.original_context is not None
        inv_freq = 1.0 / (
            self.rope_theta ** (np.arange(0, self.head_dim, 2, dtype=np.float64) / self.head_dim)
        )
        wavelen = 2 * math.pi / inv_freq
        low_wavelen = rope.original_context / rope.low_freq_factor
        high_wavelen = rope.original_context / rope.high_freq_factor
        smooth = (rope.original_context / wavelen - rope.low_freq_factor) / (
            rope.high_freq_factor - rope.low_freq_factor
        )
        # transformers scales inv_freq by 1/factor (long waves), 1 (short) or a blend; llama.cpp
        # divides the frequency by the stored value, so store the reciprocal of that scale.
        scale = np.where(
            wavelen > low_wavelen,
            1 / rope.factor,
            np.where(wavelen < high_wavelen, 1.0, (1 - smooth) / rope.factor + smooth),
        )
        return (1.0 / scale).astype(np.float32)


def read_hparams(config: dict[str, Any]) -> HParams:
    """``HParams`` from a transformers ``config.json``; unsupported features are an ``ExportError``."""
    model_type = config.get("model_type", "")
    arch = ARCHES.get(model_type)
    if arch is None:
        raise ExportError(f"model_type {model_type!r} is not supported; supported: {', '.join(ARCHES)}")
    if config.get("use_sliding_window"):
        raise ExportError(
            "sliding-window attention (use_sliding_window) is not supported by llama.cpp for this model"
        )
    try:
        n_head = int(config["num_attention_heads"])
        hidden = int(config["hidden_size"])
        head_dim = int(config.get("head_dim") or hidden // n_head)
        n_ctx = int(config.get("max_position_embeddings", 4096))
        rope_params = _rope_parameters(config)
        hp = HParams(
            arch=arch,
            vocab_size=int(config["vocab_size"]),
            hidden=hidden,
            n_layer=int(config["num_hidden_layers"]),
            n_ff=int(config["intermediate_size"]),
            n_head=n_head,
            n_head_kv=int(config.get("num_key_value_heads") or n_head),
            head_dim=head_dim,
            explicit_head_dim=config.get("head_dim") is not None,
            n_ctx=n_ctx,
            rms_eps=float(config.get("rms_norm_eps", 1e-6)),
            rope_theta=float(rope_params.get("rope_theta") or config.get("rope_theta") or 10000.0),
            rope=_rope_scaling(rope_params, n_ctx),
            tied=bool(config.get("tie_word_embeddings", False)),
        )
    except KeyError as exc:
        raise ExportError(f"config.json lacks {exc.args[0]!r}") from exc
    if hp.rope.kind == "llama3" and not arch.rope_freqs:
        raise ExportError(f"llama3 rope scaling is not read by llama.cpp's {arch.gguf_arch} graph")
    return hp


def _rope_parameters(config: dict[str, Any]) -> dict[str, Any]:
    """One flat dict from transformers 5's ``rope_parameters`` or the older ``rope_scaling``."""
    params: dict[str, Any] = {}
    for key in ("rope_scaling", "rope_parameters"):
        value = config.get(key)
        if isinstance(value, dict):
            if "full_attention" in value or "sliding_attention" in value:
                raise ExportError("per-layer-type rope parameters are not supported")
            params.update({k: v for k, v in value.items() if v is not None})
    if "rope_type" not in params and "type" in params:
        params["rope_type"] = params["type"]
    if float(params.get("partial_rotary_factor", config.get("partial_rotary_factor") or 1.0)) != 1.0:
        raise ExportError("partial rotary embeddings (partial_rotary_factor < 1) are not supported")
    return params


def _rope_scaling(params: dict[str, Any], n_ctx: int) -> RopeScaling:
    kind = str(params.get("rope_type") or "default")
    factor = params.get("factor")
    if kind == "default":
        return RopeScaling("none")
    if kind == "linear":
        if not factor:
            raise ExportError("linear rope scaling without a factor")
        return RopeScaling("linear", factor=float(factor))
    original = int(params.get("original_max_position_embeddings") or n_ctx)
    if kind == "yarn":
        if params.get("mscale") or params.get("mscale_all_dim"):
            raise ExportError(
                "YaRN with mscale/mscale_all_dim (DeepSeek style) is not supported for this model"
            )
        if params.get("truncate") is False:
            raise ExportError(
                "YaRN without truncated correction range (truncate=false) is not supported by llama.cpp"
            )
        factor = float(factor or n_ctx / original)
        default_magnitude = 0.1 * math.log(factor) + 1.0 if factor > 1 else 1.0
        attention = params.get("attention_factor")
        ratio = None if attention is None else float(attention) / default_magnitude
        return RopeScaling(
            "yarn",
            factor=factor,
            original_context=original,
            beta_fast=_maybe_float(params.get("beta_fast")),
            beta_slow=_maybe_float(params.get("beta_slow")),
            attn_factor=None if ratio is None or abs(ratio - 1.0) < 1e-9 else ratio,
        )
    if kind == "llama3":
        return RopeScaling(
            "llama3",
            factor=float(factor or 8.0),
            original_context=original,
            low_freq_factor=float(params.get("low_freq_factor", 1.0)),
            high_freq_factor=float(params.get("high_freq_factor", 4.0)),
        )
    raise ExportError(f"rope scaling {kind!r} is not supported by llama.cpp for these architectures")


def _maybe_float(value: Any) -> float | None:
    return None if value is None else float(value)
