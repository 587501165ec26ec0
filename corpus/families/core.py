"""What a synth family is made of: random choices, Synoema literals, an independent display oracle.

A family is a function `make(g: Gen) -> None` that draws names, values and a coding style from
`g`, writes the program's definitions and `main`, says in plain English what `main` prints, and
computes the expected output *in Python* from the same values. The display rules (`show`) are
written here from the language reference, not taken from our interpreter, so a validation that
compares the interpreter's output with this oracle's checks both.
"""

from __future__ import annotations

import math
import random
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# ── values the oracle computes ──────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Con:
    """A constructor value: `Con("Just", 3)` displays `Just 3`."""

    name: str
    args: tuple[Any, ...] = ()

    def __init__(self, name: str, *args: Any) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", tuple(args))


class _Unit:
    def __repr__(self) -> str:
        return "UNIT"


UNIT = _Unit()


class OracleError(ValueError):
    """The oracle was asked for something the family must never produce (an exponent float)."""


def show_float(x: float) -> str:
    """Whole floats keep `.0`; others print as the shortest decimal that reads back the same."""
    if math.isnan(x) or math.isinf(x):
        raise OracleError(f"no display for {x}")
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x)}.0"
    text = repr(x)
    if "e" in text:
        raise OracleError(f"{x} would need an exponent")
    return text


def show(v: Any) -> str:
    """What `show`, `print` and `${}` produce: strings bare, lists `[a b]`, records `{a = 1}`,
    constructor arguments in parentheses only when they are constructors with arguments."""
    if v is UNIT:
        return "()"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return show_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, list | tuple):
        return "[" + " ".join(show(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {show(x)}" for k, x in v.items()) + "}"
    if isinstance(v, Con):
        parts = [v.name]
        for a in v.args:
            s = show(a)
            parts.append(f"({s})" if isinstance(a, Con) and a.args else s)
        return " ".join(parts)
    raise OracleError(f"no display for {type(v).__name__}")


def quote(s: str) -> str:
    """A Synoema string literal."""
    body = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("$", "\\$")
    return f'"{body}"'


def lit(v: Any, atom: bool = True) -> str:
    """Synoema source for a value; `atom` puts parentheses where an argument or list item needs them."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        text = str(v) if isinstance(v, int) else show_float(v)
        return f"({text})" if atom and v < 0 else text
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, list | tuple):
        return "[" + " ".join(lit(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {lit(x, atom=False)}" for k, x in v.items()) + "}"
    if isinstance(v, Con):
        text = " ".join([v.name, *(lit(a) for a in v.args)])
        return f"({text})" if atom and v.args else text
    if v is UNIT:
        return "()"
    raise OracleError(f"no literal for {type(v).__name__}")


# ── integer arithmetic as Synoema does it ───────────────────────────────────────────────────


def idiv(a: int, b: int) -> int:
    """`/` on Int: truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def imod(a: int, b: int) -> int:
    """`%` on Int: the remainder has the sign of the dividend."""
    return a - b * idiv(a, b)


def round_half_away(x: float) -> float:
    return float(math.floor(x + 0.5)) if x >= 0 else -float(math.floor(-x + 0.5))


def english_list(items: Sequence[str], conj: str = "and") -> str:
    items = list(items)
    if conj == ";":
        return "; ".join(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


# ── shared helpers, each written several ways ─────────────────────────────────────────────

HELPERS: dict[str, list[str]] = {
    "chars": [
        "chars s = [str_slice s i (i + 1) | i <- [0..(str_len s - 1)]]",
        "chars s = map (\\i -> str_slice s i (i + 1)) [0..(str_len s - 1)]",
        "chars s = ? str_len s == 0 -> [] : str_slice s 0 1 : chars (str_slice s 1 (str_len s))",
    ],
    "split_on": [
        "split_on sep s =\n  i = str_find s sep 0\n  ? i < 0 -> [s]\n  : str_slice s 0 i : split_on sep (str_slice s (i + str_len sep) (str_len s))",
        "pieces sep s from =\n  i = str_find s sep from\n  ? i < 0 -> [(str_slice s from (str_len s))]\n  : str_slice s from i : pieces sep s (i + str_len sep)\n\n"
        "split_on sep s = pieces sep s 0",
        "scan sep s start i =\n  n = str_len sep\n  ? i + n > str_len s -> [(str_slice s start (str_len s))]\n"
        "  : ? str_slice s i (i + n) == sep -> (str_slice s start i : scan sep s (i + n) (i + n))\n  : scan sep s start (i + 1)\n\n"
        "split_on sep s = scan sep s 0 0",
    ],
    "to_int": [
        'digit c = str_find "0123456789" c 0\n\nto_int s = foldl (\\acc i -> acc * 10 + digit (str_slice s i (i + 1))) 0 [0..(str_len s - 1)]',
        'digit c = str_find "0123456789" c 0\n\nparse s acc = ? str_len s == 0 -> acc : parse (str_slice s 1 (str_len s)) (acc * 10 + digit (str_slice s 0 1))\n\n'
        "to_int s = parse s 0",
        'digit c = str_find "0123456789" c 0\n\nto_int s =\n  n = str_len s\n  ? n == 0 -> 0 : to_int (str_slice s 0 (n - 1)) * 10 + digit (str_slice s (n - 1) n)',
    ],
    "up": [
        'lower = "abcdefghijklmnopqrstuvwxyz"\n\nupper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"\n\nup c =\n  i = str_find lower c 0\n  ? i < 0 -> c : str_slice upper i (i + 1)',
        'up c =\n  i = str_find "abcdefghijklmnopqrstuvwxyz" c 0\n  ? i < 0 -> c : str_slice "ABCDEFGHIJKLMNOPQRSTUVWXYZ" i (i + 1)',
        'lower = "abcdefghijklmnopqrstuvwxyz"\n\nupper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"\n\n'
        "caps = foldl (\\m i -> map_insert (str_slice lower i (i + 1)) (str_slice upper i (i + 1)) m) map_empty [0..25]\n\nup c = map_get c c caps",
    ],
}


def helper(g: Gen, name: str) -> None:
    """Define a shared helper (`chars`, `split_on`, `to_int`, `up`) in one of its styles."""
    g.define(g.pick(HELPERS[name]))


# ── name and data pools ─────────────────────────────────────────────────────────────────────

PEOPLE = ["ann", "bob", "cy", "dee", "eve", "finn", "gus", "hana", "ivo", "jo", "kai", "lea", "max", "nia",
          "otto", "pia", "quin", "ria", "sam", "tess", "uma", "vic", "wim", "xia", "yan", "zoe"]
NAMES = [n.capitalize() for n in PEOPLE]
FRUITS = ["apple", "pear", "plum", "fig", "kiwi", "lime", "mango", "grape", "peach", "cherry", "melon", "date"]
ANIMALS = ["cat", "dog", "owl", "fox", "bee", "yak", "emu", "ant", "bat", "elk", "hen", "cod"]
COLORS = ["red", "green", "blue", "amber", "teal", "pink", "gray", "gold", "navy", "plum"]
CITIES = ["Oslo", "Rome", "Lima", "Kyiv", "Baku", "Riga", "Doha", "Lagos", "Quito", "Hanoi", "Perth", "Cork"]
WORDS = ["sun", "moon", "tree", "river", "stone", "cloud", "rain", "wind", "leaf", "road", "lamp", "book",
         "door", "hill", "lake", "star", "ship", "bird", "snow", "fire", "salt", "milk", "rock", "sand"]
ITEMS = ["pen", "ink", "cup", "mug", "box", "bag", "hat", "map", "key", "jar", "pad", "tape", "glue", "rope"]
TOPICS = ["math", "art", "music", "chess", "code", "poetry", "biology", "history"]


class Gen:
    """The random choices and the program under construction for one candidate."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.defs: list[str] = []
        self.main_stmts: list[str] = []
        self.main_result: str | None = None
        self.out: list[str] = []
        self.result_value: Any = UNIT
        self.has_result = False
        self.prompt_text = ""
        self.approach_text = ""
        self.tags: list[str] = []
        self.style_name = ""
        self.stdin = ""
        self.modular = True  # helpers may be wrapped in a `mod` by the finishing pass
        self.inline_main = True  # a short main may be written on one line with `;`
        self._terse: bool | None = None

    # ── random choices ──────────────────────────────────────────────────────────────────────

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def ints(self, n: int, lo: int, hi: int, *, distinct: bool = False) -> list[int]:
        if distinct:
            return self.rng.sample(range(lo, hi + 1), n)
        return [self.rng.randint(lo, hi) for _ in range(n)]

    def sample(self, pool: Sequence[Any], n: int) -> list[Any]:
        return self.rng.sample(list(pool), n)

    def shuffled(self, items: Iterable[Any]) -> list[Any]:
        out = list(items)
        self.rng.shuffle(out)
        return out

    def name(self, *options: str) -> str:
        return self.pick(options)

    def style(self, *options: str, weights: Sequence[float] | None = None) -> str:
        self.style_name = self.rng.choices(options, weights=weights)[0] if weights else self.pick(options)
        return self.style_name

    def terse(self, p: float = 0.22) -> bool:
        """Whether this task is written tersely (with an explicit call example, as the recipe did)."""
        if self._terse is None:
            self._terse = self.chance(p)
            if self._terse:
                self.tag("terse")
        return self._terse

    # ── the task ────────────────────────────────────────────────────────────────────────────

    def tag(self, *tags: str) -> None:
        for t in tags:
            if t not in self.tags:
                self.tags.append(t)

    def task(self, text: str) -> None:
        self.prompt_text = " ".join(text.split())

    def approach(self, text: str) -> None:
        self.approach_text = " ".join(text.split())

    # ── the program ─────────────────────────────────────────────────────────────────────────

    def define(self, text: str) -> None:
        """Add top-level definitions (dedented; blank lines separate them in the program)."""
        self.defs.append(textwrap.dedent(text).strip("\n"))

    def let(self, name: str, expr: str) -> None:
        self.main_stmts.append(f"{name} = {expr}")

    def stmt(self, text: str) -> None:
        self.main_stmts.append(text)

    def say(self, expr: str, value: Any) -> None:
        """`print expr` in main; the oracle's line is `show value`."""
        self.main_stmts.append(f"print {paren(expr)}")
        self.out.append(show(value))

    def says(self, expr: str, lines: Iterable[Any]) -> None:
        """A statement in main that prints several lines (a `for_each`, a helper that prints)."""
        self.main_stmts.append(expr)
        self.out.extend(show(v) for v in lines)

    def result(self, expr: str, value: Any) -> None:
        """`main`'s final expression; its display is the last line of the output."""
        self.main_result = expr
        self.result_value = value
        self.has_result = True

    def each(self, fn: Callable[[str], str], items: Sequence[Any], values: Sequence[Any], *,
             what: str = "the result", var: str = "x", form: str | None = None,
             direct: str | None = None) -> str:
        """Print one value per item and say so: returns the phrase for the prompt.

        Forms: `for_each` over the items, one `print` line per item, or one `print` of a `map`.
        `direct` is the function's name when `fn(v)` is just `direct v` (then `map direct xs`)."""
        if form is None:
            forms = ["for_each", "lines", "list"] + (["arrow"] if '"' not in fn(var) else [])
            form = self.pick(forms)
        shown = english_list([lit(i, atom=False) for i in items])
        if form == "arrow":
            sep = self.pick([" -> ", ": ", " => ", " = ", " gives "])
            self.says(f'for_each (\\{var} -> print "${{{var}}}{sep}${{{fn(var)}}}") {lit(list(items))}',
                      [f"{show(i)}{sep}{show(v)}" for i, v in zip(items, values)])
            return f"print one line `INPUT{sep}RESULT` for each input in {lit(list(items))}, where RESULT is {what}"
        if form == "for_each":
            body = f"print {paren(fn(var))}"
            self.says(f"for_each (\\{var} -> {body}) {lit(list(items))}", values)
        elif form == "lines":
            for item, value in zip(items, values):
                self.say(fn(lit(item)), value)
        else:
            mapped = direct if direct is not None and self.chance(0.7) else f"(\\{var} -> {fn(var)})"
            self.say(f"map {mapped} {lit(list(items))}", list(values))
            return f"print the list of {what} for {lit(list(items))}"
        return f"print {what} for {shown}, one per line"

    # ── the finished program ────────────────────────────────────────────────────────────────

    def finish(self, family: str) -> Sample:
        if not self.prompt_text:
            raise OracleError(f"family {family} wrote no task")
        if not self.main_stmts and not self.has_result:
            raise OracleError(f"family {family} wrote no main")
        out = list(self.out)
        out.append(show(self.result_value) if self.has_result else "()")
        defs = list(self.defs)
        if self.modular and defs and self.chance(MODULE_RATE) and all(_is_function_def(d) for d in defs):
            defs = [_as_module(self.pick(MODULE_NAMES), defs, self.chance(0.3))]
            self.tag("modules")
        parts = [*self.main_stmts, *([self.main_result] if self.main_result is not None else [])]
        one_line = " ; ".join(parts)
        lets = any(_is_binding(p) for p in parts)
        if len(parts) == 1 and not lets and "\n" not in parts[0]:
            main = f"main = {parts[0]}"
        elif self.inline_main and not lets and len(parts) <= 3 and len(one_line) <= 72 and self.chance(0.35):
            main = f"main = {one_line}"
        else:
            main = "main =\n" + "\n".join(textwrap.indent(p, "  ") for p in parts)
        source = "\n\n".join([*defs, main]) + "\n"
        return Sample(
            prompt=self.prompt_text,
            source=source,
            expected_output="\n".join(out) + "\n",
            tags=tuple(self.tags),
            style=self.style_name,
            approach=self.approach_text,
            stdin=self.stdin,
        )


MODULE_RATE = 0.12
MODULE_NAMES = ["Util", "Calc", "Lib", "Helpers", "Core", "Ops", "Tools", "Logic", "Work", "Base"]


def _is_function_def(text: str) -> bool:
    first = text.split("\n", 1)[0]
    head = first.split(None, 1)[0] if first.split() else ""
    return bool(head) and head[0].islower() and head not in ("mod", "use", "trait", "impl", "type", "import")


def _is_binding(stmt: str) -> bool:
    head = stmt.split("\n", 1)[0]
    for arrow in (" = ", " <- "):
        if arrow in head and head.split(arrow, 1)[0].replace("_", "").isalnum():
            return True
    return False


def _defined_names(defs: Sequence[str]) -> list[str]:
    names: list[str] = []
    for d in defs:
        for line in d.split("\n"):
            if line and not line[0].isspace() and not line.startswith("--"):
                head = line.split(None, 1)[0]
                if head not in names and head[0].islower():
                    names.append(head)
    return names


def _as_module(name: str, defs: Sequence[str], star: bool) -> str:
    body = "\n\n".join(defs)
    inner = "\n".join(("  " + ln) if ln.strip() else "" for ln in body.split("\n"))
    wanted = "*" if star else " ".join(_defined_names(defs))
    return f"mod {name}\n{inner}\n\nuse {name} ({wanted})"


def paren(expr: str) -> str:
    """`expr` as an argument: parenthesised unless it is one atom."""
    return expr if is_atom(expr) else f"({expr})"


def is_atom(expr: str) -> bool:
    depth = 0
    in_str = False
    prev = ""
    e = expr.strip()
    if not e:
        return False
    for i, ch in enumerate(e):
        if in_str:
            if ch == '"' and prev != "\\":
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and (ch.isspace() or (ch == "-" and i == 0)):
            return False
        elif depth == 0 and ch == "." and i + 1 < len(e) and (e[i + 1].isalpha() or e[i + 1] == "_"):
            return False  # `f r.x` would read as `(f r).x`
        prev = ch
    return True


@dataclass(frozen=True)
class Sample:
    """One synth program: its task and its source, with the oracle's expected output."""

    prompt: str
    source: str
    expected_output: str
    tags: tuple[str, ...]
    style: str
    approach: str
    stdin: str = ""


@dataclass(frozen=True)
class Family:
    name: str
    category: str
    make: Callable[[Gen], None]
    tags: tuple[str, ...]
    weight: float = 1.0  # share of its category's slots, relative to other families (less for narrow ones)

    def sample(self, rng: random.Random) -> Sample:
        g = Gen(rng)
        g.tag(*self.tags)
        self.make(g)
        return g.finish(self.name)


REGISTRY: dict[str, Family] = {}


def family(category: str, *tags: str, name: str | None = None, weight: float = 1.0) -> Callable[[Callable[[Gen], None]], Callable[[Gen], None]]:
    """Register a family: `@family("fundamentals", "recursion")` over `def factorial(g): ...`.

    `weight` scales how often the family is drawn: below 1 for families whose programs vary little
    (so they do not fill the corpus with near-duplicates)."""

    def register(make: Callable[[Gen], None]) -> Callable[[Gen], None]:
        key = name or make.__name__
        if key in REGISTRY:
            raise ValueError(f"family {key!r} is registered twice")
        REGISTRY[key] = Family(key, category, make, tuple(tags), weight)
        return make

    return register
