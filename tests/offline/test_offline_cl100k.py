"""The pure-Python cl100k counter gives tiktoken's counts, and `count_tokens` uses it only when it may."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from assistant.offline import cl100k, tokens

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def encoding():  # type: ignore[no-untyped-def]
    tiktoken = pytest.importorskip("tiktoken")
    for name in cl100k.ENCODINGS:
        try:
            return tiktoken.get_encoding(name)
        except Exception:
            continue
    pytest.skip("no cl100k vocabulary available offline")


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYNOEMA_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SYNOEMA_NO_CACHE", raising=False)
    monkeypatch.setattr(cl100k, "_ranks", None)
    monkeypatch.setattr(cl100k, "_loaded", False)
    return tmp_path


def _samples() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("**/*.sno")) if ".venv" not in p.parts][
        :200
    ]
    rng = random.Random(7)
    alphabet = "abXY sS'tTlLvVeErRdDmM0129 \t\n\r.,;:!?()[]{}-+*/=<>_\"`~@#$%^&|\\"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts += [
        "".join(chr(rng.choice([9, 10, 13, *range(32, 127)])) for _ in range(rng.randint(0, 120)))
        for _ in range(500)
    ]
    texts += [
        "",
        " ",
        "\n",
        "\r\n",
        " \n ",
        "a  ",
        "a\n\n",
        "  a",
        "'s",
        "'LL",
        "x's",
        "123456",
        "\t\t x",
        "?!\n\n",
        " ...\r\n",
        "<|endoftext|> is text",
        "hello world  \n",
    ]
    return texts


def test_counts_equal_tiktoken(encoding, fresh_cache: Path) -> None:  # type: ignore[no-untyped-def]
    cl100k.save_ranks(encoding)
    ranks = cl100k.saved_ranks()
    assert ranks is not None and (fresh_cache / cl100k.CACHE_NAME).is_file()
    checked = 0
    for text in _samples():
        if cl100k.plain(text):
            assert cl100k.count(text, ranks) == len(encoding.encode(text, disallowed_special=())), repr(text)
            checked += 1
    assert checked > 3000


def test_non_ascii_text_is_left_to_tiktoken() -> None:
    assert cl100k.plain("main = print 1\n\tx\r\n")
    assert not cl100k.plain('main = print "héllo"')
    assert not cl100k.plain("a\x0bb")


def test_count_tokens_saves_then_reuses_the_vocabulary(encoding, fresh_cache: Path) -> None:  # type: ignore[no-untyped-def]
    code = "double xs = map (\\x -> x * 2) xs\n\nmain = double [1 2 3]\n"
    tokens._encoding.cache_clear()
    try:
        first = tokens.count_tokens(code)  # loads tiktoken, which saves the vocabulary
        assert (fresh_cache / cl100k.CACHE_NAME).is_file()
        again = tokens.count_tokens(code)
        assert first == again == tokens.TokenCount(len(encoding.encode(code)), tokens.TIKTOKEN_METHOD, True)
        accented = tokens.count_tokens('main = print "héllo"\n')
        assert accented.tokens == len(encoding.encode('main = print "héllo"\n'))
    finally:
        tokens._encoding.cache_clear()


def test_a_corrupt_or_foreign_cache_is_ignored(fresh_cache: Path) -> None:
    (fresh_cache / cl100k.CACHE_NAME).write_bytes(b"not marshal data")
    assert cl100k.saved_ranks() is None


def test_no_cache_setting_turns_it_off(encoding, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SYNOEMA_NO_CACHE", "1")
    cl100k.save_ranks(encoding)
    assert not (fresh_cache / cl100k.CACHE_NAME).exists()
    assert cl100k.saved_ranks() is None
