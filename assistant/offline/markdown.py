"""Markdown building blocks for offline answers: fences with the project's info strings, inline code.

Fence info strings come from prompts.toml (`Fences`), so the engine tells quoted user code, proposed
code and program output apart in offline answers exactly as in model answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from synoema.diagnostics import Diagnostic

from .context import Knowledge

_BACKTICKS = re.compile(r"`+")


def fence(info: str, body: str) -> str:
    """A fenced block whose fence is longer than any backtick run inside `body`."""
    longest = max((len(m.group(0)) for m in _BACKTICKS.finditer(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    text = body if body.endswith("\n") else body + "\n"
    return f"{ticks}{info}\n{text}{ticks}\n"


def code_block(knowledge: Knowledge, code: str) -> str:
    """Proposed code: the engine compiles and runs it."""
    return fence(knowledge.fences.code, code)


def quoted_block(knowledge: Knowledge, code: str) -> str:
    """The user's own code shown back: checked, never repaired or run as an answer."""
    return fence(knowledge.fences.quoted, code)


def output_block(knowledge: Knowledge, output: str) -> str:
    return fence(knowledge.fences.output, output)


def inline(text: str, limit: int = 80) -> str:
    """`text` as inline code on one line, shortened to `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    if not flat:
        return "``"
    if "`" not in flat:
        return f"`{flat}`"
    longest = max(len(m.group(0)) for m in _BACKTICKS.finditer(flat))
    ticks = "`" * (longest + 1)
    return f"{ticks} {flat} {ticks}"


def join_names(items: Sequence[str], conj: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def diagnostic_line(diag: Diagnostic, *, hint: bool = True) -> str:
    """One Markdown bullet: where, code, message, did-you-mean and hint."""
    where = f"line {diag.span.line}: " if diag.span is not None and diag.span.line > 0 else ""
    message = diag.message.rstrip()
    if message and message[-1] not in ".!?:)`":
        message += "."
    text = f"- {where}`{diag.code}` ({diag.severity}): {message}"
    if diag.did_you_mean:
        text += f" Did you mean {inline(diag.did_you_mean)}?"
    if hint and diag.llm_hint:
        text += f"\n  Hint: {diag.llm_hint}"
    return text + "\n"


def source_line(source: str, line: int) -> str:
    lines = source.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""
