"""`synoema-dialogue curate`: bring the exchanges saved from the app (Ctrl+S) into the training data.

    SAVED/<kind>.jsonl       what the app appended (rating, kind, verdicts in `meta`)
    OUT/<kind>.jsonl         the accepted rows (`meta.source = "curated"`), read by `merge`
    OUT/decisions.jsonl      one line per decision: id, content key, accept | reject, reason, time

Saved rows are deduplicated (an exchange saved twice, or decided before, is not asked again),
re-validated (`dialogue.validate`), then either decided by a person in a small interactive review
(accept, edit in `$EDITOR`, reject with a reason, skip) or, with `--accept-rated`, accepted when
rated positively and valid. A row that fails validation is never accepted: it is rejected with the
validator's reason, also after an edit that broke it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synoema.durable import append_jsonl, read_jsonl

from .format import FormatError, Row, append_row, kind_file, kind_files, read_rows, shape_problems
from .validate import RowReport, Validator

DECISIONS = "decisions.jsonl"
_TURN = "=== {role} ==="


@dataclass(frozen=True)
class Decision:
    id: str
    key: str
    decision: str  # accept | reject
    reason: str
    kind: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "key": self.key, "decision": self.decision, "reason": self.reason, "kind": self.kind,
                "time": round(time.time(), 3)}


@dataclass
class CurateResult:
    pending: int = 0  # saved rows not decided before
    duplicates: int = 0
    accepted: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # id -> reason
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def decided_keys(out: Path) -> set[str]:
    got = read_jsonl(out / DECISIONS)
    return {str(r.get("key")) for r in got.records if isinstance(r, dict)}


def pending_rows(saved: Path, out: Path) -> tuple[list[Row], int, list[str]]:
    """Saved rows not decided before, duplicates merged; the system message set to the app's prompt."""
    got = read_rows(kind_files(saved), check_system=False)
    done = decided_keys(out)
    rows: list[Row] = []
    seen: set[str] = set()
    dups = 0
    for row in got.rows:
        key = row.content_key()
        if key in done or key in seen:
            dups += key in seen
            continue
        seen.add(key)
        rows.append(row.with_system())
    return rows, dups, got.problems


def _record(out: Path, row: Row, decision: str, reason: str) -> Decision:
    d = Decision(row.id, row.content_key(), decision, reason, row.kind)
    append_jsonl(out / DECISIONS, d.as_dict())
    return d


def accept(out: Path, row: Row, reason: str, original: Row | None = None) -> None:
    curated = row.with_meta(source="curated", curated={"from": (original or row).source or "app", "reason": reason})
    append_row(kind_file(out, row.kind), curated)
    _record(out, original or row, "accept", reason)
    if original is not None and original.content_key() != row.content_key():
        _record(out, row, "accept", f"edited from {original.id}")


def reject(out: Path, row: Row, reason: str, original: Row | None = None) -> None:
    _record(out, original or row, "reject", reason)


def positively_rated(row: Row) -> bool:
    rating = row.meta.get("rating")
    return isinstance(rating, int | float) and not isinstance(rating, bool) and rating > 0


# ── editing ──────────────────────────────────────────────────────────────────────────────────


def to_text(row: Row) -> str:
    """The conversation as plain text for an editor: a marker line before each turn."""
    return "".join(f"{_TURN.format(role=t.role)}\n{t.content.rstrip()}\n\n" for t in row.conversation)


def from_text(row: Row, text: str) -> Row:
    """`row` with the conversation read back from `to_text`'s format."""
    turns: list[tuple[str, str]] = []
    role: str | None = None
    lines: list[str] = []
    markers = {_TURN.format(role=r): r for r in ("user", "assistant")}
    for line in text.split("\n"):
        if line.strip() in markers:
            if role is not None:
                turns.append((role, "\n".join(lines).strip("\n")))
            role, lines = markers[line.strip()], []
        elif role is not None:
            lines.append(line)
    if role is not None:
        turns.append((role, "\n".join(lines).strip("\n")))
    edited = row.with_conversation(turns)
    problems = shape_problems(edited.as_dict())
    if problems:
        raise FormatError("; ".join(problems))
    return edited


def edit_in_editor(row: Row, editor: str | None = None) -> Row:
    """Open the conversation in `$EDITOR` (then `$VISUAL`, then `vi`) and read it back."""
    command = editor or os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi"
    with tempfile.TemporaryDirectory(prefix="synoema-curate-") as tmp:
        path = Path(tmp) / f"{row.id}.txt"
        path.write_text(to_text(row), encoding="utf-8")
        done = subprocess.run([*shlex.split(command), str(path)], check=False)
        if done.returncode != 0:
            raise FormatError(f"the editor exited with status {done.returncode}; the row is unchanged")
        return from_text(row, path.read_text(encoding="utf-8"))


# ── the two ways of deciding ─────────────────────────────────────────────────────────────────


def curate_rated(saved: Path, out: Path, *, validator: Validator | None = None) -> CurateResult:
    """`--accept-rated`: every positively rated row that validates is accepted; a rated row that
    does not validate is rejected with the reason; unrated rows wait for a person."""
    out.mkdir(parents=True, exist_ok=True)
    rows, dups, problems = pending_rows(saved, out)
    result = CurateResult(pending=len(rows), duplicates=dups, problems=problems)
    rated = [r for r in rows if positively_rated(r)]
    result.skipped = len(rows) - len(rated)
    for row, report in zip(rated, (validator or Validator()).validate(rated)):
        if report.ok:
            accept(out, row, "rated positively and valid (--accept-rated)")
            result.accepted.append(row.id)
        else:
            reject(out, row, report.reason())
            result.rejected[row.id] = report.reason()
    return result


Ask = Callable[[str], str]
Show = Callable[[str], None]


def curate_interactive(saved: Path, out: Path, *, ask: Ask | None = None, show: Show | None = None,
                       editor: str | None = None, validator: Validator | None = None) -> CurateResult:
    """A person decides each pending row: [a]ccept, [e]dit, [r]eject, [s]kip or [q]uit."""
    from rich.console import Console

    console = Console()
    if ask is None:
        from prompt_toolkit import prompt as ask
    if show is None:
        def show(text: str) -> None:
            console.print(text, markup=False, highlight=False)
    out.mkdir(parents=True, exist_ok=True)
    validator = validator or Validator()
    rows, dups, problems = pending_rows(saved, out)
    result = CurateResult(pending=len(rows), duplicates=dups, problems=problems)
    for number, original in enumerate(rows, start=1):
        row = original
        report = validator.validate_one(row)
        while True:
            show(_describe(row, report, number, len(rows)))
            choice = (ask("[a]ccept [e]dit [r]eject [s]kip [q]uit > ") or "").strip().lower()[:1]
            if choice == "a":
                if not report.ok:
                    show(f"cannot accept: {report.reason()}")
                    continue
                accept(out, row, "accepted by a person", original)
                result.accepted.append(row.id)
            elif choice == "e":
                try:
                    row = edit_in_editor(row, editor)
                except FormatError as exc:
                    show(f"the edit is not a dialogue: {exc}")
                    continue
                report = validator.validate_one(row)
                if not report.ok:
                    show(f"the edited row does not validate: {report.reason()}")
                    reason = (ask("reject with this reason? [y] or [e]dit again > ") or "y").strip().lower()
                    if reason.startswith("e"):
                        continue
                    reject(out, row, f"edited, then failed validation: {report.reason()}", original)
                    result.rejected[row.id] = report.reason()
                    break
                continue  # show the edited row, then decide
            elif choice == "r":
                reason = (ask("reason > ") or "").strip() or "rejected by a person"
                reject(out, row, reason, original)
                result.rejected[row.id] = reason
            elif choice == "s":
                result.skipped += 1
            elif choice == "q":
                result.skipped += len(rows) - number + 1
                return result
            else:
                continue
            break
    return result


def _describe(row: Row, report: RowReport, number: int, total: int) -> str:
    rating = row.meta.get("rating")
    head = f"── {number}/{total}  {row.id}  kind {row.kind}  rating {rating if rating is not None else '-'}  " \
           f"{'valid' if report.ok else 'INVALID'}"
    body = "\n\n".join(f"[{t.role}]\n{t.content}" for t in row.conversation)
    tail = "" if report.ok else f"\n\nproblems: {report.reason()}"
    return f"{head}\n{body}{tail}"


def edit_and_decide(row: Row, out: Path, editor: str, *, validator: Validator | None = None) -> tuple[bool, str]:
    """Edit one row with `editor`, validate it, and accept or reject it (for scripts and tests)."""
    edited = edit_in_editor(row, editor)
    report = (validator or Validator()).validate_one(edited)
    if report.ok:
        accept(out, edited, "edited and valid", row)
        return True, ""
    reject(out, edited, f"edited, then failed validation: {report.reason()}", row)
    return False, report.reason()


__all__ = ["CurateResult", "Decision", "curate_interactive", "curate_rated", "edit_and_decide", "from_text", "to_text"]
