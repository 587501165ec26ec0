"""The built-in functions of Synoema: names, arities, types and capabilities.

One table shared by the resolver (which names exist), the type checker (their types, in Synoema
notation), the evaluator (arity and which capability a call needs), the assistant (documentation)
and the repair engine (did-you-mean for names from other languages).
"""

from __future__ import annotations

from ._record import record

# Capabilities a builtin needs; the sandbox refuses all but "pure" and "io" unless allowed.
PURE, IO, FILE, NET, PROC, ENV = "pure", "io", "file", "net", "proc", "env"


@record
class Builtin:
    name: str
    arity: int
    type: str
    doc: str
    capability: str = PURE


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in [
        Builtin("print", 1, "a -> ()", "print a value and a newline", IO),
        Builtin("show", 1, "a -> String", "display any value as a string"),
        Builtin("readline", 0, "String", "read one line from standard input (without the newline)", IO),
        Builtin("length", 1, "List a -> Int", "number of elements of a list"),
        Builtin("head", 1, "List a -> a", "first element; runtime error on []"),
        Builtin("tail", 1, "List a -> List a", "all but the first element; runtime error on []"),
        Builtin("even", 1, "Int -> Bool", "is the number even"),
        Builtin("odd", 1, "Int -> Bool", "is the number odd"),
        Builtin("not", 1, "Bool -> Bool", "logical negation"),
        Builtin("sum", 1, "List Int -> Int", "sum of a list of Int"),
        Builtin("map", 2, "(a -> b) -> List a -> List b", "apply a function to every element"),
        Builtin("filter", 2, "(a -> Bool) -> List a -> List a", "keep the elements that satisfy a predicate"),
        Builtin("foldl", 3, "(b -> a -> b) -> b -> List a -> b", "left fold: foldl f acc xs"),
        Builtin("concatMap", 2, "(a -> List b) -> List a -> List b", "map then concatenate"),
        Builtin("zip", 2, "List a -> List a -> List (List a)", "pair up elements as two-element lists [x y], stopping at the shorter list"),
        Builtin("index", 2, "Int -> List a -> a", "element at a 0-based index; runtime error when out of bounds"),
        Builtin("take", 2, "Int -> List a -> List a", "the first n elements"),
        Builtin("drop", 2, "Int -> List a -> List a", "all but the first n elements"),
        Builtin("reverse", 1, "List a -> List a", "reverse a list"),
        Builtin("sqrt", 1, "Num a => a -> Float", "square root (of an Int or a Float)"),
        Builtin("floor", 1, "Float -> Float", "round down"),
        Builtin("ceil", 1, "Float -> Float", "round up"),
        Builtin("round", 1, "Float -> Float", "round to nearest, halves away from zero"),
        Builtin("abs", 1, "Num a => a -> a", "absolute value"),
        Builtin("str_len", 1, "String -> Int", "number of characters"),
        Builtin("str_slice", 3, "String -> Int -> Int -> String", "str_slice s from to: characters from..to-1"),
        Builtin("str_find", 3, "String -> String -> Int -> Int", "str_find s sub start: index of sub at or after start, -1 if absent"),
        Builtin("str_starts_with", 2, "String -> String -> Bool", "str_starts_with s prefix"),
        Builtin("str_trim", 1, "String -> String", "remove leading and trailing whitespace"),
        Builtin("str_join", 2, "String -> List String -> String", "str_join sep parts"),
        Builtin("json_escape", 1, "String -> String", "escape a string for a JSON document"),
        Builtin("json_parse", 1, "String -> Result JsonValue String", "parse a JSON document"),
        Builtin("error", 1, "String -> a", "stop the program with a runtime error"),
        Builtin("file_read", 1, "String -> String", "read a whole file", FILE),
        Builtin("fd_open", 1, "String -> Int", "open a file for reading, returns a handle", FILE),
        Builtin("fd_open_write", 1, "String -> Int", "open a file for writing, returns a handle", FILE),
        Builtin("fd_readline", 1, "Int -> String", "read a line from a handle (empty at the end)", FILE),
        Builtin("fd_write", 2, "Int -> String -> ()", "write a string to a handle", FILE),
        Builtin("fd_close", 1, "Int -> ()", "close a handle", FILE),
        Builtin("fd_popen", 1, "String -> Int", "run a shell command, returns a handle on its output", PROC),
        Builtin("tcp_listen", 1, "Int -> Int", "listen on a loopback TCP port", NET),
        Builtin("tcp_accept", 1, "Int -> Int", "accept a connection on a listening handle", NET),
        Builtin("env", 1, "String -> String", "an environment variable, empty when unset", ENV),
        Builtin("env_or", 2, "String -> String -> String", "an environment variable with a default", ENV),
        Builtin("args", 0, "List String", "command-line arguments given after --", ENV),
    ]
}

# Defined when a type derives Eq / Ord.
DERIVED: dict[str, Builtin] = {
    "eq": Builtin("eq", 2, "Eq a => a -> a -> Bool", "structural equality (from derive Eq)"),
    "cmp": Builtin("cmp", 2, "Ord a => a -> a -> Int", "comparison: -1, 0 or 1 (from derive Ord)"),
}

# Names models bring from Python, Haskell and JavaScript, with what to write in Synoema.
FOREIGN_NAMES: dict[str, str] = {
    "len": "length xs (for lists) or str_len s (for strings)",
    "size": "length xs",
    "count": "length (filter p xs)",
    "str": "show x",
    "toString": "show x",
    "to_string": "show x",
    "tostring": "show x",
    "string": "show x",
    "repr": "show x",
    "println": "print x",
    "putStrLn": "print x",
    "putStr": "print x",
    "printf": 'print ("text ${x}")',
    "console": "print x",
    "echo": "print x",
    "input": "readline",
    "getLine": "readline",
    "foldr": "foldl (with the arguments of the step function swapped) or explicit recursion",
    "fold": "foldl f acc xs",
    "reduce": "foldl f acc xs",
    "concat": "xs ++ ys, or foldl (\\acc x -> acc ++ x) [] xss",
    "flatten": "concatMap (\\x -> x) xss",
    "join": 'str_join ", " parts',
    "split": "str_find and str_slice (there is no split builtin)",
    "upper": "no case-conversion builtin exists; map characters yourself",
    "lower": "no case-conversion builtin exists; map characters yourself",
    "toUpper": "no case-conversion builtin exists",
    "toLower": "no case-conversion builtin exists",
    "strip": "str_trim s",
    "trim": "str_trim s",
    "startswith": "str_starts_with s prefix",
    "startsWith": "str_starts_with s prefix",
    "substring": "str_slice s from to",
    "substr": "str_slice s from to",
    "slice": "str_slice s from to (strings) or take/drop (lists)",
    "find": "str_find s sub 0",
    "indexOf": "str_find s sub 0",
    "nth": "index i xs",
    "get": "index i xs",
    "at": "index i xs",
    "elem": "length (filter (\\y -> y == x) xs) > 0",
    "contains": "length (filter (\\y -> y == x) xs) > 0",
    "includes": "length (filter (\\y -> y == x) xs) > 0",
    "append": "xs ++ [x]",
    "push": "xs ++ [x]",
    "cons": "x : xs",
    "first": "head xs",
    "rest": "tail xs",
    "last": "head (reverse xs)",
    "init": "reverse (tail (reverse xs))",
    "null": "xs == []",
    "isEmpty": "xs == []",
    "empty": "xs == []",
    "range": "[a..b] (inclusive)",
    "enumerate": "zip [0..(length xs - 1)] xs",
    "max": "a local helper: max2 a b = ? a > b -> a : b",
    "min": "a local helper: min2 a b = ? a < b -> a : b",
    "maximum": "foldl (\\m x -> ? x > m -> x : m) (head xs) xs",
    "minimum": "foldl (\\m x -> ? x < m -> x : m) (head xs) xs",
    "div": "a / b (Int division truncates)",
    "mod": "a % b",
    "pow": "a ** b",
    "toFloat": "no Int-to-Float conversion exists; write Float literals such as 2.0",
    "fromIntegral": "no Int-to-Float conversion exists; write Float literals such as 2.0",
    "float": "no Int-to-Float conversion exists; write Float literals such as 2.0",
    "int": "no conversion builtin exists",
    "truncate": "floor x",
    "negate": "-x or (0 - x)",
    "and": "a && b",
    "or": "a || b",
    "all": "foldl (\\acc x -> acc && p x) true xs",
    "any": "foldl (\\acc x -> acc || p x) false xs",
    "id": "\\x -> x",
    "const": "\\_ -> x",
    "flip": "\\a b -> f b a",
    "lambda": "\\x -> body",
    "self": "a parameter (Synoema has no objects)",
    "this": "a parameter (Synoema has no objects)",
    "nil": "[]",
    "none": "[] or a constructor of your own type",
    "undefined": 'error "message"',
    "raise": 'error "message"',
    "throw": 'error "message"',
    "panic": 'error "message"',
    "exit": "end main with the value to print",
    "sorted": "a sort function of your own (e.g. quicksort with filter)",
    "sort": "a sort function of your own (e.g. quicksort with filter)",
    "lines": "str_find/str_slice on \"\\n\" (there is no lines builtin)",
    "words": "str_find/str_slice on \" \" (there is no words builtin)",
    "unwords": 'str_join " " parts',
    "unlines": 'str_join "\\n" parts',
    "replicate": "map (\\_ -> x) [1..n]",
    "zipWith": "map (\\p -> f p.fst p.snd) (zip xs ys)",
    "iterate": "explicit recursion",
    "sqrtf": "sqrt x",
    "fabs": "abs x",
}

FOREIGN_CONSTRUCTORS: dict[str, str] = {
    "True": "true",
    "False": "false",
    "None": "a constructor of your own type (`Maybe a = Just a | None`) or `Err`",
    "Nothing": "define `Maybe a = Just a | None` (Maybe is not built in) or use Result",
    "Just": "define `Maybe a = Just a | None` first (Maybe is not built in)",
    "Some": "define `Option a = Some a | None` first, or use Result (`Ok x`)",
    "Left": "Err e (from the built-in `Result a e = Ok a | Err e`)",
    "Right": "Ok x (from the built-in `Result a e = Ok a | Err e`)",
    "Nil": "[] (the empty list)",
    "Cons": "x : xs",
    "Null": "a constructor of your own type",
}
