"""Fundamentals: arithmetic, recursion, basic I/O, guards."""

from __future__ import annotations

import math

from .core import Gen, english_list, family, helper, idiv, imod, lit

C = "fundamentals"


def _fact(n: int) -> int:
    return math.factorial(n)


@family(C, "recursion")
def factorial(g: Gen) -> None:
    f = g.name("fact", "factorial", "fac", "product_upto")
    ns = g.ints(g.int(3, 6), 0, 12, distinct=True)
    style = g.style("pattern", "guard", "fold", "accumulator")
    if style == "pattern":
        g.define(f"{f} 0 = 1\n{f} n = n * {f} (n - 1)")
        g.approach("Two equations: the base case 0, then n times the factorial of n - 1.")
    elif style == "guard":
        g.define(f"{f} n = ? n <= 1 -> 1 : n * {f} (n - 1)")
        g.approach("A conditional stops the recursion at 1.")
    elif style == "fold":
        g.define(f"{f} n = foldl (\\acc k -> acc * k) 1 [1..n]")
        g.approach("Multiply the numbers 1 to n with a left fold; the empty range gives 1.")
    else:
        g.define(f"go acc 0 = acc\ngo acc n = go (acc * n) (n - 1)\n\n{f} n = go 1 n")
        g.approach("An accumulating helper carries the product down to 0.")
        g.tag("accumulator")
    phrase = g.each(lambda x: f"{f} {x}", ns, [_fact(n) for n in ns], what="the factorial", direct=f)
    if g.terse():
        g.task(f"`{f} n` = n!. Example: `{f} 5` is 120. In main, {phrase}.")
    else:
        g.task(f"Write a function `{f}` that returns the factorial of a non-negative integer. In `main`, {phrase}.")


def _fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


@family(C, "recursion", weight=0.7)
def fibonacci(g: Gen) -> None:
    f = g.name("fib", "fibo", "fibonacci", "nth_fib")
    style = g.style("naive", "accumulator", "list")
    hi = 18 if style == "naive" else 40
    ns = g.ints(g.int(3, 6), 0, hi, distinct=True)
    if style == "naive":
        g.define(f"{f} 0 = 0\n{f} 1 = 1\n{f} n = {f} (n - 1) + {f} (n - 2)")
        g.approach("The definition as three equations: two base cases and the sum of the two previous numbers.")
    elif style == "accumulator":
        helper = g.name("step", "go", "loop", "walk")
        g.define(f"{helper} a _ 0 = a\n{helper} a b n = {helper} b (a + b) (n - 1)\n\n{f} n = {helper} 0 1 n")
        g.approach("Carry the last two numbers in an accumulating helper so each call does constant work.")
        g.tag("accumulator")
    else:
        g.define(
            f"fibs 0 = [0]\nfibs n =\n  prev = fibs (n - 1)\n  ? n == 1 -> [0 1] : prev ++ [(index (n - 1) prev + index (n - 2) prev)]\n\n"
            f"{f} n = index n (fibs n)"
        )
        g.approach("Build the list of Fibonacci numbers up to n, each from the two before it, and index it.")
    phrase = g.each(lambda x: f"{f} {x}", ns, [_fib(n) for n in ns], what="the Fibonacci number", direct=f)
    if g.terse():
        g.task(f"`{f} n`: nth Fibonacci number, {f} 0 = 0, {f} 1 = 1. Example: `{f} 10` is 55. Then {phrase}.")
    else:
        g.task(f"Define `{f}` so that `{f} n` is the n-th Fibonacci number (starting 0, 1, 1, 2, ...). In `main`, {phrase}.")


@family(C, "recursion", "arithmetic")
def gcd_lcm(g: Gen) -> None:
    f = g.name("gcd", "gcd2", "common_divisor", "hcf")
    pairs = [(g.int(2, 300), g.int(2, 300)) for _ in range(g.int(2, 4))]
    style = g.style("euclid", "guard", "subtract")
    if style == "euclid":
        g.define(f"{f} a 0 = a\n{f} a b = {f} b (a % b)")
        g.approach("Euclid's algorithm: replace (a, b) by (b, a mod b) until b is 0.")
    elif style == "guard":
        g.define(f"{f} a b = ? b == 0 -> a : {f} b (a % b)")
        g.approach("Euclid's algorithm written with one conditional.")
    else:
        g.define(f"{f} a b =\n  ? a == b -> a\n  : ? a > b -> {f} (a - b) b\n  : {f} a (b - a)")
        g.approach("Subtract the smaller number from the larger until both are equal.")
    with_lcm = g.chance(0.5)
    for a, b in pairs:
        if with_lcm:
            g.say(f'"{f} ${{{f} {a} {b}}} lcm ${{lcm {a} {b}}}"', f"{f} {math.gcd(a, b)} lcm {a * b // math.gcd(a, b)}")
        else:
            g.say(f"{f} {a} {b}", math.gcd(a, b))
    shown = english_list([f"{a} and {b}" for a, b in pairs], conj=";")
    if with_lcm:
        g.define(f"lcm a b = a * b / {f} a b")
        g.task(
            f"Write `{f} a b` (greatest common divisor) and `lcm a b` (least common multiple, via the gcd). "
            f"For each pair {shown}, print a line like `{f} 6 lcm 36`, i.e. `{f} G lcm L`."
        )
    elif g.terse():
        g.task(f"`{f} a b`: greatest common divisor. Example: `{f} 12 18` is 6. Print it for the pairs {shown}, one per line.")
    else:
        g.task(f"Define `{f}` returning the greatest common divisor of two positive integers, and print it for the pairs {shown}, one per line.")


@family(C, "recursion", "arithmetic")
def power(g: Gen) -> None:
    f = g.name("pow", "power", "raise_to", "expo")
    cases = [(g.int(2, 9), g.int(0, 12)) for _ in range(g.int(2, 4))]
    style = g.style("linear", "halving", "operator", "fold")
    if style == "linear":
        g.define(f"{f} _ 0 = 1\n{f} b e = b * {f} b (e - 1)")
        g.approach("Multiply by the base once per step until the exponent reaches 0.")
    elif style == "halving":
        g.define(
            f"{f} _ 0 = 1\n{f} b e =\n  half = {f} b (e / 2)\n  ? e % 2 == 0 -> half * half : b * half * half"
        )
        g.approach("Square the result for half the exponent; an odd exponent takes one more factor.")
    elif style == "operator":
        g.define(f"{f} b e = b ** e")
        g.approach("The `**` operator already raises an Int to an Int power.")
    else:
        g.define(f"{f} b e = foldl (\\acc _ -> acc * b) 1 [1..e]")
        g.approach("Fold over a range of e steps, multiplying by the base each time.")
    labelled = g.chance(0.5)
    for b, e in cases:
        if labelled:
            g.say(f'"${{{b}}}^${{{e}}} = ${{{f} {b} {e}}}"', f"{b}^{e} = {b ** e}")
        else:
            g.say(f"{f} {b} {e}", b**e)
    shown = english_list([f"{b}^{e}" for b, e in cases])
    form = "as `B^E = R`" if labelled else "one number per line"
    if g.terse():
        g.task(f"`{f} b e` = b to the power e (e >= 0). Example: `{f} 2 10` is 1024. Print {shown}, {form}.")
    else:
        g.task(f"Write `{f} base exp` for a non-negative exponent and use it to print {shown}, {form}.")


@family(C, "recursion", "arithmetic")
def digit_sum(g: Gen) -> None:
    f = g.name("digit_sum", "sum_digits", "digits_total", "dsum")
    ns = g.ints(g.int(3, 6), 0, 99999)
    style = g.style("pattern", "guard", "digits_list")
    if style == "pattern":
        g.define(f"{f} 0 = 0\n{f} n = n % 10 + {f} (n / 10)")
        g.approach("Take the last digit with `% 10` and recurse on the rest with `/ 10`.")
    elif style == "guard":
        g.define(f"{f} n = ? n < 10 -> n : n % 10 + {f} (n / 10)")
        g.approach("A one-digit number is its own sum; otherwise add the last digit to the sum of the rest.")
    else:
        g.define(f"digits 0 = []\ndigits n = digits (n / 10) ++ [(n % 10)]\n\n{f} n = sum (digits n)")
        g.approach("Turn the number into its list of digits, then `sum` them.")
    phrase = g.each(lambda x: f"{f} {x}", ns, [sum(map(int, str(n))) for n in ns], what="the digit sum", direct=f)
    if g.terse():
        g.task(f"`{f} n`: sum of the decimal digits of n. Example: `{f} 1234` is 10. In main, {phrase}.")
    else:
        g.task(f"Write a function `{f}` that adds up the decimal digits of a non-negative integer. In `main`, {phrase}.")


@family(C, "recursion", "arithmetic", weight=0.5)
def reverse_number(g: Gen) -> None:
    f = g.name("rev_num", "reverse_digits", "flip_number", "mirror")
    ns = [g.int(1, 9) * 10 ** g.int(0, 3) + g.int(0, 999) for _ in range(g.int(3, 6))]
    style = g.style("accumulator", "count")
    if style == "accumulator":
        g.define(f"go acc 0 = acc\ngo acc n = go (acc * 10 + n % 10) (n / 10)\n\n{f} n = go 0 n")
        g.approach("Move digits one at a time from n onto an accumulator.")
    else:
        g.define(
            f"ndigits n = ? n < 10 -> 1 : 1 + ndigits (n / 10)\n\n"
            f"{f} n = ? n < 10 -> n : (n % 10) * 10 ** (ndigits n - 1) + {f} (n / 10)"
        )
        g.approach("Put the last digit in front by scaling it with the number of remaining digits.")
    with_count = g.chance(0.4)
    vals = [int(str(n)[::-1]) for n in ns]
    if with_count and style == "count":
        for n, v in zip(ns, vals):
            g.say(f'"${{{n}}} has ${{ndigits {n}}} digits, reversed ${{{f} {n}}}"', f"{n} has {len(str(n))} digits, reversed {v}")
        g.task(f"Write `ndigits` (number of decimal digits) and `{f}` (the number with its digits reversed). For {english_list([str(n) for n in ns])} print `N has D digits, reversed R`.")
        return
    phrase = g.each(lambda x: f"{f} {x}", ns, vals, what="the reversed number", direct=f)
    if g.terse():
        g.task(f"`{f} n`: n with its decimal digits reversed. Example: `{f} 120` is 21. In main, {phrase}.")
    else:
        g.task(f"Write `{f}`, which reverses the decimal digits of a positive integer (trailing zeros vanish). In `main`, {phrase}.")


def _collatz(n: int) -> int:
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


@family(C, "recursion", "guards")
def collatz(g: Gen) -> None:
    f = g.name("collatz", "steps", "collatz_len", "hailstone")
    ns = g.ints(g.int(3, 6), 1, 300, distinct=True)
    style = g.style("guard", "pattern", "accumulator")
    if style == "guard":
        g.define(f"{f} n =\n  ? n == 1 -> 0\n  : ? n % 2 == 0 -> 1 + {f} (n / 2)\n  : 1 + {f} (3 * n + 1)")
        g.approach("Chain conditionals: stop at 1, halve even numbers, map odd n to 3n + 1, counting each step.")
    elif style == "pattern":
        g.define(f"next n = ? even n -> n / 2 : 3 * n + 1\n\n{f} 1 = 0\n{f} n = 1 + {f} (next n)")
        g.approach("A `next` helper gives the following number; the count stops at 1.")
    else:
        g.define(f"go acc 1 = acc\ngo acc n = go (acc + 1) (? even n -> n / 2 : 3 * n + 1)\n\n{f} n = go 0 n")
        g.approach("Count steps in an accumulator until the sequence reaches 1.")
        g.tag("accumulator")
    phrase = g.each(lambda x: f"{f} {x}", ns, [_collatz(n) for n in ns], what="the number of Collatz steps to reach 1", direct=f)
    if g.terse():
        g.task(f"`{f} n`: steps for the Collatz sequence from n to reach 1 (even: n/2, odd: 3n+1). Example: `{f} 6` is 8. {phrase[0].upper() + phrase[1:]}.")
    else:
        g.task(f"The Collatz rule maps even n to n / 2 and odd n to 3n + 1. Write `{f}` counting the steps from n down to 1. In `main`, {phrase}.")


def _is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


@family(C, "recursion", "comprehension")
def primes(g: Gen) -> None:
    f = g.name("is_prime", "prime", "isprime")
    style = g.style("trial_rec", "comprehension", "filter")
    if style == "trial_rec":
        g.define(
            f"no_divisor n d = ? d * d > n -> true : ? n % d == 0 -> false : no_divisor n (d + 1)\n\n"
            f"{f} n = n >= 2 && no_divisor n 2"
        )
        g.approach("Try divisors from 2 while d * d <= n; a number with none is prime.")
    elif style == "comprehension":
        g.define(f"{f} n = n >= 2 && length [d | d <- [2..(n - 1)], n % d == 0] == 0")
        g.approach("A comprehension collects the divisors between 2 and n - 1; a prime has none.")
    else:
        g.define(f"{f} n = n >= 2 && length (filter (\\d -> n % d == 0) [2..(n - 1)]) == 0")
        g.approach("Filter the candidate divisors; a prime has none.")
    mode = g.pick(["upto", "check"])
    if mode == "upto":
        lo, hi = g.int(1, 40), g.int(45, 120)
        got = [n for n in range(lo, hi + 1) if _is_prime(n)]
        g.say(f"filter {f} [{lo}..{hi}]", got)
        g.task(f"Write `{f} n`, true when n is prime. In `main`, print the list of primes from {lo} to {hi}.")
    else:
        ns = g.ints(g.int(3, 5), 1, 150, distinct=True)
        phrase = g.each(lambda x: f"{f} {x}", ns, [_is_prime(n) for n in ns], what="whether the number is prime (true or false)", direct=f)
        if g.terse():
            g.task(f"`{f} n`: is n prime? Example: `{f} 7` is true, `{f} 9` is false. In main, {phrase}.")
        else:
            g.task(f"Write `{f}`, which tells whether an integer is prime. In `main`, {phrase}.")


@family(C, "guards")
def fizzbuzz(g: Gen) -> None:
    a, b = g.sample([2, 3, 5, 7], 2)
    a, b = min(a, b), max(a, b)
    wa, wb = g.sample(["Fizz", "Buzz", "Bang", "Pop", "Zap", "Boom", "Ding"], 2)
    lo = g.int(1, 20)
    hi = lo + g.int(6, 14)
    f = g.name("label", "fizz", "say", "word_for")
    style = g.style("guards", "patterns", "concat")
    if style == "guards":
        g.define(
            f"{f} n =\n  ? n % {a * b} == 0 -> \"{wa}{wb}\"\n  : ? n % {a} == 0 -> \"{wa}\"\n  : ? n % {b} == 0 -> \"{wb}\"\n  : show n"
        )
        g.approach("Test the combined divisor first, then each divisor, else show the number.")
    elif style == "patterns":
        g.define(
            f"pick _ 0 0 = \"{wa}{wb}\"\npick _ 0 _ = \"{wa}\"\npick _ _ 0 = \"{wb}\"\npick n _ _ = show n\n\n"
            f"{f} n = pick n (n % {a}) (n % {b})"
        )
        g.approach("Match on the two remainders with literal patterns.")
        g.tag("patterns")
    else:
        g.define(
            f"part n d w = ? n % d == 0 -> w : \"\"\n\n"
            f"{f} n =\n  s = part n {a} \"{wa}\" ++ part n {b} \"{wb}\"\n  ? s == \"\" -> show n : s"
        )
        g.approach("Concatenate the word for each divisor; an empty result means the number itself.")

    def word(n: int) -> str:
        s = (wa if n % a == 0 else "") + (wb if n % b == 0 else "")
        return s or str(n)

    ns = list(range(lo, hi + 1))
    if g.chance(0.5):
        g.says(f"for_each (\\n -> print ({f} n)) [{lo}..{hi}]", [word(n) for n in ns])
        how = "one per line"
    else:
        g.say(f"map {f} [{lo}..{hi}]", [word(n) for n in ns])
        how = "as one list"
    g.task(
        f"FizzBuzz variant: for each number from {lo} to {hi}, print \"{wa}\" if it is divisible by {a}, \"{wb}\" if by {b}, "
        f"\"{wa}{wb}\" if by both, else the number itself, {how}. Use a function `{f}`."
    )


@family(C, "guards")
def sign_classify(g: Gen) -> None:
    f = g.name("sign_word", "classify", "describe", "kind_of")
    words = g.pick([("negative", "zero", "positive"), ("minus", "nil", "plus"), ("below", "at", "above")])
    ns = g.ints(g.int(3, 5), -50, 50)
    if g.chance(0.3):
        ns[g.int(0, len(ns) - 1)] = 0
    style = g.style("guards", "pattern_guard", "where")
    neg, zero, pos = words
    if style == "guards":
        g.define(f"{f} n =\n  ? n < 0 -> \"{neg}\"\n  : ? n == 0 -> \"{zero}\"\n  : \"{pos}\"")
        g.approach("A chain of `? ->` conditions, one per case.")
    elif style == "pattern_guard":
        g.define(f"{f} 0 = \"{zero}\"\n{f} n = ? n < 0 -> \"{neg}\" : \"{pos}\"")
        g.approach("A literal pattern for zero, then one condition for the sign.")
        g.tag("patterns")
    else:
        g.define(f"{f} n =\n  low = \"{neg}\"\n  high = \"{pos}\"\n  ? n == 0 -> \"{zero}\" : ? n < 0 -> low : high")
        g.approach("Name the words in a local block, then pick one with conditions.")
        g.tag("local_block")
    vals = [neg if n < 0 else zero if n == 0 else pos for n in ns]
    phrase = g.each(lambda x: f"{f} {x}", ns, vals, what="the word", direct=f)
    g.task(f"Write `{f} n` returning \"{neg}\" for negative numbers, \"{zero}\" for 0 and \"{pos}\" otherwise. In `main`, {phrase}.")


@family(C, "guards")
def grade_letter(g: Gen) -> None:
    f = g.name("grade", "letter", "mark", "grade_of")
    cuts = sorted(g.sample(range(50, 96, 5), 3), reverse=True)
    letters = ["A", "B", "C", "F"]
    scores = g.ints(g.int(3, 6), 0, 100)
    style = g.style("guards", "list")
    if style == "guards":
        g.define(
            f"{f} s =\n  ? s >= {cuts[0]} -> \"A\"\n  : ? s >= {cuts[1]} -> \"B\"\n  : ? s >= {cuts[2]} -> \"C\"\n  : \"F\""
        )
        g.approach("Check the thresholds from the highest down.")
    else:
        g.define(
            f"{f} s =\n  passed = filter (\\c -> s >= c) [{cuts[0]} {cuts[1]} {cuts[2]}]\n"
            f"  index (3 - length passed) [\"A\" \"B\" \"C\" \"F\"]"
        )
        g.approach("Count the thresholds the score reaches and use that count to index the letters.")
        g.tag("local_block")

    def grade(s: int) -> str:
        for c, L in zip(cuts, letters):
            if s >= c:
                return L
        return "F"

    if g.chance(0.5):
        g.says(f'for_each (\\s -> print "${{s}}: ${{{f} s}}") {lit(scores)}', [f"{s}: {grade(s)}" for s in scores])
        how = "print one line `score: letter` for each score"
    else:
        g.say(f"map {f} {lit(scores)}", [grade(s) for s in scores])
        how = "print the list of letters"
    g.task(
        f"Write `{f}` that turns a score into a letter: A from {cuts[0]}, B from {cuts[1]}, C from {cuts[2]}, F below. "
        f"For the scores {lit(scores)}, {how}."
    )


@family(C, "guards")
def triangle_kind(g: Gen) -> None:
    f = g.name("triangle", "kind", "tri_type", "classify_triangle")
    cases = []
    for _ in range(g.int(3, 5)):
        k = g.pick(["eq", "iso", "sca", "bad"])
        a = g.int(2, 12)
        if k == "eq":
            cases.append((a, a, a))
        elif k == "iso":
            b = g.int(1, 2 * a - 1)
            cases.append(tuple(g.shuffled([a, a, b])))
        elif k == "sca":
            b, c = a + g.int(1, 4), a + g.int(5, 8)
            c = min(c, a + b - 1)
            cases.append(tuple(g.shuffled([a, b, c])) if len({a, b, c}) == 3 else (3, 4, 5))
        else:
            cases.append(tuple(g.shuffled([a, 1, a + 5])))

    def kind(a: int, b: int, c: int) -> str:
        if a + b <= c or a + c <= b or b + c <= a:
            return "invalid"
        if a == b == c:
            return "equilateral"
        if a in (b, c) or b == c:
            return "isosceles"
        return "scalene"

    style = g.style("guards", "helper")
    if style == "guards":
        g.define(
            f"{f} a b c =\n  ? a + b <= c || a + c <= b || b + c <= a -> \"invalid\"\n  : ? a == b && b == c -> \"equilateral\"\n"
            f"  : ? a == b || b == c || a == c -> \"isosceles\"\n  : \"scalene\""
        )
        g.approach("Reject impossible sides first, then test for equal sides.")
    else:
        g.define(
            f"valid a b c = a + b > c && a + c > b && b + c > a\n\n"
            f"{f} a b c =\n  same = (? a == b -> 1 : 0) + (? b == c -> 1 : 0) + (? a == c -> 1 : 0)\n"
            f"  ? not (valid a b c) -> \"invalid\" : ? same == 3 -> \"equilateral\" : ? same == 1 -> \"isosceles\" : \"scalene\""
        )
        g.approach("Check validity with a helper and count equal pairs of sides.")
    for a, b, c in cases:
        g.say(f"{f} {a} {b} {c}", kind(a, b, c))
    g.task(
        f"Write `{f} a b c` that names a triangle from its sides: \"invalid\" when one side is at least the sum of the others, "
        f"otherwise \"equilateral\", \"isosceles\" or \"scalene\". Print it for {english_list([' '.join(map(str, t)) for t in cases], conj=';')}, one per line."
    )


@family(C, "guards", "arithmetic")
def leap_year(g: Gen) -> None:
    f = g.name("leap", "is_leap", "leap_year")
    years = g.sample([1600, 1700, 1800, 1900, 2000, 2004, 2023, 2024, 2100, 1996, 1999, 2400, 1984, 2019, 2020, 1752], g.int(3, 5))
    style = g.style("boolean", "guards")
    if style == "boolean":
        g.define(f"{f} y = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0")
        g.approach("One boolean expression: divisible by 4 but not 100, or by 400.")
    else:
        g.define(f"{f} y =\n  ? y % 400 == 0 -> true\n  : ? y % 100 == 0 -> false\n  : y % 4 == 0")
        g.approach("Test 400, then 100, then 4, most specific first.")
    isleap = [(y % 4 == 0 and y % 100 != 0) or y % 400 == 0 for y in years]
    if g.chance(0.5):
        count = sum(isleap)
        g.say(f"filter {f} {lit(years)}", [y for y, ok in zip(years, isleap) if ok])
        g.result(f"length (filter {f} {lit(years)})", count)
        g.task(f"Write `{f}` for Gregorian leap years. Print the leap years among {lit(years)} as a list, and let `main` return how many there are.")
    else:
        phrase = g.each(lambda x: f"{f} {x}", years, isleap, what="whether it is a leap year", direct=f)
        g.task(f"Write `{f} y`: true for Gregorian leap years (divisible by 4, except centuries not divisible by 400). In `main`, {phrase}.")


@family(C, "arithmetic")
def temperature(g: Gen) -> None:
    to_f = g.name("to_f", "c_to_f", "fahrenheit", "celsius_to_f")
    cs = [g.int(-8, 20) * 5 for _ in range(g.int(2, 5))]
    back = g.chance(0.4)
    g.define(f"{to_f} c = c * 9 / 5 + 32")
    g.style("integer")
    g.approach("Integer arithmetic: multiply by 9 before dividing by 5 so nothing is lost.")
    if back:
        g.define("to_c f = (f - 32) * 5 / 9")
        for c in cs:
            fv = idiv(c * 9, 5) + 32
            g.say(f'"${{{lit(c)}}}C = ${{{to_f} {lit(c)}}}F = ${{to_c ({to_f} {lit(c)})}}C"', f"{c}C = {fv}F = {idiv((fv - 32) * 5, 9)}C")
        g.task(
            f"Write `{to_f}` (Celsius to Fahrenheit, c * 9 / 5 + 32) and `to_c` (back again) on Int. For {english_list([str(c) for c in cs])} "
            f"print a line `CC = FF = CC` converting there and back."
        )
    else:
        phrase = g.each(lambda x: f"{to_f} {x}", cs, [idiv(c * 9, 5) + 32 for c in cs], what="the Fahrenheit value", direct=to_f)
        g.task(f"Write `{to_f}` converting whole degrees Celsius to Fahrenheit with Int arithmetic (c * 9 / 5 + 32). In `main`, {phrase}.")


@family(C, "guards")
def max_of_three(g: Gen) -> None:
    f = g.name("max3", "largest", "biggest", "top_of")
    cases = [tuple(g.ints(3, -40, 99)) for _ in range(g.int(2, 4))]
    style = g.style("nested", "helper", "fold")
    if style == "nested":
        g.define(f"{f} a b c =\n  ? a >= b && a >= c -> a\n  : ? b >= c -> b\n  : c")
        g.approach("Compare with conditions; Synoema has no `max` function.")
    elif style == "helper":
        g.define(f"bigger a b = ? a > b -> a : b\n\n{f} a b c = bigger a (bigger b c)")
        g.approach("A two-way `bigger` helper applied twice.")
    else:
        g.define(f"{f} a b c = foldl (\\m x -> ? x > m -> x : m) a [b c]")
        g.approach("Fold over the other two, keeping the larger value.")
    for t in cases:
        g.say(f"{f} {' '.join(lit(x) for x in t)}", max(t))
    if g.terse():
        g.task(f"`{f} a b c`: the largest of three Ints. Example: `{f} 1 7 3` is 7. Print it for {english_list([' '.join(map(str, t)) for t in cases], conj=';')}, one per line.")
    else:
        g.task(f"Write `{f}`, the largest of three integers, without a library max. Print it for each of {english_list(['(' + ', '.join(map(str, t)) + ')' for t in cases])}, one per line.")


@family(C, "arithmetic", "comprehension")
def sum_of_powers(g: Gen) -> None:
    k = g.pick([2, 3])
    word = {2: "squares", 3: "cubes"}[k]
    f = g.name(f"sum_{word}", f"{word}_total", "power_sum")
    ns = g.ints(g.int(3, 6), 1, 30, distinct=True)
    style = g.style("comprehension", "recursion", "pipe", "map_sum")
    expo = " * ".join(["i"] * k)
    if style == "comprehension":
        g.define(f"{f} n = sum [{expo} | i <- [1..n]]")
        g.approach("A comprehension lists the powers and `sum` adds them.")
    elif style == "recursion":
        g.define(f"{f} 0 = 0\n{f} n = {' * '.join(['n'] * k)} + {f} (n - 1)")
        g.approach("Recurse down to 0, adding one power per step.")
    elif style == "pipe":
        g.define(f"{f} n = [1..n] |> map (\\i -> {expo}) |> sum")
        g.approach("Pipe the range through `map` and into `sum`.")
        g.tag("pipes")
    else:
        g.define(f"{f} n = sum (map (\\i -> i ** {k}) [1..n])")
        g.approach("Map each number to its power with `**`, then sum.")
    phrase = g.each(lambda x: f"{f} {x}", ns, [sum(i**k for i in range(1, n + 1)) for n in ns], what=f"the sum of {word}", direct=f)
    if g.terse():
        g.task(f"`{f} n` = 1^{k} + 2^{k} + ... + n^{k}. Example: `{f} 3` is {sum(i**k for i in range(1, 4))}. In main, {phrase}.")
    else:
        g.task(f"Write `{f} n`, the sum of the {word} of 1 to n. In `main`, {phrase}.")


@family(C, "arithmetic", "recursion")
def triangular(g: Gen) -> None:
    f = g.name("tri", "triangle_number", "triangular", "tnum")
    style = g.style("formula", "recursion", "range_sum")
    if style == "formula":
        g.define(f"{f} n = n * (n + 1) / 2")
        g.approach("Gauss's formula n(n+1)/2.")
    elif style == "recursion":
        g.define(f"{f} 0 = 0\n{f} n = n + {f} (n - 1)")
        g.approach("Each triangular number adds n to the one before.")
    else:
        g.define(f"{f} n = sum [1..n]")
        g.approach("Sum the range 1..n.")
    if g.chance(0.5):
        hi = g.int(5, 12)
        g.say(f"map {f} [1..{hi}]", [n * (n + 1) // 2 for n in range(1, hi + 1)])
        limit = g.int(50, 400)
        count = sum(1 for n in range(0, 60) if n * (n + 1) // 2 < limit) - 1
        g.result(f"length (filter (\\n -> {f} n < {limit}) [1..60])", count)
        g.task(f"Write `{f} n`, the n-th triangular number. Print the first {hi} as a list; `main` returns how many of the first 60 are below {limit}.")
    else:
        ns = g.ints(g.int(3, 6), 1, 500, distinct=True)
        phrase = g.each(lambda x: f"{f} {x}", ns, [n * (n + 1) // 2 for n in ns], what="the triangular number", direct=f)
        g.task(f"Write `{f}` returning 1 + 2 + ... + n. In `main`, {phrase}.")


def _binary(n: int) -> str:
    return bin(n)[2:]


@family(C, "recursion", "strings")
def to_binary(g: Gen) -> None:
    f = g.name("to_bin", "binary", "bits", "in_binary")
    ns = g.ints(g.int(3, 6), 0, 1023, distinct=True)
    style = g.style("string", "list", "base")
    if style == "string":
        g.define(f"{f} n = ? n < 2 -> show n : {f} (n / 2) ++ show (n % 2)")
        g.approach("Write the bits of n / 2 first, then the last bit.")
        vals = [_binary(n) for n in ns]
    elif style == "list":
        g.define(f"{f} n = ? n < 2 -> [n] : {f} (n / 2) ++ [(n % 2)]")
        g.approach("Build the list of bits, most significant first.")
        vals = [[int(c) for c in _binary(n)] for n in ns]
    else:
        b = g.pick([3, 8])
        f = g.name(f"base{b}", f"in_base{b}", f"to_base{b}")
        g.define(f"{f} n = ? n < {b} -> show n : {f} (n / {b}) ++ show (n % {b})")
        g.approach(f"Repeated division by {b}, most significant digit first.")

        def conv(n: int) -> str:
            digits = ""
            while True:
                digits = str(n % b) + digits
                n //= b
                if n == 0:
                    return digits

        vals = [conv(n) for n in ns]
        phrase = g.each(lambda x: f"{f} {x}", ns, vals, what=f"the base-{b} digits", direct=f)
        g.task(f"Write `{f} n` giving the base-{b} representation of a non-negative Int as a string. In `main`, {phrase}.")
        return
    phrase = g.each(lambda x: f"{f} {x}", ns, vals, what="the binary form", direct=f)
    kind = "a string of 0s and 1s" if style == "string" else "a list of bits (most significant first)"
    g.task(f"Write `{f} n` that gives the binary representation of a non-negative integer as {kind}. In `main`, {phrase}.")


@family(C, "recursion", "io", weight=0.15)
def countdown(g: Gen) -> None:
    f = g.name("countdown", "count_down", "launch", "tick")
    n = g.int(3, 9)
    end = g.pick(["liftoff", "go", "done", "boom", "zero"])
    step = g.pick([1, 1, 2, 3])
    style = g.style("block", "seq")
    if style == "block":
        g.define(f"{f} n = ? n <= 0 -> print \"{end}\" : print n ; {f} (n - {step})")
        g.approach("Print n, then recurse with a smaller n; at zero or below print the final word.")
    else:
        g.define(f"{f} 0 = print \"{end}\"\n{f} n =\n  print n\n  {f} (n - 1)")
        g.approach("Two equations: at 0 print the final word, otherwise print n and recurse.")
        step = 1
    vals = [*list(range(n, 0, -step)), end]
    g.says(f"{f} {n}", vals)
    how = f"counting down by {step}" if step > 1 else "counting down"
    g.task(f"Write `{f} n` that prints the numbers from n {how}, one per line, while they are above 0, then prints \"{end}\". Call it with {n} in `main`.")


@family(C, "arithmetic", "io", weight=0.6)
def times_table(g: Gen) -> None:
    n = g.int(2, 19)
    lo = g.int(1, 5)
    upto = lo + g.int(3, 9)
    x, eq = g.pick([(" x ", " = "), (" * ", " = "), ("x", "="), (" times ", " is ")])
    f = g.name("row", "table_line", "times", "line_for")
    style = g.style("for_each", "map_list", "recursive")
    lines = [f"{n}{x}{i}{eq}{n * i}" for i in range(lo, upto + 1)]
    if style == "for_each":
        g.define(f'{f} n i = "${{n}}{x}${{i}}{eq}${{n * i}}"')
        g.says(f"for_each (\\i -> print ({f} {n} i)) [{lo}..{upto}]", lines)
        g.approach("Format one line with interpolation, then print it for each i in a range.")
    elif style == "map_list":
        g.define(f'{f} n i = show n ++ "{x}" ++ show i ++ "{eq}" ++ show (n * i)')
        g.says(f"for_each print (map ({f} {n}) [{lo}..{upto}])", lines)
        g.approach("Build the lines with `map` over the range and print each with `for_each`.")
    else:
        g.define(f'{f} n i =\n  ? i > {upto} -> ()\n  : print "${{n}}{x}${{i}}{eq}${{n * i}}" ; {f} n (i + 1)')
        g.says(f"{f} {n} {lo}", lines)
        g.approach("A recursive function prints one line and moves to the next i until the end.")
    g.task(f"Print the multiplication table of {n} from {lo} to {upto}, one line each in the form `{n}{x}3{eq}{n * 3}`.")


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n) if n % d == 0]


@family(C, "arithmetic", "comprehension")
def divisors(g: Gen) -> None:
    f = g.name("divisors", "proper_divisors", "divs")
    style = g.style("comprehension", "filter", "recursion")
    if style == "comprehension":
        g.define(f"{f} n = [d | d <- [1..(n - 1)], n % d == 0]")
        g.approach("A comprehension keeps the numbers below n that divide it.")
    elif style == "filter":
        g.define(f"{f} n = filter (\\d -> n % d == 0) [1..(n - 1)]")
        g.approach("Filter the range below n by divisibility.")
    else:
        g.define(f"from n d =\n  ? d >= n -> []\n  : ? n % d == 0 -> (d : from n (d + 1))\n  : from n (d + 1)\n\n{f} n = from n 1")
        g.approach("Walk the candidates upward, keeping each divisor with `:`.")
    mode = g.pick(["list", "perfect", "classify"])
    if mode == "list":
        ns = g.ints(g.int(2, 4), 2, 120, distinct=True)
        phrase = g.each(lambda x: f"{f} {x}", ns, [_divisors(n) for n in ns], what="the list of proper divisors", direct=f)
        g.task(f"Write `{f} n`, the proper divisors of n (the divisors below n) in increasing order. In `main`, {phrase}.")
    elif mode == "perfect":
        ns = [*g.ints(g.int(4, 7), 2, 500, distinct=True), g.pick([6, 28, 496])]
        ns = g.shuffled(ns)
        got = [n for n in ns if sum(_divisors(n)) == n]
        g.define(f"perfect n = sum ({f} n) == n")
        g.say(f"filter perfect {lit(ns)}", got)
        g.task(f"Using `{f} n` (proper divisors) write `perfect n`, true when n equals the sum of its proper divisors, and print the perfect numbers among {lit(ns)} as a list.")
    else:
        ns = g.ints(g.int(3, 4), 2, 100, distinct=True)
        g.define(f"kind n =\n  s = sum ({f} n)\n  ? s == n -> \"perfect\" : ? s > n -> \"abundant\" : \"deficient\"")
        g.tag("local_block")

        def kind(n: int) -> str:
            s = sum(_divisors(n))
            return "perfect" if s == n else "abundant" if s > n else "deficient"

        phrase = g.each(lambda x: f"kind {x}", ns, [kind(n) for n in ns], what="its kind", direct="kind")
        g.task(f"Write `{f} n` (proper divisors) and `kind n`: \"perfect\", \"abundant\" or \"deficient\" as the divisor sum equals, exceeds or falls short of n. In `main`, {phrase}.")


def _isqrt(n: int) -> int:
    return math.isqrt(n)


@family(C, "recursion", "arithmetic")
def integer_sqrt(g: Gen) -> None:
    f = g.name("isqrt", "int_sqrt", "root_floor", "sqrt_int")
    ns = g.ints(g.int(3, 6), 0, 2000, distinct=True)
    style = g.style("search", "bisect", "float")
    if style == "search":
        g.define(f"up n r = ? (r + 1) * (r + 1) > n -> r : up n (r + 1)\n\n{f} n = up n 0")
        g.approach("Count r upward while (r + 1)^2 still fits under n.")
    elif style == "bisect":
        g.define(
            f"bisect n lo hi =\n  mid = (lo + hi + 1) / 2\n  ? lo >= hi -> lo\n  : ? mid * mid <= n -> bisect n mid hi\n  : bisect n lo (mid - 1)\n\n{f} n = bisect n 0 n"
        )
        g.approach("Binary search on the answer between 0 and n.")
        g.tag("divide_and_conquer")
    else:
        g.define(f"fix n r = ? r * r > n -> fix n (r - 1) : ? (r + 1) * (r + 1) <= n -> fix n (r + 1) : r\n\n{f} n = fix n 0")
        g.approach("Start from 0 and adjust r until r^2 <= n < (r + 1)^2.")
        g.style_name = "adjust"
    phrase = g.each(lambda x: f"{f} {x}", ns, [_isqrt(n) for n in ns], what="the integer square root", direct=f)
    if g.terse():
        g.task(f"`{f} n`: largest r with r*r <= n, Int only. Example: `{f} 20` is 4. In main, {phrase}.")
    else:
        g.task(f"Write `{f}`, the floor of the square root of a non-negative Int, using only Int arithmetic. In `main`, {phrase}.")


@family(C, "recursion", weight=0.5)
def binomial(g: Gen) -> None:
    f = g.name("choose", "binom", "comb", "n_choose_k")
    style = g.style("pascal", "factorial", "row")
    if style == "pascal":
        g.define(f"{f} _ 0 = 1\n{f} n k = ? k == n -> 1 : {f} (n - 1) (k - 1) + {f} (n - 1) k")
        g.approach("Pascal's rule: C(n, k) = C(n-1, k-1) + C(n-1, k).")
        hi = 14
    elif style == "factorial":
        g.define(f"fact n = foldl (\\a b -> a * b) 1 [1..n]\n\n{f} n k = fact n / (fact k * fact (n - k))")
        g.approach("n! / (k! (n-k)!) with a fold for the factorials.")
        hi = 20
    else:
        g.define("next_row r = zip (0 : r) (r ++ [0]) |> map (\\p -> index 0 p + index 1 p)\n\nrow 0 = [1]\nrow n = next_row (row (n - 1))")
        lo = g.int(0, 6)
        n = lo + g.int(1, 4)
        g.says(f"for_each (\\k -> print (row k)) [{lo}..{n}]", [[math.comb(m, k) for k in range(m + 1)] for m in range(lo, n + 1)])
        g.result(f"sum (row {n})", 2**n)
        g.approach("Each row of Pascal's triangle comes from adding the previous row shifted by one.")
        g.tag("pipes")
        g.task(f"Write `row n`, row n of Pascal's triangle as a list (row 0 is [1]). Print rows {lo} to {n}, one per line; `main` returns the sum of row {n}.")
        return
    cases = []
    for _ in range(g.int(2, 4)):
        n = g.int(2, hi)
        cases.append((n, g.int(0, n)))
    for n, k in cases:
        g.say(f"{f} {n} {k}", math.comb(n, k))
    g.task(f"Write `{f} n k`, the binomial coefficient \"n choose k\". Print it for (n, k) = {english_list([f'({n}, {k})' for n, k in cases])}, one per line.")


@family(C, "arithmetic", weight=0.6)
def clock_time(g: Gen) -> None:
    f = g.name("clock", "hms", "format_time", "as_clock", "duration")
    fmt = g.pick(["hms", "hm", "words", "ms"])
    hi = {"hms": 86399, "hm": 86399, "words": 86399, "ms": 3599}[fmt]
    secs = g.ints(g.int(3, 6), 0, hi)
    style = g.style("pad_helper", "inline")
    pad = ('two n = ? n < 10 -> "0" ++ show n : show n' if style == "pad_helper" else 'two n = ? n < 10 -> "0${n}" : "${n}"')
    if fmt == "hms":
        body = f'{f} s = two (s / 3600) ++ ":" ++ two (s % 3600 / 60) ++ ":" ++ two (s % 60)' if style == "pad_helper" else \
            f'{f} s =\n  h = s / 3600\n  m = (s % 3600) / 60\n  "${{two h}}:${{two m}}:${{two (s % 60)}}"'
        vals = [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in secs]
        what, form = "the clock time", "`HH:MM:SS` with two digits each"
    elif fmt == "hm":
        body = f'{f} s = two (s / 3600) ++ "h" ++ two (s % 3600 / 60)' if style == "pad_helper" else \
            f'{f} s =\n  h = s / 3600\n  m = s % 3600 / 60\n  "${{two h}}h${{two m}}"'
        vals = [f"{s // 3600:02d}h{s % 3600 // 60:02d}" for s in secs]
        what, form = "the time", "`HHhMM` (hours and minutes, seconds dropped)"
    elif fmt == "ms":
        body = f'{f} s = two (s / 60) ++ ":" ++ two (s % 60)' if style == "pad_helper" else \
            f'{f} s =\n  m = s / 60\n  "${{two m}}:${{two (s % 60)}}"'
        vals = [f"{s // 60:02d}:{s % 60:02d}" for s in secs]
        what, form = "the duration", "`MM:SS` (under an hour)"
    else:
        pad = ""
        body = (f'{f} s = show (s / 3600) ++ " h " ++ show (s % 3600 / 60) ++ " min " ++ show (s % 60) ++ " s"' if style == "pad_helper" else
                f'{f} s =\n  h = s / 3600\n  m = s % 3600 / 60\n  "${{h}} h ${{m}} min ${{s % 60}} s"')
        vals = [f"{s // 3600} h {s % 3600 // 60} min {s % 60} s" for s in secs]
        what, form = "the duration in words", "`H h M min S s`"
    if pad:
        g.define(pad)
    g.define(body)
    if "\n" in body:
        g.tag("local_block")
    g.approach("Split the seconds with `/` and `%`" + (", padding each part to two digits with a helper." if pad else ", then format the parts."))
    phrase = g.each(lambda x: f"{f} {x}", secs, vals, what=what, direct=f)
    g.task(f"Write `{f} s` turning a number of seconds into {form}. In `main`, {phrase}.")


@family(C, "io", "strings", weight=0.15)
def read_number(g: Gen) -> None:
    n = g.int(0, 9999)
    g.stdin = f"{n}\n"
    helper(g, "to_int")
    op = g.pick(["double", "square", "digits", "half", "plus"])
    k = g.int(2, 99)
    expr, val, words = {
        "double": ("n * 2", n * 2, "twice the number"),
        "square": ("n * n", n * n, "its square"),
        "digits": ("str_len s", len(str(n)), "how many digits it has"),
        "half": ("n / 2", n // 2, "half of it (integer division)"),
        "plus": (f"n + {k}", n + k, f"the number plus {k}"),
    }[op]
    style = g.style("assign", "bind")
    arrow = "=" if style == "assign" else "<-"
    g.stmt(f"s {arrow} readline")
    g.let("n", "to_int (str_trim s)")
    if g.chance(0.5):
        g.say(expr, val)
        how = f"print {words}"
    else:
        g.say(f'"got ${{n}}, result ${{{expr}}}"', f"got {n}, result {val}")
        how = f"print `got N, result R` where R is {words}"
    g.approach("Read the line, turn its digits into an Int with `str_find` on a digit string, then compute.")
    g.task(f"Read a non-negative whole number from standard input (one line) and {how}. There is no built-in string-to-Int: write `to_int`. The input is `{n}`.")


@family(C, "io", "strings", weight=0.15)
def greet_input(g: Gen) -> None:
    name = g.pick([*NAMES_FOR_INPUT])
    g.stdin = f"{name}\n"
    style = g.style("interp", "concat", "helper")
    greet = g.pick(["Hello", "Hi", "Welcome", "Good morning", "Hey"])
    if style == "interp":
        g.stmt("name = readline")
        g.say(f'"{greet}, ${{name}}!"', f"{greet}, {name}!")
    elif style == "concat":
        g.stmt("name <- readline")
        g.say(f'"{greet}, " ++ name ++ "!"', f"{greet}, {name}!")
    else:
        g.define(f'greeting n = "{greet}, " ++ n ++ "!"')
        g.stmt("name = readline")
        g.say("greeting name", f"{greet}, {name}!")
    also = g.chance(0.5)
    if also:
        g.say('"Your name has ${str_len name} letters."', f"Your name has {len(name)} letters.")
    g.approach("`readline` gives the line without its newline; build the greeting with string operations.")
    extra = " Then print `Your name has N letters.`" if also else ""
    g.task(f"Read a name from standard input and print `{greet}, NAME!`.{extra} The input is `{name}`.")


NAMES_FOR_INPUT = ["Ada", "Linus", "Grace", "Alan", "Barbara", "Edsger", "Ken", "Margaret", "Dennis", "Frances", "Niklaus", "Radia"]


@family(C, "guards", "patterns", weight=0.3)
def days_in_month(g: Gen) -> None:
    f = g.name("days", "days_in", "month_days", "length_of_month")
    months = g.sample(range(1, 13), g.int(3, 5))
    year = g.pick([2023, 2024, 1900, 2000])
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    style = g.style("patterns", "guards", "list")
    if style == "patterns":
        g.define(f"leap y = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0\n\n{f} 2 y = ? leap y -> 29 : 28\n{f} 4 _ = 30\n{f} 6 _ = 30\n{f} 9 _ = 30\n{f} 11 _ = 30\n{f} _ _ = 31")
        g.approach("Literal patterns for February and the 30-day months, a wildcard for the rest.")
    elif style == "guards":
        g.define(
            f"leap y = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0\n\n{f} m y =\n  ? m == 2 -> (? leap y -> 29 : 28)\n"
            f"  : ? m == 4 || m == 6 || m == 9 || m == 11 -> 30\n  : 31"
        )
        g.approach("Conditions for February and the 30-day months.")
    else:
        g.define(f"leap y = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0\n\n{f} m y = ? m == 2 && leap y -> 29 : index (m - 1) [31 28 31 30 31 30 31 31 30 31 30 31]")
        g.approach("Look the month up in a list of lengths, with a leap-year exception for February.")
    lengths = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    g.say(f"map (\\m -> {f} m {year}) {lit(months)}", [lengths[m - 1] for m in months])
    if g.chance(0.5):
        g.result(f"sum (map (\\m -> {f} m {year}) [1..12])", sum(lengths))
        tail = f" `main` returns the number of days in {year}."
    else:
        tail = ""
    g.task(f"Write `{f} month year` (1 = January) with leap years. Print the list of lengths of the months {lit(months)} in {year}.{tail}")


@family(C, "arithmetic", "guards")
def quadratic(g: Gen) -> None:
    f = g.name("roots", "root_count", "solutions", "n_roots")
    cases = [tuple(g.ints(3, -9, 9)) for _ in range(g.int(3, 4))]
    cases = [(a if a != 0 else 1, b, c) for a, b, c in cases]
    if g.chance(0.7):
        a = g.int(1, 4)
        r = g.int(-4, 4)
        cases[0] = (a, -2 * a * r, a * r * r)  # a double root
    style = g.style("guards", "local")
    if style == "guards":
        g.define(f"disc a b c = b * b - 4 * a * c\n\n{f} a b c =\n  ? disc a b c > 0 -> 2\n  : ? disc a b c == 0 -> 1\n  : 0")
        g.approach("The sign of the discriminant b^2 - 4ac gives the number of real roots.")
    else:
        g.define(f"{f} a b c =\n  d = b * b - 4 * a * c\n  ? d > 0 -> 2 : ? d == 0 -> 1 : 0")
        g.approach("Compute the discriminant once in a local binding and compare it with 0.")
        g.tag("local_block")
    for a, b, c in cases:
        d = b * b - 4 * a * c
        n = 2 if d > 0 else 1 if d == 0 else 0
        g.say(f'"${{{lit(a)}}} ${{{lit(b)}}} ${{{lit(c)}}}: ${{{f} {lit(a)} {lit(b)} {lit(c)}}}"', f"{a} {b} {c}: {n}")
    g.task(
        f"Write `{f} a b c`, the number of distinct real roots of ax^2 + bx + c (a != 0). For the coefficients "
        f"{english_list([f'({a}, {b}, {c})' for a, b, c in cases])} print `A B C: N`, one line each."
    )


@family(C, "recursion", "arithmetic", weight=0.7)
def digital_root(g: Gen) -> None:
    f = g.name("droot", "digital_root", "reduce_digits", "root_of")
    ns = g.ints(g.int(3, 6), 0, 999999)
    style = g.style("repeat", "formula")
    if style == "repeat":
        g.define(f"dsum n = ? n < 10 -> n : n % 10 + dsum (n / 10)\n\n{f} n = ? n < 10 -> n : {f} (dsum n)")
        g.approach("Sum the digits again and again until one digit is left.")
    else:
        g.define(f"{f} 0 = 0\n{f} n = 1 + (n - 1) % 9")
        g.approach("The digital root of a positive number is 1 + (n - 1) mod 9.")

    def dr(n: int) -> int:
        while n >= 10:
            n = sum(map(int, str(n)))
        return n

    phrase = g.each(lambda x: f"{f} {x}", ns, [dr(n) for n in ns], what="the digital root", direct=f)
    g.task(f"The digital root of n repeats summing the digits until a single digit remains. Write `{f}` and {phrase}.")


@family(C, "arithmetic")
def div_mod(g: Gen) -> None:
    pairs = [(g.int(-60, 99), g.pick([2, 3, 4, 5, 7, 10, -3, -4])) for _ in range(g.int(2, 4))]
    f = g.name("divide", "split_div", "qr", "quot_rem")
    style = g.style("record", "string", "list")
    if style == "record":
        g.define(f"{f} a b = {{q = a / b, r = a % b}}")
        vals = [{"q": idiv(a, b), "r": imod(a, b)} for a, b in pairs]
        what = "a record `{q = Q, r = R}`"
        g.tag("records")
        g.approach("Return quotient and remainder together in a record.")
    elif style == "string":
        g.define(f'{f} a b = "${{a}} = ${{b}} * ${{a / b}} + ${{a % b}}"')
        vals = [f"{a} = {b} * {idiv(a, b)} + {imod(a, b)}" for a, b in pairs]
        what = "a line `A = B * Q + R`"
        g.approach("Interpolate the quotient and remainder into one line.")
    else:
        g.define(f"{f} a b = [(a / b) (a % b)]")
        vals = [[idiv(a, b), imod(a, b)] for a, b in pairs]
        what = "the list [quotient remainder]"
        g.approach("Return the quotient and remainder as a two-element list.")
    for (a, b), v in zip(pairs, vals):
        g.say(f"{f} {lit(a)} {lit(b)}", v)
    g.task(
        f"Write `{f} a b` giving the integer quotient and remainder of a by b as Synoema computes them (`/` truncates toward zero, `%` keeps the sign of a), as {what}. "
        f"Print it for {english_list([f'{a} and {b}' for a, b in pairs], conj=';')}, one per line."
    )


@family(C, "patterns", "guards", weight=0.15)
def bool_logic(g: Gen) -> None:
    op = g.pick(["xor", "implies", "nand", "nor"])
    table = {
        "xor": lambda a, b: a != b,
        "implies": lambda a, b: (not a) or b,
        "nand": lambda a, b: not (a and b),
        "nor": lambda a, b: not (a or b),
    }[op]
    style = g.style("patterns", "expression")
    if style == "patterns":
        eqs = []
        for a in (True, False):
            for b in (True, False):
                eqs.append(f"{op} {lit(a)} {lit(b)} = {lit(table(a, b))}")
        g.define("\n".join(eqs))
        g.approach("Write the truth table as four equations with boolean literal patterns.")
    else:
        body = {"xor": "a != b", "implies": "not a || b", "nand": "not (a && b)", "nor": "not (a || b)"}[op]
        g.define(f"{op} a b = {body}")
        g.approach("One boolean expression with `&&`, `||` and `not`.")
    if g.chance(0.5):
        g.says(
            f'for_each (\\p -> print "${{index 0 p}} ${{index 1 p}} ${{{op} (index 0 p) (index 1 p)}}") [[true true] [true false] [false true] [false false]]',
            [f"{lit(a)} {lit(b)} {lit(table(a, b))}" for a in (True, False) for b in (True, False)],
        )
        g.task(f"Write `{op} a b` on Bool and print its truth table: one line `A B RESULT` for the inputs true true, true false, false true, false false.")
    else:
        cases = [(g.chance(0.5), g.chance(0.5)) for _ in range(3)]
        for a, b in cases:
            g.say(f"{op} {lit(a)} {lit(b)}", table(a, b))
        g.result(f"length (filter (\\b -> b) [({op} true true) ({op} false false)])", int(table(True, True)) + int(table(False, False)))
        g.task(
            f"Write the Boolean function `{op} a b`. Print it for {english_list([f'{lit(a)} {lit(b)}' for a, b in cases], conj=';')}, one per line; "
            f"`main` returns how many of `{op} true true` and `{op} false false` are true."
        )


@family(C, "arithmetic", "comprehension")
def multiples_sum(g: Gen) -> None:
    a, b = g.sample([2, 3, 5, 7, 11], 2)
    n = g.int(10, 400)
    f = g.name("total", "multiples", "sum_multiples", "euler1")
    style = g.style("comprehension", "filter", "recursion", "pipe")
    cond = f"x % {a} == 0 || x % {b} == 0"
    if style == "comprehension":
        g.define(f"{f} n = sum [x | x <- [1..(n - 1)], {cond}]")
        g.approach("A comprehension with a guard keeps the multiples; `sum` adds them.")
    elif style == "filter":
        g.define(f"{f} n = sum (filter (\\x -> {cond}) [1..(n - 1)])")
        g.approach("Filter the range below n, then sum.")
    elif style == "recursion":
        g.define(f"{f} 1 = 0\n{f} n =\n  x = n - 1\n  ? {cond} -> x + {f} x : {f} x")
        g.approach("Count down from n - 1, adding x when it is a multiple.")
    else:
        g.define(f"{f} n = [1..(n - 1)] |> filter (\\x -> {cond}) |> sum")
        g.approach("A pipeline: range, filter, sum.")
        g.tag("pipes")
    ns = [n, *g.ints(g.int(1, 3), 10, 400)]

    def total(n):
        return sum(x for x in range(1, n) if x % a == 0 or x % b == 0)

    if g.chance(0.3):
        g.result(f"{f} {n}", total(n))
        g.task(f"Write `{f} n`, the sum of the numbers below n that are multiples of {a} or {b}; `main` returns `{f} {n}`.")
    else:
        phrase = g.each(lambda x: f"{f} {x}", ns, [total(m) for m in ns], what=f"the sum of the numbers below it divisible by {a} or {b}", direct=f)
        g.task(f"Write `{f} n`, the sum of all positive integers below n divisible by {a} or {b}. In `main`, {phrase}.")


@family(C, "arithmetic", "guards")
def bmi_like(g: Gen) -> None:
    # integer unit price with bulk discount: a guard-heavy arithmetic task
    f = g.name("price", "cost", "charge", "bill")
    unit = g.int(2, 30)
    t1, t2 = sorted(g.sample(range(5, 60), 2))
    d1, d2 = g.sample([5, 10, 15, 20, 25], 2)
    d1, d2 = min(d1, d2), max(d1, d2)
    qs = g.ints(g.int(3, 4), 1, 80)
    style = g.style("guards", "local")
    if style == "guards":
        g.define(
            f"discount q =\n  ? q >= {t2} -> {d2}\n  : ? q >= {t1} -> {d1}\n  : 0\n\n{f} q = q * {unit} * (100 - discount q) / 100"
        )
        g.approach("A guard chain picks the discount rate; the price applies it with Int arithmetic.")
    else:
        g.define(f"{f} q =\n  gross = q * {unit}\n  off = ? q >= {t2} -> {d2} : ? q >= {t1} -> {d1} : 0\n  gross * (100 - off) / 100")
        g.approach("Name the gross price and the discount in a local block.")
        g.tag("local_block")

    def price(q: int) -> int:
        off = d2 if q >= t2 else d1 if q >= t1 else 0
        return q * unit * (100 - off) // 100

    phrase = g.each(lambda x: f"{f} {x}", qs, [price(q) for q in qs], what="the price", direct=f)
    g.task(
        f"Items cost {unit} each; orders of at least {t1} get {d1}% off and orders of at least {t2} get {d2}% off "
        f"(Int arithmetic, rounding down). Write `{f} quantity` and {phrase}."
    )


def _digits(n: int) -> list[int]:
    return [int(c) for c in str(n)]


def _happy(n: int) -> bool:
    seen = set()
    while n != 1 and n not in seen:
        seen.add(n)
        n = sum(d * d for d in _digits(n))
    return n == 1


@family(C, "arithmetic", "recursion", weight=0.4)
def number_props(g: Gen) -> None:
    prop = g.pick(["armstrong", "harshad", "happy", "automorphic"])
    g.define("digits n = ? n < 10 -> [n] : digits (n / 10) ++ [(n % 10)]" if g.chance(0.5) else "digits 0 = []\ndigits n = digits (n / 10) ++ [(n % 10)]")
    if prop == "armstrong":
        g.define("power b e = foldl (\\acc _ -> acc * b) 1 [1..e]")
        g.define("armstrong n =\n  ds = digits n\n  sum (map (\\d -> power d (length ds)) ds) == n")
        fn = lambda n: sum(d ** len(_digits(n)) for d in _digits(n)) == n  # noqa: E731
        words = "equal to the sum of its digits each raised to the number of digits (an Armstrong number)"
        g.tag("local_block")
    elif prop == "harshad":
        g.define("harshad n = n % sum (digits n) == 0")
        fn = lambda n: n % sum(_digits(n)) == 0  # noqa: E731
        words = "divisible by the sum of its digits (a Harshad number)"
    elif prop == "happy":
        g.define("step n = sum (map (\\d -> d * d) (digits n))")
        g.define("walk n k = ? n == 1 -> true : ? k == 0 -> false : walk (step n) (k - 1)\n\nhappy n = walk n 20")
        fn = _happy
        words = "happy (repeatedly summing the squares of its digits reaches 1; give up after 20 steps)"
    else:
        g.define("ends_with n m = ? m == 0 -> true : n % 10 == m % 10 && ends_with (n / 10) (m / 10)\n\nautomorphic n = ends_with (n * n) n")
        fn = lambda n: str(n * n).endswith(str(n))  # noqa: E731
        words = "automorphic (its square ends with the number itself)"
    name = {"armstrong": "armstrong", "harshad": "harshad", "happy": "happy", "automorphic": "automorphic"}[prop]
    g.style(prop)
    if g.chance(0.5):
        lo = g.int(1, 150)
        hi = lo + g.int(20, 200)
        got = [n for n in range(lo, hi + 1) if fn(n)]
        g.say(f"filter {name} [{lo}..{hi}]", got)
        g.result(f"length (filter {name} [{lo}..{hi}])", len(got))
        g.task(f"Write `{name} n`, true when n is {words}. Print the list of such numbers from {lo} to {hi}; `main` returns how many there are.")
    else:
        ns = g.ints(g.int(3, 6), 1, 999, distinct=True)
        phrase = g.each(lambda x: f"{name} {x}", ns, [fn(n) for n in ns], what="whether it has the property", direct=name)
        g.task(f"Write `{name} n`, true when n is {words}. In `main`, {phrase}.")
    g.approach("Split the number into its digits with `/` and `%`, then test the property on the digit list.")


@family(C, "arithmetic", "recursion")
def arithmetic_series(g: Gen) -> None:
    f = g.name("series", "progression_sum", "arith_sum", "sum_terms")
    cases = [(g.int(-10, 20), g.int(-5, 9), g.int(1, 30)) for _ in range(g.int(2, 5))]
    style = g.style("formula", "fold", "recursion", "comprehension")
    if style == "formula":
        g.define(f"{f} a d n = n * (2 * a + (n - 1) * d) / 2")
        g.approach("The closed form n(2a + (n-1)d)/2; the product is always even, so Int division is exact.")
    elif style == "fold":
        g.define(f"{f} a d n = foldl (\\acc k -> acc + a + k * d) 0 [0..(n - 1)]")
        g.approach("Fold over the term indices, adding a + k d each time.")
    elif style == "recursion":
        g.define(f"{f} _ _ 0 = 0\n{f} a d n = a + {f} (a + d) d (n - 1)")
        g.approach("The first term plus the series that starts one step later.")
    else:
        g.define(f"{f} a d n = sum [a + k * d | k <- [0..(n - 1)]]")
        g.approach("List the terms with a comprehension and sum them.")
    for a, d, n in cases:
        g.say(f"{f} {lit(a)} {lit(d)} {n}", n * (2 * a + (n - 1) * d) // 2)
    g.task(f"Write `{f} a d n`, the sum of the first n terms of the arithmetic progression a, a + d, a + 2d, ... Print it for "
           + english_list([f"a = {a}, d = {d}, n = {n}" for a, d, n in cases], conj=";") + ", one per line.")


RECURRENCES = {
    "tribonacci": ((0, 0, 1), lambda a, b, c: a + b + c, "each term is the sum of the three before it, starting 0, 0, 1"),
    "lucas": ((2, 1), lambda a, b: a + b, "each term is the sum of the two before it, starting 2, 1"),
    "pell": ((0, 1), lambda a, b: a + 2 * b, "each term is the previous one doubled plus the one before it, starting 0, 1"),
    "jacobsthal": ((0, 1), lambda a, b: 2 * a + b, "each term is the previous one plus twice the one before it, starting 0, 1"),
}


@family(C, "recursion")
def recurrences(g: Gen) -> None:
    name = g.pick(list(RECURRENCES))
    start, step, words = RECURRENCES[name]
    k = len(start)
    style = g.style("naive", "accumulator", "list")
    body = {"tribonacci": "a + b + c", "lucas": "a + b", "pell": "a + 2 * b", "jacobsthal": "2 * a + b"}[name]
    params = "a b c" if k == 3 else "a b"
    if style == "naive":
        eqs = [f"{name} {i} = {v}" for i, v in enumerate(start)]
        prev = [f"{name} (n - {k - i})" for i in range(k)]
        g.define("\n".join(eqs) + f"\n{name} n = {_subst(body, params.split(), prev)}")
        hi = 14
        g.approach("The recurrence as equations: the starting terms, then the rule.")
    elif style == "accumulator":
        nxt = [*params.split()[1:], body]
        g.define(f"go {params} 0 = a\ngo {params} n = go {' '.join(p if ' ' not in p else '(' + p + ')' for p in nxt)} (n - 1)\n\n{name} n = go {' '.join(map(str, start))} n")
        hi = 30
        g.approach("Slide a window of the last terms forward n times.")
        g.tag("accumulator")
    else:
        g.define(f"terms 0 = {lit(list(start))}\nterms n =\n  t = terms (n - 1)\n  m = length t\n  t ++ [({_subst(body, params.split(), [f'index (m - {k - i}) t' for i in range(k)])})]\n\n{name} n = index n (terms n)")
        hi = 20
        g.approach("Grow the list of terms, each new term from the last ones, and index it.")
        g.tag("local_block")
    seq = list(start)
    while len(seq) < 40:
        seq.append(step(*seq[-k:]))
    ns = g.ints(g.int(3, 6), 0, hi, distinct=True)
    phrase = g.each(lambda x: f"{name} {x}", ns, [seq[n] for n in ns], what=f"the {name} number", direct=name)
    g.task(f"In the {name} sequence {words}. Write `{name} n` (n from 0) and, in `main`, {phrase}.")


def _subst(body: str, names: list[str], exprs: list[str]) -> str:
    import re

    mapping = dict(zip(names, exprs))
    return re.sub(r"\b[abc]\b", lambda m: f"({mapping[m.group(0)]})" if m.group(0) in mapping else m.group(0), body)


@family(C, "arithmetic", "folds")
def gcd_list(g: Gen) -> None:
    base = g.int(2, 12)
    xs = [base * g.int(1, 20) for _ in range(g.int(3, 6))]
    style = g.style("fold", "recursion")
    g.define(g.pick(["gcd a 0 = a\ngcd a b = gcd b (a % b)", "gcd a b = ? b == 0 -> a : gcd b (a % b)"]))
    if style == "fold":
        g.define("gcd_all xs = foldl gcd (head xs) (tail xs)")
        g.approach("Fold the two-number gcd over the list.")
    else:
        g.define("gcd_all [x] = x\ngcd_all (x:rest) = gcd x (gcd_all rest)")
        g.approach("The gcd of a list is the gcd of its head and the gcd of the rest.")
        g.tag("patterns")
    import math

    gg = 0
    for x in xs:
        gg = math.gcd(gg, x)
    g.say(f"gcd_all {lit(xs)}", gg)
    lcm_too = g.chance(0.5)
    if lcm_too:
        g.define("lcm_all xs = foldl (\\acc x -> acc * x / gcd acc x) 1 xs")
        lv = 1
        for x in xs[:4]:
            lv = lv * x // math.gcd(lv, x)
        g.result(f"lcm_all {lit(xs[:4])}", lv)
        tail = f" `main` returns the least common multiple of the first four, {lit(xs[:4])} (`lcm_all`)."
    else:
        g.result(f"map (\\x -> x / gcd_all {lit(xs)}) {lit(xs)}", [x // gg for x in xs])
        tail = " `main` returns the list divided by that gcd."
    g.task(f"Write `gcd_all xs`, the greatest common divisor of a non-empty list, from a two-argument `gcd`. Print it for {lit(xs)}.{tail}")


@family(C, "arithmetic", "floats")
def circle_float(g: Gen) -> None:
    pi = g.pick([3.14, 3.1416, 3.0])
    rs = [g.int(1, 20) / 2 for _ in range(g.int(2, 5))]
    ops = g.sample(["area", "circumference", "rounded"], g.int(1, 2))
    g.define(f"pi = {pi}")
    defs = {
        "area": ("area r = pi * r * r", lambda r: pi * r * r, "the area pi r^2"),
        "circumference": ("circumference r = 2.0 * pi * r", lambda r: 2.0 * pi * r, "the circumference 2 pi r"),
        "rounded": ("rounded r = round (pi * r * r)", lambda r: _round_half_away(pi * r * r), "the area rounded to a whole number (`round`, still a Float)"),
    }
    for op in ops:
        g.define(defs[op][0])
    g.let("rs", lit(rs))
    for op in ops:
        g.say(f"map {op} rs", [defs[op][1](r) for r in rs])
    g.result("length rs", len(rs))
    g.style("floats")
    g.approach("Float arithmetic throughout: the radii are Floats, since Int and Float never mix.")
    g.task(f"With pi = {pi} and the radii {lit(rs)} (Floats), print " + english_list([f"the list of {defs[o][2]} (`{o}`)" for o in ops]) + "; `main` returns the number of circles.")


def _round_half_away(x: float) -> float:
    import math

    return float(math.floor(x + 0.5)) if x >= 0 else -float(math.floor(-x + 0.5))


DAYS = ["Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@family(C, "arithmetic", "guards")
def day_of_week(g: Gen) -> None:
    import datetime

    dates = []
    for _ in range(g.int(2, 5)):
        y, m = g.int(1900, 2099), g.int(1, 12)
        dates.append((y, m, g.int(1, 28)))
    style = g.style("zeller_local", "zeller_inline")
    if style == "zeller_local":
        g.define(
            "weekday y m d =\n  mm = ? m < 3 -> m + 12 : m\n  yy = ? m < 3 -> y - 1 : y\n  k = yy % 100\n  j = yy / 100\n"
            "  (d + 13 * (mm + 1) / 5 + k + k / 4 + j / 4 + 5 * j) % 7"
        )
        g.tag("local_block")
    else:
        g.define("zeller d mm yy = (d + 13 * (mm + 1) / 5 + yy % 100 + yy % 100 / 4 + yy / 400 + 5 * (yy / 100)) % 7\n\n"
                 "weekday y m d = ? m < 3 -> zeller d (m + 12) (y - 1) : zeller d m y")
    g.define("names = " + lit(DAYS))
    for y, m, d in dates:
        wd = (datetime.date(y, m, d).weekday() + 2) % 7  # Zeller: 0 = Saturday
        g.say(f'"{y}-{m:02d}-{d:02d} " ++ index (weekday {y} {m} {d}) names', f"{y}-{m:02d}-{d:02d} {DAYS[wd]}")
    g.approach("Zeller's congruence with January and February counted as months 13 and 14 of the previous year.")
    g.task("Write `weekday y m d` with Zeller's congruence (0 = Saturday, ..., 6 = Friday) and a list `names` of day names. For "
           + english_list([f"{y}-{m:02d}-{d:02d}" for y, m, d in dates]) + " print `YYYY-MM-DD DAY`, one line each.")
