from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from assistant import paths
from assistant.history import LATEST_VERSION, HistoryError, HistoryStore, auto_title
from assistant.history.schema import migrate
from assistant.verdict import DiagnosticInfo, Repair, Verdict


@pytest.fixture(params=[True, False], ids=["fts", "like"])
def store(request: pytest.FixtureRequest) -> HistoryStore:
    with HistoryStore(fts=request.param) as opened:
        yield opened


def seed(store: HistoryStore) -> tuple[int, int, int]:
    """Two conversations: factorial (with an answer) and pipes."""
    fac = store.create_conversation()
    store.add_message(fac.id, "user", "How do I write a factorial?")
    answer = store.add_message(
        fac.id,
        "assistant",
        "```sno\nfac 0 = 1\nfac n = n * fac (n - 1)\n```\nUse str_len for strings.",
        backend="gguf",
        model="tiny",
        tokens=42,
        duration=1.25,
    )
    pipes = store.create_conversation("Pipelines", kind="explain")
    store.add_message(pipes.id, "user", "What does |> do with map and filter?")
    return fac.id, answer.id, pipes.id


def test_fresh_database_is_migrated_with_wal_and_foreign_keys() -> None:
    with HistoryStore() as store:
        assert store.path == paths.history_file()
        assert store.journal_mode == "wal"
    raw = sqlite3.connect(paths.history_file())
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"conversations", "messages", "verdicts", "ratings"} <= tables
    finally:
        raw.close()


def test_reopening_keeps_data_and_version(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        cid = store.create_conversation("kept").id
    with HistoryStore(db) as store:
        assert store.get_conversation(cid).title == "kept"


def test_migrations_run_forward_once(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    first = "CREATE TABLE a (x INTEGER);\nINSERT INTO a VALUES (1);"
    second = "INSERT INTO a VALUES (2);"
    assert migrate(conn, [first]) == 1
    assert migrate(conn, [first]) == 1  # nothing to do
    assert migrate(conn, [first, second]) == 2  # only the new step runs
    assert [r[0] for r in conn.execute("SELECT x FROM a ORDER BY x")] == [1, 2]
    with pytest.raises(HistoryError, match="newer"):
        migrate(conn, [first])
    conn.close()


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, ["CREATE TABLE a (x);", "CREATE TABLE b (y);\nINSERT INTO nowhere VALUES (1);"])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')").fetchone()[0] == 0
    conn.close()


def test_database_from_a_newer_program_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    raw.close()
    with pytest.raises(HistoryError, match="newer than this program"):
        HistoryStore(db)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(HistoryError, match="cannot use the history database"):
        HistoryStore(junk)


def test_conversation_crud(store: HistoryStore) -> None:
    fac_id, answer_id, pipes_id = seed(store)
    listed = store.list_conversations()
    assert [c.id for c in listed] == [pipes_id, fac_id]  # most recent first
    assert listed[1].title == "How do I write a factorial?"  # auto-title from the first question
    assert listed[1].message_count == 2
    assert listed[0].kind == "explain"

    assert store.rename_conversation(fac_id, "  Factorial  ").title == "Factorial"
    assert store.archive_conversation(pipes_id).archived is True
    assert [c.id for c in store.list_conversations()] == [fac_id]
    assert [c.id for c in store.list_conversations(archived=True)] == [pipes_id]
    assert len(store.list_conversations(archived=None)) == 2
    assert [c.id for c in store.list_conversations(archived=None, kind="explain")] == [pipes_id]

    store.add_message(fac_id, "user", "and recursion?")
    assert store.get_conversation(fac_id).title == "Factorial"  # explicit titles are kept

    assert store.delete_conversation(fac_id) is True
    assert store.delete_conversation(fac_id) is False
    assert store.get_conversation(fac_id) is None
    assert store.get_message(answer_id) is None
    assert store.get_messages(fac_id) == []


def test_messages_verdicts_and_ratings(store: HistoryStore) -> None:
    fac_id, answer_id, _ = seed(store)
    runs = Verdict(0, "main = fac 5\n", status="runs", signatures=(("fac", "Int -> Int"),), stdout="120\n",
                   expected_output="120\n", repair=Repair("main = fac(5)\n", ("line 1: calls",)))
    fails = Verdict(1, "main = fct 5\n", status="fails",
                    diagnostics=(DiagnosticInfo("unbound_variable", "unbound name 'fct'", 3, hint="fac?"),))
    store.set_verdicts(answer_id, [runs, fails])
    store.rate(answer_id, 1, "clear")
    store.rate(answer_id, -1, "changed my mind")  # replaces
    messages = store.get_messages(fac_id)
    assert [m.role for m in messages] == ["user", "assistant"]
    answer = messages[1]
    assert (answer.backend, answer.model, answer.tokens, answer.duration) == ("gguf", "tiny", 42, 1.25)
    assert answer.verdicts == (runs, fails)  # the whole verdict comes back
    assert answer.verdicts[0].output_matched and answer.verdicts[1].first_error.line == 3
    assert answer.rating is not None and (answer.rating.rating, answer.rating.note) == (-1, "changed my mind")
    assert store.get_message(answer_id) == answer

    store.set_verdicts(answer_id, [])
    assert store.get_message(answer_id).verdicts == ()
    assert store.delete_message(answer_id) is True
    assert [m.role for m in store.get_messages(fac_id)] == ["user"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s, c, m: s.add_message(9999, "user", "hi"), "conversation 9999 does not exist"),
        (lambda s, c, m: s.add_message(c, "robot", "hi"), "unknown role 'robot'"),
        (lambda s, c, m: s.add_message(c, "user", None), "message content must be text"),
        (lambda s, c, m: s.add_message(c, "user", "x", tokens=-1), "tokens must not be negative"),
        (lambda s, c, m: s.add_message("1", "user", "x"), "conversation id must be an integer"),
        (lambda s, c, m: s.rename_conversation(9999, "x"), "conversation 9999 does not exist"),
        (lambda s, c, m: s.archive_conversation(True), "conversation id must be an integer"),
        (lambda s, c, m: s.rate(m, 2), "rating must be -1, 0 or 1"),
        (lambda s, c, m: s.rate(m, True), "rating must be -1, 0 or 1"),
        (lambda s, c, m: s.rate(9999, 1), "message 9999 does not exist"),
        (
            lambda s, c, m: s.set_verdicts(m, [Verdict(0, "x"), Verdict(0, "y")]),
            "snippet 0 has two verdicts",
        ),
        (lambda s, c, m: s.set_verdicts(m, [Verdict(0, "x", extra={"odd": 1j})]), "not JSON-serialisable"),
        (lambda s, c, m: s.set_verdicts(m, [{"status": "ok"}]), "must be an assistant.verdict.Verdict"),
        (lambda s, c, m: s.export_markdown(9999), "conversation 9999 does not exist"),
    ],
)
def test_bad_input_gives_clear_history_errors(store: HistoryStore, call, message: str) -> None:
    fac_id, answer_id, _ = seed(store)
    with pytest.raises(HistoryError, match=message.replace("(", r"\(")):
        call(store, fac_id, answer_id)
    assert len(store.get_messages(fac_id)) == 2  # nothing half-written


def test_search_finds_words_and_marks_them(store: HistoryStore) -> None:
    fac_id, answer_id, pipes_id = seed(store)
    hits = store.search("factorial")
    assert [h.conversation.id for h in hits] == [fac_id]
    assert "«factorial»" in hits[0].snippet.lower()

    hits = store.search("fac")  # prefixes match
    assert hits[0].conversation.id == fac_id

    hits = store.search("len")  # words inside identifiers (str_len)
    assert [(h.conversation.id, h.message_id, h.role) for h in hits] == [(fac_id, answer_id, "assistant")]

    hits = store.search("map FILTER")  # all words, any case
    assert [h.conversation.id for h in hits] == [pipes_id]
    assert store.search("map factorial") == []

    assert [h.conversation.id for h in store.search("pipelines")] == [pipes_id]  # titles too
    assert [h.conversation.id for h in store.search("|>")] == [pipes_id]  # operators fall back to a scan
    assert [c.id for c in store.list_conversations(search="write")] == [fac_id]


def test_search_survives_syntax_characters(store: HistoryStore) -> None:
    seed(store)
    for query in ['"', "AND", "NEAR(", "fac*", "-- )", "' OR 1=1 --", "   ", "_"]:
        assert isinstance(store.search(query), list)


def test_search_follows_edits_and_deletes(store: HistoryStore) -> None:
    fac_id, _, pipes_id = seed(store)
    store.rename_conversation(pipes_id, "Composition")
    assert store.search("pipelines") == []
    assert [h.conversation.id for h in store.search("composition")] == [pipes_id]
    store.archive_conversation(pipes_id)
    assert store.search("composition", archived=False) == []
    assert len(store.search("composition", archived=True)) == 1
    store.delete_conversation(fac_id)
    assert store.search("factorial") == []


def test_fts_index_stays_consistent(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db, fts=True) as store:
        if not store.fts_enabled:
            pytest.skip("this SQLite build has no FTS5")
        fac_id, _, _ = seed(store)
        store.delete_conversation(fac_id)
    with HistoryStore(db, fts=False) as store:  # writes while the index is off...
        cid = store.create_conversation("Later").id
        store.add_message(cid, "user", "written without the index: quicksort")
    with HistoryStore(db, fts=True) as store:  # ...are picked up when it comes back
        assert [h.conversation.id for h in store.search("quicksort")] == [cid]
        raw = sqlite3.connect(db)
        raw.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
        raw.execute("INSERT INTO conversations_fts (conversations_fts) VALUES ('integrity-check')")
        raw.close()


def test_export_markdown(store: HistoryStore, tmp_path: Path) -> None:
    fac_id, answer_id, _ = seed(store)
    store.set_verdicts(answer_id, [Verdict(0, "fac 0 = 1\n", status="types", signatures=(("fac", "Int -> Int"),))])
    store.rate(answer_id, 1, "clear")
    text = store.export_markdown(fac_id)
    assert text.startswith("# How do I write a factorial?\n")
    assert "### You\n\nHow do I write a factorial?" in text
    assert "### Assistant · gguf/tiny · 42 tokens · 1.2 s" in text
    assert "```sno\nfac 0 = 1\n" in text
    assert "- block 1: ✓ types: fac : Int -> Int" in text
    assert "*Rated helpful — clear*" in text
    out = store.export_markdown_file(fac_id, tmp_path / "out" / "fac.md")
    assert out.read_text(encoding="utf-8") == text
    assert [p.name for p in out.parent.iterdir()] == ["fac.md"]


def test_concurrent_writes_from_two_threads(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    shared = HistoryStore(db)
    second = HistoryStore(db)  # a second connection, as another process would have
    cid = shared.create_conversation("busy").id
    errors: list[BaseException] = []

    def writer(store: HistoryStore, tag: str) -> None:
        try:
            for i in range(60):
                store.add_message(cid, "user", f"{tag} message {i}")
                store.search(tag)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(shared, "alpha")),
        threading.Thread(target=writer, args=(shared, "beta")),
        threading.Thread(target=writer, args=(second, "gamma")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    messages = shared.get_messages(cid)
    assert len(messages) == 180
    assert len({m.id for m in messages}) == 180
    shared.close()
    second.close()


def test_closed_store_is_a_clear_error() -> None:
    store = HistoryStore()
    store.close()
    store.close()  # idempotent
    with pytest.raises(HistoryError, match="closed"):
        store.list_conversations()


def test_auto_title() -> None:
    assert auto_title("```sno\nfac 0 = 1\n```") == "fac 0 = 1"
    assert auto_title("\n## Why does this fail?\nmore") == "Why does this fail?"
    long = auto_title("word " * 40)
    assert len(long) <= 60 and long.endswith("…")
    assert auto_title("   \n") == ""


def test_verdicts_saved_by_the_first_schema_still_read(tmp_path: Path) -> None:
    """A database of schema 1 is migrated; its verdict rows (no whole-verdict JSON) read back."""
    from assistant.history.schema import V1

    db = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(db, isolation_level=None)
    migrate(raw, [V1])
    raw.execute("INSERT INTO conversations (id, title, created, updated) VALUES (1, 't', 0, 0)")
    raw.execute("INSERT INTO messages (id, conversation_id, role, content, created) VALUES (1, 1, 'assistant', 'x', 0)")
    raw.execute("INSERT INTO verdicts (message_id, snippet, status, code, line, message, signatures, output) "
                "VALUES (1, 0, 'fails', 'unbound_variable', 2, 'no fct', '[\"f : Int\"]', NULL)")
    raw.close()
    with HistoryStore(db) as store:
        (verdict,) = store.get_messages(1)[0].verdicts
    assert verdict.status == "fails" and verdict.signatures == (("f", "Int"),)
    assert verdict.first_error == DiagnosticInfo("unbound_variable", "no fct", 2)
