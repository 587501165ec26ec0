"""Versioned schema: forward-only migrations tracked in ``PRAGMA user_version``.

Full-text search is kept outside the numbered migrations because whether FTS5 exists
depends on the SQLite build running *now*, not on the database file: the same file may
be opened by builds with and without it, so the index is (re)built on demand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence

from assistant.history.models import HistoryError

Migration = str | Callable[[sqlite3.Connection], None]

V1 = """
CREATE TABLE conversations (
    id       INTEGER PRIMARY KEY,
    title    TEXT    NOT NULL DEFAULT '',
    created  REAL    NOT NULL,
    updated  REAL    NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    kind     TEXT    NOT NULL DEFAULT 'chat'
);
CREATE INDEX conversations_recent ON conversations (archived, updated DESC);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    kind            TEXT    NOT NULL DEFAULT 'text',
    content         TEXT    NOT NULL,
    created         REAL    NOT NULL,
    backend         TEXT,
    model           TEXT,
    tokens          INTEGER,
    duration        REAL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

CREATE TABLE verdicts (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    snippet    INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    code       TEXT,
    line       INTEGER,
    message    TEXT,
    signatures TEXT    NOT NULL DEFAULT '[]',
    output     TEXT,
    PRIMARY KEY (message_id, snippet)
);

CREATE TABLE ratings (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    rating     INTEGER NOT NULL CHECK (rating IN (-1, 0, 1)),
    note       TEXT    NOT NULL DEFAULT '',
    created    REAL    NOT NULL
);
"""

# The whole verdict (`assistant.verdict.Verdict.as_dict`) as JSON; the older columns stay for readers
# of the first version and for messages saved before it.
V2 = """
ALTER TABLE verdicts ADD COLUMN data TEXT;
"""

MIGRATIONS: tuple[Migration, ...] = (V1, V2)
LATEST_VERSION = len(MIGRATIONS)

FTS_TABLES = """
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts
    USING fts5 (content, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS conversations_fts
    USING fts5 (title, content = 'conversations', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
"""

FTS_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER IF NOT EXISTS conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER IF NOT EXISTS conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER IF NOT EXISTS conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);
END;
"""

FTS_TRIGGER_NAMES: tuple[str, ...] = (
    "messages_fts_insert",
    "messages_fts_delete",
    "messages_fts_update",
    "conversations_fts_insert",
    "conversations_fts_delete",
    "conversations_fts_update",
)


def statements(script: str) -> Iterator[str]:
    """Split a script into complete statements (trigger bodies stay whole)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply the migrations the database lacks, atomically; return the new version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). The version is
    re-read under the write lock, so two processes opening a fresh file migrate once.
    """
    latest = len(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = user_version(conn)
        if current > latest:
            raise HistoryError(
                f"the history database has schema version {current}, newer than this program "
                f"understands ({latest}); please upgrade synoema-assistant"
            )
        for step in migrations[current:]:
            if isinstance(step, str):
                for statement in statements(step):
                    conn.execute(statement)
            else:
                step(conn)
        if current != latest:
            conn.execute(f"PRAGMA user_version = {latest:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return latest


def fts5_available(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite build can create FTS5 tables."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp._fts5_probe USING fts5 (x)")
        conn.execute("DROP TABLE temp._fts5_probe")
    except sqlite3.Error:
        return False
    return True


def _existing(conn: sqlite3.Connection, kind: str, names: Sequence[str]) -> set[str]:
    marks = ", ".join("?" for _ in names)
    rows = conn.execute(
        f"SELECT name FROM sqlite_master WHERE type = ? AND name IN ({marks})", (kind, *names)
    )
    return {row[0] for row in rows}


def ensure_fts(conn: sqlite3.Connection, wanted: bool) -> bool:
    """Set up (or switch off) the full-text index; return whether FTS search is usable.

    Without FTS5 the sync triggers are dropped, since they would make every insert fail;
    when FTS5 is back, missing triggers mean the index is stale, so it is rebuilt.
    """
    usable = wanted and fts5_available(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        present = _existing(conn, "trigger", FTS_TRIGGER_NAMES)
        if usable:
            for statement in statements(FTS_TABLES):
                conn.execute(statement)
            if present != set(FTS_TRIGGER_NAMES):
                for statement in statements(FTS_TRIGGERS):
                    conn.execute(statement)
                conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
                conn.execute("INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild')")
        else:
            for name in present:
                conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return usable
