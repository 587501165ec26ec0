"""Lexer: source text to tokens with exact spans.

Comments and doc comments never reach the layout pass as tokens: doc comment text is attached to the
next token (so indentation decisions only look at code), and mistakes that models carry over from
other languages (`//` and `#` comments, `!x`, single-quoted strings) become diagnostics with the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Span

KEYWORDS = frozenset(
    ["mod", "use", "import", "trait", "impl", "type", "true", "false", "lazy", "scope", "spawn", "derive", "test", "prop", "when"]
)

# Token kinds: keywords and operators use their own text as kind.
INT, FLOAT, STR, ISTR, CHAR, LOWER, UPPER = "INT", "FLOAT", "STR", "ISTR", "CHAR", "LOWER", "UPPER"
NEWLINE, INDENT, DEDENT, EOF = "NEWLINE", "INDENT", "DEDENT", "EOF"

INT_MIN, INT_MAX = -(2**63), 2**63 - 1

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r]*)
    (?:
      (?P<nl>\n)
    | (?P<doc>---[^\n]*)
    | (?P<comment>--[^\n]*)
    | (?P<float>[0-9]+\.[0-9]+)
    | (?P<int>[0-9]+)
    | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>\.\.\.|\.\.|->|<-|=>|\|>|\|\||&&|\+\+|>>|==|!=|<=|>=|\*\*|//|[-+*/%<>=?:.@|\\,;()\[\]{}])
    | (?P<quote>["'])
    | (?P<end>$)
    )
    """,
    re.VERBOSE,
)

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "0": "\0", "$": "$"}
_CHAR_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "0": "\0"}


@dataclass(slots=True)
class Token:
    kind: str
    value: object
    span: Span
    spaced: bool = True  # whitespace (or line start) before the token
    doc: list[str] | None = None  # doc comment lines attached to this token

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def col(self) -> int:
        return self.span.col

    def describe(self) -> str:
        return describe_token(self)


@dataclass(slots=True)
class InterpPart:
    """One `${...}` hole of an interpolated string: its tokens end with EOF."""

    tokens: list[Token]
    span: Span


@dataclass(slots=True)
class LexResult:
    tokens: list[Token]
    diagnostics: list[Diagnostic] = field(default_factory=list)


def describe_token(tok: Token) -> str:
    k = tok.kind
    if k in (INT, FLOAT):
        return f"number {tok.value}"
    if k in (STR, ISTR):
        return "a string"
    if k == CHAR:
        return "a character"
    if k == LOWER:
        return f"`{tok.value}`"
    if k == UPPER:
        return f"`{tok.value}`"
    if k == NEWLINE:
        return "the end of the line"
    if k == INDENT:
        return "an indented line"
    if k == DEDENT:
        return "the end of the indented block"
    if k == EOF:
        return "the end of the input"
    return f"`{k}`"


def _skip_ws(src: str, pos: int) -> int:
    while pos < len(src) and src[pos] in " \t\r":
        pos += 1
    return pos


class _Lexer:
    def __init__(self, source: str) -> None:
        self.src = source
        self.n = len(source)
        self.diags: list[Diagnostic] = []
        # line start offsets, for offset -> (line, col)
        self.line_starts = [0]
        for m in re.finditer("\n", source):
            self.line_starts.append(m.end())

    def pos(self, offset: int) -> tuple[int, int]:
        ls = self.line_starts
        lo, hi = 0, len(ls) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if ls[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - ls[lo] + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.pos(start)
        eline, ecol = self.pos(end)
        return Span(line, col, eline, ecol, start, end)

    def error(self, code: str, message: str, start: int, end: int, **kw: object) -> None:
        self.diags.append(Diagnostic(code, message, self.span(start, max(end, start + 1)), **kw))  # type: ignore[arg-type]

    # -- main loop ---------------------------------------------------------------------------

    def lex(self, start: int = 0, in_interp: bool = False) -> tuple[list[Token], int]:
        """Lex from `start`; inside `${...}` stop at the unmatched `}` and return its offset."""
        src, n = self.src, self.n
        toks: list[Token] = []
        pos = start
        spaced = True
        depth = 0
        pending_doc: list[str] = []
        match = _TOKEN_RE.match
        line, ls = self.pos(start)
        ls = start - ls + 1  # offset of the current line's first character
        keywords = KEYWORDS
        while True:
            m = match(src, pos)
            if m is None:
                pos = self.bad_char(_skip_ws(src, pos))
                spaced = True
                continue
            kind = m.lastgroup
            if m.end("ws") > pos:
                spaced = True
            end = m.end()
            if kind == "id":
                text = m.group(kind)
                tpos = m.start(kind)
                sp = Span(line, tpos - ls + 1, line, end - ls + 1, tpos, end)
                if text in keywords:
                    tok = Token(text, text, sp, spaced)
                elif text == "_":
                    tok = Token("_", text, sp, spaced)
                elif text[0].isupper():
                    tok = Token(UPPER, text, sp, spaced)
                else:
                    tok = Token(LOWER, text, sp, spaced)
            elif kind == "op":
                text = m.group(kind)
                tpos = m.start(kind)
                sp = Span(line, tpos - ls + 1, line, end - ls + 1, tpos, end)
                if text == "//":
                    eol = src.find("\n", tpos)
                    eol = n if eol < 0 else eol
                    self.error(
                        "unexpected_token",
                        "`//` is not a comment in Synoema",
                        tpos,
                        tpos + 2,
                        llm_hint="Comments start with `--` (doc comments with `---`).",
                        did_you_mean="-- " + src[tpos + 2 : eol].strip(),
                        fixability="trivial",
                    )
                    pos = eol
                    continue
                if in_interp:
                    if text == "{":
                        depth += 1
                    elif text == "}":
                        if depth == 0:
                            toks.append(Token(EOF, None, sp, spaced))
                            return toks, tpos
                        depth -= 1
                tok = Token(text, text, sp, spaced)
            elif kind == "nl":
                if in_interp:
                    pos = m.start(kind)
                    break
                spaced = True
                pos = end
                line += 1
                ls = end
                continue
            elif kind == "quote":
                tpos = m.start(kind)
                tok, pos = self.string(tpos) if m.group(kind) == '"' else self.char(tpos)
                tok.spaced = spaced
                if pending_doc:
                    tok.doc = pending_doc
                    pending_doc = []
                toks.append(tok)
                spaced = False
                continue
            elif kind == "int" or kind == "float":
                text = m.group(kind)
                tpos = m.start(kind)
                sp = Span(line, tpos - ls + 1, line, end - ls + 1, tpos, end)
                if kind == "float":
                    tok = Token(FLOAT, float(text), sp, spaced)
                else:
                    value = int(text)
                    if value > INT_MAX + 1:
                        self.error("invalid_number", f"integer literal {text} does not fit in 64 bits", tpos, end)
                        value = 0
                    tok = Token(INT, value, sp, spaced)
            elif kind == "doc":
                text = m.group(kind)
                pending_doc.append(text[3:].strip() if text[3:4] == " " else text[3:].rstrip())
                pos = end
                continue
            elif kind == "comment":
                pos = end
                continue
            else:  # end of input
                pos = end
                break
            if pending_doc:
                tok.doc = pending_doc
                pending_doc = []
            toks.append(tok)
            spaced = False
            pos = end
        if in_interp:
            # ran off the line without a closing brace
            self.error(
                "unterminated_string",
                "string interpolation `${` is not closed by `}` on the same line",
                start - 2,
                pos,
                llm_hint="Close the interpolation with `}` and the string with `\"`; write a literal `$` as `\\$`.",
            )
            toks.append(Token(EOF, None, self.span(pos, pos), True))
            return toks, pos
        toks.append(Token(EOF, None, self.span(n, n), True, pending_doc or None))
        return toks, n

    def bad_char(self, pos: int) -> int:
        src = self.src
        ch = src[pos]
        if ch == "#":
            eol = src.find("\n", pos)
            eol = len(src) if eol < 0 else eol
            self.error(
                "unexpected_char",
                "`#` does not start a comment in Synoema",
                pos,
                pos + 1,
                llm_hint="Comments start with `--`.",
                did_you_mean="-- " + src[pos + 1 : eol].strip(),
                fixability="trivial",
            )
            return eol
        if ch == "!":
            self.error(
                "unexpected_char",
                "unexpected `!`",
                pos,
                pos + 1,
                llm_hint="Negate a Bool with `not x`; test inequality with `!=`.",
                did_you_mean="not",
                fixability="trivial",
            )
        elif ch == "&":
            self.error(
                "unexpected_char",
                "unexpected `&`",
                pos,
                pos + 1,
                llm_hint="Logical and is `&&`.",
                did_you_mean="&&",
                fixability="trivial",
            )
        elif ch == "$":
            self.error(
                "unexpected_char",
                "unexpected `$`",
                pos,
                pos + 1,
                llm_hint="Synoema has no `$` operator: use parentheses `f (g x)` or a pipe `x |> g |> f`.",
                fixability="trivial",
            )
        else:
            shown = ch if ch.isprintable() else repr(ch)
            self.error(
                "unexpected_char",
                f"unexpected character `{shown}`",
                pos,
                pos + 1,
                llm_hint="Outside strings Synoema source uses ASCII letters, digits and its operators only.",
                fixability="trivial",
            )
        return pos + 1

    # -- literals ----------------------------------------------------------------------------

    def string(self, start: int) -> tuple[Token, int]:
        src, n = self.src, self.n
        pos = start + 1
        parts: list[str | InterpPart] = []
        buf: list[str] = []
        while True:
            if pos >= n or src[pos] == "\n":
                self.error(
                    "unterminated_string",
                    "string is not closed on this line",
                    start,
                    pos,
                    llm_hint='Add the closing `"`; strings cannot span lines (use "\\n" for a line break).',
                    fixability="trivial",
                )
                break
            ch = src[pos]
            if ch == '"':
                pos += 1
                break
            if ch == "\\":
                esc = src[pos + 1] if pos + 1 < n else ""
                if esc in _ESCAPES:
                    buf.append(_ESCAPES[esc])
                    pos += 2
                    continue
                self.error(
                    "unknown_escape",
                    f"unknown escape `\\{esc}` in string",
                    pos,
                    pos + 2,
                    llm_hint=r'Valid escapes are \n \t \r \\ \" \$ \0; write a backslash as \\.',
                    fixability="trivial",
                )
                buf.append(esc)
                pos += 2
                continue
            if ch == "$" and pos + 1 < n and src[pos + 1] == "{":
                if buf:
                    parts.append("".join(buf))
                    buf = []
                hole_start = pos
                toks, close = self.lex(pos + 2, in_interp=True)
                parts.append(InterpPart(toks, self.span(hole_start, close + 1)))
                if close >= n or src[close] != "}":
                    pos = close
                    break
                pos = close + 1
                continue
            buf.append(ch)
            pos += 1
        sp = self.span(start, pos)
        if not any(isinstance(p, InterpPart) for p in parts):
            return Token(STR, "".join(p for p in parts if isinstance(p, str)) + "".join(buf), sp), pos
        if buf:
            parts.append("".join(buf))
        return Token(ISTR, parts, sp), pos

    def char(self, start: int) -> tuple[Token, int]:
        src, n = self.src, self.n
        pos = start + 1
        value = ""
        if pos < n and src[pos] == "\\":
            esc = src[pos + 1] if pos + 1 < n else ""
            if esc in _CHAR_ESCAPES:
                value = _CHAR_ESCAPES[esc]
            else:
                self.error("unknown_escape", f"unknown escape `\\{esc}` in character", pos, pos + 2)
                value = esc
            pos += 2
        elif pos < n and src[pos] not in "\n'":
            value = src[pos]
            pos += 1
        if pos < n and src[pos] == "'" and value:
            return Token(CHAR, value, self.span(start, pos + 1)), pos + 1
        # Not a character literal: most likely a single-quoted string.
        eol = src.find("\n", start)
        eol = n if eol < 0 else eol
        close = src.find("'", start + 1, eol)
        end = close + 1 if close > 0 else eol
        text = src[start + 1 : close] if close > 0 else src[start + 1 : eol]
        self.error(
            "unterminated_string",
            "character literal must hold exactly one character",
            start,
            end,
            llm_hint='Strings use double quotes: "text". Single quotes are for one character: \'a\'.',
            did_you_mean='"' + text.replace('"', '\\"') + '"',
            fixability="trivial",
        )
        return Token(STR, text, self.span(start, end)), end


def lex(source: str) -> LexResult:
    """Tokenize `source` (without layout tokens). Never raises."""
    lx = _Lexer(source)
    tokens, _ = lx.lex()
    return LexResult(tokens, lx.diags)
