from __future__ import annotations

import asyncio

import pygments.lexers
import pytest
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String, _TokenType
from rich.console import Console
from rich.syntax import Syntax

from assistant.highlight import SynoemaLexer, register_lexer

VALID_PROGRAMS = {
    "functions": """\
--- Factorial by pattern matching.
--- example: fac 5 == 120
fac : Int -> Int
fac 0 = 1
fac n = n * fac (n - 1)

main = print (fac 10)
""",
    "conditionals": """\
fizzbuzz n =
  ? n % 15 == 0 -> "FizzBuzz"
  : ? n % 3 == 0 -> "Fizz"
  : ? n % 5 == 0 -> "Buzz"
  : show n

main = print (map fizzbuzz [1..15])
""",
    "lists": """\
evens = [x | x <- [1..20] , x % 2 == 0]
total = foldl (\\acc x -> acc + x) 0 [1 2 3]
head2 (x:_) = x
both = [1 2] ++ [3 4]
squares = [1..10] |> map (\\x -> x ** 2) |> filter (\\x -> x >= 4 && x != 9 || x <= 1)
compose = show >> str_len
""",
    "records": """\
pt = {x = 3, y = 4}
move pt dx = {...pt, x = pt.x + dx}
dist {x, y} = x * x + y * y
circle = {center = {x = 0, y = 0}, radius = 5.5}
main = print circle.center.x
""",
    "types": """\
Maybe a = Just a | None
Color = Red | Green | Blue derive (Show, Eq)
type Pos = {x : Int, y : Int}

trait Describe a
  describe : a -> String

impl Describe Color
  describe Red = "red"
  describe _ = "other"
""",
    "modules and tests": """\
mod Math
  square x = x * x
  pi = 3.14159

use Math (square pi)
import "util.sno"

test "square" = square 3 == 9
test "positive" = prop n -> square n >= 0 when n > 0
""",
    "strings": """\
name = "world"
greet = "Hello ${name}! Sum: ${1 + 2}. Nested: ${show {a = 1}.a} ${"inner ${name}"}"
esc = "tab\\tnew\\nquote\\" dollar \\$5 and $ alone"
c = 'x'
nl = '\\n'
main =
  line <- readline
  print ("You said: " ++ line) ; print esc
""",
    "directives": """\
@native
lazy_value = 42
empty = []
unit = ()
""",
}


def tokens(code: str) -> list[tuple[_TokenType, str]]:
    return [(t, v) for t, v in SynoemaLexer().get_tokens(code) if v.strip()]


def kinds(code: str, value: str) -> list[_TokenType]:
    return [t for t, v in tokens(code) if v == value]


@pytest.mark.parametrize("name", list(VALID_PROGRAMS))
def test_valid_programs_have_no_error_tokens(name: str) -> None:
    code = VALID_PROGRAMS[name]
    lexed = list(SynoemaLexer().get_tokens(code))
    assert [(t, v) for t, v in lexed if t in Error] == []
    assert "".join(v for _, v in lexed) == code  # lossless


def test_token_types_of_a_sample_program() -> None:
    code = VALID_PROGRAMS["functions"] + VALID_PROGRAMS["types"] + VALID_PROGRAMS["modules and tests"]
    assert kinds(code, "--- Factorial by pattern matching.") == [String.Doc]
    assert kinds(code, "fac")[:3] == [Name.Function] * 3  # signature and both equations
    assert kinds(code, "fac")[-1] == Name  # a use, not a definition
    assert kinds(code, "main") == [Name.Function]
    assert kinds(code, "print") == [Name.Builtin]
    assert set(kinds(code, "Int")) == {Keyword.Type}
    assert kinds(code, "Maybe") == [Name.Class]
    assert kinds(code, "Just") == [Keyword.Type]
    assert kinds(code, "derive") == [Keyword.Declaration]
    assert kinds(code, "trait") == kinds(code, "impl") == [Keyword.Declaration]
    assert kinds(code, "type") == [Keyword.Declaration]
    assert kinds(code, "mod") == [Keyword.Namespace]
    assert kinds(code, "Math") == [Name.Namespace, Name.Namespace]
    assert kinds(code, "test") == [Keyword, Keyword]
    assert kinds(code, "prop") == kinds(code, "when") == [Keyword]
    assert kinds(code, "describe")[1:] == [Name.Function, Name.Function]  # equations inside impl
    assert kinds(code, "square")[0] == Name.Function
    assert kinds(code, "3.14159") == [Number.Float]
    assert kinds(code, "0")[0] == Number.Integer
    assert set(kinds(code, "->")) == {Operator}
    assert kinds(code, "_") == [Keyword.Pseudo]


def test_comments_operators_and_literals() -> None:
    code = VALID_PROGRAMS["lists"] + VALID_PROGRAMS["records"] + "x = true -- a comment\ny = false\n"
    assert kinds(code, "-- a comment") == [Comment.Single]
    assert kinds(code, "true") == kinds(code, "false") == [Keyword.Constant]
    for op in ["<-", "|>", "++", ">>", "==", "!=", "<=", ">=", "&&", "||", "**", "..", "...", "\\", "|", ":"]:
        assert kinds(code, op), op
        assert set(kinds(code, op)) == {Operator}, op
    assert kinds(code, "center") == [Name, Name.Attribute]  # field definition, then access
    assert kinds(code, "5.5") == [Number.Float]


def test_comparisons_at_line_start_are_not_definitions() -> None:
    code = "main =\n  x >= 3\n  y == 4\n  z <= 5\n  w != 6\n  print a -- b = c\n"
    assert kinds(code, "main") == [Name.Function]
    for name in "xyzw":
        assert kinds(code, name) == [Name], name
    assert kinds(code, "print") == [Name.Builtin]


def test_interpolation_is_lexed_as_code() -> None:
    code = VALID_PROGRAMS["strings"]
    assert kinds(code, "${") == [String.Interpol] * 5
    assert kinds(code, "}").count(String.Interpol) == 5
    assert kinds(code, "}").count(Name.Function) == 0
    assert Name in kinds(code, "name")  # inside ${...}
    assert kinds(code, "+") == [Operator]
    assert kinds(code, "show") == [Name.Builtin]
    assert Number.Integer in kinds(code, "1")
    # a record inside an interpolation does not end it early
    record = tokens('s = "a ${ {b = 1}.b } c"\n')
    assert (String.Double, " c") in record
    for escape in ["\\t", "\\n", '\\"', "\\$"]:
        assert kinds(code, escape) == [String.Escape], escape
    assert kinds(code, "'x'") == [String.Char]
    assert kinds(code, "'\\n'") == [String.Char]


def test_invalid_characters_are_errors() -> None:
    assert Error in {t for t, _ in tokens("x = a ! b & c # d\n")}
    # an unterminated string does not swallow the rest of the file
    after = tokens('s = "open\nmain = 1\n')
    assert (Name.Function, "main") in after


def test_register_lexer_makes_sno_resolvable() -> None:
    assert register_lexer() is SynoemaLexer
    register_lexer()  # idempotent
    assert isinstance(pygments.lexers.get_lexer_by_name("sno"), SynoemaLexer)
    assert isinstance(pygments.lexers.get_lexer_by_name("synoema"), SynoemaLexer)
    assert isinstance(pygments.lexers.get_lexer_for_filename("prog.sno"), SynoemaLexer)
    assert pygments.lexers.find_lexer_class("Synoema") is SynoemaLexer
    assert any(name == "Synoema" for name, *_ in pygments.lexers.get_all_lexers())


def test_rich_syntax_highlights_sno() -> None:
    register_lexer()
    syntax = Syntax("fac 0 = 1\nmain = print (fac 5)\n", "sno", theme="monokai")
    assert isinstance(syntax.lexer, SynoemaLexer)
    text = syntax.highlight(syntax.code)
    styled = {text.plain[span.start : span.end] for span in text.spans}
    assert {"fac", "main", "print", "1"} <= styled
    console = Console(color_system="truecolor", force_terminal=True, width=60)
    with console.capture() as capture:
        console.print(syntax)
    assert "\x1b[" in capture.get()


def test_textual_highlight_and_markdown_fences_use_the_lexer() -> None:
    register_lexer()
    from textual.app import App, ComposeResult
    from textual.highlight import highlight
    from textual.widgets import Markdown
    from textual.widgets.markdown import MarkdownFence

    content = highlight("fac 0 = 1\n", language="sno")
    assert len(content.spans) > 1  # more than the base "$text" span

    class FenceApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Markdown('Answer:\n\n```sno\nmain = print "hi ${name}"\n```\n')

    async def render() -> list[str]:
        app = FenceApp()
        async with app.run_test() as pilot:
            await pilot.pause()
            fence = app.query_one(MarkdownFence)
            code = fence._highlighted_code
            return [code.plain[s.start : s.end] for s in code.spans]

    styled = asyncio.run(render())
    assert {"main", "print", "hi ", "${", "name"} <= set(styled)
