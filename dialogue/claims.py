"""The checkable claims in a dialogue's prose: error codes, stated type signatures, library names.

Prose is free text, but some of it can be checked against the compiler, and training on a wrong
claim teaches the model to make it:

- an error code in backticks (`` `type_mismatch` ``) must be one our checker really reports;
- a signature in backticks (`` `total : List Int -> Int` ``) must be the type the checker infers for
  a definition of the dialogue, or the library's type for a library function;
- a function named in backticks (`` `str_join` ``, or the head of `` `str_join ", " xs` ``) must exist:
  in the standard library, among the keywords, or among the names of the dialogue's own code.

A sentence that says a name does *not* exist ("there is no `len`", "Python's `append`") is not a
claim that it does, so names in such sentences are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from synoema.diagnostics import DEFAULTS

# Codes the checker reports beyond those with default hints (synoema.diagnostics.DEFAULTS).
_MORE_CODES = frozenset({
    "io_error", "internal_error", "sandbox_unavailable", "file_not_found", "duplicate_field", "unsupported",
    "non_exhaustive", "unknown_derive", "missing_case",
})
KNOWN_CODES: frozenset[str] = frozenset(DEFAULTS) | _MORE_CODES

_INLINE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_IDENT = re.compile(r"^[a-z_][A-Za-z0-9_']*$")
_QUALIFIED = re.compile(r"^[A-Z][A-Za-z0-9_]*\.[a-z_][A-Za-z0-9_']*$")
_HEAD = re.compile(r"^([a-z_][A-Za-z0-9_']*)\s+[A-Za-z0-9_(\"\[\\']")  # a call: arguments follow, not an operator
_SIGNATURE = re.compile(r"^((?:[A-Z][A-Za-z0-9_]*\.)?[a-z_][A-Za-z0-9_']*)\s+:\s+(.+)$")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# Sentences that deny or contrast: the names in them are not claimed to exist.
_DENIAL = re.compile(
    r"\b(?:no|not|never|nor|instead|isn't|doesn't|don't|does not|do not|without|rather than|unlike|wrong|"
    r"misspel\w*|typo|python|haskell|javascript|js|c#|java|rust|ruby|other languages?|elsewhere|"
    r"undefined|unknown|unbound|missing|removed?|replaced?|rename\w*|became|becomes|old|drop\w*|delete\w*)\b",
    re.IGNORECASE,
)


# Sentences that talk about names as parameters, fields or keys: not claims that functions exist.
_NAMING = re.compile(r"\b(?:fields?|keys?|parameters?|arguments?|variables?|named|called|binds?|bound|local|objects?)\b",
                     re.IGNORECASE)


@dataclass(frozen=True)
class InlineCode:
    """One inline code span of the prose, with the sentence around it."""

    text: str
    sentence: str

    @property
    def denied(self) -> bool:
        return bool(_DENIAL.search(self.sentence))

    @property
    def naming(self) -> bool:
        return bool(_NAMING.search(self.sentence))


def inline_code(prose: str) -> list[InlineCode]:
    """The inline code spans of a piece of prose (code blocks already removed), each with its sentence."""
    spans = [(m.start(), m.end(), m.group(2).strip()) for m in _INLINE.finditer(prose)]
    # sentence boundaries outside the spans: mask the spans, then split
    masked = list(prose)
    for start, end, _ in spans:
        masked[start:end] = "x" * (end - start)
    flat = "".join(masked)
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(flat)] + [len(prose)]
    out: list[InlineCode] = []
    for start, _end, body in spans:
        if not body:
            continue
        lo = max(b for b in bounds if b <= start)
        hi = min(b for b in bounds if b > start)
        out.append(InlineCode(body, prose[lo:hi]))
    return out


def named_codes(prose: str) -> list[str]:
    """Error codes named in backticks, in order."""
    return [c.text for c in inline_code(prose) if c.text in KNOWN_CODES]


# ── types ────────────────────────────────────────────────────────────────────────────────────

_TYPE_TOKEN = re.compile(r"\s*(->|=>|[()\[\],]|[A-Za-z_][A-Za-z0-9_']*(?:\.[A-Za-z_][A-Za-z0-9_']*)*)")


class _TypeSyntax(ValueError):
    pass


def _tokens(text: str) -> list[str]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TYPE_TOKEN.match(text, pos)
        if not m:
            raise _TypeSyntax(text[pos:])
        out.append(m.group(1))
        pos = m.end()
    return out


class _Parser:
    """type := app ('->' type)? ; app := atom+ ; atom := Name | var | '(' type (',' type)* ')' | '[' type ']'."""

    def __init__(self, tokens: list[str]) -> None:
        self.toks, self.i = tokens, 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, want: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            raise _TypeSyntax(f"expected {want or 'a type'}")
        self.i += 1
        return tok

    def type(self) -> object:
        left = self.app()
        if self.peek() == "->":
            self.take()
            return ("->", left, self.type())
        return left

    def app(self) -> object:
        head = self.atom()
        args = []
        while self.peek() not in (None, "->", ")", "]", ",", "=>"):
            args.append(self.atom())
        if not args:
            return head
        return ("app", head, *args)

    def atom(self) -> object:
        tok = self.take()
        if tok == "(":
            if self.peek() == ")":
                self.take()
                return ("con", "()")
            inner = [self.type()]
            while self.peek() == ",":
                self.take()
                inner.append(self.type())
            self.take(")")
            return inner[0] if len(inner) == 1 else ("app", ("con", "Tuple"), *inner)
        if tok == "[":
            inner = self.type()
            self.take("]")
            return ("app", ("con", "List"), inner)
        if tok in ("->", "=>", ")", "]", ","):
            raise _TypeSyntax(tok)
        return ("con", tok) if tok[0].isupper() else ("var", tok)


def _canon(node: object, names: dict[str, str]) -> str:
    kind = node[0]  # type: ignore[index]
    if kind == "var":
        return names.setdefault(node[1], f"t{len(names)}")  # type: ignore[index]
    if kind == "con":
        return node[1]  # type: ignore[index]
    if kind == "->":
        left = _canon(node[1], names)  # type: ignore[index]
        if node[1][0] == "->":  # type: ignore[index]
            left = f"({left})"
        return f"{left} -> {_canon(node[2], names)}"  # type: ignore[index]
    parts = []
    for arg in node[1:]:  # type: ignore[index]
        text = _canon(arg, names)
        parts.append(f"({text})" if arg[0] in ("->", "app") and parts else text)  # type: ignore[index]
    return " ".join(parts)


@dataclass(frozen=True)
class TypeText:
    """A type written in a dialogue or by the checker, in one canonical spelling."""

    body: str  # without constraints, type variables renamed in order of appearance
    constraints: frozenset[str]

    @staticmethod
    def parse(text: str) -> TypeText | None:
        constraints: set[str] = set()
        if "=>" in text:
            head, _, text = text.partition("=>")
            constraints = {c.strip() for c in head.strip().strip("()").split(",") if c.strip()}
        try:
            parser = _Parser(_tokens(text))
            node = parser.type()
            if parser.peek() is not None:
                return None
        except _TypeSyntax:
            return None
        names: dict[str, str] = {}
        body = _canon(node, names)
        renamed = frozenset(" ".join(names.get(w, w) for w in c.split()) for c in constraints)
        return TypeText(body, renamed)

    def agrees(self, other: TypeText) -> bool:
        """Same type; a stated type may leave out the constraints (`Num a =>`) the checker shows."""
        return self.body == other.body and (not self.constraints or self.constraints == other.constraints)


def looks_like_type(text: str) -> bool:
    return "->" in text or bool(re.search(r"\b[A-Z]", text))


def signature_claim(code: InlineCode) -> tuple[str, str] | None:
    """(name, type) when the span states a signature, like `` `area : Shape -> Float` ``."""
    m = _SIGNATURE.match(code.text)
    if not m or not looks_like_type(m.group(2)) or TypeText.parse(m.group(2)) is None:
        return None
    return m.group(1), m.group(2)


@cache
def library_types() -> dict[str, str]:
    """Every library function's type: builtins, then the prelude's inferred signatures."""
    from synoema.library import prelude_signatures
    from synoema.stdlib import BUILTINS

    out = {name: b.type for name, b in BUILTINS.items() if getattr(b, "type", None)}
    out.update(prelude_signatures())
    return out


@cache
def known_words() -> frozenset[str]:
    """Names that exist without any code of the dialogue: the library, keywords and error codes."""
    from synoema.lexer import KEYWORDS
    from synoema.library import library_names

    return frozenset(library_names()) | KEYWORDS | KNOWN_CODES | {"main", "_", "synoema"}  # and the command


def code_names(sources: Iterable[str]) -> set[str]:
    """Every lower-case identifier written in `sources` (definitions, parameters, locals, fields)."""
    from synoema.lexer import lex

    names: set[str] = set()
    for src in sources:
        try:
            tokens = lex(src).tokens
        except Exception:  # a broken snippet still names things; fall back to words
            names |= set(re.findall(r"\b[a-z_][A-Za-z0-9_']*\b", src))
            continue
        for tok in tokens:
            if tok.kind == "LOWER":
                names.add(str(tok.value))
        names |= set(re.findall(r"\b[a-z_][A-Za-z0-9_']*\b", src))  # inside interpolations and strings too
    return names


def function_name(code: InlineCode) -> str | None:
    """The function a span names: the span itself (`str_join`) or the head of a call (`str_join ", " xs`)."""
    text = code.text
    if _IDENT.match(text) or _QUALIFIED.match(text):
        return text
    m = _HEAD.match(text)
    if m and not any(op in text for op in (" = ", "==", "<-", "=>")) and "\n" not in text:
        return m.group(1)
    return None
