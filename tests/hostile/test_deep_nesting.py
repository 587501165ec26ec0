"""Deeply nested valid programs (generated) either run and print the right value or end with a clean
`limit_exceeded`; never a MemoryError, RecursionError or SyntaxError from Python's own compiler."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synoema.api import run_source
from synoema.execute import Limits

# Each layer wraps an expression `e` of value v: (template, value of the result).
LAYERS = {
    "add": ("(1 + {e})", lambda v: v + 1),
    "sub": ("({e} - 1)", lambda v: v - 1),
    "neg": ("(0 - {e})", lambda v: -v),
    "list": ("head [({e})]", lambda v: v),
    "then": ("(? 1 == 1 -> {e} : 0)", lambda v: v),
    "else": ("(? 1 == 2 -> 0 : {e})", lambda v: v),
    "lambda": ("((\\x -> x) {e})", lambda v: v),
    "call": ("ident ({e})", lambda v: v),
    "record": ("{{a = {e}}}.a", lambda v: v),
    "sum": ("({e} + 2)", lambda v: v + 2),
    "cons": ("head (({e}) : [])", lambda v: v),
}
LIMITS = Limits(timeout=10.0, max_memory=512 << 20)


def build(layers: list[str]) -> tuple[str, int]:
    expr, value = "1", 1
    for name in layers:
        template, step = LAYERS[name]
        expr, value = template.format(e=expr), step(value)
    return f"ident x = x\nmain = {expr}\n", value


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.sampled_from(sorted(LAYERS)), min_size=150, max_size=700))
def test_deeply_nested_programs_run_or_end_cleanly(layers: list[str]) -> None:
    source, value = build(layers)
    result = run_source(source, limits=LIMITS)
    texts = " ".join(d.message for d in result.diagnostics)
    for word in ("MemoryError", "RecursionError", "SyntaxError", "too many nested", "internal"):
        assert word not in texts, texts[:300]
    if result.ok:
        assert result.stdout == f"{value}\n"
    else:
        assert [d.code for d in result.errors] == ["limit_exceeded"], texts[:300]


def test_hundreds_of_levels_of_each_kind_run() -> None:
    for name in sorted(LAYERS):
        source, value = build([name] * 400)
        result = run_source(source, limits=LIMITS)
        assert result.stdout == f"{value}\n", (name, [d.short() for d in result.diagnostics][:2])
