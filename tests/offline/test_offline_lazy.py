"""What the offline engine loads up front and what it leaves for the kinds that need it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge import Fences, Passage, load_passages
from assistant.offline import Knowledge, OfflineEngine
from assistant.offline.retrieval import Retriever, cached_index_fields, index_fields


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYNOEMA_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SYNOEMA_NO_CACHE", raising=False)
    return tmp_path


def test_knowledge_reads_passages_and_seeds_on_first_use() -> None:
    knowledge = Knowledge.load()
    assert knowledge._passages is None and knowledge._seed_qa is None
    assert knowledge.fences.code == "sno"
    assert [p.id for p in knowledge.passages] == [p.id for p in load_passages()]
    assert knowledge.seed_qa and all(
        qa.topics[0] in {p.id for p in knowledge.passages} for qa in knowledge.seed_qa
    )


def test_given_passages_come_without_seeds() -> None:
    passage = Passage("p-1", "Joining", ("join",), "Use ++.")
    knowledge = Knowledge(Fences("sno", "sno quoted", "output"), [passage])
    assert knowledge.passages == (passage,) and knowledge.seed_qa == ()
    assert knowledge.passage("p-1") is passage and knowledge.passage("nope") is None


def test_explain_does_not_build_the_index() -> None:
    engine = OfflineEngine(strict=True)
    text = "".join(engine.answer("explain", "```sno\nmain = 1 + 2\n```"))
    assert "3" in text
    assert engine._asker is None and engine.knowledge._passages is None
    assert "".join(engine.answer("ask", "how do I join two strings"))
    assert engine._asker is not None


def test_warm_builds_everything() -> None:
    engine = OfflineEngine(strict=True)
    engine.warm()
    assert engine._asker is not None


def test_cached_index_terms_equal_fresh_ones(cache_dir: Path) -> None:
    knowledge = Knowledge.load()
    fresh = index_fields(knowledge)
    assert cached_index_fields(knowledge) == fresh  # builds and stores
    assert (cache_dir / "offline-index.json").is_file()
    assert cached_index_fields(knowledge) == fresh  # read back
    assert [d.key for d in Retriever(knowledge).index.docs] == [pid for pid, _ in fresh]


def test_index_terms_follow_the_passages(cache_dir: Path) -> None:
    fences = Fences("sno", "sno quoted", "output")
    one = Knowledge(fences, [Passage("a", "Joining strings", ("join",), "Use ++ to join.")])
    two = Knowledge(fences, [Passage("a", "Mapping lists", ("map",), "Use map.")])
    assert cached_index_fields(one) == index_fields(one)
    assert cached_index_fields(two) == index_fields(two) != index_fields(one)
