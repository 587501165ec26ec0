"""The Synoema code editor: a TextArea highlighted by our Pygments lexer, with diagnostic gutter marks.

TextArea highlights through tree-sitter, and there is no tree-sitter grammar for Synoema; but it
reads its highlights from `_highlights` (line -> byte ranges -> highlight names) rebuilt after
every edit by `_build_highlight_map`. Filling that map from Pygments tokens gives the editor the
same colours as the chat's code blocks, with no extra dependency. Lines with diagnostics get a
mark in the gutter (● error, ▲ warning) drawn over the line number.
"""

from __future__ import annotations

from pygments.token import Token, _TokenType
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import TextArea

# Most specific first: the first ancestor of a token type found here names its highlight.
TOKEN_HIGHLIGHTS: dict[_TokenType, str] = {
    Token.Comment: "comment",
    Token.Literal.String.Doc: "string.documentation",
    Token.Literal.String: "string",
    Token.Literal.Number.Float: "float",
    Token.Literal.Number: "number",
    Token.Keyword.Constant: "boolean",
    Token.Keyword.Type: "type",
    Token.Keyword: "keyword",
    Token.Name.Function: "function",
    Token.Name.Builtin: "function.call",
    Token.Name.Class: "class",
    Token.Name.Decorator: "keyword",
    Token.Name.Namespace: "type.class",
    Token.Name.Attribute: "method.call",
    Token.Operator: "operator",
    Token.Punctuation: "punctuation.bracket",
}

MARK_STYLES = {"error": Style(color="red", bold=True), "warning": Style(color="yellow", bold=True)}
MARK_GLYPHS = {"error": "●", "warning": "▲"}


def highlight_name(token: _TokenType) -> str | None:
    while token is not None:
        name = TOKEN_HIGHLIGHTS.get(token)
        if name is not None:
            return name
        token = token.parent
    return None


def highlight_map(text: str) -> dict[int, list[tuple[int, int | None, str]]]:
    """Per line, (start byte, end byte, highlight name) from the Synoema lexer."""
    from assistant.highlight import SynoemaLexer

    result: dict[int, list[tuple[int, int | None, str]]] = {}
    lexer = SynoemaLexer(stripnl=False, ensurenl=False)
    row, byte_col = 0, 0
    for token, value in lexer.get_tokens(text):
        name = highlight_name(token)
        pieces = value.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                row, byte_col = row + 1, 0
            size = len(piece.encode("utf-8"))
            if name and size:
                result.setdefault(row, []).append((byte_col, byte_col + size, name))
            byte_col += size
    return result


class SynoemaEditor(TextArea):
    """TextArea for Synoema: Pygments highlighting, line numbers, diagnostic marks in the gutter."""

    DEFAULT_CSS = """
    SynoemaEditor { height: 1fr; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(
            text,
            id=id,
            show_line_numbers=True,
            tab_behavior="indent",
            soft_wrap=False,
            placeholder="Paste or type Synoema here; it is checked as you type.",
        )
        self.indent_width = 2
        self.marks: dict[int, str] = {}  # 0-based line -> "error" | "warning"

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        self._highlights.clear()
        try:
            found = highlight_map(self.text)
        except Exception:  # a lexer bug must never break editing
            return
        for row, spans in found.items():
            self._highlights[row].extend(spans)

    def set_marks(self, marks: dict[int, str]) -> None:
        """Replace the gutter marks (0-based line numbers)."""
        if marks != self.marks:
            self.marks = dict(marks)
            self._line_cache.clear()
            self.refresh()

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        if not self.marks or not self.show_line_numbers:
            return strip
        try:
            line_index, section = self.wrapped_document._offset_to_line_info[y + self.scroll_offset.y]
        except (IndexError, TypeError):
            return strip
        severity = self.marks.get(line_index)
        if severity is None or section != 0:
            return strip
        width = self.gutter_width
        if width < 2 or strip.cell_length < width:
            return strip
        number = str(line_index + self.line_number_start)
        gutter_text = f"{number:>{width - 2}}{MARK_GLYPHS[severity]} "
        base = next(iter(strip), None)
        base_style = base.style if base is not None and base.style else Style()
        gutter = Strip([Segment(gutter_text, base_style + MARK_STYLES[severity])], cell_length=width)
        return Strip.join([gutter, strip.crop(width)])
