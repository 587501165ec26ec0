"""Data structures: lists, tuples, records, trees, ADTs (with parameters and `derive`), Map, JSON."""

from __future__ import annotations

import json

from .core import (
    ANIMALS,
    CITIES,
    COLORS,
    FRUITS,
    ITEMS,
    NAMES,
    PEOPLE,
    WORDS,
    Con,
    Gen,
    english_list,
    family,
    idiv,
    lit,
    quote,
)

C = "data_structures"


def _derive(g: Gen, *options: str) -> str:
    """A `derive (...)` clause (or none): Show is implied for printing, so it may be left out."""
    choice = g.pick([*options, ""])
    return f" derive ({choice})" if choice else ""


# ── trees ───────────────────────────────────────────────────────────────────────────────────


def _bst_insert(t, x, keep: bool = False):
    """Insert into a search tree; `keep` sends duplicates right instead of ignoring them."""
    if t is None:
        return [None, x, None]
    left, v, right = t
    if x < v:
        return [_bst_insert(left, x, keep), v, right]
    if x > v or keep:
        return [left, v, _bst_insert(right, x, keep)]
    return t


def _inorder(t):
    return [] if t is None else [*_inorder(t[0]), t[1], *_inorder(t[2])]


def _depth(t):
    return 0 if t is None else 1 + max(_depth(t[0]), _depth(t[2]))


def _tree_con(t, leaf="Leaf", node="Node"):
    return Con(leaf) if t is None else Con(node, _tree_con(t[0], leaf, node), t[1], _tree_con(t[2], leaf, node))


@family(C, "adt", "recursion", "trees")
def bst(g: Gen) -> None:
    tname, leaf, node = g.pick([("Tree", "Leaf", "Node"), ("Bst", "Empty", "Branch"), ("T", "E", "N")])
    param = g.chance(0.5)
    tdecl = f"{tname} a = {leaf} | {node} ({tname} a) a ({tname} a)" if param else f"{tname} = {leaf} | {node} {tname} Int {tname}"
    g.define(tdecl + _derive(g, "Show", "Show, Eq"))
    if param:
        g.tag("adt_param")
    ins = g.name("insert", "add", "put")
    style = g.style("guards", "nested", "keep")
    keep = style == "keep"
    if style == "keep":
        g.define(f"{ins} x {leaf} = {node} {leaf} x {leaf}\n{ins} x ({node} l v r) = ? x < v -> {node} ({ins} x l) v r : {node} l v ({ins} x r)")
    elif style == "guards":
        g.define(
            f"{ins} x {leaf} = {node} {leaf} x {leaf}\n{ins} x ({node} l v r) =\n  ? x < v -> {node} ({ins} x l) v r\n"
            f"  : ? x > v -> {node} l v ({ins} x r)\n  : {node} l v r"
        )
    else:
        g.define(
            f"{ins} x {leaf} = {node} {leaf} x {leaf}\n{ins} x ({node} l v r) = ? x == v -> {node} l v r : ? x < v -> {node} ({ins} x l) v r : {node} l v ({ins} x r)"
        )
    g.define(f"walk {leaf} = []\nwalk ({node} l v r) = walk l ++ [v] ++ walk r")
    xs = g.ints(g.int(4, 9), 1, 60)
    t = None
    for x in xs:
        t = _bst_insert(t, x, keep)
    g.let("t", f"foldl (\\acc x -> {ins} x acc) {leaf} {lit(xs)}")
    g.say("walk t", _inorder(t))
    extra = g.pick(["member", "depth", "size", "show"])
    if extra == "member":
        g.define(f"has _ {leaf} = false\nhas x ({node} l v r) = ? x == v -> true : ? x < v -> has x l : has x r")
        qs = [g.pick(xs), g.int(1, 60)]
        for q in qs:
            g.say(f"has {q} t", q in xs)
        more = f" Then print whether {qs[0]} and {qs[1]} are in the tree (`has`), one per line."
    elif extra == "depth":
        g.define(f"depth {leaf} = 0\ndepth ({node} l _ r) =\n  a = depth l\n  b = depth r\n  1 + (? a > b -> a : b)")
        g.result("depth t", _depth(t))
        more = " `main` returns the depth of the tree (`depth`; an empty tree has depth 0)."
        g.tag("local_block")
    elif extra == "size":
        g.result("length (walk t)", len(_inorder(t)))
        more = " `main` returns how many values the tree holds."
    else:
        small = xs[:3]
        s = None
        for x in small:
            s = _bst_insert(s, x, keep)
        g.say(f"foldl (\\acc x -> {ins} x acc) {leaf} {lit(small)}", _tree_con(s, leaf, node))
        more = f" Also print the tree built from just {lit(small)} itself."
    g.approach("A binary search tree as an ADT; insertion keeps smaller values left, and an in-order walk lists them sorted.")
    g.task(
        f"Define a binary search tree `{tname}` with constructors `{leaf}` and `{node}` (left, value, right). Write `{ins} x tree` "
        f"({'duplicates go to the right' if keep else 'duplicates ignored'}) and `walk` (in-order list). Insert {lit(xs)} into an empty tree in that order and print the walk.{more}"
    )


@family(C, "adt", "recursion", "trees")
def tree_stats(g: Gen) -> None:
    tname = g.pick(["Tree", "BTree", "Bin"])
    g.define(f"{tname} a = Leaf | Node ({tname} a) a ({tname} a)" + _derive(g, "Show", "Show, Eq"))
    g.tag("adt_param")

    def rand_tree(d):
        if d == 0 or g.chance(0.25):
            return None
        return [rand_tree(d - 1), g.int(-9, 30), rand_tree(d - 1)]

    t = rand_tree(4) or [None, g.int(1, 9), None]
    stats = g.sample(["size", "total", "depth", "leaves", "maximum", "flatten"], g.int(2, 3))
    defs = {
        "size": ("size Leaf = 0\nsize (Node l _ r) = size l + 1 + size r", lambda t: len(_inorder(t)), "the number of values"),
        "total": ("total Leaf = 0\ntotal (Node l v r) = total l + v + total r", lambda t: sum(_inorder(t)), "the sum of the values"),
        "depth": ("depth Leaf = 0\ndepth (Node l _ r) = 1 + bigger (depth l) (depth r)", _depth, "the depth"),
        "leaves": (
            "leaves Leaf = 0\nleaves (Node Leaf _ Leaf) = 1\nleaves (Node l _ r) = leaves l + leaves r",
            lambda t: _count_leaves(t),
            "the number of nodes with no children",
        ),
        "maximum": ("maximum Leaf = 0\nmaximum (Node l v r) = bigger v (bigger (maximum l) (maximum r))", lambda t: max([0, *_inorder(t)]), "the largest value (0 for an empty tree)"),
        "flatten": ("flatten Leaf = []\nflatten (Node l v r) = flatten l ++ [v] ++ flatten r", _inorder, "the values in order (left, node, right)"),
    }
    if "depth" in stats or "maximum" in stats:
        g.define("bigger a b = ? a > b -> a : b")
    for s in stats:
        g.define(defs[s][0])
    g.let("t", lit(_tree_con(t), atom=False))
    for s in stats:
        g.say(f"{s} t", defs[s][1](t))
    g.style("patterns")
    g.approach("One equation per constructor; each statistic recurses into both subtrees.")
    g.task(
        f"Define `{tname} a = Leaf | Node ({tname} a) a ({tname} a)`. For the tree `{lit(_tree_con(t), atom=False)}` print, one per line, "
        + english_list([f"{defs[s][2]} (`{s}`)" for s in stats])
        + "."
    )


def _count_leaves(t):
    if t is None:
        return 0
    if t[0] is None and t[2] is None:
        return 1
    return _count_leaves(t[0]) + _count_leaves(t[2])


@family(C, "adt", "recursion", "trees", weight=0.15)
def tree_mirror(g: Gen) -> None:
    g.define("Tree = Leaf | Node Tree Int Tree" + _derive(g, "Show", "Show, Eq"))
    xs = g.sample(range(1, 40), g.int(3, 7))
    t = None
    for x in xs:
        t = _bst_insert(t, x)

    def mirror(t):
        return None if t is None else [mirror(t[2]), t[1], mirror(t[0])]

    f = g.name("mirror", "flip", "swap_sides")
    g.define(f"{f} Leaf = Leaf\n{f} (Node l v r) = Node ({f} r) v ({f} l)")
    g.define("walk Leaf = []\nwalk (Node l v r) = walk l ++ [v] ++ walk r")
    g.define("insert x Leaf = Node Leaf x Leaf\ninsert x (Node l v r) = ? x < v -> Node (insert x l) v r : Node l v (insert x r)")
    g.let("t", f"foldl (\\acc x -> insert x acc) Leaf {lit(xs)}")
    g.say("walk t", _inorder(t))
    g.say(f"walk ({f} t)", _inorder(mirror(t)))
    if g.chance(0.5):
        g.result(f"walk ({f} ({f} t)) == walk t", True)
        tail = " `main` returns whether mirroring twice gives back the same walk."
    else:
        g.say(f"{f} (Node Leaf 1 (Node Leaf 2 Leaf))", Con("Node", Con("Node", Con("Leaf"), 2, Con("Leaf")), 1, Con("Leaf")))
        tail = f" Finally print `{f} (Node Leaf 1 (Node Leaf 2 Leaf))`."
    g.style("patterns")
    g.approach("Mirroring swaps the subtrees at every node; the in-order walk of the mirror is the reverse.")
    g.task(
        f"With `Tree = Leaf | Node Tree Int Tree`, a search-tree `insert` and an in-order `walk`, write `{f}` that swaps left and right everywhere. "
        f"Build the tree from {lit(xs)}, print its walk and the walk of its mirror.{tail}"
    )


@family(C, "adt", "recursion", "trees", weight=0.5)
def rose_tree(g: Gen) -> None:
    con = g.pick(["Rose", "Node", "Dir"])
    g.define(f"Rose = {con} Int (List Rose)")

    def rand(d):
        kids = [] if d == 0 else [rand(d - 1) for _ in range(g.int(0, 3))]
        return (g.int(1, 20), kids)

    t = rand(3)

    def to_con(t):
        return Con(con, t[0], [to_con(k) for k in t[1]])

    def total(t):
        return t[0] + sum(total(k) for k in t[1])

    def count(t):
        return 1 + sum(count(k) for k in t[1])

    def depth(t):
        return 1 + max([0, *(depth(k) for k in t[1])])

    def flat(t):
        return [t[0]] + [v for k in t[1] for v in flat(k)]

    style = g.style("map_sum", "fold", "concat")
    if style == "map_sum":
        g.define(f"total ({con} v kids) = v + sum (map total kids)\n\ncount ({con} _ kids) = 1 + sum (map count kids)")
        g.say("total t", total(t))
        g.say("count t", count(t))
        asked = "the sum of all values (`total`) and the number of nodes (`count`)"
    elif style == "fold":
        g.define(
            f"depth ({con} _ kids) = 1 + foldl (\\m k -> ? depth k > m -> depth k : m) 0 kids\n\n"
            f"total ({con} v kids) = foldl (\\acc k -> acc + total k) v kids"
        )
        g.say("depth t", depth(t))
        g.say("total t", total(t))
        asked = "its depth (a lone node has depth 1) and the sum of its values"
    else:
        g.define(f"flat ({con} v kids) = v : concatMap flat kids")
        g.say("flat t", flat(t))
        g.result("length (flat t)", count(t))
        asked = "all values in pre-order (`flat`, using `concatMap`), then return the node count from `main`"
    g.let("t", lit(to_con(t), atom=False))
    g.main_stmts.insert(0, g.main_stmts.pop())
    g.approach("A rose tree holds a value and a list of children; recursion goes through the list with map or fold.")
    g.task(f"A rose tree is `Rose = {con} Int (List Rose)`. For `{lit(to_con(t), atom=False)}` print {asked}.")


# ── ADTs ────────────────────────────────────────────────────────────────────────────────────


@family(C, "adt", "patterns")
def maybe_safe(g: Gen) -> None:
    g.define("Maybe a = Just a | None" + _derive(g, "Show", "Show, Eq"))
    g.tag("adt_param")
    op = g.pick(["head", "div", "index", "last", "find"])
    if op == "head":
        g.define("safe_head [] = None\nsafe_head (x:_) = Just x")
        lists = [g.ints(g.int(0, 4), -5, 50) for _ in range(3)]
        lists[g.int(0, 2)] = []
        g.say(f"map safe_head {lit(lists)}", [Con("Just", xs[0]) if xs else Con("None") for xs in lists])
        g.task(f"Declare `Maybe a = Just a | None` and write `safe_head`, which gives `None` for an empty list. Print `map safe_head` over {lit(lists)}.")
    elif op == "div":
        g.define("safe_div _ 0 = None\nsafe_div a b = Just (a / b)")
        pairs = [(g.int(0, 100), g.pick([0, g.int(1, 9)])) for _ in range(g.int(3, 4))]
        for a, b in pairs:
            g.say(f"safe_div {a} {b}", Con("None") if b == 0 else Con("Just", idiv(a, b)))
        g.task(f"With `Maybe a = Just a | None`, write `safe_div a b` returning `None` when b is 0 and `Just` the Int quotient otherwise. Print it for {english_list([f'{a}/{b}' for a, b in pairs])}.")
    elif op == "index":
        g.define("at _ [] = None\nat 0 (x:_) = Just x\nat n (_:rest) = at (n - 1) rest")
        xs = g.sample(FRUITS, g.int(3, 5))
        idx = [g.int(0, len(xs) + 1) for _ in range(3)]
        for i in idx:
            g.say(f"at {i} fruits", Con("Just", xs[i]) if i < len(xs) else Con("None"))
        g.let("fruits", lit(xs))
        g.main_stmts.insert(0, g.main_stmts.pop())
        g.task(f"Declare `Maybe a`, write `at n xs` (0-based, `None` when out of range) by recursion, and print `at` {english_list([str(i) for i in idx])} of {lit(xs)}.")
    elif op == "last":
        g.define("last_of [] = None\nlast_of [x] = Just x\nlast_of (_:rest) = last_of rest")
        lists = [g.ints(g.int(0, 4), 1, 9) for _ in range(3)]
        g.say(f"map last_of {lit(lists)}", [Con("Just", xs[-1]) if xs else Con("None") for xs in lists])
        g.task(f"Declare `Maybe a = Just a | None` and write `last_of` with patterns for [], [x] and longer lists. Print `map last_of {lit(lists)}`.")
    else:
        g.define("find_first _ [] = None\nfind_first p (x:rest) = ? p x -> Just x : find_first p rest")
        xs = g.ints(g.int(4, 7), 1, 60)
        k = g.int(10, 50)
        got = next((x for x in xs if x > k), None)
        g.say(f"find_first (\\x -> x > {k}) {lit(xs)}", Con("Just", got) if got is not None else Con("None"))
        ev = next((x for x in xs if x % 2 == 0), None)
        g.say(f"find_first even {lit(xs)}", Con("Just", ev) if ev is not None else Con("None"))
        g.task(f"With `Maybe a = Just a | None`, write `find_first p xs`, the first element satisfying p. Print the first element of {lit(xs)} above {k}, then the first even one.")
    g.style(op)
    g.approach("`Maybe` is not built in, so declare it; each function returns `None` where there is no answer.")


def _area(s):
    if s.name == "Circle":
        return 3 * s.args[0] * s.args[0]
    if s.name == "Rect":
        return s.args[0] * s.args[1]
    if s.name == "Square":
        return s.args[0] * s.args[0]
    if s.name == "Tri":
        return s.args[0] * s.args[1] // 2
    return 0


@family(C, "adt", "patterns")
def shapes(g: Gen) -> None:
    kinds = g.sample(["Circle", "Rect", "Square", "Tri", "Dot"], g.int(3, 5))
    arity = {"Circle": 1, "Rect": 2, "Square": 1, "Tri": 2, "Dot": 0}
    g.define("Shape = " + " | ".join(k + " Int" * arity[k] for k in kinds) + _derive(g, "Show", "Show, Eq"))
    bodies = {
        "Circle": "area (Circle r) = 3 * r * r",
        "Rect": "area (Rect w h) = w * h",
        "Square": "area (Square s) = s * s",
        "Tri": "area (Tri b h) = b * h / 2",
        "Dot": "area Dot = 0",
    }
    g.define("\n".join(bodies[k] for k in kinds))
    vals = []
    for _ in range(g.int(3, 5)):
        k = g.pick(kinds)
        vals.append(Con(k, *g.ints(arity[k], 1, 12)))
    g.let("shapes", lit(vals))
    style = g.style("for_each", "map", "fold")
    if style == "for_each":
        g.says('for_each (\\s -> print "${s}: ${area s}") shapes', [f"{_show_con(s)}: {_area(s)}" for s in vals])
        how = "print `SHAPE: AREA` for each"
    elif style == "map":
        g.say("map area shapes", [_area(s) for s in vals])
        how = "print the list of areas"
    else:
        g.define("largest shapes = foldl (\\best s -> ? area s > area best -> s : best) (head shapes) shapes")
        best = vals[0]
        for s in vals:
            if _area(s) > _area(best):
                best = s
        g.say("largest shapes", best)
        how = "print the shape with the largest area (the first one on ties)"
    total = sum(_area(s) for s in vals)
    g.result("sum (map area shapes)", total)
    g.approach("An ADT with one constructor per shape, and `area` with one equation per constructor.")
    g.task(
        f"Define `Shape` with constructors {english_list(['`' + k + ' Int' * arity[k] + '`' for k in kinds])} and `area` "
        f"(Circle uses 3 * r * r, Tri b h uses b * h / 2). For {lit(vals)}, {how}; `main` returns the total area."
    )


def _show_con(v) -> str:
    from .core import show

    return show(v)


@family(C, "adt", "patterns", weight=0.4)
def traffic_light(g: Gen) -> None:
    states = g.pick([["Red", "Green", "Yellow"], ["Off", "Low", "High"], ["North", "East", "South", "West"], ["Spring", "Summer", "Autumn", "Winter"]])
    tname = {"Red": "Light", "Off": "Level", "North": "Dir", "Spring": "Season"}[states[0]]
    g.define(f"{tname} = " + " | ".join(states) + " derive (" + g.pick(["Show, Eq", "Eq, Show", "Show, Eq, Ord"]) + ")")
    g.define("\n".join(f"next {a} = {b}" for a, b in zip(states, states[1:] + states[:1])))
    start = g.pick(states)
    n = g.int(2, 9)
    style = g.style("iterate", "fold")
    if style == "iterate":
        g.define("steps s 0 = [s]\nsteps s n = s : steps (next s) (n - 1)")
        seq = [states[(states.index(start) + i) % len(states)] for i in range(n + 1)]
        g.say(f"steps {start} {n}", seq)
        asked = f"print the list of states from {start} over {n} steps (`steps`, {n + 1} states)"
    else:
        end = states[(states.index(start) + n) % len(states)]
        g.say(f"foldl (\\s _ -> next s) {start} [1..{n}]", end)
        asked = f"print the state after {n} steps from {start} (fold over a range)"
    other = g.pick(states)
    g.result(f"next {start} == {other}", states[(states.index(start) + 1) % len(states)] == other)
    g.approach("An enumeration ADT deriving Eq and Show; `next` has one equation per state.")
    g.task(
        f"Define `{tname} = {' | '.join(states)}` with `derive (Show, Eq)` and `next`, the following state in that cycle. "
        f"{asked[0].upper() + asked[1:]}. `main` returns whether `next {start}` is {other}."
    )


@family(C, "adt", "patterns", "records")
def priority_ord(g: Gen) -> None:
    levels = g.pick([["Low", "Medium", "High"], ["Minor", "Major", "Critical"], ["Bronze", "Silver", "Gold"]])
    pname = {"Low": "Priority", "Minor": "Severity", "Bronze": "Medal"}[levels[0]]
    g.define(f"{pname} = " + " | ".join(levels) + " derive (Show, Eq, Ord)")
    names = g.sample(WORDS, g.int(3, 5))
    tasks = [{"name": n, "level": Con(g.pick(levels))} for n in names]
    g.define("top xs = foldl (\\best t -> ? cmp (t.level) (best.level) > 0 -> t : best) (head xs) xs")
    g.let("tasks", lit(tasks))
    best = tasks[0]
    for t in tasks:
        if levels.index(t["level"].name) > levels.index(best["level"].name):
            best = t
    g.say("(top tasks).name", best["name"])
    pick = g.pick(levels)
    g.say(f"map (\\t -> t.name) (filter (\\t -> t.level == {pick}) tasks)", [t["name"] for t in tasks if t["level"].name == pick])
    cmpv = g.sample(levels, 2)
    g.result(f"cmp {cmpv[0]} {cmpv[1]}", (levels.index(cmpv[0]) > levels.index(cmpv[1])) - (levels.index(cmpv[0]) < levels.index(cmpv[1])))
    g.style("derive_ord")
    g.approach("Deriving Ord orders constructors as declared; `cmp` compares them and a fold keeps the highest.")
    g.task(
        f"Declare `{pname} = {' | '.join(levels)}` deriving Show, Eq and Ord. Given the records {lit(tasks)}, print the name of the first task with the highest level "
        f"(use `cmp`), then the names of the tasks at level {pick}; `main` returns `cmp {cmpv[0]} {cmpv[1]}`."
    )


@family(C, "adt", "recursion", weight=0.7)
def expr_tree(g: Gen) -> None:
    g.define("Expr = Num Int | Add Expr Expr | Mul Expr Expr | Neg Expr" + _derive(g, "Show", "Show, Eq"))
    g.define("eval (Num n) = n\neval (Add a b) = eval a + eval b\neval (Mul a b) = eval a * eval b\neval (Neg e) = 0 - eval e")

    def rand(d):
        if d == 0 or g.chance(0.3):
            return Con("Num", g.int(0, 12))
        k = g.pick(["Add", "Mul", "Neg", "Add"])
        return Con(k, rand(d - 1)) if k == "Neg" else Con(k, rand(d - 1), rand(d - 1))

    def ev(e):
        return {"Num": lambda: e.args[0], "Add": lambda: ev(e.args[0]) + ev(e.args[1]),
                "Mul": lambda: ev(e.args[0]) * ev(e.args[1]), "Neg": lambda: -ev(e.args[0])}[e.name]()

    def pretty(e):
        if e.name == "Num":
            return str(e.args[0])
        if e.name == "Neg":
            return f"-{pretty(e.args[0])}"
        op = "+" if e.name == "Add" else "*"
        return f"({pretty(e.args[0])} {op} {pretty(e.args[1])})"

    es = [rand(g.pick([2, 2, 3])) for _ in range(g.int(1, 2))]
    style = g.style("eval", "pretty")
    if style == "pretty":
        g.define(
            'pretty (Num n) = show n\npretty (Add a b) = "(" ++ pretty a ++ " + " ++ pretty b ++ ")"\n'
            'pretty (Mul a b) = "(" ++ pretty a ++ " * " ++ pretty b ++ ")"\npretty (Neg e) = "-" ++ pretty e'
        )
        for e in es:
            g.say(f'pretty {lit(e)} ++ " = " ++ show (eval {lit(e)})', f"{pretty(e)} = {ev(e)}")
        asked = "print `PRETTY = VALUE` where `pretty` writes the expression fully parenthesised, like `(1 + (2 * 3))`, and Neg as a leading `-`"
    else:
        for e in es:
            g.say(f"eval {lit(e)}", ev(e))
        asked = "print its value"
    g.approach("An expression ADT and an evaluator with one equation per constructor.")
    g.task(f"Define `Expr = Num Int | Add Expr Expr | Mul Expr Expr | Neg Expr` and `eval`. For each of {english_list(['`' + lit(e, atom=False) + '`' for e in es])}, {asked}.")


@family(C, "adt", "recursion")
def custom_list(g: Gen) -> None:
    lname, nil, cons = g.pick([("MyList", "Nil", "Cons"), ("Chain", "End", "Link"), ("Seq", "Empty", "More")])
    g.define(f"{lname} a = {nil} | {cons} a ({lname} a)" + _derive(g, "Show", "Show, Eq"))
    g.tag("adt_param")
    g.define(f"from_list [] = {nil}\nfrom_list (x:rest) = {cons} x (from_list rest)")
    xs = g.ints(g.int(2, 6), -9, 40)
    ops = g.sample(["len", "total", "to_list", "mapped", "reversed"], g.int(2, 3))
    defs = {
        "len": (f"len {nil} = 0\nlen ({cons} _ rest) = 1 + len rest", len(xs), "its length (`len`)"),
        "total": (f"total {nil} = 0\ntotal ({cons} x rest) = x + total rest", sum(xs), "the sum (`total`)"),
        "to_list": (f"to_list {nil} = []\nto_list ({cons} x rest) = x : to_list rest", xs, "it converted back to a built-in list (`to_list`)"),
        "mapped": (f"lmap _ {nil} = {nil}\nlmap f ({cons} x rest) = {cons} (f x) (lmap f rest)", None, "it with every value doubled (`lmap`), printed as is"),
        "reversed": (f"rev_onto acc {nil} = acc\nrev_onto acc ({cons} x rest) = rev_onto ({cons} x acc) rest", None, f"it reversed (`rev_onto {nil}`), printed as is"),
    }

    def build(vs):
        out = Con(nil)
        for v in reversed(vs):
            out = Con(cons, v, out)
        return out

    g.let("xs", f"from_list {lit(xs)}")
    for op in ops:
        g.define(defs[op][0])
        if op == "mapped":
            g.say("lmap (\\x -> x * 2) xs", build([2 * x for x in xs]))
        elif op == "reversed":
            g.say(f"rev_onto {nil} xs", build(xs[::-1]))
        else:
            g.say(f"{op} xs", defs[op][1])
    g.style("patterns")
    g.approach("A list ADT with a type parameter; every function has one equation for the empty case and one for a link.")
    g.task(f"Define your own list `{lname} a = {nil} | {cons} a ({lname} a)` and `from_list`. For `from_list {lit(xs)}`, print " + english_list([defs[o][2] for o in ops]) + ", one per line.")


@family(C, "adt", "records")
def stack_machine(g: Gen) -> None:
    extra = g.sample(["Mul", "Sub", "Swap", "Neg"], g.int(1, 3))
    names = ["Push Int", "Pop", "Add", "Dup", *extra]
    tname = g.pick(["Op", "Instr", "Cmd"])
    decl = " | ".join(g.shuffled(names))
    g.define(f"{tname} = {decl}" + _derive(g, "Show", "Show, Eq"))
    rules = {
        "Pop": "step (_:rest) Pop = rest", "Add": "step (a:(b:rest)) Add = (a + b) : rest", "Dup": "step (a:rest) Dup = a : a : rest",
        "Mul": "step (a:(b:rest)) Mul = (a * b) : rest", "Sub": "step (a:(b:rest)) Sub = (b - a) : rest",
        "Swap": "step (a:(b:rest)) Swap = b : a : rest", "Neg": "step (a:rest) Neg = (0 - a) : rest",
    }
    g.define("\n".join(["step stack (Push n) = n : stack", *(rules[k] for k in ["Pop", "Add", "Dup", *extra]), "step stack _ = stack"]))
    ops: list[Con] = []
    depth = 0
    arity = {"Push": 0, "Pop": 1, "Dup": 1, "Neg": 1, "Add": 2, "Mul": 2, "Sub": 2, "Swap": 2}
    effect = {"Push": 1, "Pop": -1, "Dup": 1, "Neg": 0, "Add": -1, "Mul": -1, "Sub": -1, "Swap": 0}
    for _ in range(g.int(4, 9)):
        k = g.pick([op for op in ["Push", "Pop", "Add", "Dup", *extra] if arity[op] <= depth])
        ops.append(Con(k, g.int(1, 9)) if k == "Push" else Con(k))
        depth += effect[k]
    stack: list[int] = []
    trace = []
    for o in ops:
        if o.name == "Push":
            stack = [o.args[0], *stack]
        elif o.name == "Pop":
            stack = stack[1:]
        elif o.name == "Dup":
            stack = [stack[0], *stack]
        elif o.name == "Add":
            stack = [stack[0] + stack[1], *stack[2:]]
        elif o.name == "Mul":
            stack = [stack[0] * stack[1], *stack[2:]]
        elif o.name == "Sub":
            stack = [stack[1] - stack[0], *stack[2:]]
        elif o.name == "Swap":
            stack = [stack[1], stack[0], *stack[2:]]
        else:
            stack = [-stack[0], *stack[1:]]
        trace.append(list(stack))
    g.let("ops", lit(ops))
    style = g.style("fold", "trace")
    if style == "fold":
        g.say("foldl step [] ops", stack)
        asked = "print the final stack (top first)"
    else:
        g.define("run stack [] = []\nrun stack (o:rest) =\n  s = step stack o\n  s : run s rest")
        g.says("for_each print (run [] ops)", trace)
        asked = "print the stack after each operation, one per line (top first)"
        g.tag("local_block")
    g.result("length ops", len(ops))
    g.approach("The stack is a list with its top first; `step` matches an operation and the stack shape together.")
    g.task(
        f"A stack machine has `{tname} = {decl}`. Write `step stack op`: Push puts a number on top, Pop drops the top, Dup copies it, Add replaces the top two by their sum"
        + "".join({"Mul": ", Mul by their product", "Sub": ", Sub by the second minus the top", "Swap": ", Swap exchanges them", "Neg": ", Neg negates the top"}[k] for k in extra)
        + f". For the program {lit(ops)}, {asked}; `main` returns the number of operations."
    )


# ── records ─────────────────────────────────────────────────────────────────────────────────


@family(C, "records")
def people_records(g: Gen) -> None:
    names = g.sample(PEOPLE, g.int(3, 6))
    people = [{"name": n, "age": g.int(5, 80)} for n in names]
    limit = g.int(18, 50)
    g.let("people", lit(people))
    style = g.style("filter_map", "comprehension", "fold", "record_pattern")
    adults = [p["name"] for p in people if p["age"] >= limit]
    if style == "record_pattern":
        g.define(f"adults ps = map (\\{{name}} -> name) (filter (\\{{age}} -> age >= {limit}) ps)")
        g.approach("Lambdas with record patterns pull out just the field each step needs.")
    elif style == "filter_map":
        g.define(f"adults ps = map (\\p -> p.name) (filter (\\p -> p.age >= {limit}) ps)")
        g.approach("Filter the records on the age field, then map to the names.")
    elif style == "comprehension":
        g.define(f"adults ps = [p.name | p <- ps, p.age >= {limit}]")
        g.approach("A comprehension over the records with a guard on the age field.")
    else:
        g.define(f"adults ps = foldl (\\acc p -> ? p.age >= {limit} -> acc ++ [(p.name)] : acc) [] ps")
        g.approach("Fold over the records, appending the names that pass.")
    g.say("adults people", adults)
    extra = g.pick(["oldest", "average", "older"])
    if extra == "oldest":
        g.define("oldest ps = foldl (\\best p -> ? p.age > best.age -> p : best) (head ps) ps")
        best = people[0]
        for p in people:
            if p["age"] > best["age"]:
                best = p
        g.say("oldest people", best)
        more = "then the record of the oldest person (the first on ties)"
    elif extra == "average":
        g.result("sum (map (\\p -> p.age) people) / length people", sum(p["age"] for p in people) // len(people))
        more = "and let `main` return the average age (Int division)"
    else:
        g.define(g.pick(["birthday p = {...p, age = p.age + 1}", "birthday {name, age} = {name, age = age + 1}"]))
        g.say("map birthday people", [{**p, "age": p["age"] + 1} for p in people])
        more = "then the records after everyone's birthday (`birthday` with a record update)"
        g.tag("record_update")
    g.task(f"Given the records {lit(people)}, print the names of those aged {limit} or more, {more}.")


@family(C, "records", "record_update")
def bank_account(g: Gen) -> None:
    owner = g.pick(NAMES)
    start = g.int(0, 200)
    txs = []
    for _ in range(g.int(3, 6)):
        txs.append((g.pick(["deposit", "withdraw"]), g.int(5, 150)))
    style = g.style("functions", "adt")
    acct = {"owner": owner, "balance": start}
    if style == "functions":
        if g.chance(0.5):
            g.define("deposit {owner, balance} n = {owner, balance = balance + n}")
            g.define("withdraw {owner, balance} n = ? n > balance -> {owner, balance} : {owner, balance = balance - n}")
        else:
            g.define("deposit a n = {...a, balance = a.balance + n}")
            g.define("withdraw a n = ? n > a.balance -> a : {...a, balance = a.balance - n}")
        g.let("a0", lit(acct))
        chain = "a0"
        for kind, n in txs:
            chain = f"{kind} ({chain}) {n}" if "(" in chain or " " in chain else f"{kind} {chain} {n}"
        g.let("final", chain)
        g.approach("Each operation returns an updated copy of the record with `{...a, balance = ...}`.")
    else:
        g.define("Tx = Deposit Int | Withdraw Int")
        g.define("apply a (Deposit n) = {...a, balance = a.balance + n}\napply a (Withdraw n) = ? n > a.balance -> a : {...a, balance = a.balance - n}")
        g.let("txs", lit([Con(k.capitalize(), n) for k, n in txs]))
        g.let("final", f"foldl apply {lit(acct)} txs")
        g.approach("Transactions as an ADT, folded over the account record with record updates.")
        g.tag("adt")
    bal = start
    for kind, n in txs:
        if kind == "deposit":
            bal += n
        elif n <= bal:
            bal -= n
    g.say("final", {"owner": owner, "balance": bal})
    g.result("final.balance", bal)
    g.task(
        f"An account is a record `{lit(acct)}`. Deposits add to the balance; a withdrawal larger than the balance is refused (the account is unchanged). "
        f"Apply {english_list([f'{k} {n}' for k, n in txs])} in order, print the final record, and let `main` return the balance."
    )


@family(C, "records", "punning")
def point_punning(g: Gen) -> None:
    style = g.style("punning", "pattern", "field")
    pts = [(g.int(-9, 9), g.int(-9, 9)) for _ in range(g.int(2, 4))]
    dx, dy = g.int(-5, 5), g.int(-5, 5)
    if style == "punning":
        g.define("point x y = {x, y}")
        g.define("manhattan {x, y} = abs x + abs y")
        g.define("shift p dx dy = {...p, x = p.x + dx, y = p.y + dy}")
        g.approach("`{x, y}` builds and matches records with punned fields.")
    elif style == "pattern":
        g.define("point a b = {x = a, y = b}")
        g.define("manhattan {x = a, y = b} = abs a + abs b")
        g.define("shift {x = a, y = b} dx dy = {x = a + dx, y = b + dy}")
        g.approach("Record patterns with named fields destructure the points.")
    else:
        g.define("point a b = {x = a, y = b}")
        g.define("manhattan p = abs (p.x) + abs (p.y)")
        g.define("shift p dx dy = {...p, x = p.x + dx, y = p.y + dy}")
        g.approach("Field access and record update on plain records.")
    g.let("ps", "[" + " ".join(f"(point {lit(a)} {lit(b)})" for a, b in pts) + "]")
    g.say("map manhattan ps", [abs(a) + abs(b) for a, b in pts])
    g.say(f"map (\\p -> shift p {lit(dx)} {lit(dy)}) ps", [{"x": a + dx, "y": b + dy} for a, b in pts])
    g.result(f"manhattan (shift (point 0 0) {lit(dx)} {lit(dy)})", abs(dx) + abs(dy))
    g.task(
        f"Points are records `{{x, y}}`. Write `point x y`, `manhattan p` (|x| + |y|) and `shift p dx dy`. For the points {english_list([f'({a}, {b})' for a, b in pts])}, "
        f"print the list of Manhattan distances, then the list of points shifted by ({dx}, {dy}); `main` returns the distance of the origin shifted the same way."
    )


@family(C, "records", "record_update")
def nested_records(g: Gen) -> None:
    name = g.pick(["acme", "globex", "initech", "umbrella", "hooli", "stark"])
    city, new_city = g.sample(CITIES, 2)
    zipc = g.int(1000, 9999)
    staff = g.int(3, 500)
    co = {"name": name, "staff": staff, "address": {"city": city, "zip": zipc}}
    g.let("co", lit(co))
    style = g.style("nested_update", "helper")
    if style == "nested_update":
        g.define("relocate c city = {...c, address = {...c.address, city = city}}")
        g.approach("Update the nested record inside the outer update with two spreads.")
    else:
        g.define("set_city a city = {...a, city = city}\n\nrelocate c city = {...c, address = set_city (c.address) city}")
        g.approach("A helper updates the inner address; the outer update reuses it.")
    hire = g.int(1, 40)
    g.define("hire c n = {...c, staff = c.staff + n}")
    g.let("moved", f"hire (relocate co {quote(new_city)}) {hire}")
    g.say("moved", {"name": name, "staff": staff + hire, "address": {"city": new_city, "zip": zipc}})
    g.say("moved.address.city", new_city)
    g.result("co.address.city", city)
    g.task(
        f"A company is the nested record {lit(co)}. Write `relocate c city` (changes only the address's city) and `hire c n` (adds n staff). "
        f"Print the company after moving to {new_city} and hiring {hire}, then the new city; `main` returns the original city (records are immutable)."
    )


@family(C, "records", "comprehension")
def grade_book(g: Gen) -> None:
    names = g.sample(NAMES, g.int(3, 5))
    book = [{"name": n, "scores": g.ints(g.int(2, 4), 40, 100)} for n in names]
    g.let("book", lit(book))
    style = g.style("map", "comprehension", "record_pattern")
    g.define("avg xs = sum xs / length xs")
    if style == "record_pattern":
        g.says('for_each (\\{name, scores} -> print "${name}: ${avg scores}") book', [f"{s['name']}: {sum(s['scores']) // len(s['scores'])}" for s in book])
        g.approach("A lambda with a record pattern names the fields of each student.")
    elif style == "map":
        g.says('for_each (\\s -> print "${s.name}: ${avg (s.scores)}") book', [f"{s['name']}: {sum(s['scores']) // len(s['scores'])}" for s in book])
        g.approach("Map over the student records, averaging each list of scores.")
    else:
        g.says('for_each print [s.name ++ " " ++ show (avg (s.scores)) | s <- book]', [f"{s['name']} {sum(s['scores']) // len(s['scores'])}" for s in book])
        g.approach("A comprehension formats one line per student record.")
    sep = " " if style == "comprehension" else ": "
    best = max(book, key=lambda s: (sum(s["scores"]) // len(s["scores"]), -book.index(s)))
    g.define("best b = foldl (\\top s -> ? avg (s.scores) > avg (top.scores) -> s : top) (head b) b")
    g.result("(best book).name", best["name"])
    g.task(f"Each student is a record with a name and a list of scores: {lit(book)}. Print `NAME{sep}AVERAGE` (Int average) for each, and let `main` return the name of the student with the best average (the first on ties).")


@family(C, "records")
def queue_two_lists(g: Gen) -> None:
    g.define("empty = {front = [], back = []}")
    g.define("push q x = {...q, back = x : q.back}")
    g.define("norm q = ? length (q.front) == 0 -> {front = reverse (q.back), back = []} : q")
    g.define("pop q =\n  n = norm q\n  {...n, front = tail (n.front)}")
    g.define("peek q = head ((norm q).front)")
    g.tag("record_update", "local_block")
    ops = []
    size = 0
    for _ in range(g.int(4, 9)):
        if size > 0 and g.chance(0.4):
            ops.append(("pop", None))
            size -= 1
        else:
            ops.append(("push", g.int(1, 99)))
            size += 1
    if size == 0:
        ops.append(("push", g.int(1, 99)))
    q: list[int] = []
    chain = "empty"
    for kind, v in ops:
        chain = f"push ({chain}) {v}" if kind == "push" else f"pop ({chain})"
        if kind == "push":
            q.append(v)
        else:
            q.pop(0)
    chain = chain.replace("(empty)", "empty")
    g.let("q", chain)
    g.say("peek q", q[0])
    g.result("length ((norm q).front) + length ((norm q).back)", len(q))
    g.style("two_lists")
    g.approach("A queue as a record of two lists: push onto the back, pop from the front, reversing the back when the front runs out.")
    g.task(
        f"Implement a FIFO queue as a record `{{front, back}}` of two lists with `push`, `pop` and `peek`. Starting empty, do "
        f"{english_list([f'push {v}' if k == 'push' else 'pop' for k, v in ops])}; print the front element, and let `main` return the number of elements left."
    )


# ── lists, tuples, matrices ─────────────────────────────────────────────────────────────────


@family(C, "lists", "tuples")
def pairs_zip(g: Gen) -> None:
    n = g.int(3, 6)
    xs, ys = g.ints(n, -9, 20), g.ints(n + g.int(0, 2), -9, 20)
    style = g.style("zip_index", "recursion", "comprehension")
    if style == "zip_index":
        g.define("dot xs ys = sum (map (\\p -> index 0 p * index 1 p) (zip xs ys))")
        g.approach("`zip` pairs the elements as two-element lists; multiply each pair and sum.")
    elif style == "recursion":
        g.define("dot [] _ = 0\ndot _ [] = 0\ndot (x:xs) (y:ys) = x * y + dot xs ys")
        g.approach("Recurse down both lists at once, stopping at the shorter one.")
    else:
        g.define("bound xs ys = ? length xs < length ys -> length xs : length ys\n\ndot xs ys = sum [index i xs * index i ys | i <- [0..(bound xs ys - 1)]]")
        g.approach("A comprehension over the shared indices.")
    g.say(f"zip {lit(xs)} {lit(ys)}", [[a, b] for a, b in zip(xs, ys)])
    g.result(f"dot {lit(xs)} {lit(ys)}", sum(a * b for a, b in zip(xs, ys)))
    g.task(f"Print `zip {lit(xs)} {lit(ys)}` (it stops at the shorter list), and let `main` return their dot product computed by a function `dot`.")


@family(C, "lists", "tuples", "pairs")
def min_max_pair(g: Gen) -> None:
    xs = g.ints(g.int(3, 8), -50, 99)
    style = g.style("pair_fold", "record", "recursion")
    if style == "pair_fold":
        g.define("bounds xs = foldl (\\p x -> (? x < p.fst -> x : p.fst, ? x > p.snd -> x : p.snd)) (head xs, head xs) xs")
        g.approach("Fold with a pair `(lo, hi)`; a pair is the record `{fst, snd}`.")
        val = {"fst": min(xs), "snd": max(xs)}
    elif style == "record":
        g.define(g.pick(["bounds xs = foldl (\\r x -> {lo = ? x < r.lo -> x : r.lo, hi = ? x > r.hi -> x : r.hi}) {lo = head xs, hi = head xs} xs",
                         "step {lo, hi} x = {lo = ? x < lo -> x : lo, hi = ? x > hi -> x : hi}\n\nbounds xs =\n  lo = head xs\n  hi = head xs\n  foldl step {lo, hi} xs"]))
        g.approach("Fold with a record holding the smallest and largest values so far.")
        val = {"lo": min(xs), "hi": max(xs)}
    else:
        g.define("lo [x] = x\nlo (x:rest) = ? x < lo rest -> x : lo rest\n\nhi [x] = x\nhi (x:rest) = ? x > hi rest -> x : hi rest\n\nbounds xs = (lo xs, hi xs)")
        g.approach("Two recursive helpers with a one-element base case, combined in a pair.")
        val = {"fst": min(xs), "snd": max(xs)}
        g.tag("patterns")
    g.let("b", f"bounds {lit(xs)}")
    g.say("b", val)
    k1, k2 = list(val)
    g.result(f"b.{k2} - b.{k1}", max(xs) - min(xs))
    form = "a pair `(min, max)`" if k1 == "fst" else "a record `{lo, hi}`"
    g.task(f"Write `bounds xs` returning the smallest and largest element of a non-empty list as {form}, in one pass or by recursion. Print it for {lit(xs)}; `main` returns max minus min.")


@family(C, "lists")
def matrix_ops(g: Gen) -> None:
    r, c = g.int(2, 4), g.int(2, 4)
    m = [g.ints(c, -5, 12) for _ in range(r)]
    g.let("m", lit(m))
    ops = g.sample(["rows", "cols", "transpose", "diag", "scale"], g.int(2, 3))
    if ("diag" in ops) and r != c:
        ops.remove("diag")
    if len(ops) < 2:
        ops.append("rows")
    asked = []
    for op in ops:
        if op == "rows":
            g.define("row_sums m = map sum m")
            g.say("row_sums m", [sum(row) for row in m])
            asked.append("the row sums")
        elif op == "cols":
            g.define("col i m = map (\\row -> index i row) m\n\ncol_sums m = map (\\i -> sum (col i m)) [0..(length (head m) - 1)]")
            g.say("col_sums m", [sum(row[i] for row in m) for i in range(c)])
            asked.append("the column sums")
        elif op == "transpose":
            g.define("transpose m = [map (\\row -> index i row) m | i <- [0..(length (head m) - 1)]]")
            g.say("transpose m", [[row[i] for row in m] for i in range(c)])
            asked.append("the transpose")
        elif op == "diag":
            g.define("diag m = [index i (index i m) | i <- [0..(length m - 1)]]")
            g.say("diag m", [m[i][i] for i in range(r)])
            asked.append("the main diagonal")
        else:
            k = g.int(2, 5)
            g.define("scale k m = map (\\row -> map (\\x -> x * k) row) m")
            g.say(f"scale {k} m", [[x * k for x in row] for row in m])
            asked.append(f"the matrix times {k}")
    g.defs[:] = list(dict.fromkeys(g.defs))
    g.style("list_of_lists")
    g.approach("A matrix is a list of rows; columns come from indexing every row.")
    g.task(f"For the matrix {lit(m)} (a list of rows), print {english_list(asked)}, one per line.")


@family(C, "lists", "patterns")
def exact_list_patterns(g: Gen) -> None:
    f = g.name("describe", "shape_of", "summarize", "what")
    style = g.style("exact", "cons")
    if style == "exact":
        g.define(
            f'{f} [] = "empty"\n{f} [x] = "one: ${{x}}"\n{f} [a b] = "two: ${{a + b}}"\n{f} (a:(b:rest)) = "many, starting ${{a}} ${{b}}, ${{length rest}} more"'
        )
        g.approach("Exact list patterns `[]`, `[x]`, `[a b]`, then a nested cons pattern for longer lists.")
    else:
        g.define(
            f'{f} xs =\n  n = length xs\n  ? n == 0 -> "empty"\n  : ? n == 1 -> "one: ${{head xs}}"\n  : ? n == 2 -> "two: ${{head xs + index 1 xs}}"\n'
            f'  : "many, starting ${{head xs}} ${{index 1 xs}}, ${{n - 2}} more"'
        )
        g.approach("Branch on the length with conditions and read elements with `head` and `index`.")
        g.tag("local_block")
    lists = [g.ints(k, 0, 30) for k in g.sample([0, 1, 2, 3, 4, 5], g.int(3, 4))]

    def d(xs):
        if not xs:
            return "empty"
        if len(xs) == 1:
            return f"one: {xs[0]}"
        if len(xs) == 2:
            return f"two: {xs[0] + xs[1]}"
        return f"many, starting {xs[0]} {xs[1]}, {len(xs) - 2} more"

    phrase = g.each(lambda x: f"{f} {x}", lists, [d(xs) for xs in lists], what="the description", direct=f)
    g.task(
        f'Write `{f} xs`: "empty" for [], "one: X" for one element, "two: SUM" for two, and "many, starting A B, N more" otherwise. In `main`, {phrase}.'
    )


@family(C, "lists")
def set_ops(g: Gen) -> None:
    a = sorted(g.sample(range(1, 30), g.int(3, 7)))
    b = sorted(g.sample(range(1, 30), g.int(3, 7)))
    style = g.style("filter", "comprehension", "recursion")
    if style == "filter":
        g.define("member x xs = length (filter (\\y -> y == x) xs) > 0")
        g.approach("`member` by filtering; set operations are filters over one list.")
    elif style == "comprehension":
        g.define("member x xs = length [y | y <- xs, y == x] > 0")
        g.approach("`member` with a comprehension; set operations filter one list by membership in the other.")
    else:
        g.define("member _ [] = false\nmember x (y:rest) = x == y || member x rest")
        g.approach("A recursive `member`; set operations filter one list by membership in the other.")
    ops = g.sample(["union", "inter", "diff"], g.int(2, 3))
    for op in ops:
        if op == "union":
            g.define("union xs ys = xs ++ filter (\\y -> not (member y xs)) ys")
            g.say(f"union {lit(a)} {lit(b)}", a + [y for y in b if y not in a])
        elif op == "inter":
            g.define("inter xs ys = filter (\\x -> member x ys) xs")
            g.say(f"inter {lit(a)} {lit(b)}", [x for x in a if x in b])
        else:
            g.define("diff xs ys = filter (\\x -> not (member x ys)) xs")
            g.say(f"diff {lit(a)} {lit(b)}", [x for x in a if x not in b])
    words = {"union": "the union (A, then the elements of B not in A)", "inter": "the intersection (in A's order)", "diff": "the difference A minus B"}
    g.task(f"Treat lists as sets: A = {lit(a)}, B = {lit(b)}. With a `member` helper, print " + english_list([words[o] for o in ops]) + ", one per line.")


@family(C, "lists", "pairs")
def run_length(g: Gen) -> None:
    xs = []
    for _ in range(g.int(3, 6)):
        xs += [g.int(0, 9)] * g.int(1, 4)
    runs = []
    for x in xs:
        if runs and runs[-1][0] == x:
            runs[-1][1] += 1
        else:
            runs.append([x, 1])
    style = g.style("pairs", "records", "lists")
    if style == "pairs":
        g.define("go v n [] = [(MkPair v n)]\ngo v n (x:rest) = ? x == v -> go v (n + 1) rest : MkPair v n : go x 1 rest\n\nrle [] = []\nrle (x:rest) = go x 1 rest")
        g.say(f"rle {lit(xs)}", [Con("MkPair", v, n) for v, n in runs])
        g.result(f"sum (map snd (rle {lit(xs)}))", len(xs))
        form = "`MkPair value count` pairs (the prelude's Pair)"
    elif style == "records":
        g.define("go v n [] = [{value = v, count = n}]\ngo v n (x:rest) = ? x == v -> go v (n + 1) rest : {value = v, count = n} : go x 1 rest\n\nrle [] = []\nrle (x:rest) = go x 1 rest")
        g.say(f"rle {lit(xs)}", [{"value": v, "count": n} for v, n in runs])
        g.result(f"length (rle {lit(xs)})", len(runs))
        form = "records `{value, count}`"
    else:
        g.define(
                 "bump [] x = [[x 1]]\nbump (run:rest) x = ? head run == x -> ([x (index 1 run + 1)] : rest) : [x 1] : run : rest\n\nrle xs = reverse (foldl bump [] xs)")
        g.say(f"rle {lit(xs)}", [[v, n] for v, n in runs])
        g.result(f"length (rle {lit(xs)})", len(runs))
        form = "two-element lists `[value count]` (build them reversed with a fold, then reverse)"
    g.approach("Walk the list keeping the current value and its count; start a new run when the value changes.")
    g.task(f"Run-length encode {lit(xs)} as {form}: consecutive equal values become one entry with their count. Print the encoding; `main` returns " + ("the total count." if style == "pairs" else "the number of runs."))


@family(C, "lists")
def rotate_list(g: Gen) -> None:
    xs = g.sample(g.pick([WORDS, FRUITS, ANIMALS, COLORS]), g.int(4, 7)) if g.chance(0.5) else g.ints(g.int(4, 7), 0, 50)
    k = g.int(1, 9)
    style = g.style("take_drop", "recursion")
    n = len(xs)
    if style == "take_drop":
        g.define("rotate k xs =\n  n = k % length xs\n  drop n xs ++ take n xs")
        g.approach("Rotation is `drop k` followed by `take k`, with k reduced modulo the length.")
        g.tag("local_block")
    else:
        g.define("rotate 0 xs = xs\nrotate k (x:rest) = rotate (k - 1) (rest ++ [x])")
        g.approach("Move the head to the end k times.")
    m = k % n if style == "take_drop" else k
    g.say(f"rotate {k} {lit(xs)}", xs[m % n:] + xs[:m % n])
    back = (n - k % n) % n
    g.result(f"rotate {back} (rotate {k} {lit(xs)}) == {lit(xs)}", True)
    g.task(f"Write `rotate k xs`, moving the first k elements to the end (k may exceed the length). Print `rotate {k}` of {lit(xs)}; `main` returns whether rotating the result by {back} more gives back the original.")


# ── Map and JSON from the prelude ───────────────────────────────────────────────────────────


@family(C, "map")
def word_count_map(g: Gen) -> None:
    pool = g.pick([FRUITS, ANIMALS, COLORS, WORDS])
    vocab = g.sample(pool, g.int(2, 4))
    ws = [g.pick(vocab) for _ in range(g.int(4, 9))]
    style = g.style("fold_get", "fold_update", "recursion")
    if style == "fold_get":
        g.define("tally ws = foldl (\\m w -> map_insert w (map_get w 0 m + 1) m) map_empty ws")
        g.approach("Fold the words into a Map, reading the old count with `map_get` (default 0).")
    elif style == "fold_update":
        g.define("bump m w = ? has_key w m -> map_update w (\\n -> n + 1) m : map_insert w 1 m\n\ntally ws = foldl bump map_empty ws")
        g.approach("`map_update` increments a known key; a new key is inserted with 1.")
    else:
        g.define("tally [] = map_empty\ntally (w:rest) =\n  m = tally rest\n  map_insert w (map_get w 0 m + 1) m")
        g.approach("Count the rest of the list recursively, then add this word.")
        g.tag("local_block")
    counts: dict[str, int] = {}
    for w in ws:
        counts[w] = counts.get(w, 0) + 1
    keys = sorted(counts)
    g.let("m", f"tally {lit(ws)}")
    g.say("map_keys m", keys)
    g.say("map_values m", [counts[k] for k in keys])
    probe = g.pick([*vocab, g.pick(pool)])
    g.result(f"map_get {quote(probe)} 0 m", counts.get(probe, 0))
    g.task(
        f"Count the words {lit(ws)} in a Map (`map_insert`, `map_get`; keys stay sorted). Print the keys, then the counts in key order; "
        f"`main` returns the count of {quote(probe)} (0 if absent)."
    )


@family(C, "map")
def inventory_map(g: Gen) -> None:
    items = g.sample(ITEMS, g.int(3, 5))
    stock = {i: g.int(0, 30) for i in items}
    g.let("inv", "from_pairs " + lit([Con("MkPair", k, v) for k, v in stock.items()]))
    sold = g.pick(items)
    n = g.int(1, 10)
    gone = g.pick([i for i in items if i != sold])
    newi = g.pick([i for i in ITEMS if i not in items])
    addn = g.int(1, 20)
    g.let("inv2", f"map_insert {quote(newi)} {addn} (map_delete {quote(gone)} (map_update {quote(sold)} (\\q -> q - {n}) inv))")
    after = dict(stock)
    after[sold] -= n
    del after[gone]
    after[newi] = addn
    keys = sorted(after)
    style = g.style("pairs", "keys")
    if style == "pairs":
        g.says('for_each (\\k -> print "${k}: ${map_get k 0 inv2}") (map_keys inv2)', [f"{k}: {after[k]}" for k in keys])
        how = "print `ITEM: QTY` for each item in key order"
    else:
        g.say("map_keys inv2", keys)
        g.say("map_values inv2", [after[k] for k in keys])
        how = "print the keys and then the quantities"
    g.say(f"map_lookup {quote(gone)} inv2", Con("Err", "key not found"))
    g.result("map_size inv2", len(after))
    g.approach("Build the Map with `from_pairs`, then change it with `map_update`, `map_delete` and `map_insert`; each returns a new Map.")
    g.task(
        f"An inventory Map holds {english_list([f'{k}: {v}' for k, v in stock.items()])} (build it with `from_pairs`). Sell {n} {sold} (`map_update`), remove {gone} (`map_delete`) "
        f"and add {addn} {newi}. Then {how}, print `map_lookup` of {quote(gone)}, and let `main` return the number of items."
    )


@family(C, "map", weight=0.7)
def histogram_map(g: Gen) -> None:
    xs = g.ints(g.int(5, 12), 1, 6)
    g.define("hist xs = foldl (\\m x -> map_insert x (map_get x 0 m + 1) m) map_empty xs")
    style = g.style("bars", "pairs")
    counts: dict[int, int] = {}
    for x in xs:
        counts[x] = counts.get(x, 0) + 1
    keys = sorted(counts)
    ch = g.pick(["*", "#", "="])
    if style == "bars":
        g.define(f'bar n = foldl (\\s _ -> s ++ "{ch}") "" [1..n]')
        g.says('for_each (\\k -> print "${k} ${bar (map_get k 0 h)}") (map_keys h)', [f"{k} {ch * counts[k]}" for k in keys])
        how = f"print one line per value, in increasing order: the value, a space and one `{ch}` per occurrence"
    else:
        g.says("for_each print (entries h)", [Con("MkPair", k, counts[k]) for k in keys])
        how = "print each entry of the Map (`entries`), one per line"
    g.let("h", f"hist {lit(xs)}")
    g.main_stmts.insert(0, g.main_stmts.pop())
    top = max(keys, key=lambda k: (counts[k], -k))
    g.define("mode m = foldl (\\best k -> ? map_get k 0 m > map_get best 0 m -> k : best) (head (map_keys m)) (map_keys m)")
    g.result("mode h", top)
    g.approach("Count values in a Map keyed by Int; its keys come out sorted.")
    g.task(f"Build a histogram of {lit(xs)} as a Map from value to count. {how[0].upper() + how[1:]}; `main` returns the most frequent value (the smallest on ties).")


@family(C, "results", "pairs")
def assoc_lookup(g: Gen) -> None:
    keys = g.sample(PEOPLE, g.int(3, 5))
    pairs = [(k, g.int(18, 90)) for k in keys]
    style = g.style("recursion", "filter")
    if style == "recursion":
        g.define('lookup _ [] = Err "missing"\nlookup k ((MkPair key v):rest) = ? k == key -> Ok v : lookup k rest')
        g.approach("Walk the list of pairs, matching each with a constructor pattern.")
    else:
        g.define('lookup k ps =\n  hits = filter (\\p -> fst p == k) ps\n  ? length hits == 0 -> Err "missing" : Ok (snd (head hits))')
        g.approach("Filter the pairs on the key and wrap the first hit in `Ok`.")
        g.tag("local_block")
    g.let("ages", lit([Con("MkPair", k, v) for k, v in pairs]))
    probes = [g.pick(keys), g.pick([p for p in PEOPLE if p not in keys])]
    d = dict(pairs)
    for p in probes:
        g.say(f"lookup {quote(p)} ages", Con("Ok", d[p]) if p in d else Con("Err", "missing"))
    dflt = g.int(0, 10)
    g.result(f"unwrap_or {dflt} (lookup {quote(probes[1])} ages) + unwrap_or 0 (lookup {quote(probes[0])} ages)", dflt + d[probes[0]])
    g.task(
        f"Ages are stored as a list of `MkPair name age`: {english_list([f'{k} {v}' for k, v in pairs])}. Write `lookup name pairs` returning `Ok age` or `Err \"missing\"`. "
        f"Print the lookups of {quote(probes[0])} and {quote(probes[1])}; `main` returns `unwrap_or {dflt}` of the second plus `unwrap_or 0` of the first."
    )


@family(C, "results", "records")
def validate_records(g: Gen) -> None:
    lo, hi = g.int(0, 18), g.int(60, 120)
    recs = []
    for _ in range(g.int(3, 5)):
        name = g.pick(["", *PEOPLE]) if g.chance(0.3) else g.pick(PEOPLE)
        recs.append({"name": name, "age": g.pick([g.int(-5, 130), g.int(lo, hi)])})
    style = g.style("guards", "and_then")
    if style == "guards":
        g.define(
            f'check p =\n  ? str_len (p.name) == 0 -> Err "no name"\n  : ? p.age < {lo} || p.age > {hi} -> Err "bad age ${{p.age}}"\n  : Ok (p.name)'
        )
        g.approach("Each check returns `Err` with a reason; a record that passes all of them is `Ok`.")
    else:
        g.define(
            f'has_name p = ? str_len (p.name) == 0 -> Err "no name" : Ok p\n\n'
            f'age_ok p = ? p.age < {lo} || p.age > {hi} -> Err "bad age ${{p.age}}" : Ok p\n\n'
            "check p = has_name p |> and_then age_ok |> map_ok (\\q -> q.name)"
        )
        g.approach("Chain the checks with `and_then` in a pipeline and map the result to the name.")
        g.tag("pipes")

    def check(p):
        if not p["name"]:
            return Con("Err", "no name")
        if p["age"] < lo or p["age"] > hi:
            return Con("Err", f"bad age {p['age']}")
        return Con("Ok", p["name"])

    g.let("people", lit(recs))
    g.says("for_each (\\p -> print (check p)) people", [check(p) for p in recs])
    g.result("length (filter is_ok (map check people))", sum(1 for p in recs if check(p).name == "Ok"))
    g.task(
        f"Validate person records: an empty name gives `Err \"no name\"`, an age outside {lo}..{hi} gives `Err \"bad age N\"`, otherwise `Ok name`. "
        f"Print the result of `check` for each of {lit(recs)}, one per line; `main` returns how many are valid."
    )


@family(C, "json")
def json_fields(g: Gen) -> None:
    kname = g.pick(["name", "user", "title", "owner", "label"])
    kage = g.pick(["age", "year", "level", "count", "rank"])
    klist = g.pick(["scores", "marks", "points", "sizes", "votes"])
    kcity = g.pick(["city", "town", "place", "home"])
    name = g.pick(PEOPLE)
    age = g.int(1, 99)
    scores = g.ints(g.int(2, 6), 0, 100)
    city = g.pick(CITIES)
    doc = {kname: name, kage: age, klist: scores, kcity: city}
    if g.chance(0.5):
        doc[g.pick(["active", "admin", "done"])] = g.chance(0.5)
    keys = g.shuffled(list(doc))
    text = json.dumps({k: doc[k] for k in keys})
    g.let("doc", f"unwrap (json_parse {quote(text)})")
    style = g.style("unwrap", "results")
    if style == "unwrap":
        g.say(f'json_str (unwrap (json_get "{kname}" doc))', name)
        k = g.int(1, 9)
        g.say(f'json_num (unwrap (json_get "{kage}" doc)) + {k}', age + k)
        g.say(f'sum (map json_num (json_arr (unwrap (json_get "{klist}" doc))))', sum(scores))
        g.approach("`json_get` returns a Result; unwrap it and read the value with `json_str`, `json_num` or `json_arr`.")
        asked = f"the {kname}, the {kage} plus {k}, and the sum of the {klist}"
    else:
        g.define('field k d = map_err (\\e -> "no ${k}") (json_get k d)')
        g.say(f'map_ok json_str (field "{kcity}" doc)', Con("Ok", city))
        g.say('field "email" doc', Con("Err", "no email"))
        g.say(f'map_ok (\\v -> length (json_arr v)) (field "{klist}" doc)', Con("Ok", len(scores)))
        g.approach("Keep the lookups as Results: `map_ok` reads the value and `map_err` rewrites the error.")
        asked = f'the {kcity} as `Ok VALUE`, the missing field "email" as `Err "no email"` (via `map_err`), and the number of {klist} as `Ok N`'
    g.result(f'is_ok (json_get "{kage}" doc)', True)
    g.task(f"Parse the JSON document `{text}` with `json_parse` and print {asked}, one per line. `main` returns whether the field \"{kage}\" exists.")


@family(C, "json", "adt")
def json_build(g: Gen) -> None:
    items = g.sample(FRUITS, g.int(2, 4))
    prices = [g.int(1, 20) for _ in items]
    style = g.style("constructors", "parse_count")
    if style == "constructors":
        g.define('item n p = JObj [(MkPair "name" (JStr n)) (MkPair "price" (JNum p))]')
        g.define('price v = json_num (unwrap (json_get "price" v))')
        g.let("doc", "JArr [" + " ".join(f"(item {quote(n)} {p})" for n, p in zip(items, prices)) + "]")
        g.say("map price (json_arr doc)", prices)
        g.say("head (json_arr doc)", Con("JObj", [Con("MkPair", "name", Con("JStr", items[0])), Con("MkPair", "price", Con("JNum", prices[0]))]))
        g.result("sum (map price (json_arr doc))", sum(prices))
        g.approach("Build the JSON value directly with the prelude's constructors, then read it back with `json_get`.")
        g.task(
            f"Using the prelude's JSON constructors (`JObj`, `JArr`, `JStr`, `JNum`, with `MkPair` fields) build an array of objects with name and price for "
            f"{english_list([f'{n} {p}' for n, p in zip(items, prices)])}. Print the prices as a list, then the first object; `main` returns the total price."
        )
    else:
        text = json.dumps([{"name": n, "price": p} for n, p in zip(items, prices)])
        g.define('price v = json_num (unwrap (json_get "price" v))')
        g.define('label v = json_str (unwrap (json_get "name" v))')
        g.let("rows", f"json_arr (unwrap (json_parse {quote(text)}))")
        limit = g.int(3, 15)
        g.say(f"map label (filter (\\v -> price v > {limit}) rows)", [n for n, p in zip(items, prices) if p > limit])
        g.result("length rows", len(items))
        g.approach("Parse, take the array, and filter its objects on a numeric field.")
        g.task(f"Parse the JSON `{text}`. Print the names of the items priced above {limit} as a list; `main` returns the number of items.")


@family(C, "lists", "records")
def linked_edit(g: Gen) -> None:
    xs = g.sample(g.pick([WORDS, FRUITS, COLORS]), g.int(4, 6))
    i = g.int(0, len(xs) - 1)
    j = g.int(0, len(xs))
    new = g.pick(["x", "new", "zz", "mid", "extra"])
    style = g.style("take_drop", "recursion")
    if style == "take_drop":
        g.define("remove_at i xs = take i xs ++ drop (i + 1) xs\n\ninsert_at i v xs = take i xs ++ [v] ++ drop i xs")
        g.approach("Split with `take` and `drop` around the position.")
    else:
        g.define(
            "remove_at _ [] = []\nremove_at 0 (_:rest) = rest\nremove_at i (x:rest) = x : remove_at (i - 1) rest\n\n"
            "insert_at 0 v xs = v : xs\ninsert_at _ v [] = [v]\ninsert_at i v (x:rest) = x : insert_at (i - 1) v rest"
        )
        g.approach("Recurse down the list, counting the index to 0.")
        g.tag("patterns")
    g.let("xs", lit(xs))
    g.say(f"remove_at {i} xs", xs[:i] + xs[i + 1:])
    g.say(f"insert_at {j} {quote(new)} xs", [*xs[:j], new, *xs[j:]])
    g.result(f"length (insert_at 0 {quote(new)} (remove_at {i} xs))", len(xs))
    g.task(
        f"Write `remove_at i xs` and `insert_at i v xs` (0-based). For {lit(xs)} print the list without element {i}, then the list with {quote(new)} inserted at {j}; "
        f"`main` returns the length after removing element {i} and inserting at 0."
    )


@family(C, "map", "recursion", "graphs")
def graph_reach(g: Gen) -> None:
    nodes = g.sample(["a", "b", "c", "d", "e", "f", "g", "h"], g.int(4, 7))
    edges: dict[str, list[str]] = {n: [] for n in nodes}
    for n in nodes:
        for m in g.sample(nodes, g.int(0, 2)):
            if m != n and m not in edges[n]:
                edges[n].append(m)
    g.let("graph", "from_pairs " + lit([Con("MkPair", n, edges[n]) for n in nodes]))
    g.define("next_of n gr = map_get n [] gr")
    style = g.style("dfs", "frontier")
    if style == "dfs":
        g.define("visit gr seen [] = seen\nvisit gr seen (n:rest) =\n  ? length (filter (\\s -> s == n) seen) > 0 -> visit gr seen rest\n  : visit gr (seen ++ [n]) (next_of n gr ++ rest)")
        g.approach("Depth-first: keep a stack of nodes to visit and the list of nodes seen, in the order first reached.")

        def reach(start):
            seen, stack = [], [start]
            while stack:
                n, stack = stack[0], stack[1:]
                if n in seen:
                    continue
                seen.append(n)
                stack = edges[n] + stack
            return seen
    else:
        g.define("visit gr seen [] = seen\nvisit gr seen (n:rest) =\n  ? length (filter (\\s -> s == n) seen) > 0 -> visit gr seen rest\n  : visit gr (seen ++ [n]) (rest ++ next_of n gr)")
        g.approach("Breadth-first: new neighbours go to the back of the queue.")

        def reach(start):
            seen, queue = [], [start]
            while queue:
                n, queue = queue[0], queue[1:]
                if n in seen:
                    continue
                seen.append(n)
                queue = queue + edges[n]
            return seen

    g.define("reachable gr start = visit gr [] [start]")
    g.tag("local_block")
    starts = g.sample(nodes, 2)
    for s in starts:
        g.say(f"reachable graph {quote(s)}", reach(s))
    g.result("map (\\n -> length (next_of n graph)) (map_keys graph)", [len(edges[n]) for n in sorted(nodes)])
    order = "depth-first (neighbours in list order, visited before the rest)" if style == "dfs" else "breadth-first"
    g.task(
        f"A directed graph is a Map from node to its list of neighbours: {english_list([f'{n} -> {lit(edges[n])}' for n in nodes], conj=';')}. "
        f"Write `reachable graph start`, the nodes reached from start {order}, in the order first reached. Print it from {quote(starts[0])} and from {quote(starts[1])}; "
        "`main` returns the out-degree of every node in key order."
    )


@family(C, "map", "lists")
def sparse_vectors(g: Gen) -> None:
    dim = g.int(20, 200)
    a = {i: g.int(-9, 9) or 1 for i in g.sample(range(dim), g.int(2, 5))}
    b = {i: g.int(-9, 9) or 1 for i in g.sample(range(dim), g.int(2, 5))}
    if g.chance(0.7):
        k = g.pick(list(a))
        b[k] = g.int(1, 9)
    g.define("sparse ps = from_pairs ps")
    style = g.style("keys_fold", "filter_keys")
    if style == "keys_fold":
        g.define("dot u v = foldl (\\acc k -> acc + map_get k 0 u * map_get k 0 v) 0 (map_keys u)")
        g.approach("Walk the keys of one vector; a key missing from the other counts as 0.")
    else:
        g.define("dot u v = sum (map (\\k -> map_get k 0 u * map_get k 0 v) (filter (\\k -> has_key k v) (map_keys u)))")
        g.approach("Only keys present in both vectors contribute; filter them with `has_key`.")
    g.define("add u v = foldl (\\m k -> map_insert k (map_get k 0 m + map_get k 0 v) m) u (map_keys v)")
    g.let("u", "sparse " + lit([Con("MkPair", i, a[i]) for i in a]))
    g.let("v", "sparse " + lit([Con("MkPair", i, b[i]) for i in b]))
    g.say("dot u v", sum(a[k] * b.get(k, 0) for k in a))
    both = dict(a)
    for k, x in b.items():
        both[k] = both.get(k, 0) + x
    ks = sorted(both)
    g.say("map_keys (add u v)", ks)
    g.result("map_values (add u v)", [both[k] for k in ks])
    g.task(
        f"Sparse vectors of dimension {dim} are Maps from index to value (absent = 0): u = {english_list([f'{k}: {v}' for k, v in a.items()])}, "
        f"v = {english_list([f'{k}: {v}' for k, v in b.items()])} (build them with `from_pairs`). Print their dot product and the indices of u + v; "
        "`main` returns the values of u + v in index order."
    )
