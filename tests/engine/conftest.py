"""Fixtures for the engine tests: private user dirs, the tiny model (GGUF) and a real llama.cpp server.

The tiny model is built here from `training.tiny_model` (random weights, our own tokenizer): nothing is
downloaded. Tests that need llama-cpp-python or the training extra skip when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from model_support import serve_gguf


@pytest.fixture(autouse=True)
def isolated_dirs(user_dirs: dict[str, Path]) -> dict[str, Path]:
    """Each test gets its own config/data/cache dirs and no stray SYNOEMA_* settings."""
    return user_dirs


@pytest.fixture(scope="session")
def tiny_gguf(tiny_gguf: Path, need_llama_cpp: None) -> Path:
    """The shared tiny model (tests/conftest.py); engine tests also need llama-cpp-python."""
    return tiny_gguf


@pytest.fixture(scope="session")
def llama_server(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real llama.cpp server with a context large enough for the engine's prompts."""
    with serve_gguf(tiny_gguf, tmp_path_factory.mktemp("engine-server"), n_ctx=2048, n_threads=2) as url:
        yield url
