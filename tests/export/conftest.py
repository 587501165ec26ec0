"""Tiny checkpoints for the exporter tests beyond the shared Qwen2 one (``tiny_dir``)."""

from __future__ import annotations

from pathlib import Path

import pytest


def _build(tmp_path_factory: pytest.TempPathFactory, name: str, **spec: object) -> Path:
    for module in ("torch", "transformers", "tokenizers", "safetensors", "gguf"):
        pytest.importorskip(module)
    from training.tiny_model import TinySpec, build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("export") / name, TinySpec(**spec))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def llama_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Llama architecture with a separate (untied) output matrix."""
    return _build(tmp_path_factory, "tiny-llama", arch="llama", seed=1, tie_embeddings=False)


@pytest.fixture(scope="session")
def qwen3_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Qwen3 (q/k norms) with an explicit head_dim that differs from hidden / heads."""
    return _build(tmp_path_factory, "tiny-qwen3", arch="qwen3", seed=2, head_dim=32)


@pytest.fixture(scope="session")
def wide_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rows of 256, so llama.cpp's k-quants apply instead of falling back to simpler types."""
    return _build(tmp_path_factory, "tiny-wide", hidden_size=256, intermediate_size=512, seed=4)


@pytest.fixture(autouse=True, scope="package")
def _one_torch_thread() -> object:
    """Tiny matmuls run far faster on one thread than on two contended ones (restored afterwards)."""
    try:
        import torch
    except ImportError:
        yield None
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield None
    torch.set_num_threads(before)
