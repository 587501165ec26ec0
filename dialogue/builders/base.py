"""What every builder shares: the draft it returns, how a user shows code, and the program blocks."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from synoema.fences import fence, program_block

from ..wording import Wording

LANGS = ("Python", "Haskell", "JavaScript")


@dataclass
class Draft:
    """A conversation before it becomes a row: (role, content) turns and the row's meta."""

    turns: list[tuple[str, str]]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    """What one dialogue is built from: a corpus program, or a fact of the language (Q&A)."""

    key: str  # unique per builder: the program id, or the fact id
    program: Any = None  # a corpus ProgramRecord
    fact: Any = None
    split: str | None = None  # the corpus split it must stay in


class Builder(Protocol):
    kind: str

    def items(self, programs: Sequence[Any], rng: random.Random) -> Iterator[Item]:
        """Candidates in the order to try them (varied first: families and shapes interleaved)."""
        ...

    def build(self, item: Item, w: Wording) -> Draft | None:
        """A draft for `item`, or None when the item does not suit this builder."""
        ...


def interleaved(programs: Sequence[Any], rng: random.Random) -> list[Any]:
    """Programs ordered so that consecutive ones come from different families and shapes:
    round-robin over families (shuffled), a new AST shape before a repeated one."""
    by_family: dict[str, list[Any]] = {}
    for p in programs:
        by_family.setdefault(p.family, []).append(p)
    for group in by_family.values():
        rng.shuffle(group)
        seen: set[str] = set()
        fresh = [p for p in group if not (p.shape in seen or seen.add(p.shape))]  # type: ignore[func-returns-value]
        group[:] = fresh + [p for p in group if p not in fresh]
    families = sorted(by_family)
    rng.shuffle(families)
    out: list[Any] = []
    depth = 0
    while len(out) < len(programs):
        for fam in families:
            group = by_family[fam]
            if depth < len(group):
                out.append(group[depth])
        depth += 1
    return out


def program_items(programs: Sequence[Any], rng: random.Random) -> Iterator[Item]:
    for p in interleaved(programs, rng):
        yield Item(p.id, program=p, split=p.split)


def show_code(w: Wording, kind: str, code: str, *, fields: dict[str, Any] | None = None,
              extra: str = "", bare_ok: bool = True, question: str | None = None) -> str:
    """The user's message: a question in one of several styles, and the code fenced or bare.

    `extra` (a pasted error, an expected output) goes between the question and the code. A bare
    paste is used only when the app would find exactly this code in it.
    """
    from assistant.offline.extract import extract

    if question is None:
        style = w.choose("user.style", ("terse", "plain", "chatty", "focus"))
        key = f"user.{style}.{kind}"
        if key not in w.table:
            key = f"user.plain.{kind}"
        question = w.say(key, **(fields or {}))
    text = question
    layout = w.choose("user.layout", ("fence_after", "fence_after", "code_first", "untagged", "bare"))
    body = code.rstrip("\n")
    blocks = {
        "fence_after": f"{text}\n\n{extra + chr(10) + chr(10) if extra else ''}{fence('sno', body)}",
        "code_first": f"{fence('sno', body)}\n\n{text}{chr(10) + chr(10) + extra if extra else ''}",
        "untagged": f"{text}\n\n{extra + chr(10) + chr(10) if extra else ''}```\n{body}\n```",
        "bare": f"{text}\n\n{extra + chr(10) + chr(10) if extra else ''}{body}",
    }
    message = blocks[layout]
    if layout != "fence_after":
        found = extract(message).code
        if (not bare_ok and layout == "bare") or found is None or found.rstrip("\n") != body:
            message = blocks["fence_after"]
    return message


def answer_program(code: str, stdout: str) -> str:
    """A proposed program and its output block (the one output-block rule of synoema.fences)."""
    return program_block(code.rstrip("\n"), stdout)


def quoted(code: str) -> str:
    from synoema.fences import quoted_block

    return quoted_block(code)


def output(stdout: str) -> str:
    from synoema.fences import OUTPUT_INFO, output_text

    return fence(OUTPUT_INFO, output_text(stdout))


def text_block(body: str) -> str:
    return fence("text", body.rstrip("\n"))


def span_text(source: str, node: object) -> str:
    """The text of a syntax-tree node."""
    s = node.span  # type: ignore[attr-defined]
    return source[s.offset:s.end_offset]


def body_nodes(program: Any) -> Iterator[object]:
    """Every expression node in the bodies of the program's functions (modules and impls included)."""
    from synoema import ast as A
    from synoema.lint.astinfo import iter_funcs

    for fd in iter_funcs(program.decls):
        for eq in fd.equations:
            yield from A.walk(eq.body)


def changed_lines(before: str, after: str) -> list[int]:
    """1-based numbers of the lines of `after` that differ from `before`."""
    import difflib

    a, b = before.split("\n"), after.split("\n")
    out: list[int] = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out += range(j1 + 1, j2 + 1)
    return out


def lines_of(source: str, numbers: Sequence[int]) -> str:
    lines = source.split("\n")
    return "\n".join(lines[n - 1] for n in sorted(set(numbers)) if 0 < n <= len(lines) and lines[n - 1].strip())
