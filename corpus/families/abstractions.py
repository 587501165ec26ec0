"""Abstractions: higher-order functions, lambdas, pipes and composition, traits, modules, Result."""

from __future__ import annotations

from .core import (
    ANIMALS,
    COLORS,
    FRUITS,
    PEOPLE,
    WORDS,
    Con,
    Gen,
    english_list,
    family,
    idiv,
    imod,
    lit,
    quote,
)

C = "abstractions"

# Small Int -> Int steps: (Synoema lambda body over x, Python function, words)
STEPS = [
    ("x + {k}", lambda k: lambda x: x + k, "add {k}"),
    ("x * {k}", lambda k: lambda x: x * k, "multiply by {k}"),
    ("x - {k}", lambda k: lambda x: x - k, "subtract {k}"),
    ("x * x", lambda k: lambda x: x * x, "square"),
    ("x / {k}", lambda k: lambda x: idiv(x, k), "divide by {k} (Int division)"),
    ("x % {k}", lambda k: lambda x: imod(x, k), "take the remainder mod {k}"),
    ("0 - x", lambda k: lambda x: -x, "negate"),
]

PREDS = [
    ("x % 2 == 0", lambda k: lambda x: x % 2 == 0, "even"),
    ("x % 2 != 0", lambda k: lambda x: x % 2 != 0, "odd"),
    ("x > {k}", lambda k: lambda x: x > k, "greater than {k}"),
    ("x < {k}", lambda k: lambda x: x < k, "less than {k}"),
    ("x % {k} == 0", lambda k: lambda x: x % k == 0, "divisible by {k}"),
    ("x != {k}", lambda k: lambda x: x != k, "not equal to {k}"),
]


def _step(g: Gen):
    body, fn, words = g.pick(STEPS)
    k = g.int(2, 9)
    return body.format(k=k), fn(k), words.format(k=k)


def _pred(g: Gen):
    body, fn, words = g.pick(PREDS)
    k = g.int(2, 9) if "%" in body and "{k}" in body else g.int(-5, 30)
    return body.format(k=k), fn(k), words.format(k=k)


@family(C, "pipes", "lambdas")
def pipeline(g: Gen) -> None:
    xs = g.ints(g.int(5, 10), -20, 40)
    stages = []
    vals = list(xs)
    for _ in range(g.int(1, 3)):
        if g.chance(0.5):
            body, fn, words = _step(g)
            stages.append((f"map (\\x -> {body})", words))
            vals = [fn(v) for v in vals]
        else:
            body, fn, words = _pred(g)
            stages.append((f"filter (\\x -> {body})", f"keep the {words} ones" if not words.startswith(("greater", "less", "divisible", "not")) else f"keep those {words}"))
            vals = [v for v in vals if fn(v)]
    end = g.pick(["sum", "length", "list", "reverse"])
    style = g.style("pipe", "nested", "local", "compose")
    result = {"sum": sum(vals), "length": len(vals), "list": vals, "reverse": vals[::-1]}[end]
    tail = "" if end == "list" else f" |> {end}"
    if style == "pipe":
        expr = lit(xs) + "".join(f" |> {s}" for s, _ in stages) + tail
        g.approach("A pipeline with `|>`: each stage takes the list from the previous one.")
        g.tag("pipes")
    elif style == "nested":
        expr = lit(xs)
        for s, _ in stages:
            expr = f"{s} ({expr})" if " " in expr and not expr.startswith("[") else f"{s} {expr}"
        if end != "list":
            expr = f"{end} ({expr})"
        g.approach("Nested applications, innermost first.")
    elif style == "compose":
        g.let("run", " >> ".join([s for s, _ in stages] + ([] if end == "list" else [end])))
        expr = f"run {lit(xs)}"
        g.approach("Compose the stages with `>>` into one function, then apply it to the list.")
    else:
        g.let("xs", lit(xs))
        prev = "xs"
        for i, (s, _) in enumerate(stages):
            g.let(f"s{i + 1}", f"{s} {prev}")
            prev = f"s{i + 1}"
        expr = prev if end == "list" else f"{end} {prev}"
        g.approach("Name each intermediate list in main's block.")
    if g.chance(0.5):
        g.result(expr, result)
        verb = "`main` returns"
    else:
        g.say(expr, result)
        verb = "print"
    fin = {"sum": "the sum", "length": "how many remain", "list": "the resulting list", "reverse": "the result reversed"}[end]
    g.task(f"Starting from {lit(xs)}: " + "; then ".join(w for _, w in stages) + f". {verb[0].upper() + verb[1:]} {fin}. Use `map`/`filter` with lambdas.")


@family(C, "composition", "lambdas")
def compose_chain(g: Gen) -> None:
    steps = [_step(g) for _ in range(g.int(2, 4))]
    names = g.sample(["inc", "dbl", "sq", "neg", "half", "shift", "bump", "grow", "cut", "trim"], len(steps))
    style = g.style("compose", "lambda_chain", "fold_compose")
    for n, (body, _, _) in zip(names, steps):
        g.define(f"{n} x = {body}")
    if style == "compose":
        g.let("pipeline", " >> ".join(names))
        g.approach("`f >> g` runs f first, so the composed function reads left to right.")
    elif style == "lambda_chain":
        inner = "x"
        for n in names:
            inner = f"{n} ({inner})" if inner != "x" else f"{n} x"
        g.let("pipeline", f"\\x -> {inner}")
        g.approach("One lambda applying the steps from the inside out.")
    else:
        g.let("pipeline", f"foldl (\\acc f -> acc >> f) (\\x -> x) [{' '.join(names)}]")
        g.approach("Fold a list of functions into one with `>>`, starting from the identity.")
    xs = g.ints(g.int(2, 4), -10, 30)

    def run(x):
        for _, fn, _ in steps:
            x = fn(x)
        return x

    phrase = g.each(lambda v: f"pipeline {v}", xs, [run(x) for x in xs], what="the composed function's result", direct="pipeline")
    g.task(
        "Define " + english_list([f"`{n}` ({w})" for n, (_, _, w) in zip(names, steps)]) + f". Combine them into one function `pipeline` that applies them in that order, and {phrase}."
    )


@family(C, "hof", "recursion")
def own_map_filter(g: Gen) -> None:
    style = g.style("recursion", "foldl", "comprehension")
    mname, fname = g.pick([("my_map", "my_filter"), ("mapper", "keep"), ("each", "only"), ("transform", "select")])
    if style == "recursion":
        g.define(f"{mname} _ [] = []\n{mname} f (x:rest) = f x : {mname} f rest")
        g.define(f"{fname} _ [] = []\n{fname} p (x:rest) = ? p x -> (x : {fname} p rest) : {fname} p rest")
        g.approach("Both follow the list's shape: an empty case and a cons case.")
    elif style == "foldl":
        g.define(f"{mname} f xs = foldl (\\acc x -> acc ++ [(f x)]) [] xs")
        g.define(f"{fname} p xs = foldl (\\acc x -> ? p x -> acc ++ [x] : acc) [] xs")
        g.approach("A left fold appends each kept or transformed element.")
    else:
        g.define(f"{mname} f xs = [f x | x <- xs]")
        g.define(f"{fname} p xs = [x | x <- xs, p x]")
        g.approach("Comprehensions express map and filter directly.")
    xs = g.ints(g.int(4, 8), -10, 30)
    body, fn, words = _step(g)
    pbody, pfn, pwords = _pred(g)
    g.say(f"{mname} (\\x -> {body}) {lit(xs)}", [fn(x) for x in xs])
    g.say(f"{fname} (\\x -> {pbody}) {lit(xs)}", [x for x in xs if pfn(x)])
    g.result(f"length ({fname} (\\x -> {pbody}) ({mname} (\\x -> {body}) {lit(xs)}))", len([y for y in (fn(x) for x in xs) if pfn(y)]))
    g.task(
        f"Without the library `map` and `filter`, write `{mname} f xs` and `{fname} p xs`. For {lit(xs)}, print the result of `{mname}` with a function that does: {words}; "
        f"then of `{fname}` keeping the elements {pwords}; `main` returns how many elements are left when you map first and then filter."
    )


@family(C, "hof")
def apply_n(g: Gen) -> None:
    f = g.name("apply_n", "repeat", "times", "iterate_n")
    style = g.style("recursion", "fold", "compose")
    if style == "recursion":
        g.define(f"{f} _ 0 x = x\n{f} g n x = {f} g (n - 1) (g x)")
        g.approach("Apply the function once and recurse with one fewer repetition.")
    elif style == "fold":
        g.define(f"{f} g n x = foldl (\\acc _ -> g acc) x [1..n]")
        g.approach("Fold over a range of n steps, applying the function each time.")
    else:
        g.define(f"{f} g 0 = \\x -> x\n{f} g n = g >> {f} g (n - 1)")
        g.approach("Build the n-fold composition with `>>`.")
    cases = []
    for _ in range(g.int(2, 3)):
        body, fn, words = g.pick([("x * 2", lambda x: x * 2, "doubling"), ("x + 3", lambda x: x + 3, "adding 3"), ("x * x", lambda x: x * x, "squaring"),
                                  ("x - 1", lambda x: x - 1, "subtracting 1"), ("x * 3 + 1", lambda x: 3 * x + 1, "the map x -> 3x + 1")])
        n = g.int(0, 6 if "x * x" not in body else 3)
        x = g.int(1, 5)
        v = x
        for _ in range(n):
            v = fn(v)
        cases.append((body, n, x, v, words))
    for body, n, x, v, _ in cases:
        g.say(f"{f} (\\x -> {body}) {n} {x}", v)
    g.task(
        f"Write `{f} g n x`, which applies g to x n times. Print, one per line: "
        + "; ".join(f"{words} {n} times starting at {x}" for _, n, x, _, words in cases)
        + "."
    )


@family(C, "hof", "closures")
def curried_adders(g: Gen) -> None:
    f = g.name("adder", "make_adder", "plus", "add_to")
    style = g.style("lambda", "partial")
    if style == "lambda":
        g.define(f"{f} n = \\x -> x + n")
        g.approach("Return a lambda that remembers n.")
    else:
        g.define(f"{f} n x = x + n")
        g.approach("Give the two-argument function only its first argument: partial application.")
    ks = g.ints(g.int(2, 3), -5, 20, distinct=True)
    xs = g.ints(g.int(3, 5), 0, 30)
    g.let("adders", "[" + " ".join(f"({f} {lit(k)})" for k in ks) + "]")
    g.say(f"map ({f} {lit(ks[0])}) {lit(xs)}", [x + ks[0] for x in xs])
    g.say("map (\\h -> h 100) adders", [100 + k for k in ks])
    g.result("foldl (\\acc h -> h acc) 0 adders", sum(ks))
    g.task(
        f"Write `{f} n` so that `{f} n` is a function adding n. Print `map ({f} {ks[0]})` over {lit(xs)}; make the list of adders for {english_list([str(k) for k in ks])} "
        f"and print each applied to 100 (as a list); `main` returns the result of applying them all in turn to 0."
    )


@family(C, "hof", "folds")
def fold_reductions(g: Gen) -> None:
    xs = g.ints(g.int(4, 9), -30, 60)
    ops = g.sample(["max", "min", "product", "count_pos", "alt_sum", "last"], g.int(2, 3))
    defs = {
        "max": ("biggest xs = foldl (\\m x -> ? x > m -> x : m) (head xs) xs", max(xs), "the largest element"),
        "min": ("smallest xs = foldl (\\m x -> ? x < m -> x : m) (head xs) xs", min(xs), "the smallest element"),
        "product": ("product xs = foldl (\\p x -> p * x) 1 xs", None, "the product"),
        "count_pos": ("positives xs = foldl (\\n x -> ? x > 0 -> n + 1 : n) 0 xs", sum(1 for x in xs if x > 0), "how many are positive"),
        "alt_sum": ("alternating xs = foldl (\\acc p -> ? index 0 p % 2 == 0 -> acc + index 1 p : acc - index 1 p) 0 (zip [0..(length xs - 1)] xs)", sum(x if i % 2 == 0 else -x for i, x in enumerate(xs)), "the alternating sum x0 - x1 + x2 - ..."),
        "last": ("final xs = foldl (\\_ x -> x) (head xs) xs", xs[-1], "the last element"),
    }
    prod = 1
    for x in xs[:6]:
        prod *= x
    fname = {"max": "biggest", "min": "smallest", "product": "product", "count_pos": "positives", "alt_sum": "alternating", "last": "final"}
    for op in ops:
        g.define(defs[op][0])
        if op == "product":
            g.say(f"product {lit(xs[:6])}", prod)
        else:
            g.say(f"{fname[op]} {lit(xs)}", defs[op][1])
    g.style("foldl")
    g.approach("Every reduction is one `foldl` with the right starting value and step.")
    asked = [defs[o][2] + (f" of the first six, {lit(xs[:6])}" if o == "product" else "") for o in ops]
    g.task(f"With one `foldl` each, compute for {lit(xs)}: " + english_list(asked) + ". Print them one per line (names: " + ", ".join(f"`{fname[o]}`" for o in ops) + ").")


@family(C, "hof", "recursion")
def zip_with(g: Gen) -> None:
    f = g.name("zip_with", "combine", "pairwise", "merge_with")
    style = g.style("recursion", "zip_map", "comprehension")
    if style == "recursion":
        g.define(f"{f} _ [] _ = []\n{f} _ _ [] = []\n{f} h (x:xs) (y:ys) = h x y : {f} h xs ys")
        g.approach("Walk both lists together and stop when either ends.")
    elif style == "zip_map":
        g.define(f"{f} h xs ys = map (\\p -> h (index 0 p) (index 1 p)) (zip xs ys)")
        g.approach("`zip` pairs the lists; map the function over the pairs.")
    else:
        g.define(f"shorter xs ys = ? length xs < length ys -> length xs : length ys\n\n{f} h xs ys = [h (index i xs) (index i ys) | i <- [0..(shorter xs ys - 1)]]")
        g.approach("A comprehension over the indices both lists share.")
    n = g.int(3, 6)
    xs, ys = g.ints(n, 0, 20), g.ints(n + g.int(-1, 1), 0, 20)
    ops = g.sample([("\\a b -> a + b", lambda a, b: a + b, "sums"), ("\\a b -> a * b", lambda a, b: a * b, "products"),
                    ("\\a b -> ? a > b -> a : b", lambda a, b: max(a, b), "larger values"), ("\\a b -> a - b", lambda a, b: a - b, "differences")], 2)
    for body, fn, _ in ops:
        g.say(f"{f} ({body}) {lit(xs)} {lit(ys)}", [fn(a, b) for a, b in zip(xs, ys)])
    g.task(f"Write `{f} h xs ys`, which combines two lists element by element with h, stopping at the shorter. Print the pairwise {ops[0][2]} and then {ops[1][2]} of {lit(xs)} and {lit(ys)}.")


@family(C, "hof", "lambdas")
def function_list(g: Gen) -> None:
    steps = [_step(g) for _ in range(g.int(3, 4))]
    x = g.int(-10, 20)
    g.let("fs", "[" + " ".join(f"(\\x -> {b})" for b, _, _ in steps) + "]")
    style = g.style("map_apply", "comprehension")
    vals = [fn(x) for _, fn, _ in steps]
    if style == "map_apply":
        g.say(f"map (\\f -> f {lit(x)}) fs", vals)
        g.approach("Functions are values: keep them in a list and map an application over it.")
    else:
        g.say(f"[f {lit(x)} | f <- fs]", vals)
        g.approach("A comprehension draws each function from the list and applies it.")
    chained = x
    for _, fn, _ in steps:
        chained = fn(chained)
    g.result(f"foldl (\\acc f -> f acc) {lit(x)} fs", chained)
    g.task(
        "Make a list of functions that " + english_list([w for _, _, w in steps]) + f". Print the list of each one applied to {x}; `main` returns the result of applying them one after another, starting from {x}."
    )


@family(C, "traits", "adt")
def trait_shapes(g: Gen) -> None:
    tname = g.pick(["Measure", "Shape", "Sized", "Geometry"])
    m1 = g.pick(["area", "size", "surface"])
    m2 = g.pick(["label", "kind", "name"])
    g.define(f"trait {tname} a\n  {m1} : a -> Int\n  {m2} : a -> String")
    kinds = g.sample([("Square", 1, "s * s", lambda s: s * s), ("Rect", 2, "w * h", lambda w, h: w * h), ("Circle", 1, "3 * r * r", lambda r: 3 * r * r),
                      ("Tri", 2, "b * h / 2", lambda b, h: b * h // 2)], g.int(2, 3))
    vars2 = {"Square": "s", "Rect": "w h", "Circle": "r", "Tri": "b h"}
    for k, n, body, _ in kinds:
        g.define(f"{k} = {k}" + " Int" * n)
        g.define(f"impl {tname} {k}\n  {m1} ({k} {vars2[k]}) = {body}\n  {m2} _ = \"{k.lower()}\"")
    g.define(f"describe x = {m2} x ++ \" has {m1} \" ++ show ({m1} x)")
    vals = []
    for k, n, _, fn in kinds:
        args = g.ints(n, 1, 12)
        vals.append((k, args, fn(*args)))
    for k, args, v in vals:
        g.say(f"describe ({k} {' '.join(map(str, args))})", f"{k.lower()} has {m1} {v}")
    g.style("trait_impl")
    g.approach(f"A trait declares `{m1}` and `{m2}`; each shape type implements them, and `describe` works for any instance.")
    g.task(
        f"Declare a trait `{tname}` with `{m1} : a -> Int` and `{m2} : a -> String`, and implement it for "
        + english_list([f"`{k} = {k}{' Int' * n}`" for k, n, _, _ in kinds])
        + f" ({m2} is the type name in lower case). Write `describe x` giving \"NAME has {m1} N\" and print it for "
        + english_list([f"`{k} {' '.join(map(str, a))}`" for k, a, _ in vals])
        + "."
    )


@family(C, "traits")
def trait_pretty(g: Gen) -> None:
    tname = g.pick(["Pretty", "Render", "Display", "Fmt"])
    meth = g.pick(["pretty", "render", "fmt", "display"])
    g.define(f"trait {tname} a\n  {meth} : a -> String")
    pre = g.pick(["#", "n=", "<", "~"])
    post = ">" if pre == "<" else ""
    yes, no = g.pick([("yes", "no"), ("on", "off"), ("Y", "N"), ("true!", "false!")])
    g.define(f'impl {tname} Int\n  {meth} n = "{pre}" ++ show n ++ "{post}"')
    g.define(f'impl {tname} Bool\n  {meth} b = ? b -> "{yes}" : "{no}"')
    use_adt = g.chance(0.6)
    if use_adt:
        coin = g.pick([("Coin", "Heads", "Tails"), ("Switch", "Up", "Down"), ("Side", "Left", "Right")])
        g.define(f"{coin[0]} = {coin[1]} | {coin[2]}")
        g.define(f'impl {tname} {coin[0]}\n  {meth} {coin[1]} = "{coin[1].lower()}"\n  {meth} {coin[2]} = "{coin[2].lower()}"')
        g.tag("adt")
    ns = g.ints(g.int(2, 4), -5, 99)
    bs = [g.chance(0.5) for _ in range(2)]
    g.say(f"map {meth} {lit(ns)}", [f"{pre}{n}{post}" for n in ns])
    g.say(f"map {meth} {lit(bs)}", [yes if b else no for b in bs])
    parts = [f"{pre}{ns[0]}{post}", yes if bs[0] else no]
    expr = f"{meth} {lit(ns[0])} ++ \" \" ++ {meth} {lit(bs[0])}"
    if use_adt:
        g.say(f"{meth} {coin[1]} ++ \"/\" ++ {meth} {coin[2]}", f"{coin[1].lower()}/{coin[2].lower()}")
    g.result(expr, " ".join(parts))
    g.style("trait_impl")
    g.approach("One trait, one `impl` per type; the type of the argument picks the implementation.")
    adt = f", and for `{coin[0]} = {coin[1]} | {coin[2]}` (lower-case names; print `{meth} {coin[1]} ++ \"/\" ++ {meth} {coin[2]}`)" if use_adt else ""
    g.task(
        f"Declare `trait {tname} a` with `{meth} : a -> String`. Implement it for Int (\"{pre}N{post}\") and Bool (\"{yes}\"/\"{no}\"){adt}. "
        f"Print `map {meth}` over {lit(ns)} and over {lit(bs)}; `main` returns the Int and Bool renderings of {ns[0]} and {lit(bs[0])} joined by a space."
    )


@family(C, "modules")
def modules(g: Gen) -> None:
    mname = g.pick(["Stats", "Num", "Calc", "Geo", "Lists", "Metrics"])
    style = g.style("selective", "wildcard")
    xs = g.ints(g.int(3, 7), 0, 50)
    fns = g.sample(["mean", "spread", "total", "count_above", "double_all"], g.int(2, 3))
    k = g.int(5, 40)
    body = {
        "mean": ("mean xs = sum xs / length xs", sum(xs) // len(xs), "the Int mean"),
        "spread": ("spread xs = biggest xs - smallest xs", max(xs) - min(xs), "the spread (max minus min)"),
        "total": ("total xs = foldl (\\a b -> a + b) 0 xs", sum(xs), "the total"),
        "count_above": ("count_above k xs = length (filter (\\x -> x > k) xs)", sum(1 for x in xs if x > k), f"how many are above {k}"),
        "double_all": ("double_all xs = map (\\x -> x * 2) xs", [2 * x for x in xs], "the list doubled"),
    }
    inner = []
    if "spread" in fns:
        inner += ["biggest xs = foldl (\\m x -> ? x > m -> x : m) (head xs) xs", "smallest xs = foldl (\\m x -> ? x < m -> x : m) (head xs) xs"]
    inner += [body[f][0] for f in fns]
    text = f"mod {mname}\n" + "\n\n".join("\n".join("  " + ln for ln in d.split("\n")) for d in inner)
    wanted = "*" if style == "wildcard" else " ".join(fns)
    g.define(text + f"\n\nuse {mname} ({wanted})")
    g.modular = False
    g.let("xs", lit(xs))
    for f in fns:
        call = f"count_above {k} xs" if f == "count_above" else f"{f} xs"
        g.say(call, body[f][1])
    g.approach(f"Group the helpers in `mod {mname}` and bring them into scope with `use`.")
    imp = f"`use {mname} (*)`" if style == "wildcard" else f"`use {mname} ({wanted})`"
    g.task(f"Put list helpers in a module `{mname}`: " + english_list([f"`{f}` ({body[f][2]})" for f in fns]) + f". Import them with {imp} and print each for {lit(xs)}, one per line.")


@family(C, "hof", "folds")
def all_any(g: Gen) -> None:
    style = g.style("foldl", "recursion", "filter")
    a_name, e_name = g.pick([("all_of", "any_of"), ("every", "some"), ("forall", "exists")])
    if style == "foldl":
        g.define(f"{a_name} p xs = foldl (\\acc x -> acc && p x) true xs\n\n{e_name} p xs = foldl (\\acc x -> acc || p x) false xs")
        g.approach("Fold with `&&` from true and with `||` from false.")
    elif style == "recursion":
        g.define(f"{a_name} _ [] = true\n{a_name} p (x:rest) = p x && {a_name} p rest\n\n{e_name} _ [] = false\n{e_name} p (x:rest) = p x || {e_name} p rest")
        g.approach("Recursion with the empty list as the neutral case.")
    else:
        g.define(f"{a_name} p xs = length (filter p xs) == length xs\n\n{e_name} p xs = length (filter p xs) > 0")
        g.approach("Compare how many elements pass with the length.")
    lists = [g.ints(g.int(2, 5), -10, 30) for _ in range(2)]
    pb, pf, pw = _pred(g)
    for xs in lists:
        g.say(f"{a_name} (\\x -> {pb}) {lit(xs)}", all(pf(x) for x in xs))
        g.say(f"{e_name} (\\x -> {pb}) {lit(xs)}", any(pf(x) for x in xs))
    g.result(f"{a_name} (\\x -> {pb}) []", True)
    g.task(
        f"Write `{a_name} p xs` and `{e_name} p xs`. With the predicate \"{pw}\", print for {lit(lists[0])} and then {lit(lists[1])} whether all and whether any elements satisfy it "
        f"(four lines: all, any, all, any); `main` returns `{a_name}` on the empty list."
    )


@family(C, "hof")
def count_if(g: Gen) -> None:
    f = g.name("count_if", "how_many", "tally", "count_where")
    style = g.style("filter", "fold", "comprehension", "compose")
    if style == "compose":
        g.define(f"{f} p = filter p >> length")
        g.approach("Compose `filter p` with `length`: partial application and `>>`.")
    elif style == "filter":
        g.define(f"{f} p xs = length (filter p xs)")
        g.approach("Count by filtering with the predicate and taking the length.")
    elif style == "fold":
        g.define(f"{f} p xs = foldl (\\n x -> ? p x -> n + 1 : n) 0 xs")
        g.approach("A fold adds one for each element that passes.")
    else:
        g.define(f"{f} p xs = sum [1 | x <- xs, p x]")
        g.approach("Sum a 1 for every element the comprehension keeps.")
    xs = g.ints(g.int(5, 10), -20, 50)
    preds = [_pred(g) for _ in range(g.int(2, 3))]
    for pb, pf, _ in preds:
        g.say(f"{f} (\\x -> {pb}) {lit(xs)}", sum(1 for x in xs if pf(x)))
    g.task(f"Write `{f} p xs`, the number of elements satisfying p. For {lit(xs)}, print how many are " + english_list([w for _, _, w in preds]) + ", one per line.")


@family(C, "hof", "map")
def group_by(g: Gen) -> None:
    style = g.style("length", "first_letter", "parity")
    if style == "parity":
        xs = g.ints(g.int(5, 9), 0, 40)
        key = ("\\x -> ? x % 2 == 0 -> \"even\" : \"odd\"", lambda x: "even" if x % 2 == 0 else "odd", "\"even\" or \"odd\"")
    else:
        xs = g.sample(g.pick([WORDS, FRUITS, ANIMALS, COLORS]), g.int(4, 7))
        if style == "length":
            key = ("\\w -> str_len w", len, "its length")
        else:
            key = ("\\w -> str_slice w 0 1", lambda w: w[0], "its first letter")
    g.define("group_by k xs = foldl (\\m x -> map_insert (k x) (map_get (k x) [] m ++ [x]) m) map_empty xs")
    g.let("groups", f"group_by ({key[0]}) {lit(xs)}")
    groups: dict = {}
    for x in xs:
        groups.setdefault(key[1](x), []).append(x)
    ks = sorted(groups)
    g.says('for_each (\\k -> print "${k}: ${map_get k [] groups}") (map_keys groups)', [f"{k}: {lit_free(groups[k])}" for k in ks])
    g.result("map_size groups", len(ks))
    g.approach("Fold into a Map from key to the list of elements, appending each element under its key.")
    g.task(f"Write `group_by k xs` returning a Map from `k x` to the elements with that key (in order). Group {lit(xs)} by {key[2]} and print `KEY: ELEMENTS` for each key in order; `main` returns the number of groups.")


def lit_free(v) -> str:
    from .core import show

    return show(v)


@family(C, "comprehension", weight=0.5)
def cartesian(g: Gen) -> None:
    style = g.style("triples", "pairs_sum", "grid")
    if style == "triples":
        n = g.int(10, 30)
        kind = g.pick(["pyth", "sum"])
        if kind == "pyth":
            cond, fn, words = "a * a + b * b == c * c", (lambda a, b, c: a * a + b * b == c * c), "Pythagorean triples"
        else:
            t = g.int(n, 2 * n)
            cond, fn, words = f"a + b + c == {t}", (lambda a, b, c: a + b + c == t), f"triples adding up to {t}"
        got = [[a, b, c] for a in range(1, n + 1) for b in range(a, n + 1) for c in range(b, n + 1) if fn(a, b, c)]
        shown = got if len(got) <= 12 else got[:12]
        g.say(f"take 12 [[a b c] | a <- [1..{n}], b <- [a..{n}], c <- [b..{n}], {cond}]", shown)
        g.result("length " + f"[1 | a <- [1..{n}], b <- [a..{n}], c <- [b..{n}], {cond}]", len(got))
        g.task(f"With one list comprehension, print (at most the first 12 of) the {words} [a b c] with a <= b <= c <= {n}; `main` returns how many there are.")
        g.approach("Three generators, each starting at the previous variable, and one guard.")
    elif style == "pairs_sum":
        xs, ys = sorted(g.sample(range(1, 15), g.int(3, 5))), sorted(g.sample(range(1, 15), g.int(3, 5)))
        t = g.int(8, 20)
        got = [[x, y] for x in xs for y in ys if x + y == t]
        g.say(f"[[x y] | x <- {lit(xs)}, y <- {lit(ys)}, x + y == {t}]", got)
        g.result(f"length [1 | x <- {lit(xs)}, y <- {lit(ys)}, x < y]", sum(1 for x in xs for y in ys if x < y))
        g.task(f"Using comprehensions over {lit(xs)} and {lit(ys)}: print the pairs [x y] with x + y == {t}; `main` returns how many pairs have x < y.")
        g.approach("Two generators and a guard; count with a comprehension of 1s.")
    else:
        r, c = g.int(2, 5), g.int(2, 5)
        k = g.int(2, 4)
        cond, fn, words = g.pick([(f"(i + j) % {k} == 0", lambda i, j: (i + j) % k == 0, f"i + j divisible by {k}"), ("i < j", lambda i, j: i < j, "i < j"),
                                  (f"i * j > {k + 2}", lambda i, j: i * j > k + 2, f"i * j above {k + 2}"), ("i != j", lambda i, j: i != j, "i different from j")])
        sep = g.pick([",", ":", "-"])
        got = [f"{i}{sep}{j}" for i in range(1, r + 1) for j in range(1, c + 1) if fn(i, j)]
        g.say(f'[show i ++ "{sep}" ++ show j | i <- [1..{r}], j <- [1..{c}], {cond}]', got)
        g.result(f"sum [i * j | i <- [1..{r}], j <- [1..{c}]]", sum(i * j for i in range(1, r + 1) for j in range(1, c + 1)))
        g.task(f"For a {r} by {c} grid (rows and columns from 1), print the cells \"i{sep}j\" with {words} as a list; `main` returns the sum of i * j over all cells. Use comprehensions.")
        g.approach("Nested generators enumerate the grid row by row.")


def _parse_digits(s: str):
    return int(s) if s.isdigit() and s else None


@family(C, "results", "pipes", weight=0.7)
def result_chain(g: Gen) -> None:
    lo, hi = g.int(0, 10), g.int(50, 200)
    g.define('digit c = str_find "0123456789" c 0')
    g.define(
        'parse s =\n  ds = map (\\i -> digit (str_slice s i (i + 1))) [0..(str_len s - 1)]\n'
        '  ? str_len s == 0 || length (filter (\\d -> d < 0) ds) > 0 -> Err "not a number: ${s}"\n'
        "  : Ok (foldl (\\acc d -> acc * 10 + d) 0 ds)"
    )
    g.define(f'in_range n = ? n < {lo} || n > {hi} -> Err "out of range: ${{n}}" : Ok n')
    k = g.int(2, 9)
    style = g.style("pipe", "nested")
    if style == "pipe":
        g.define(f"process s = parse s |> and_then in_range |> map_ok (\\n -> n * {k})")
        g.approach("Parse, check and transform in a pipeline; `and_then` stops at the first `Err`.")
    else:
        g.define(f"process s = map_ok (\\n -> n * {k}) (and_then in_range (parse s))")
        g.approach("Nest `and_then` and `map_ok`; the first `Err` passes straight through.")
    inputs = []
    for _ in range(g.int(3, 5)):
        kind = g.pick(["ok", "range", "bad"])
        if kind == "ok":
            inputs.append(str(g.int(lo, hi)))
        elif kind == "range":
            inputs.append(str(g.pick([g.int(0, lo - 1) if lo > 0 else hi + 1, g.int(hi + 1, 999)])))
        else:
            inputs.append(g.pick(["12a", "x", "", "4 2", "-3", "7.5"]))

    def proc(s):
        n = _parse_digits(s)
        if n is None:
            return Con("Err", f"not a number: {s}")
        if n < lo or n > hi:
            return Con("Err", f"out of range: {n}")
        return Con("Ok", n * k)

    g.says(f"for_each (\\s -> print (process s)) {lit(inputs)}", [proc(s) for s in inputs])
    oks = [proc(s).args[0] for s in inputs if proc(s).name == "Ok"]
    g.result(f"sum (map (\\s -> unwrap_or 0 (process s)) {lit(inputs)})", sum(oks))
    g.tag("strings")
    g.task(
        f"Write `parse s` (digits only, else `Err \"not a number: S\"`), `in_range n` ({lo}..{hi}, else `Err \"out of range: N\"`) and `process s`, which parses, checks and multiplies by {k}. "
        f"Print `process` for each of {lit(inputs)}, one per line; `main` returns the sum of the successful results (`unwrap_or 0`)."
    )


@family(C, "hof", "recursion")
def until_loop(g: Gen) -> None:
    f = g.name("until", "loop_until", "iterate_until", "run_until")
    g.define(f"{f} p h x = ? p x -> x : {f} p h (h x)")
    cases = []
    for _ in range(g.int(2, 3)):
        kind = g.pick(["double", "halve", "step", "collatz"])
        if kind == "double":
            x, lim = g.int(1, 9), g.int(50, 5000)
            v = x
            while not v > lim:
                v *= 2
            cases.append((f"\\x -> x > {lim}", "\\x -> x * 2", x, v, f"doubling {x} until it exceeds {lim}"))
        elif kind == "halve":
            x, lim = g.int(100, 5000), g.int(2, 20)
            v = x
            while not v < lim:
                v //= 2
            cases.append((f"\\x -> x < {lim}", "\\x -> x / 2", x, v, f"halving {x} until it is below {lim}"))
        elif kind == "step":
            x, s = g.int(0, 20), g.int(3, 9)
            m = g.pick([d for d in (2, 3, 5, 7) if s % d != 0])
            v = x + s
            while v % m != 0:
                v += s
            cases.append((f"\\x -> x % {m} == 0", f"\\x -> x + {s}", x + s, v, f"adding {s} to {x + s} until it is divisible by {m}"))
        else:
            x = g.int(2, 50)
            v = x
            while v != 1:
                v = v // 2 if v % 2 == 0 else 3 * v + 1
            cases.append(("\\x -> x == 1", "\\x -> ? x % 2 == 0 -> x / 2 : 3 * x + 1", x, v, f"applying the Collatz step to {x} until it reaches 1"))
    for p, h, x, v, _ in cases:
        g.say(f"{f} ({p}) ({h}) {x}", v)
    g.style("recursion")
    g.approach("A while loop as a recursive higher-order function: stop when the predicate holds, else step.")
    g.task(f"Write `{f} p h x`: apply h to x until p holds, returning that value. Print, one per line, the results of " + "; ".join(c[4] for c in cases) + ".")


@family(C, "hof", "recursion")
def take_while(g: Gen) -> None:
    style = g.style("recursion", "fold")
    tw, dw = g.pick([("take_while", "drop_while"), ("prefix_while", "skip_while"), ("keep_while", "after_while")])
    if style == "recursion":
        g.define(f"{tw} _ [] = []\n{tw} p (x:rest) = ? p x -> (x : {tw} p rest) : []")
        g.define(f"{dw} _ [] = []\n{dw} p (x:rest) = ? p x -> {dw} p rest : (x : rest)")
        g.approach("Recursion that stops at the first element failing the predicate.")
    else:
        g.define(f"{tw} p xs = (foldl (\\st x -> ? st.go && p x -> {{go = true, out = st.out ++ [x]}} : {{...st, go = false}}) {{go = true, out = []}} xs).out")
        g.define(f"{dw} p xs = drop (length ({tw} p xs)) xs")
        g.approach("A fold carries a record with a flag; dropping reuses the length of the prefix.")
        g.tag("records", "record_update")
    xs = g.ints(g.int(5, 9), 0, 30)
    pb, pf, pw = _pred(g)
    pre = []
    for x in xs:
        if not pf(x):
            break
        pre.append(x)
    g.say(f"{tw} (\\x -> {pb}) {lit(xs)}", pre)
    g.say(f"{dw} (\\x -> {pb}) {lit(xs)}", xs[len(pre):])
    g.result(f"length ({tw} (\\x -> {pb}) {lit(xs)}) + length ({dw} (\\x -> {pb}) {lit(xs)})", len(xs))
    g.task(f"Write `{tw} p xs` (the longest prefix satisfying p) and `{dw} p xs` (the rest). With the predicate \"{pw}\" print both for {lit(xs)}; `main` returns the sum of their lengths.")


@family(C, "folds", "records")
def partition(g: Gen) -> None:
    xs = g.ints(g.int(5, 10), -20, 40)
    pb, pf, pw = _pred(g)
    style = g.style("record_fold", "two_filters", "recursion")
    if style == "record_fold":
        g.define("partition p xs = foldl (\\acc x -> ? p x -> {...acc, yes = acc.yes ++ [x]} : {...acc, no = acc.no ++ [x]}) {yes = [], no = []} xs")
        g.approach("One fold with a record accumulator holding both lists.")
        g.tag("record_update")
    elif style == "two_filters":
        g.define("partition p xs = {yes = filter p xs, no = filter (\\x -> not (p x)) xs}")
        g.approach("Two filters, one with the negated predicate, collected in a record.")
    else:
        g.define("partition _ [] = {yes = [], no = []}\npartition p (x:rest) =\n  r = partition p rest\n  ? p x -> {...r, yes = x : r.yes} : {...r, no = x : r.no}")
        g.approach("Partition the rest, then put x in front of the right list.")
        g.tag("record_update", "local_block")
    g.let("parts", f"partition (\\x -> {pb}) {lit(xs)}")
    g.say("parts", {"yes": [x for x in xs if pf(x)], "no": [x for x in xs if not pf(x)]})
    g.result("length (parts.yes)", sum(1 for x in xs if pf(x)))
    g.task(f"Write `partition p xs` returning a record `{{yes, no}}` of the elements that do and do not satisfy p, in order. Print it for {lit(xs)} with the predicate \"{pw}\"; `main` returns the size of `yes`.")


@family(C, "hof", "folds")
def scan(g: Gen) -> None:
    f = g.name("scan", "running", "prefix", "scanl")
    style = g.style("fold", "recursion")
    if style == "fold":
        g.define(f"{f} h z xs = foldl (\\acc x -> acc ++ [(h (index (length acc - 1) acc) x)]) [z] xs")
        g.approach("Fold, appending the step applied to the last value so far.")
    else:
        g.define(f"{f} _ z [] = [z]\n{f} h z (x:rest) = z : {f} h (h z x) rest")
        g.approach("Emit the current value, then continue with the updated one.")
    xs = g.ints(g.int(3, 7), -9, 20)
    ops = g.sample([("\\a b -> a + b", 0, lambda a, b: a + b, "running sums from 0"), ("\\a b -> ? b > a -> b : a", None, lambda a, b: max(a, b), "running maximum starting from the first element"),
                    ("\\a b -> a * b", 1, lambda a, b: a * b, "running products from 1")], 2)
    for body, z, fn, _ in ops:
        start = xs[0] if z is None else z
        out = [start]
        for x in xs:
            out.append(fn(out[-1], x))
        g.say(f"{f} ({body}) {lit(start)} {lit(xs)}", out)
    g.task(f"Write `{f} h z xs`, the list of intermediate results of a left fold (starting with z). For {lit(xs)} print the {ops[0][3]} and then the {ops[1][3]}.")


@family(C, "hof", "lambdas")
def combinators(g: Gen) -> None:
    g.define("flip f a b = f b a")
    g.define("always a _ = a")
    g.define("identity x = x")
    style = g.style("flip", "always")
    a, b = g.int(1, 50), g.int(1, 50)
    xs = g.ints(g.int(3, 5), 0, 20)
    g.say(f"flip (\\x y -> x - y) {a} {b}", b - a)
    g.say(f"map (always {a}) {lit(xs)}", [a] * len(xs))
    g.say(f"map identity {lit(xs)} == {lit(xs)}", True)
    if style == "flip":
        g.result(f"foldl (flip (\\x acc -> acc * 10 + x)) 0 {lit(xs[:4])}", int("".join(map(str, xs[:4]))) if all(0 <= x < 10 for x in xs[:4]) else _fold_digits(xs[:4]))
        tail = f"`main` returns `foldl (flip (\\x acc -> acc * 10 + x)) 0 {lit(xs[:4])}`"
    else:
        g.result(f"length (filter (always true) {lit(xs)})", len(xs))
        tail = f"`main` returns the length of {lit(xs)} filtered with `always true`"
    g.approach("Small combinators are ordinary functions over functions.")
    g.task(f"Define `flip`, `always` (the constant function) and `identity`. Print `flip (\\x y -> x - y) {a} {b}`, `map (always {a})` over {lit(xs)}, and whether `map identity` leaves that list unchanged; {tail}.")


def _fold_digits(xs):
    acc = 0
    for x in xs:
        acc = acc * 10 + x
    return acc


@family(C, "hof", "strings")
def string_pipeline(g: Gen) -> None:
    words = g.sample(g.pick([WORDS, FRUITS, ANIMALS, COLORS]), g.int(3, 6))
    k = g.int(3, 5)
    sep = g.pick([", ", " ", "-", " | ", "/"])
    style = g.style("pipe", "nested", "comprehension", "compose")
    kept = [w for w in words if len(w) >= k]
    shown = [f"{w}({len(w)})" for w in kept]
    if style == "pipe":
        expr = f'{lit(words)} |> filter (\\w -> str_len w >= {k}) |> map (\\w -> w ++ "(" ++ show (str_len w) ++ ")") |> str_join {quote(sep)}'
        g.tag("pipes")
        g.approach("Filter, map and join in one pipeline.")
    elif style == "nested":
        expr = f'str_join {quote(sep)} (map (\\w -> "${{w}}(${{str_len w}})") (filter (\\w -> str_len w >= {k}) {lit(words)}))'
        g.approach("Nested calls with interpolation for the label.")
    elif style == "compose":
        g.define('label w = w ++ "(" ++ show (str_len w) ++ ")"')
        g.define(f"render = filter (\\w -> str_len w >= {k}) >> map label >> str_join {quote(sep)}")
        expr = f"render {lit(words)}"
        g.approach("Compose filter, map and join with `>>` into one `render` function.")
    else:
        expr = f'str_join {quote(sep)} [w ++ "(" ++ show (str_len w) ++ ")" | w <- {lit(words)}, str_len w >= {k}]'
        g.approach("A comprehension filters and formats in one step.")
    g.result(expr, sep.join(shown))
    g.task(f"From {lit(words)} keep the words with at least {k} letters, write each as `word(LEN)`, and join them with {quote(sep)}; `main` returns that string.")


@family(C, "hof", "sorting")
def sort_by(g: Gen) -> None:
    style = g.style("insertion", "selection")
    if style == "insertion":
        g.define("insert_by before x [] = [x]\ninsert_by before x (y:rest) = ? before x y -> (x : y : rest) : y : insert_by before x rest")
        g.define("sort_by before xs = foldl (\\acc x -> insert_by before x acc) [] xs")
        g.approach("Insertion sort that takes the ordering as a function argument.")
    else:
        g.define("pick_first before xs = foldl (\\m x -> ? before x m -> x : m) (head xs) xs")
        g.define("remove_one _ [] = []\nremove_one x (y:rest) = ? x == y -> rest : y : remove_one x rest")
        g.define("sort_by _ [] = []\nsort_by before xs =\n  m = pick_first before xs\n  m : sort_by before (remove_one m xs)")
        g.approach("Selection sort: take the first element under the given order, then sort the rest.")
        g.tag("local_block")
    if g.chance(0.5):
        xs = g.ints(g.int(4, 8), -20, 50)
        g.say(f"sort_by (\\a b -> a < b) {lit(xs)}", sorted(xs))
        g.say(f"sort_by (\\a b -> a > b) {lit(xs)}", sorted(xs, reverse=True))
        asked = f"{lit(xs)} ascending and then descending"
        g.result(f"head (sort_by (\\a b -> a % 10 < b % 10) {lit(xs)})", _stable_min(xs, lambda v: imod(v, 10), style))
        tail = "`main` returns the first element when ordering by the last digit (`x % 10`)"
    else:
        ws = g.sample(WORDS + FRUITS, g.int(4, 7))
        g.say(f"sort_by (\\a b -> str_len a < str_len b) {lit(ws)}", _sort_len(ws, style))
        g.say(f"sort_by (\\a b -> a < b) {lit(ws)}", sorted(ws))
        asked = f"{lit(ws)} by length (ties keep their order) and then alphabetically"
        g.result(f"length (sort_by (\\a b -> a < b) {lit(ws)})", len(ws))
        tail = "`main` returns the length of the sorted list"
    g.task(f"Write `sort_by before xs`, a sort that takes the comparison `before a b` (true when a goes first) as an argument. Print {asked}; {tail}.")


def _sort_len(ws, style):
    if style == "insertion":
        out: list[str] = []
        for w in ws:
            i = 0
            while i < len(out) and not len(w) < len(out[i]):
                i += 1
            out.insert(i, w)
        return out
    rest = list(ws)
    out = []
    while rest:
        m = rest[0]
        for x in rest:
            if len(x) < len(m):
                m = x
        out.append(m)
        rest.remove(m)
    return out


def _stable_min(xs, key, style):
    if style == "insertion":
        out: list[int] = []
        for x in xs:
            i = 0
            while i < len(out) and not key(x) < key(out[i]):
                i += 1
            out.insert(i, x)
        return out[0]
    m = xs[0]
    for x in xs:
        if key(x) < key(m):
            m = x
    return m


@family(C, "closures", "records")
def counter_record(g: Gen) -> None:
    step = g.int(1, 9)
    start = g.int(0, 50)
    g.define(f"new_counter n = {{value = n, step = {step}}}")
    g.define("tick c = {...c, value = c.value + c.step}")
    g.define("ticks c 0 = c\nticks c k = ticks (tick c) (k - 1)")
    k = g.int(1, 9)
    g.let("c", f"new_counter {start}")
    g.say(f"(ticks c {k}).value", start + k * step)
    g.say("map (\\k -> (ticks c k).value) [0 1 2 3]", [start + i * step for i in range(4)])
    g.define("with_step s c = {...c, step = s}")
    s2 = g.int(10, 30)
    g.result(f"(tick (with_step {s2} (ticks c {k}))).value", start + k * step + s2)
    g.style("records")
    g.approach("State is an immutable record; every operation returns an updated copy with a record update.")
    g.tag("record_update")
    g.task(
        f"A counter is a record `{{value, step}}`. Write `new_counter n` (step {step}), `tick c` (adds the step) and `ticks c k` (k ticks). Starting at {start}, print the value after {k} ticks, then the list of values after 0 to 3 ticks; "
        f"`main` returns the value after {k} ticks, a change of step to {s2} (`with_step`) and one more tick."
    )


@family(C, "hof")
def concat_map(g: Gen) -> None:
    style = g.style("concatMap", "fold_concat", "comprehension")
    xs = g.ints(g.int(3, 5), 1, 5)
    kind = g.pick(["repeat", "range", "pair"])
    if kind == "repeat":
        body, fn, words = "\\x -> map (\\_ -> x) [1..x]", lambda x: [x] * x, "x repeated x times"
    elif kind == "range":
        body, fn, words = "\\x -> [1..x]", lambda x: list(range(1, x + 1)), "the numbers 1 to x"
    else:
        body, fn, words = "\\x -> [x (x * 10)]", lambda x: [x, x * 10], "x followed by 10x"
    if style == "concatMap":
        expr = f"concatMap ({body}) {lit(xs)}"
        g.approach("`concatMap` maps each element to a list and joins the lists.")
    elif style == "fold_concat":
        g.define("flat_map f xs = foldl (\\acc x -> acc ++ f x) [] xs")
        expr = f"flat_map ({body}) {lit(xs)}"
        g.approach("A fold that appends the list produced for each element.")
    else:
        inner = {"repeat": "[x | x <- XS, _ <- [1..x]]", "range": "[k | x <- XS, k <- [1..x]]", "pair": "concatMap (\\x -> [x (x * 10)]) XS"}[kind]
        expr = inner.replace("XS", lit(xs))
        g.approach("Two generators: the second depends on the first.")
    out = [y for x in xs for y in fn(x)]
    g.say(expr, out)
    g.result(f"length ({expr})", len(out))
    g.task(f"Replace every x in {lit(xs)} by {words} and flatten the result into one list. Print it; `main` returns its length.")


@family(C, "hof", "tuples")
def uncurry_pairs(g: Gen) -> None:
    pairs = [[g.int(1, 20), g.int(1, 20)] for _ in range(g.int(3, 5))]
    g.define("uncurry f p = f (index 0 p) (index 1 p)")
    style = g.style("list_pairs", "tuple_pairs")
    op = g.pick([("\\a b -> a * b", lambda a, b: a * b, "multiply"), ("\\a b -> a - b", lambda a, b: a - b, "subtract"), ("\\a b -> ? a > b -> a : b", lambda a, b: max(a, b), "take the larger of")])
    if style == "list_pairs":
        g.say(f"map (uncurry ({op[0]})) {lit(pairs)}", [op[1](a, b) for a, b in pairs])
        g.approach("`uncurry` turns a two-argument function into one on a two-element list.")
    else:
        g.defs.clear()
        g.define("uncurry f p = f (p.fst) (p.snd)")
        tuples = "[" + " ".join(f"({a}, {b})" for a, b in pairs) + "]"
        g.say(f"map (uncurry ({op[0]})) {tuples}", [op[1](a, b) for a, b in pairs])
        g.approach("A pair `(a, b)` is the record `{fst, snd}`; `uncurry` reads both fields.")
        g.tag("pairs")
    g.result(f"uncurry (\\a b -> a + b) {lit(pairs[0]) if style == 'list_pairs' else f'({pairs[0][0]}, {pairs[0][1]})'}", sum(pairs[0]))
    form = "two-element lists" if style == "list_pairs" else "pairs `(a, b)`"
    g.task(f"Write `uncurry f p` applying a two-argument function to a pair given as {form}. For {english_list([f'{a} and {b}' for a, b in pairs], conj=';')}, print the list of results when you {op[2]} the two numbers; `main` returns the sum of the first pair via `uncurry`.")


@family(C, "hof", "lambdas")
def predicate_combinators(g: Gen) -> None:
    g.define("both p q = \\x -> p x && q x")
    g.define("either p q = \\x -> p x || q x")
    g.define(g.pick(["negate p = \\x -> not (p x)", "negate p = p >> not"]))
    xs = g.ints(g.int(6, 10), -10, 40)
    (pb, pf, pw), (qb, qf, qw) = _pred(g), _pred(g)
    g.let("p", f"\\x -> {pb}")
    g.let("q", f"\\x -> {qb}")
    g.say(f"filter (both p q) {lit(xs)}", [x for x in xs if pf(x) and qf(x)])
    g.say(f"filter (either p q) {lit(xs)}", [x for x in xs if pf(x) or qf(x)])
    g.result(f"length (filter (negate p) {lit(xs)})", sum(1 for x in xs if not pf(x)))
    g.style("combinators")
    g.approach("Predicates are functions, so combining them returns a new lambda.")
    g.task(f"Write `both p q`, `either p q` and `negate p` on predicates. With p = \"{pw}\" and q = \"{qw}\", print the elements of {lit(xs)} satisfying both, then either; `main` returns how many fail p.")


@family(C, "hof", "map")
def tabulate(g: Gen) -> None:
    n = g.int(4, 10)
    body, fn, words = g.pick([("x * x", lambda x: x * x, "squares"), ("x * (x + 1) / 2", lambda x: x * (x + 1) // 2, "triangular numbers"), ("x * x * x", lambda x: x ** 3, "cubes"),
                              ("2 ** x", lambda x: 2 ** x, "powers of two")])
    style = g.style("map_table", "list_table")
    probes = g.sample(range(0, n + 1), 2)
    if style == "map_table":
        g.define("tabulate f n = foldl (\\m k -> map_insert k (f k) m) map_empty [0..n]")
        g.let("t", f"tabulate (\\x -> {body}) {n}")
        for p in probes:
            g.say(f"map_get {p} 0 t", fn(p))
        g.result("map_values t", [fn(i) for i in range(n + 1)])
        g.approach("Precompute the values into a Map keyed by the argument, then look them up.")
    else:
        g.define("tabulate f n = map f [0..n]")
        g.let("t", f"tabulate (\\x -> {body}) {n}")
        for p in probes:
            g.say(f"index {p} t", fn(p))
        g.result("t", [fn(i) for i in range(n + 1)])
        g.approach("A table as a list indexed from 0.")
    g.task(f"Write `tabulate f n`, the table of f on 0..n. Tabulate the {words} up to {n}, print the entries for {probes[0]} and {probes[1]}, and let `main` return all values in order.")


UNIT_KINDS = [
    ("Money", [("Cents", 1), ("Dollars", 100), ("Euros", 110)], "cents", "cents"),
    ("Weight", [("Grams", 1), ("Kilos", 1000), ("Ounces", 28)], "grams", "grams"),
    ("Length", [("Millis", 1), ("Meters", 1000), ("Inches", 25)], "millimetres", "mm"),
    ("Time", [("Seconds", 1), ("Minutes", 60), ("Hours", 3600)], "seconds", "s"),
]


@family(C, "traits", "adt")
def trait_units(g: Gen) -> None:
    tname = g.pick(["Units", "Measure", "Base", "Normal"])
    meth = g.pick(["base", "in_base", "normal", "amount"])
    kinds = g.sample(UNIT_KINDS, 2)
    g.define(f"trait {tname} a\n  {meth} : a -> Int\n  label : a -> String")
    values: list[tuple[str, list[Con], list[int]]] = []
    declared: list[str] = []
    for typ, units, base_name, short in kinds:
        us = g.sample(units, g.int(2, 3))
        declared.append(f"`{typ}` with " + english_list([f"{u} ({k} {base_name})" if k != 1 else f"{u} (the base unit)" for u, k in us]))
        g.define(f"{typ} = " + " | ".join(f"{u} Int" for u, _ in us))
        body = "\n".join(f"  {meth} ({u} n) = n * {k}" if k != 1 else f"  {meth} ({u} n) = n" for u, k in us)
        g.define(f"impl {tname} {typ}\n{body}\n  label _ = \"{short}\"")
        vals = [Con(u, g.int(1, 50)) for u, _ in (g.pick(us) for _ in range(g.int(2, 4)))]
        factor = dict(us)
        values.append((typ, vals, [v.args[0] * factor[v.name] for v in vals]))
    style = g.style("generic_total", "map_sum")
    if style == "generic_total":
        g.define(f'total xs = show (sum (map {meth} xs)) ++ " " ++ label (head xs)')
        g.approach(f"`total` works for any type with a `{tname}` instance: it converts each value with `{meth}` and labels the sum.")
        for (_typ, vals, based), (_, _, _, short) in zip(values, kinds):
            g.say(f"total {lit(vals)}", f"{sum(based)} {short}")
        asked = "print `total` of each list (the sum in the base unit, a space and the unit's label)"
    else:
        g.approach(f"Each type implements `{meth}`; mapping it over a list gives comparable Ints.")
        for _typ, vals, based in values:
            g.say(f"map {meth} {lit(vals)}", based)
        asked = f"print `map {meth}` over each list"
    g.result(f"{meth} {lit(values[0][1][0])} + {meth} {lit(values[1][1][0])}", values[0][2][0] + values[1][2][0])
    desc = "; and ".join(declared)
    g.task(
        f"Declare `trait {tname} a` with `{meth} : a -> Int` (the amount in the base unit) and `label : a -> String`, and implement it for {desc}. "
        f"For {lit(values[0][1])} and {lit(values[1][1])}, {asked}; `main` returns `{meth}` of the first value of each list added together."
    )


@family(C, "traits", "hof")
def trait_generic(g: Gen) -> None:
    tname = g.pick(["Sized", "Weighed", "Scored"])
    meth = g.pick(["size", "weight", "score"])
    g.define(f"trait {tname} a\n  {meth} : a -> Int")
    box, bag = g.pick([("Box", "Bag"), ("Crate", "Sack"), ("Tin", "Jar")])
    g.define(f"{box} = {box} Int Int")
    g.define(f"{bag} = {bag} (List Int)")
    g.define(f"impl {tname} {box}\n  {meth} ({box} w h) = w * h")
    g.define(f"impl {tname} {bag}\n  {meth} ({bag} xs) = sum xs")
    style = g.style("bigger", "sort_key")
    boxes = [Con(box, g.int(1, 9), g.int(1, 9)) for _ in range(g.int(2, 4))]
    bags = [Con(bag, g.ints(g.int(1, 4), 1, 20)) for _ in range(g.int(2, 4))]

    def sz(v: Con) -> int:
        return v.args[0] * v.args[1] if v.name == box else sum(v.args[0])

    if style == "bigger":
        g.define(f"bigger a b = ? {meth} b > {meth} a -> b : a")
        g.define("largest xs = foldl bigger (head xs) xs")
        g.approach(f"`bigger` and `largest` only use `{meth}`, so they work for both types.")
        for vals in (boxes, bags):
            best = vals[0]
            for v in vals:
                if sz(v) > sz(best):
                    best = v
            g.say(f"largest {lit(vals)}", best)
        asked = f"print the largest of each list by `{meth}` (the first on ties)"
    else:
        g.define(f"above k xs = filter (\\x -> {meth} x > k) xs")
        k = g.int(5, 30)
        g.approach(f"A filter over `{meth}` that works for any `{tname}` instance.")
        for vals in (boxes, bags):
            g.say(f"above {k} {lit(vals)}", [v for v in vals if sz(v) > k])
        asked = f"print the elements of each list whose `{meth}` is above {k}"
    g.result(f"sum (map {meth} {lit(boxes)}) + sum (map {meth} {lit(bags)})", sum(map(sz, boxes)) + sum(map(sz, bags)))
    g.task(
        f"Declare `trait {tname} a` with `{meth} : a -> Int`; implement it for `{box} = {box} Int Int` (width times height) and `{bag} = {bag} (List Int)` (the sum). "
        f"With {lit(boxes)} and {lit(bags)}, {asked}; `main` returns the total `{meth}` of all of them."
    )


@family(C, "hof", "adt")
def maybe_combinators(g: Gen) -> None:
    g.define("Maybe a = Just a | None" + g.pick(["", " derive (Show)", " derive (Show, Eq)"]))
    g.define("maybe_map _ None = None\nmaybe_map f (Just x) = Just (f x)")
    g.define("maybe_then _ None = None\nmaybe_then f (Just x) = f x")
    g.define("with_default d None = d\nwith_default _ (Just x) = x")
    lo, hi = sorted(g.sample(range(-5, 60), 2))
    g.define(f"in_range x = ? x >= {lo} && x <= {hi} -> Just x : None")
    body, fn, words = _step(g)
    style = g.style("nested", "pipe")
    xs = g.ints(g.int(3, 6), -10, 70)

    def run(x):
        if not lo <= x <= hi:
            return Con("None")
        return Con("Just", fn(x))

    if style == "pipe":
        g.define(f"process x = Just x |> maybe_then in_range |> maybe_map (\\x -> {body})")
        g.tag("pipes")
        g.approach("Chain the steps with `|>`: `maybe_then` stops at the first `None`, `maybe_map` transforms a value.")
    else:
        g.define(f"process x = maybe_map (\\x -> {body}) (maybe_then in_range (Just x))")
        g.approach("Nest `maybe_then` and `maybe_map`; a `None` passes straight through.")
    g.say(f"map process {lit(xs)}", [run(x) for x in xs])
    d = g.int(0, 9)
    g.result(f"sum (map (\\x -> with_default {d} (process x)) {lit(xs)})", sum(run(x).args[0] if run(x).name == "Just" else d for x in xs))
    g.task(
        f"With your own `Maybe a = Just a | None`, write `maybe_map`, `maybe_then` (bind) and `with_default`, and `in_range x` giving `Just x` for {lo}..{hi} and `None` otherwise. "
        f"`process x` checks the range, then applies: {words}. Print `map process {lit(xs)}`; `main` returns the sum of the results with {d} for each `None`."
    )


@family(C, "hof", "strings", "tuples")
def zip_records(g: Gen) -> None:
    names = g.sample(PEOPLE, g.int(3, 6))
    scores = g.ints(len(names), 0, 100)
    limit = g.int(30, 80)
    style = g.style("zip", "indices", "recursion")
    if style == "zip":
        g.define("pair_up ns ss = map (\\p -> {name = p.fst, score = p.snd}) (zip_two ns ss)")
        g.define("zip_two [] _ = []\nzip_two _ [] = []\nzip_two (n:ns) (s:ss) = (n, s) : zip_two ns ss")
        g.defs.reverse()
        g.approach("Pair the lists up as `(name, score)`, then make a record from each pair.")
        g.tag("pairs")
    elif style == "indices":
        g.define("pair_up ns ss = [{name = index i ns, score = index i ss} | i <- [0..(length ns - 1)]]")
        g.approach("A comprehension over the shared indices builds the records.")
    else:
        g.define("pair_up [] _ = []\npair_up _ [] = []\npair_up (n:ns) (s:ss) = {name = n, score = s} : pair_up ns ss")
        g.approach("Walk both lists together, making a record from each pair of heads.")
        g.tag("patterns")
    g.let("rs", f"pair_up {lit(names)} {lit(scores)}")
    recs = [{"name": n, "score": s} for n, s in zip(names, scores)]
    g.say(f"map (\\r -> r.name) (filter (\\r -> r.score >= {limit}) rs)", [r["name"] for r in recs if r["score"] >= limit])
    sep = g.pick([": ", "=", " scored "])
    g.says(f'for_each (\\r -> print "${{r.name}}{sep}${{r.score}}") rs', [f"{r['name']}{sep}{r['score']}" for r in recs])
    g.result("foldl (\\acc r -> acc + r.score) 0 rs", sum(scores))
    g.tag("records")
    g.task(
        f"Combine the names {lit(names)} and the scores {lit(scores)} into records `{{name, score}}` with `pair_up`. Print the names with a score of at least {limit}, "
        f"then one line `NAME{sep}SCORE` per record; `main` returns the total score."
    )
