"""Helpers for the offline engine tests: one engine per session, fenced blocks of an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.offline import OfflineEngine
from synoema.api import run_source

_FENCE = re.compile(r"^(`{3,})([^\n`]*)\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)


@cache
def engine() -> OfflineEngine:
    """strict=True: a failing strategy raises here instead of apologising to the user."""
    return OfflineEngine(strict=True)


def ask(kind: str, text: str, history: tuple[tuple[str, str], ...] = ()) -> str:
    chunks = list(engine().answer(kind, text, history))
    assert all(isinstance(c, str) for c in chunks)
    return "".join(chunks)


def fenced(code: str) -> str:
    return f"```sno\n{code}```\n"


@dataclass
class Block:
    info: str
    body: str


def blocks(answer: str) -> list[Block]:
    return [Block(m.group(2).strip(), m.group(3)) for m in _FENCE.finditer(answer)]


def shown(stdout_result) -> str:  # type: ignore[no-untyped-def]
    """Output-block text of a run: exactly what `synoema run` prints (synoema.fences)."""
    return stdout_result.stdout


def check_proposed_blocks(answer: str, stdin: str = "") -> int:
    """Every proposed ```sno block runs; an ```output block right after it is exactly its output.

    Returns how many proposed blocks were checked.
    """
    found = blocks(answer)
    checked = 0
    for i, block in enumerate(found):
        if block.info != "sno":
            continue
        result = run_source(block.body, stdin=stdin)
        assert result.ok, f"proposed block fails: {[d.short() for d in result.diagnostics]}\n{block.body}"
        nxt = found[i + 1] if i + 1 < len(found) else None
        if nxt is not None and nxt.info == "output":
            assert nxt.body == shown(result), f"output block differs for\n{block.body}"
        checked += 1
    return checked
