"""The pieces of containment one at a time: import rules, caps, control characters, guarded threads,
per-run depth, and sandbox workers (their folders, their parent, how their deaths are told)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from assistant.safetext import ControlStripper, strip_control
from synoema.api import check_source, run_file, run_source
from synoema.diagnostics import MAX_MESSAGE, Diagnostic, capped, capped_all
from synoema.execute import Limits
from synoema.guard import guarded
from synoema.sandbox import RunRequest, WorkerPool

# ── imports ──────────────────────────────────────────────────────────────────────────────────


def codes(result: object) -> list[str]:
    return [d.code for d in result.diagnostics]  # type: ignore[attr-defined]


def test_confined_imports_stay_in_the_folder(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.sno").write_text('import "../shared.sno"\nmod Util\n  two = 2\n')
    (tmp_path / "shared.sno").write_text("mod Shared\n  one = 1\n")
    (tmp_path / "link.sno").symlink_to(tmp_path / "shared.sno")  # a link inside the folder is fine
    main = tmp_path / "main.sno"
    main.write_text('import "lib/util.sno"\nimport "link.sno"\nmain = Util.two + Shared.one\n')
    assert run_source(main.read_text(), filename=str(main)).stdout == "3\n"

    outside = tmp_path.parent / f"{tmp_path.name}-outside.sno"
    outside.write_text("mod Out\n  x = 1\n")
    try:
        for line in (f'import "{outside}"', f'import "../{outside.name}"'):
            src = f"{line}\nmain = 1\n"
            checked = check_source(src, str(main))
            assert codes(checked) == ["import_refused"] and "outside" in checked.diagnostics[0].message
            assert run_file_text(tmp_path, src, own=True).ok  # plain `synoema run`: the user's own files
    finally:
        outside.unlink()


def run_file_text(folder: Path, src: str, *, own: bool) -> object:
    path = folder / "entry.sno"
    path.write_text(src)
    return run_file(str(path), imports="own" if own else "confined")


def test_refused_imports_never_quote_the_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("password=hunter2\n")
    (tmp_path / "big.sno").write_text("x = 1\n" * 300_000)
    (tmp_path / "bad.sno").write_bytes(b"\xff\xfe not utf-8")
    os.mkfifo(tmp_path / "fifo.sno")
    (tmp_path / "dir.sno").mkdir()
    main = str(tmp_path / "main.sno")
    for target, why in [("notes.txt", ".sno"), ("big.sno", "larger"), ("bad.sno", "UTF-8"),
                        ("fifo.sno", "regular"), ("dir.sno", "regular"), ("/dev/zero", ".sno")]:
        checked = check_source(f'import "{target}"\nmain = 1\n', main)
        assert codes(checked) == ["import_refused"], (target, codes(checked))
        assert why in checked.diagnostics[0].message and "hunter2" not in checked.diagnostics[0].message
    # even plain `synoema run` refuses what is not a regular, small, UTF-8 file
    assert codes(run_file_text(tmp_path, 'import "fifo.sno"\nmain = 1\n', own=True)) == ["import_refused"]


def test_a_snippet_without_a_file_cannot_import() -> None:
    assert codes(check_source('import "lib.sno"\nmain = 1\n')) == ["import_refused"]


# ── caps and control characters ──────────────────────────────────────────────────────────────


def test_diagnostics_are_capped() -> None:
    d = capped(Diagnostic("runtime_error", "x" * 100_000, notes=["n" * 5000] * 50, llm_hint="h" * 9000))
    assert len(d.message) < MAX_MESSAGE + 40 and d.message.endswith("98000 more characters")
    assert len(d.notes) == 13 and d.notes[-1] == "… 38 more notes" and len(d.llm_hint or "") < 600
    many = capped_all([Diagnostic("unbound_variable", "x")] * 500)
    assert len(many) == 201 and many[-1].message.startswith("… 300 more")


def test_a_huge_error_message_is_capped_before_it_leaves_the_run() -> None:
    r = run_source('dbl s n = ? n == 0 -> s : dbl (s ++ s) (n - 1)\nmain = error (dbl "ab" 20)\n')
    assert r.errors[0].code == "runtime_error" and len(r.errors[0].message) < MAX_MESSAGE + 40


def test_control_characters_are_stripped() -> None:
    assert strip_control("a\x1b[31mred\x1b[0m\x1b]0;title\x07\x1b]52;c;eA==\x1b\\b\r\x07\u202ec\td\n") == "aredbc\td\n"
    text = "x\x1b[1;3" + "1mbold\x1b[0m and \x9b2Jc1\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\ end"
    for size in (1, 2, 3, 7):
        s = ControlStripper()
        out = "".join(s.feed(text[i:i + size]) for i in range(0, len(text), size)) + s.flush()
        assert out == strip_control(text) == "xbold and c1link end"


# ── guarded threads and depth ────────────────────────────────────────────────────────────────


def test_depth_is_per_run_and_the_process_limit_is_untouched() -> None:
    before = sys.getrecursionlimit()
    deep = "f n = ? n == 0 -> 0 : 1 + f (n - 1)\nmain = f 30000\n"
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(sys.getrecursionlimit())
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        results: dict[str, object] = {}
        runs = [threading.Thread(target=lambda: results.__setitem__("big", run_source(deep))),
                threading.Thread(target=lambda: results.__setitem__(
                    "small", run_source(deep, limits=Limits(max_depth=10_000))))]
        for t in runs:
            t.start()
        for t in runs:
            t.join(60)
    finally:
        stop.set()
        watcher.join()
    assert results["big"].stdout == "30000\n"  # type: ignore[attr-defined]
    small = results["small"].errors[0]  # type: ignore[attr-defined]
    assert small.code == "limit_exceeded" and small.data["limit"] == "depth"
    assert set(seen) == {before}


def test_a_guarded_call_is_stopped_and_the_caller_goes_on() -> None:
    g = guarded(lambda: [0 for _ in iter(int, 1)], timeout=0.2, max_memory=None, depth=1000)
    assert g.stopped == "time" and not g.stuck and g.duration < 2.0
    assert guarded(lambda: 6 * 7, timeout=1.0, max_memory=None, depth=1000).value == 42


def test_a_stop_leaves_nothing_pending_for_later_threads() -> None:
    """After a stopped call, threads with a profile hook (a profiler, coverage, tracemalloc tests)
    still run: the stop is drained in its own thread, not cleared in a way that leaves CPython's
    eval breaker set. In a process of its own, so that a regression cannot hang this one."""
    script = textwrap.dedent("""
        import threading
        from synoema.guard import guarded
        g = guarded(lambda: [0 for _ in iter(int, 1)], timeout=0.1, max_memory=None, depth=1000)
        assert g.stopped == "time", g
        threading.setprofile(lambda *a: None)
        t = threading.Thread(target=lambda: sum(range(1000)))
        t.start()
        t.join(10)
        print("alive" if t.is_alive() else "done")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "done", (done.stdout, done.stderr[-500:])


# ── workers ──────────────────────────────────────────────────────────────────────────────────


def test_worker_folders_follow_tmpdir_and_go_with_the_worker(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with WorkerPool(1) as pool:
        out = pool.run(RunRequest('main = 1\n'))
        assert out.ok
        assert [p.name[:15] for p in tmp_path.iterdir()] == ["synoema-worker-"]
    assert list(tmp_path.iterdir()) == []


def test_a_worker_killed_from_outside_is_not_called_out_of_memory() -> None:
    with WorkerPool(1) as pool:
        pool.warm()
        (pid,) = pool.pids()
        threading.Timer(0.5, os.kill, (pid, signal.SIGKILL)).start()
        out = pool.run(RunRequest("loop n = loop (n + 1)\nmain = loop 0\n", limits=Limits(timeout=20.0)))
        message = out.diagnostics[0].message
        assert out.crashed and not out.limit_exceeded and "SIGKILL" in message
        assert "more memory than allowed" not in message


def test_workers_leave_with_their_parent(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from synoema.check import check
        from synoema.execute import Limits
        print("go", flush=True)
        check("loop n = loop (n + 1)\\nmain = loop 0\\n", limits=Limits(timeout=60))
        """
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env) as parent:
        assert parent.stdout is not None and parent.stdout.readline() == "go\n"
        deadline = time.monotonic() + 30
        while not list(tmp_path.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the worker is running the loop now
        assert list(tmp_path.iterdir())
        parent.kill()
    deadline = time.monotonic() + 10
    while list(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(tmp_path.iterdir()) == []  # the worker saw its parent go, removed its folder, left


def test_memory_is_held_within_ten_percent_of_the_limit() -> None:
    with WorkerPool(1) as pool:
        for source in ("grow xs = grow (xs ++ xs)\nmain = length (grow [1 2 3 4 5 6 7 8])\n",
                       'dbl s = dbl (s ++ s)\nmain = length (dbl "0123456789abcdef")\n'):
            out = pool.run(RunRequest(source, limits=Limits(timeout=20.0, max_memory=192 << 20)))
            assert out.limit_exceeded and out.diagnostics[0].data["limit"] == "memory"
            assert 0 < out.peak_memory <= 1.1 * (192 << 20), out.peak_memory >> 20
