"""Fixtures of the check/sandbox/repair tests: one small worker pool shared by a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from synoema.sandbox import WorkerPool


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(1) as p:
        p.warm()
        yield p
