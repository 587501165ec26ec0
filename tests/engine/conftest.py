"""Fixtures for the engine tests: private user dirs, the tiny model (GGUF) and a real llama.cpp server.

The tiny model is built here from `training.tiny_model` (random weights, our own tokenizer): nothing is
downloaded. Tests that need llama-cpp-python or the training extra skip when it is missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_support import free_port


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Each test gets its own config/data/cache dirs and no stray SYNOEMA_* settings."""
    for name in list(os.environ):
        if name.startswith("SYNOEMA_"):
            monkeypatch.delenv(name)
    dirs = {kind: tmp_path / kind for kind in ("config", "data", "cache")}
    monkeypatch.setenv("SYNOEMA_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("SYNOEMA_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("SYNOEMA_CACHE_DIR", str(dirs["cache"]))
    return dirs


@pytest.fixture(scope="session")
def need_llama_cpp() -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed (bash .ci/build_llama_wheel.sh)")


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory, need_llama_cpp: None) -> Path:
    """A ~100k-parameter random Qwen2 chat model with a ChatML template, exported to GGUF."""
    for module in ("torch", "transformers", "tokenizers", "safetensors", "gguf"):
        pytest.importorskip(module)
    from training.gguf_export import export_gguf
    from training.tiny_model import build_tiny_model

    folder = build_tiny_model(tmp_path_factory.mktemp("engine-tiny") / "tiny-qwen2")
    return export_gguf(folder, folder.parent / "tiny-qwen2.gguf", dtype="f32").path


@pytest.fixture(scope="session")
def llama_server(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` on a free loopback port serving the tiny GGUF; yields the base URL."""
    import httpx

    for module in ("uvicorn", "fastapi", "sse_starlette", "starlette_context"):
        pytest.importorskip(module, reason="llama-cpp-python[server] extras missing")
    port = free_port()
    log = tmp_path_factory.mktemp("engine-server") / "llama_server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(tiny_gguf), "--model_alias", "tiny",
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "2", "--verbose", "False",
    ]  # fmt: skip
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not start in 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield f"{base}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
