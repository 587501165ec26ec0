"""Markdown prose as themed text lines: markdown-it parses, we lay out paragraphs, lists and quotes.

The chat shows long answers (an explanation of 400 definitions is a 400-item list). Textual's
Markdown widget mounts several widgets per list item and Rich's renderer draws the whole text again
for every layout; here a group of paragraphs becomes a list of `Block`s once, and each block is
wrapped to the width with a hanging indent, cached per width. Block code (``` fences) never gets
here: the scanner makes every fence a block widget of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from textual.content import Content

if TYPE_CHECKING:
    from markdown_it.token import Token

HEADING = "bold $text-primary"
CODE = "$text-warning"
QUOTE = "$text-muted"
LINK = "underline $text-accent"
RULE = "$text-muted"


@dataclass(frozen=True)
class Block:
    """One line group: its text, the prefix of its first line, the indent of the others."""

    body: Content
    prefix: str = ""
    indent: str = ""
    style: str = ""  # for the prefix (a list marker, a quote bar)
    gap: bool = True  # a blank line after it
    wrap: bool = True  # False for code lines: they are shown as written, cut at the edge


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def inline(tokens: list[Token] | None) -> Content:
    """The children of an `inline` token as styled content."""
    parts: list[Content] = []
    styles: list[str] = []
    for token in tokens or []:
        kind = token.type
        if kind == "text":
            parts.append(Content.styled(token.content, " ".join(styles)) if styles else Content(token.content))
        elif kind == "code_inline":
            parts.append(Content.styled(token.content, " ".join([*styles, CODE])))
        elif kind in ("softbreak",):
            parts.append(Content(" "))
        elif kind == "hardbreak":
            parts.append(Content("\n"))
        elif kind.endswith("_open"):
            styles.append({"strong_open": "bold", "em_open": "italic", "s_open": "strike", "link_open": LINK}.get(kind, ""))
        elif kind.endswith("_close") and styles:
            styles.pop()
        elif kind == "image":
            parts.append(Content.styled(f"[{token.content or 'image'}]", "italic"))
        elif token.content:
            parts.append(Content(token.content))
    return Content("").join(parts)


def blocks(text: str) -> list[Block]:
    """The Markdown `text` as blocks, in order."""
    tokens = _parser().parse(text)
    out: list[Block] = []
    lists: list[list[int]] = []  # for each open list: [ordered (0/1), next number]
    quote = 0
    item_first = False  # the next paragraph opens a list item (gets the marker)
    table: list[list[Content]] = []
    row: list[Content] = []

    def lead() -> tuple[str, str, str]:
        depth = max(len(lists) - 1, 0)
        bar = "▎ " * quote
        if lists and item_first:
            ordered, number = lists[-1]
            marker = f"{number}. " if ordered else "• "
            return bar + "  " * depth + marker, bar + "  " * depth + " " * len(marker), QUOTE if quote else "$text-accent"
        pad = "  " * len(lists) if lists else ""
        return bar + pad, bar + pad, QUOTE

    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 1
            lists.append([1 if kind == "ordered_list_open" else 0, start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if out and not lists:
                out[-1] = Block(out[-1].body, out[-1].prefix, out[-1].indent, out[-1].style, True, out[-1].wrap)
        elif kind == "list_item_open":
            item_first = True
        elif kind == "list_item_close":
            lists[-1][1] += 1
            item_first = False
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in ("paragraph_open", "heading_open"):
            content = inline(tokens[i + 1].children if i + 1 < len(tokens) else None)
            if kind == "heading_open":
                content = content.stylize_before(HEADING)
            if quote:
                content = content.stylize_before(QUOTE)
            prefix, indent, style = lead()
            tight = token.hidden  # a paragraph of a tight list item: no blank line after it
            out.append(Block(content, prefix, indent, style, gap=not tight))
            item_first = False
            i += 2  # the inline token and the close
        elif kind in ("fence", "code_block"):
            prefix, indent, _ = lead()
            for line in token.content.rstrip("\n").split("\n"):
                out.append(Block(Content.styled(line, CODE), indent, indent, gap=False, wrap=False))
            if out:
                out[-1] = Block(out[-1].body, out[-1].prefix, out[-1].indent, out[-1].style, True, False)
            item_first = False
        elif kind == "hr":
            out.append(Block(Content.styled("─" * 40, RULE)))
        elif kind in ("th_open", "td_open"):
            row.append(inline(tokens[i + 1].children if i + 1 < len(tokens) else None))
            i += 2
        elif kind == "tr_close":
            table.append(row)
            row = []
        elif kind == "table_close":
            out.extend(_table(table))
            table = []
        i += 1
    if out:
        last = out[-1]
        out[-1] = Block(last.body, last.prefix, last.indent, last.style, False, last.wrap)
    return out


def _table(rows: list[list[Content]]) -> list[Block]:
    if not rows:
        return []
    widths = [max(cell.cell_length for cell in column) for column in zip(*rows)]
    out = []
    for number, cells in enumerate(rows):
        padded = [cell.pad_right(width - cell.cell_length) for cell, width in zip(cells, widths)]
        line = Content(" │ ").join(padded)
        out.append(Block(line.stylize("bold") if number == 0 else line, gap=False, wrap=False))
        if number == 0:
            out.append(Block(Content.styled("─┼─".join("─" * w for w in widths), RULE), gap=False, wrap=False))
    last = out[-1]
    out[-1] = Block(last.body, gap=True, wrap=False)
    return out


def layout(found: list[Block], width: int) -> list[Content]:
    """The blocks wrapped to `width` cells: the prefix on the first line, the indent on the others."""
    lines: list[Content] = []
    width = max(width, 8)
    for block in found:
        room = max(width - len(block.indent), 4)
        first = True
        for part in block.body.split("\n"):
            if part.cell_length <= room:
                wrapped = [part]  # most lines fit: wrapping is the costly step
            else:
                wrapped = part.wrap(room) if block.wrap else [part.truncate(room)]
            for line in wrapped or [Content("")]:
                if first:
                    lead = Content.styled(block.prefix, block.style) if block.prefix else Content("")
                    first = False
                else:
                    lead = Content(block.indent)
                lines.append(Content.assemble(lead, line))
        if block.gap:
            lines.append(Content(""))
    return lines
