"""Text and token helpers for rewrites: edits with offsets, a token view that survives broken code.

Rewrites work on the source text, never on a pretty-printed tree, so a repair keeps the user's layout,
comments and spelling everywhere it does not touch. Tokens come from the language's own lexer, which
never fails, so string literals and comments are never rewritten by accident.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..diagnostics import Span
from ..edits import TextEdit
from ..lexer import EOF, FLOAT, INT, ISTR, LOWER, STR, UPPER, InterpPart, Token, lex

CHAR = "CHAR"
ATOM_KINDS = frozenset({INT, FLOAT, STR, ISTR, CHAR, LOWER, UPPER, "true", "false", "_"})
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}


def diff_edit(old: str, new: str) -> TextEdit:
    """One edit that turns `old` into `new`: the span between their common prefix and suffix."""
    a = 0
    limit = min(len(old), len(new))
    while a < limit and old[a] == new[a]:
        a += 1
    b = 0
    while b < limit - a and old[len(old) - 1 - b] == new[len(new) - 1 - b]:
        b += 1
    return TextEdit(a, len(old) - b, new[a:len(new) - b])


def map_back(pos: int, edits: list[TextEdit]) -> int:
    """An offset in the text after `edits` as an offset in the text before them."""
    delta = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        new_start = e.start + delta
        new_end = new_start + len(e.new)
        if pos < new_start:
            break
        if pos < new_end or (pos == new_end and e.end == e.start):
            return e.start if pos < new_end else e.end
        delta += len(e.new) - (e.end - e.start)
    return pos - delta


def line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def span_of(text: str, start: int, end: int, starts: list[int] | None = None) -> Span:
    starts = starts if starts is not None else line_starts(text)
    line = bisect.bisect_right(starts, start) - 1
    eline = bisect.bisect_right(starts, end) - 1
    return Span(line + 1, start - starts[line] + 1, eline + 1, end - starts[eline] + 1, start, end)


@dataclass(slots=True)
class Tok:
    """A token with its offsets and what came before it on the line."""

    kind: str
    value: object
    start: int
    end: int
    line: int  # 1-based
    col: int  # 1-based
    spaced: bool
    first: bool = False  # first token on its line
    depth: int = 0  # bracket depth before the token (within its own token stream)
    nested: bool = False  # inside a `${...}` of a string

    @property
    def is_name(self) -> bool:
        return self.kind == LOWER

    def word(self, *words: str) -> bool:
        return self.kind == LOWER and self.value in words


@dataclass
class Tokens:
    """The lexer's tokens of `text`, plus bracket pairs and line bookkeeping."""

    text: str
    toks: list[Tok] = field(default_factory=list)  # top-level tokens (no layout tokens, no EOF)
    flat: list[Tok] = field(default_factory=list)  # plus the tokens inside string interpolations
    pair: dict[int, int] = field(default_factory=dict)  # index of an opener <-> index of its closer
    starts: list[int] = field(default_factory=list)
    lex_diags: list = field(default_factory=list)
    parts: list[Tokens] = field(default_factory=list)  # the token streams of `${...}` holes
    _by_line: dict[int, list[int]] | None = field(default=None, repr=False)

    @staticmethod
    def of(text: str) -> Tokens:
        lexed = lex(text)
        t = Tokens(text, starts=line_starts(text), lex_diags=list(lexed.diagnostics))
        t.toks = t._convert(lexed.tokens, nested=False)
        t.flat = list(t.toks)
        t._pairs()
        pending = list(lexed.tokens)
        while pending:
            raw = pending.pop(0)
            if raw.kind == ISTR and isinstance(raw.value, list):
                for part in raw.value:
                    if isinstance(part, InterpPart):
                        sub = Tokens(text, starts=t.starts)
                        sub.toks = t._convert(part.tokens, nested=True)
                        sub._pairs()
                        t.parts.append(sub)
                        t.flat += sub.toks
                        pending += part.tokens  # strings inside `${...}` may hold holes of their own
        t.flat.sort(key=lambda k: k.start)
        return t

    def _pairs(self) -> None:
        stack: list[int] = []
        for i, k in enumerate(self.toks):
            k.depth = len(stack)
            if k.kind in OPENERS:
                stack.append(i)
            elif k.kind in CLOSERS and stack and self.toks[stack[-1]].kind == CLOSERS[k.kind]:
                j = stack.pop()
                self.pair[j] = i
                self.pair[i] = j
                k.depth = len(stack)

    def streams(self) -> list[Tokens]:
        """This token stream and those of every `${...}` hole (each has its own brackets)."""
        return [self, *self.parts]

    def _convert(self, raw: list[Token], nested: bool) -> list[Tok]:
        out: list[Tok] = []
        last_line = -1
        for r in raw:
            if r.kind == EOF:
                continue
            s = r.span
            first = s.line != last_line
            last_line = s.line
            out.append(Tok(r.kind, r.value, s.offset, s.end_offset, s.line, s.col, r.spaced, first, 0, nested))
        return out

    # -- queries -----------------------------------------------------------------------------

    def src(self, a: Tok | int, b: Tok | int | None = None) -> str:
        """Source text of token `a` (or of tokens a..b inclusive, given as indexes)."""
        if isinstance(a, Tok):
            return self.text[a.start:a.end]
        end = b if isinstance(b, Tok) else self.toks[a if b is None else b]
        return self.text[self.toks[a].start:end.end]

    def line_text(self, line: int) -> str:
        s = self.starts[line - 1]
        e = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[s:e]

    def line_indent(self, line: int) -> int:
        t = self.line_text(line)
        return len(t) - len(t.lstrip(" \t"))

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def line_end(self, line: int) -> int:
        return self.starts[line] - 1 if line < len(self.starts) else len(self.text)

    def index_at(self, offset: int) -> int | None:
        """The index of the top-level token starting at `offset`, if any."""
        lo = bisect.bisect_left(self.toks, offset, key=lambda k: k.start)
        if lo < len(self.toks) and self.toks[lo].start == offset:
            return lo
        return None

    def index_covering(self, offset: int) -> int | None:
        for i, k in enumerate(self.toks):
            if k.start <= offset < k.end:
                return i
            if k.start > offset:
                return None
        return None

    def line_tokens(self, line: int) -> list[int]:
        """Indexes of the tokens that start on `line` (built once: rules ask for every line)."""
        if self._by_line is None:
            by: dict[int, list[int]] = {}
            for i, k in enumerate(self.toks):
                by.setdefault(k.line, []).append(i)
            self._by_line = by
        return self._by_line.get(line, [])

    def group_end(self, i: int) -> int:
        """Index of the last token of the atom starting at `i` (a bracket group ends at its closer)."""
        return self.pair.get(i, i) if self.toks[i].kind in OPENERS else i


def is_atom_text(text: str) -> bool:
    """Can `text` stand as one argument without parentheses?"""
    t = text.strip()
    if not t:
        return False
    if t[0] in "([{" and _balanced_group(t):
        return True
    if t[0] == '"' and t.endswith('"') and t.count('"') == 2:
        return True
    if t.replace(".", "", 1).isdigit():
        return True
    # `r.x` is not an atom: application binds tighter than field access (`f r.x` is `(f r).x`)
    return all(ch.isalnum() or ch == "_" for ch in t) and not t[0].isdigit()


def _balanced_group(t: str) -> bool:
    """`t` is one bracketed group from its first to its last character."""
    depth = 0
    in_str = escaped = False
    for i, ch in enumerate(t):
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0 and i != len(t) - 1:
                return False
    return depth == 0


def paren(text: str) -> str:
    t = text.strip()
    return t if is_atom_text(t) else f"({t})"
