"""Every test here runs with its own config/data/cache dirs and no stray SYNOEMA_* settings."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(user_dirs: dict[str, Path]) -> dict[str, Path]:
    """Each test gets its own config/data/cache dirs and no stray SYNOEMA_* settings."""
    return user_dirs
