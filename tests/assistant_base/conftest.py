"""Every test here runs with its own config/data/cache dirs and no stray SYNOEMA_* settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    for name in list(os.environ):
        if name.startswith("SYNOEMA_"):
            monkeypatch.delenv(name)
    dirs = {kind: tmp_path / kind for kind in ("config", "data", "cache")}
    monkeypatch.setenv("SYNOEMA_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("SYNOEMA_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("SYNOEMA_CACHE_DIR", str(dirs["cache"]))
    return dirs
