"""The prelude's types, exhaustiveness warnings, the printer, and the API's guarantees."""

from __future__ import annotations

import pytest

from synoema.types import check_unit, format_type, prelude_report
from synoema.types.core import GENERIC, INT, STRING, TRecord, TVar, fn, list_of, pair_of

PRELUDE_TYPES = {
    "map_ok": "(a -> b) -> Result a c -> Result b c",
    "map_err": "(a -> b) -> Result c a -> Result c b",
    "unwrap": "Result a b -> a",
    "unwrap_or": "a -> Result a b -> a",
    "and_then": "(a -> Result b c) -> Result a c -> Result b c",
    "sequence_results": "List (Result a b) -> Result (List a) b",
    "fst": "Pair a b -> a",
    "map_empty": "Map a b",
    "map_lookup": "Ord a => a -> Map a b -> Result b String",
    "map_insert": "Ord a => a -> b -> Map a b -> Map a b",
    "map_update": "Eq a => a -> (b -> b) -> Map a b -> Map a b",
    "map_keys": "Map a b -> List a",
    "json_get": "String -> JsonValue -> Result JsonValue String",
    "json_obj": "JsonValue -> List (Pair String JsonValue)",
    "for_each": "(a -> ()) -> List a -> ()",
}


def test_prelude_type_checks_with_expected_types() -> None:
    report = prelude_report()
    assert report.ok, [d.short() for d in report.diagnostics]
    sigs = dict(report.signatures)
    for name, expected in PRELUDE_TYPES.items():
        assert sigs[name] == expected, name


def test_prelude_unit_checked_as_a_program(tc) -> None:
    from synoema.types import prelude_unit

    report = check_unit(prelude_unit())
    assert report.ok
    assert dict(report.signatures)["map_ok"] == PRELUDE_TYPES["map_ok"]


# ── exhaustiveness ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("source", "missing"),
    [
        ("Opt a = Some a | Empty\nvalue (Some v) = v", ["Empty"]),
        ("Light = Red | Amber | Green\nnext Red = Green\nnext Green = Amber", ["Amber"]),
        ("hd (v:_) = v", ["[]"]),
        ("only_zero 0 = 1", ["_"]),
        ("f true = 1", ["false"]),
        ("Opt a = Some a | Empty\nboth (Some a) (Some b) = a + b\nboth Empty _ = 0", ["(Some _) Empty"]),
        ("pairs [a b] = a\npairs [] = 0", ["(_:[])", "(_:(_:(_:_)))"]),
        ("T = A | B | C\nnest (A) = 0", ["B", "C"]),
    ],
)
def test_non_exhaustive_warning_names_missing_cases(tc, source: str, missing: list[str]) -> None:
    c = tc.check(source)
    assert not c.errors
    [w] = c.warnings
    assert w.code == "non_exhaustive" and w.severity == "warning"
    assert w.data["missing"] == missing
    for m in missing:
        assert m in w.message


@pytest.mark.parametrize(
    "source",
    [
        "Opt a = Some a | Empty\nget (Some v) = v\nget Empty = 0",
        "len [] = 0\nlen (_:r) = 1 + len r",
        "f 0 = 1\nf n = n",
        "g true = 1\ng false = 0",
        "swap (a, b) = (b, a)",
        "h {x} = x",
        "Opt a = Some a | Empty\nz (Some (Some v)) = v\nz (Some Empty) = 0\nz Empty = 1",
    ],
)
def test_exhaustive_functions_get_no_warning(tc, source: str) -> None:
    c = tc.check(source)
    assert not c.report.diagnostics, [d.short() for d in c.report.diagnostics]


def test_lambda_exhaustiveness(tc) -> None:
    c = tc.check("f = \\(v:_) -> v")
    assert [w.code for w in c.warnings] == ["non_exhaustive"]


# ── printer ──────────────────────────────────────────────────────────────────────────────────


def test_format_type_conventions() -> None:
    a, b = TVar(GENERIC), TVar(GENERIC)
    assert format_type(fn(fn(a, b), fn(list_of(a), list_of(b)))) == "(a -> b) -> List a -> List b"
    assert format_type(pair_of(INT, STRING)) == "{fst : Int, snd : String}"
    assert format_type(TRecord({"x": b}, TVar(GENERIC, row=True))) == "{x : a, ..}"
    assert format_type(list_of(list_of(INT))) == "List (List Int)"
    c = TVar(GENERIC, frozenset({"Ord"}))
    d = TVar(GENERIC, frozenset({"Eq", "Show"}))
    assert format_type(fn(c, d)) == "(Ord a, Eq b, Show b) => a -> b"
    assert format_type(fn(c, c)) == "Ord a => a -> a"


# ── robustness ───────────────────────────────────────────────────────────────────────────────


def test_deep_nesting_never_raises(tc) -> None:
    depth = 3000
    src = "x = " + "(" * depth + "1" + ")" * depth
    c = tc.check(src)  # the parser or the checker reports a limit; nothing raises
    assert isinstance(c.report.diagnostics, list)


def test_nesting_the_parser_accepts_is_checked(tc) -> None:
    src = "xs = " + " : ".join(["1"] * 600) + " : []"
    c = tc.check(src)
    assert not [d for d in c.front if d.is_error]
    assert c.sigs == {"xs": "List Int"}


def test_unresolved_names_do_not_cascade(tc) -> None:
    c = tc.check("f x = undefined_thing x + 1\ng = f 2")
    assert not c.errors
    assert any(d.code == "unbound_variable" for d in c.front)
