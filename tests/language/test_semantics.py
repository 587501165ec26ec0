"""Evaluation semantics the reference defines, checked through `run_source`."""

from __future__ import annotations

import pytest

from synoema.api import eval_source, run_source


def out(src: str, **kw) -> str:
    r = run_source(src, **kw)
    assert r.exit_code == 0, [d.short() for d in r.diagnostics]
    return r.stdout


@pytest.mark.parametrize(
    ("expr", "shown"),
    [
        ("-17 / 5", "-3"),
        ("-17 % 5", "-2"),
        ("2 ** 3 ** 2", "512"),
        ("9223372036854775807 + 1", "-9223372036854775808"),
        ("0.1 + 0.2", "0.30000000000000004"),
        ("round 2.5", "3.0"),
        ("round (0.0 - 2.5)", "-3.0"),
        ("1.0 / 3.0", "0.3333333333333333"),
        ("[1 2 3]", "[1 2 3]"),
        ('["a" "b"]', "[a b]"),
        ("(1, \"x\")", "{fst = 1, snd = x}"),
        ("Ok (Ok 3)", "Ok (Ok 3)"),
        ("Ok (-4)", "Ok -4"),
        ("[(Ok 1)]", "[Ok 1]"),
        ('{name = "Ann", age = 30}', "{name = Ann, age = 30}"),
        ("[1 2] < [1 3]", "true"),
        ("\"b\" > \"a\"", "true"),
        ("(1, 2) == (1, 2)", "true"),
        ("1 : [2 3]", "[1 2 3]"),
        ("[x * y | x <- [1 2], y <- [10 20], x + y > 11]", "[20 20 40]"),
        ("[5..1]", "[]"),
        ('"n=${1 + 2}"', "n=3"),
        ("str_slice \"hello\" 1 3", "el"),
        ("zip [1 2 3] [4 5]", "[[1 4] [2 5]]"),
        ("concatMap (\\x -> [x x]) [1 2]", "[1 1 2 2]"),
        ("1.0e0", None),
    ],
)
def test_eval_displays_like_the_reference(expr: str, shown: str | None) -> None:
    r = eval_source(expr)
    if shown is None:
        assert r.exit_code == 1
        return
    assert r.exit_code == 0, [d.short() for d in r.diagnostics]
    assert r.value == shown


def test_run_prints_output_then_main_value() -> None:
    assert out('main = print "x"\n') == "x\n()\n"
    assert out("main =\n  print 1\n  print 2\n  3\n") == "1\n2\n3\n"


def test_runtime_error_prints_nothing_and_points_at_the_call() -> None:
    src = 'f x = x\nmain =\n  print "before"\n  head []\n'
    r = run_source(src)
    assert r.exit_code == 1 and r.stdout == ""
    d = r.errors[0]
    assert d.code == "runtime_error" and d.span is not None and d.span.line == 4


def test_division_by_zero_points_at_the_operator() -> None:
    r = run_source("main = 10 / (5 - 5)\n")
    d = r.errors[0]
    assert d.code == "division_by_zero"
    assert (d.span.line, d.span.col) == (1, 11)


def test_no_match_names_the_function_and_the_call_site() -> None:
    r = run_source('only 0 = "zero"\nmain = only 7\n')
    d = r.errors[0]
    assert d.code == "no_match" and "only 7" in d.message and d.span.line == 2


def test_define_before_use() -> None:
    r = run_source("f x = g x\ng x = x\nmain = f 1\n")
    d = r.errors[0]
    assert d.code == "unbound_variable" and "before its definition" in d.message


def test_stdin_and_bind() -> None:
    src = "main =\n  name <- readline\n  print (\"hi \" ++ name)\n  ()\n"
    assert out(src, stdin="Ann\n") == "hi Ann\n()\n"


def test_closures_capture_values_in_tail_loops() -> None:
    src = (
        "go n acc = ? n == 0 -> acc : go (n - 1) ((\\x -> x + n) : acc)\n"
        "main = map (\\f -> f 0) (go 3 [])\n"
    )
    assert out(src) == "[1 2 3]\n"


def test_shadowing_in_blocks_is_lexical() -> None:
    src = "main =\n  x = 1\n  f = \\y -> x + y\n  x = 10\n  f 1 + x\n"
    assert out(src) == "12\n"


def test_user_definitions_shadow_builtins_and_prelude_after_their_definition() -> None:
    src = "a = length [1 2 3]\nlength xs = 0\nb = length [1 2]\nmain = (a, b)\n"
    assert out(src) == "{fst = 3, snd = 0}\n"


def test_trait_dispatch_with_builtin_show_fallback() -> None:
    src = (
        "Color = Red | Green\n"
        "impl Show Color\n"
        "  show Red = \"r\"\n"
        "  show Green = \"g\"\n"
        "main = show Red ++ show 42 ++ \"${Green}\"\n"
    )
    assert out(src) == "r42g\n"


def test_modules_use_and_qualified_names() -> None:
    src = "mod Math\n  sq x = x * x\n  cube x = sq x * x\n\nuse Math (cube)\nmain = Math.sq 3 + cube 2\n"
    assert out(src) == "17\n"


def test_imports_relative_diamond_and_cycle(tmp_path) -> None:
    (tmp_path / "base.sno").write_text("mod Base\n  one = 1\n")
    (tmp_path / "a.sno").write_text('import "base.sno"\nmod A\n  two = 2\n')
    (tmp_path / "b.sno").write_text('import "base.sno"\nmod B\n  three = 3\n')
    main = tmp_path / "main.sno"
    main.write_text('import "a.sno"\nimport "b.sno"\nuse Base (one)\nmain = one + A.two + B.three\n')
    from synoema.api import run_file

    r = run_file(str(main))
    assert r.stdout == "6\n", [d.short() for d in r.diagnostics]
    (tmp_path / "x.sno").write_text('import "y.sno"\n')
    (tmp_path / "y.sno").write_text('import "x.sno"\n')
    (tmp_path / "c.sno").write_text('import "x.sno"\nmain = 1\n')
    r = run_file(str(tmp_path / "c.sno"))
    assert r.errors[0].code == "import_cycle"
    (tmp_path / "d.sno").write_text('import "nope.sno"\nmain = 1\n')
    assert run_file(str(tmp_path / "d.sno")).errors[0].code == "import_not_found"
