"""The one scanner of replies and Markdown messages: prose, code, quoted code and output, as it streams.

A reply mixes prose, proposed programs, the user's own code quoted back, program output and code in
other languages. `segments(text)` splits it into `Segment`s in order; `SegmentStream` yields the same
segments as soon as each one is complete (a block when its fence closes, prose when the next
Markdown block starts), so a UI can render finished parts once and a checker can run each program
the moment it closes.

What is Synoema: fences tagged `sno`/`synoema`; untagged fences and indented blocks whose content is
Synoema (it parses, and a bare expression only uses known names, so `ls -la` or a line of output is
not mistaken for code). A Synoema block is `quoted` (the user's code shown back: never run, never
offered as a fix) or proposed (`code`). Every block except program output gets a stable `index`
(0, 1, … in the text): block numbers, verdicts and `/copy N` all come from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .fences import OUTPUT_INFO, SYNOEMA_LANGS

SegmentKind = Literal["prose", "code", "quoted", "output", "foreign"]
NUMBERED_KINDS: frozenset[str] = frozenset({"code", "quoted", "foreign"})

# Words in an info string after the language: ```sno quoted, ```sno before, ```sno fixed
QUOTED_WORDS = frozenset({"quoted", "quote", "before", "broken", "original", "wrong", "yours", "input", "old"})
PROPOSED_WORDS = frozenset({"fixed", "after", "corrected", "proposed", "new", "solution"})

FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
_BLOCK_START = re.compile(r"^ {0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|#{1,6}(?:[ \t]|$))")  # list items, headings

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
class Segment:
    """One piece of a text: prose, or a block with its body, where it sits, and what it is.

    `start`/`end` are offsets in the text: a block runs from its opening fence to the end of its
    closing fence line (its newline excluded; `len(text)` while unclosed), prose from where it
    starts to where the next segment starts. `text` is prose as written, or a block's body (its
    lines dedented, each ending in a newline).
    """

    kind: SegmentKind
    text: str
    start: int
    end: int
    index: int = -1  # the block's number in the text, from 0; -1 for prose and output
    info: str = ""  # the fence's whole info string ("" for untagged and indented blocks)
    lang: str = ""  # "sno"/"synoema" for Synoema (untagged ones too), "output", the language, or ""
    closed: bool = True  # False for a fence still open (mid-stream, or a reply cut off)
    fenced: bool = True  # False for an indented block

    @property
    def code(self) -> str:
        return self.text

    @property
    def quoted(self) -> bool:
        return self.kind == "quoted"

    @property
    def proposed(self) -> bool:
        return self.kind == "code"

    @property
    def is_synoema(self) -> bool:
        return self.kind in ("code", "quoted")

    @property
    def is_output(self) -> bool:
        return self.kind == "output"

    @property
    def numbered(self) -> bool:
        return self.index >= 0


Snippet = Segment  # a Synoema block: a segment whose kind is "code" or "quoted"


# ── recognising Synoema ──────────────────────────────────────────────────────────────────────


def is_synoema(code: str) -> bool:
    """Whether an untagged block is Synoema: a program that parses, or an expression over known names."""
    if not code.strip():
        return False
    from .parser import parse, parse_expression

    try:
        parsed = parse(code)
        if parsed.ok and parsed.program.decls:
            return True
        expr, diags = parse_expression(code)
    except RecursionError:
        return False
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


def info_words(info: str) -> list[str]:
    """The words of a fence's info string, lower-cased: the language first."""
    return info.lower().replace(",", " ").replace("{", " ").replace("}", " ").replace(".", " ").split()


def _quoted(words: list[str], lead: str) -> bool:
    if any(w in QUOTED_WORDS for w in words):
        return True
    if any(w in PROPOSED_WORDS for w in words):
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
    lines: list[str]


class _Scanner:
    """Consumes complete lines in order; emits segments as they end."""

    def __init__(self) -> None:
        self.text = ""
        self.fence: _Open | None = None
        self.indented: list[tuple[int, int, str]] = []  # (line start, line end, line) of an indented block
        self.prev_blank = True
        self.count = 0  # blocks numbered so far
        self.prev_end = 0  # end of the last block of any kind (quoted detection looks after it)
        self.prose_start = 0  # where the prose not yet emitted starts

    def line(self, line: str, start: int, end: int) -> list[Segment]:
        out: list[Segment] = []
        if self.fence is not None:
            m = FENCE_RE.match(line)
            if m and m.group("marker")[0] == self.fence.marker[0] and len(m.group("marker")) >= len(self.fence.marker) \
                    and not m.group("info").strip():
                out += self._close_fence(end, closed=True)
            else:
                self.fence.lines.append(line)
            return out
        m = FENCE_RE.match(line)
        if m and not (m.group("marker")[0] == "`" and "`" in m.group("info")):
            out += self._flush_indented()
            out += self._prose(start)
            self.fence = _Open(m.group("marker"), len(m.group("indent").expandtabs(4)), m.group("info").strip(),
                               start, [])
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
            out += self._prose(start)
            self.indented.append((start, end, line))
            self.prev_blank = False
            return out
        if not is_blank and (self.prev_blank or _BLOCK_START.match(line)):
            out += self._prose(start)  # a new Markdown block starts: the prose before it is complete
        self.prev_blank = is_blank
        return out

    def finish(self) -> list[Segment]:
        out: list[Segment] = []
        if self.fence is not None:
            out += self._close_fence(len(self.text), closed=False)
        out += self._flush_indented()
        out += self._prose(len(self.text))
        return out

    def _prose(self, upto: int) -> list[Segment]:
        start, self.prose_start = self.prose_start, max(self.prose_start, upto)
        chunk = self.text[start:upto]
        return [Segment("prose", chunk, start, upto)] if chunk.strip() else []

    def _close_fence(self, end: int, closed: bool) -> list[Segment]:
        f = self.fence
        assert f is not None
        self.fence = None
        self.prev_blank = False
        code = "".join(_dedent(ln, f.indent) + "\n" for ln in f.lines)
        words = info_words(f.info)
        lang = words[0] if words else ""
        lead_from, self.prev_end = self.prev_end, end
        self.prose_start = end
        if lang == OUTPUT_INFO:
            return [Segment("output", code, f.start, end, -1, f.info, lang, closed, True)]
        if lang in SYNOEMA_LANGS or (not lang and is_synoema(code)):
            quoted = _quoted(words[1:], _lead_text(self.text, f.start, lead_from))
            return [self._block("quoted" if quoted else "code", code, f.start, end, f.info, lang or "sno", closed)]
        return [self._block("foreign", code, f.start, end, f.info, lang, closed)]

    def _flush_indented(self) -> list[Segment]:
        block = self.indented
        self.indented = []
        while block and not block[-1][2].strip():
            block.pop()
        if not block:
            return []
        start, end = block[0][0], block[-1][1]
        code = "".join(_dedent(ln, 4) + "\n" for _, _, ln in block)
        if not is_synoema(code):
            return []  # an indented block of something else stays part of the prose
        lead_from, self.prev_end = self.prev_end, end
        self.prose_start = end
        quoted = _quoted([], _lead_text(self.text, start, lead_from))
        return [self._block("quoted" if quoted else "code", code, start, end, "", "sno", True, fenced=False)]

    def _block(self, kind: SegmentKind, code: str, start: int, end: int, info: str, lang: str, closed: bool,
               *, fenced: bool = True) -> Segment:
        segment = Segment(kind, code, start, end, self.count, info, lang, closed, fenced)
        self.count += 1
        return segment


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


def _lines(text: str) -> Iterator[tuple[str, int, int]]:
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl < 0:
            yield text[pos:].rstrip("\r"), pos, n
            return
        yield text[pos:nl].rstrip("\r"), pos, nl
        pos = nl + 1


def segments(text: str) -> list[Segment]:
    """The segments of `text` in order (blank prose is left out)."""
    scanner = _Scanner()
    scanner.text = text
    out: list[Segment] = []
    for line, start, end in _lines(text):
        out += scanner.line(line, start, end)
    out += scanner.finish()
    return out


def extract_snippets(text: str) -> list[Snippet]:
    """The Synoema blocks of `text`, in order, with their offsets, indexes and quoted flags."""
    return [s for s in segments(text) if s.is_synoema]


def block_count(text: str) -> int:
    """How many numbered blocks `text` holds (every block but program output)."""
    return sum(1 for s in segments(text) if s.numbered)


def output_after(found: list[Segment], block: Segment) -> Segment | None:
    """The ```output segment that directly follows `block` in `found` (only blank prose between)."""
    at = next((i for i, s in enumerate(found) if s.start == block.start), None)
    if at is None:
        return None
    for later in found[at + 1 :]:
        if later.kind == "output":
            return later
        if later.kind != "prose" or later.text.strip():
            return None
    return None


class SegmentStream:
    """Feed a reply as it streams; each segment comes out as soon as it is complete.

    `feed(chunk)` returns the segments completed by that chunk; `close()` returns the rest (an unclosed
    final fence with `closed=False`, a trailing indented block, the last prose). Offsets, indexes and
    kinds are the same as `segments` on the whole text. `done` is where the completed segments end:
    the text after it is still growing (`tail()`).
    """

    def __init__(self) -> None:
        self._scanner = _Scanner()
        self._pos = 0  # start of the first line not yet consumed
        self.closed = False
        self.done = 0

    @property
    def text(self) -> str:
        return self._scanner.text

    def feed(self, chunk: str) -> list[Segment]:
        if self.closed:
            raise ValueError("the stream is closed")
        sc = self._scanner
        sc.text += chunk
        out: list[Segment] = []
        while True:
            nl = sc.text.find("\n", self._pos)
            if nl < 0:
                break
            out += sc.line(sc.text[self._pos:nl].rstrip("\r"), self._pos, nl)
            self._pos = nl + 1
        return self._advance(out)

    def close(self) -> list[Segment]:
        if self.closed:
            return []
        self.closed = True
        sc = self._scanner
        out: list[Segment] = []
        if self._pos < len(sc.text):
            out += sc.line(sc.text[self._pos:].rstrip("\r"), self._pos, len(sc.text))
            self._pos = len(sc.text)
        return self._advance(out + sc.finish())

    def _advance(self, out: list[Segment]) -> list[Segment]:
        if out:
            self.done = max(self.done, out[-1].end)
        return out

    @property
    def in_code(self) -> bool:
        """Inside an open fence (a UI may show a 'writing code…' state)."""
        return self._scanner.fence is not None

    def tail(self) -> Segment | None:
        """What follows the completed segments: the open fence as a partial block, or the prose so far."""
        sc = self._scanner
        f = sc.fence
        if f is not None:
            words = info_words(f.info)
            lang = words[0] if words else ""
            code = "".join(_dedent(ln, f.indent) + "\n" for ln in f.lines)
            kind: SegmentKind = "output" if lang == OUTPUT_INFO else ("code" if lang in SYNOEMA_LANGS else "foreign")
            index = -1 if kind == "output" else sc.count
            return Segment(kind, code, f.start, len(sc.text), index, f.info, lang, False, True)
        start = min(sc.prose_start, len(sc.text))
        rest = sc.text[start:]
        return Segment("prose", rest, start, len(sc.text)) if rest.strip() else None
