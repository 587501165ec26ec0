"""Type diagnostics: codes, the smallest span, expected/found notes, concrete hints, recovery."""

from __future__ import annotations

import pytest

# (source, code, line, col) of the first type error
FIRST_ERRORS: list[tuple[str, str, int, int]] = [
    ("b = 1 && true", "type_mismatch", 1, 5),
    ("five = 5\nbad = five 3", "type_mismatch", 2, 7),
    ("inc n = n + 1\nbad = inc 1 2", "type_mismatch", 2, 13),
    ('pick b = ? b -> 1 : "one"', "type_mismatch", 1, 21),
    ("n = str_len 42", "type_mismatch", 1, 13),
    ('same = 1 == "1"', "type_mismatch", 1, 13),
    ('s = "abc" ++ [1]', "type_mismatch", 1, 14),
    ('pick n = ? n + 1 -> "yes" : "no"', "type_mismatch", 1, 12),
    ('xs = 1 : ["a"]', "type_mismatch", 1, 10),
    ('Shape = Circle Float | Square Float\nc = Circle "big"', "type_mismatch", 2, 12),
    ("t = foldl (\\acc v -> acc ++ v) 0 [[1]]", "type_mismatch", 1, 32),
    ("bad = 1 + 2.5", "type_mismatch", 1, 11),
    ("n = length 7", "type_mismatch", 1, 12),
    ("lens = map (\\s -> str_len s) [1 2]", "type_mismatch", 1, 30),
    ('mixed = [1 "two" 3]', "type_mismatch", 1, 12),
    ("n = Ok 1 + 1", "type_mismatch", 1, 5),
    ("bump : a -> a\nbump v = v + 1", "type_mismatch", 2, 10),
    ("keep : a -> b -> b\nkeep x y = x", "type_mismatch", 2, 12),
    ("describe : Int -> String\ndescribe n = n * 2", "type_mismatch", 2, 14),
    ('ok = 1\nbad = "a" + 1', "type_mismatch", 2, 7),
    ("f g = g == g\nh = f (\\x -> x)", "type_mismatch", 2, 7),
    ("f x = x.name\ng = f 3", "type_mismatch", 2, 7),
    ("r = [1..2.5]", "type_mismatch", 1, 9),
    ("f a = a + (a ++ a)", "type_mismatch", 1, 7),
    ('test "t" = 1 + 1', "type_mismatch", 1, 12),
    # arity
    ("Opt a = Some a | Empty\nget (Some v extra) = v", "arity_mismatch", 2, 5),
    ("Both = Both Int Int\nfirst_of (Both v) = v", "arity_mismatch", 2, 10),
    ("f : Tree -> Int\nf t = 0\nTree a = Leaf", "arity_mismatch", 1, 5),
    # infinite types
    ("grow v = [v] ++ v", "infinite_type", 1, 17),
    ("forever v = forever", "infinite_type", 1, 13),
    ("selfapp f = f f", "infinite_type", 1, 13),
    # patterns
    ("Opt a = Some a | Empty\nLight = Red | Green\nvalue (Some v) = v\nvalue Red = 0", "pattern_mismatch", 4, 7),
    ("g [] = 0\ng 5 = 1", "pattern_mismatch", 2, 3),
    ('f 0 = "zero"\nf "one" = "one"', "pattern_mismatch", 2, 3),
    ("only : Int -> Int\nonly [] = 0", "pattern_mismatch", 2, 6),
    # records
    ("p = {x = 1}\nq = p.y", "missing_field", 2, 7),
    ("norm {x, z} = x + z\nbad = norm {x = 1, y = 2}", "missing_field", 2, 12),
    ("r = {a = 1}\ns = {...r, b = 2}", "missing_field", 2, 12),
    # instances
    ("Color = Red | Blue\nbad = Red < Blue", "missing_impl", 2, 7),
    ('trait Label a\n  label : a -> String\nimpl Label Int\n  label n = "int"\nok = label 1\nbad = label "text"',
     "missing_impl", 6, 13),
    ("trait Two a\n  one : a -> Int\n  two : a -> Int\nimpl Two Int\n  one n = n", "missing_impl", 4, 1),
    ("Box a = Box a\nbig xs = xs > [(Box 1)]", "missing_impl", 2, 10),
    # unknown types
    ("f : Strin -> Int\nf s = 0", "unbound_variable", 1, 5),
    ("Box = Box b", "unbound_variable", 1, 11),
]


@pytest.mark.parametrize(("source", "code", "line", "col"), FIRST_ERRORS,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(FIRST_ERRORS)])
def test_first_error(tc, source: str, code: str, line: int, col: int) -> None:
    d = tc.first_error(source)
    assert (d.code, d.span.line, d.span.col) == (code, line, col), d.short()
    assert d.severity == "error"
    assert d.fixability in ("trivial", "easy", "medium", "hard")
    assert d.llm_hint


def test_notes_show_expected_and_found(tc) -> None:
    d = tc.first_error("n = str_len 42")
    assert d.notes[:2] == ["expected: String", "found: Int"]
    assert d.data["definition"] == "n"
    assert d.data["callee"] == "str_len"
    assert "str_len" in d.message


def test_span_is_the_smallest_expression(tc) -> None:
    d = tc.first_error("f x =\n  a = x + 1\n  b = str_len a\n  b")
    assert (d.span.line, d.span.col, d.span.end_col) == (3, 15, 16)


def test_equation_result_hint_names_both_types(tc) -> None:
    d = tc.first_error('f 0 = 1\nf n = "many"')
    assert d.code == "type_mismatch" and d.span.line == 2
    assert d.llm_hint.startswith("this equation returns String but the first returns Int")


def test_plus_on_strings_hints_concat(tc) -> None:
    d = tc.first_error('greet name = "hi " + name')
    assert "use ++ to join strings" in d.llm_hint.lower()


@pytest.mark.parametrize(
    ("source", "product", "repeat"),
    [
        ('f s = "a" ++ s * 2', "s * 2", 'str_join "" (map (\\_ -> s) [1..2])'),  # operands differ
        ('f s = "<" ++ s * 3 ++ ">"', "s * 3", "[1..3]"),  # `++` finds an Int
        ('f w = (3 * w) ++ "!"', "3 * w", "(\\_ -> w) [1..3]"),  # count first, in parentheses
    ],
)
def test_multiplying_beside_concat_blames_the_star(tc, source: str, product: str, repeat: str) -> None:
    """Python's `s * 3` inside a `++` chain: the hint names the product, `show` and the Synoema repeat."""
    hint = tc.first_error(source).llm_hint
    assert f"`{product}` is a number" in hint and f"show ({product})" in hint
    assert repeat in hint


def test_length_of_string_hints_str_len(tc) -> None:
    d = tc.first_error('n = length "abc"')
    assert "str_len" in d.llm_hint
    assert d.did_you_mean == "str_len"


def test_list_indexing_hints_index(tc) -> None:
    for src in ("xs = [10 20 30]\nsecond = xs[1]", "xs = [10 20 30]\nsecond = xs [1]"):
        d = tc.first_error(src)
        assert d.code == "type_mismatch"
        assert "index 1 xs" in d.llm_hint
        assert d.did_you_mean == "index 1 xs"


def test_tuple_call_hints_spaced_arguments(tc) -> None:
    d = tc.first_error("plus a b = a + b\ncalled = plus(1, 2)")
    assert "plus a b" in d.llm_hint
    d = tc.first_error("add3 a b c = a + b + c\nv = add3 (1, 2) 3")
    assert "not `add3(a, b)`" in d.llm_hint


def test_int_float_hint(tc) -> None:
    d = tc.first_error("bad = 1 + 2.5")
    assert "2.0" in d.llm_hint and "Int" in d.llm_hint


def test_pair_given_to_prelude_fst_hint(tc) -> None:
    d = tc.first_error("p = fst (1, 2)")
    assert "p.fst" in d.llm_hint


def test_signature_hint_shows_inferred_type(tc) -> None:
    d = tc.first_error("keep : a -> b -> b\nkeep x y = x")
    assert "a -> b -> a" in d.llm_hint
    d = tc.first_error("bump : a -> a\nbump v = v + 1")
    assert "Num a =>" in d.llm_hint and "Int -> Int" in d.llm_hint


def test_missing_constraint_on_impl(tc) -> None:
    d = tc.first_error(
        "trait Show2 a\n  show2 : a -> String\nOpt a = Some a | Empty\n"
        'impl Show2 (Opt a)\n  show2 Empty = "none"\n  show2 (Some v) = show2 v'
    )
    assert d.code == "missing_impl"
    assert "? Show2 a" in d.llm_hint


def test_ord_hint_suggests_derive(tc) -> None:
    d = tc.first_error("Color = Red | Blue\nbad = Red < Blue")
    assert "derive" in d.llm_hint and "Ord" in d.llm_hint


def test_missing_field_did_you_mean(tc) -> None:
    d = tc.first_error("p = {width = 1}\nq = p.widht")
    assert d.code == "missing_field"
    assert d.did_you_mean == "width"


def test_several_independent_errors_are_reported(tc) -> None:
    c = tc.check(
        'a = 1 + "x"\n'
        "b = length 5\n"
        "ok = 3\n"
        "main =\n"
        "  print (str_len 1)\n"
        "  print (not 2)\n"
        "  ok\n"
    )
    assert [(d.code, d.span.line) for d in c.errors] == [
        ("type_mismatch", 1), ("type_mismatch", 2), ("type_mismatch", 5), ("type_mismatch", 6),
    ]
    assert c.sigs["ok"] == "Int"


def test_one_error_does_not_cascade(tc) -> None:
    c = tc.check('bad = 1 + "x"\nuse1 = bad + 1\nuse2 = bad ++ "s"\nfine = 2')
    assert len(c.errors) == 1
    assert "bad" not in c.sigs
    assert c.sigs["fine"] == "Int"


def test_failed_definition_with_signature_keeps_its_type(tc) -> None:
    c = tc.check("f : Int -> Int\nf x = x ++ x\ng = f 1")
    assert len(c.errors) == 1
    assert c.sigs["g"] == "Int"


def test_unsound_cases_of_the_reference_are_rejected(tc) -> None:
    assert tc.type_of("tl (_:xs) = xs", "tl") == "List a -> List a"
    d = tc.first_error("Maybe a = Just a | None\nfromMaybe d (Just v) = v\nfromMaybe d None = d\nx = fromMaybe 0 (Just \"x\")")
    assert d.code == "type_mismatch" and d.span.line == 4


def test_unknown_trait_in_signature(tc) -> None:
    d = tc.first_error("f : Ordd a => a -> a\nf x = x")
    assert d.code == "unbound_variable" and d.did_you_mean == "Ord"


def test_operator_on_print_result_hints_parentheses(tc) -> None:
    d = tc.first_error('n = 3\nmain = print "total: " ++ show n')
    assert "parentheses" in d.llm_hint


def test_errors_in_imported_files_name_their_file(tc) -> None:
    from synoema.parser import parse
    from synoema.resolve import resolve
    from synoema.types import check_unit

    files = {
        "/p/lib.sno": 'helper x = x + 1\nbad_in_lib = 1 + "a"\n',
        "/p/main.sno": 'import "lib.sno"\nfirst = helper 2\nmain = 1 ++ 2\n',
    }
    unit = resolve(parse(files["/p/main.sno"], "/p/main.sno").program, base=tc.base, loader=files.get)
    report = check_unit(unit)
    assert [(d.file, d.span.line) for d in report.errors] == [("/p/lib.sno", 2), ("/p/main.sno", 3)]
    assert report.signatures == [("helper", "Int -> Int"), ("first", "Int")]
