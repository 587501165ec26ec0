"""Save an exchange for retraining: one JSONL row in the format of `dialogue/seed/FORMAT.md`.

Rows go to `<dialogue dir>/<kind>.jsonl`, appended (never rewritten), with the kind's system
prompt first so the training pipeline reads them exactly like the seed dialogues. `meta`
carries what the seed format asks for (`topics`, `user_code`) plus what the app knows
(verdicts of every snippet, the rating, the backend and model that answered).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.verdict import Verdict
from synoema.durable import append_jsonl
from synoema.snippets import extract_snippets


class CurateError(Exception):
    """The exchange could not be saved; the message says why, for a notification."""


@dataclass
class Exchange:
    """One user question and the assistant's answer, as shown in the chat."""

    kind: str
    user: str
    assistant: str
    verdicts: list[Verdict] = field(default_factory=list)
    rating: int | None = None
    backend: str = ""
    model: str = ""


def user_code_meta(user_text: str) -> dict[str, Any] | None:
    """How the first ```sno block of the user's message behaves, as FORMAT.md's `user_code`."""
    code = next((s.code for s in extract_snippets(user_text)), None)
    if code is None:
        return None
    from synoema.api import run_source

    result = run_source(code)
    if result.ok:
        return {"status": "runs", "output": result.stdout}
    error = next((d for d in result.diagnostics if d.is_error), None)
    meta: dict[str, Any] = {"status": "fails"}
    if error is not None:
        meta["error_code"] = error.code
        if error.span is not None and error.span.line >= 1:
            meta["line"] = error.span.line
        meta["message"] = error.message
    return meta


def verdict_meta(verdict: Verdict) -> dict[str, Any]:
    """A verdict as plain JSON (`Verdict.as_dict`, empty fields dropped)."""
    data = verdict.as_dict()
    return {k: v for k, v in data.items() if v not in (None, [], {}, "", False, 0) or k in ("index", "status")}


def build_row(exchange: Exchange, *, now: float | None = None) -> dict[str, Any]:
    """The JSONL object for `exchange`; the id is `<kind>-<milliseconds>`, unique per save."""
    from assistant.knowledge import load_prompts

    stamp = time.time() if now is None else now
    prompts = load_prompts()
    if exchange.kind not in prompts.kinds:
        raise CurateError(f"unknown kind {exchange.kind!r}")
    meta: dict[str, Any] = {"topics": [], "source": "app", "saved": round(stamp, 3)}
    user_code = user_code_meta(exchange.user)
    if user_code is not None:
        meta["user_code"] = user_code
    if exchange.verdicts:
        meta["verdicts"] = [verdict_meta(v) for v in exchange.verdicts]
    if exchange.rating is not None:
        meta["rating"] = exchange.rating
    if exchange.backend:
        meta["backend"] = exchange.backend
    if exchange.model:
        meta["model"] = exchange.model
    return {
        "id": f"{exchange.kind}-{int(stamp * 1000)}",
        "kind": exchange.kind,
        "messages": [
            {"role": "system", "content": prompts.kinds[exchange.kind].system},
            {"role": "user", "content": exchange.user},
            {"role": "assistant", "content": exchange.assistant},
        ],
        "meta": meta,
    }


def save_exchange(exchange: Exchange, folder: Path, *, now: float | None = None) -> tuple[Path, str]:
    """Append `exchange` to `<folder>/<kind>.jsonl`; return the file and the new row's id."""
    row = build_row(exchange, now=now)
    target = folder / f"{exchange.kind}.jsonl"
    try:
        append_jsonl(target, row)
    except OSError as exc:
        raise CurateError(f"could not write {target}: {exc.strerror or exc}") from None
    return target, row["id"]
