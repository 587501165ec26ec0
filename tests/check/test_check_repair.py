"""`synoema.repair`: every mistake the issue lists is repaired to a program with the intended output;
a program that checks is never touched; edits say what changed, where (in the original) and why."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from synoema.check import check
from synoema.execute import Limits
from synoema.repair import Edit, RepairResult, repair
from synoema.repair.mistakes import INJECTORS, inject

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"

# (mistake, broken program, what the repaired program prints)
MISTAKES = [
    ("list_commas", "main = [1, 2, 3]\n", "[1 2 3]\n"),
    ("list_commas", "f x = x * 10\nmain = [f 1, 2 + 3, -4]\n", "[10 5 -4]\n"),
    ("if_then_else", "f x = if x > 0 then \"pos\" else \"neg\"\nmain = f 3\n", "pos\n"),
    ("if_then_else", "f x =\n  if x > 0\n    then 1\n    else 2\nmain = f 0\n", "2\n"),
    ("if_then_else", "f x = 1 if x > 0 else 2\nmain = f 3\n", "1\n"),
    ("def_return", "def add(a, b):\n    return a + b\nmain = add 3 4\n", "7\n"),
    ("def_return", "def f(n):\n    if n <= 1:\n        return 1\n    return n * f(n - 1)\n\nmain = f 5\n", "120\n"),
    ("let_in", "f x = let y = x * 2 in y + 1\nmain = f 3\n", "7\n"),
    ("let_in", "f x =\n  let y = x * 2\n      z = y + 1\n  in y + z\nmain = f 3\n", "13\n"),
    ("let_in", "main = map (\\x -> let y = x * 2 in y + 1) [1 2]\n", "[3 5]\n"),
    ("where", "f x = y + 1\n  where y = x * 2\nmain = f 3\n", "7\n"),
    ("where", "f x = y + z\n  where\n    z = y * 2\n    y = x * 2\nmain = f 3\n", "18\n"),
    ("case_of", "f x = case x of\n  0 -> \"zero\"\n  n -> \"many\"\nmain = map f [0 3]\n", "[zero many]\n"),
    ("case_of", "Shape = Circle Int | Sq Int\narea s = case s of\n  Circle r -> r * r * 3\n  Sq w -> w * w\n"
                "main = area (Sq 3)\n", "9\n"),
    ("case_of", "f a b = case a + b of\n  0 -> \"zero\"\n  n -> show (n + a)\nmain = f 1 2\n", "4\n"),
    ("lambda", "main = map (x -> x * 2) [1 2 3]\n", "[2 4 6]\n"),
    ("lambda", "main = foldl (acc x -> acc + x) 0 [1 2 3]\n", "6\n"),
    ("lambda", "main = map (lambda x: x * 2) [1 2 3]\n", "[2 4 6]\n"),
    ("lambda", "main = map ((a) => a + 1) [1 2]\n", "[2 3]\n"),
    ("comments", "// the answer\nmain = 42 // printed\n", "42\n"),
    ("comments", "# the answer\nmain = 42  # printed\n", "42\n"),
    ("string_plus", 'main = "a" + "b"\n', "ab\n"),
    ("string_plus", 'greet name = "Hello, " + name + "!"\nmain = greet "Ada"\n', "Hello, Ada!\n"),
    ("string_plus", 'n = 3\nmain = "n = " + n\n', "n = 3\n"),
    ("indexing", "xs = [10 20 30]\nmain = xs[1]\n", "20\n"),
    ("indexing", 'main = "hello"[1]\n', "e\n"),
    ("indexing", "xs = [1 2 3 4]\nmain = xs[1:3]\n", "[2 3]\n"),
    ("names", "main = len [1 2 3]\n", "3\n"),
    ("names", 'main = len "abcd"\n', "4\n"),
    ("names", "main = str 5 ++ toString 6\n", "56\n"),
    ("names", "main = foldr (\\x acc -> x + acc) 0 [1 2 3]\n", "6\n"),
    ("names", "main = concat [[1] [2 3]]\n", "[1 2 3]\n"),
    ("names", 'main = split "," "a,b,c"\n', "[a b c]\n"),
    ("names", 'main = upper "abc"\n', "ABC\n"),
    ("names", "main = lenght [1 2]\n", "2\n"),
    ("cons_pattern", "f [] = 0\nf x:xs = x + f xs\nmain = f [1 2 3]\n", "6\n"),
    ("call_syntax", "add a b = a + b\nmain = add(1, 2)\n", "3\n"),
    ("call_syntax", 'add a b = a + b\nmain = print(add(add(1, 2), 3))\n', "6\n()\n"),
    ("missing_main", "double x = x * 2\ndouble 21\n", "42\n"),
    ("missing_main", "double x = x * 2\nprint (double 1)\ndouble 21\n", "2\n42\n"),
]


def output_of(source: str) -> str:
    report = check(source, isolate=False, limits=Limits(timeout=5.0))
    assert report.ok, report.summary()
    return report.stdout


@pytest.mark.parametrize(("kind", "broken", "expected"), MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_mistake_is_repaired(kind: str, broken: str, expected: str) -> None:
    assert not check(broken, run=False).ok
    result = repair(broken)
    assert result.ok and result.changed, (result.source, [d.short() for d in result.diagnostics])
    assert output_of(result.source) == expected
    assert result.edits and all(isinstance(e, Edit) and e.reason and e.rule for e in result.edits)
    assert result.report is not None and result.report.ok
    # repairing again changes nothing
    assert repair(result.source).changed is False


def test_edit_spans_point_into_the_original() -> None:
    src = "-- sums\nmain =\n  xs = [1, 2, 3]\n  len xs\n"
    result = repair(src)
    assert result.ok
    by_rule = {e.rule: e for e in result.edits}
    commas, name = by_rule["list_commas"], by_rule["foreign_name"]
    assert (commas.span.line, commas.span.col) == (3, 8)
    assert src[commas.span.offset:commas.span.end_offset] == "[1, 2, 3]" == commas.before
    assert commas.after == "[1 2 3]"
    assert (name.span.line, src[name.span.offset:name.span.end_offset]) == (4, "len")
    assert name.note().startswith("line 4: ")
    assert result.notes == [e.note() for e in result.edits]


def test_programs_that_check_are_never_changed() -> None:
    programs = sorted(CONFORMANCE.glob("*/*.sno"))
    assert programs
    for path in programs:
        source = path.read_text(encoding="utf-8")
        if not check(source, filename=str(path), run=False).ok:
            continue
        result = repair(source, filename=str(path))
        assert not result.changed and result.source == source and result.ok and not result.edits, path


def test_bare_expressions_stay_expressions() -> None:
    result = repair("[1, 2, 3]")
    assert result.source == "[1 2 3]" and result.ok
    result = repair("len [1 2 3]\n")
    assert result.source == "length [1 2 3]\n"
    assert result.report.shape == "expression"
    span = result.edits[0].span
    assert (span.line, span.col, span.offset) == (1, 1, 0)


def test_a_helper_turns_an_expression_into_a_program() -> None:
    result = repair("foldr (\\x acc -> x + acc) 0 [1 2 3]")
    assert result.ok and "foldr f z xs =" in result.source
    assert output_of(result.source) == "6\n"


def test_what_cannot_be_repaired_is_left_alone() -> None:
    for src in ["main = ", "this is not code at all\nreally\n", "main = undefined_thing 3\n"]:
        result = repair(src)
        assert isinstance(result, RepairResult)
        assert not result.ok and result.diagnostics
        if not result.changed:
            assert result.source == src and result.edits == []


def test_rounds_are_bounded() -> None:
    broken = "def f(x):\n    return x + 1\nmain = map (y -> f y) [1, 2, 3]\n"
    full = repair(broken)
    assert full.ok and output_of(full.source) == "[2 3 4]\n"
    assert 1 <= full.rounds <= 8
    assert repair(broken, max_rounds=1).rounds == 1


@pytest.mark.parametrize("junk", ["\x00\x01\x02", "((((((((", "`" * 50, "main = [" * 300, "def def def(:", "\t\t\tx",
                                  "case of of of ->", "let in let in", "where where", "if then else"])
def test_garbage_never_raises(junk: str) -> None:
    result = repair(junk)
    assert isinstance(result, RepairResult) and not result.ok


def test_imports_resolve_next_to_the_file() -> None:
    path = CONFORMANCE / "modules" / "import_file_wildcard.sno"
    broken = path.read_text(encoding="utf-8").replace("rect_area 2 7", "rect_area(2, 7)")
    assert "rect_area(2, 7)" in broken
    result = repair(broken, filename=str(path))
    assert result.ok and "rect_area 2 7" in result.source


def test_injected_mistakes_are_repaired_to_the_original_output() -> None:
    """A small, seeded slice of benchmarks/bench_repair.py (one and two mistakes)."""
    programs = [p for p in sorted(CONFORMANCE.glob("*/*.sno")) if p.with_suffix(".out").exists()
                and not p.with_suffix(".in").exists() and not p.with_suffix(".args").exists()]
    rng = random.Random(11)
    tried = repaired = 0
    for n in (1, 2):
        for _ in range(3000):
            if tried >= 40 * n:
                break
            path = rng.choice(programs)
            source = path.read_text(encoding="utf-8")
            kinds = rng.sample(sorted(INJECTORS), n)
            broken = inject(source, kinds, random.Random(rng.random()))
            if broken is None or check(broken, filename=str(path), run=False).ok:
                continue
            tried += 1
            result = repair(broken, filename=str(path))
            want = check(source, filename=str(path), isolate=False).stdout
            got = check(result.source, filename=str(path), isolate=False)
            repaired += got.ok and got.stdout == want
    assert tried >= 60
    assert repaired / tried >= 0.85
