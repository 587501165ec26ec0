"""Property tests: any input, however broken, gives diagnostics (never an exception) within limits."""

from __future__ import annotations

import glob
import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synoema.api import check_source, eval_source, run_source
from synoema.execute import Limits
from synoema.parser import parse

ROOT = os.path.join(os.path.dirname(__file__), "..", "conformance")
PROGRAMS = sorted(glob.glob(os.path.join(ROOT, "**", "*.sno"), recursive=True))
TOKENS = [
    "f", "x", "xs", "main", "=", " ", "\n", "  ", "->", "<-", "?", ":", "(", ")", "[", "]", "{", "}", "\\",
    "1", "2.5", '"s"', '"${x}"', "'c'", "+", "-", "*", "/", "%", "++", "|>", ">>", "==", "<", "&&", "||",
    "..", ",", "|", "Just", "Ok", "mod", "use", "import", "trait", "impl", "type", "test", "prop", "when",
    "derive", "...", ".", "_", ";", "--", "---", "#", "!", "$", "print", "head", "if", "then", "else",
]
LIMITS = Limits(timeout=2.0, max_depth=5_000, max_output=10_000, max_memory=256 << 20, max_range=100_000)


def _mutate(src: str, rnd: random.Random) -> str:
    chars = list(src)
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(4)
        i = rnd.randrange(len(chars) + 1)
        if op == 0 and chars:
            del chars[min(i, len(chars) - 1)]
        elif op == 1:
            chars.insert(i, rnd.choice(TOKENS))
        elif op == 2 and chars:
            j = rnd.randrange(len(chars))
            chars[min(i, len(chars) - 1)], chars[j] = chars[j], chars[min(i, len(chars) - 1)]
        else:
            chars.insert(i, rnd.choice(" \n\t"))
    return "".join(chars)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_token_soup_never_raises(tokens: list[str]) -> None:
    src = " ".join(tokens)
    parse(src)
    check_source(src)
    r = run_source(src, limits=LIMITS)
    assert r.exit_code in (0, 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=len(PROGRAMS) - 1))
def test_mutated_programs_never_raise(seed: int, which: int) -> None:
    with open(PROGRAMS[which], encoding="utf-8") as fh:
        src = fh.read()
    mutated = _mutate(src, random.Random(seed))
    r = run_source(mutated, limits=LIMITS)
    assert r.exit_code in (0, 1)
    if r.exit_code == 1:
        assert r.diagnostics and all(d.code and d.message for d in r.diagnostics)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_text_as_expression(text: str) -> None:
    r = eval_source(text, limits=LIMITS)
    assert r.exit_code in (0, 1)
