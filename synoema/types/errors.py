"""Type diagnostics a person or a model can act on: the reference's codes, the expected and found
types as notes, the definitions involved, and a hint that names the concrete fix.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .. import ast as A
from ..diagnostics import Diagnostic, Span
from .classes import CONCAT, EQ, NUM, ORD
from .core import (
    ARROW,
    BOOL_C,
    CHAR_C,
    FLOAT_C,
    INT_C,
    LIST_C,
    STRING_C,
    UNIT_C,
    TCon,
    TRecord,
    TVar,
    Type,
    prune,
    record_view,
)
from .printer import Namer, format_type
from .unify import UnifyError

FIXABILITY = {
    "type_mismatch": "trivial",
    "arity_mismatch": "trivial",
    "infinite_type": "hard",
    "pattern_mismatch": "easy",
    "missing_field": "easy",
    "missing_impl": "medium",
    "unbound_variable": "easy",
}

CLASS_WORDS = {
    NUM: "a number (Int or Float)",
    CONCAT: "a String or a list (what `++` joins)",
    ORD: "an ordered type (what `<` compares)",
    EQ: "a comparable value (what `==` compares)",
}


@dataclass(slots=True)
class Where:
    """The situation of a failed unification: what was being checked, for the message and hint."""

    kind: str  # arg, operand, cond, branch, list_elem, cons, result, param, con_field, field, ...
    definition: str = ""
    callee: str = ""
    index: int = 0
    op: str = ""
    node: object = None  # the AST node in question (for hints that look at its shape)
    first_line: int = 0
    signature: str = ""  # printed signature when one is involved
    inferred: str = ""  # what the body has without the signature (for signature hints)
    impl: str = ""  # `impl Show (Maybe a)` when checking an impl's method against its trait
    more_args: bool = False  # the callee still expects arguments after this one


def head(t: Type | None) -> object:
    if t is None:
        return None
    t = prune(t)
    if t.__class__ is TCon:
        return t.con  # type: ignore[union-attr]
    if t.__class__ is TRecord:
        return "record"
    if t.__class__ is TVar:
        return "var"
    return None


def article(text: str) -> str:
    """`an Int`, `a String`, `a list` — for types that read like nouns; others verbatim."""
    if " " in text or text.startswith(("{", "(", "?")) or len(text) == 1:
        return f"`{text}`"
    return ("an " if text[0] in "AEIOU" else "a ") + text


def pair_text(expected: Type, found: Type) -> tuple[str, str]:
    namer = Namer()
    e = format_type(expected, namer, constraints=False)
    f = format_type(found, namer, constraints=False)
    return e, f


def mismatch_hint(exp: Type | None, fnd: Type | None, where: Where) -> str | None:
    """A concrete fix for the clash of two type heads."""
    he, hf = head(exp), head(fnd)
    nums = (INT_C, FLOAT_C)
    if he in nums and hf in nums:
        return ("Int and Float never mix and there is no Int-to-Float conversion: write Float literals "
                "such as 2.0 (or keep everything Int).")
    if he is STRING_C and hf in (INT_C, FLOAT_C) and (repeat := repetition_hint(where)):
        return repeat
    if he is STRING_C and hf in (INT_C, FLOAT_C, BOOL_C, CHAR_C):
        return 'Turn the value into a String with `show x`, or use interpolation: "text ${x}".'
    if hf is STRING_C and he is LIST_C:
        return ("A String is not a list in Synoema: use the string builtins (str_len, str_slice, "
                "str_find, str_join) on strings.")
    if he is STRING_C and hf is LIST_C:
        return 'To turn a list into text use `show xs` or `str_join ", " parts`; `++` joins two Strings or two lists.'
    if getattr(he, "name", "") == "Pair" and hf == "record":
        return ("`(a, b)` is the record `{fst = a, snd = b}`: read its parts with `p.fst` and `p.snd` "
                "(the prelude's `fst`/`snd` take a `MkPair`).")
    if he is LIST_C and hf not in (LIST_C, "var", None) and hf is not ARROW:
        return "Wrap a single element in a list: `[x]` (and `xs ++ [x]` to append it)."
    if hf is ARROW and he is not ARROW:
        return "This is a function that still needs arguments: apply it to all of them (or remove the extra name)."
    if he is ARROW and hf is not ARROW and hf != "var":
        return "A function is expected here: pass a function or a lambda such as `\\x -> ...`."
    if hf is BOOL_C and he is INT_C:
        return "Use `? cond -> 1 : 0` to turn a Bool into a number."
    if he is BOOL_C and hf is not BOOL_C:
        return "A Bool is needed: write a comparison such as `n > 0` or `x == y`."
    if isinstance(hf, object) and getattr(hf, "name", "") == "Result" and he is not hf:
        return "This is a Result: take the value out first (`unwrap_or fallback r`) or transform it with `map_ok`."
    return None


def _text_of(node: A.Expr, fallback: str) -> str:
    node = A.unparen(node)
    if isinstance(node, A.Var):
        return node.name.rsplit(".", 1)[-1]
    if isinstance(node, A.Lit) and node.kind in ("int", "str"):
        return f'"{node.value}"' if node.kind == "str" else str(node.value)
    return fallback


def repetition_hint(where: Where) -> str | None:
    """`s * 3` beside `++` is Python's string repetition: the clash is the `*`, not the join."""
    node = where.node
    if where.op != "++" or not isinstance(node, A.BinOp):
        return None
    for side in (node.left, node.right):
        side = A.unparen(side)
        if isinstance(side, A.BinOp) and side.op == "*":
            left, right = A.unparen(side.left), A.unparen(side.right)
            product = f"{_text_of(left, 'a')} * {_text_of(right, 'b')}"
            text, count = (right, left) if isinstance(left, A.Lit) and left.kind == "int" else (left, right)
            s, n = _text_of(text, "s"), _text_of(count, "n")
            return (f"`{product}` is a number: show it as text with `show ({product})`. `*` does not repeat "
                    f'Strings; to repeat {s} {n} times write `str_join "" (map (\\_ -> {s}) [1..{n}])`.')
    return None


UNIT_HINT = ("This is the () that `print` returns: put the whole argument of print in parentheses, "
             'e.g. `print ("total: " ++ show n)`.')


def class_problem(err: UnifyError, where: Where) -> tuple[str, str, str | None]:
    """(code, message, hint) for a type that is not in a required class."""
    t = err.left
    printed = format_type(t) if t is not None else "?"
    h = head(t)
    c = err.cls
    op = f"`{where.op}`" if where.op else ""
    if h is UNIT_C and c in (NUM, CONCAT):
        word = "numbers (Int or Float)" if c == NUM else "Strings or lists"
        return "type_mismatch", f"{op or 'this operator'} needs {word}, found ()", UNIT_HINT
    if c == NUM:
        hint = None
        if h is STRING_C:
            hint = "Use ++ to join strings (`+` only adds numbers)."
        elif h is LIST_C:
            hint = "Use ++ to join lists (`+` only adds numbers); `sum xs` adds the elements of a List Int."
        elif getattr(h, "name", "") == "Result":
            hint = "This is a Result, not a number: take the value out first (`unwrap_or 0 r`) or use `map_ok`."
        elif h is BOOL_C:
            hint = "Booleans are combined with && and ||, not arithmetic."
        return "type_mismatch", f"{op or 'arithmetic'} needs numbers (Int or Float), found {printed}", hint
    if c == CONCAT:
        hint = None
        if h in (INT_C, FLOAT_C):
            hint = repetition_hint(where) or (
                "Use + to add numbers; ++ joins Strings or lists. To build text use `show n` or \"${n}\".")
        elif h is CHAR_C:
            hint = "A Char is not a String: write the literal in double quotes, or put it in a list."
        return "type_mismatch", f"`++` joins Strings or lists, found {printed}", hint
    if h is ARROW:
        return ("type_mismatch", f"functions cannot be compared {('with ' + op) if op else ''}".rstrip(),
                "Compare the results of calling the functions instead of the functions themselves.")
    if c == ORD and h == "record":
        return "type_mismatch", f"records of this type cannot be ordered: {printed}", None
    if c == ORD:
        name = getattr(h, "name", printed)
        return (
            "missing_impl",
            f"values of type `{name}` cannot be compared with {op or '<'}: `{name}` does not derive Ord",
            f"Add `derive (Eq, Ord)` to the type: `{name} = ... derive (Eq, Ord)` (constructors are then "
            "ordered as declared), or compare with a helper you write.",
        )
    name = getattr(h, "name", printed)
    method = f"`{where.callee}` " if where.callee else ""
    return (
        "missing_impl",
        f"no `impl {c} {name}`: {method}is not defined for {printed}".replace("  ", " "),
        f"Add an instance: `impl {c} {name}` with the trait's methods, or call it on a type that has one.",
    )


def describe(err: UnifyError, expected: Type, found: Type, span: Span | None, where: Where) -> Diagnostic:
    """Turn a unification failure in context into a diagnostic."""
    e_text, f_text = pair_text(expected, found)
    notes = [f"expected: {e_text}", f"found: {f_text}"]
    data: dict[str, object] = {"expected": e_text, "found": f_text}
    if where.definition:
        data["definition"] = where.definition
    if where.callee:
        data["callee"] = where.callee
    if where.kind == "arg":
        data["argument"] = where.index + 1  # 1-based, as the message says (repair finds the parameter)
    if where.op:
        data["operator"] = where.op  # the operator whose operand this is (repair's type-directed rewrites)
    kind = err.kind
    code = "type_mismatch"
    hint: str | None = None
    did_you_mean: str | None = None
    inner = ""
    if err.left is not None and err.right is not None and kind == "mismatch":
        ie, if_ = pair_text(err.left, err.right)
        if (ie, if_) != (e_text, f_text):
            inner = f" ({ie} vs {if_})"
    message = f"expected {e_text}, found {f_text}{inner}"

    if kind == "occurs":
        code = "infinite_type"
        v = err.left
        t = err.right
        namer = Namer()
        vt = format_type(v, namer, constraints=False) if v is not None else "a"
        tt = format_type(t, namer, constraints=False) if t is not None else "?"
        message = f"this needs an infinite type: {vt} would have to equal {tt}"
        if where.kind == "self_apply":
            hint = "A function cannot be applied to itself; pass a different argument."
        elif where.kind == "result":
            hint = ("The definition returns itself (or a function of itself): call it with all its "
                    "arguments, or return a value.")
        else:
            hint = ("A value is used as if it contained itself: check that a list is not used where its "
                    "element is expected (e.g. `[v] ++ v`), and that recursive calls get all their arguments.")
    elif kind in ("class", "conflict"):
        if kind == "conflict":
            message = "a value is used both as a number and as a String or list"
            hint = "`+ - * /` need numbers and `++` needs Strings or lists: decide which one this value is."
            notes = ["expected: a number (Int or Float)", "found: a String or a list"]
        else:
            code, message, hint = class_problem(err, where)
            printed = format_type(err.left, constraints=False) if err.left is not None else "?"
            wanted = CLASS_WORDS.get(err.cls, f"a type with `impl {err.cls}`")
            notes = [f"expected: {wanted}", f"found: {printed}"]
            data.update(expected=wanted, found=printed)
            if where.kind == "arg" and code == "type_mismatch":
                message = f"argument {where.index + 1} of `{where.callee}` must be {wanted}, found {printed}"
    elif kind == "rigid_class":
        v = err.left
        nm = v.name if isinstance(v, TVar) and v.name else "a"
        wanted = CLASS_WORDS.get(err.cls, f"a type with `impl {err.cls}`")
        message = f"the signature of `{where.definition}` says `{nm}` can be any type, but the definition needs {wanted}"
        notes = [f"expected: {wanted}", f"found: {nm} (any type, as the signature says)"]
        data.update(expected=wanted, found=nm)
        if where.impl:
            message = (f"`{where.definition}` in `{where.impl}` needs {wanted} for `{nm}`, but the impl does not "
                       "require it")
            hint = f"Add the constraint to the impl: `{where.impl} ? {err.cls} {nm}`."
            code = "missing_impl"
        else:
            hint = f"Add `{err.cls} {nm} =>` in front of the signature, or give `{nm}` a concrete type"
            hint += f" (the definition alone has type `{where.inferred}`)." if where.inferred else "."
    elif kind == "rigid":
        message = f"the signature of `{where.definition}` is more general than its definition: expected {e_text}, found {f_text}"
        hint = (f"The definition has type `{where.inferred}`: write that signature, or change the body."
                if where.inferred else "Make the signature match what the definition does.")
    elif kind == "missing_field":
        code = "missing_field"
        missing = err.fields
        rec = err.right
        have: list[str] = []
        if isinstance(prune(rec), TRecord) if rec is not None else False:
            have = list(record_view(prune(rec))[0])  # type: ignore[arg-type]
        names = ", ".join(f"`{f}`" for f in missing)
        message = f"the record has no field {names}" if len(missing) == 1 else f"the record has no fields {names}"
        if have:
            close = difflib.get_close_matches(missing[0], have, n=1)
            did_you_mean = close[0] if close else None
            hint = f"The record has {', '.join(have)}: add `{missing[0]}` where the record is built, or use an existing field."
        else:
            hint = f"Add the field `{missing[0]}` to the record where it is built."
    elif kind == "extra_field":
        names = ", ".join(f"`{f}`" for f in err.fields)
        message = f"the record has field {names}, which {e_text} does not have"
        hint = "Records given a written type must have exactly its fields: remove the field or add it to the type."
    elif kind == "mismatch":
        if head(expected) is head(found) or not inner:
            hint = mismatch_hint(err.left, err.right, where)
            if inner and hint is None:
                hint = f"The types differ inside: {inner[2:-1]}; make both sides agree."
            elif inner and hint is not None:
                hint = f"The types differ inside ({inner[2:-1]}). " + hint
        else:
            hint = mismatch_hint(expected, found, where)

    # Situation-specific wording.
    k = where.kind
    if code == "type_mismatch" and kind == "mismatch":
        if k == "arg":
            message = f"argument {where.index + 1} of `{where.callee}` should be {e_text}, found {f_text}{inner}"
            if where.callee == "length" and head(found) is STRING_C:
                hint = "Use `str_len s` for the length of a String (`length` counts list elements)."
                did_you_mean = "str_len"
        elif k == "operand":
            message = f"the operands of `{where.op}` have different types: {e_text} and {f_text}"
            if hint is None:
                hint = f"Both sides of `{where.op}` must have the same type."
        elif k == "bool_operand":
            message = f"`{where.op}` needs Bool operands, found {f_text}"
            hint = hint or "Use a comparison (`n > 0`) to get a Bool; `&&` and `||` only combine Bools."
        elif k == "cond":
            message = f"the condition of `?` must be Bool, found {f_text}"
            hint = "Write a comparison such as `n > 0` or `x == y` as the condition."
        elif k == "branch":
            message = f"the branches of `?` have different types: {e_text} and {f_text}"
            hint = hint or "Both branches of `? c -> a : b` must have the same type."
            if hint and not hint.startswith("Both"):
                hint = "Both branches of `? c -> a : b` must have the same type. " + hint
        elif k == "list_elem":
            message = f"list elements must all have one type: the first is {e_text}, this one is {f_text}"
            hint = hint or "Put only values of one type in a list (use an ADT to mix kinds of values)."
        elif k == "cons":
            message = f"`:` puts an element in front of a list of the same type: expected {e_text}, found {f_text}"
        elif k == "result" and where.signature:
            message = f"`{where.definition}` should return {e_text} (its signature), but this is {f_text}"
            if where.inferred:
                hint = (hint + " " if hint else "") + f"Without the signature the definition has type `{where.inferred}`."
        elif k == "result":
            message = f"this equation of `{where.definition}` returns {f_text} but the first (line {where.first_line}) returns {e_text}"
            hint = f"this equation returns {f_text} but the first returns {e_text}: every equation must return the same type."
        elif k == "con_field":
            message = f"argument {where.index + 1} of constructor `{where.callee}` should be {e_text}, found {f_text}"
        elif k == "test":
            message = f"a test must be a Bool, found {f_text}"
            hint = "Make the test a comparison, e.g. `f 2 == 4`."
        elif k == "generator":
            message = f"a generator `x <- xs` draws from a list, found {f_text}"
        elif k == "guard":
            message = f"a comprehension guard must be Bool, found {f_text}"
        elif k == "signature":
            message = f"the signature of `{where.definition}` does not fit its equations: expected {e_text}, found {f_text}"
            hint = "The signature must have one `->` per parameter of the equations, then the result type."
    if k == "field" and code == "type_mismatch" and kind == "mismatch":
        message = f"`.{where.op}` reads a field of a record, but this is {f_text}"
        hint = ("Field access works on records (`{x = 1}`); for an ADT value match its constructor in a "
                "pattern instead.")
    if hint is None and code == "type_mismatch":
        hint = f"Change this expression so that it has type {e_text} (it has type {f_text})."
    if k == "arg" and isinstance(where.node, A.Pair) and where.more_args and code == "type_mismatch":
        hint = (f"Arguments are separated by spaces, not given as a tuple: write `{where.callee} a b`, "
                f"not `{where.callee}(a, b)`.")
    if k in ("param", "pattern", "con_pattern"):
        if code == "type_mismatch":
            code = "pattern_mismatch"
        if kind == "mismatch" or kind == "rigid":
            if k == "param" and where.signature:
                message = f"this pattern is {f_text} but the signature of `{where.definition}` says {e_text}"
                hint = "Make the pattern match the parameter type of the signature (or fix the signature)."
            elif k == "param":
                message = (f"this pattern of `{where.definition}` is {f_text} but the first equation's "
                           f"parameter (line {where.first_line}) is {e_text}")
                hint = ("Each parameter must have the same type in every equation: use patterns of one type "
                        "(constructors of one ADT, or literals of one type).")
            elif k == "con_pattern":
                message = f"field {where.index + 1} of `{where.callee}` is {e_text}, but the pattern is {f_text}"
            else:
                message = f"this pattern is {f_text}, expected {e_text}"
    return Diagnostic(
        code,
        message,
        span,
        notes=notes + ([f"in the definition of `{where.definition}`"] if where.definition else []),
        llm_hint=hint,
        fixability=FIXABILITY.get(code, "easy"),  # type: ignore[arg-type]
        did_you_mean=did_you_mean,
        data=data,
    )
