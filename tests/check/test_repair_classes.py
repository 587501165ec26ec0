"""`synoema.repair` on the failure classes of issue 16, one hand-written program per case (written for
these tests, not taken from the benchmark sets): `<>` / `/=` / `!==`, `+` on Strings known only by
type, `xs[i]` in lambdas, conditions and nested, Python's `reduce` / `functools.reduce` / `sum` /
`map` call forms with their argument orders, and combinations with a missing `main` or C comments.
Each must repair to a program that prints what the correct one prints."""

from __future__ import annotations

import pytest
from test_check_repair import output_of

from synoema.check import check
from synoema.repair import repair

# (class, broken program, what the repaired program prints)
CASES = [
    # inequality from other languages
    ("not_equal", "f x = ? x <> 0 -> 10 / x : 0\nmain = f 5\n", "2\n"),
    ("not_equal", "main = filter (\\x -> x /= 3) [1 2 3 4]\n", "[1 2 4]\n"),
    ("not_equal", "main = filter (\\x -> x !== 2) [1 2 3]\n", "[1 3]\n"),
    ("not_equal", "skip c = ? c<>\" \" -> 1 : 0\nmain = skip \"a\"\n", "1\n"),
    ("not_equal", "main = print (!(1 == 2))\n", "true\n()\n"),
    # + on Strings, known only from the types
    ("string_plus", "greet : String -> String -> String\ngreet a b = a + \", \" + b\nmain = greet \"hi\" \"you\"\n",
     "hi, you\n"),
    ("string_plus", "join2 a b = a + b\nmain = print (join2 \"ab\" \"cd\")\n", "abcd\n()\n"),
    ("string_plus", "label n = \"n=\" + n\nmain = label 4\n", "n=4\n"),
    ("string_plus", "main = for_each (\\x -> print (x + \" -> \" + x * 2)) [1 2]\n", "1 -> 2\n2 -> 4\n()\n"),
    ("string_plus", "main = for_each (\\x -> print (str(x) + \"!\")) [7]\n", "7!\n()\n"),
    ("string_plus", "both xs ys = xs + ys\nmain = both [1 2] [3]\n", "[1 2 3]\n"),
    ("string_plus", "main = print `sum ${1 + 2}`\n", "sum 3\n()\n"),
    ("string_plus", "main = for_each (\\x -> print (x + \" squared is \" + x * x)) [1 2]\n",
     "1 squared is 1\n2 squared is 4\n()\n"),
    ("string_plus", "describe p = p.name + \" is \" + p.age\nmain = describe {name = \"Al\", age = 3}\n", "Al is 3\n"),
    ("string_plus", "total xs = foldl (\\a x -> a + x) 0 xs\nmain = for_each (\\x -> print (x + \": \" + total x)) [[1 2]]\n",
     "[1 2]: 3\n()\n"),
    # xs[i] anywhere
    ("indexing", "xs = [5 6 7]\nmain = map (\\i -> xs[i] * 2) [0 2]\n", "[10 14]\n"),
    ("indexing", "m = [[1 2] [3 4]]\nmain = m[1][0]\n", "3\n"),
    ("indexing", "m = [[1 2] [3 4]]\nat i j = m[i][j]\nmain = at 0 1 + at 1 1\n", "6\n"),
    ("indexing", "xs = [4 9 2]\nbig i = ? xs[i] > 5 -> \"big\" : \"small\"\nmain = map big [0 1]\n",
     "[small big]\n"),
    ("indexing", "xs = [4 9 2]\nmain = xs[len(xs) - 1]\n", "2\n"),
    ("indexing", "pick xs i = xs[i - 1]\nmain = pick [1 2 3] 2\n", "2\n"),
    ("indexing", "pairs = [[1 2] [3 4]]\nmain = for_each (\\p -> print (p[0] + p[1])) pairs\n", "3\n7\n()\n"),
    # Python call forms with their argument orders
    ("fold", "main = reduce(lambda acc, x: acc + x, [1 2 3], 10)\n", "16\n"),
    ("fold", "main = functools.reduce(lambda a, b: a * b, [1 2 3 4], 1)\n", "24\n"),
    ("fold", "from functools import reduce\n\nmain = reduce(lambda acc, x: acc - x, [1 2], 10)\n", "7\n"),
    ("fold", "main = foldl(\\acc x -> acc + x * x, 0, [1 2 3])\n", "14\n"),
    ("fold", "main = sum(map(lambda x: x * 2, [1 2 3]))\n", "12\n"),
    ("fold", "dot xs ys = sum(map(\\i -> xs[i] * ys[i], [0..(length xs - 1)]))\nmain = dot [1 2] [3 4]\n", "11\n"),
    ("python_calls", "main = list(map(lambda x: x + 1, [1 2]))\n", "[2 3]\n"),
    ("python_calls", "main = filter(lambda x: x > 1, [1 2 3])\n", "[2 3]\n"),
    ("python_calls", "main = map(\\x -> x * 3, [1 2])\n", "[3 6]\n"),
    ("python_calls", "main = len([1 2 3])\n", "3\n"),
    ("python_calls", "main = list(range(1, 4))\n", "[1 2 3]\n"),
    ("str_length", "main = len(\"abc\") + 1\n", "4\n"),
    ("str_length", "size s = length s\nmain = size \"four\"\n", "4\n"),
    # missing main and C comments, and combinations
    ("missing_main", "double x = x * 2\n\ndef main():\n    print (double 2)\n    double 3\n\nmain()\n", "4\n6\n"),
    ("missing_main", "/* doubles */\ndouble x = x * 2\nprint (double 4)\n", "8\n()\n"),
    ("comments", "/**\n * sq: squares\n * @param x\n */\nsq x = x * x\nmain = sq 3  // nine\n", "9\n"),
    ("combined", "/* header */\nf xs = reduce(lambda a, b: a + b, xs, 0)\nprint (f [1 2 3])\n", "6\n()\n"),
    ("combined", "// squares\nxs = [1 2 3]\nmain = map (\\i -> xs[i] * xs[i]) [0 1 2]\n", "[1 4 9]\n"),
    ("combined", "greet : String -> String\ngreet n = \"hi \" + n\ndef main():\n    print (greet \"ann\")\n\nmain()\n",
     "hi ann\n()\n"),
    ("combined", "ok x = ? x <> 0 -> \"yes\" : \"no\"\n// main\nprint (ok 1 + \"!\")\n", "yes!\n()\n"),
    ("combined", "longest ws = functools.reduce(lambda a, w: ? len(w) > len(a) -> w : a, ws, \"\")\n"
                 "main = longest [\"a\" \"abc\" \"ab\"]\n", "abc\n"),
    ("combined", "fib n = ? n < 2 -> n : fib (n - 1) + fib (n - 2)\n"
                 "main = for_each (\\i -> print (\"fib \" + i + \" = \" + fib i)) list(range(0, 3))\n",
     "fib 0 = 0\nfib 1 = 1\nfib 2 = 1\n()\n"),
    ("combined", "safe_div a b = ? b <> 0 -> a / b : 0\n# demo\nmain = for_each (\\p -> print (p[0] + \" / \" + p[1] + "
                 "\" = \" + safe_div p[0] p[1])) [[6 3] [1 0]]\n", "6 / 3 = 2\n1 / 0 = 0\n()\n"),
    ("combined", "main = map (\\(k, v) -> k ++ \"=\" + v) [(\"a\", 1), (\"b\", 2)]\n", "[a=1 b=2]\n"),
    ("combined", "m = [[1 2] [3 4]]\nrow i = functools.reduce(lambda a, b: a + b, m[i], 0)\nmain = row 1 /= 7\n",
     "false\n"),
]


@pytest.mark.parametrize(("kind", "broken", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_issue_class_is_repaired(kind: str, broken: str, expected: str) -> None:
    assert not check(broken, run=False).ok
    result = repair(broken)
    assert result.ok, (result.source, [d.short() for d in result.diagnostics])
    assert output_of(result.source) == expected, result.source
    assert all(e.rule and e.reason for e in result.edits)


def test_an_edit_is_kept_only_when_the_program_checks_better() -> None:
    """`+` between two Ints is right: the String rewrite is not kept, and the `<>` that is wrong is."""
    result = repair("add a b = a + b\nmain = ? add 1 2 <> 3 -> \"odd\" : \"three\"\n")
    assert result.ok and "add a b = a + b" in result.source and "!=" in result.source
    assert output_of(result.source) == "three\n"
