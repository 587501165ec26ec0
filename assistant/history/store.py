"""The SQLite history store: conversations, messages, verdicts, ratings and search.

One connection guarded by a re-entrant lock serves every thread (Textual workers
included); WAL mode lets other processes read while we write. Callers only ever see
:class:`HistoryError` with a readable message, never a raw ``sqlite3`` exception.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from assistant import paths
from assistant.history import schema
from assistant.history.models import (
    RATINGS,
    ROLES,
    Conversation,
    HistoryError,
    Message,
    Rating,
    SearchHit,
)
from assistant.history.search import fts_match, is_wordy, like_pattern, make_snippet, query_terms
from assistant.verdict import STATUSES, DiagnosticInfo, Verdict

MEMORY = ":memory:"

_CONVERSATION_COLUMNS = """
    c.id, c.title, c.created, c.updated, c.archived, c.kind,
    (SELECT count(*) FROM messages AS n WHERE n.conversation_id = c.id)
"""
_MESSAGE_COLUMNS = (
    "m.id, m.conversation_id, m.role, m.content, m.created, m.kind, m.backend, m.model, m.tokens, m.duration"
)
_TITLE_LENGTH = 60


def _conversation(row: tuple[Any, ...]) -> Conversation:
    return Conversation(
        id=row[0],
        title=row[1],
        created=row[2],
        updated=row[3],
        archived=bool(row[4]),
        kind=row[5],
        message_count=row[6],
    )


def _message(
    row: tuple[Any, ...], verdicts: tuple[Verdict, ...] = (), rating: Rating | None = None
) -> Message:
    return Message(
        id=row[0],
        conversation_id=row[1],
        role=row[2],
        content=row[3],
        created=row[4],
        kind=row[5],
        backend=row[6],
        model=row[7],
        tokens=row[8],
        duration=row[9],
        verdicts=verdicts,
        rating=rating,
    )


def _verdict(row: tuple[Any, ...]) -> Verdict:
    """A stored verdict: the whole of it from `data`, or what the first schema kept."""
    if row[7]:
        try:
            data = json.loads(row[7])
            if isinstance(data, dict):
                return Verdict.from_dict({**data, "index": row[0]})
        except ValueError:
            pass
    try:
        signatures = json.loads(row[5]) if row[5] else []
    except ValueError:
        signatures = []
    pairs = tuple(tuple(str(s).partition(" : ")[::2]) for s in signatures if isinstance(s, str))
    diagnostics = (DiagnosticInfo(row[2], row[4] or "", row[3] or 0),) if row[2] else ()
    status = row[1] if row[1] in STATUSES else ("fails" if row[2] else "skipped")
    return Verdict(index=row[0], code="", status=status, signatures=pairs, stdout=row[6] or "",  # type: ignore[arg-type]
                   diagnostics=diagnostics)


def _require_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise HistoryError(f"{what} id must be an integer, got {value!r}")
    return value


def _require_text(value: object, what: str, *, empty_ok: bool = True) -> str:
    if not isinstance(value, str):
        raise HistoryError(f"{what} must be text, got {type(value).__name__}")
    if not empty_ok and not value.strip():
        raise HistoryError(f"{what} must not be empty")
    return value


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _require_text(value, what)


def _optional_number(value: object, what: str, kind: type) -> Any:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (kind is int and not isinstance(value, int))
    ):
        noun = "a whole number" if kind is int else "a number"
        raise HistoryError(f"{what} must be {noun}, got {value!r}")
    if value < 0:
        raise HistoryError(f"{what} must not be negative, got {value!r}")
    return value


def auto_title(content: str) -> str:
    """A title from the first meaningful line of a user's message."""
    for raw in content.splitlines():
        line = raw.strip().lstrip("#>*- ").strip()
        if line and not line.startswith("```"):
            return line if len(line) <= _TITLE_LENGTH else line[: _TITLE_LENGTH - 1].rstrip() + "…"
    return ""


class HistoryStore:
    """Conversation history in one SQLite file (``history.sqlite3`` in the data dir).

    ``fts=None`` uses FTS5 when this SQLite has it; ``False`` forces the LIKE search.
    """

    def __init__(
        self, path: Path | str | None = None, *, fts: bool | None = None, timeout: float = 10.0
    ) -> None:
        target = paths.history_file() if path is None else path
        self.path: Path | None = None if str(target) == MEMORY else Path(target)
        self._lock = threading.RLock()
        self._closed = False
        try:
            if self.path is not None:
                paths.ensure_dir(self.path.parent)
            self._conn = sqlite3.connect(
                MEMORY if self.path is None else self.path,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"cannot open the history database {target}: {exc}") from None
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self.journal_mode = str(self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            schema.migrate(self._conn)
            self._fts = schema.ensure_fts(self._conn, wanted=fts is not False)
        except HistoryError:
            self._conn.close()
            raise
        except sqlite3.Error as exc:
            self._conn.close()
            raise HistoryError(f"cannot use the history database {target}: {exc}") from None

    # --- plumbing --------------------------------------------------------------------------------------

    @property
    def fts_enabled(self) -> bool:
        """Whether searches use the FTS5 index (else a LIKE scan)."""
        return self._fts

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise HistoryError("the history store is closed")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise HistoryError(f"history database error: {exc}") from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: the write lock is taken up front, so no deadlock on upgrade."""
        with self._read() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @staticmethod
    def _now() -> float:
        return time.time()

    def _existing_conversation(self, conn: sqlite3.Connection, conversation_id: object) -> int:
        cid = _require_id(conversation_id, "conversation")
        if conn.execute("SELECT 1 FROM conversations WHERE id = ?", (cid,)).fetchone() is None:
            raise HistoryError(f"conversation {cid} does not exist")
        return cid

    def _existing_message(self, conn: sqlite3.Connection, message_id: object) -> int:
        mid = _require_id(message_id, "message")
        if conn.execute("SELECT 1 FROM messages WHERE id = ?", (mid,)).fetchone() is None:
            raise HistoryError(f"message {mid} does not exist")
        return mid

    # --- conversations ------------------------------------------------------------------------------

    def create_conversation(self, title: str = "", kind: str = "chat") -> Conversation:
        """Start a conversation; an empty title is filled from the first user message."""
        title = _require_text(title, "title").strip()
        kind = _require_text(kind, "conversation kind", empty_ok=False).strip()
        now = self._now()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations (title, created, updated, kind) VALUES (?, ?, ?, ?)",
                (title, now, now, kind),
            )
            new_id = int(cursor.lastrowid or 0)
        return Conversation(id=new_id, title=title, created=now, updated=now, kind=kind)

    def get_conversation(self, conversation_id: int) -> Conversation | None:
        cid = _require_id(conversation_id, "conversation")
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_CONVERSATION_COLUMNS} FROM conversations AS c WHERE c.id = ?", (cid,)
            ).fetchone()
        return None if row is None else _conversation(row)

    def _get_existing(self, conversation_id: int) -> Conversation:
        found = self.get_conversation(conversation_id)
        if found is None:
            raise HistoryError(f"conversation {conversation_id} does not exist")
        return found

    def rename_conversation(self, conversation_id: int, title: str) -> Conversation:
        title = _require_text(title, "title").strip()
        with self._write() as conn:
            cid = self._existing_conversation(conn, conversation_id)
            conn.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, cid))
        return self._get_existing(cid)

    def archive_conversation(self, conversation_id: int, archived: bool = True) -> Conversation:
        with self._write() as conn:
            cid = self._existing_conversation(conn, conversation_id)
            conn.execute("UPDATE conversations SET archived = ? WHERE id = ?", (int(bool(archived)), cid))
        return self._get_existing(cid)

    def delete_conversation(self, conversation_id: int) -> bool:
        """Delete a conversation with its messages, verdicts and ratings; False if it was not there."""
        cid = _require_id(conversation_id, "conversation")
        with self._write() as conn:
            return conn.execute("DELETE FROM conversations WHERE id = ?", (cid,)).rowcount > 0

    def list_conversations(
        self,
        *,
        archived: bool | None = False,
        kind: str | None = None,
        search: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Conversation]:
        """Most recently updated first. ``archived``: False = active, True = archived only, None = all."""
        limit, offset = max(0, int(limit)), max(0, int(offset))
        if search is not None and search.strip():
            hits = self.search(search, archived=archived, limit=limit + offset)
            found = [h.conversation for h in hits if kind is None or h.conversation.kind == kind]
            return found[offset : offset + limit]
        where, params = self._conversation_filter(archived, kind)
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_CONVERSATION_COLUMNS} FROM conversations AS c {where} "
                "ORDER BY c.updated DESC, c.id DESC LIMIT ? OFFSET ?",
                (*params, limit, offset),
            ).fetchall()
        return [_conversation(r) for r in rows]

    @staticmethod
    def _conversation_filter(archived: bool | None, kind: str | None) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if archived is not None:
            clauses.append("c.archived = ?")
            params.append(int(archived))
        if kind is not None:
            clauses.append("c.kind = ?")
            params.append(kind)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    # --- messages ---------------------------------------------------------------------------------

    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str,
        *,
        kind: str = "text",
        backend: str | None = None,
        model: str | None = None,
        tokens: int | None = None,
        duration: float | None = None,
    ) -> Message:
        """Append a message and bump the conversation's ``updated`` time."""
        if role not in ROLES:
            raise HistoryError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
        content = _require_text(content, "message content")
        kind = _require_text(kind, "message kind", empty_ok=False)
        backend, model = _optional_text(backend, "backend"), _optional_text(model, "model")
        tokens = _optional_number(tokens, "tokens", int)
        duration = _optional_number(duration, "duration", float)
        now = self._now()
        with self._write() as conn:
            cid = self._existing_conversation(conn, conversation_id)
            cursor = conn.execute(
                "INSERT INTO messages (conversation_id, role, kind, content, created, backend, model, tokens, duration) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (cid, role, kind, content, now, backend, model, tokens, duration),
            )
            conn.execute("UPDATE conversations SET updated = max(updated, ?) WHERE id = ?", (now, cid))
            if role == "user" and (title := auto_title(content)):
                conn.execute("UPDATE conversations SET title = ? WHERE id = ? AND title = ''", (title, cid))
            new_id = int(cursor.lastrowid or 0)
        return Message(
            id=new_id,
            conversation_id=cid,
            role=role,
            content=content,
            created=now,
            kind=kind,
            backend=backend,
            model=model,
            tokens=tokens,
            duration=duration,
        )

    def get_messages(self, conversation_id: int) -> list[Message]:
        """Messages oldest first, with verdicts and ratings; [] for an unknown conversation."""
        cid = _require_id(conversation_id, "conversation")
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages AS m WHERE m.conversation_id = ? ORDER BY m.id",
                (cid,),
            ).fetchall()
            verdicts: dict[int, list[Verdict]] = {}
            for row in conn.execute(
                "SELECT v.message_id, v.snippet, v.status, v.code, v.line, v.message, v.signatures, v.output, v.data "
                "FROM verdicts AS v JOIN messages AS m ON m.id = v.message_id "
                "WHERE m.conversation_id = ? ORDER BY v.message_id, v.snippet",
                (cid,),
            ):
                verdicts.setdefault(row[0], []).append(_verdict(row[1:]))
            ratings = {
                row[0]: Rating(message_id=row[0], rating=row[1], note=row[2], created=row[3])
                for row in conn.execute(
                    "SELECT r.message_id, r.rating, r.note, r.created FROM ratings AS r "
                    "JOIN messages AS m ON m.id = r.message_id WHERE m.conversation_id = ?",
                    (cid,),
                )
            }
        return [_message(r, tuple(verdicts.get(r[0], ())), ratings.get(r[0])) for r in rows]

    def get_message(self, message_id: int) -> Message | None:
        mid = _require_id(message_id, "message")
        with self._read() as conn:
            row = conn.execute("SELECT conversation_id FROM messages WHERE id = ?", (mid,)).fetchone()
        if row is None:
            return None
        return next((m for m in self.get_messages(row[0]) if m.id == mid), None)

    def delete_message(self, message_id: int) -> bool:
        """Remove one message (e.g. before regenerating a reply); False if it was not there."""
        mid = _require_id(message_id, "message")
        with self._write() as conn:
            return conn.execute("DELETE FROM messages WHERE id = ?", (mid,)).rowcount > 0

    # --- verdicts and ratings -------------------------------------------------------------------------

    def set_verdicts(self, message_id: int, verdicts: Iterable[Verdict]) -> None:
        """Replace the snippet verdicts of a message."""
        rows = []
        seen: set[int] = set()
        for v in verdicts:
            if not isinstance(v, Verdict):
                raise HistoryError(f"a verdict must be an assistant.verdict.Verdict, got {type(v).__name__}")
            index = _require_id(v.index, "snippet")
            if index in seen:
                raise HistoryError(f"snippet {index} has two verdicts")
            seen.add(index)
            error = v.first_error
            try:
                data = json.dumps(v.as_dict(), ensure_ascii=False)
            except (TypeError, ValueError) as exc:
                raise HistoryError(f"the verdict of snippet {index} is not JSON-serialisable ({exc})") from None
            rows.append((
                index,
                v.status,
                error.code if error else None,
                error.line if error and error.line else None,
                error.message if error else None,
                json.dumps([f"{n} : {t}" for n, t in v.signatures], ensure_ascii=False),
                v.stdout or None,
                data,
            ))
        with self._write() as conn:
            mid = self._existing_message(conn, message_id)
            conn.execute("DELETE FROM verdicts WHERE message_id = ?", (mid,))
            conn.executemany(
                "INSERT INTO verdicts (message_id, snippet, status, code, line, message, signatures, output, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(mid, *row) for row in rows],
            )

    def rate(self, message_id: int, rating: int, note: str = "") -> Rating:
        """Set (or replace) the rating of a message: -1, 0 or 1."""
        if isinstance(rating, bool) or rating not in RATINGS:
            raise HistoryError(f"rating must be -1, 0 or 1, got {rating!r}")
        note = _require_text(note, "note")
        now = self._now()
        with self._write() as conn:
            mid = self._existing_message(conn, message_id)
            conn.execute(
                "INSERT INTO ratings (message_id, rating, note, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (message_id) DO UPDATE SET rating = excluded.rating, note = excluded.note, "
                "created = excluded.created",
                (mid, rating, note, now),
            )
        return Rating(message_id=mid, rating=rating, note=note, created=now)

    # --- search and export -----------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        archived: bool | None = None,
        limit: int = 20,
        before: str = "«",
        after: str = "»",
    ) -> list[SearchHit]:
        """Conversations whose title or messages contain every word of ``query`` (as prefixes).

        One hit per conversation: title matches first, then the best message match. The
        excerpt marks matches with ``before``/``after``.
        """
        terms = query_terms(_require_text(query, "search query"))
        limit = max(0, int(limit))
        if not terms or limit == 0:
            return []
        where, params = self._conversation_filter(archived, None)
        raw: list[tuple[int, int | None, str | None, str]] = []
        with self._read() as conn:
            if self._fts and is_wordy(terms):
                try:
                    raw = self._fts_search(conn, terms, where, params, limit, before, after)
                except sqlite3.OperationalError:  # a term FTS cannot parse: scan instead
                    raw = []
                    self._like_search_into(raw, conn, terms, where, params, limit, before, after)
            else:
                self._like_search_into(raw, conn, terms, where, params, limit, before, after)
        hits: list[SearchHit] = []
        seen: set[int] = set()
        for cid, mid, role, snippet in raw:
            if cid in seen:
                continue
            seen.add(cid)
            conversation = self.get_conversation(cid)
            if conversation is not None:
                hits.append(SearchHit(conversation=conversation, snippet=snippet, message_id=mid, role=role))
            if len(hits) >= limit:
                break
        return hits

    @staticmethod
    def _fts_search(
        conn: sqlite3.Connection,
        terms: list[str],
        where: str,
        params: list[Any],
        limit: int,
        before: str,
        after: str,
    ) -> list[tuple[int, int | None, str | None, str]]:
        match = fts_match(terms)
        extra = where.replace("WHERE", "AND", 1)
        titles = conn.execute(
            "SELECT c.id, NULL, NULL, snippet(conversations_fts, 0, ?, ?, '…', 12) "
            "FROM conversations_fts JOIN conversations AS c ON c.id = conversations_fts.rowid "
            f"WHERE conversations_fts MATCH ? {extra} ORDER BY bm25(conversations_fts), c.updated DESC LIMIT ?",
            (before, after, match, *params, limit),
        ).fetchall()
        messages = conn.execute(
            "SELECT m.conversation_id, m.id, m.role, snippet(messages_fts, 0, ?, ?, '…', 16) "
            "FROM messages_fts JOIN messages AS m ON m.id = messages_fts.rowid "
            "JOIN conversations AS c ON c.id = m.conversation_id "
            f"WHERE messages_fts MATCH ? {extra} ORDER BY bm25(messages_fts), m.id DESC LIMIT ?",
            (before, after, match, *params, limit * 20),
        ).fetchall()
        return [*titles, *messages]

    @staticmethod
    def _like_search_into(
        out: list[tuple[int, int | None, str | None, str]],
        conn: sqlite3.Connection,
        terms: list[str],
        where: str,
        params: list[Any],
        limit: int,
        before: str,
        after: str,
    ) -> None:
        extra = where.replace("WHERE", "AND", 1)
        patterns = [like_pattern(t) for t in terms]
        title_clause = " AND ".join("c.title LIKE ? ESCAPE '\\'" for _ in terms)
        for cid, title in conn.execute(
            f"SELECT c.id, c.title FROM conversations AS c WHERE {title_clause} {extra} "
            "ORDER BY c.updated DESC LIMIT ?",
            (*patterns, *params, limit),
        ):
            out.append((cid, None, None, make_snippet(title, terms, before, after)))
        content_clause = " AND ".join("m.content LIKE ? ESCAPE '\\'" for _ in terms)
        for cid, mid, role, content in conn.execute(
            "SELECT m.conversation_id, m.id, m.role, m.content FROM messages AS m "
            f"JOIN conversations AS c ON c.id = m.conversation_id WHERE {content_clause} {extra} "
            "ORDER BY m.id DESC LIMIT ?",
            (*patterns, *params, limit * 20),
        ):
            out.append((cid, mid, role, make_snippet(content, terms, before, after)))

    def export_markdown(self, conversation_id: int) -> str:
        """The conversation as Markdown text."""
        from assistant.history.export import conversation_markdown  # datetime, tempfile: export only

        conversation = self._get_existing(conversation_id)
        return conversation_markdown(conversation, self.get_messages(conversation.id))

    def export_markdown_file(self, conversation_id: int, path: Path) -> Path:
        """Write :meth:`export_markdown` to ``path`` atomically."""
        from synoema.durable import write_atomic

        text = self.export_markdown(conversation_id)
        try:
            return write_atomic(Path(path), text)
        except OSError as exc:
            raise HistoryError(f"could not write {path}: {exc.strerror or exc}") from None
