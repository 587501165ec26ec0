"""Code blocks of a reply: which fences hold Synoema, where they are, and which close mid-stream.

The final extraction prefers the language layer's `synoema.snippets.extract_snippets` (it also knows
indented blocks); the streaming watcher is ours because it must split text at the exact end of a
closing fence, so that a verdict event follows its block in the event stream.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SYNOEMA_LANGS = frozenset({"sno", "synoema"})
OUTPUT_LANG = "output"
QUOTED_WORD = "quoted"

_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^\n`]*?)[ \t]*$")


@dataclass(frozen=True)
class CodeBlock:
    """One block: `start`/`end` cover the whole fence (closing line and its newline included)."""

    code: str
    start: int
    end: int
    info: str = ""
    quoted: bool = False
    closed: bool = True
    fenced: bool = True

    @property
    def lang(self) -> str:
        words = self.info.split()
        return words[0].lower() if words else ""


@dataclass(frozen=True)
class Fence:
    """Any fenced block (Synoema or not), as the composer needs them to find ```output blocks."""

    info: str
    body: str
    start: int
    end: int
    body_start: int
    body_end: int
    closed: bool

    @property
    def lang(self) -> str:
        words = self.info.split()
        return words[0].lower() if words else ""


def info_is_quoted(info: str) -> bool:
    return QUOTED_WORD in info.lower().split()[1:]


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and bool(stripped)
        and set(stripped) == {fence[0]}
        and len(stripped) >= len(fence)
    )


def opening(line: str) -> tuple[str, str] | None:
    """(fence marker, info string) when `line` opens a fence."""
    found = _OPEN.match(line.rstrip("\n"))
    if found is None or (found.group(2)[0] == "`" and "`" in found.group(3)):
        return None
    return found.group(2), found.group(3).strip()


def iter_fences(text: str) -> Iterator[Fence]:
    """Every fenced block in order; an unclosed last fence runs to the end of the text."""
    lines = text.splitlines(keepends=True)
    offset = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = opening(line)
        if opened is None:
            offset += len(line)
            i += 1
            continue
        marker, info = opened
        start = offset
        offset += len(line)
        i += 1
        body_start = offset
        body_end = offset
        closed = False
        while i < len(lines):
            inner = lines[i]
            if _closes(inner.rstrip("\n"), marker):
                body_end = offset
                offset += len(inner)
                i += 1
                closed = True
                break
            offset += len(inner)
            i += 1
        if not closed:
            body_end = offset
        body = text[body_start:body_end]
        yield Fence(
            info, body[:-1] if body.endswith("\n") else body, start, offset, body_start, body_end, closed
        )


def looks_like_synoema(code: str) -> bool:
    """An untagged fence counts as Synoema when our parser accepts it as a program or expression."""
    if not code.strip():
        return False
    from synoema.parser import parse, parse_expression

    try:
        if parse(code, None).ok:
            return True
        expr, diags = parse_expression(code)
        return expr is not None and not any(getattr(d, "is_error", True) for d in diags)
    except RecursionError:
        return False


def classify(info: str, code: str) -> bool:
    """Whether a fence with this info string and body is a Synoema code block we check."""
    words = info.lower().split()
    lang = words[0] if words else ""
    if lang in SYNOEMA_LANGS:
        return True
    return lang == "" and looks_like_synoema(code)


def _own_extract(text: str) -> list[CodeBlock]:
    return [
        CodeBlock(f.body, f.start, f.end, f.info, info_is_quoted(f.info), f.closed)
        for f in iter_fences(text)
        if classify(f.info, f.body)
    ]


def _convert(s: Any, text: str) -> CodeBlock:
    """A language-layer `Snippet` as a `CodeBlock`; `end` then also covers the closing line's newline."""
    end = int(s.end)
    if text[end : end + 1] == "\n":
        end += 1
    return CodeBlock(
        code=str(s.code),
        start=int(s.start),
        end=end,
        info=str(getattr(s, "info", "") or ""),
        quoted=bool(getattr(s, "quoted", False)),
        closed=bool(getattr(s, "closed", True)),
        fenced=bool(getattr(s, "fenced", True)),
    )


def extract_blocks(text: str) -> list[CodeBlock]:
    """Synoema code blocks of a whole message, from the language layer when it is installed."""
    try:
        from synoema.snippets import extract_snippets
    except ImportError:
        return _own_extract(text)
    try:
        return [_convert(s, text) for s in extract_snippets(text)]
    except Exception:  # the language layer must never take a reply down
        return _own_extract(text)


class FenceWatcher:
    """Feed streamed text; get back text pieces and Synoema blocks, each block right after its fence.

    Uses the language layer's `SnippetStream` when installed (same offsets and quoted flags as
    `extract_blocks`), else our own line scanner. Text is released as it arrives, except that the
    text of a block is cut at its closing fence so the block's verdict can follow it.
    """

    def __init__(self) -> None:
        try:
            from synoema.snippets import SnippetStream

            self._stream: Any | None = SnippetStream()
        except ImportError:
            self._stream = None
        self._own = _OwnWatcher()
        self._released = 0

    @property
    def text(self) -> str:
        return self._stream.text if self._stream is not None else self._own.text

    def feed(self, chunk: str) -> list[str | CodeBlock]:
        if self._stream is None:
            return self._own.feed(chunk)
        return self._release(self._stream.feed(chunk))

    def finish(self) -> list[str | CodeBlock]:
        """At the end of the stream: blocks still open (or closed by a last line without newline)."""
        if self._stream is None:
            return list(self._own.finish())
        return self._release(self._stream.close())

    def _release(self, snippets: list[Any]) -> list[str | CodeBlock]:
        text = self.text
        out: list[str | CodeBlock] = []
        for snippet in snippets:
            block = _convert(snippet, text)
            if block.end > self._released:
                out.append(text[self._released : block.end])
                self._released = block.end
            out.append(block)
        if self._released < len(text):
            out.append(text[self._released :])
            self._released = len(text)
        return out


class _OwnWatcher:
    """The fallback scanner: complete lines only, so a fence marker split across chunks is still seen."""

    def __init__(self) -> None:
        self.text = ""
        self._line_start = 0  # offset of the first incomplete line
        self._released = 0  # text[:released] has been handed out
        self._fence: tuple[str, str, int, int] | None = None  # marker, info, start, body_start

    def feed(self, chunk: str) -> list[str | CodeBlock]:
        self.text += chunk
        out: list[str | CodeBlock] = []
        while True:
            newline = self.text.find("\n", self._line_start)
            if newline < 0:
                break
            line = self.text[self._line_start : newline]
            line_start, self._line_start = self._line_start, newline + 1
            block = self._line(line, line_start, self._line_start)
            if block is not None:
                out.append(self.text[self._released : self._line_start])
                self._released = self._line_start
                out.append(block)
        if self._released < len(self.text):
            out.append(self.text[self._released :])
            self._released = len(self.text)
        return [piece for piece in out if not isinstance(piece, str) or piece]

    def finish(self) -> list[CodeBlock]:
        """The last line may close a fence without a newline."""
        tail = self.text[self._line_start :]
        if tail and self._fence is not None:
            block = self._line(tail, self._line_start, len(self.text))
            if block is not None:
                return [block]
        return []

    def _line(self, line: str, start: int, end: int) -> CodeBlock | None:
        if self._fence is None:
            opened = opening(line)
            if opened is not None:
                self._fence = (opened[0], opened[1], start, end)
            return None
        marker, info, fence_start, body_start = self._fence
        if not _closes(line, marker):
            return None
        self._fence = None
        body = self.text[body_start:start]
        code = body[:-1] if body.endswith("\n") else body
        if not classify(info, code):
            return None
        return CodeBlock(code, fence_start, end, info, info_is_quoted(info), True)
