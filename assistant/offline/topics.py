"""Concept cards: short, exact answers about the language's syntax and semantics, each with an example
that is run when shown. A card is chosen by the words and symbols of the question (typos tolerated),
so "Is there a where clause?" gets the card on `where`, not the nearest passage.

Cards state plainly what does not exist ("Synoema has no `where`") and what to write instead.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    triggers: tuple[tuple[str, int], ...]  # (regex over the lower-cased question, weight)
    text: str
    example: str = ""
    stdin: str = ""


def _c(id: str, title: str, triggers: str, text: str, example: str = "", stdin: str = "") -> Card:
    """`triggers` is `regex=weight` entries separated by ` ;; ` (weight 2 when omitted)."""
    out = []
    for part in triggers.split(" ;; "):
        pat, _, w = part.rpartition("=") if re.search(r"=\d+$", part) else (part, "", "2")
        out.append((pat, int(w)))
    return Card(id, title, tuple(out), text, example, stdin)


CARDS: tuple[Card, ...] = (
    _c("conditional", "Conditionals", r"\bif\b ;; \belse\b ;; ternary=3 ;; conditional=3 ;; \bif ?statement=3 ;; \bguards?\b=3",
       "Synoema has no `if`/`then`/`else` keywords: a conditional is the expression `? cond -> a : b` "
       "(both branches required, both of the same type).",
       'sign x = ? x < 0 -> "negative" : "not negative"\n\nmain = sign (-4)'),
    _c("else-if", "Several branches (else if)", r"\belif\b=4 ;; else ?if=4 ;; elseif=4 ;; multiple branches=4 ;; "
       r"multi-?branch=4 ;; chain.*(condition|if)=4 ;; several (conditions|branches)=4 ;; "
       r"(conditions|branches|ifs?) chain=4 ;; nested (if|conditional|ternar)\w*=4",
       "Chain conditionals: each further test starts a new line with `: ? cond -> value`, and the last line "
       "is the final `: value`.",
       'grade n =\n  ? n >= 90 -> "A"\n  : ? n >= 80 -> "B"\n  : "C"\n\nmain = map grade [95 85 70]'),
    _c("lambda", "Lambdas", r"lambda=3 ;; anonymous=3 ;; \\\\=1 ;; arrow function=3 ;; closure=2 ;; backslash=4",
       "A lambda is `\\x -> body`; with two parameters `\\x y -> body`. A lambda bound to a name is a "
       "function: `square = \\x -> x * x`.",
       "add = \\x y -> x + y\n\nmain = map (\\x -> add x 10) [1 2 3]"),
    _c("where", "No `where`", r"\bwhere\b=5 ;; \bwher\b=5",
       "Synoema has no `where` clause. Put local bindings on indented lines *before* the result: each line "
       "`name = expr`, the last line is the value.",
       "hyp a b =\n  a2 = a * a\n  b2 = b * b\n  a2 + b2\n\nmain = hyp 3 4"),
    _c("define-function", "Defining functions", r"\bdef\b=4 ;; define (a )?functions?=3 ;; "
       r"functions? (that )?takes?=3 ;; declare a function=3 ;; function definition=3 ;; "
       r"(two|2|several|multiple) (arguments|args|parameters|params)=3 ;; how (do i |to )?(write|make) a function=2",
       "Synoema has no `def` (and no `fun`/`fn`/`function`): a function is `name args = body`, parameters "
       "separated by spaces without parentheses; call it as `name a b`.",
       "add x y = x + y\n\nmain = add 2 3"),
    _c("no-return", "No `return`", r"\breturn\b=4 ;; return a value=2",
       "Synoema has no `return`: a body is an expression, and its last expression is the result.",
       "double x = x * 2\n\nmain = double 21"),
    _c("comments", "Comments", r"comment=4 ;; /\*=2 ;; //=1 ;; #=1 ;; ---=4 ;; `--`=4",
       "Comments start with `--` and run to the end of the line; `---` starts a doc comment. There are no "
       "block comments: `/* */`, `//` and `#` are not comments in Synoema.",
       "-- a line comment\n--- doubles its argument\ndouble x = x * 2\n\nmain = double 4"),
    _c("list-literals", "Lists", r"\blists?\b=1 ;; commas?=3 ;; \[1, =3 ;; array=1 ;; (write|make|create) a list=3",
       "A list is written `[1 2 3]`: elements separated by spaces, no commas; `[]` is the empty list. "
       "Compound elements need parentheses: `[(x + 1) (f y)]`.",
       "xs = [1 2 3]\n\nmain = xs ++ [4]"),
    _c("negative", "Negative numbers", r"negative=4 ;; minus=2 ;; \[-\d=4",
       "A negative number as a list element or an argument goes in parentheses: `[(-1) 2 3]`, `abs (-3)`; "
       "a bare `-1` there reads as a subtraction.",
       "main = [(-1) 2 (abs (-3))]"),
    _c("range", "Ranges", r"\branges?\b=4 ;; from \d+ to \d+=2 ;; inclusive=3 ;; exclusive=2 ;; \[\d+\.\.\d+\]=3",
       "A range is `[a..b]`: both ends inclusive (`[1..5]` is `[1 2 3 4 5]`), empty when `a > b`.",
       "main = [1..5]"),
    _c("comprehension", "List comprehensions", r"comprehension=5",
       "A comprehension is `[expr | x <- xs, condition]`: generators with `<-`, filters after commas.",
       "main = [x * x | x <- [1..10], x % 2 == 0]"),
    _c("adt", "Algebraic data types", r"data ?type=3 ;; \bdata\b=3 ;; algebraic=4 ;; \badts?\b=4 ;; \benum=3 ;; "
       r"sum type=4 ;; variant=2 ;; tagged union=3 ;; custom type=3 ;; own type=2 ;; define a (new )?type=3 ;; "
       r"constructors?=2 ;; (inside|in) a constructor=5",
       "There is no `data` keyword: declare a type as `Shape = Circle Int | Rect Int Int`, constructors "
       "separated by `|`, and match constructors with one equation each.",
       "Shape = Circle Int | Rect Int Int\n\narea (Circle r) = 3 * r * r\narea (Rect w h) = w * h\n\n"
       "main = map area [(Circle 2) (Rect 3 4)]"),
    _c("maybe", "Maybe / optional values", r"\bmaybe\b=4 ;; \boption(al)?\b=3 ;; \bnull\b=3 ;; \bnone\b=3 ;; "
       r"\bnil\b=3 ;; nothing=2",
       "There is no built-in `Maybe`, `null` or `None`: declare `Maybe a = Just a | None` yourself, or use "
       "the built-in `Result a e = Ok a | Err e`.",
       "Maybe a = Just a | None\n\nsafe_head [] = None\nsafe_head (x:_) = Just x\n\n"
       "main = [(safe_head [1 2]) (safe_head [])]"),
    _c("derive", "derive", r"deriv=5",
       "Put `derive (Show, Eq)` (also `Ord`) after a type's constructors to get `show`, `==` and ordering.",
       "Color = Red | Green | Blue derive (Show, Eq)\n\nmain = show Green"),
    _c("records", "Records", r"records?=3 ;; struct=3 ;; objects?\b=1 ;; field=2 ;; (access|read|get).*field=4",
       "A record is `{x = 1, y = 2}` (fields separated by commas); read a field with `p.x`; copy with "
       "changes as `{...p, x = 5}`. Pass a field as an argument in parentheses: `f (p.x)`.",
       "p = {x = 1, y = 2}\n\nmain = p.x + p.y"),
    _c("record-update", "Updating a record", r"update=2 ;; (one|a|single) field=3 ;; copy.*record=4 ;; "
       r"spread=4 ;; \.\.\.=3 ;; change.*field=4",
       "Records are immutable: `{...p, x = 5}` builds a copy of `p` with `x` replaced.",
       "p = {x = 1, y = 2}\nmoved = {...p, x = p.x + 10}\n\nmain = moved"),
    _c("annotations", "Type annotations", r"annotat=4 ;; type signature=4 ;; signature syntax=4 ;; "
       r"(add|write|declare) a type=3 ;; type declaration=2 ;; function type=4 ;; "
       r"returning (a |an )?\w+=2",
       "A type annotation is a line `name : Type` above the equations, e.g. `add : Int -> Int -> Int`, or "
       "`between : Int -> Int -> Bool` for two Ints returning a Bool; annotations are optional (types are "
       "inferred).",
       "add : Int -> Int -> Int\nadd x y = x + y\n\nmain = add 2 3"),
    _c("local-bindings", "Local bindings", r"local (variable|binding|name|definition)s?=4 ;; "
       r"inside a function=2 ;; intermediate=2 ;; temporar=2",
       "Local names go on indented lines of the body: `name = expr` lines, then the result on the last "
       "line. They take no parameters (bind a lambda: `sq = \\x -> x * x`).",
       "area w h =\n  inner = w - 2\n  inner * h\n\nmain = area 5 3"),
    _c("let", "No `let`", r"\blet\b=4",
       "Synoema has no `let ... in`: write `x = value` on an indented line of the block, then the expression "
       "that uses it on the last line.",
       "main =\n  x = 5\n  x * 2"),
    _c("pipe", "The pipe `|>`", r"\|>=5 ;; \bpipe=4 ;; pipeline=3",
       "`x |> f` is `f x`: the left side becomes the last argument of the right side, so "
       "`xs |> filter even |> sum` reads left to right.",
       "main = [1..10] |> filter (\\x -> x % 2 == 0) |> map (\\x -> x * x) |> sum"),
    _c("compose", "Composition `>>`", r"compos=5 ;; >>=4",
       "`f >> g` composes left to right: `(f >> g) x` is `g (f x)`.",
       "inc x = x + 1\ndouble x = x * 2\n\nmain = (inc >> double) 5"),
    _c("interpolation", "String interpolation", r"interpolat=5 ;; f-?strings?=4 ;; \$\{=4 ;; "
       r"(variable|value|number) (in|into|inside) (a |the )?(string|message)=4 ;; template=2 ;; format=2",
       "Interpolate with `${...}` inside a string: `\"x = ${x}\"` (any expression; it is shown with `show`). "
       "Or join with `++` and `show`: `\"x = \" ++ show x`.",
       'x = 42\n\nmain = "x = ${x}, twice ${x * 2}"'),
    _c("traits", "Traits (type classes)", r"trait=4 ;; type ?class=4 ;; interface=3 ;; \binstance=2",
       "Type classes are `trait Name a` with indented method signatures, implemented by `impl Name Type` "
       "with indented equations (Haskell's `class`/`instance`).",
       "trait Describe a\n  describe : a -> String\n\nColor = Red | Blue\n\nimpl Describe Color\n"
       '  describe Red = "warm"\n  describe Blue = "cold"\n\nmain = describe Blue'),
    _c("modules", "Modules", r"modules?=4 ;; \bmod\b=4 ;; namespace=3 ;; `use`=4 ;; \buse\b \w+ \(=4",
       "A module is `mod Name` with indented definitions; bring names in with `use Name (f g)` (or "
       "`use Name (*)`).",
       "mod Geometry\n  square x = x * x\n\nuse Geometry (square)\n\nmain = square 5"),
    _c("import", "Importing files", r"\bimport=4 ;; (another|other|separate) file=4 ;; include=2",
       "`import \"util.sno\"` loads another file (paths relative to the importing file); then "
       "`use Util (f g)` for the names of its `mod Util`. Circular imports are an error.",
       ""),
    _c("cons-pattern", "Matching head and tail", r"head and tail=5 ;; \(?x:xs\)?=5 ;; cons pattern=5 ;; "
       r"destructur=3 ;; split.*list.*(head|first)=3",
       "Match a non-empty list with `(x:xs)` — the parentheses are required — and the empty list with `[]`, "
       "one equation each.",
       "total [] = 0\ntotal (x:xs) = x + total xs\n\nmain = total [1 2 3]"),
    _c("wildcard", "The wildcard `_`", r"wildcard=5 ;; underscore=4 ;; \b_\b=3 ;; catch-?all=3",
       "`_` is the wildcard pattern: it matches anything without binding it, e.g. a last catch-all "
       "equation `f _ = ...`.",
       'describe 0 = "zero"\ndescribe _ = "other"\n\nmain = describe 7'),
    _c("no-case", "No `case`/`switch`/`match`", r"\bcase\b=4 ;; switch=4 ;; \bmatch\b (statement|expression)=4 ;; "
       r"\bmatch\b=1",
       "Synoema has no `case ... of`, `switch` or `match`: pattern matching is written as several equations "
       "of a function, one per pattern, tried top to bottom.",
       'name 1 = "one"\nname 2 = "two"\nname _ = "many"\n\nmain = map name [1 2 3]'),
    _c("literal-patterns", "Literal patterns", r"(number|literal|string) (literal|pattern)=4 ;; "
       r"match on a (number|string|literal)=4 ;; pattern match on (a )?(number|literal)=5",
       "Literals match in equations: `fac 0 = 1` then `fac n = n * fac (n - 1)`; string literals too.",
       "fac 0 = 1\nfac n = n * fac (n - 1)\n\nmain = fac 5"),
    _c("no-do", "No `do` notation", r"\bdo\b (notation|block)=5 ;; \bmonads?\b=3",
       "Synoema has no `do` notation: sequence effects with `;` on one line or as lines of an indented block; "
       "bind input with `line <- readline` or `line = readline`.",
       'main =\n  print "first"\n  print "second"'),
    _c("sequence", "Sequencing", r"sequenc=4 ;; (two|several|multiple) prints=4 ;; semicolon=4 ;; \s;\s=3 ;; "
       r"one after another=2",
       "Sequence expressions with `;` (`print \"a\" ; print \"b\"`) or put them on the lines of an indented "
       "block; the value is the last one.",
       'main = print "a" ; print "b"'),
    _c("indentation", "Indentation (offside rule)", r"indent=4 ;; offside=5 ;; whitespace=1 ;; spaces=1 ;; tabs?=2 ;; multi-?line=4 ;; "
       r"(several|many|multiple) lines=4 ;; line continuation=4",
       "Synoema uses the offside rule: a line indented deeper than the one before opens a block (2 spaces "
       "per level); the lines of one block start at the same column; there is no line continuation.",
       "main =\n  x = 2\n  y = 3\n  x * y"),
    _c("tests", "Tests", r"\btests?\b=3 ;; unit test=4 ;; doctest=4 ;; property=3 ;; \bprop\b=3",
       "Write `test \"name\" = expr` (a Bool) in the file and run `synoema test file.sno`; property tests are "
       "`test \"name\" = prop xs -> ...`; doc comments can hold `--- example: f 2 == 4`.",
       ""),
    _c("booleans", "Booleans", r"boolean=3 ;; \btrue\b=3 ;; \bfalse\b=3",
       "The Booleans are `true` and `false`, lowercase (not `True`/`False`); combine them with `&&`, `||`, "
       "`not`.",
       "main = true && not false"),
    _c("cons", "Prepending with `:`", r"\bcons\b=4 ;; prepend=4 ;; (front|start|beginning) of (a|the) list=4",
       "`x : xs` puts `x` in front of a list: `1 : [2 3]` is `[1 2 3]` (in a then-branch write it in "
       "parentheses: `? c -> (x : xs) : ys`).",
       "main = 0 : [1 2 3]"),
    _c("loops", "Loops", r"\bloops?\b=3 ;; \bwhile\b=4 ;; for loop=4 ;; \bfor\b=1 ;; iterat=2 ;; repeat=2",
       "Synoema has no `for` or `while` loops: use recursion, or `map`, `filter`, `foldl` or `for_each` over "
       "a list or a range such as `[1..5]`.",
       "main = for_each print [1..3]"),
    _c("int-division", "Integer division", r"integer division=5 ;; int division=5 ;; truncat=4 ;; floor(ed)?=1 ;; "
       r"\bdiv\b=3",
       "`/` on two Ints truncates toward zero: `7 / 2` is `3`, `-7 / 2` is `-3`; `%` keeps the sign of the "
       "dividend (`-7 % 3` is `-1`). Use Float operands (`7.0 / 2.0`) for a fractional result.",
       "main = [(7 / 2) (-7 / 2) (-7 % 3)]"),
    _c("int-float", "Int and Float", r"\bints?\b.*\bfloats?\b=3 ;; \bfloats?\b.*\bints?\b=3 ;; \bmix=3 ;; "
       r"tofloat=4 ;; fromintegral=4 ;; convert.*float=3",
       "Int and Float never mix: `1 + 2.5` is a type error (different types), and there is no Int-to-Float "
       "conversion. Write Float literals such as `1.0` on both sides, or keep everything Int.",
       "main = 1.0 + 2.5"),
    _c("strict", "Evaluation order", r"\blazy=5 ;; laziness=5 ;; strict=4 ;; eager=4 ;; evaluation order=4 ;; parallel=5 ;; concurren=4",
       "Synoema is strict (eager): arguments are evaluated before the call, in order, left to right (not in "
       "parallel); it is not lazy like Haskell, so infinite lists are not possible.",
       ""),
    _c("immutable", "Immutability", r"mutab=5 ;; reassign=5 ;; change (a|the|my) variable=5 ;; mutate=4 ;; "
       r"(modify|update) (a )?variable=4 ;; \+=\s*1=3",
       "All bindings are immutable: a name cannot be reassigned or changed. Compute a new value and give it "
       "a new name (`y = x + 1`), or pass it to a recursive call.",
       "main =\n  x = 1\n  y = x + 1\n  y"),
    _c("main-value", "What `main` prints", r"\bmain\b.*(show|print|value|return|end)=3 ;; ends with a print=4 ;; "
       r"\(\)=2 ;; unit=2",
       "Running a program evaluates `main`: it prints what `print` wrote, then main's value. When main ends "
       "with a `print`, that value is `()` (unit), so `()` is printed last.",
       'main = print "hi"'),
    _c("div-zero", "Division by zero", r"divid\w* by zero=5 ;; division by zero=5",
       "Division by zero (`/` or `%` with 0, Int or Float) stops the program with a division_by_zero runtime "
       "error; guard it: `? d == 0 -> 0 : n / d`.",
       "safe n d = ? d == 0 -> 0 : n / d\n\nmain = safe 10 0"),
    _c("int-size", "Int size", r"max(imum)? int=5 ;; integer size=5 ;; overflow=4 ;; 64.?bit=3 ;; "
       r"(biggest|largest) (int|integer|number)=5 ;; int range=4",
       "Int is a 64-bit signed integer: from -9223372036854775808 to 9223372036854775807; arithmetic wraps "
       "around on overflow (no error).",
       "main = 9223372036854775807 + 1"),
    _c("strings-not-lists", "Strings are not lists", r"strings? (are|as) lists?=5 ;; lists? of char=5 ;; "
       r"on a string=3 ;; \bchars?\b=2 ;; characters=2",
       "A String is not a list of characters: list functions (`head`, `length`, `reverse`) are a type error on "
       "it. Use `str_len`, `str_slice s from to`, `str_find` instead.",
       'main = str_slice "hello" 0 1'),
    _c("same-type", "Both branches one type", r"same type=4 ;; both branches=4 ;; branch types=4",
       "Both branches of `? c -> a : b` must have the same type (the checker reports a type_mismatch "
       "otherwise).",
       'main = ? 1 > 0 -> "yes" : "no"'),
    _c("truthiness", "Conditions need a Bool", r"truthy=5 ;; falsy=5 ;; \bints? as (a )?condition=5 ;; "
       r"0 (is )?false=4",
       "A condition must be a Bool: there is no truthiness, so `? n -> ...` with an Int is a type error. "
       "Compare instead: `? n != 0 -> a : b`.",
       'main = ? 3 != 0 -> "nonzero" : "zero"'),
    _c("display", "How values print", r"quotes=4 ;; how (is|are) .* (shown|printed|displayed)=4",
       "`print` shows a String without quotes, lists as `[1 2 3]`, records as `{x = 1, y = 2}`, Floats with "
       "a decimal point (`2.0`).",
       'main = print "text" ; print [1 2] ; 2.0'),
    _c("maps", "Maps (dictionaries)", r"dictionar=5 ;; hash ?map=5 ;; \bdict\b=5 ;; key.?value=4 ;; "
       r"associative=4 ;; map type=3 ;; map functions=4 ;; \bmaps\b=2",
       "The prelude has immutable maps: `map_empty`, `map_insert k v m`, `map_lookup k m` (a Result), "
       "`map_get k default m`, `has_key`, `map_keys`, `map_values`, `map_delete`.",
       'm = map_insert "pen" 3 (map_insert "ink" 4 map_empty)\n\nmain = [(map_get "pen" 0 m) (map_get "cap" 0 m)]'),
    _c("string-length", "String length", r"length of (a |the )?strings?=5 ;; string length=5 ;; "
       r"length on (a )?string=5 ;; characters in (a )?string=4",
       "`str_len s` is the number of characters of a String; `length` is for lists only.",
       'main = str_len "hello"'),
    _c("input", "Reading input", r"stdin=4 ;; user input=5 ;; read (a )?line=4 ;; \binput\b=3 ;; keyboard=3",
       "`readline` reads one line of standard input (without the newline): `name = readline` in a block, "
       "or `line <- readline`.",
       'main =\n  name = readline\n  "hello ${name}"', "Ada\n"),
    _c("string-concat", "Joining strings", r"concatenat\w* (two )?strings=5 ;; join (two )?strings=4 ;; "
       r"string concat=5 ;; combine strings=4 ;; \+ on strings=4 ;; add strings=4",
       "Join Strings with `++` (`+` only adds numbers): `\"a\" ++ \"b\"`; a list of strings with "
       "`str_join sep parts`.",
       'main = "Hello, " ++ "world"'),
    _c("result", "Errors and Result", r"exceptions?=4 ;; \btry\b=3 ;; \bcatch\b=3 ;; error handling=4 ;; "
       r"result type=4 ;; recoverable=3",
       "There are no exceptions: return `Ok value` or `Err message` (the built-in `Result`), and handle it "
       "with `unwrap_or`, `map_ok`, `and_then` or equations; `error \"msg\"` stops the program.",
       'safe_div _ 0 = Err "division by zero"\nsafe_div a b = Ok (a / b)\n\n'
       "main = [(safe_div 10 2) (safe_div 1 0)]"),
    _c("printing", "Printing", r"how (do i |to )?print=4 ;; print (a|to|something)=2 ;; console=2",
       "`print v` writes a value and a newline and returns `()`; sequence prints with `;` or block lines.",
       'main = print "hello" ; print 42'),
    _c("not-equal", "Equality and inequality", r"not equal=5 ;; inequality=5 ;; !==4 ;; <>=4 ;; /==4 ;; ===3",
       "Equality is `==`, inequality `!=` (not `<>`, `/=` or `!==`); there is no `===`.",
       "main = [(1 == 1) (1 != 2)]"),
    _c("logic", "Logical operators", r"logical=4 ;; boolean operators=5 ;; &&=4 ;; \|\|=4 ;; \band\b.*\bor\b=3 ;; short.?circuit=5 ;; "
       r"both sides=3",
       "`&&` is and, `||` is or, `not x` negates; there are no `and`/`or` keywords and no `!` prefix. `&&` and "
       "`||` short-circuit: the right side is evaluated only when the left side does not decide the result.",
       "main = (true && false) || not false"),
    _c("precedence", "Operator precedence", r"precedence=5 ;; binds tighter=4 ;; order of operations=4",
       "Loosest to tightest: `|>`, `||`, `&&`, `==` `!=`, `<` `>` `<=` `>=`, `++`, `+` `-`, `*` `/` `%`, "
       "`**` (right-associative), `>>`, field access `.`, application `f x`.",
       "main = 2 + 3 * 4"),
    _c("inference", "Type inference", r"inferen=4 ;; \binfer=4 ;; do i (need|have) to (write|declare) types=5",
       "Types are inferred (Hindley-Milner): annotations such as `f : Int -> Int` are optional.", ""),
    _c("tuples", "Tuples and pairs", r"tuples?=5 ;; \bpairs?\b=3 ;; (two|several|multiple) (return )?values=4 ;; return (two|several|multiple)=4",
       "There are no tuples: `zip` gives two-element lists `[x y]`; use a record `{a = 1, b = 2}` to group "
       "values of different types.",
       "main = zip [1 2] [3 4]"),
    _c("classes", "Classes and objects", r"\bclass(es)?\b=4 ;; \boop\b=4 ;; objects?=2 ;; methods?=2 ;; "
       r"\bself\b=3 ;; \bthis\b=1",
       "Synoema has no classes or objects: use records for data, functions that take the record as a "
       "parameter, and traits for shared behaviour.",
       "area r = r.w * r.h\n\nmain = area {w = 3, h = 4}"),
    _c("constants", "Constants and top-level values", r"constants?=4 ;; global (variable|value|name)s?=4 ;; "
       r"top.level (value|variable|name|definition)s?=4 ;; no arguments=4 ;; without (arguments|parameters)=4",
       "A definition without parameters is a constant: `rate = 5` at the top level (define it above its "
       "first use). Like every binding it is immutable.",
       "rate = 5\n\nprice n = n * rate\n\nmain = price 3"),
    _c("type-alias", "Type aliases", r"type alias=5 ;; alias=3 ;; \btype\b \w+ = =3",
       "`type Name = ...` declares a transparent alias, e.g. `type Point = {x : Int, y : Int}`.",
       "type Point = {x : Int, y : Int}\n\norigin : Point\norigin = {x = 0, y = 0}\n\nmain = origin.x"),
    _c("escapes", "Escapes in strings", r"escape=4 ;; quotes? (inside|in) (a )?string=5 ;; string (over|across|on) (several|multiple|many|two) lines=6 ;; "
       r"multi-?line strings?=6 ;; "
       r"string with a quote=5 ;; newline in (a )?string=5 ;; \\\\n=3 ;; literal dollar=4",
       "Inside a string: `\\\"` is a double quote, `\\n` a newline, `\\t` a tab, `\\\\` a backslash, `\\$` a "
       "literal dollar (so `${` does not interpolate), plus `\\r` and `\\0`.",
       'main = print "she said \\"hi\\"\\tthen left"'),
    _c("homogeneous", "One element type per list", r"(int|number)s? and (a )?strings?=3 ;; "
       r"mixed types?=4 ;; heterogen=5 ;; homogen=5 ;; different types.*list=4 ;; list.*different types=4",
       "A list holds elements of one type (lists are homogeneous): `[1 \"a\"]` is a type error. Group values "
       "of different types in a record, or declare an ADT with one constructor per kind.",
       'Item = Num Int | Text String derive (Show)\n\nmain = show [(Num 1) (Text "a")]'),
    _c("curried", "Currying and partial application", r"curr(y|ied|ying)=5 ;; partial(ly)? appl=5 ;; "
       r"partial function=3",
       "Functions are curried: `add x y` takes one argument at a time, so `add 10` is a function waiting for "
       "the second (partial application): `map (add 10) xs`.",
       "add x y = x + y\n\nmain = map (add 10) [1 2 3]"),
    _c("no-match-semantics", "When no equation matches", r"no (pattern|equation) match=5 ;; "
       r"(pattern|equation)s? (doesn'?t|does not|don'?t|do not) match=5 ;; missing (pattern|case)=4",
       "When no equation matches the arguments, the program stops with a no_match runtime error; the "
       "checker warns beforehand (non_exhaustive). End with a catch-all `_` equation.",
       'describe 0 = "zero"\ndescribe _ = "other"\n\nmain = describe 3'),
    _c("calls", "Calling functions", r"function calls?=4 ;; call(ing)? a function=4 ;; "
       r"parenthes\w* .*(call|function)=4 ;; apply(ing)? a function=3 ;; juxtaposition=5",
       "A call is the function name and its arguments separated by spaces (juxtaposition): `add 2 3`, no "
       "parentheses or commas around arguments. Parenthesise a nested call or a compound argument: "
       "`add (double 2) (abs (-3))`.",
       "add x y = x + y\ndouble x = x * 2\n\nmain = add (double 2) (abs (-3))"),
    _c("compare-types", "Comparing values of different types", r"(compar\w*|==|equal\w*).*\b(string|int|float|bool)s? "
       r"(and|with|to) (an? )?(string|int|float|bool)=5 ;; compare (a )?(string|int) (and|with|to)=5",
       "`==`, `!=`, `<` and the other comparisons need both sides of one type: comparing a String with an Int "
       "is a type error (different types). Convert first: `show n == s`.",
       'n = 42\n\nmain = show n == "42"'),
    _c("record-equality", "Comparing records", r"records? (are )?(compared|equal|equality)=5 ;; compar\w* records?=5",
       "Records compare structurally with `==`: equal when every field is equal.",
       "main = {x = 1, y = 2} == {x = 1, y = 2}"),
    _c("io", "Files, network and processes", r"touch files=5 ;; files?\b=2 ;; file (access|io)=5 ;; "
       r"(read|write|open) (to )?(a )?files?=5 ;; network=4 ;; sockets?=4 ;; shell command=4",
       "`file_read path` reads a whole file; `fd_open`/`fd_open_write` give a handle for `fd_readline`, "
       "`fd_write`, `fd_close`; `fd_popen` runs a command; `tcp_listen`/`tcp_accept` serve TCP. They need "
       "permissions: the assistant checks code in a sandbox without them (permission_denied), and "
       "`synoema run` allows them unless `--sandbox`.", ""),
    _c("recursion", "Recursion", r"recurs=4 ;; tail call=4",
       "Functions call themselves by name; write the base case as the first equation. Recursion, and `map`, "
       "`filter`, `foldl` or `for_each` over lists, replace loops.",
       "count 0 = 0\ncount n = 1 + count (n - 1)\n\nmain = count 5"),
)

_WORD = re.compile(r"[a-z_]+")


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    words: set[str] = set()
    for card in CARDS:
        for pat, _ in card.triggers:
            words.update(re.findall(r"[a-z]{4,}", re.sub(r"\\[a-zA-Z]", " ", pat)))
    return frozenset(words)


_ENGLISH = frozenset(["with", "what", "when", "have", "this", "that", "your", "from", "them", "they", "there", "their", "then", "than", "just", "into", "some", "does", "will", "would", "could", "should", "about", "which", "where", "make", "like", "more", "most", "much", "such", "very", "need", "want", "give", "gives", "show", "shows", "work", "works", "know", "used", "uses", "using", "write"])


def corrected(question: str) -> str:
    """The question lower-cased, with misspelt words (4+ letters) replaced by the nearest trigger word."""
    text = question.lower()
    vocab = _vocabulary()

    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        if len(w) < 4 or len(w) > 20 or w in vocab or w in _ENGLISH:
            return w
        close = difflib.get_close_matches(w, vocab, n=1, cutoff=0.85)
        return close[0] if close else w

    return _WORD.sub(fix, text)


def ranked(question: str) -> list[tuple[int, Card]]:
    text = corrected(question)
    scored = []
    for card in CARDS:
        s = sum(w for pat, w in card.triggers if re.search(pat, text))
        if s:
            scored.append((s, card))
    scored.sort(key=lambda sc: -sc[0])
    return scored


def best_card(question: str, minimum: int = 3) -> Card | None:
    hits = ranked(question)
    return hits[0][1] if hits and hits[0][0] >= minimum else None
