"""Find the Synoema code in a model reply or a Markdown message, with positions, as it streams.

A reply mixes prose, proposed programs, the user's own code quoted back, program output and code in
other languages. We keep: fences tagged `sno`/`synoema`; untagged fences and indented blocks whose
content is Synoema (it parses, and a bare expression only uses known names, so `ls -la` or a line of
output is not mistaken for code). Each snippet carries the offsets of its whole block so that a UI can
put a verdict right under it, and says whether it is quoted (the user's code shown back: never run,
never offered as a fix) or proposed. `SnippetStream` yields each snippet as soon as its fence closes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

SYNOEMA_LANGS = frozenset({"sno", "synoema"})
# Words in an info string after the language: ```sno quoted, ```sno before, ```sno fixed
QUOTED_INFO = frozenset({"quoted", "quote", "before", "broken", "original", "wrong", "yours", "input", "old"})
PROPOSED_INFO = frozenset({"fixed", "after", "corrected", "proposed", "new", "solution"})

_FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")

# Phrases in the prose right before a block. The last one found (nearest the block) decides.
_QUOTED_PHRASES = (
    r"your (?:code|program|snippet|version|function|definition|attempt|original)",
    r"(?:the |this )?(?:broken|failing|buggy|faulty|wrong|incorrect|erroneous|original|old) (?:code|version|program|line|snippet|definition)",
    r"you (?:wrote|have|had|posted|pasted|shared)",
    r"\bbefore\s*:",
    r"\bcurrently\b",
    r"\binstead of\s*:?\s*$",
    r"\b(?:problem|error|bug|issue)\s+is\s+(?:here|in)\b",
    r"\bthis (?:line|part) (?:fails|is wrong)\b",
)
_PROPOSED_PHRASES = (
    r"\b(?:fixed|corrected|repaired|working|correct|updated|revised|improved) (?:code|version|program|line|snippet|definition)",
    r"\bafter\s*:",
    r"\b(?:here is|here's) (?:the |a )?(?:fix|solution|program|version|corrected|fixed|working)",
    r"\bfix(?:ed)?\s*:",
    r"\b(?:try|use|write) (?:this|instead)\b",
    r"\bshould (?:be|read|look like)\b",
    r"\bcorrected\b",
    r"\bfixed\b",
)
_QUOTED_RE = re.compile("|".join(f"(?:{p})" for p in _QUOTED_PHRASES), re.IGNORECASE | re.MULTILINE)
_PROPOSED_RE = re.compile("|".join(f"(?:{p})" for p in _PROPOSED_PHRASES), re.IGNORECASE | re.MULTILINE)
_LEAD_WINDOW = 240  # characters of prose before a block that may say what it is


@dataclass(frozen=True)
class Snippet:
    """One code block: its code, where the whole block sits in the text, and what it is."""

    index: int  # position among the snippets of the text, from 0
    code: str
    start: int  # offset of the block's first character (the opening fence line)
    end: int  # offset just past the block (the closing fence; len(text) while unclosed)
    lang: str  # "sno" or "synoema"; "sno" for untagged blocks recognised as Synoema
    info: str  # the fence's whole info string ("" for untagged and indented blocks)
    quoted: bool = False  # the user's code shown back, not a proposal
    closed: bool = True  # the fence was closed (False for a reply cut off mid-block)
    fenced: bool = True  # False for an indented block

    @property
    def proposed(self) -> bool:
        return not self.quoted


# ── recognising Synoema ──────────────────────────────────────────────────────────────────────


def is_synoema(code: str) -> bool:
    """Whether an untagged block is Synoema: a program that parses, or an expression over known names."""
    if not code.strip():
        return False
    from .parser import parse, parse_expression

    parsed = parse(code)
    if parsed.ok and parsed.program.decls:
        return True
    expr, diags = parse_expression(code)
    if expr is not None and not any(d.is_error for d in diags):
        return _known_names_only(code)
    return _strongly_synoema(code)


def _known_names_only(expr: str) -> bool:
    from .api import check_source

    lines = expr.strip("\n").split("\n")
    program = f"main = {lines[0]}\n" if len(lines) == 1 else "main =\n" + "\n".join("  " + ln for ln in lines) + "\n"
    checked = check_source(program, types=False)
    if not checked.ok:
        return False
    # a lone number, string or name is output or prose, not code worth a verdict
    return bool(re.search(r"[\\\[(]|->|\|>|\+\+|\b[a-z_][A-Za-z0-9_]*\s+\S", expr))


_SYNOEMA_MARKERS = re.compile(r"^main\s*=|\?\s.+->.+\s:\s|\|>|\\[a-z_][A-Za-z0-9_ ]*->|\$\{", re.MULTILINE)
_FOREIGN_MARKERS = re.compile(
    r"^\s*(?:import\s+\w+\s*$|from\s+\w+\s+import|#include|public\s+class|fn\s+\w+\s*\(.*\)\s*\{|"
    r"function\s+\w+\s*\(|const\s+\w+\s*=|\$\s|pip\s|npm\s|cargo\s)",
    re.MULTILINE,
)


def _strongly_synoema(code: str) -> bool:
    """A block that does not parse but is clearly meant as Synoema (it is then checked and may be repaired)."""
    return bool(_SYNOEMA_MARKERS.search(code)) and not _FOREIGN_MARKERS.search(code)


def _quoted(info_words: list[str], lead: str) -> bool:
    if any(w in QUOTED_INFO for w in info_words):
        return True
    if any(w in PROPOSED_INFO for w in info_words):
        return False
    last_q = max((m.end() for m in _QUOTED_RE.finditer(lead)), default=-1)
    last_p = max((m.end() for m in _PROPOSED_RE.finditer(lead)), default=-1)
    return last_q > last_p


def _lead_text(text: str, start: int, prev_end: int) -> str:
    """The prose between the previous block and this one, at most the last couple of sentences."""
    lo = max(prev_end, start - _LEAD_WINDOW)
    lead = text[lo:start]
    # the paragraph that introduces the block: after the last blank line, unless that leaves nothing
    parts = re.split(r"\n[ \t]*\n", lead.rstrip())
    return parts[-1] if parts and parts[-1].strip() else lead


# ── the scanner shared by the batch and the streaming API ────────────────────────────────────


@dataclass
class _Open:
    marker: str
    indent: int
    info: str
    start: int
    body_start: int
    lines: list[str]


class _Scanner:
    """Consumes complete lines in order; emits snippets as their blocks end."""

    def __init__(self) -> None:
        self.text = ""
        self.fence: _Open | None = None
        self.indented: list[tuple[int, int, str]] = []  # (line start, line end, line) of an indented block
        self.prev_blank = True
        self.count = 0
        self.prev_end = 0  # end of the last block of any kind (quoted detection looks after it)

    def line(self, line: str, start: int, end: int) -> list[Snippet]:
        out: list[Snippet] = []
        if self.fence is not None:
            m = _FENCE_RE.match(line)
            if m and m.group("marker")[0] == self.fence.marker[0] and len(m.group("marker")) >= len(self.fence.marker) \
                    and not m.group("info").strip():
                out += self._close_fence(end, closed=True)
            else:
                self.fence.lines.append(line)
            return out
        m = _FENCE_RE.match(line)
        if m and not (m.group("marker")[0] == "`" and "`" in m.group("info")):
            out += self._flush_indented()
            self.fence = _Open(m.group("marker"), len(m.group("indent").expandtabs(4)), m.group("info").strip(),
                               start, end + 1, [])
            self.prev_blank = False
            return out
        is_blank = not line.strip()
        indented = line.startswith("    ") or line.startswith("\t")
        if self.indented:
            if indented or is_blank:
                self.indented.append((start, end, line))
                self.prev_blank = is_blank
                return out
            out += self._flush_indented()
        elif indented and not is_blank and self.prev_blank and not _in_list_item(self.text, start):
            self.indented.append((start, end, line))
            self.prev_blank = False
            return out
        self.prev_blank = is_blank
        return out

    def finish(self) -> list[Snippet]:
        out: list[Snippet] = []
        if self.fence is not None:
            out += self._close_fence(len(self.text), closed=False)
        out += self._flush_indented()
        return out

    def _close_fence(self, end: int, closed: bool) -> list[Snippet]:
        f = self.fence
        assert f is not None
        self.fence = None
        self.prev_blank = False
        code = "\n".join(_dedent(ln, f.indent) for ln in f.lines)
        if f.lines:
            code += "\n"
        words = f.info.lower().replace(",", " ").replace("{", " ").replace("}", " ").replace(".", " ").split()
        lang = words[0] if words else ""
        if lang:
            keep = lang in SYNOEMA_LANGS
        else:
            keep = is_synoema(code)
            lang = "sno" if keep else ""
        lead_from = self.prev_end
        self.prev_end = end
        if not keep:
            return []
        quoted = _quoted(words[1:], _lead_text(self.text, f.start, lead_from))
        return [self._emit(code, f.start, end, lang, f.info, quoted, closed, True)]

    def _flush_indented(self) -> list[Snippet]:
        block = self.indented
        self.indented = []
        while block and not block[-1][2].strip():
            block.pop()
        if not block:
            return []
        start, end = block[0][0], block[-1][1]
        code = "\n".join(_dedent(ln, 4) for _, _, ln in block) + "\n"
        lead_from = self.prev_end
        if not is_synoema(code):
            return []
        self.prev_end = end
        quoted = _quoted([], _lead_text(self.text, start, lead_from))
        return [self._emit(code, start, end, "sno", "", quoted, True, False)]

    def _emit(self, code: str, start: int, end: int, lang: str, info: str, quoted: bool, closed: bool,
              fenced: bool) -> Snippet:
        s = Snippet(self.count, code, start, end, lang, info, quoted, closed, fenced)
        self.count += 1
        return s


def _dedent(line: str, n: int) -> str:
    """Remove up to `n` columns of leading whitespace (the fence's or the indented block's)."""
    i = col = 0
    while i < len(line) and col < n and line[i] in " \t":
        col += 4 - col % 4 if line[i] == "\t" else 1
        i += 1
    return line[i:]


_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+\S")


def _in_list_item(text: str, start: int) -> bool:
    """An indented line right after a list item's paragraph continues the item; it is not code."""
    before = text[:start].rstrip("\n")
    para = re.split(r"\n[ \t]*\n", before)
    if len(para) < 2:
        return False
    last_para_first_line = para[-1].lstrip("\n").split("\n", 1)[0]
    return bool(_LIST_ITEM.match(last_para_first_line)) and not last_para_first_line.startswith("    ")


def _lines(text: str, start: int = 0) -> Iterator[tuple[str, int, int]]:
    pos = start
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl < 0:
            yield text[pos:].rstrip("\r"), pos, n
            return
        yield text[pos:nl].rstrip("\r"), pos, nl
        pos = nl + 1


def extract_snippets(text: str) -> list[Snippet]:
    """The Synoema code blocks of `text`, in order, with their offsets and quoted/proposed flags."""
    scanner = _Scanner()
    scanner.text = text
    out: list[Snippet] = []
    for line, start, end in _lines(text):
        out += scanner.line(line, start, end)
    out += scanner.finish()
    return out


class SnippetStream:
    """Feed a reply as it streams; each Synoema block comes out as soon as its fence closes.

    `feed(chunk)` returns the snippets completed by that chunk; `close()` returns the rest (an unclosed
    final fence with `closed=False`, a trailing indented block). Offsets, indexes and flags are the same
    as `extract_snippets` on the whole text.
    """

    def __init__(self) -> None:
        self._scanner = _Scanner()
        self._pos = 0  # start of the first line not yet consumed
        self.closed = False

    @property
    def text(self) -> str:
        return self._scanner.text

    def feed(self, chunk: str) -> list[Snippet]:
        if self.closed:
            raise ValueError("the stream is closed")
        sc = self._scanner
        sc.text += chunk
        out: list[Snippet] = []
        while True:
            nl = sc.text.find("\n", self._pos)
            if nl < 0:
                break
            out += sc.line(sc.text[self._pos:nl].rstrip("\r"), self._pos, nl)
            self._pos = nl + 1
        return out

    def close(self) -> list[Snippet]:
        if self.closed:
            return []
        self.closed = True
        sc = self._scanner
        out: list[Snippet] = []
        if self._pos < len(sc.text):
            out += sc.line(sc.text[self._pos:].rstrip("\r"), self._pos, len(sc.text))
            self._pos = len(sc.text)
        return out + sc.finish()

    @property
    def in_code(self) -> bool:
        """Inside an open fence (a UI may show a 'writing code…' state)."""
        return self._scanner.fence is not None

    def __iter__(self) -> Iterator[Snippet]:
        return iter(self.close())
