"""Answers computed from a quoted expression: evaluate it (sandboxed) and state the result with the rule.

"What does -7 % 3 give?" finds the expression `-7 % 3` in the question (in backticks or as a run of
code-like words: literals, operators and library names), evaluates it the way `synoema eval` does,
and answers with the value, its type and the rules of the operators and functions it uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from synoema.library import prelude_signatures
from synoema.stdlib import BUILTINS

from .live import Evaluation, evaluate

_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'                # a string literal
    r"|\d+(?:\.\d+)?"                    # a number
    r"|[A-Za-z_][A-Za-z0-9_']*"          # a word
    r"|\.\.\.|\.\.|\|>|[-+*/%<>=!&|:.^]+"  # operators and ranges
    r"|[\[\](){},\\]"                    # brackets, comma, lambda
    r"|\s+|."
)
_LITERAL_WORDS = {"true", "false"}
_OPERATOR = re.compile(r"^(->|<-|\||\*\*|[-+*/%<>]|==|!=|<=|>=|\+\+|&&|\|\||\|>|::?|\.\.|>>|<>|/=|===|\^)$")


def _code_word(word: str, lambda_params: set[str]) -> bool:
    return word in BUILTINS or word in _LITERAL_WORDS or word in lambda_params or word in prelude_signatures()


def candidates(question: str, *, bare: bool = False) -> list[str]:
    """Expressions quoted in the question: backtick spans first, then runs of code-like tokens."""
    found = [m.strip() for m in re.findall(r"`([^`\n]+)`", question)]
    applied = re.search(r"`?([a-z_]\w*)`? (?:returns?|gives?|does|produces?|do) (?:for|on|with|when given|applied to) "
                        r"(.+?)\s*\??$", question)
    if applied and (applied.group(1) in BUILTINS or applied.group(1) in prelude_signatures()):
        found.insert(0, f"{applied.group(1)} {applied.group(2)}")
    text = re.sub(r"`[^`\n]*`", " ", question)
    tokens = [m.group(0) for m in _TOKEN.finditer(text)]
    params: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok == "\\":
            for nxt in tokens[i + 1:]:
                if nxt == "->":
                    break
                if re.fullmatch(r"[a-z_]\w*", nxt):
                    params.add(nxt)
    params.update(re.findall(r"\b([a-z_]\w*)\s*<-", text))  # comprehension generators bind names too
    run: list[str] = []
    depth = 0

    def flush() -> None:
        expr = "".join(run).strip()
        while expr and expr[-1] in "?.,:!" and not expr.endswith(".."):
            expr = expr[:-1].rstrip()
        if expr and depth >= 0:
            found.append(expr)

    for tok in tokens:
        codey = (tok[0] in '"0123456789[](){}\\' or (tok == "," and depth > 0) or _OPERATOR.match(tok) is not None
                 or ((tok[0].isalpha() or tok[0] == "_") and _code_word(tok, params)) or (tok.isspace() and run != []))
        if tok == "?" or (tok == "," and depth == 0):
            codey = False
        if codey:
            depth += tok.count("[") + tok.count("(") - tok.count("]") - tok.count(")")
            run.append(tok)
        else:
            if run:
                flush()
            run, depth = [], 0
    if run:
        flush()
    ticked = set(re.findall(r"`([^`\n]+)`", question))
    return [c for c in dict.fromkeys(found)
            if _worth_evaluating(c, bare or (c in ticked and re.fullmatch(r"\[.*\]|\".*\"", c) is not None))]


def _worth_evaluating(expr: str, bare: bool = False) -> bool:
    """Has a literal and something to compute (an operator, a call, a range), and is not just prose."""
    if not re.search(r'\d|"|\[|\btrue\b|\bfalse\b', expr):
        return False
    if bare:
        return expr.count('"') % 2 == 0
    if re.fullmatch(r"-?\d+(\.\d+)?|\[[^\[\]]*\]|\"[^\"]*\"", expr) and not re.search(r"\.\.|,|(^|[\[ ])-\d", expr):
        return False  # a bare literal: nothing to compute
    if expr.count('"') % 2:
        return False
    if re.search(r"[-+*/%<>=!&|.^:]|\]|\)|\\", expr):
        return True
    return bool(re.search(r"[A-Za-z_]\w*\s+\S", expr))  # a call with an argument


# ── the rules behind results ──────────────────────────────────────────────────────────────────

def rules(ev: Evaluation) -> Iterator[str]:
    e = ev.expr
    ints = not re.search(r"\d\.\d", e)
    if re.search(r"(?<![*])%", e):
        yield ("`%` is the remainder of truncated division: it takes the sign of the dividend (the left "
               "operand), so `-7 % 3` is `-1` and `7 % -3` is `1` (Python's `%` would give `2` and `-2`).")
    if re.search(r"(?<![/])/(?![/=])", e) and ints and "%" not in e:
        yield ("`/` on two Ints is integer division that truncates toward zero: `7 / 2` is `3`, `-7 / 2` "
               "is `-3`. Write Float operands (`7.0 / 2.0`) for `3.5`; Int and Float never mix.")
    if "**" in e:
        yield ("`**` is power; it is right-associative (`2 ** 3 ** 2` is `2 ** 9`) and binds tighter than "
               "`*` and `/`; an Int power needs a non-negative exponent.")
        if re.match(r"\s*-", e):
            yield "A prefix minus binds tighter than `**`: `-2 ** 2` is `(-2) ** 2`, which is `4`."
    if re.search(r"[\w)\]]\s*[+\-]\s*[\w(\[]", e) and re.search(r"[*/%]", e) and "**" not in e:
        yield ("`*`, `/` and `%` bind tighter than `+` and `-`; operators of one level group from the left "
               "(`10 / 3 * 3` is `(10 / 3) * 3`).")
    if "\\" in e:
        yield "`\\x -> body` is a lambda (an anonymous function); `\\x y -> body` takes two parameters."
    if "<-" in e and "|" in e:
        yield "A comprehension `[expr | x <- xs, cond]` draws `x` from `xs`, keeps those passing `cond`."
    if re.search(r"\b[a-z_]\w* -\d", e) and not ev.ok:
        yield ("`f -3` parses as the subtraction `f - 3`: a negative argument needs parentheses, `abs (-3)`.")
    if re.search(r"&&|\|\|", e):
        yield ("`&&` and `||` short-circuit: the right side is evaluated only when the left side does not decide "
               "the result (`false && error \"x\"` is `false`).")
    if "++" in e:
        yield "`++` joins two Strings or two lists; `+` only adds numbers."
    if ".." in e and "[" in e:
        yield "A range `[a..b]` is inclusive of both ends and empty when `a > b`."
    if re.search(r"(<|>|<=|>=|==|!=)[^<>=!]*(<|>|<=|>=|==|!=)", e) and not ev.ok:
        yield "Comparisons do not chain: `3 > 2 > 1` compares a Bool with an Int. Write `3 > 2 && 2 > 1`."
    for name, note in _CALL_RULES.items():
        if re.search(rf"\b{name}\b", e):
            yield note
    if ev.ok and ev.type == "Int" and "-" not in e and (
            (re.fullmatch(r"-\d+", ev.value) and len(ev.value) > 15) or ("**" in e and ev.value in ("0", "1") and
            not re.search(r"\*\*\s*[01]\b", e) and not re.match(r"\s*[01]\s*\*\*", e))):
        yield "Int is a 64-bit signed integer and wraps around on overflow (no error, no big integers)."


_CALL_RULES: dict[str, str] = {
    "round": "`round` goes to the nearest whole number, halves away from zero, and returns a Float.",
    "floor": "`floor : Float -> Float` rounds down; it needs a Float argument (`floor 3.0`, not `floor 3`).",
    "ceil": "`ceil : Float -> Float` rounds up; it needs a Float argument.",
    "sqrt": "`sqrt` takes an Int or a Float and always returns a Float.",
    "str_find": "`str_find s sub start` returns the index of `sub` at or after `start`, or `-1` when absent.",
    "str_slice": ("`str_slice s from to` gives the characters from `from` to `to - 1` (the end is exclusive); "
                  "ends past the string are clamped, and `to <= from` gives \"\"."),
    "take": "`take n xs` returns at most `n` elements: a shorter list is returned whole, with no error.",
    "drop": "`drop n xs` skips at most `n` elements: dropping more than the length gives `[]`.",
    "head": "`head` and `tail` stop the program with a runtime error on `[]`; match `[]` first.",
    "tail": "`tail []` is a runtime error; match `[]` first or check `xs == []`.",
    "index": "`index i xs` is 0-based; an index past the end is a runtime error (`index_out_of_bounds`).",
    "zip": "`zip` pairs elements as two-element lists `[x y]` (not tuples) and stops at the shorter list.",
    "sum": "`sum : List Int -> Int` adds Ints (0 for `[]`); for Floats use `foldl (\\acc x -> acc + x) 0.0 xs`.",
    "show": "`show` turns any value into its display text; a String is shown without quotes.",
    "length": "`length` counts list elements; for a String use `str_len s`.",
    "reverse": "`reverse` reverses a list; a String is not a list (see `str_slice` to take it apart).",
    "str_len": "`str_len` counts characters (not bytes).",
    "str_trim": "`str_trim` removes leading and trailing whitespace.",
    "str_starts_with": "`str_starts_with s prefix` is true for the empty prefix.",
    "abs": "`abs` works on Int and Float (`abs (-3)`: negative literals as arguments need parentheses).",
}


def _result_line(ev: Evaluation) -> str:
    if ev.ok and ev.type is not None and "->" in ev.type and not ev.output:
        return f"`{ev.expr}` is a function of type `{ev.type}`.\n"
    if ev.ok and "\n" in ev.value:
        return (f"`{ev.expr}` prints its lines, then the value of the whole expression (`synoema eval` shows "
                f"both):\n\n```output\n{ev.output}```\n")
    if ev.ok:
        typ = f" (type `{ev.type}`)" if ev.type else ""
        return f"`{ev.expr}` evaluates to `{ev.value}`{typ}: that is what `synoema eval` prints.\n"
    err = ev.error
    assert err is not None
    kind = "needs a permission the sandbox does not give" if err.code == "permission_denied" else \
        "does not compile" if err.code not in ("runtime_error", "division_by_zero", "index_out_of_bounds",
                                                   "no_match", "limit_exceeded") else "stops with a runtime error"
    text = f"`{ev.expr}` {kind}: **{err.code}**: {err.message}.\n"
    if err.llm_hint:
        text += f"\n{err.llm_hint}\n"
    if err.did_you_mean:
        text += f"\nDid you mean `{err.did_you_mean}`?\n"
    return text


def evaluations(question: str) -> list[Evaluation]:
    """The expressions quoted in the question, evaluated (those worth answering with)."""
    found = candidates(question)
    if not found and re.search(r"\btype\b", question, re.IGNORECASE):  # "the type of [1 2 3]": a bare literal
        found = [c for c in candidates(question, bare=True)]
    ticked = set(re.findall(r"`([^`\n]+)`", question))
    evs = [ev for ev in (evaluate(c) for c in found[:3])
           if ev.expr in ticked or "\\" in ev.expr or ev.ok is False or not (ev.type and "->" in ev.type)
           or re.search(r"[-+*/%<>=!&|.]", ev.expr)]  # a partial application read out of prose is no answer
    evs = [ev for ev in evs if ev.ok or (ev.error is not None and ev.error.code != "unexpected_token")
           or (ev.error is not None and _is_users_slip(ev))]
    return evs


def expression_answer(question: str) -> str | None:
    """The evaluated expression(s) of the question with the rules behind them; None if none is quoted."""
    evs = evaluations(question)
    if not evs:
        return None
    parts: list[str] = []
    seen_rules: set[str] = set()
    for ev in evs:
        parts.append(_result_line(ev))
        for rule in rules(ev):
            if rule not in seen_rules:
                seen_rules.add(rule)
                parts.append(f"- {rule}\n")
    if any(ev.error is not None and ev.error.code == "division_by_zero" for ev in evs):
        parts.append("- Division by zero stops the program (for Int and Float alike); guard it: "
                     "`? d == 0 -> 0 : n / d`.\n")
    if any(ev.error is not None and "Int and Float" in ev.error.message and "never mix" not in (ev.error.llm_hint or "")
           for ev in evs):
        parts.append("- Int and Float never mix and there is no conversion: write a Float literal such as "
                     "`1.0` on both sides, or keep both Int.\n")
    return "".join(parts)


def _is_users_slip(ev: Evaluation) -> bool:
    """A syntax error worth explaining (commas in a list, a bare negative element), not a misread question."""
    err = ev.error
    return err is not None and bool(err.did_you_mean or "parenthes" in err.message or "commas" in err.message)
