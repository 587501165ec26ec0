"""Names from Python, Haskell and JavaScript: rename to our builtins, or define what we lack.

`len` becomes `length` or `str_len` (whichever type-checks), `toString` becomes `show`, a typo becomes
the name the resolver suggests, and functions Synoema does not have (`foldr`, `concat`, `split`,
`upper`...) get a small definition of their own inserted at the top of the program, so the code the
model wrote keeps its shape and the user sees exactly what was added.
"""

from __future__ import annotations

import re

from ..edits import TextEdit
from ..lexer import LOWER, UPPER
from ..stdlib import BUILTINS
from .base import Ctx, Fix
from .text import paren

# name -> replacements to try, best first (a replacement may be an expression)
RENAMES: dict[str, tuple[str, ...]] = {
    "len": ("length", "str_len"),
    "size": ("length", "str_len"),
    "length": ("str_len",),
    "str_length": ("str_len",),
    "strlen": ("str_len",),
    "str": ("show",),
    "toString": ("show",),
    "to_string": ("show",),
    "tostring": ("show",),
    "string": ("show",),
    "repr": ("show",),
    "println": ("print",),
    "putStrLn": ("print",),
    "putStr": ("print",),
    "print_endline": ("print",),
    "puts": ("print",),
    "echo": ("print",),
    "input": ("readline",),
    "getLine": ("readline",),
    "strip": ("str_trim",),
    "trim": ("str_trim",),
    "startswith": ("str_starts_with",),
    "startsWith": ("str_starts_with",),
    "starts_with": ("str_starts_with",),
    "substring": ("str_slice",),
    "substr": ("str_slice",),
    "fold": ("foldl",),
    "foldLeft": ("foldl",),
    "fold_left": ("foldl",),
    "flatMap": ("concatMap",),
    "flat_map": ("concatMap",),
    "mapM_": ("for_each",),
    "forEach": ("for_each",),
    "fabs": ("abs",),
    "sqrtf": ("sqrt",),
    "truncate": ("floor",),
    "join": ("str_join",),
    "intercalate": ("str_join",),
    "first": ("head",),
    "rest": ("tail",),
    "concat": ("(str_join \"\")",),
    "fst": ("(\\p -> p.fst)",),
    "snd": ("(\\p -> p.snd)",),
}

# name -> Synoema definition (each uses only builtins or the helpers listed after it)
HELPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "foldr": ("foldr f z xs = foldl (\\acc x -> f x acc) z (reverse xs)", ()),
    "concat": ("concat xss = foldl (\\acc xs -> acc ++ xs) [] xss", ()),
    "elem": ("elem x xs = length (filter (\\y -> y == x) xs) > 0", ()),
    "notElem": ("notElem x xs = length (filter (\\y -> y == x) xs) == 0", ()),
    "contains": ("contains xs x = length (filter (\\y -> y == x) xs) > 0", ()),
    "product": ("product xs = foldl (\\acc x -> acc * x) 1 xs", ()),
    "maximum": ("maximum xs = foldl (\\m x -> ? x > m -> x : m) (head xs) (tail xs)", ()),
    "minimum": ("minimum xs = foldl (\\m x -> ? x < m -> x : m) (head xs) (tail xs)", ()),
    "max": ("max a b = ? a > b -> a : b", ()),
    "min": ("min a b = ? a < b -> a : b", ()),
    "replicate": ("replicate n x = map (\\_ -> x) [1..n]", ()),
    "zipWith": ("zipWith f (x:xs) (y:ys) = f x y : zipWith f xs ys\nzipWith _ _ _ = []", ()),
    "last": ("last xs = head (reverse xs)", ()),
    "init": ("init xs = reverse (tail (reverse xs))", ()),
    "null": ("null xs = length xs == 0", ()),
    "isEmpty": ("isEmpty xs = length xs == 0", ()),
    "any": ("any p xs = length (filter p xs) > 0", ()),
    "all": ("all p xs = length (filter p xs) == length xs", ()),
    "takeWhile": ("takeWhile _ [] = []\ntakeWhile p (x:xs) = ? p x -> (x : takeWhile p xs) : []", ()),
    "dropWhile": ("dropWhile _ [] = []\ndropWhile p (x:xs) = ? p x -> dropWhile p xs : (x:xs)", ()),
    "div": ("div a b = a / b", ()),
    "sort": ("sort [] = []\nsort (p:rest) = sort (filter (\\x -> x < p) rest) ++ [p] ++ sort (filter (\\x -> x >= p) rest)",
             ()),
    "sorted": ("sorted [] = []\nsorted (p:rest) = sorted (filter (\\x -> x < p) rest) ++ [p] ++ sorted (filter (\\x -> x >= p) rest)",
               ()),
    "split": (
        "split sep s =\n"
        "  k = str_find s sep 0\n"
        "  ? sep == \"\" -> map (\\i -> str_slice s i (i + 1)) [0..(str_len s - 1)]\n"
        "  : ? k < 0 -> [s] : (str_slice s 0 k) : (split sep (str_slice s (k + str_len sep) (str_len s)))",
        (),
    ),
    "words": ('words s = filter (\\w -> w != "") (split " " s)', ("split",)),
    "lines": ('lines s = split "\\n" s', ("split",)),
    "unwords": ('unwords ws = str_join " " ws', ()),
    "unlines": ('unlines ls = str_join "" (map (\\l -> l ++ "\\n") ls)', ()),
    "upper": ("upper s = map_chars_ \"abcdefghijklmnopqrstuvwxyz\" \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\" s", ("map_chars_",)),
    "lower": ("lower s = map_chars_ \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\" \"abcdefghijklmnopqrstuvwxyz\" s", ("map_chars_",)),
    "toUpper": ("toUpper s = map_chars_ \"abcdefghijklmnopqrstuvwxyz\" \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\" s",
                ("map_chars_",)),
    "toLower": ("toLower s = map_chars_ \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\" \"abcdefghijklmnopqrstuvwxyz\" s",
                ("map_chars_",)),
    "map_chars_": (
        "map_chars_ from to s =\n"
        "  conv = \\c -> (? str_find from c 0 < 0 -> c : str_slice to (str_find from c 0) (str_find from c 0 + 1))\n"
        '  str_join "" (map (\\i -> conv (str_slice s i (i + 1))) [0..(str_len s - 1)])',
        (),
    ),
    "range": ("range a b = [a..(b - 1)]", ()),
    "range1": ("range n = [0..(n - 1)]", ()),
    "enumerate": ("enumerate xs = zip [0..(length xs - 1)] xs", ()),
}
# helpers with a second form to try (by arity), keyed by the name used in code
HELPER_ALTERNATIVES: dict[str, tuple[str, ...]] = {"range": ("range", "range1")}

CONSTRUCTOR_HELPERS: dict[str, str] = {
    "Just": "Maybe a = Just a | Nothing",
    "Nothing": "Maybe a = Just a | Nothing",
}


def _unbound(ctx: Ctx) -> list[tuple[str, int, int, str | None, bool]]:
    """(name, start, end, did_you_mean, constructor) of each unbound name the resolver reports."""
    out = []
    for d in ctx.errors_with("unbound_variable"):
        if d.span is None or d.span.line <= 0:
            continue
        name = ctx.source[d.span.offset:d.span.end_offset]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_']*", name):
            continue
        out.append((name, d.span.offset, d.span.end_offset, d.did_you_mean, "constructor" in d.message))
    return out


def _occurrences(ctx: Ctx, name: str, kind: str) -> list[tuple[int, int]]:
    return [(k.start, k.end) for k in ctx.tokens.flat if k.kind == kind and k.value == name]


def _insert_point(ctx: Ctx) -> int:
    """After leading comments, `use` and `import` lines: where helper definitions go."""
    t = ctx.tokens
    for k in t.toks:
        if k.first and k.col == 1 and k.kind not in ("use", "import"):
            return k.start
    return 0


def helper_text(name: str, defined: set[str]) -> str:
    """The definition of helper `name`, preceded by the helpers it needs and the source lacks."""
    out: list[str] = []
    seen: set[str] = set()

    def add(n: str) -> None:
        if n in seen or n in defined:
            return
        seen.add(n)
        body, deps = HELPERS[n]
        for d in deps:
            add(d)
        out.append(body)

    add(name)
    return "\n".join(out) + "\n"


def _defined_names(ctx: Ctx) -> set[str]:
    return {str(k.value) for k in ctx.tokens.toks if k.first and k.col == 1 and k.kind == LOWER}


def fix_names(ctx: Ctx) -> list[Fix]:
    fixes: list[Fix] = []
    seen: set[str] = set()
    defined = _defined_names(ctx)
    for name, _start, _end, dym, is_con in _unbound(ctx):
        if name in seen:
            continue
        seen.add(name)
        kind = UPPER if is_con else LOWER
        occ = _occurrences(ctx, name, kind)
        if not occ:
            continue
        group = f"name:{name}"
        if is_con:
            if name in CONSTRUCTOR_HELPERS:
                at = _insert_point(ctx)
                fixes.append(Fix("foreign_name", f"`{name}` needs its type: `{CONSTRUCTOR_HELPERS[name]}` was added",
                                 [TextEdit(at, at, CONSTRUCTOR_HELPERS[name] + "\n")], group))
            elif dym and re.fullmatch(r"[A-Za-z_]\w*", dym):
                fixes.append(_rename(name, dym, occ, group))
            continue
        for new in RENAMES.get(name, ()):
            if new.split()[0].strip("(") in BUILTINS or new.startswith("(") or new in _prelude_names():
                fixes.append(_rename(name, new, occ, group))
        for key in HELPER_ALTERNATIVES.get(name, (name,)):
            if key in HELPERS and HELPERS[key][0]:
                at = _insert_point(ctx)
                text = helper_text(key, defined)
                fixes.append(Fix("missing_function",
                                 f"Synoema has no `{name}`; a definition was added: {text.splitlines()[0]}",
                                 [TextEdit(at, at, text)], group))
        if name not in RENAMES and name not in HELPERS and dym and re.fullmatch(r"[a-z_][A-Za-z0-9_]*", dym) \
                and dym != name:
            fixes.append(_rename(name, dym, occ, group, typo=True))
    return fixes


def _rename(name: str, new: str, occ: list[tuple[int, int]], group: str, typo: bool = False) -> Fix:
    reason = f"`{name}` is not defined; did you mean `{new}`?" if typo else f"Synoema writes `{new}`, not `{name}`"
    return Fix("typo" if typo else "foreign_name", reason, [TextEdit(a, b, new) for a, b in occ], group)


def _prelude_names() -> frozenset[str]:
    from ..library import prelude_functions

    return prelude_functions()


SWAPS = {"length": "str_len", "str_len": "length"}


def fix_string_list_mixups(ctx: Ctx) -> list[Fix]:
    """`length` on a String (or `str_len` on a list) reported elsewhere in the definition: try each call."""
    program = ctx.checked.program
    if program is None:
        return []
    from .. import ast as A

    fixes: list[Fix] = []
    for d in ctx.errors_with("type_mismatch"):
        if "String" not in d.message + str(d.data.get("found", "")) or "List" not in d.message + str(
                d.data.get("expected", "")) + str(d.data.get("found", "")):
            continue
        if d.data.get("argument") and d.data.get("found") == "String" and str(d.data.get("expected", "")).startswith("List"):
            got = _as_string_parameter(ctx, program, str(d.data.get("callee")), int(d.data["argument"]))
            if got is not None:
                fixes.append(got)
        where = d.data.get("definition")
        for decl in program.funcs():
            if where and decl.name != where:
                continue
            for eq in decl.equations:
                calls = [node for node in A.walk(eq.body) if isinstance(node, A.Var) and node.name in SWAPS]
                one_name = {node.name for node in calls}
                singles = [_swap(node) for node in calls]
                if len(calls) > 1 and len(one_name) == 1:  # `len(w) > len(a)`: both, or the type stays
                    singles.insert(0, Fix(singles[0].rule, singles[0].reason, [e for f in singles for e in f.edits]))
                fixes += singles
    return fixes


def _swap(node) -> Fix:
    s = node.span
    return Fix("builtin_for_type", f"`{node.name}` works on {'lists' if node.name == 'length' else 'strings'}; "
               f"`{SWAPS[node.name]}` on {'strings' if node.name == 'length' else 'lists'}",
               [TextEdit(s.offset, s.end_offset, SWAPS[node.name])])


def _as_string_parameter(ctx: Ctx, program, callee: str, argument: int) -> Fix | None:
    """A function called with a String where it treats the parameter as a list (`length s`,
    `index i s`, from Haskell's and Python's view of strings): the string builtins, all at once."""
    from .. import ast as A

    decl = program.find(callee)
    if decl is None:
        return None
    edits: list[TextEdit] = []
    for eq in decl.equations:
        if len(eq.params) < argument or not isinstance(eq.params[argument - 1], A.PVar):
            continue
        name = eq.params[argument - 1].name

        def is_param(e: object, name: str = name) -> bool:
            inner = e.expr if isinstance(e, A.Paren) else e
            return isinstance(inner, A.Var) and inner.name == name

        for node in A.walk(eq.body):
            if not (isinstance(node, A.App) and isinstance(node.fn, A.Var)):
                continue
            f, args = node.fn.name, node.args
            if f == "length" and len(args) == 1 and is_param(args[0]):
                edits.append(TextEdit(node.fn.span.offset, node.fn.span.end_offset, "str_len"))
            elif f == "index" and len(args) == 2 and is_param(args[1]):
                i = ctx.source[args[0].span.offset:args[0].span.end_offset]
                edits.append(TextEdit(node.span.offset, node.span.end_offset,
                                      f"str_slice {name} {paren(i)} ({i} + 1)"))
    if not edits:
        return None
    return Fix("builtin_for_type", f"`{callee}` is given a String: its list functions become the string ones "
               "(`str_len`, `str_slice`)", edits)


def fix_callee_types(ctx: Ctx) -> list[Fix]:
    """A builtin used on the wrong kind of value: `length "abc"` -> `str_len "abc"`, `fst (a, b)` -> `.fst`."""
    fixes: list[Fix] = []
    program = ctx.checked.program
    if program is None:
        return fixes
    from .. import ast as A

    for d in ctx.errors_with("type_mismatch"):
        callee = d.data.get("callee")
        if not callee or d.span is None or program.find(str(callee)) is not None:
            continue  # the program's own function: its definition is what to fix, not its name
        alternatives = list(RENAMES.get(str(callee), ()))
        if d.did_you_mean and re.fullmatch(r"[a-z_]\w*", d.did_you_mean):
            alternatives.insert(0, d.did_you_mean)
        if not alternatives:
            continue
        for decl in program.funcs():
            for eq in decl.equations:
                for node in A.walk(eq.body):
                    if isinstance(node, A.App) and isinstance(node.fn, A.Var) and node.fn.name == callee and any(
                            a.span.offset == d.span.offset for a in node.args):
                        s = node.fn.span
                        for new in dict.fromkeys(alternatives):
                            fixes.append(Fix("builtin_for_type", f"`{callee}` does not take this value; `{new}` does",
                                             [TextEdit(s.offset, s.end_offset, new)], f"callee@{s.offset}"))
    return fixes
