"""Our own Synoema programs for the offline engine tests: varied features, each runs under limits.

`PROGRAMS` maps a name to (source, stdin). `BROKEN` holds (name, broken source) pairs whose repair
should print what the original program of that name prints.
"""

from __future__ import annotations

PROGRAMS: dict[str, tuple[str, str]] = {
    "shapes": (
        """Shape = Circle Int | Rect Int Int | Dot derive (Show, Eq)

area (Circle r) = 3 * r * r
area (Rect w h) = w * h
area Dot = 0

main =
  shapes = [(Circle 2) (Rect 3 4) Dot]
  for_each (\\s -> print "${s}: ${area s}") shapes
  sum (map area shapes)
""",
        "",
    ),
    "factorial": (
        """fac 0 = 1
fac n = n * fac (n - 1)

main = map fac [0 1 5 10]
""",
        "",
    ),
    "fizzbuzz": (
        """label n =
  ? n % 15 == 0 -> "FizzBuzz"
  : ? n % 3 == 0 -> "Fizz"
  : ? n % 5 == 0 -> "Buzz"
  : show n

main = for_each print (map label [1..15])
""",
        "",
    ),
    "pipeline": (
        """square x = x * x

main = [1..10] |> filter even |> map square |> sum
""",
        "",
    ),
    "records": (
        """older p = {...p, age = p.age + 1}

describe p = "${p.name} is ${p.age}"

main =
  ann = {name = "Ann", age = 41}
  print (describe ann)
  describe (older ann)
""",
        "",
    ),
    "result_chain": (
        """safe_div _ 0 = Err "divide by zero"
safe_div a b = Ok (a / b)

halve_twice n = and_then (\\q -> safe_div q 2) (safe_div n 2)

main =
  print (halve_twice 40)
  print (safe_div 1 0)
  unwrap_or 0 (halve_twice 100)
""",
        "",
    ),
    "word_count": (
        """tally ws = foldl (\\m w -> map_insert w (map_get w 0 m + 1) m) map_empty ws

main =
  m = tally ["b" "a" "b" "c" "b"]
  print (map_keys m)
  map_get "b" 0 m
""",
        "",
    ),
    "tree": (
        """Tree = Leaf | Node Tree Int Tree

insert x Leaf = Node Leaf x Leaf
insert x (Node l v r) = ? x < v -> Node (insert x l) v r : Node l v (insert x r)

to_list Leaf = []
to_list (Node l v r) = to_list l ++ [v] ++ to_list r

depth Leaf = 0
depth (Node l _ r) =
  dl = depth l
  dr = depth r
  1 + (? dl > dr -> dl : dr)

main =
  t = foldl (\\acc x -> insert x acc) Leaf [5 3 8 1 4 9]
  print (to_list t)
  depth t
""",
        "",
    ),
    "quicksort": (
        """qsort [] = []
qsort (p:rest) = qsort (filter (\\x -> x < p) rest) ++ [p] ++ qsort (filter (\\x -> x >= p) rest)

main = qsort [3 1 4 1 5 9 2 6]
""",
        "",
    ),
    "strings": (
        """shout s = s ++ "!"

initials names = str_join "" (map (\\n -> str_slice n 0 1) names)

main =
  print (shout "hey")
  print (str_len "synoema")
  initials ["Ada" "Brian" "Curry"]
""",
        "",
    ),
    "comprehension": (
        """pairs n = [x * y | x <- [1..n], y <- [1..n], x < y]

main = pairs 4
""",
        "",
    ),
    "modules_traits": (
        """mod Temp
  to_f c = c * 9 / 5 + 32

use Temp (to_f)

trait Pretty a
  pretty : a -> String

Reading = Reading String Int

impl Pretty Reading
  pretty (Reading city c) = city ++ ": " ++ show c ++ "C"

main =
  rs = [(Reading "Oslo" (-5)) (Reading "Rome" 20)]
  print (map (\\(Reading _ c) -> to_f c) rs)
  str_join "; " (map pretty rs)
""",
        "",
    ),
    "maybe": (
        """Maybe a = Just a | None

safe_head [] = None
safe_head (x:_) = Just x

with_default d None = d
with_default _ (Just v) = v

main = [(with_default 0 (safe_head [7 8])) (with_default 0 (safe_head []))]
""",
        "",
    ),
    "accumulator": (
        """count_up acc [] = acc
count_up acc (x:xs) = count_up (acc + x) xs

rev_onto acc [] = acc
rev_onto acc (x:xs) = rev_onto (x : acc) xs

main =
  print (count_up 0 [1 2 3 4])
  rev_onto [] [1 2 3]
""",
        "",
    ),
    "readline": (
        """greet name = "Hello, ${name}!"

main =
  name = str_trim readline
  print (greet name)
  str_len name
""",
        "Ada\n",
    ),
    "signatures": (
        """add : Int -> Int -> Int
add a b = a + b

twice : (a -> a) -> a -> a
twice f x = f (f x)

main = twice (add 3) 10
""",
        "",
    ),
    "where_block": (
        """hyp a b = a2 + b2
  a2 = a * a
  b2 = b * b

main = hyp 3 4
""",
        "",
    ),
    "compose": (
        """inc x = x + 1
dbl x = x * 2

main =
  both = inc >> dbl
  map both [1 2 3]
""",
        "",
    ),
    "json": (
        """main =
  doc = unwrap (json_parse "{\\"n\\": 3, \\"tags\\": [1, 2]}")
  n = json_num (unwrap (json_get "n" doc))
  tags = map json_num (json_arr (unwrap (json_get "tags" doc)))
  n + sum tags
""",
        "",
    ),
    "enum_colors": (
        """Color = Red | Green | Blue derive (Show, Eq)

next Red = Green
next Green = Blue
next Blue = Red

main = map next [Red Green Blue]
""",
        "",
    ),
    "library_only": (
        """clamp lo hi x = ? x < lo -> lo : ? x > hi -> hi : x

average xs = sum xs / length xs
""",
        "",
    ),
    "runtime_error": (
        """first xs = head xs

main = first []
""",
        "",
    ),
}

# Broken versions of programs above: (name of the original, broken source).
BROKEN: list[tuple[str, str]] = [
    ("factorial", "fac 0 = 1\nfac n = n * fac (n - 1)\n\nmain = map fac [0, 1, 5, 10]\n"),
    ("pipeline", "square x = x * x\n\nmain = [1..10] |> filter even |> map square |> sum\n".replace("square x =", "def square(x):\n  return")),
    ("strings", PROGRAMS["strings"][0].replace('s ++ "!"', 's + "!"')),
    ("maybe", PROGRAMS["maybe"][0].replace("safe_head (x:_) = Just x", "safe_head x:_ = Just x")),
    ("fizzbuzz", """label n =
  if n % 15 == 0 then "FizzBuzz"
  else if n % 3 == 0 then "Fizz"
  else if n % 5 == 0 then "Buzz"
  else show n

main = for_each print (map label [1..15])
"""),
    ("enum_colors", PROGRAMS["enum_colors"][0].replace("map next [Red Green Blue]", "map next [Red, Green, Blue]")),
]

# Programs with a known lint, and the rule the review must report.
LINT_CASES: list[tuple[str, str]] = [
    ("double [] = []\ndouble (x:xs) = x * 2 : double xs\n\nmain = double [1 2 3]\n", "manual-recursion"),
    ("evens [] = []\nevens (x:xs) = ? even x -> (x : evens xs) : evens xs\n\nmain = evens [1 2 3 4]\n",
     "manual-recursion"),
    ("total [] = 0\ntotal (x:xs) = x + total xs\n\nmain = total [1 2 3]\n", "manual-recursion"),
    ("count [] = 0\ncount (_:xs) = 1 + count xs\n\nmain = count [1 2 3]\n", "manual-recursion"),
    ("prod [] = 1\nprod (x:xs) = x * prod xs\n\nmain = prod [1 2 3 4]\n", "manual-recursion"),
    ("Color = Red | Green | Blue derive (Show, Eq)\n\nname c = ? c == Red -> \"r\" : ? c == Green -> \"g\" : \"b\"\n\n"
     "main = map name [Red Green Blue]\n", "cond-to-equations"),
    ("get r = ? is_ok r -> unwrap r + 1 : 0\n\nmain = [(get (Ok 2)) (get (Err \"x\"))]\n", "cond-to-equations"),
    ("first_or xs = ? xs == [] -> 0 : head xs\n\nmain = [(first_or []) (first_or [4 5])]\n", "cond-to-equations"),
    ("Color = Red | Green | Blue derive (Show, Eq)\n\npick Red = 1\npick Green = 2\n\nmain = pick Red\n",
     "missing-case"),
    ("f x y = x + 1\n\nmain = f 1 2\n", "unused"),
    ("main =\n  a = 1\n  b = 2\n  a + 1\n", "unused"),
    ("helper x = x\n\nmain = 3\n", "unused"),
    ("first xs = head xs\n\nmain = first [1 2]\n", "partial-function"),
    ("get r = unwrap r\n\nmain = get (Ok 1)\n", "partial-function"),
    ("f map = map + 1\n\nmain = f 2\n", "shadowing"),
    ("f x = (\\x -> x + 1) x\n\nmain = f 2\n", "shadowing"),
    ("f x = (x + 1)\n\nmain = f (2)\n", "needless-parens"),
    ("f x = (x * 2) + 1\n\nmain = f 3\n", "needless-parens"),
    ("pos x = x > 0 == true\n\nmain = pos 3\n", "bool-compare"),
    ("pos x = ? x > 0 -> true : false\n\nmain = pos 3\n", "cond-bool"),
    ("total xs = foldl (\\acc x -> acc + x) 0 xs\n\nmain = total [1 2 3]\n", "fold-is-library"),
    ("count xs = foldl (\\acc _ -> acc + 1) 0 xs\n\nmain = count [1 2 3]\n", "fold-is-library"),
    ("empty xs = length xs == 0\n\nmain = [(empty []) (empty [1])]\n", "length-zero"),
    ("birthday p = {name = p.name, age = p.age + 1}\n\nmain = birthday {name = \"Mo\", age = 30}\n",
     "record-update"),
    ("msg n m = \"n=\" ++ show n ++ \", m=\" ++ show m\n\nmain = msg 1 2\n", "interpolation"),
]

CLEAN = """area w h = w * h

main = area 3 4
"""
