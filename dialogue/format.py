"""The one row format of dialogue data: read, write and check the shape of a row.

Every dialogue row the project reads or writes has this shape (described for people in
`dialogue/seed/FORMAT.md`): the seed dialogues, the builders' output, the app's save action
(Ctrl+S), the curated rows and the training merge.

    {"id": "fix-003", "kind": "fix",
     "messages": [{"role": "system", "content": <the app's prompt for the kind>},
                  {"role": "user", ...}, {"role": "assistant", ...}, ...],
     "meta": {"topics": [...], "user_code": {...}, ...}}

This module checks the *shape* (fields, roles, order, the system prompt); `dialogue.validate`
checks the *content* (every snippet compiled and run, every claim checked). It stays light: the
app imports it to save an exchange.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.kinds import KINDS
from synoema.durable import append_jsonl, read_jsonl, write_atomic

if TYPE_CHECKING:
    from assistant.verdict import Verdict

ROLES: tuple[str, ...] = ("system", "user", "assistant")
SOURCES: tuple[str, ...] = ("seed", "build", "model", "app", "curated")  # where a row came from (`meta.source`)
_ID = re.compile(r"^[a-z]+-[A-Za-z0-9_.:-]+$")


class FormatError(ValueError):
    """A row that does not have the dialogue shape; the message names every problem."""


@cache
def system_prompts() -> dict[str, str]:
    """The app's system prompt per kind, exactly as the app sends it (without the reference)."""
    from assistant.knowledge import load_prompts

    return {kind: prompt.system for kind, prompt in load_prompts().kinds.items()}


def system_prompt(kind: str) -> str:
    prompts = system_prompts()
    if kind not in prompts:
        raise FormatError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return prompts[kind]


@dataclass(frozen=True)
class Turn:
    role: str
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Row:
    """One conversation: the system prompt of its kind, then user and assistant turns alternating."""

    id: str
    kind: str
    turns: tuple[Turn, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)

    # --- reading --------------------------------------------------------------------------------

    @property
    def conversation(self) -> tuple[Turn, ...]:
        """The turns after the system message."""
        return self.turns[1:]

    @property
    def users(self) -> list[str]:
        return [t.content for t in self.turns if t.role == "user"]

    @property
    def assistants(self) -> list[str]:
        return [t.content for t in self.turns if t.role == "assistant"]

    @property
    def rounds(self) -> int:
        return len(self.assistants)

    @property
    def source(self) -> str:
        return str(self.meta.get("source", ""))

    @property
    def split(self) -> str | None:
        value = self.meta.get("split")
        return value if isinstance(value, str) else None

    def text(self) -> str:
        """The user and assistant turns as one text (for deduplication and near-duplicate checks)."""
        return "\n\n".join(t.content for t in self.conversation)

    def content_key(self) -> str:
        """A digest of the conversation without its system prompt: equal for exact duplicates."""
        data = json.dumps([[t.role, t.content.strip()] for t in self.conversation], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:24]

    # --- writing --------------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "messages": [t.as_dict() for t in self.turns], "meta": dict(self.meta)}

    def messages(self) -> list[dict[str, str]]:
        return [t.as_dict() for t in self.turns]

    def with_meta(self, **changes: Any) -> Row:
        meta = {**self.meta, **changes}
        return Row(self.id, self.kind, self.turns, {k: v for k, v in meta.items() if v is not None})

    def with_conversation(self, conversation: Sequence[tuple[str, str]]) -> Row:
        return Row(self.id, self.kind, (self.turns[0], *(Turn(r, c) for r, c in conversation)), dict(self.meta))

    def with_system(self) -> Row:
        """The same row with its system message set to the app's current prompt for its kind."""
        return Row(self.id, self.kind, (Turn("system", system_prompt(self.kind)), *self.conversation), dict(self.meta))

    @classmethod
    def from_dict(cls, data: Any, *, check_system: bool = True) -> Row:
        problems = shape_problems(data, check_system=check_system)
        if problems:
            raise FormatError("; ".join(problems))
        turns = tuple(Turn(m["role"], m["content"]) for m in data["messages"])
        return cls(data["id"], data["kind"], turns, dict(data.get("meta") or {}))


def new_row(kind: str, conversation: Sequence[tuple[str, str]], meta: Mapping[str, Any] | None = None,
            *, row_id: str | None = None) -> Row:
    """A row of `kind`: the app's system prompt, then `conversation` as (role, content) pairs."""
    turns = (Turn("system", system_prompt(kind)), *(Turn(role, content) for role, content in conversation))
    meta = dict(meta or {})
    meta.setdefault("topics", [])
    if row_id is None:
        digest = hashlib.sha1(json.dumps(list(conversation), ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
        row_id = f"{kind}-{digest}"
    row = Row(row_id, kind, turns, meta)
    problems = shape_problems(row.as_dict())
    if problems:
        raise FormatError("; ".join(problems))
    return row


def shape_problems(data: Any, *, check_system: bool = True) -> list[str]:
    """Why `data` is not a dialogue row (empty when it is one)."""
    if not isinstance(data, dict):
        return [f"a row is a JSON object, not {type(data).__name__}"]
    out: list[str] = []
    rid, kind = data.get("id"), data.get("kind")
    if not isinstance(rid, str) or not _ID.match(rid):
        out.append(f"`id` must be `<kind>-<name>`, not {rid!r}")
    if kind not in KINDS:
        out.append(f"`kind` must be one of {', '.join(KINDS)}, not {kind!r}")
    elif isinstance(rid, str) and not rid.startswith(f"{kind}-"):
        out.append(f"`id` {rid!r} must start with `{kind}-`")
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        out.append("`meta` must be an object")
    messages = data.get("messages")
    if not isinstance(messages, list) or len(messages) < 3:
        out.append("`messages` must be a list: system, then user and assistant turns")
        return out
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or set(m) - {"role", "content"} or not isinstance(m.get("content"), str):
            out.append(f"message {i} must be {{\"role\": ..., \"content\": \"...\"}}")
            continue
        want = "system" if i == 0 else ("user" if i % 2 == 1 else "assistant")
        if m.get("role") != want:
            out.append(f"message {i} has role {m.get('role')!r}; expected {want!r} (system, then user/assistant alternating)")
        elif i > 0 and not m["content"].strip():
            out.append(f"message {i} ({want}) is empty")
    if len(messages) % 2 == 0:
        out.append("the conversation must end with an assistant turn")
    if check_system and kind in KINDS and isinstance(messages[0], dict) and messages[0].get("content") != system_prompt(kind):
        out.append(f"the system message is not the app's prompt for `{kind}` (rewrite it with `Row.with_system`)")
    return out


# ── files ────────────────────────────────────────────────────────────────────────────────────


@dataclass
class ReadResult:
    """Rows read from files, and every line that could not be used, with its reason."""

    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    raw: list[dict[str, Any]] = field(default_factory=list)  # the objects of lines that are not rows

    def extend(self, other: ReadResult) -> None:
        self.rows += other.rows
        self.problems += other.problems
        self.raw += other.raw


def read_rows(paths: str | Path | Iterable[str | Path], *, check_system: bool = True) -> ReadResult:
    """Rows of one or more JSONL files; bad lines are reported (file and line), never dropped silently."""
    if isinstance(paths, str | Path):
        paths = [paths]
    out = ReadResult()
    for path in paths:
        p = Path(path)
        contents = read_jsonl(p)
        out.problems += [f"{p}: {why}" for why in contents.problems()]
        for number, data in enumerate(contents.records, start=1):
            try:
                out.rows.append(Row.from_dict(data, check_system=check_system))
            except FormatError as exc:
                out.problems.append(f"{p} row {number} ({data.get('id', '?')}): {exc}")
                out.raw.append(data)
    return out


def kind_file(folder: str | Path, kind: str) -> Path:
    return Path(folder) / f"{kind}.jsonl"


def kind_files(folder: str | Path) -> list[Path]:
    """`<folder>/<kind>.jsonl` for every kind that has a file."""
    return [p for p in (kind_file(folder, k) for k in KINDS) if p.exists()]


def jsonl_text(rows: Iterable[Row | Mapping[str, Any]]) -> str:
    lines = [json.dumps(r.as_dict() if isinstance(r, Row) else dict(r), ensure_ascii=False) for r in rows]
    return "".join(line + "\n" for line in lines)


def write_rows(path: str | Path, rows: Iterable[Row | Mapping[str, Any]]) -> Path:
    """Replace `path` with `rows`, atomically."""
    return write_atomic(path, jsonl_text(rows))


def append_row(path: str | Path, row: Row | Mapping[str, Any]) -> None:
    """Append one row as one fsync'd line (a torn tail left by a killed writer is set aside first)."""
    append_jsonl(path, row.as_dict() if isinstance(row, Row) else dict(row))


def seed_rows() -> ReadResult:
    """The hand-written seed dialogues shipped in `dialogue/seed/`."""
    return read_rows(kind_files(Path(__file__).parent / "seed"))


# ── the app's save action ────────────────────────────────────────────────────────────────────


class SaveError(Exception):
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


def code_behaviour(report: Any) -> dict[str, Any]:
    """A check report of the user's code as `meta.user_code` describes it (FORMAT.md)."""
    if report is not None and report.ok:
        if report.shape == "program":
            return {"status": "runs", "output": report.stdout}
        return {"status": "types"}
    first = report.first_error if report is not None else None
    out: dict[str, Any] = {"status": "fails"}
    if first is not None:
        out["error_code"] = first.code
        if first.span is not None and first.span.line >= 1:
            out["line"] = first.span.line
        out["message"] = first.message
    return out


def user_code_meta(user_text: str, stdin: str = "") -> dict[str, Any] | None:
    """How the user's code (fenced or bare, found as the app finds it) behaves, as `meta.user_code`."""
    import synoema
    from assistant.offline.extract import extract

    code = extract(user_text).code
    if code is None:
        return None
    return code_behaviour(synoema.check(code, stdin=stdin))


def verdict_meta(verdict: Verdict) -> dict[str, Any]:
    """A verdict as plain JSON (`Verdict.as_dict`, empty fields dropped)."""
    data = verdict.as_dict()
    return {k: v for k, v in data.items() if v not in (None, [], {}, "", False, 0) or k in ("index", "status")}


def exchange_row(exchange: Exchange, *, now: float | None = None) -> Row:
    """The row for a saved exchange; the id is `<kind>-<milliseconds>`, unique per save."""
    stamp = time.time() if now is None else now
    if exchange.kind not in KINDS:
        raise SaveError(f"unknown kind {exchange.kind!r}")
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
    try:
        return new_row(exchange.kind, [("user", exchange.user), ("assistant", exchange.assistant)], meta,
                       row_id=f"{exchange.kind}-{int(stamp * 1000)}")
    except FormatError as exc:
        raise SaveError(str(exc)) from None


def save_exchange(exchange: Exchange, folder: Path, *, now: float | None = None) -> tuple[Path, str]:
    """Append `exchange` to `<folder>/<kind>.jsonl`; return the file and the new row's id."""
    row = exchange_row(exchange, now=now)
    target = kind_file(folder, exchange.kind)
    try:
        append_row(target, row)
    except OSError as exc:
        raise SaveError(f"could not write {target}: {exc.strerror or exc}") from None
    return target, row.id
