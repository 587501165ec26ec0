r"""Answers to pasted error messages and diagnostic codes: what that exact error means and its fix.

Recognises our checker's wording (`argument 1 of \`length\` should be List a, found String`), the
diagnostic codes (`type_mismatch`, `no_match`, ...) and the reference CLI's wording (`expected Int,
found String`, its enriched codes such as `linear_unused`). The answer names the user's own
identifiers and shows a corrected example that was run here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from synoema.diagnostics import DEFAULTS
from synoema.library import prelude_signatures
from synoema.stdlib import BUILTINS, FOREIGN_NAMES

from .context import Knowledge
from .live import program

Match = re.Match[str]


@dataclass(frozen=True)
class Known:
    """One recognisable error: a pattern over the pasted text, its code, and cause/fix texts."""

    pattern: re.Pattern[str]
    code: str
    explain: Callable[[Match], tuple[str, str]]  # (cause, fix)
    example: str = ""


def _k(pattern: str, code: str, explain: Callable[[Match], tuple[str, str]], example: str = "") -> Known:
    return Known(re.compile(pattern, re.IGNORECASE), code, explain, example)


def _name(m: Match, group: str = "name") -> str:
    d = m.groupdict()
    if not any(d.get(group + k) for k in ("", "2", "3")):  # the leftmost alternative matched: look again
        again = re.search(r"(?:equation of|constructor|name|for|of|in) `(\w+)`|`(\w+)` (?:does not handle|is not "
                          r"defined)", m.string) or re.search(r"`([a-z_]\w*)`()", m.string)
        if again:
            return again.group(1) or again.group(2)
    return d.get(group) or d.get(group + "2") or d.get(group + "3") or ("f" if group == "fn" else "x")


def _unbound(m: Match) -> tuple[str, str]:
    name = _name(m)
    if name in FOREIGN_NAMES:
        return (f"`{name}` is a name from another language; Synoema has no `{name}`.",
                f"Write {FOREIGN_NAMES[name]} instead.")
    close = difflib.get_close_matches(name, [*BUILTINS, *prelude_signatures()], n=1, cutoff=0.75)
    if close:
        return (f"`{name}` is not defined anywhere: it looks like a misspelling of the library function "
                f"`{close[0]}`.", f"Did you mean `{close[0]}`? Rename `{name}` to `{close[0]}`.")
    return (f"`{name}` is not defined: no parameter, local binding or top-level definition has that name "
            "above this use.", f"Check the spelling, add `{name}` as a parameter, or define `{name}` above its "
            "first use (Synoema requires define-before-use).")


def _arg_type(m: Match) -> tuple[str, str]:
    fn, want, found = m.group("fn"), m.group("want"), m.group("found")
    cause = f"`{fn}` was given a {found} where its argument must be {want}."
    special = {
        ("length", "String"): "`length` counts list elements; for a String use `str_len s`.",
        ("reverse", "String"): ("`reverse` works on lists only; reverse a String with a small recursive "
                                "helper over `str_slice` (or use `str_len`/`str_slice` to walk it)."),
        ("head", "String"): "A String is not a list: take its first character with `str_slice s 0 1`.",
        ("tail", "String"): "A String is not a list: drop its first character with `str_slice s 1 (str_len s)`.",
        ("sum", "Float"): "`sum` adds Ints only: add Floats with `foldl (\\acc x -> acc + x) 0.0 xs`.",
        ("not", "Int"): "`not` needs a Bool: compare first, e.g. `not (n == 0)` or `n != 0`.",
    }
    for (f, kind), fix in special.items():
        if fn == f and kind in found:
            return cause, fix
    if want == "Float" and found == "Int":
        return cause, (f"`{fn}` needs a Float and Int never converts to Float: write a Float literal such as "
                       "`3.0` (not `3`).")
    if want == "String" and found in ("Int", "Float", "Bool"):
        return cause, "Turn the value into a String with `show x`, or interpolate it: `\"n = ${x}\"`."
    if "->" in want:
        return cause, (f"Argument {m.group('n')} of `{fn}` must be a function: library functions take the "
                       "function first, e.g. `map (\\x -> x * 2) xs`.")
    return cause, f"Pass `{fn}` a value of type {want} (check the argument order: `{fn} : " \
                  f"{BUILTINS[fn].type if fn in BUILTINS else want}`)."


def _different(m: Match) -> tuple[str, str]:
    op, a, b = m.group("op"), m.group("a"), m.group("b")
    cause = f"The two sides of `{op}` are a {a} and a {b}; an operator needs both sides of one type."
    if {a, b} == {"Int", "Float"}:
        return cause, ("Int and Float never mix and there is no Int-to-Float conversion: write a Float literal "
                       "on both sides (`2.0`, not `2`), or keep both Int.")
    if "String" in (a, b) and op == "++":
        return cause, "Turn the non-String side into a String with `show x`: `\"n = \" ++ show n`."
    if "Bool" in (a, b):
        return cause, "Comparisons do not chain: write `a > b && b > c` instead of `a > b > c`."
    return cause, "Make both sides the same type (`show` turns a value into a String)."


def _needs_numbers(m: Match) -> tuple[str, str]:
    op, found = m.group("op"), m.group("found")
    if found == "String":
        return (f"`{op}` is arithmetic and only works on numbers; it was given a String.",
                "Join Strings with `++`: `\"a\" ++ \"b\"` (`+` never joins strings); turn numbers into text "
                "with `show n` first.")
    if found == "Bool":
        return (f"`{op}` only works on numbers and was given a Bool.", "Use `&&`, `||` and `not` for Bools.")
    return f"`{op}` only works on numbers (Int or Float).", "Pass Int or Float values."


def _expected_found(m: Match) -> tuple[str, str]:
    want, found = m.group("want"), m.group("found")
    cause = (f"This is a type_mismatch: the code gives a {found} where a {want} is expected "
             "(the reference CLI's wording; ours says which argument or operator it is).")
    fixes = {
        ("Int", "String"): "Pass a number, not text: remove the quotes around the literal, or use a different "
                           "function (`str_len s` counts a String's characters).",
        ("String", "Int"): "Turn the Int into text with `show n`, or interpolate it: `\"n = ${n}\"`.",
        ("Bool", "Int"): "A condition needs a Bool: compare the Int, e.g. `? n != 0 -> a : b`.",
        ("Float", "Int"): "Write a Float literal such as `2.0`: Int and Float never mix.",
        ("Int", "Float"): "Keep the arithmetic in Int, or write every literal as a Float: Int and Float never mix.",
    }
    return cause, fixes.get((want, found), f"Change the expression so that it produces a {want}.")


def _comparison_op(m: Match) -> tuple[str, str]:
    return ("That operator does not exist in Synoema, so the parser stopped there.",
            "Inequality is `!=` (not `<>` or `/=`), equality is `==` (there is no `===`), and there are no "
            "compound assignments such as `+=` or `++`: bindings are immutable, write `y = x + 1`.")


KNOWN: tuple[Known, ...] = (
    _k(r"`?(?P<op>[-+*/%])`? needs numbers \(Int or Float\), found (?P<found>\w+)", "type_mismatch",
       _needs_numbers, 'main = "total: " ++ show (2 + 3)'),
    _k(r"operands of `(?P<op>[^`]+)` have different types: (?P<a>\w+) and (?P<b>\w+)", "type_mismatch",
       _different, "main = 1.0 + 2.5"),
    _k(r"argument (?P<n>\d+) of `(?P<fn>\w+)` should be (?P<want>.+?), found (?P<found>[\w ]+)", "type_mismatch",
       _arg_type),
    _k(r"`(?P<name>\w+)` is used before its definition", "unbound_variable", lambda m: (
        f"`{_name(m)}` is defined further down the file than where it is used; Synoema requires "
        "define-before-use (no forward references).",
        f"Move the definition of `{_name(m)}` above the line that uses it (above `main` when main uses it)."),
       "helper x = x * 2\n\nmain = helper 21"),
    _k(r"`(?P<name>\w+)` is not defined|unbound[ _]variable:? `?(?P<name2>\w+)?`?|unknown (?:variable|identifier) "
       r"`?(?P<name3>\w+)", "unbound_variable",
       _unbound),
    _k(r"unknown constructor `(?P<name>\w+)`", "unbound_variable", lambda m: (
        f"`{_name(m)}` is not a constructor of any type in scope: Synoema has no built-in Maybe/Option.",
        f"Declare your own type first, e.g. `Maybe a = Just a | {_name(m)}`, or use the built-in "
        "`Result` (`Ok x` / `Err e`)."), "Maybe a = Just a | None\n\nmain = [Just 1 None]"),
    _k(r"`(?P<name>and|or)` is not defined", "unbound_variable", lambda m: (
        f"Synoema has no `{_name(m)}` keyword.", "Write `a && b` for and, `a || b` for or, `not a` for not.")),
    _k(r"separated by spaces, not commas|expected an expression, found `,`|found `,`", "unexpected_token",
       lambda m: ("List elements are written without commas.",
                  "Separate elements with spaces: `[1 2 3]`, not `[1, 2, 3]` (records keep commas: "
                  "`{x = 1, y = 2}`)."), "main = [1 2 3]"),
    _k(r"negative number here must be in parentheses", "unexpected_token", lambda m: (
        "Inside a list (or as an argument) a bare `-1` reads as a subtraction.",
        "Put the negative number in parentheses: `[(-1) 2 3]`, `abs (-3)`."), "main = [(-1) 2 3]"),
    _k(r"unterminated[ _]string|string is not closed", "unterminated_string", lambda m: (
        "A string literal has no closing double quote on its line.",
        "Add the closing `\"` on the same line (strings cannot span lines; write `\\n` for a newline)."),
       'main = "hello"'),
    _k(r"`(?P<name>\w+)` takes (?P<want>\d+) arguments? but is given (?P<got>\d+)", "type_mismatch", lambda m: (
        f"`{_name(m)}` is called with {m.group('got')} arguments but takes {m.group('want')}.",
        "Remove the extra argument, or parenthesise a nested call: `f (g x)` passes the result of `g x`, "
        "while `f g x` passes two arguments.")),
    _k(r"constructor `(?P<name>\w+)` takes (?P<want>\d+) arguments?, but the pattern gives (?P<got>\d+)",
       "arity_mismatch", lambda m: (
        f"The pattern gives the constructor `{_name(m)}` {m.group('got')} arguments, but `{_name(m)}` has "
        f"{m.group('want')} fields.",
        f"Match all {m.group('want')} fields of `{_name(m)}`, e.g. `({_name(m)} "
        + " ".join(["_"] * int(m.group("want"))) + ")`; use `_` for fields you do not need.")),
    _k(r"\barity[_ ]mismatch\b|takes \d+ arguments?, but the pattern gives", "arity_mismatch", lambda m: (
        "arity_mismatch: a function or constructor is given a different number of arguments than it takes "
        "(a pattern `(A x y)` for a one-field constructor, or a call with too many arguments).",
        "Add or remove arguments so that the count matches the definition; use `_` for fields you do not "
        "need, e.g. `(Circle _)`.")),
    _k(r"infinite[_ ]type", "infinite_type", lambda m: (
        "infinite_type: a value is used as if it contained itself, e.g. a function applied to itself "
        "(`f x = x x`) or a list consed onto itself.",
        "Break the cycle: pass a different argument, or wrap the recursive part in an ADT constructor "
        "(`Tree = Leaf | Node Tree Int Tree`).")),
    _k(r"no equation of `(?P<fn>\w+)` matches|`(?P<fn2>\w+)` does not handle every case|\bno[_ ]match\b|"
       r"non[_ ]exhaustive|does not handle every case|no (pattern|equation) match",
       "no_match", lambda m: (
        f"no_match: `{_name(m, 'fn')}` was called with a value that none of its equations matches (the checker "
        "warns about this as non_exhaustive).",
        f"Add an equation of `{_name(m, 'fn')}` for the missing case, or a catch-all `_` pattern as the last "
        f"equation: `{_name(m, 'fn')} _ = ...`."), "describe 0 = \"zero\"\ndescribe _ = \"other\"\n\nmain = describe 5"),
    _k(r"index (?P<i>\d+) out of bounds \(length (?P<n>\d+)\)|index[_ ]out[_ ]of[_ ]bounds|out of bounds",
       "index_out_of_bounds", lambda m: (
        "index_out_of_bounds: `index i xs` was called with an index past the end (indices are 0-based, so "
        "the last one is `length xs - 1`).",
        "Check the index before using it: `? i < length xs -> index i xs : fallback`."),
       "xs = [10 20 30]\n\nsafe i = ? i < length xs -> index i xs : 0\n\nmain = [(safe 1) (safe 5)]"),
    _k(r"division[_ ]by[_ ]zero", "division_by_zero", lambda m: (
        "division_by_zero: `/` or `%` was evaluated with 0 on the right (Int and Float alike).",
        "Guard the division with a conditional: `safe_div n d = ? d == 0 -> 0 : n / d`."),
       "safe_div n d = ? d == 0 -> 0 : n / d\n\nmain = [(safe_div 10 2) (safe_div 1 0)]"),
    _k(r"\blinear[_ ]unused\b", "linear_unused", lambda m: (
        "linear_unused (a code of the reference CLI's linear types): a linear variable is never used, "
        "but a linear value must be used exactly once.",
        "Use the variable, or remove it (name an unused parameter `_`).")),
    _k(r"\blinear[_ ]duplicate\b", "linear_duplicate", lambda m: (
        "linear_duplicate (a code of the reference CLI's linear types): a linear variable is used more than "
        "once.", "Use it exactly once: bind the result of its single use to a name and reuse that name.")),
    _k(r"head of an empty list|tail of an empty list|empty list", "runtime_error", lambda m: (
        "runtime_error: `head` or `tail` was called on `[]`: they have no value to return for an empty list, "
        "so the program stops.",
        "Match the empty list first with its own equation (`f [] = ...` then `f (x:xs) = ...`), or test "
        "`xs == []` before calling `head`."), "first_or [] d = d\nfirst_or (x:_) _ = x\n\nmain = first_or [] 0"),
    _k(r"expected:? (?P<want>Int|Float|String|Bool),? (?:but )?found:? (?P<found>Int|Float|String|Bool)", "type_mismatch",
       _expected_found),
    _k(r"unexpected an indented line|\bindentation\b|offside", "indentation", lambda m: (
        "indentation: a line is indented deeper than the one before, which opens a block (Synoema has no "
        "line continuation), or the lines of one block do not start at the same column.",
        "Follow the offside rule: put an expression on one line (or bind parts to names), indent a block "
        "2 spaces past the line that opens it, and keep its lines at the same column.")),
    _k(r"unexpected token `?(?P<name>if|then|else)`?|has no `if`", "unexpected_token", lambda m: (
        "Synoema has no `if`/`then`/`else` keywords.",
        "Write the conditional as `? cond -> a : b`, e.g. `? x > 0 -> \"pos\" : \"neg\"`."),
       'sign x = ? x > 0 -> "pos" : "neg"\n\nmain = sign 3'),
    _k(r"no `return`|unexpected token `?return", "unexpected_token", lambda m: (
        "Synoema has no `return`: a body's last expression is its value.",
        "Delete `return` and keep the expression: `double x = x * 2`."), "double x = x * 2\n\nmain = double 4"),
    _k(r"no `def`|unexpected token `?def\b", "unexpected_token", lambda m: (
        "Synoema has no `def` keyword and no parentheses around parameters.",
        "Define a function as `name args = body`, e.g. `add x y = x + y`."), "add x y = x + y\n\nmain = add 2 3"),
    _k(r"`(?P<name>#|//)` (?:does not start a comment|is not a comment)|unexpected (?:char|character) `?#",
       "unexpected_char", lambda m: (
        f"`{m.groupdict().get('name') or '#'}` does not start a comment in Synoema.",
        "Comments start with `--` (doc comments with `---`); there are no block comments."),
       "-- a comment\nmain = 1"),
    _k(r"unknown[_ ]escape", "unknown_escape", lambda m: (
        "unknown_escape: a backslash in a string is followed by a character that is not an escape.",
        "Use one of `\\n \\t \\r \\\\ \\\" \\$ \\0`; write a literal backslash as `\\\\`.")),
    _k(r"invalid[_ ]number|does not fit in 64 bits", "invalid_number", lambda m: (
        "invalid_number: an integer literal does not fit in a 64-bit Int.",
        "Write a smaller literal, or use a Float literal (`1.0e20` style values as `100000000000000000000.0`).")),
    _k(r"duplicate[_ ]definition|`(?P<name>\w+)` is already defined", "duplicate_definition", lambda m: (
        f"`{_name(m)}` is defined twice, or its equations are split by another definition.",
        f"Keep all equations of `{_name(m)}` together, one after another, and define each name once.")),
    _k(r"missing[_ ]field|has no field `(?P<name>\w+)`", "missing_field", lambda m: (
        f"The record has no field `{_name(m)}`: the field is missing where the record is built, or misspelt.",
        f"Add the field `{_name(m)}` where the record is built, or use one of its existing fields."),
       "p = {x = 1, y = 2}\n\nmain = p.x + p.y"),
    _k(r"missing[_ ]impl|no (?:impl|instance) (?:of |for )?`?(?P<name>\w+)?", "missing_impl", lambda m: (
        "missing_impl: a trait method (such as `show` or `==`) is used on a type without an implementation.",
        "Add `derive (Show, Eq)` to the type declaration, or write an `impl Trait Type` block."),
       "Color = Red | Green derive (Show, Eq)\n\nmain = show Red"),
    _k(r"pattern[_ ]mismatch", "pattern_mismatch", lambda m: (
        "pattern_mismatch: a pattern does not fit the value's type, e.g. a constructor of another type or the "
        "wrong number of constructor arguments.",
        "Check the constructor names and how many arguments each takes; parenthesise constructor patterns: "
        "`area (Circle r) = ...`.")),
    _k(r"import[_ ]not[_ ]found|cannot find `(?P<name>[^`]+)`", "import_not_found", lambda m: (
        "import_not_found: the file named in `import \"...\"` was not found.",
        "Check the path: imports are relative to the importing file's folder, e.g. `import \"util.sno\"`.")),
    _k(r"import[_ ]cycle|circular import", "import_cycle", lambda m: (
        "import_cycle: two files import each other (directly or through others).",
        "Break the cycle: move the shared definitions into a third file that both import.")),
    _k(r"limit[_ ]exceeded|ran longer than|too deep|recursion depth", "limit_exceeded", lambda m: (
        "limit_exceeded: the program ran too long, recursed too deep or printed too much, usually a "
        "recursion that never reaches its base case (a loop that never ends).",
        "Check the base case and that each recursive call moves toward it: `count 0 = 0`, "
        "`count n = 1 + count (n - 1)`."), "count 0 = 0\ncount n = 1 + count (n - 1)\n\nmain = count 10"),
    _k(r"permission[_ ]denied|needs access to", "permission_denied", lambda m: (
        "permission_denied: the code calls a builtin that touches files, network, processes or the environment, "
        "and it ran in the sandbox, where those are off.",
        "The assistant checks code in a sandbox; `synoema run file.sno` allows IO (unless `--sandbox`), so run "
        "it there when you trust it, or allow the capability.")),
    _k(r"unexpected `!`|unexpected (?:char|character|token) `?!", "unexpected_char", lambda m: (
        "Synoema has no prefix `!`.", "Negate a Bool with `not x`; test inequality with `a != b`.")),
    _k(r"(?:<>|/=|===|\+=|\b\w+\+\+)", "unexpected_token", _comparison_op),
    _k(r"not a function, but it is given \d+ argument|xs\[\w+\]|\w\[\d+\]", "type_mismatch", lambda m: (
        "Synoema has no `xs[i]` indexing: `xs[0]` applies the list to another list.",
        "Write `index i xs` (0-based), e.g. `index 0 xs`."), "xs = [10 20 30]\n\nmain = index 0 xs"),
    _k(r"expected a definition, found `(?P<name>/|\*|#)`", "unexpected_token", lambda m: (
        f"A top-level line starts with `{_name(m)}`: usually a comment from another language (`//`, `/* */`, `#`).",
        "Comments start with `--`; a top-level line is otherwise a definition `name args = body`, a type, a "
        "signature or `mod`/`use`/`import`."), "-- a comment\nmain = 1"),
    _k(r"=>|fat arrow", "unexpected_token", lambda m: (
        "`=>` is not an operator in Synoema (it appears only in type constraints such as `Num a => a -> a`).",
        "Write a lambda as `\\x -> x + 1` (a backslash and `->`), and a conditional as `? c -> a : b`."),
       "main = map (\\x -> x + 1) [1 2 3]"),
    _k(r"fixability|llm_hint|did_you_mean", "fixability", lambda m: (
        "These are fields of the reference CLI's JSON diagnostics (`--errors json`): `fixability` rates how "
        "hard a fix is (trivial, easy, medium, hard), `llm_hint` says what to change, `did_you_mean` offers a "
        "corrected spelling of the code.",
        "Trivial fixes are local (an operator, a literal, a comma); hard ones such as infinite_type need a change "
        "of design. Our diagnostics carry the same fields.")),
    _k(r"key not found", "runtime_error", lambda m: (
        "`Err key not found` is what `map_lookup key m` returns when the map has no such key (a Result, not a "
        "crash; `unwrap` on it stops the program).",
        "Handle the `Err` (`unwrap_or default`), check `has_key key m` first, or use `map_get key default m`."),
       'm = map_insert "pen" 3 map_empty\n\nmain = [(map_get "pen" 0 m) (map_get "cap" 0 m)]'),
    _k(r"(type_mismatch|error|mismatch).*concatenat\w* (a )?(number|int)|concatenat\w* (a )?(number|int).*(error|"
       r"mismatch)", "type_mismatch", lambda m: (
        "`++` joins two Strings (or two lists); a number is not a String, so the two sides differ in type.",
        "Turn the number into text with `show n`: `\"total: \" ++ show n`, or interpolate: `\"total: ${n}\"`."),
       'n = 3\n\nmain = "total: " ++ show n'),
    # other languages' error messages, pasted from a habit
    _k(r"can only concatenate str|unsupported operand type|cannot add .*string", "type_mismatch", lambda m: (
        "That is Python's message for joining a string with a number; in Synoema `+` never joins strings.",
        "Join strings with `++` and turn the number into text with `show n`, or interpolate: "
        "`\"total: ${n}\"`."), 'n = 3\n\nmain = "total: " ++ show n ++ ", again ${n}"'),
    _k(r"NameError: name '(?P<name>\w+)' is not defined|ReferenceError: (?P<name2>\w+) is not defined|"
       r"Variable not in scope: (?P<name3>\w+)", "unbound_variable", _unbound),
    _k(r"IndexError|index out of range", "index_out_of_bounds", lambda m: (
        "An index past the end of a list (in Synoema: index_out_of_bounds from `index i xs`, 0-based).",
        "Check the index first: `? i < length xs -> index i xs : fallback`.")),
    _k(r"ZeroDivisionError", "division_by_zero", lambda m: (
        "Division by zero (in Synoema: division_by_zero, for Int and Float alike).",
        "Guard the division: `? d == 0 -> 0 : n / d`.")),
    _k(r"RecursionError|maximum recursion depth|stack overflow", "limit_exceeded", lambda m: (
        "A recursion that went too deep (in Synoema: limit_exceeded), usually a missing or unreachable base case.",
        "Check that every recursive call moves toward the base case.")),
    _k(r"Non-exhaustive patterns", "no_match", lambda m: (
        "Haskell's message for a call no equation matches (in Synoema: no_match at run time, non_exhaustive "
        "from the checker).", "Add the missing case or a catch-all `_` equation.")),
    _k(r"Couldn't match expected type|is not a function|object is not callable", "type_mismatch", lambda m: (
        "A value of one type where another is needed (in Synoema: type_mismatch, which says which argument).",
        "Check the argument order (`map f xs`: the function first) and parenthesise nested calls: `f (g x)`.")),
    _k(r"type[_ ]mismatch", "type_mismatch", lambda m: (
        "type_mismatch: an expression has a different type from the one its place needs (our message says "
        "which argument or operator; the reference CLI says `expected Int, found String`).",
        "Change the expression to produce the expected type: `show` for text, a Float literal such as `2.0` "
        "for Float, `++` to join strings.")),
    _k(r"unexpected[_ ]token|expected an expression|parse error|syntax error", "unexpected_token", lambda m: (
        "unexpected_token: the parser met a token that cannot appear there.",
        "Common causes: `if`/`then` (write `? c -> a : b`), commas in lists (`[1 2 3]`), `return`, and a "
        "lambda without a backslash (`\\x -> x + 1`).")),
)

_CODES = set(DEFAULTS) | {"non_exhaustive", "linear_unused", "linear_duplicate"}


def looks_like_error(question: str) -> bool:
    """Does the question quote an error message or a diagnostic code?"""
    if any(re.search(rf"\b{code}\b", question) for code in _CODES):
        return True
    return any(k.pattern.search(question) for k in KNOWN[:-2] if k.code != "unexpected_token"
               or "`" in question or "error" in question.lower())


def error_answer(knowledge: Knowledge, question: str) -> str | None:
    """Cause and fix of the error quoted in the question, or None when none is recognised."""
    if not looks_like_error(question):
        return None
    for known in KNOWN:
        m = known.pattern.search(question)
        if m is None:
            continue
        cause, fix = known.explain(m)
        out = f"**{known.code}**: {cause}\n\n**Fix:** {fix}\n"
        if known.example:
            shown = program(knowledge, known.example)
            if shown:
                out += "\nFor example:\n\n" + shown
        return out
    for code in sorted(_CODES, key=len, reverse=True):
        if re.search(rf"\b{code}\b", question):
            return _code_only(code)
    return None


_CODE_MEANING = {
    "unexpected_char": "a character that cannot appear in Synoema source outside strings (such as `#`, `!`, `@`)",
    "non_exhaustive": "a function's equations do not cover every case, so some call would stop with no_match",
    "runtime_error": "the program stopped while running: `error` was called or a partial function got a bad value",
    "internal_error": "the checker or runner itself failed; please report the program",
}


def _code_only(code: str) -> str:
    meaning = _CODE_MEANING.get(code, code.replace("_", " "))
    hint = DEFAULTS.get(code, ("", "Read the message next to the code: it names the place and the value."))[1]
    return f"**{code}**: {meaning}.\n\n**Fix:** {hint}\n"
