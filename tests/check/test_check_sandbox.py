"""The sandbox: hostile programs end within their limits with the right diagnostic, and the pool
keeps serving. Limits are small here so the suite stays fast; nothing asserts wall-clock times."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from synoema.check import check
from synoema.execute import Limits
from synoema.sandbox import RunOutcome, RunRequest, WorkerPool

SHORT = Limits(timeout=1.0)
SMALL = "main = 40 + 2\n"


def still_serves(pool: WorkerPool) -> None:
    out = pool.run(RunRequest(SMALL))
    assert out.ok and out.stdout == "42\n", out.diagnostics


def limit_kind(out: RunOutcome) -> str:
    diag = next(d for d in out.diagnostics if d.code == "limit_exceeded")
    return str(diag.data.get("limit", ""))


def test_infinite_loop(pool: WorkerPool) -> None:
    out = pool.run(RunRequest("loop n = loop (n + 1)\nmain = loop 0\n", limits=SHORT))
    assert out.limit_exceeded and not out.ok
    assert limit_kind(out) == "time"
    still_serves(pool)


def test_infinite_recursion(pool: WorkerPool) -> None:
    out = pool.run(RunRequest("deep n = 1 + deep (n + 1)\nmain = deep 0\n", limits=Limits(timeout=3.0)))
    assert out.limit_exceeded and not out.ok
    assert limit_kind(out) in ("depth", "time")
    still_serves(pool)


def test_huge_range(pool: WorkerPool) -> None:
    out = pool.run(RunRequest("main = length [1..100000000000]\n", limits=SHORT))
    assert out.limit_exceeded
    still_serves(pool)


def test_huge_list_hits_the_memory_cap(pool: WorkerPool) -> None:
    grow = "grow xs = grow (xs ++ xs)\nmain = length (grow [1 2 3 4 5 6 7 8])\n"
    out = pool.run(RunRequest(grow, limits=Limits(timeout=4.0, max_memory=200 << 20)))
    assert out.limit_exceeded and not out.ok
    assert limit_kind(out) in ("memory", "time")
    still_serves(pool)


def test_huge_output(pool: WorkerPool) -> None:
    spam = 'spam n = print "spam spam spam spam" ; spam (n + 1)\nmain = spam 0\n'
    out = pool.run(RunRequest(spam, limits=Limits(timeout=3.0, max_output=64 << 10)))
    assert out.limit_exceeded
    assert "printed more than" in out.diagnostics[0].message
    assert len(out.output) <= 64 << 10
    still_serves(pool)


def test_huge_value_of_main_is_capped(pool: WorkerPool) -> None:
    out = pool.run(RunRequest("main = [1..200000]\n", limits=Limits(timeout=4.0, max_output=10_000)))
    assert out.limit_exceeded and limit_kind(out) == "output"
    assert len(out.stdout) <= 10_000
    still_serves(pool)


@pytest.mark.parametrize("program", [
    'main = file_read "/etc/passwd"\n',
    'main = fd_open_write "/tmp/synoema-should-not-exist"\n',
    'main = env "HOME"\n',
    'main = env_or "PATH" "none"\n',
    'main = fd_popen "echo pwned"\n',
    "main = tcp_listen 8765\n",
])
def test_capabilities_are_denied(pool: WorkerPool, program: str) -> None:
    out = pool.run(RunRequest(program, limits=SHORT))
    assert not out.ok
    assert [d.code for d in out.diagnostics] == ["permission_denied"]
    still_serves(pool)


def test_worker_environment_is_scrubbed(pool: WorkerPool) -> None:
    out = pool.run(RunRequest('main = env_or "HOME" "unset"\n', allow_io=True, limits=SHORT))
    assert out.ok and out.value == "unset"


def test_hung_worker_is_killed_and_replaced() -> None:
    # a parent deadline shorter than the worker's own watchdog: the parent has to kill
    with WorkerPool(1, grace=-0.8) as pool:
        pool.warm()
        first = pool.pids()
        out = pool.run(RunRequest("loop n = loop (n + 1)\nmain = loop 0\n", limits=SHORT))
        assert out.limit_exceeded and out.diagnostics[0].data.get("killed") is True
        assert pool.stats.timeouts == 1 and pool.stats.replaced == 1
        pool.grace = 1.5
        still_serves(pool)
        assert pool.pids() and pool.pids() != first


def test_dead_worker_is_reported_as_crashed_and_replaced() -> None:
    with WorkerPool(1) as pool:
        pool.warm()
        (pid,) = pool.pids()
        result: list[RunOutcome] = []
        runner = threading.Thread(target=lambda: result.append(
            pool.run(RunRequest("loop n = loop (n + 1)\nmain = loop 0\n", limits=Limits(timeout=30.0)))))
        runner.start()
        threading.Event().wait(0.5)
        os.kill(pid, signal.SIGKILL)
        runner.join(30)
        assert result and result[0].crashed and not result[0].ok
        still_serves(pool)
        assert pid not in pool.pids()


def test_concurrent_requests() -> None:
    with WorkerPool(2) as pool:
        results: list[RunOutcome] = []
        lock = threading.Lock()

        def one(i: int) -> None:
            out = pool.run(RunRequest(f"main = {i} * {i}\n"))
            with lock:
                results.append(out)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(int(r.value or -1) for r in results) == sorted(i * i for i in range(8))
        assert pool.workers <= 2


def test_check_reports_limits_through_the_shared_pool() -> None:
    r = check("loop n = loop (n + 1)\nmain = loop 0\n", limits=SHORT)
    assert r.limit_exceeded and r.stages["run"] == "failed" and r.status == "types" and r.isolated
    assert check(SMALL).stdout == "42\n"


def test_timeout_during_unwinding_is_not_a_success() -> None:
    # deep recursion that reaches its limit close to the deadline must never come back as exit 0
    r = check("deep n = 1 + deep (n + 1)\nmain = deep 0\n", limits=Limits(timeout=1.0), isolate=False)
    assert not r.ok and r.limit_exceeded and r.stdout == ""


def test_a_worker_that_died_while_idle_is_replaced_before_use() -> None:
    with WorkerPool(1) as pool:
        pool.warm()
        (pid,) = pool.pids()
        os.kill(pid, signal.SIGKILL)
        threading.Event().wait(0.2)
        out = pool.run(RunRequest(SMALL))
        assert out.ok and not out.crashed and out.worker_pid != pid
