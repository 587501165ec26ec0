"""Lexer, layout and parser: spans, structure, and the diagnostics for mistakes from other languages."""

from __future__ import annotations

import pytest

from synoema import ast as A
from synoema.lexer import lex
from synoema.parser import parse, parse_expression


def first_error(src: str):
    r = parse(src)
    errs = [d for d in r.diagnostics if d.is_error]
    assert errs, f"expected an error for {src!r}"
    return errs[0]


def test_tokens_have_exact_spans() -> None:
    toks = lex('f x = "a${x}b" ++ 1.5').tokens
    kinds = [t.kind for t in toks]
    assert kinds == ["LOWER", "LOWER", "=", "ISTR", "++", "FLOAT", "EOF"]
    s = toks[3].span
    assert (s.line, s.col, s.end_col) == (1, 7, 15)


def test_interpolation_holds_tokens_of_the_expression() -> None:
    expr, diags = parse_expression('"n=${x + 1}!"')
    assert not diags
    assert isinstance(expr, A.Interp)
    assert expr.parts[0] == "n=" and expr.parts[2] == "!"
    assert isinstance(expr.parts[1], A.BinOp)


def test_doc_comments_attach_to_the_next_definition() -> None:
    r = parse("--- adds one\n--- example: inc 1 == 2\ninc x = x + 1\n")
    fd = r.program.decls[0]
    assert isinstance(fd, A.FuncDef)
    assert fd.doc == ["adds one", "example: inc 1 == 2"]


def test_equations_are_grouped_and_signature_attached() -> None:
    r = parse("fac : Int -> Int\nfac 0 = 1\nfac n = n * fac (n - 1)\n")
    assert r.ok
    (fd,) = r.program.decls
    assert isinstance(fd, A.FuncDef) and len(fd.equations) == 2 and fd.sig is not None


def test_application_binds_tighter_than_field_access() -> None:
    expr, _ = parse_expression("print r.tags")
    assert isinstance(expr, A.Field) and isinstance(expr.expr, A.App)


def test_list_elements_are_atoms() -> None:
    expr, _ = parse_expression("[f x]")
    assert isinstance(expr, A.ListLit) and len(expr.items) == 2
    expr, _ = parse_expression("[(f x)]")
    assert isinstance(expr, A.ListLit) and len(expr.items) == 1


def test_multiline_conditional_chain_and_where_bindings_in_branches() -> None:
    src = (
        "label n =\n"
        "  ? n > 0 -> word\n"
        "    word = \"pos\"\n"
        "  : ? n == 0 -> \"zero\"\n"
        "  : word\n"
        "    word = \"neg\"\n"
    )
    assert parse(src).ok


def test_pipeline_continuation_lines() -> None:
    src = "main = [1..10]\n  |> filter (\\x -> x % 2 == 0)\n  |> map (\\x -> x * x)\n"
    r = parse(src)
    assert r.ok, r.diagnostics


@pytest.mark.parametrize(
    ("src", "code", "line", "needle"),
    [
        ("main = [1, 2, 3]\n", "unexpected_token", 1, "[1 2 3]"),
        ("f x = if x > 0 then 1 else 2\n", "unexpected_token", 1, "? x > 0 -> 1 : 2"),
        ("def f(x):\n  return x\n", "unexpected_token", 1, "f x = ..."),
        ("f x = map (y -> y + 1) x\n", "unexpected_token", 1, "\\y"),
        ("// comment\nmain = 1\n", "unexpected_token", 1, "-- comment"),
        ("# comment\nmain = 1\n", "unexpected_char", 1, "-- comment"),
        ("f x:xs = x\n", "unexpected_token", 1, "(x:xs)"),
        ("main = foldl (+) 0 [1 2]\n", "unexpected_token", 1, "\\a b -> a + b"),
        ("main = 'hello'\n", "unterminated_string", 1, '"hello"'),
        ('main = "abc\n', "unterminated_string", 1, None),
        ("main =\n    a = 5\n  a\n", "indentation", 3, None),
    ],
)
def test_mistakes_get_a_precise_diagnostic(src: str, code: str, line: int, needle: str | None) -> None:
    d = first_error(src)
    assert d.code == code
    assert d.span is not None and d.span.line == line
    assert d.llm_hint or d.did_you_mean
    if needle is not None:
        assert needle in (d.did_you_mean or "") + (d.llm_hint or "")


def test_several_independent_errors_are_reported() -> None:
    r = parse("a = [1, 2]\nb = 3\nc = if x then 1 else 2\n")
    lines = [d.span.line for d in r.diagnostics if d.is_error]
    assert lines == [1, 3]


def test_parser_never_raises_on_garbage() -> None:
    for src in ["(((((", "]]]", "? -> :", "f = \\", "{...}", "x = \"${", "\t\t\n  \n   x", "mod\n", "impl"]:
        parse(src)
