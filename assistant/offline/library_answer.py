"""Answers about a library function: its type from the builtin table or the prelude, examples evaluated
here, and the edge cases users trip on (`str_find` gives -1 when absent, `head []` is a runtime error).
"""

from __future__ import annotations

import re

from synoema.library import prelude_signatures
from synoema.stdlib import BUILTINS

from .live import evaluate

# name -> (example expressions, edge cases and notes). Examples are evaluated when answering.
NOTES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "print": (('print "hi"',), ("It returns `()`; `main = print x` prints `x` and then main's value `()`.",
                                "A String prints without quotes.")),
    "show": (("show 42", 'show [1 2]', "show 2.0"), ("A String is shown without quotes; Floats keep `.0`.",)),
    "readline": ((), ("It reads one line from standard input, without the newline: `name = readline`.",)),
    "length": (("length [1 2 3]", "length []"), ("For a String use `str_len s`: `length` counts list elements.",)),
    "head": (("head [1 2 3]",), ("`head []` is a runtime error: match `[]` first.",
                                 "A String is not a list: use `str_slice s 0 1`.")),
    "tail": (("tail [1 2 3]",), ("`tail []` is a runtime error.",)),
    "even": (("even 4", "even 0"), ()),
    "odd": (("odd 3", "odd (-3)"), ()),
    "not": (("not true",), ("It needs a Bool; there is no `!` prefix.",)),
    "sum": (("sum [1 2 3]", "sum []"), ("Int only: for Floats use `foldl (\\acc x -> acc + x) 0.0 xs`.",)),
    "map": (("map (\\x -> x * 2) [1 2 3]",), ("The function comes first, then the list.",)),
    "filter": (("filter even [1 2 3 4]",), ("The predicate comes first, then the list.",)),
    "foldl": (("foldl (\\acc x -> acc + x) 0 [1 2 3]",),
              ("The step function takes the accumulator first: `\\acc x -> ...`; there is no `foldr`.",)),
    "concatMap": (("concatMap (\\x -> [x x]) [1 2]",), ()),
    "zip": (("zip [1 2 3] [4 5]",), ("Pairs are two-element lists `[x y]`, not tuples; it stops at the shorter "
                                     "list.",)),
    "index": (("index 0 [10 20 30]",), ("0-based; an index past the end is a runtime error "
                                        "(index_out_of_bounds). There is no `xs[i]`.",)),
    "take": (("take 2 [1 2 3]", "take 10 [1 2]"), ("Asking for more than the length returns the whole list.",)),
    "drop": (("drop 1 [1 2 3]", "drop 5 [1 2]"), ("Dropping more than the length gives `[]`.",)),
    "reverse": (("reverse [1 2 3]",), ("Lists only: a String is not a list.",)),
    "sqrt": (("sqrt 16", "sqrt 2.0"), ("It always returns a Float.",)),
    "floor": (("floor 2.7",), ("It needs a Float (`floor 3.0`, not `floor 3`) and returns a Float.",)),
    "ceil": (("ceil 2.1",), ("It needs a Float and returns a Float.",)),
    "round": (("round 2.5", "round (-2.5)", "round 2.4"), ("Halves go away from zero; the result is a Float.",)),
    "abs": (("abs (-3)", "abs (-2.5)"), ("A negative literal argument needs parentheses: `abs (-3)`.",)),
    "str_len": (('str_len "hello"', 'str_len ""'), ("It counts characters.",)),
    "str_slice": (('str_slice "hello" 1 3', 'str_slice "hello" 3 10'),
                  ("`str_slice s from to`: the end is exclusive (characters from..to-1); ends past the string "
                   "are clamped; `to <= from` gives \"\".",)),
    "str_find": (('str_find "hello" "l" 0', 'str_find "hello" "z" 0', 'str_find "hello" "l" 3'),
                 ("`str_find s sub start`: it returns -1 when `sub` does not occur at or after `start`; test "
                  "`str_find s sub 0 >= 0` for \"contains\".",)),
    "str_starts_with": (('str_starts_with "hello" "he"', 'str_starts_with "hello" ""'),
                        ("`str_starts_with s prefix`: the string first, then the prefix; the empty prefix is "
                         "always true.",)),
    "str_trim": (('str_trim "  hi  "',), ("It removes leading and trailing whitespace only.",)),
    "str_join": (('str_join ", " ["a" "b" "c"]', 'str_join "-" []'), ("The separator comes first.",)),
    "json_escape": (("json_escape \"a\\\"b\"",), ()),
    "json_parse": ((), ("It returns `Ok value` or `Err message`; read fields with `json_get`, `json_str`, "
                        "`json_num`.",)),
    "error": ((), ("`error \"message\"` stops the program with a runtime error; it has any type, so it fits "
                   "any branch.",)),
    "file_read": ((), ("It needs file access: the assistant's sandbox has none (permission_denied); "
                       "`synoema run` allows it unless `--sandbox`.",)),
    "env": ((), ("Empty when the variable is unset; `env_or name default` gives a default. Needs environment "
                 "access.",)),
    "env_or": ((), ("`env_or name default`: the default when the variable is unset.",)),
    "args": ((), ("The command-line arguments given after `--`: `synoema run app.sno -- a b`.",)),
    "for_each": (("for_each print [1 2]",), ("It runs a printing function on every element and returns `()`.",)),
    "unwrap": (("unwrap (Ok 3)",), ("`unwrap (Err e)` stops the program with a runtime error.",)),
    "unwrap_or": (('unwrap_or 0 (Err "bad")', "unwrap_or 0 (Ok 5)"), ("The default comes first.",)),
    "is_ok": (("is_ok (Ok 1)",), ()),
    "is_err": (('is_err (Err "x")',), ()),
    "map_ok": (("map_ok (\\x -> x * 2) (Ok 3)",), ("An `Err` passes through unchanged.",)),
    "and_then": (("and_then (\\x -> Ok (x + 1)) (Ok 1)",), ("Chains steps that may fail; the first `Err` wins.",)),
    "map_lookup": (('map_lookup "a" (map_insert "a" 1 map_empty)', 'map_lookup "b" map_empty'),
                   ("A missing key gives `Err key not found`.",)),
    "map_get": (('map_get "b" 0 map_empty',), ("`map_get key default m`: the default when the key is missing.",)),
    "map_insert": (('map_keys (map_insert "a" 1 map_empty)',), ("It returns a new map; the old one is unchanged.",)),
    "map_keys": (('map_keys (map_insert "b" 2 (map_insert "a" 1 map_empty))',), ("Keys come out sorted.",)),
    "has_key": (('has_key "a" (map_insert "a" 1 map_empty)',), ()),
    "json_get": ((), ("A missing field gives an `Err`.",)),
}

_COMMON_WORDS = {"print", "show", "length", "head", "tail", "even", "odd", "not", "sum", "map", "filter", "zip",
                 "index", "take", "drop", "reverse", "round", "floor", "abs", "error", "args", "env", "ceil"}
_ABOUT = re.compile(r"\b(type|signature|sig|what does|what do|what is|what's|whats|how does|how do i use|"
                    r"returns?|arguments?|args order|order|behaviou?r|do|is there an?)\b", re.IGNORECASE)


# What users call a function when they do not know its name.
ALIASES: tuple[tuple[str, str], ...] = (
    (r"pairs? (in)?to (a )?map|map from (a )?(list of )?pairs", "from_pairs"),
    (r"(index|position) of (a |the )?(sub)?string|where .* occurs", "str_find"),
    (r"\bsub-?strings?\b|characters from|slice (of )?a string", "str_slice"), (r"\bfold(s|ing)?\b|\breduc(e|ing|tion)\b|accumulat", "foldl"), (r"absolute value", "abs"), (r"square root", "sqrt"), (r"round(ing)? down", "floor"), (r"round(ing)? up", "ceil"),
    (r"has (a |the )?key|contains (a |the )?key|key exists", "has_key"), (r"\bnth\b|element at|by position", "index"),
    (r"length of (a |the |my )?list|size of (a |the |my )?list|how many elements", "length"),
    (r"parse json|json pars", "json_parse"), (r"command.?line arg", "args"), (r"environment variable", "env"),
    (r"first element", "head"), (r"remove (leading|trailing|surrounding) (white)?space|trim", "str_trim"),
)
_ABOUT_NAME = r"(type|signature|sig) of `?{w}\b|\b{w}`?'?s? (type|signature)|what (does|do|is) `?{w}`? (do|return|give|mean)|" \
              r"how does `?{w}`? work|does `?{w}`? work|is there an? `?{w}`? (function|builtin)|^(what is|whats|what's) `?{w}`?\s*\??$|^`?{w}`?\s*\??$"


def about_function(question: str) -> str | None:
    """The library function a question asks about as such ("what does reverse do"), if any."""
    for w in re.findall(r"[A-Za-z_]\w*", question):
        if signature(w) is not None and re.search(_ABOUT_NAME.format(w=w), question.strip(), re.IGNORECASE):
            return w
    return None


def _by_parts(question: str) -> str | None:
    """A library name whose every part is a word of the question: "delete a key from a map" -> map_delete."""
    words = {w.rstrip("s") for w in re.findall(r"[a-z]+", question.lower())}
    best: tuple[int, str] | None = None
    for name in [*BUILTINS, *prelude_signatures()]:
        parts = [p.rstrip("s") for p in name.split("_")]
        if len(parts) >= 2 and all(p in words for p in parts) and (best is None or len(parts) > best[0]):
            best = (len(parts), name)
    return best[1] if best else None


def signature(name: str) -> str | None:
    if name in BUILTINS:
        return BUILTINS[name].type
    return prelude_signatures().get(name)


def named_function(question: str) -> str | None:
    """The library function the question is about, if it names one (or describes one, `ALIASES`)."""
    for w in re.findall(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b", question):  # an exact library name such as `map_values`
        if signature(w) is not None:
            return w
    for pattern, name in ALIASES:
        if re.search(pattern, question, re.IGNORECASE):
            return name
    by_parts = _by_parts(question)
    if by_parts is not None:
        return by_parts
    ticked = re.findall(r"`([A-Za-z_]\w*)`", question)
    words = re.findall(r"[A-Za-z_]\w*", question)
    for w in [*ticked, *words]:
        if signature(w) is None:
            continue
        if w in ticked or w not in _COMMON_WORDS or _ABOUT.search(question) or len(words) <= 3:
            return w
    return None


def alias_function(question: str) -> str | None:
    """The library function the question describes without naming it ("the index of a substring")."""
    for pattern, name in ALIASES:
        if re.search(pattern, question, re.IGNORECASE):
            return name
    return None


def library_answer(question: str, name: str | None = None) -> str | None:
    name = name or named_function(question)
    if name is None:
        return None
    typ = signature(name)
    doc = BUILTINS[name].doc if name in BUILTINS else "from the prelude"
    out = [f"`{name} : {typ}` — {doc}.\n"]
    examples, notes = NOTES.get(name, ((), ()))
    lines = []
    for expr in examples:
        ev = evaluate(expr)
        if ev.ok:
            lines.append(f"- `{expr}` gives `{ev.value}`\n")
        elif ev.error is not None:
            lines.append(f"- `{expr}` stops with {ev.error.code}: {ev.error.message}\n")
    if lines:
        out.append("\nEvaluated here:\n\n" + "".join(lines))
    if notes:
        out.append("\n" + "".join(f"- {n}\n" for n in notes))
    return "".join(out)
