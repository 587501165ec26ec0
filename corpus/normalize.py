"""Programs made comparable: alpha-renamed tokens, shingles, and the shape of the syntax tree.

Two programs that differ only in the names they chose are the same program for deduplication and
decontamination, so every identifier the program defines (functions, parameters, locals, fields,
types, constructors) is renamed by order of first appearance: `v0 v1 ...` and `T0 T1 ...`. Names
from the language (builtins, the prelude, keywords) are kept, and so are literals: the data a
program works on is part of what it teaches. The AST *shape* drops names and literals altogether
and is what "distinct programs" counts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from synoema import ast as A
from synoema.lexer import ISTR, InterpPart, Token, lex

SHINGLE = 5  # tokens per shingle
_SKIP_KINDS = frozenset({"NEWLINE", "INDENT", "DEDENT", "EOF"})
_SKIP_FIELDS = frozenset({"span", "name_span", "op_span", "doc", "scope", "filename", "source"})


@lru_cache(maxsize=1)
def language_names() -> frozenset[str]:
    """Names a program uses but does not define: builtins, prelude definitions and types."""
    from synoema.api import prelude_source
    from synoema.parser import parse
    from synoema.stdlib import BUILTINS, DERIVED

    names = set(BUILTINS) | set(DERIVED) | {"Int", "Float", "String", "Bool", "List", "true", "false"}
    program = parse(prelude_source()).program
    for decl in program.decls if program is not None else []:
        if isinstance(decl, A.FuncDef):
            names.add(decl.name)
        elif isinstance(decl, A.TypeDef):
            names.add(decl.name)
            names.update(v.name for v in decl.variants)
    return frozenset(names)


class _Renamer:
    def __init__(self) -> None:
        self.known = language_names()
        self.seen: dict[str, str] = {}

    def name(self, text: str, upper: bool) -> str:
        if text in self.known:
            return text
        got = self.seen.get(text)
        if got is None:
            got = f"{'T' if upper else 'v'}{len(self.seen)}"
            self.seen[text] = got
        return got


def _emit(tokens: Iterable[Token], renamer: _Renamer) -> Iterator[str]:
    for tok in tokens:
        kind = tok.kind
        if kind in _SKIP_KINDS:
            continue
        if kind == "LOWER":
            yield renamer.name(str(tok.value), False)
        elif kind == "UPPER":
            yield renamer.name(str(tok.value), True)
        elif kind == "STR":
            yield '"' + str(tok.value) + '"'
        elif kind == ISTR:
            yield "ISTR("
            for part in tok.value:  # type: ignore[union-attr]
                if isinstance(part, InterpPart):
                    yield "${"
                    yield from _emit(part.tokens, renamer)
                    yield "}"
                else:
                    yield '"' + str(part) + '"'
            yield ")"
        elif kind in ("INT", "FLOAT", "CHAR"):
            yield repr(tok.value)
        else:
            yield kind


def normalized_tokens(source: str) -> list[str]:
    """The program's tokens with its own identifiers alpha-renamed (layout and comments dropped)."""
    return list(_emit(lex(source).tokens, _Renamer()))


def shingles(tokens: list[str], n: int = SHINGLE) -> set[str]:
    if len(tokens) <= n:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


_WORD = re.compile(r"[a-z0-9]+")


def text_shingles(text: str, n: int = 3) -> set[str]:
    """Word n-grams of prose (a task prompt), lower-cased, punctuation dropped."""
    words = _WORD.findall(text.lower())
    if len(words) <= n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def fingerprint(tokens: list[str]) -> str:
    """An exact-duplicate key: the hash of the normalised token stream."""
    return hashlib.sha1("\x1f".join(tokens).encode("utf-8")).hexdigest()[:20]


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


# ── shape ───────────────────────────────────────────────────────────────────────────────────


def parse_program(source: str) -> A.Program | None:
    from synoema.parser import parse

    return parse(source).program


def _shape(node: Any, out: list[str]) -> None:
    if isinstance(node, list):
        if node and all(isinstance(x, A.Lit) for x in node):
            out.append("L*")  # a literal data list: its length is data, not structure
            return
        out.append("[")
        for x in node:
            _shape(x, out)
        out.append("]")
        return
    if isinstance(node, tuple):
        for x in node:
            _shape(x, out)
        return
    if not hasattr(node, "__dict__"):
        return  # names and literal values are dropped
    kind = type(node).__name__
    if isinstance(node, A.ListLit) and all(isinstance(x, A.Lit) for x in node.items):
        out.append("ListLit*")
        return
    out.append(kind)
    if isinstance(node, A.BinOp):
        out.append(node.op)
    if isinstance(node, A.Lit | A.PLit):
        out.append(node.kind)
        return
    out.append("(")
    for key, value in vars(node).items():
        if key not in _SKIP_FIELDS:
            _shape(value, out)
    out.append(")")


def ast_shape(program: A.Program | None) -> str:
    """A short hash of the program's syntax tree with every name and literal removed."""
    if program is None:
        return ""
    out: list[str] = []
    _shape(program.decls, out)
    return hashlib.sha1(" ".join(out).encode("utf-8")).hexdigest()[:16]
