"""Shared session fixtures: the tiny model (HF dir, GGUF, LoRA adapter) built once, and a real llama.cpp server.

Everything is generated locally in a temp dir; tests needing an extra that is not installed skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from model_support import serve_gguf


@pytest.fixture
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Private config/data/cache dirs for one test, and no stray SYNOEMA_* settings from the shell."""
    for name in list(os.environ):
        if name.startswith("SYNOEMA_"):
            monkeypatch.delenv(name)
    dirs = {kind: tmp_path / kind for kind in ("config", "data", "cache")}
    monkeypatch.setenv("SYNOEMA_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("SYNOEMA_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("SYNOEMA_CACHE_DIR", str(dirs["cache"]))
    return dirs


def _need_train_extra() -> None:
    for module in ("torch", "transformers", "tokenizers", "safetensors"):
        pytest.importorskip(module)


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Qwen2-architecture tiny model directory (tokenizer with ChatML template + random weights)."""
    _need_train_extra()
    from training.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny-qwen2")


@pytest.fixture(scope="session")
def tiny_gguf(tiny_dir: Path) -> Path:
    pytest.importorskip("gguf")
    from training.gguf_export import export_gguf

    return export_gguf(tiny_dir, tiny_dir.parent / "tiny-qwen2.gguf", dtype="f32").path


@pytest.fixture(scope="session")
def tiny_adapter(tiny_dir: Path) -> Path:
    """A freshly initialised LoRA adapter for the tiny model (B = 0, so it starts as the identity)."""
    pytest.importorskip("peft")
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(tiny_dir)
    peft_model = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    out = tiny_dir.parent / "tiny-lora"
    peft_model.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def need_llama_cpp() -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed (bash .ci/build_llama_wheel.sh)")


@pytest.fixture(scope="session")
def llama_server(
    tiny_gguf: Path, need_llama_cpp: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``python -m llama_cpp.server`` on a free loopback port, serving the tiny GGUF; yields base URL."""
    for module in ("uvicorn", "fastapi", "sse_starlette", "starlette_context"):
        pytest.importorskip(module, reason="llama-cpp-python[server] extras missing")
    with serve_gguf(tiny_gguf, tmp_path_factory.mktemp("server"), n_ctx=512, n_threads=1) as url:
        yield url
