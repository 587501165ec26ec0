"""Which language features a program uses, read from its syntax tree (not from what a family claims).

`REQUIRED` lists what the corpus must show in at least `MIN_PROGRAMS` programs each: every kind of
pattern, `? ->` conditions, local blocks, records with update and punning, ADTs with parameters and
`derive`, traits with `impl`, comprehensions, pipes and composition, Result / Map / JSON from the
prelude, the string builtins, `print` sequencing and modules. The rest are reported for interest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from synoema import ast as A

REQUIRED: tuple[str, ...] = (
    "pattern_literal",
    "pattern_wildcard",
    "pattern_constructor",
    "pattern_cons",
    "pattern_list",
    "pattern_record",
    "conditional",
    "local_block",
    "record",
    "record_update",
    "record_punning",
    "adt",
    "adt_param",
    "derive",
    "trait_impl",
    "comprehension",
    "pipe",
    "compose",
    "result",
    "map",
    "json",
    "string_builtins",
    "print_sequence",
    "module",
)
OTHER: tuple[str, ...] = (
    "lambda",
    "recursion",
    "foldl",
    "range",
    "interpolation",
    "semicolon",
    "type_signature",
    "stdin",
    "pair",
    "partial_application",
)
ALL: tuple[str, ...] = REQUIRED + OTHER
MIN_PROGRAMS = 50

RESULT_NAMES = frozenset({"Ok", "Err", "map_ok", "map_err", "unwrap", "unwrap_or", "is_ok", "is_err", "and_then", "fold_result", "sequence_results"})
MAP_NAMES = frozenset({"map_empty", "map_insert", "map_lookup", "map_get", "has_key", "map_delete", "map_update", "map_keys", "map_values",
                       "from_pairs", "map_size", "entries", "map_singleton", "map_merge", "map_map_values"})
JSON_NAMES = frozenset({"json_parse", "json_get", "json_str", "json_num", "json_arr", "json_obj", "json_escape", "JObj", "JArr", "JStr", "JNum", "JBool", "JNull"})
STRING_NAMES = frozenset({"str_len", "str_slice", "str_find", "str_starts_with", "str_trim", "str_join"})


# Node kinds that show a feature by themselves.
_NODE_FEATURES: dict[type, str] = {
    A.PLit: "pattern_literal", A.PWild: "pattern_wildcard", A.PCon: "pattern_constructor", A.PCons: "pattern_cons",
    A.PList: "pattern_list", A.PRecord: "pattern_record", A.Cond: "conditional", A.Record: "record", A.Field: "record",
    A.RecordUpdate: "record_update", A.TypeDef: "adt", A.ListComp: "comprehension", A.Lambda: "lambda", A.Range: "range",
    A.Interp: "interpolation", A.TypeSig: "type_signature", A.Pair: "pair", A.PPair: "pair", A.ModuleDecl: "module",
}
_OPERATOR_FEATURES: dict[str, tuple[str, ...]] = {"|>": ("pipe",), ">>": ("compose",), ";": ("semicolon", "print_sequence")}


def _nodes(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, list | tuple):
            stack.extend(n)
            continue
        if not hasattr(n, "__dict__"):
            continue
        yield n
        for key, value in vars(n).items():
            if key not in ("span", "name_span", "op_span", "doc") and (isinstance(value, list | tuple) or hasattr(value, "__dict__")):
                stack.append(value)


def _names(node: Any) -> set[str]:
    return {n.name for n in _nodes(node) if isinstance(n, A.Var | A.Con | A.PCon)}


def _punned(n: Any) -> bool:
    """`{x, y}` built or matched: a field named by a variable of the same name."""
    if isinstance(n, A.PRecord):
        return any(isinstance(p, A.PVar) and p.name == f for f, p in n.fields)
    return isinstance(n, A.Record) and any(f.punned for f in n.fields)


def _is_print(expr: Any) -> int:
    return int(isinstance(expr, A.App) and isinstance(expr.fn, A.Var) and expr.fn.name in ("print", "for_each"))


def _func_defs(program: A.Program) -> Iterator[A.FuncDef]:
    for decl in program.decls:
        if isinstance(decl, A.FuncDef):
            yield decl
        elif isinstance(decl, A.ModuleDecl):
            yield from (d for d in decl.body if isinstance(d, A.FuncDef))
        elif isinstance(decl, A.ImplDecl):
            yield from decl.methods


def detect(program: A.Program | None) -> tuple[str, ...]:
    """The features of `ALL` that `program` uses, in `ALL`'s order."""
    if program is None:
        return ()
    found: set[str] = set()
    nodes = list(_nodes(program.decls))
    names = _names(program.decls)
    for n in nodes:
        simple = _NODE_FEATURES.get(type(n))
        if simple is not None:
            found.add(simple)
        if _punned(n):
            found.add("record_punning")
        elif isinstance(n, A.RecordUpdate):
            found.add("record")
        elif isinstance(n, A.TypeDef):
            if n.params:
                found.add("adt_param")
            if n.derives:
                found.add("derive")
        elif isinstance(n, A.BinOp) and n.op in _OPERATOR_FEATURES:
            found.update(_OPERATOR_FEATURES[n.op])
        elif isinstance(n, A.Block) and sum(isinstance(s, A.ExprStmt) for s in n.stmts) + _is_print(n.result) >= 2:
            found.add("print_sequence")  # two or more actions one after the other
    if any(isinstance(d, A.TraitDecl) for d in program.decls) and any(isinstance(d, A.ImplDecl) for d in program.decls):
        found.add("trait_impl")
    for fn in _func_defs(program):
        body_names = _names(fn.equations)
        if fn.name in body_names:
            found.add("recursion")
        if fn.name != "main" and any(isinstance(n, A.Let) for n in _nodes(fn.equations)):
            found.add("local_block")
        if fn.sig is not None:
            found.add("type_signature")
    arities = {fn.name: fn.arity for fn in _func_defs(program)}
    for n in nodes:
        if isinstance(n, A.App) and isinstance(n.fn, A.Var) and 0 < len(n.args) < arities.get(n.fn.name, 0):
            found.add("partial_application")
            break
    if names & RESULT_NAMES:
        found.add("result")
    if names & MAP_NAMES:
        found.add("map")
    if names & JSON_NAMES:
        found.add("json")
    if names & STRING_NAMES:
        found.add("string_builtins")
    if "foldl" in names:
        found.add("foldl")
    if "readline" in names or any(isinstance(n, A.Bind) for n in nodes):
        found.add("stdin")
    return tuple(f for f in ALL if f in found)
