"""Layout (offside rule): turns line structure into NEWLINE / INDENT / DEDENT tokens.

A line indented deeper than the current block opens a new block (INDENT); a line at the block's
column separates items (NEWLINE); a shallower line closes blocks (DEDENT). There is no line
continuation: the parser decides what an INDENT means where it meets one.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, Span
from .lexer import DEDENT, EOF, INDENT, NEWLINE, Token


def _marker(kind: str, at: Span) -> Token:
    return Token(kind, None, Span(at.line, at.col, at.line, at.col, at.offset, at.offset), True)


def apply_layout(tokens: list[Token]) -> tuple[list[Token], list[Diagnostic]]:
    out: list[Token] = []
    diags: list[Diagnostic] = []
    stack = [1]
    prev_line = 0
    for tok in tokens:
        if tok.kind == EOF:
            while len(stack) > 1:
                stack.pop()
                out.append(_marker(DEDENT, tok.span))
            out.append(tok)
            break
        if tok.span.line != prev_line:
            prev_line = tok.span.line
            col = tok.span.col
            top = stack[-1]
            if out:
                if col > top:
                    stack.append(col)
                    out.append(_marker(INDENT, tok.span))
                elif col == top:
                    if out[-1].kind not in (NEWLINE, INDENT):
                        out.append(_marker(NEWLINE, tok.span))
                else:
                    popped = 0
                    while len(stack) > 1 and stack[-1] > col:
                        popped = stack.pop()
                        out.append(_marker(DEDENT, tok.span))
                    if stack[-1] != col:
                        diags.append(
                            Diagnostic(
                                "indentation",
                                f"this line is indented to column {col}, which matches no enclosing block "
                                f"(the block above starts at column {popped or stack[-1]})",
                                Span(tok.span.line, 1, tok.span.line, col, tok.span.offset - col + 1, tok.span.offset),
                                llm_hint="Align the line with the block it belongs to; use 2 spaces per level.",
                                fixability="easy",
                            )
                        )
                        if popped:  # recover: keep the line in the block it fell out of
                            stack.append(popped)
                            out.pop()
                    if out[-1].kind not in (NEWLINE, DEDENT, INDENT):
                        out.append(_marker(NEWLINE, tok.span))
            else:
                stack[0] = col  # a uniformly indented snippet: its first column is the top level
        out.append(tok)
    return out, diags
