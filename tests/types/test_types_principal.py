"""Inferred types are the principal ones, printed in Synoema's notation."""

from __future__ import annotations

import pytest

CASES: list[tuple[str, str, str]] = [
    # literals and constants
    ("n = 42", "n", "Int"),
    ("x = 2.5", "x", "Float"),
    ('s = "hi"', "s", "String"),
    ("c = 'q'", "c", "Char"),
    ("b = true", "b", "Bool"),
    ("u = ()", "u", "()"),
    ("e = []", "e", "List a"),
    ("g = [[1] [2 3]]", "g", "List (List Int)"),
    ("r = [1..10]", "r", "List Int"),
    # functions and polymorphism
    ("ident v = v", "ident", "a -> a"),
    ("konst a b = a", "konst", "a -> b -> a"),
    ("flip3 f a b = f b a", "flip3", "(a -> b -> c) -> b -> a -> c"),
    ("compose f g v = g (f v)", "compose", "(a -> b) -> (b -> c) -> a -> c"),
    ("twice f v = f (f v)", "twice", "(a -> a) -> a -> a"),
    ("app f = \\v -> f v", "app", "(a -> b) -> a -> b"),
    ("fac 0 = 1\nfac n = n * fac (n - 1)", "fac", "Int -> Int"),
    ("fib n = ? n < 2 -> n : fib (n - 1) + fib (n - 2)", "fib", "Int -> Int"),
    # numeric overloading, order independent
    ("add a b = a + b", "add", "Num a => a -> a -> a"),
    ("avg x y = (x + y) / 2.0", "avg", "Float -> Float -> Float"),
    ("avg2 x y = 0.5 * (x + y)", "avg2", "Float -> Float -> Float"),
    ("sumf xs = foldl (\\a b -> a + b) 0.0 xs", "sumf", "List Float -> Float"),
    ("sumi xs = foldl (\\a b -> a + b) 0 xs", "sumi", "List Int -> Int"),
    ("neg x = -x", "neg", "Num a => a -> a"),
    ("half x = x / 2", "half", "Int -> Int"),
    ("pw x = x ** 2.0", "pw", "Float -> Float"),
    ("md a b = a % b", "md", "Int -> Int -> Int"),
    ("root x = sqrt x", "root", "Num a => a -> Float"),
    ("absf = abs 2.5", "absf", "Float"),
    # ++ overloading
    ("join2 a b = a ++ b", "join2", "Concat a => a -> a -> a"),
    ('join2 a b = a ++ b\nj = join2 "a" "b"', "j", "String"),
    ("cat xs ys = xs ++ ys ++ [1]", "cat", "List Int -> List Int -> List Int"),
    ('greet n = "hi " ++ n', "greet", "String -> String"),
    ("flat xss = foldl (\\acc xs -> acc ++ xs) [] xss", "flat", "List (List a) -> List a"),
    # comparisons and constraints
    ("eq3 a b = a == b", "eq3", "Eq a => a -> a -> Bool"),
    ("lt a b = a < b", "lt", "Ord a => a -> a -> Bool"),
    ("bigger a b = ? a > b -> a : b", "bigger", "Ord a => a -> a -> a"),
    ("clamp lo v = ? v < lo -> lo : v + 0", "clamp", "Int -> Int -> Int"),
    ("mx a b = ? a > b -> a : b + a", "mx", "Num a => a -> a -> a"),
    ("member y [] = false\nmember y (v:r) = v == y || member y r", "member", "Eq a => a -> List a -> Bool"),
    ("qs [] = []\nqs (p:r) = qs [v | v <- r, v < p] ++ [p] ++ qs [v | v <- r, v >= p]", "qs",
     "Ord a => List a -> List a"),
    ("both a b = a == b && a < b", "both", "Ord a => a -> a -> Bool"),
    ("mixc a b c d = a == b && c < d", "mixc", "(Eq a, Ord b) => a -> a -> b -> b -> Bool"),
    ("lexi xs ys = xs < [ys]", "lexi", "Ord a => List a -> a -> Bool"),
    ("pairlt p q = (p, 1) < (q, 2)", "pairlt", "Ord a => a -> a -> Bool"),
    ("reclt = {a = 1} < {a = 2}", "reclt", "Bool"),
    # lists and patterns
    ("hd (v:_) = v", "hd", "List a -> a"),
    ("tl (_:xs) = xs", "tl", "List a -> List a"),
    ("len [] = 0\nlen (_:r) = 1 + len r", "len", "List a -> Int"),
    ("mm f [] = []\nmm f (v:r) = f v : mm f r", "mm", "(a -> b) -> List a -> List b"),
    ("two [a b] = a + b\ntwo _ = 0", "two", "List Int -> Int"),
    ("firsts ((a:_):_) = a", "firsts", "List (List a) -> a"),
    ("cnt p xs = length (filter p xs)", "cnt", "(a -> Bool) -> List a -> Int"),
    ("ev xs = [v | v <- xs, v % 2 == 0]", "ev", "List Int -> List Int"),
    ("cross xs ys = [(a, b) | a <- xs, b <- ys]", "cross", "List a -> List b -> List {fst : a, snd : b}"),
    ("pipe xs = xs |> filter (\\v -> v > 0) |> map (\\v -> v * 2)", "pipe", "List Int -> List Int"),
    ("comp = (\\v -> v + 1) >> show", "comp", "Int -> String"),
    ("strs s = str_slice s 0 (str_len s - 1)", "strs", "String -> String"),
    # records and pairs
    ("pt = {x = 1, y = 2}", "pt", "{x : Int, y : Int}"),
    ("mk x y = {x, y}", "mk", "a -> b -> {x : a, y : b}"),
    ("getx r = r.x", "getx", "{x : a, ..} -> a"),
    ("norm r = r.x * r.x + r.y * r.y", "norm", "Num a => {x : a, y : a, ..} -> a"),
    ("sx {x, z} = x + z", "sx", "Num a => {x : a, z : a, ..} -> a"),
    ("bump r = {...r, n = r.n + 1}", "bump", "{n : Int, ..} -> {n : Int, ..}"),
    ("retag r = {...r, tag = \"s\"}", "retag", "{tag : a, ..} -> {tag : String, ..}"),
    ("entry = (1, \"one\")", "entry", "{fst : Int, snd : String}"),
    ("fsts p = p.fst", "fsts", "{fst : a, ..} -> a"),
    ("reassoc ((a, b), c) = (a, (b, c))", "reassoc",
     "{fst : {fst : a, snd : b}, snd : c} -> {fst : a, snd : {fst : b, snd : c}}"),
    ("base = {w = 3, h = 4}\narea = base.w * base.h", "area", "Int"),
    # let polymorphism
    ("idf v = v\nboth = (idf 1, idf \"s\")", "both", "{fst : Int, snd : String}"),
    ("tagged n =\n  idf = \\v -> v\n  (idf n, idf \"k\")", "tagged", "a -> {fst : a, snd : String}"),
    ("local n =\n  k = n + 1\n  k * 2", "local", "Int -> Int"),
    # show, interpolation, effects
    ('label n = "#" ++ show n', "label", "a -> String"),
    ('hi who = "hi ${who}"', "hi", "a -> String"),
    ("main =\n  name <- readline\n  print name\n  str_len name", "main", "Int"),
    ("seqd = print 1 ; 2", "seqd", "Int"),
    ("each f xs = for_each f xs", "each", "(a -> ()) -> List a -> ()"),
    # prelude types
    ("lift f r = map_ok f r", "lift", "(a -> b) -> Result a c -> Result b c"),
    ("bumpr r = and_then (\\v -> Ok (v + 1)) r", "bumpr", "Result Int a -> Result Int a"),
    ('safe a b = ? b == 0 -> Err "zero" : Ok (a / b)', "safe", "Int -> Int -> Result Int String"),
    ("wrap v = Ok v", "wrap", "a -> Result a b"),
    ('nm doc = json_str (unwrap (json_get "name" doc))', "nm", "JsonValue -> String"),
    ("m = map_insert 1 \"a\" map_empty", "m", "Map Int String"),
    ("lk k m = map_get k 0 m", "lk", "Ord a => a -> Map a Int -> Int"),
    # signatures
    ("rev2 : [a] -> [a]\nrev2 vals = reverse vals", "rev2", "List a -> List a"),
    ("only : Int -> Int\nonly v = v", "only", "Int -> Int"),
    ("mx2 : Ord a => List a -> a\nmx2 (v:r) = foldl (\\m w -> ? w > m -> w : m) v r", "mx2", "Ord a => List a -> a"),
    ("sz : List x -> Int\nsz xs = length xs", "sz", "List a -> Int"),
    ("mixs : (Eq a, Show b) => a -> b -> a\nmixs a b = a", "mixs", "(Eq a, Show b) => a -> b -> a"),
]


@pytest.mark.parametrize(("source", "name", "expected"), CASES, ids=[c[1] + str(i) for i, c in enumerate(CASES)])
def test_principal_type(tc, source: str, name: str, expected: str) -> None:
    assert tc.type_of(source, name) == expected


def test_adts(tc) -> None:
    sigs = tc.ok(
        "Tree a = Leaf | Node (Tree a) a (Tree a)\n"
        "size Leaf = 0\n"
        "size (Node l _ r) = size l + 1 + size r\n"
        "to_list Leaf = []\n"
        "to_list (Node l v r) = to_list l ++ [v] ++ to_list r\n"
        "ins v Leaf = Node Leaf v Leaf\n"
        "ins v (Node l k r) = ? v < k -> Node (ins v l) k r : Node l k (ins v r)\n"
        "single = Node Leaf 7 Leaf\n"
        "leaf = Leaf\n"
        "mk = Node\n"
    )
    assert sigs == {
        "size": "Tree a -> Int",
        "to_list": "Tree a -> List a",
        "ins": "Ord a => a -> Tree a -> Tree a",
        "single": "Tree Int",
        "leaf": "Tree a",
        "mk": "Tree a -> a -> Tree a -> Tree a",
    }


def test_two_parameter_adt(tc) -> None:
    sigs = tc.ok("Either2 a b = L a | R b\nswap_side (L v) = R v\nswap_side (R v) = L v")
    assert sigs["swap_side"] == "Either2 a b -> Either2 b a"


def test_nullary_constructor_then_parameter(tc) -> None:
    sigs = tc.ok("Color = Red | Green\npick Red x = x\npick Green x = x + 1")
    assert sigs["pick"] == "Color -> Int -> Int"


def test_constructor_parameters_without_parentheses(tc) -> None:
    sigs = tc.ok("Opt a = Some a | Empty\nget Some v = v\nwrap v = Some v")
    assert sigs["get"] == "Opt a -> a"


def test_signatures_in_source_order_with_modules(tc) -> None:
    c = tc.check("first = 1\nmod Geo\n  sq x = x * x\n  area r = 3.14 * sq r\nuse Geo (area)\nlast = area 2.0")
    assert not c.errors
    assert c.report.signatures == [
        ("first", "Int"),
        ("Geo.sq", "Num a => a -> a"),
        ("Geo.area", "Float -> Float"),
        ("last", "Float"),
    ]


def test_aliases_are_transparent(tc) -> None:
    sigs = tc.ok(
        "type Point = {x : Int, y : Int}\n"
        "type Twice a = (a, a)\n"
        "origin : Point\n"
        "origin = {x = 0, y = 0}\n"
        "swap2 : Twice a -> Twice a\n"
        "swap2 p = (p.snd, p.fst)\n"
        "shift : Point -> Point\n"
        "shift p = {...p, x = p.x + 1}\n"
    )
    assert sigs["origin"] == "{x : Int, y : Int}"
    assert sigs["swap2"] == "{fst : a, snd : a} -> {fst : a, snd : a}"
    assert sigs["shift"] == "{x : Int, y : Int} -> {x : Int, y : Int}"


def test_user_list_type_shadows_list_name_but_not_brackets(tc) -> None:
    sigs = tc.ok(
        "List a = Nil | Cons a (List a)\n"
        "mylen : List a -> Int\n"
        "mylen Nil = 0\n"
        "mylen (Cons _ r) = 1 + mylen r\n"
        "blen : [a] -> Int\n"
        "blen xs = length xs\n"
    )
    assert sigs["mylen"] == "List a -> Int"
    assert sigs["blen"] == "List a -> Int"
    c = tc.check("List a = Nil | Cons a (List a)\nbad : List Int -> Int\nbad xs = length xs")
    assert c.errors and c.errors[0].code == "type_mismatch"


def test_redeclared_result_is_the_prelude_type(tc) -> None:
    sigs = tc.ok("Result a e = Ok a | Err e\nr = map_ok (\\x -> x + 1) (Ok 1)\nu = unwrap_or 0 r")
    assert sigs["r"] == "Result Int a"
    assert sigs["u"] == "Int"


def test_traits_and_constrained_impls(tc) -> None:
    sigs = tc.ok(
        "trait Label a\n"
        "  label : a -> String\n"
        "Opt a = Some a | Empty\n"
        "impl Label Int\n"
        '  label n = "n${n}"\n'
        "impl Label (Opt a) ? Label a\n"
        '  label Empty = "nothing"\n'
        '  label (Some v) = "some " ++ label v\n'
        "many xs = map label xs\n"
        "ok1 = label (Some 4)\n"
        "ok2 = label (Some (Some 1))\n"
    )
    assert sigs["many"] == "Label a => List a -> List String"
    assert sigs["ok1"] == "String"
    assert sigs["ok2"] == "String"


def test_derive_gives_ordering_and_eq_cmp(tc) -> None:
    sigs = tc.ok(
        "Color = Red | Green | Blue derive (Show, Eq, Ord)\n"
        "lt = Red < Blue\n"
        "e = eq Red Green\n"
        "c = cmp Red Green\n"
        "best cs = foldl (\\m c -> ? c > m -> c : m) Red cs\n"
        "Box a = Box a derive (Eq, Ord)\n"
        "boxes = Box 1 < Box 2\n"
    )
    assert sigs["lt"] == "Bool"
    assert sigs["e"] == "Bool"
    assert sigs["c"] == "Int"
    assert sigs["best"] == "List Color -> Color"


def test_user_show_trait_does_not_replace_builtin_show(tc) -> None:
    sigs = tc.ok(
        "trait Show a\n"
        "  show : a -> String\n"
        "Color = Red | Green\n"
        "impl Show Color\n"
        '  show Red = "red"\n'
        '  show Green = "green"\n'
        "Size = Big | Small\n"
        "s1 = show Red\n"
        "s2 = show Big\n"
        "s3 = show 42\n"
    )
    assert sigs["s1"] == sigs["s2"] == sigs["s3"] == "String"


def test_polymorphic_recursion_with_signature(tc) -> None:
    sigs = tc.ok(
        "Nested a = Flat a | Nest (Nested (List a))\n"
        "depth : Nested a -> Int\n"
        "depth (Flat _) = 0\n"
        "depth (Nest n) = 1 + depth n\n"
    )
    assert sigs["depth"] == "Nested a -> Int"


def test_tests_and_props_are_bool(tc) -> None:
    c = tc.check('add a b = a + b\ntest "adds" = add 1 2 == 3\ntest "p" = prop x -> add x 0 == x')
    assert not c.errors
    assert list(c.report.prop_types.values()) == [["Int"]]
    c = tc.check('test "bad" = 1 + 1')
    assert c.errors and c.errors[0].code == "type_mismatch"


def test_record_types_map(tc) -> None:
    from synoema import ast as A

    c = tc.check("f n = n + 1\nv = f 2", record_types=True)
    body = c.unit.func("v").equations[0].body
    assert isinstance(body, A.App)
    assert c.report.expr_type(body) == "Int"
    assert c.report.expr_type(body.fn) == "Int -> Int"
