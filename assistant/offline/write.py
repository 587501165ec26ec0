"""`write` without a model: match the request against verified, parameterised programs and the corpus
families, adapt the constants the request names, and say so plainly when the request is beyond that.

Our own templates cover the classic exercises and take their constants from the request ("fizzbuzz
from 1 to 15", "primes below 30"); otherwise a corpus family whose name and task fit is sampled with
a fixed seed. Every program shown was run here and is followed by what `synoema run` prints.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .context import Knowledge
from .live import run_example
from .markdown import code_block, output_block

BEYOND = ("Writing a new program from a description like this needs a language model (see "
          "`synoema-assistant doctor`): the offline engine only adapts verified example programs, and none "
          "fits this request.")


def _nums(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w.])", text)]


def _bounds(text: str, lo: int, hi: int) -> tuple[int, int]:
    m = re.search(r"(\d+)\s*(?:to|\.\.|-|through|until)\s*(\d+)", text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.search(r"(?:up to|upto|below|under|first|less than|till|until)\s+(\d+)", text)
    return (lo, int(m.group(1))) if m else (lo, hi)


@dataclass(frozen=True)
class Template:
    id: str
    pattern: re.Pattern[str]
    build: Callable[[str], tuple[str, str]]  # request -> (approach, program)


def _fizzbuzz(t: str) -> tuple[str, str]:
    lo, hi = _bounds(t, 1, 15)
    return ("A chained conditional tests divisibility by 15 first, then 3 and 5; `for_each` prints each line.",
            'fizz n =\n  ? n % 15 == 0 -> "FizzBuzz"\n  : ? n % 3 == 0 -> "Fizz"\n  : ? n % 5 == 0 -> "Buzz"\n'
            f"  : show n\n\nmain = for_each (\\n -> print (fizz n)) [{lo}..{hi}]\n")


def _primes(t: str) -> tuple[str, str]:
    below = re.search(r"below|under|less than", t) is not None
    lo, hi = _bounds(t, 2, 50)
    hi = hi - 1 if below else hi
    return ("Trial division: `n` is prime when no `d` from 2 up to its square root divides it.",
            "divisors n = filter (\\d -> d * d <= n && n % d == 0) [2..n]\n\n"
            "is_prime n = n > 1 && length (divisors n) == 0\n\n"
            f"main = filter is_prime [{max(lo, 2)}..{hi}]\n")


def _sum_squares(t: str) -> tuple[str, str]:
    lo, hi = _bounds(t, 1, 10)
    return ("Square each number of the range with `map`, then `sum`.",
            f"main = sum (map (\\x -> x * x) [{lo}..{hi}])\n")


def _gcd(t: str) -> tuple[str, str]:
    ns = _nums(t) or [48, 18]
    a, b = ([*ns, 18])[:2]
    return ("Euclid's algorithm: replace (a, b) by (b, a % b) until b is 0.",
            f"gcd a 0 = a\ngcd a b = gcd b (a % b)\n\nmain = gcd {a} {b}\n")


def _fib(t: str) -> tuple[str, str]:
    n = next(iter(_nums(t)), 10)
    return ("Two base cases, then the sum of the two previous numbers; `map` over `[0..n-1]` lists the first n.",
            f"fib 0 = 0\nfib 1 = 1\nfib n = fib (n - 1) + fib (n - 2)\n\nmain = map fib [0..{n - 1}]\n")


def _factorial(t: str) -> tuple[str, str]:
    n = next(iter(_nums(t)), 5)
    return ("Two equations: the base case 0, then n times the factorial of n - 1.",
            f"fac 0 = 1\nfac n = n * fac (n - 1)\n\nmain = fac {n}\n")


def _is_prime(t: str) -> tuple[str, str]:
    return ("`n` is prime when it is above 1 and no `d` with `d * d <= n` divides it.",
            "is_prime n = n > 1 && length (filter (\\d -> n % d == 0 && d * d <= n) [2..n]) == 0\n\n"
            "main = filter is_prime [1..30]\n")


def _reverse_list(t: str) -> tuple[str, str]:
    return ("Recursion: the reverse of `x:xs` is the reverse of `xs` followed by `[x]` (the library also has "
            "`reverse`).", "rev [] = []\nrev (x:xs) = rev xs ++ [x]\n\nmain = rev [1 2 3 4]\n")


def _quicksort(t: str) -> tuple[str, str]:
    return ("Quicksort: the elements below the pivot, the pivot, then the rest, each part sorted recursively.",
            "qsort [] = []\nqsort (p:rest) =\n  smaller = filter (\\x -> x < p) rest\n"
            "  larger = filter (\\x -> x >= p) rest\n  qsort smaller ++ [p] ++ qsort larger\n\n"
            "main = qsort [5 2 8 1 9 3]\n")


def _bst(t: str) -> tuple[str, str]:
    return ("An ADT with a leaf and a node; `insert` goes left or right by comparison; an in-order walk lists "
            "the values sorted.",
            "Tree = Leaf | Node Tree Int Tree\n\ninsert x Leaf = Node Leaf x Leaf\ninsert x (Node l v r) =\n"
            "  ? x < v -> Node (insert x l) v r\n  : Node l v (insert x r)\n\nwalk Leaf = []\n"
            "walk (Node l v r) = walk l ++ [v] ++ walk r\n\n"
            "main = walk (foldl (\\t x -> insert x t) Leaf [5 2 8 1 9])\n")


def _countdown(t: str) -> tuple[str, str]:
    lo, hi = sorted(_bounds(t, 1, 10))
    return ("Reverse the ascending range and print each number.",
            f"main = for_each print (reverse [{lo}..{hi}])\n")


def _arith(t: str) -> tuple[str, str]:
    low = t.lower()
    name, body = next(((n, b) for w, n, b in (("doubl", "double", "x * 2"), ("tripl", "triple", "x * 3"),
                                               ("square", "square", "x * x"), ("cube", "cube", "x * x * x"),
                                               ("increment", "inc", "x + 1"), ("halve", "half", "x / 2"))
                       if w in low), ("double", "x * 2"))
    return (f"One equation: `{name} x = {body}`; `map` applies it to a few numbers.",
            f"{name} x = {body}\n\nmain = map {name} [1 2 3 10]\n")


def _vowels(t: str) -> tuple[str, str]:
    text = next(iter(re.findall(r'"[^"\n]*"', t)), '"programming"')
    return ("Walk the string with `str_slice` and count the characters found in \"aeiou\".",
            "chars s = ? str_len s == 0 -> [] : str_slice s 0 1 : chars (str_slice s 1 (str_len s))\n\n"
            "vowels s = length (filter (\\c -> str_find \"aeiou\" c 0 >= 0) (chars s))\n\n"
            f"main = vowels {text}\n")


def _t(id: str, pattern: str, build: Callable[[str], tuple[str, str]]) -> Template:
    return Template(id, re.compile(pattern, re.IGNORECASE), build)


TEMPLATES: tuple[Template, ...] = (
    _t("fizzbuzz", r"fizz ?buzz", _fizzbuzz),
    _t("primes", r"\bprimes\b|prime numbers", _primes),
    _t("is-prime", r"\bprime\b", _is_prime),
    _t("sum-squares", r"sum of (the )?squares", _sum_squares),
    _t("gcd", r"\bgcd\b|greatest common divisor|\bhcf\b", _gcd),
    _t("fibonacci", r"fibonacc?i|\bfib\b", _fib),
    _t("factorial", r"factorial", _factorial),
    _t("quicksort", r"quick ?sort|\bsort\b", _quicksort),
    _t("bst", r"binary (search )?tree|\bbst\b", _bst),
    _t("hello", r"hello,? world", lambda t: ("`print` writes the text and a newline.",
                                             'main = print "hello world"\n')),
    _t("max3", r"max3|(largest|biggest|max\w*) of (the )?three", lambda t: (
        "Two comparisons with the conditional `? ->  :`.",
        "max3 a b c =\n  ab = ? a > b -> a : b\n  ? ab > c -> ab : c\n\nmain = [(max3 3 9 4) (max3 7 2 5)]\n")),
    _t("greet", r"greet|reads? (a |the |their )?name|ask.* name", lambda t: (
        "`readline` reads the name from standard input; interpolation builds the greeting.",
        'main =\n  name = readline\n  print "Hello, ${name}!"\n')),
    _t("times-table", r"(multiplication|times) table", lambda t: (
        "`for_each` over `[1..10]` prints one line per multiple, built with interpolation.",
        f"table n = for_each (\\i -> print \"${{n}} x ${{i}} = ${{n * i}}\") [1..10]\n\nmain = table "
        f"{next(iter(_nums(t)), 3)}\n")),
    _t("vowels", r"vowels", _vowels),
    _t("stack", r"\bstack\b", lambda t: (
        "A stack is a list: `push` conses on the front, `pop` drops the front, `top` reads it.",
        "push x s = x : s\n\npop [] = []\npop (_:rest) = rest\n\ntop [] = 0\ntop (x:_) = x\n\n"
        "main =\n  s = push 3 (push 2 (push 1 []))\n  print s\n  [(top s) (top (pop s))]\n")),
    _t("countdown", r"count(s|ing)? ?down|countdown", _countdown),
    _t("arith", r"\b(doubles?|triples?|squares?|cubes?|increments?|halves)\b (a|the|an|its|each)? ?"
       r"(number|int|integer|value|argument|input)", _arith),
    _t("reverse-list", r"revers\w* (a |the )?list", _reverse_list),
)

_STOP = frozenset(["a", "an", "the", "write", "me", "program", "function", "that", "which", "to", "of", "and", "in", "for", "with", "from", "prints", "print", "synoema", "code", "please", "make", "create", "implement"])


@lru_cache(maxsize=1)
def _families() -> dict[str, tuple[str, ...]]:
    """Corpus family name -> its words (name parts and tags)."""
    from corpus.families import REGISTRY

    return {name: tuple({*name.split("_"), *fam.tags}) for name, fam in REGISTRY.items()}


def _family_match(request: str) -> str | None:
    words = {w for w in re.findall(r"[a-z]+", request.lower()) if w not in _STOP and len(w) > 2}
    best, best_score = None, 0.0
    for name, fam_words in _families().items():
        parts = set(name.split("_"))
        hit = len(words & parts)
        if hit == 0:
            continue
        score = hit / len(parts) + 0.1 * len(words & set(fam_words))
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 0.99 else None


def write_answer(knowledge: Knowledge, request: str) -> str:
    for tpl in TEMPLATES:
        if tpl.pattern.search(request):
            approach, code = tpl.build(request)
            stdin = "Ada\n" if "readline" in code else ""
            shown = run_example(code, stdin)
            if shown is not None:
                fed = "\nWith `Ada` on standard input it prints:\n" if stdin else ""
                return (f"{approach}\n\n" + code_block(knowledge, shown.code) + fed
                        + output_block(knowledge, shown.output)
                        + "\nThis is a verified offline template adapted to your request; a configured model "
                          "writes programs from any description.\n")
    from .idioms import idiom_answer

    idiom = idiom_answer(knowledge, request)
    if idiom is not None:
        return idiom + "\nThis applies a verified idiom to your request; a configured model writes programs from any description.\n"
    name = _family_match(request)
    if name is not None:
        from corpus.families import REGISTRY

        sample = REGISTRY[name].sample(random.Random(0))
        shown = run_example(sample.source, sample.stdin)
        if shown is not None:
            return (f"The closest verified program from the corpus (family `{name}`): {sample.prompt}\n\n"
                    f"{sample.approach}\n\n" + code_block(knowledge, shown.code)
                    + output_block(knowledge, shown.output)
                    + "\nAdapt its names and values to your task; a configured model writes programs from any "
                      "description.\n")
    return BEYOND + "\n"
