"""Fixtures for the evaluation tests: private user dirs, the task sets, an answerable stub server."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.tasks import TaskSet, load_tasks


@pytest.fixture(autouse=True)
def isolated_dirs(user_dirs: dict[str, Path]) -> dict[str, Path]:
    """No test reads or writes the real user's config, history or dialogue folders."""
    return user_dirs


@pytest.fixture(scope="session")
def standard() -> TaskSet:
    return load_tasks("standard")


@pytest.fixture(scope="session")
def fifty() -> TaskSet:
    return load_tasks("fifty")
