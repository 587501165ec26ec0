"""Nothing raises on garbage: random text, random code-like token soup, odd kinds and histories."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from offline_programs import PROGRAMS
from offline_support import engine

from assistant.engine.types import Kind

KINDS = [k.value for k in Kind]
TOKENS = ["main", "=", "f", "x", "xs", "(", ")", "[", "]", "{", "}", "?", "->", ":", "|>", "++", "\\", "1", "0",
          '"s"', "\n", "\n  ", " ", "print", "map", "head", "Just", "Ok", "Err", ",", "..", "mod", "use", "trait",
          "impl", "derive", "|", "_", "-", "*", "==", "<-", ";", "```sno\n", "```", "${", "'", "--"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _drain(kind: str, text: str, history: object = ()) -> str:
    chunks = list(engine().answer(kind, text, history))  # type: ignore[arg-type]
    assert all(isinstance(c, str) for c in chunks)
    return "".join(chunks)


@SETTINGS
@given(kind=st.sampled_from(KINDS), text=st.text(max_size=300))
def test_random_text(kind: str, text: str) -> None:
    assert _drain(kind, text)


@SETTINGS
@given(kind=st.sampled_from(KINDS), parts=st.lists(st.sampled_from(TOKENS), max_size=60))
def test_code_like_soup(kind: str, parts: list[str]) -> None:
    soup = " ".join(parts)
    assert _drain(kind, soup)
    assert _drain(kind, f"```sno\n{soup}\n```")


@SETTINGS
@given(name=st.sampled_from(sorted(PROGRAMS)), cut=st.integers(min_value=0, max_value=400),
       kind=st.sampled_from(KINDS))
def test_truncated_programs(name: str, cut: int, kind: str) -> None:
    source = PROGRAMS[name][0]
    assert _drain(kind, f"```sno\n{source[:cut]}\n```")


@SETTINGS
@given(history=st.lists(st.tuples(st.sampled_from(["user", "assistant", "system", "x"]), st.text(max_size=80)),
                        max_size=4))
def test_odd_histories(history: list[tuple[str, str]]) -> None:
    assert _drain("explain", "what does it print?", history)


def test_unknown_kind_and_non_string_input() -> None:
    assert "Unknown request kind" in _drain("poem", "hello")
    assert _drain(Kind.ASK, None)  # type: ignore[arg-type]
    assert _drain("review", "x", [object(), ("user",), ("user", 3)])


def test_runaway_programs_are_stopped() -> None:
    loop = "spin n = spin (n + 1)\n\nmain = spin 0\n"
    for kind in ("explain", "fix", "review"):
        assert _drain(kind, f"```sno\n{loop}```")
