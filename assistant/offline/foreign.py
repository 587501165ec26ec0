"""Names from other languages (Python builtins, Haskell functions, JavaScript methods) mapped to the
Synoema way, saying plainly when Synoema has no such thing. Keywords and operators are concept cards
(`topics`); this module covers library names, from `synoema.stdlib.FOREIGN_NAMES` plus a few more.
"""

from __future__ import annotations

import re

from synoema.stdlib import BUILTINS, FOREIGN_NAMES

EXTRA: dict[str, str] = {
    "uppercase": "no case-conversion builtin exists; map characters yourself",
    "lowercase": "no case-conversion builtin exists; map characters yourself",
    "capitalize": "no case-conversion builtin exists",
    "str_contains": "str_find s sub 0 >= 0 (str_find gives -1 when absent)",
    "isdigit": "a comparison on `str_slice` characters (there is no character-class builtin)",
    "ord": "no character-code builtin exists",
    "chr": "no character-code builtin exists",
    "int_of_string": "no string-to-number conversion builtin exists",
    "parseInt": "no string-to-number conversion builtin exists",
    "atoi": "no string-to-number conversion builtin exists",
    "print_endline": "print x",
    "console.log": "print x",
    "fmt.Println": "print x",
    "foldr": FOREIGN_NAMES.get("foldr", "foldl"),
}
NAMES: dict[str, str] = {**FOREIGN_NAMES, **EXTRA}

# Words that are ordinary English too: they count only when the question asks about them as names.
_AMBIGUOUS = frozenset({"size", "count", "string", "get", "at", "first", "rest", "last", "init", "null", "empty",
                        "range", "max", "min", "and", "or", "id", "const", "lambda", "self", "this", "none", "exit",
                        "sort", "sorted", "lines", "words", "find", "join", "append", "push", "contains",
                        "includes", "all", "any", "float", "int", "fold", "flatten", "concat", "nth", "cons",
                        "slice", "echo", "input", "console", "negate", "truncate", "iterate", "mod", "div",
                        "pow", "str", "repr", "elem", "strip", "trim", "split", "upper", "lower", "reduce",
                        "undefined", "raise", "throw", "panic", "nil", "flip", "enumerate"})
_ASKED = r"(is there (a|an|any)?\s*`?{w}`?|`{w}`|\b{w}\(|\b{w} (function|method|builtin|keyword)|equivalent (of|to) `?{w}|" \
         r"(have|has|support) (a |an )?`?{w}\b|\.{w}\b|\b{w} (in|for) synoema|like `?{w}`? in|^\s*{w}\b)"


def foreign_name(question: str) -> str | None:
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", question)
    words += [w.rsplit(".", 1)[1] for w in words if "." in w.strip(".")]  # str.startswith, Array.includes
    for w in words:
        w = w.rstrip(".")
        if w not in NAMES or w in BUILTINS:
            continue
        if w not in _AMBIGUOUS or re.search(_ASKED.format(w=re.escape(w)), question, re.IGNORECASE):
            return w
    return None


def foreign_answer(question: str) -> str | None:
    name = foreign_name(question)
    if name is None:
        return None
    instead = NAMES[name]
    if instead.startswith("no ") or "exists" in instead:
        return f"Synoema has no `{name}`: {instead}.\n"
    return f"Synoema has no `{name}`; write {_ticked(instead)} instead.\n"


def _ticked(text: str) -> str:
    """Code in the mapping text in backticks: the part before a parenthesised remark or an `or`."""
    parts = re.split(r"(\s+\(.*\)|\s+or\s+|,\s+)", text)
    out = []
    for p in parts:
        if p and not p.isspace() and not p.strip().startswith("(") and p.strip() not in ("or", ","):
            out.append(f"`{p.strip()}`")
        else:
            out.append(p)
    return "".join(out)
