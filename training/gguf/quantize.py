"""K-quants (Q4_K_M, Q5_K_M) through llama.cpp's own quantizer, as shipped in llama-cpp-python.

The gguf package implements only the simple block formats; the k-quant "_M" mixes (which tensors
get more bits) are llama.cpp's recipe, so we call ``llama_model_quantize`` rather than imitate it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from training.gguf.errors import ExportError

# Our dtype name -> llama.cpp's file type constant name in llama_cpp.
K_QUANTS: dict[str, str] = {
    "q4_k_m": "LLAMA_FTYPE_MOSTLY_Q4_K_M",
    "q5_k_m": "LLAMA_FTYPE_MOSTLY_Q5_K_M",
}


def quantize_gguf(src: Path, out: Path, dtype: str, *, threads: int | None = None) -> None:
    """Quantize the (f32/f16/bf16) GGUF ``src`` into ``out`` with llama.cpp's ``dtype`` recipe."""
    try:
        import llama_cpp
        from llama_cpp import _logger
    except ImportError as exc:
        raise ExportError(
            f"{dtype} needs llama.cpp's quantizer from llama-cpp-python (pip install 'synoema-assistant[gguf]')"
        ) from exc
    if dtype not in K_QUANTS:
        raise ExportError(
            f"llama.cpp quantization {dtype!r} is not offered; choose from {', '.join(K_QUANTS)}"
        )
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, K_QUANTS[dtype])
    params.nthread = threads or os.cpu_count() or 1
    previous = _logger.logger.level
    _logger.logger.setLevel(logging.ERROR)  # its per-tensor progress is noise here
    try:
        llama_cpp.llama_backend_init()
        status = llama_cpp.llama_model_quantize(str(src).encode(), str(out).encode(), params)
    finally:
        _logger.logger.setLevel(previous)
    if status != 0:
        raise ExportError(f"llama.cpp could not quantize {src.name} to {dtype} (status {status})")
