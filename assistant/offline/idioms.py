"""Idioms instantiated with the user's own names and values: "sum my list `scores`", "keep only the even
numbers of vals = [1..10]" become a small program that uses `scores` / `vals`, run here, with its output.

The question is read for bindings (`prices = [3, 5, 9]`, `` `names` ``, "my list items"), literals
(lists, strings, numbers) and the operation asked for. When the user gives a name but no value, the
program binds example values to that name and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .context import Knowledge
from .live import run_example
from .markdown import code_block, output_block

_LIST = r"\[[^\[\]\n]*\]"
_STRING = r'"(?:[^"\\\n]|\\.)*"'
_NOT_NAMES = frozenset(["a", "an", "the", "my", "list", "string", "map", "int", "number", "numbers", "variable", "each", "every", "all", "elements", "items", "of", "to", "in", "with", "using", "and", "or", "from", "is", "it", "i", "how", "do", "get", "synoema", "sno", "python", "haskell", "javascript"])


@dataclass
class Ask:
    """What the question gives: named values, unnamed literals, and the names it mentions."""

    text: str
    lower: str
    bound: dict[str, str] = field(default_factory=dict)  # name -> Synoema literal
    names: list[str] = field(default_factory=list)  # mentioned names, first first
    lists: list[str] = field(default_factory=list)  # unnamed list literals
    strings: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)

    def name(self, default: str, *, kind: str = "") -> str:
        for n in self.names:
            if not kind or _kind_of(self.bound.get(n, "")) in ("", kind):
                return n
        return default

    def list_value(self, name: str, default: str) -> tuple[str, bool]:
        """The user's list for `name` (bound or unnamed), or the default and False."""
        if name in self.bound and self.bound[name].startswith("["):
            return self.bound[name], True
        if self.lists:
            return self.lists[0], True
        return default, False


def _kind_of(literal: str) -> str:
    if literal.startswith("["):
        return "list"
    if literal.startswith('"'):
        return "string"
    return "number" if literal else ""


def synoema_list(literal: str) -> str:
    """`[3, 5, 9]` -> `[3 5 9]`; negative elements in parentheses; ranges kept."""
    inner = literal.strip()[1:-1].strip()
    if ".." in inner:
        return f"[{inner.replace(' ', '')}]"
    parts = [p for p in re.split(r"\s*,\s*|\s+", inner) if p]
    return "[" + " ".join(f"({p})" if p.startswith("-") else p for p in parts) + "]"


def read(question: str) -> Ask:
    ask = Ask(question, question.lower())
    for m in re.finditer(rf"\b([a-z_][A-Za-z0-9_]*)\s*=\s*({_LIST}|{_STRING}|-?\d+(?:\.\d+)?)", question):
        name, value = m.group(1), m.group(2)
        ask.bound[name] = synoema_list(value) if value.startswith("[") else value
        ask.names.append(name)
    for m in re.finditer(r"`([a-z_][A-Za-z0-9_]*)`", question):
        ask.names.append(m.group(1))
    chosen = list(ask.names)  # bound and back-ticked names are the user's, whatever they are called
    for m in re.finditer(r"\b(?:my|your)\s+(?:(?:list|string|map|int|variable|dict|array|number)\s+)?"
                         r"`?([a-z_][A-Za-z0-9_]*)`?", question):
        w = m.group(1)
        if w not in _NOT_NAMES and w not in ("list", "string", "map", "int", "variable", "number", "dict",
                                             "array", "numbers", "elements", "strings"):
            ask.names.append(w)
    for m in re.finditer(r"\b(?:list|string|map|of|in|from)\s+([a-z_][A-Za-z0-9_]*)\s*(?:=|$|\?|,|\s(?:with|"
                         r"using|bigger|greater|longer|into|by|starts?|contains?))", question):
        w = m.group(1)
        if w not in _NOT_NAMES and not w.isdigit():
            ask.names.append(w)
    for m in re.finditer(r"\b(?:lists?)\s+([a-z]\w*)\s+and\s+([a-z]\w*)\b", question):
        ask.names.extend([m.group(1), m.group(2)])
    ask.names = [n for n in dict.fromkeys(ask.names) if n in chosen or n not in _KEYWORDS]
    bound_spans = " ".join(ask.bound.values())
    for m in re.finditer(_LIST, question):
        lit = synoema_list(m.group(0))
        if lit not in bound_spans:
            ask.lists.append(lit)
    for m in re.finditer(r"\bfrom (-?\d+) (?:to|through|until) (-?\d+)|\b(\d+) to (\d+)\b", question):
        lo, hi = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        ask.lists.append(f"[{lo}..{hi}]")
    if not ask.lists:
        m = re.search(r"\b(?:up to|upto|below|under|until|till|through)\s+(\d+)", question)
        if m:
            hi = int(m.group(1)) - (1 if re.search(r"below|under", m.group(0)) else 0)
            ask.lists.append(f"[1..{hi}]")
    ask.strings = [s for s in re.findall(_STRING, question) if s not in bound_spans]
    ask.numbers = re.findall(r"(?<![\w.\[])-?\d+(?![\w.])", re.sub(rf"{_LIST}|{_STRING}", " ", question))
    return ask


_KEYWORDS = frozenset({"sum", "map", "filter", "length", "reverse", "show", "print", "main", "true", "false",
                       "total", "count", "sort", "join", "even", "odd", "square", "head", "tail", "take", "and"})


@dataclass(frozen=True)
class Idiom:
    id: str
    pattern: re.Pattern[str]
    build: Callable[[Ask], tuple[str, str] | None]  # (explanation, program)


def _prog(bindings: list[tuple[str, str]], *lines: str) -> str:
    head = "".join(f"{n} = {v}\n" for n, v in bindings)
    return head + ("\n" if head else "") + "\n".join(lines) + "\n"


def _with_list(ask: Ask, default_name: str, default_value: str) -> tuple[str, str, bool]:
    name = ask.name(default_name, kind="list")
    value, given = ask.list_value(name, default_value)
    return name, value, given


def _note(given: bool, name: str) -> str:
    return "" if given else f" (`{name}` holds example values here: put your own list there)"


def _sum(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[3 5 9]")
    return (f"`sum {name}` adds the Ints of `{name}`{_note(given, name)}; for Floats use "
            f"`foldl (\\acc x -> acc + x) 0.0 {name}`.", _prog([(name, value)], f"main = sum {name}"))


def _product(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[2 3 4]")
    return (f"Fold with `*` from 1: `foldl (\\acc x -> acc * x) 1 {name}`{_note(given, name)}.",
            _prog([(name, value)], f"main = foldl (\\acc x -> acc * x) 1 {name}"))


def _scale(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[1 2 3]")
    low = ask.lower
    if "square" in low:
        body = "x * x"
    else:
        k = {"double": 2, "twice": 2, "triple": 3}.get(next((w for w in ("double", "twice", "triple") if w in low), ""))
        m = re.search(r"(?:times|multiply\w* (?:\w+ )*by|by)\s+(\d+)", low)
        body = f"x * {m.group(1) if m else k or 2}"
        if re.search(r"increment|add (one|1)|plus one", low):
            body = "x + 1"
        added = re.search(r"\b(?:add|plus) (\d+) to", low)
        if added:
            body = f"x + {added.group(1)}"
    if "comprehension" in low:
        return (f"A comprehension draws `x` from `{name}`{_note(given, name)}.",
                _prog([(name, value)], f"main = [{body} | x <- {name}]"))
    return (f"`map` applies a lambda to every element of `{name}`{_note(given, name)}.",
            _prog([(name, value)], f"main = map (\\x -> {body}) {name}"))


def _filter_parity(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[1..10]")
    pred = "odd" if re.search(r"\bodds?\b", ask.lower) else "even"
    if re.search(r"\b(count|how many|number of)\b", ask.lower):
        return (f"Count what `filter {pred}` keeps{_note(given, name)}.",
                _prog([(name, value)], f"main = length (filter {pred} {name})"))
    return (f"`filter {pred} {name}` keeps the elements for which `{pred}` is true{_note(given, name)}.",
            _prog([(name, value)], f"main = filter {pred} {name}"))


def _count_if(ask: Ask) -> tuple[str, str] | None:
    return _where(ask, count=True)


def _filter_if(ask: Ask) -> tuple[str, str] | None:
    return _where(ask, count=bool(re.search(r"\b(count|how many|number of)\b", ask.lower)))


def _where(ask: Ask, *, count: bool) -> tuple[str, str] | None:
    m = re.search(r"(bigger|greater|larger|more|longer|less|smaller|shorter|above|below|over|under)"
                  r"(?: than)?\s+(-?\d+)", ask.lower)
    if m is None:
        return None
    name, value, given = _with_list(ask, "xs", '["a" "tree" "house"]' if "longer" in m.group(1) else "[5 50 500]")
    op = "<" if m.group(1) in ("less", "smaller", "shorter", "below", "under") else ">"
    item = "str_len x" if m.group(1) in ("longer", "shorter") else "x"
    keep = f"filter (\\x -> {item} {op} {m.group(2)}) {name}"
    if not count:
        return (f"`filter` keeps the elements that pass the test{_note(given, name)}.",
                _prog([(name, value)], f"main = {keep}"))
    return (f"Keep the matching elements with `filter` and count them with `length`{_note(given, name)}.",
            _prog([(name, value)], f"main = length ({keep})"))


def _extreme(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[3 9 4]")
    low = re.search(r"\b(min|minimum|smallest|lowest|least)\b", ask.lower) is not None
    op = "<" if low else ">"
    which = "smallest" if low else "largest"
    return (f"There is no `max`/`min` builtin for lists: fold, keeping the {which} element so far, starting from "
            f"`head {name}`{_note(given, name)}.",
            _prog([(name, value)], f"main = foldl (\\m x -> ? x {op} m -> x : m) (head {name}) {name}"))


def _average(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[4 6 8]")
    return (f"Divide `sum {name}` by `length {name}`; on Ints `/` truncates{_note(given, name)}.",
            _prog([(name, value)], f"main = sum {name} / length {name}"))


def _join(ask: Ask) -> tuple[str, str]:
    name = ask.name("parts", kind="list")
    value = ask.bound.get(name, '["a" "b" "c"]')
    low = ask.lower
    sep = next((s for s in ask.strings), None)
    if sep is None:
        sep = '"-"' if "dash" in low or "hyphen" in low else '" "' if "space" in low else \
            '"\\n"' if "newline" in low else '", "'
    return (f"`str_join {sep} {name}` puts the separator between the strings of `{name}`.",
            _prog([(name, value)], f"main = str_join {sep} {name}"))


def _starts_with(ask: Ask) -> tuple[str, str]:
    name = ask.name("s", kind="string")
    prefix = ask.strings[0] if ask.strings else '"#"'
    value = ask.bound.get(name, f"{prefix[:-1]}example\"")
    return (f"`str_starts_with {name} {prefix}`: the string first, then the prefix.",
            _prog([(name, value)], f"main = str_starts_with {name} {prefix}"))


def _contains(ask: Ask) -> tuple[str, str]:
    name = ask.name("s", kind="string")
    sub = ask.strings[0] if ask.strings else '"ab"'
    value = ask.bound.get(name, f'"cr{sub[1:-1]}by"')
    return (f"There is no `contains`: `str_find {name} {sub} 0` gives the index of the first match, or -1 when "
            f"absent, so test `>= 0`.",
            _prog([(name, value)], f"main = str_find {name} {sub} 0 >= 0"))


def _str_len(ask: Ask) -> tuple[str, str]:
    name = ask.name("s", kind="string")
    value = ask.bound.get(name, ask.strings[0] if ask.strings else '"hello"')
    return (f"`str_len {name}` counts the characters of a String (`length` is for lists).",
            _prog([(name, value)], f"main = str_len {name}"))


def _range_bounds(ask: Ask, lo: str = "1", hi: str = "5") -> tuple[str, str]:
    m = re.search(r"(-?\d+)\s*(?:to|\.\.|-|through|until)\s*(-?\d+)", ask.lower)
    if m:
        return m.group(1), m.group(2)
    m = re.search(r"(?:up to|upto|first|below|under)\s+(\d+)", ask.lower)
    return (lo, m.group(1)) if m else (lo, hi)


def _loop(ask: Ask) -> tuple[str, str]:
    named = [n for n in ask.names if n in ask.bound or f"`{n}`" in ask.text]
    if named and not re.search(r"\d+\s*(to|\.\.)\s*\d+", ask.lower):
        name = named[0]
        value = ask.bound.get(name, '["milk" "eggs" "bread"]')
        return (f"There are no loops: `for_each print {name}` prints every element on its own line.",
                _prog([(name, value)], f"main = for_each print {name}"))
    lo, hi = _range_bounds(ask)
    return (f"There are no loops: run `print` on every element of the range `[{lo}..{hi}]` with `for_each` "
            "(or build a list with `map`).", _prog([], f"main = for_each print [{lo}..{hi}]"))


def _factorial(ask: Ask) -> tuple[str, str]:
    n = ask.numbers[0] if ask.numbers else "10"
    return ("Two equations: the base case 0, then n times the factorial of n - 1.",
            _prog([], "fac 0 = 1\nfac n = n * fac (n - 1)\n", f"main = fac {n}"))


def _sort(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[5 2 8 1 9]")
    return ("Synoema has no built-in sort: write one, e.g. quicksort with `filter` and `++`"
            f"{_note(given, name)}.",
            _prog([(name, value)], "qsort [] = []\nqsort (p:rest) =\n  smaller = filter (\\x -> x < p) rest\n"
                  "  larger = filter (\\x -> x >= p) rest\n  qsort smaller ++ [p] ++ qsort larger\n",
                  f"main = qsort {name}"))


def _reverse(ask: Ask) -> tuple[str, str]:
    string = bool(ask.strings) or re.search(r"\bstrings?\b|\bword\b|\btext\b", ask.lower) is not None
    if string and not ask.lists:
        name = ask.name("s", kind="string")
        value = ask.bound.get(name, ask.strings[0] if ask.strings else '"hello"')
        return ("`reverse` works on lists only, and a String is not a list: reverse it with a recursive helper "
                "over `str_slice`, moving the first character to the end.",
                _prog([(name, value)], "rev s = ? str_len s == 0 -> \"\" : rev (str_slice s 1 (str_len s)) "
                      "++ str_slice s 0 1\n", f"main = rev {name}"))
    name, value, given = _with_list(ask, "xs", "[1 2 3]")
    return (f"`reverse {name}` reverses a list{_note(given, name)}.", _prog([(name, value)], f"main = reverse {name}"))


def _last(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[1 2 3]")
    return (f"There is no `last`: take `head (reverse {name})`{_note(given, name)}; it is a runtime error on `[]`.",
            _prog([(name, value)], f"main = head (reverse {name})"))


def _two_names(ask: Ask) -> tuple[str, str]:
    names = [n for n in ask.names if n not in ("list", "lists")]
    return (names[0], names[1]) if len(names) >= 2 else ("xs", "ys")


def _concat(ask: Ask) -> tuple[str, str]:
    a, b = _two_names(ask)
    return (f"`{a} ++ {b}` joins two lists (and two Strings).",
            _prog([(a, ask.bound.get(a, "[1 2]")), (b, ask.bound.get(b, "[3 4]"))], f"main = {a} ++ {b}"))


def _append(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[1 2 3]")
    x = ask.numbers[0] if ask.numbers else "4"
    return (f"`{name} ++ [{x}]` appends at the end (`{x} : {name}` would put it in front){_note(given, name)}.",
            _prog([(name, value)], f"main = {name} ++ [{x}]"))


def _to_string(ask: Ask) -> tuple[str, str]:
    name = ask.name("n")
    value = ask.bound.get(name, ask.numbers[0] if ask.numbers else "42")
    return (f"`show {name}` turns any value into a String; in a string `\"${{{name}}}\"` does the same.",
            _prog([(name, value)], f'main = "value: " ++ show {name}'))


def _interpolate(ask: Ask) -> tuple[str, str]:
    name = ask.name("total")
    value = ask.bound.get(name, ask.numbers[0] if ask.numbers else "42")
    label = ask.strings[0][1:-1] if ask.strings else f"{name}: "
    return (f"Interpolate with `${{{name}}}` inside the string (or write `\"{label}\" ++ show {name}`).",
            _prog([(name, value)], f'main = print "{label}${{{name}}}"'))


def _map_insert(ask: Ask) -> tuple[str, str]:
    name = ask.name("m")
    return (f"`map_insert key value {name}` returns a new map with the key added (maps are immutable).",
            _prog([(name, 'map_insert "pen" 3 map_empty')], f'main = map_keys (map_insert "ink" 4 {name})'))


def _map_lookup(ask: Ask) -> tuple[str, str]:
    name = ask.name("m")
    return (f"`map_lookup key {name}` gives `Ok value` or `Err ...`; `map_get key default {name}` gives the "
            "default for a missing key.",
            _prog([(name, 'map_insert "ada" 36 map_empty')],
                  f'main = [(map_get "ada" 0 {name}) (map_get "bob" 0 {name})]'))


def _take(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[1 2 3 4 5]")
    n = next((x for x in ask.numbers), "3")
    return (f"`take {n} {name}` gives the first {n} elements (fewer if the list is shorter){_note(given, name)}.",
            _prog([(name, value)], f"main = take {n} {name}"))


def _safe_div(ask: Ask) -> tuple[str, str]:
    return ("Return the built-in `Result`: `Ok` with the quotient, `Err` with a message when the divisor is 0.",
            _prog([], 'safe_div _ 0 = Err "division by zero"\nsafe_div a b = Ok (a / b)\n',
                  "main = [(safe_div 10 2) (safe_div 1 0)]"))


def _first(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[1 2 3]")
    return (f"`head {name}` is the first element (a runtime error on `[]`){_note(given, name)}.",
            _prog([(name, value)], f"main = head {name}"))


def _is_empty(ask: Ask) -> tuple[str, str]:
    name, value, _given = _with_list(ask, "xs", "[]")
    return (f"Compare with the empty list: `{name} == []` (or match `[]` in an equation); there is no "
            "`isEmpty`/`null`.", _prog([(name, value)], f"main = {name} == []"))


def _print(ask: Ask) -> tuple[str, str] | None:
    m = re.search(r"^\s*(?:how (?:do i|to|can i) )?print\s+(?:out\s+)?(\"[^\"]*\"|[A-Za-z][\w ,!.']*?)\s*\??$",
                  ask.text, re.IGNORECASE)
    if m is None:
        return None
    text = m.group(1).strip('"')
    return ("`print` writes a value and a newline; `main`'s value `()` is printed after it.",
            _prog([], f'main = print "{text}"'))


def _count(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[1 2 3]")
    return (f"`length {name}` counts the elements of a list{_note(given, name)}.",
            _prog([(name, value)], f"main = length {name}"))


def _split(ask: Ask) -> tuple[str, str]:
    low = ask.lower
    sep = next((s for s in ask.strings if len(s) <= 4), None)
    if sep is None:
        sep = '" "' if re.search(r"space|words", low) else '"\\n"' if "line" in low else '";"' if "semicolon" in low \
            else '","'
    name = ask.name("s", kind="string")
    text = ask.bound.get(name) or next((s for s in ask.strings if s != sep), '"a,b,c"'.replace(",", sep[1:-1]))
    return ("There is no `split`: find the separator with `str_find` and cut with `str_slice`, recursively.",
            _prog([(name, text)], "split sep s =\n  i = str_find s sep 0\n  ? i < 0 -> [s] : "
                  "[(str_slice s 0 i)] ++ split sep (str_slice s (i + str_len sep) (str_len s))\n",
                  f"main = split {sep} {name}"))


def _replicate(ask: Ask) -> tuple[str, str] | None:
    m = re.search(r"(\d+)\s+(zeros|zeroes|ones|copies of|times|(?:\w+s))", ask.lower)
    if m is None:
        return None
    n = m.group(1)
    value = {"zeros": "0", "zeroes": "0", "ones": "1"}.get(m.group(2)) or (ask.strings[0] if ask.strings else "0")
    return (f"There is no `replicate`: map every element of `[1..{n}]` to the value.",
            _prog([], f"main = map (\\_ -> {value}) [1..{n}]"))


def _map_length(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", '["ada" "grace" "alan"]')
    strings = '"' in value or not given
    fn = "str_len" if strings else "length"
    return (f"`map {fn} {name}` gives the length of every element{_note(given, name)}.",
            _prog([(name, value)], f"main = map {fn} {name}"))


def _is_prime(ask: Ask) -> tuple[str, str]:
    n = ask.numbers[0] if ask.numbers else "17"
    return (f"`n` is prime when it is above 1 and no `d` with `d * d <= n` divides it; here for {n}.",
            _prog([], "is_prime n = n > 1 && length (filter (\\d -> d * d <= n && n % d == 0) [2..n]) == 0\n",
                  f"main = is_prime {n}"))


def _last_n(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[1 2 3 4 5]")
    m = re.search(r"last (\d+)", ask.lower)
    n = m.group(1) if m else "2"
    return (f"Drop all but the last {n}: `drop (length {name} - {n}) {name}`{_note(given, name)}.",
            _prog([(name, value)], f"main = drop (length {name} - {n}) {name}"))


def _occurrences(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[3 1 3 2 3]")
    strings = '"' in value
    target = (ask.strings[0] if ask.strings and strings else next((n for n in ask.numbers), '"a"' if strings else "3"))
    return (f"Count the elements equal to {target}: `length (filter (\\x -> x == {target}) {name})`"
            f"{_note(given, name)}.", _prog([(name, value)], f"main = length (filter (\\x -> x == {target}) {name})"))


def _record(ask: Ask) -> tuple[str, str] | None:
    m = re.search(r"with (?:a |an )?(\w+)(?:,| and) (?:a |an )?(\w+)(?:,? and (?:a |an )?(\w+))?", ask.lower)
    if m is None:
        return None
    fields = [f for f in m.groups() if f]
    samples = {"name": '"Ada"', "age": "36", "title": '"Dune"', "price": "10", "x": "1", "y": "2", "email":
               '"ada@example.org"', "city": '"Paris"', "year": "1965", "id": "1", "score": "90", "author": '"Herbert"'}
    values = [samples.get(f, "0") for f in fields]
    lit = "{" + ", ".join(f"{f} = {v}" for f, v in zip(fields, values, strict=True)) + "}"
    return (f"A record literal lists its fields with `=`, separated by commas; read one with `.{fields[0]}`; "
            f"copy with a change as `{{...r, {fields[-1]} = ...}}`.",
            _prog([("r", lit)], f"main = print r ; r.{fields[0]}"))


def _sum_map(ask: Ask) -> tuple[str, str]:
    name = ask.name("m")
    return (f"`map_values {name}` lists the values; `sum` adds them.",
            _prog([(name, 'map_insert "pens" 3 (map_insert "ink" 4 map_empty)')], f"main = sum (map_values {name})"))


def _flatten(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xss", "[[1 2] [3] [4 5]]")
    return (f"There is no `flatten`/`concat`: `concatMap (\\row -> row) {name}` joins the inner lists"
            f"{_note(given, name)}.", _prog([(name, value)], f"main = concatMap (\\row -> row) {name}"))


def _zip(ask: Ask) -> tuple[str, str]:
    a, b = _two_names(ask)
    return (f"`zip {a} {b}` pairs the elements as two-element lists `[x y]`, stopping at the shorter list; the "
            "pairs are lists, so both lists need one element type (for a String and an Int, build records: "
            f"`map` over the indices with `index`).",
            _prog([(a, ask.bound.get(a, "[1 2 3]")), (b, ask.bound.get(b, "[10 20 30]"))], f"main = zip {a} {b}"))


def _enumerate(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[10 20 30]")
    return (f"There is no `enumerate`: zip the indices `[0..(length {name} - 1)]` with the list{_note(given, name)}.",
            _prog([(name, value)], f"main = zip [0..(length {name} - 1)] {name}"))


_PREDICATES = (
    (r"\bpositive\b", "x > 0"), (r"\bnegative\b", "x < 0"), (r"\bnon-?zero\b", "x != 0"),
    (r"\beven\b", "even x"), (r"\bodd\b", "odd x"),
)


def _sum_where(ask: Ask) -> tuple[str, str] | None:
    pred = next((p for pat, p in _PREDICATES if re.search(pat, ask.lower)), None)
    if pred is None:
        return None
    name, value, given = _with_list(ask, "xs", "[3 (-1) 4 (-5) 9]")
    return (f"Keep the elements with `filter`, then `sum` them{_note(given, name)}.",
            _prog([(name, value)], f"main = sum (filter (\\x -> {pred}) {name})"))


def _nth(ask: Ask) -> tuple[str, str]:
    name, value, given = _with_list(ask, "xs", "[10 20 30]")
    words = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4}
    i = next((v for w, v in words.items() if w in ask.lower), 1)
    return (f"`index {i} {name}` (0-based, so the {['first', 'second', 'third', 'fourth', 'fifth'][i]} element is "
            f"index {i}){_note(given, name)}.", _prog([(name, value)], f"main = index {i} {name}"))


def _repeat_string(ask: Ask) -> tuple[str, str] | None:
    m = re.search(r"(\d+) times", ask.lower)
    if m is None or not ask.strings:
        return None
    s, n = ask.strings[0], m.group(1)
    return ("Fold over `[1..n]`, appending the string each time (there is no `replicate`).",
            _prog([], f"main = foldl (\\acc _ -> acc ++ {s}) \"\" [1..{n}]"))


def _celsius(ask: Ask) -> tuple[str, str]:
    to_f = re.search(r"to (fahrenheit|f\b)", ask.lower) is not None or "celsius" in ask.names
    name = ask.name("celsius" if to_f else "fahrenheit")
    value = ask.bound.get(name, "25.0" if to_f else "77.0")
    body = f"{name} * 9.0 / 5.0 + 32.0" if to_f else f"({name} - 32.0) * 5.0 / 9.0"
    return ("Float arithmetic throughout (Int and Float never mix).", _prog([(name, value)], f"main = {body}"))


def _i(id: str, pattern: str, build: Callable[[Ask], tuple[str, str] | None]) -> Idiom:
    return Idiom(id, re.compile(pattern, re.IGNORECASE), build)


IDIOMS: tuple[Idiom, ...] = (
    _i("sum-where", r"\bsum\b.*\b(positive|negative|non-?zero|even|odd)\b", _sum_where),
    _i("nth", r"\b(second|third|fourth|fifth) (element|item|value)", _nth),
    _i("repeat-string", r"repeat\w* \"[^\"]*\" \d+ times|\"[^\"]*\" \d+ times", _repeat_string),
    _i("celsius", r"celsius|fahrenheit", _celsius),
    _i("map-length", r"lengths? of (each|every|all)|lengths of (the |my )?(strings|words|names|lists)|"
       r"each (string|word|name)'?s? length", _map_length),
    _i("is-prime", r"\bis \d+ (a )?prime|\bprime\b.*\b\d+\b|\bcheck .* prime", _is_prime),
    _i("last-n", r"\blast \d+ (elements|items|values|entries)", _last_n),
    _i("split", r"\bsplit\b", _split),
    _i("replicate", r"list of \d+ \w+|\d+ (copies|zeros|zeroes|ones)\b|\breplicate\b|repeat .* \d+ times", _replicate),
    _i("print", r"^\s*(how (do i|to|can i) )?print\b", _print),
    _i("is-empty", r"\b(is|if|whether) (a |the |my )?(list|`?\w+`?) (is )?empty\b|\bempty list\?|\bis empty\b",
       _is_empty),
    _i("safe-div", r"safe division|divi\w* .*(without crash|error instead|safely|returns? an? (error|result))",
       _safe_div),
    _i("interpolate", r"(print|show|put|format)\b.*\b(followed by|with|inside|in) (a |the )?(my )?(variable|message|"
       r"string)|\"[^\"]*\"\s*followed by", _interpolate),
    _i("to-string", r"(int|number|integer|value)\w* (`?\w+`? )?(to|in|into) (a )?(string|text)|to string for|stringify|"
       r"convert .* to (a )?(string|text)", _to_string),
    _i("reverse", r"\brevers", _reverse),
    _i("sort", r"\bsort", _sort),
    _i("occurrences", r"occurrences?|how many times|count (the )?\d+s?\b", _occurrences),
    _i("count-if", r"\b(count|how many|number of)\b.*\b(than|above|below|over|under)\b", _count_if),
    _i("filter-if", r"\b(longer|shorter|bigger|greater|larger|less|smaller|above|below|over|under)( than)? \d+",
       _filter_if),
    _i("filter-parity", r"\b(even|odd)s?\b.*\b(numbers?|elements?|items?|values?|of|from|in)\b|"
       r"\b(keep|filter|only|select|remove)\b.*\b(even|odd)", _filter_parity),
    _i("scale", r"\b(double|triple|square|increment)\w*\b.*\b(each|every|all|element|number)|"
       r"\b(each|every)\b.*\b(times|doubled|squared)|squares (of|from)|list of squares|"
       r"\b(add|plus) \d+ to (every|each|all)|(multiply|divide) (every|each|all)", _scale),
    _i("product", r"\bproduct\b", _product),
    _i("average", r"\baverage\b|\bmean (of|value)\b|\bthe mean\b|arithmetic mean", _average),
    _i("extreme", r"\b(max|maximum|biggest|largest|highest|greatest|min|minimum|smallest|lowest)\b", _extreme),
    _i("sum-map", r"\b(sum|total)\b.*\bvalues\b.*\bmap\b|\bmap\b.*\b(sum|total)\b", _sum_map),
    _i("sum", r"\b(sums?|summ?ing|total|add up)\b(?! of squares)", _sum),
    _i("count", r"\bcount (the |all )?(elements|items|values|entries)\b|how many (elements|items)|"
       r"number of (elements|items)", _count),
    _i("join", r"\bjoin\b|into one string|separated by|glue .* together", _join),
    _i("starts-with", r"starts? with|begins? with|prefix", _starts_with),
    _i("contains", r"\bcontains?\b|\bfind\b.*\bin\b|\bis\b.*\ba substring\b|substring .*\bin\b", _contains),
    _i("str-len", r"length of (the |my )?(string|`?\w+`?)|how long is|number of characters", _str_len),
    _i("loop", r"\b(loop|iterate)\b.*\b(over|from|through|\d)|print (each|every|all)|for each number|from \d+ to \d+.*print|print.*from \d+ to \d+",
       _loop),
    _i("factorial", r"\bfactorial\b", _factorial),
    _i("last", r"\blast (element|item)", _last),
    _i("first-n", r"\bfirst \d+\b", _take),
    _i("first", r"\bfirst (element|item)", _first),
    _i("append", r"\bappend\b|add (an? )?(element|item) to (the end|a list|my list)", _append),
    _i("concat", r"concatenat\w* (two )?lists|join (two )?lists|combine (two )?lists|lists \w+ and \w+", _concat),
    _i("map-insert", r"\b(add|insert|put)\b.*\b(key|entry)\b.*\bmap\b|\bmap\b.*\b(add|insert)\b", _map_insert),
    _i("map-lookup", r"\blook ?up\b.*\bmap\b|\bmap\b.*\blook ?up\b|value for (a )?key", _map_lookup),
    _i("record", r"\brecord\b.*\bwith\b", _record),
    _i("flatten", r"flatten|list of lists|concat(enate)? .*lists of", _flatten),
    _i("enumerate", r"enumerate|with (its|their) (index|indices|position)|index (of|for) each", _enumerate),
    _i("zip", r"\bzip\b|\bpair\b .* with\b", _zip),
)

_LIST_IDIOMS = frozenset({"extreme", "sum", "product", "average", "scale", "filter-parity", "count-if", "last",
                          "count", "filter-if", "occurrences", "flatten", "enumerate", "zip"})


def idiom_answer(knowledge: Knowledge, question: str) -> str | None:
    """The idiom the question asks for, applied to its names and values and run; None if none fits."""
    ask = read(question)
    for idiom in IDIOMS:
        if not idiom.pattern.search(question):
            continue
        if idiom.id in _LIST_IDIOMS and not (ask.lists or any(v.startswith("[") for v in ask.bound.values())
                                             or re.search(r"\blists?\b|\bof\b|\bin\b|`", ask.lower)):
            continue
        if idiom.id == "zip" and ask.lists and not ask.bound:
            continue  # `zip [1 2 3] [4 5]` is an expression to evaluate, not an idiom to apply
        if idiom.id == "str-len" and not re.search(r"\bstrings?\b|\bmsg\b|\bword\b|\btext\b|\"", ask.lower):
            continue
        built = idiom.build(ask)
        if built is None:
            continue
        explanation, code = built
        shown = run_example(code)
        if shown is None:
            continue
        return explanation + "\n\n" + code_block(knowledge, shown.code) + output_block(knowledge, shown.output)
    return None
