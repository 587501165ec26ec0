"""Fixtures of the dialogue tests: a small synth corpus and one CLI build from it, made once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("datasketch", reason="the dialogue corpus needs the [corpus] extra (datasketch)")

from dialogue_support import PER_KIND, run_cli


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 150-program synth corpus (seed 5), split by family; read-only for the tests."""
    from corpus.build import Builder
    from corpus.gates import Gates
    from corpus.generators.synth import SynthGenerator
    from corpus.split import split_corpus
    from corpus.store import CorpusDir

    out = tmp_path_factory.mktemp("dialogue-corpus") / "corpus"
    result = Builder(out, SynthGenerator(5), Gates.create(), target=150, seed=5, batch=64).run()
    assert result.complete, result
    split_corpus(CorpusDir(out))
    return out


@pytest.fixture(scope="session")
def built(small_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`synoema-dialogue build --per-kind PER_KIND` from the small corpus, through the command line."""
    out = tmp_path_factory.mktemp("dialogue-build") / "built"
    done = run_cli("build", "--programs", str(small_corpus), "--out", str(out), "--per-kind", str(PER_KIND))
    assert done.returncode == 0, done.stdout + done.stderr
    return out
