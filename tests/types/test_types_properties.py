"""Properties: the checker never raises (nor fails internally) on random or mutated programs, and
a program it accepts runs without a runtime type error."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synoema.lexer import lex

# check_unit raises the recursion limit on first use; do it up front so hypothesis sees no change.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 8000))

SUITE = Path(__file__).resolve().parent.parent / "conformance"
PROGRAMS = sorted(
    p.read_text(encoding="utf-8")
    for p in SUITE.glob("*/*.sno")
    if p.with_suffix(".out").exists() or p.with_suffix(".sig").exists()
    if p.parent.name not in ("modules", "io")
) or ["main = 1"]

REPLACEMENTS = [
    "0", "1", "2.5", '"s"', "'c'", "true", "[]", "[1]", '["a"]', "()", "{x = 1}", "(1, 2)", "(\\v -> v)",
    "show", "length", "head", "map", "foldl", "(Ok 1)", "Err", "str_len", "(-1)", "x", "xs",
]

# ── random programs from a small grammar ─────────────────────────────────────────────────────

ATOMS = st.sampled_from(["0", "1", "2.5", '"a"', "'c'", "true", "x", "y", "xs", "f", "[]", "()", "Leaf",
                         "show", "length", "map", "foldl", "str_len", "head", "Ok", "Node"])
OPS = st.sampled_from(["+", "-", "*", "/", "%", "++", "==", "<", "&&", "||", ":", "|>", ">>", ";"])


def _expr() -> st.SearchStrategy[str]:
    return st.recursive(
        ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, OPS, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"({t[0]} {t[1]})"),
            st.lists(inner, max_size=3).map(lambda xs: "[" + " ".join(f"({x})" for x in xs) + "]"),
            st.tuples(inner, inner, inner).map(lambda t: f"(? {t[0]} -> {t[1]} : {t[2]})"),
            inner.map(lambda b: f"(\\x -> {b})"),
            st.tuples(inner, inner).map(lambda t: f"{{x = {t[0]}, y = {t[1]}}}"),
            inner.map(lambda b: f"({b}).x"),
            st.tuples(inner, inner).map(lambda t: f"({t[0]}, {t[1]})"),
            inner.map(lambda b: f'"v ${{{b}}}"'),
        ),
        max_leaves=8,
    )


PATTERNS = st.sampled_from(["x", "_", "0", "[]", "(x:xs)", "Leaf", "(Node l v r)", "(x, y)", "{x}", '"s"', "true"])


@st.composite
def programs(draw: st.DrawFn) -> str:
    lines = ["Tree a = Leaf | Node (Tree a) a (Tree a)"]
    for i in range(draw(st.integers(1, 4))):
        params = draw(st.lists(PATTERNS, max_size=2))
        lines.append(f"f{i} {' '.join(params)} = {draw(_expr())}".replace("  ", " "))
        if draw(st.booleans()):
            lines.append(f"f{i} {' '.join('_' for _ in params)} = {draw(_expr())}".replace("  ", " "))
    lines.append(f"main = {draw(_expr())}")
    return "\n".join(lines) + "\n"


def mutate(source: str, choices: list[int], replacement: str) -> str:
    """Replace one token of `source` (chosen by `choices`) with `replacement`."""
    toks = [t for t in lex(source).tokens if t.kind not in ("EOF",) and t.span.end_offset > t.span.offset]
    if not toks:
        return source
    t = toks[choices[0] % len(toks)]
    return source[: t.span.offset] + replacement + source[t.span.end_offset :]


def check(tc, source: str):
    return tc.check(source, record_types=True).report


def assert_no_internal_failure(report) -> None:
    assert not [d for d in report.diagnostics if d.code == "internal_error"], [d.message for d in report.diagnostics]
    for name, text in report.signatures:
        assert isinstance(name, str) and isinstance(text, str)
    for d in report.diagnostics:
        assert d.code and d.message
        if d.is_error and d.code != "limit_exceeded":
            assert d.span is not None and d.span.line >= 1


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_never_raises_on_generated_programs(tc, source: str) -> None:
    report = check(tc, source)
    assert_no_internal_failure(report)


@FUZZ
@given(st.sampled_from(PROGRAMS), st.lists(st.integers(0, 10_000), min_size=1, max_size=1),
       st.sampled_from(REPLACEMENTS))
def test_never_raises_on_mutated_programs(tc, source: str, choices: list[int], replacement: str) -> None:
    report = check(tc, mutate(source, choices, replacement))
    assert_no_internal_failure(report)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("abxyz01 =+-*/()[]{}:;,.\\?->\"'\n|_<TSL")), max_size=80))
def test_never_raises_on_noise(tc, source: str) -> None:
    report = check(tc, source)
    assert_no_internal_failure(report)


# ── soundness: accepted programs run without runtime type errors ─────────────────────────────

TYPE_FAILURES = ("internal runtime error", "has no field", "not a record", "is not a number")
HAS_API = importlib.util.find_spec("synoema.api") is not None


def _run_accepted(source: str) -> None:
    from synoema import api
    from synoema.execute import Limits

    checked = api.check_source(source, "p.sno")
    if not checked.ok:
        return
    result = api.run_source(source, filename="p.sno", limits=Limits(timeout=2.0, max_memory=1 << 28))
    bad = [d for d in result.diagnostics if d.is_error and any(s in d.message for s in TYPE_FAILURES)]
    assert not bad, f"{bad[0].message}\n--- program ---\n{source}"


@pytest.mark.skipif(not HAS_API, reason="synoema.api (the evaluator) is not available yet")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PROGRAMS), st.lists(st.integers(0, 10_000), min_size=1, max_size=1),
       st.sampled_from(REPLACEMENTS))
def test_accepted_mutants_run_without_type_errors(source: str, choices: list[int], replacement: str) -> None:
    _run_accepted(mutate(source, choices, replacement))


@pytest.mark.skipif(not HAS_API, reason="synoema.api (the evaluator) is not available yet")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_accepted_generated_programs_run_without_type_errors(source: str) -> None:
    _run_accepted(source)
