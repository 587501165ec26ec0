"""Fixtures of the corpus tests: one small synth corpus built once per session and shared read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("datasketch", reason="the corpus needs the [corpus] extra (datasketch)")

from corpus_support import SESSION_SEED, SESSION_TARGET, build_synth


@pytest.fixture(scope="session")
def synth_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 400-program synth corpus (seed 3); tests copy it before changing anything."""
    out = tmp_path_factory.mktemp("corpus") / "synth"
    result = build_synth(out, target=SESSION_TARGET, seed=SESSION_SEED)
    assert result.complete, result
    return out


@pytest.fixture
def corpus_copy(synth_corpus: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(synth_corpus, dst)
    return dst
