"""What a definition does, read off its AST: patterns, recursion and base cases, pipelines, folds,
conditional chains, string building, records, IO.

The sentences are built from the structure only (never from names), so they stay true for any
program; the inferred type comes from the checker and is printed next to them by `explain`.
"""

from __future__ import annotations

from collections.abc import Iterable

from synoema import ast as A
from synoema.lint.astinfo import (
    body_result,
    call_parts,
    calls_itself,
    cond_chain,
    first_line,
    library_call,
    op_chain,
    pipeline,
    recursive_calls,
    text,
    unparen,
)

from .markdown import inline, join_names, plural

# What the common library functions do, as a clause about their arguments' source text.
_LIBRARY_VERBS: dict[str, str] = {
    "map": "applies {0} to every element of {1}",
    "filter": "keeps the elements of {1} for which {0} is true",
    "foldl": "folds {2} into one value with {0}, starting from {1}",
    "for_each": "runs {0} on every element of {1} for its effect",
    "concatMap": "maps {0} over {1} and concatenates the results",
    "sum": "adds up {0}",
    "length": "counts the elements of {0}",
    "reverse": "reverses {0}",
    "take": "takes the first {0} elements of {1}",
    "drop": "drops the first {0} elements of {1}",
    "zip": "pairs up {0} and {1}",
    "str_join": "joins the strings {1} with {0} between them",
    "index": "reads the element at position {0} of {1}",
    "head": "takes the first element of {0}",
    "tail": "takes all but the first element of {0}",
    "show": "turns {0} into text",
    "print": "prints {0}",
    "unwrap": "takes the value out of the `Ok` {0}",
    "unwrap_or": "takes the value out of {1}, or {0} when it is an `Err`",
    "map_insert": "inserts key {0} with value {1} into the map {2}",
    "map_get": "looks up {0} in {2}, defaulting to {1}",
    "map_lookup": "looks up {0} in {1}, giving a `Result`",
    "and_then": "chains {0} after the `Result` {1}",
    "map_ok": "applies {0} inside the `Ok` of {1}",
    "str_slice": "cuts the characters {1} to {2} out of {0}",
    "str_find": "finds {1} in {0} starting at {2}",
    "str_len": "counts the characters of {0}",
    "str_trim": "trims whitespace around {0}",
    "json_parse": "parses {0} as JSON",
    "error": "stops the program with the error {0}",
}
_IO_NAMES = {"print": "prints", "readline": "reads a line of standard input", "file_read": "reads a file",
             "env": "reads an environment variable", "args": "reads the command-line arguments"}


def _code(source: str, node: object, limit: int = 50) -> str:
    return inline(text(source, node), limit)


def describe_pattern(source: str, p: A.Pattern) -> str:
    """A pattern in words: `[]` the empty list, `(x:xs)` a non-empty list, `Circle r` ..."""
    match p:
        case A.PWild():
            return "anything (`_`)"
        case A.PVar(name=name):
            return f"any value, named `{name}`"
        case A.PLit():
            return f"exactly {_code(source, p)}"
        case A.PList(items=items) if not items:
            return "the empty list `[]`"
        case A.PList(items=items):
            return f"a list of exactly {plural(len(items), 'element')} {_code(source, p)}"
        case A.PCons():
            return f"a non-empty list {_code(source, p)}"
        case A.PCon(name=name, args=args):
            return f"the constructor `{name}`" + (f" with {_code(source, p)}" if args else "")
        case A.PRecord(fields=fields):
            return f"a record with {join_names([f'`{n}`' for n, _ in fields])}"
        case A.PPair():
            return f"a pair {_code(source, p)}"
    return _code(source, p)


def _pattern_kinds(fd: A.FuncDef) -> tuple[list[str], list[str], list[str]]:
    """Constructors, list shapes and literals matched by the equations' parameters."""
    cons: list[str] = []
    shapes: list[str] = []
    lits: list[str] = []
    for eq in fd.equations:
        for p in eq.params:
            for n in A.walk(p):
                if isinstance(n, A.PCon) and n.name not in cons:
                    cons.append(n.name)
                elif isinstance(n, A.PList) and not n.items and "`[]`" not in shapes:
                    shapes.append("`[]`")
                elif isinstance(n, A.PList) and n.items and f"[{len(n.items)}]" not in shapes:
                    shapes.append(f"[{len(n.items)}]")
                elif isinstance(n, A.PCons) and "`(x:xs)`" not in shapes and n is p:
                    shapes.append("`(x:xs)`")
    for eq in fd.equations:
        for p in eq.params:
            if isinstance(p, A.PLit):
                lits.append(str(p.value).lower() if p.kind == "bool" else repr(p.value) if p.kind == "str" else str(p.value))
    shapes = [s if s.startswith("`") else f"lists of exactly {s[1:-1]} elements" for s in shapes]
    return cons, shapes, lits


def _equation_text(source: str, fd: A.FuncDef, eq: A.Equation) -> str:
    t = first_line(source, eq, 72)
    return inline(t, 72) if t else "the equation on line " + str(eq.span.line)


def _base_cases(source: str, fd: A.FuncDef) -> list[str]:
    """Sentences about where recursion stops: non-recursive equations, non-recursive branches."""
    out: list[str] = []
    if len(fd.equations) > 1:
        for eq in fd.equations:
            if not recursive_calls(eq.body, fd.name):
                out.append(_equation_text(source, fd, eq))
        if out:
            return [f"the base case is {out[0]}" if len(out) == 1 else f"the base cases are {join_names(out)}"]
    for eq in fd.equations:
        branches, default = cond_chain(body_result(eq.body))
        stops: list[str] = []
        for cond, then in branches:
            if not recursive_calls(then, fd.name) and not recursive_calls(cond, fd.name):
                stops.append(f"when {_code(source, cond)} (giving {_code(source, then, 30)})")
        if branches and not recursive_calls(default, fd.name):
            stops.append(f"otherwise (giving {_code(source, default, 30)})")
        if stops:
            out.append("it stops " + join_names(stops))
    return out


def _is_tail_call(body: A.Expr, fname: str) -> bool:
    """Is every recursive call in tail position (the result of the body or of a branch)?"""
    results: list[A.Expr] = []
    stack = [body]
    while stack:
        e = unparen(stack.pop())
        if isinstance(e, A.Block):
            stack.append(e.result)
        elif isinstance(e, A.Cond):
            stack += [e.then, e.else_]
        else:
            results.append(e)
    tail_calls = {id(r) for r in results if call_parts(r)[0] == fname}
    all_calls = recursive_calls(body, fname)
    return bool(all_calls) and all(id(c) in tail_calls for c in all_calls)


def describe_recursion(source: str, fd: A.FuncDef) -> list[str]:
    if not calls_itself(fd):
        return []
    calls = [c for eq in fd.equations for c in recursive_calls(eq.body, fd.name)]
    args = [", ".join(_code(source, a, 30) for a in c.args) for c in calls if isinstance(c, A.App)]
    first = "It is recursive"
    if args:
        shown = list(dict.fromkeys(args))[:2]
        first += f": it calls itself with {join_names(shown, 'and with')}"
    tail = all(_is_tail_call(eq.body, fd.name) for eq in fd.equations if recursive_calls(eq.body, fd.name))
    sentences = [first + (" in tail position (an accumulator loop)" if tail else "") + "."]
    base = _base_cases(source, fd)
    if base:
        text_ = "; ".join(base)
        sentences.append(text_[0].upper() + text_[1:] + ("." if not text_.endswith(".") else ""))
    else:
        sentences.append("No base case is visible, so make sure some call stops the recursion.")
    return sentences


def describe_patterns(source: str, fd: A.FuncDef) -> list[str]:
    if len(fd.equations) < 2 and not any(
        not isinstance(p, A.PVar | A.PWild) for eq in fd.equations for p in eq.params
    ):
        return []
    cons, shapes, lits = _pattern_kinds(fd)
    parts: list[str] = []
    if cons:
        parts.append("the constructor" + ("s " if len(cons) > 1 else " ") + join_names([f"`{c}`" for c in cons]))
    if shapes:
        parts.append("the list shape" + ("s " if len(shapes) > 1 else " ") + join_names(shapes))
    if lits:
        parts.append("the literal" + ("s " if len(lits) > 1 else " ") + join_names([f"`{v}`" for v in lits]))
    n = len(fd.equations)
    lead = f"It has {plural(n, 'equation')}, tried top to bottom" if n > 1 else "Its parameters are patterns"
    if not parts:
        return [lead + "."]
    catch_all = n > 1 and all(isinstance(p, A.PVar | A.PWild) for p in fd.equations[-1].params)
    tail = ", with a catch-all last equation" if catch_all else ""
    return [f"{lead}, and it pattern-matches on {join_names(parts)}{tail}."]


def _cond_sentence(source: str, e: A.Expr) -> str | None:
    branches, default = cond_chain(e)
    if not branches:
        return None
    if len(branches) == 1:
        cond, then = branches[0]
        return (f"A conditional `? -> :` gives {_code(source, then, 35)} when {_code(source, cond, 40)}, "
                f"otherwise {_code(source, default, 35)}.")
    tests = [_code(source, c, 30) for c, _ in branches[:4]]
    more = " …" if len(branches) > 4 else ""
    return (f"A chain of {len(branches)} conditionals (`? -> :`) tests {join_names(tests)}{more} in order, "
            f"with {_code(source, default, 30)} as the default.")


def _library_sentences(source: str, nodes: Iterable[object]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for n in nodes:
        if not isinstance(n, A.App):
            continue
        name, args = library_call(n)
        if name is None or name not in _LIBRARY_VERBS or name in seen or name in ("show", "print"):
            continue
        template = _LIBRARY_VERBS[name]
        needed = template.count("{")
        if len(args) < needed:
            shown = [_code(source, a, 30) for a in args] + ["the argument"] * (needed - len(args))
            out.append(f"`{name}` " + template.format(*shown) + ("" if len(args) == needed else " (partially applied)"))
        else:
            out.append(f"`{name}` " + template.format(*(_code(source, a, 30) for a in args)))
        seen.add(name)
        if len(out) >= 3:
            break
    return out


def _string_building(source: str, nodes: list[object]) -> str | None:
    interp = any(isinstance(n, A.Interp) for n in nodes)
    concat = [n for n in nodes if isinstance(n, A.BinOp) and n.op == "++"
              and any(isinstance(unparen(x), A.Lit | A.Interp) and getattr(unparen(x), "kind", "str") == "str"
                      for x in op_chain(n, "++"))]
    if interp and concat:
        return "It builds text with interpolation (`${...}`) and `++`."
    if interp:
        return "It builds text with string interpolation (`${...}`)."
    if concat:
        return "It builds text by joining strings with `++`."
    return None


def _record_sentences(source: str, nodes: list[object]) -> list[str]:
    out: list[str] = []
    built = [n for n in nodes if isinstance(n, A.Record)]
    updates = [n for n in nodes if isinstance(n, A.RecordUpdate)]
    fields = list(dict.fromkeys(n.name for n in nodes if isinstance(n, A.Field)))
    if built:
        names = list(dict.fromkeys(f.name for r in built for f in r.fields))
        out.append(f"builds a record with the field{'s' if len(names) > 1 else ''} "
                   f"{join_names([f'`{x}`' for x in names[:6]])}")
    for u in updates[:2]:
        changed = join_names([f"`{f.name}`" for f in u.fields])
        out.append(f"copies {_code(source, u.base, 25)} with {changed} changed (`{{...r, f = v}}`)")
    if fields:
        out.append(f"reads the field{'s' if len(fields) > 1 else ''} {join_names([f'`.{x}`' for x in fields[:5]])}")
    return out


def _io_sentence(nodes: list[object]) -> str | None:
    found: list[str] = []
    for n in nodes:
        if isinstance(n, A.Var) and n.scope in ("builtin", "prelude") and n.name in _IO_NAMES:
            verb = _IO_NAMES[n.name]
            if verb not in found:
                found.append(verb)
    if any(isinstance(n, A.BinOp) and n.op == ";" for n in nodes):
        found.append("sequences actions with `;`")
    if not found:
        return None
    return "It does IO: it " + join_names(found) + "."


def _constructors_built(nodes: list[object]) -> list[str]:
    return list(dict.fromkeys(n.name for n in nodes if isinstance(n, A.Con)))


def _user_calls(fd: A.FuncDef, nodes: list[object], user_names: set[str]) -> list[str]:
    return list(dict.fromkeys(
        n.name for n in nodes
        if isinstance(n, A.Var) and n.scope == "global" and n.name in user_names and n.name != fd.name
    ))


def describe_function(source: str, fd: A.FuncDef, user_names: set[str]) -> list[str]:
    """Sentences about one definition, from its structure."""
    sentences: list[str] = []
    nodes: list[object] = [n for eq in fd.equations for n in A.walk(eq.body)]
    eq0 = fd.equations[0]
    if fd.arity == 0:
        if fd.name == "main":
            sentences.append("It is the program's entry point: `synoema run` evaluates it.")
        elif isinstance(unparen(eq0.body), A.Lambda):
            sentences.append("It is a function written as a lambda.")
        else:
            sentences.append("It is a value, computed once.")
    else:
        if len(fd.equations) == 1 and all(isinstance(p, A.PVar) for p in eq0.params):
            names = join_names([f"`{p.name}`" for p in eq0.params if isinstance(p, A.PVar)])
            sentences.append(f"It takes {plural(fd.arity, 'argument')}, {names}.")
        else:
            sentences.append(f"It takes {plural(fd.arity, 'argument')}.")
    sentences += describe_patterns(source, fd)
    sentences += describe_recursion(source, fd)

    blocks = [n for n in nodes if isinstance(n, A.Block)]
    local_names = [s.name for b in blocks for s in b.stmts if isinstance(s, A.Let | A.Bind)]
    if local_names:
        where = "in indented lines below its result" if any(b.where_style for b in blocks) else "in an indented block"
        sentences.append(f"It names intermediate values {join_names([f'`{x}`' for x in local_names[:6]])} {where}.")
        result_text = first_line(source, body_result(eq0.body), 50)
        if result_text and len(fd.equations) == 1:
            sentences.append(f"Its result is {inline(result_text)}.")

    result = body_result(eq0.body)
    stages = pipeline(result)
    if len(stages) > 2:
        shown = " |> ".join(text(source, s) for s in stages)
        sentences.append(f"It is a pipeline: {inline(shown, 90)}, each step's result feeding the next.")
    elif any(isinstance(n, A.BinOp) and n.op == "|>" for n in nodes):
        sentences.append("It passes values along with the pipe `|>`.")
    if any(isinstance(n, A.BinOp) and n.op == ">>" for n in nodes):
        sentences.append("It composes functions with `>>` (left one first).")

    for eq in fd.equations[:2]:
        cond = _cond_sentence(source, body_result(eq.body))
        if cond:
            sentences.append(cond)
    lib = _library_sentences(source, nodes)
    if lib:
        sentences.append("Library calls: " + "; ".join(lib) + ".")
    lambdas = sum(1 for n in nodes if isinstance(n, A.Lambda))
    if lambdas:
        sentences.append(f"It uses {plural(lambdas, 'lambda')} (`\\x -> ...`).")
    if any(isinstance(n, A.ListComp) for n in nodes):
        sentences.append("It builds a list with a comprehension `[e | x <- xs, cond]`.")
    if any(isinstance(n, A.Range) for n in nodes):
        sentences.append("It uses a range `[a..b]` (both ends included).")
    s = _string_building(source, nodes)
    if s:
        sentences.append(s)
    rec = _record_sentences(source, nodes)
    if rec:
        sentences.append("It " + join_names(rec) + ".")
    cons = _constructors_built(nodes)
    if cons:
        sentences.append(f"It builds values with the constructor{'s' if len(cons) > 1 else ''} "
                         f"{join_names([f'`{c}`' for c in cons[:6]])}.")
    io = _io_sentence(nodes)
    if io:
        sentences.append(io)
    uses = _user_calls(fd, nodes, user_names)
    if uses:
        sentences.append(f"It uses {join_names([f'`{u}`' for u in uses[:6]])} from this program.")
    if len(sentences) == 1 and len(fd.equations) == 1:
        body = first_line(source, eq0.body, 60)
        if body:
            sentences.append(f"It computes {inline(body)}.")
    return sentences


def describe_typedef(source: str, td: A.TypeDef) -> str:
    variants = [inline(text(source, v) or v.name, 40) for v in td.variants]
    recursive = any(td.name in text(source, f) for v in td.variants for f in v.fields)
    kind = "an enumeration" if all(not v.fields for v in td.variants) else "a type"
    if len(td.variants) == 1 and td.variants[0].fields:
        kind = "a wrapper type"
    params = f" with the type parameter{'s' if len(td.params) > 1 else ''} " + join_names(
        [f"`{p}`" for p in td.params]) if td.params else ""
    sentence = f"{kind[0].upper() + kind[1:]}{params} with {plural(len(variants), 'constructor')}: {join_names(variants)}."
    if recursive:
        sentence += " It is recursive: a constructor holds a value of the type itself (a tree or list shape)."
    if td.derives:
        sentence += f" It derives {join_names([f'`{d}`' for d in td.derives])}."
    return sentence
