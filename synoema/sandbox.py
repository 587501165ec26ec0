"""A pool of worker processes that run untrusted Synoema programs under hard limits.

Why processes: the in-process watchdog of `synoema.execute` stops ordinary runaway programs, but a
program stuck inside one long C-level operation, or one that exhausts the interpreter, would take the
host (the assistant, a corpus validator) down with it. Each worker is started once (a fresh interpreter,
like multiprocessing's "spawn", but through subprocess so the host's `__main__` is never re-run in it),
warmed up, and reused; it runs with resource limits (address space, CPU time,
open files, file size, no core dumps), an empty environment and a private working directory, and the
language's capabilities for files, network, processes and environment switched off unless a request
allows them. The parent enforces a hard wall-time deadline (the worker says when it moves from
parsing to type checking to running, so the verdict names the stage): a worker that does not answer
in time is killed and replaced, as is one that dies; the outcome then says `limit_exceeded` or `crashed` (with the signal
that killed it: nothing is guessed) and the pool keeps serving.

A worker's private directory lives under `tempfile.gettempdir()`; the worker removes it when it
exits and also watches its parent, so it goes away (directory included) when the parent is killed.

Nothing here is imported by `import synoema`; the pool starts on its first use.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Literal

from .diagnostics import Diagnostic, cap_text, capped_all
from .execute import (
    STAGE_WORDS,
    Limits,
    LineReader,
    memory_diagnostic,
    stage_limit_diagnostic,
    timeout_diagnostic,
)
from .guard import RUN_STACK, abandoned, has_runner, keep_one_thread, process_memory, reset_peak

if TYPE_CHECKING:
    from .check import CheckReport

RunKind = Literal["program", "expression", "check"]

STARTUP_TIMEOUT = 60.0  # seconds a fresh worker may take to import and warm up
STACK_RESERVE = RUN_STACK + (16 << 20)  # address space for a run thread made per request (no runner thread)
AS_HEADROOM = 8 << 20  # address space beyond the memory limit (plus 2% of it): interpreter bookkeeping
MAX_FILE_SIZE = 16 << 20  # largest file a worker may write (only reachable with allow_io)
MAX_OPEN_FILES = 64
RETIRE_AFTER = 2000  # requests served before a worker is recycled (bounds slow leaks)
PARENT_POLL = 0.5  # seconds between a worker's checks that its parent is still alive
SWOLLEN = 96 << 20  # resident growth over its start after which a worker is replaced


def default_grace(timeout: float) -> float:
    """Seconds the parent waits past a stage's deadline before it kills the worker: the worker's own
    guard stops the program at the deadline, this is only the backstop: 40% of the limit (at least
    0.1 s), so that a killed worker's verdict still comes back within 1.5x the limit."""
    return max(0.1, 0.4 * timeout)


@dataclass(frozen=True)
class RunRequest:
    """One program (or bare expression, or whole check) to run in a worker.

    `kind="check"` runs `synoema.check.check` in the worker (parsing and type checking included) and
    returns its report in `RunOutcome.report`; `run` and `expect_output` are its options.
    `stdin_stream` reads the worker's own standard input lazily (what `synoema run` uses; the
    worker must have been started with `stdin=` the caller's) instead of `stdin`.
    """

    source: str
    kind: RunKind = "program"
    filename: str | None = None
    stdin: str = ""
    allow_io: bool = False
    limits: Limits = field(default_factory=Limits)
    args: tuple[str, ...] = ()
    imports: str = "confined"
    run: bool = True
    expect_output: str | None = None
    stdin_stream: bool = False
    use_disk_cache: bool = False


@dataclass
class RunOutcome:
    """What a worker reports, or what the parent concluded when the worker did not answer."""

    stdout: str = ""
    output: str = ""
    value: str | None = None
    exit_code: int = 1
    diagnostics: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    limit_exceeded: bool = False
    crashed: bool = False
    worker_pid: int | None = None
    isolated: bool = False  # ran in a worker process (not in the caller's process)
    report: CheckReport | None = None  # for a "check" request, the worker's whole report
    stage: str | None = None  # the stage the worker was in when it stopped answering
    peak_memory: int = 0  # the worker's peak resident growth during the request, in bytes (0: unknown)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


# ── the worker process ───────────────────────────────────────────────────────────────────────


def _set_limit(which: int, soft: int, hard: int | None = None) -> None:
    import resource

    try:
        _, cur_hard = resource.getrlimit(which)
        new_hard = cur_hard if hard is None else hard
        if cur_hard != resource.RLIM_INFINITY and (new_hard == resource.RLIM_INFINITY or new_hard > cur_hard):
            new_hard = cur_hard
        if new_hard != resource.RLIM_INFINITY and (soft == resource.RLIM_INFINITY or soft > new_hard):
            soft = new_hard
        resource.setrlimit(which, (soft, new_hard))
    except (ValueError, OSError):
        pass  # a limit this platform does not support: the parent's deadline still holds


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def _harden_process(workdir: str | None, keep_env: bool) -> None:
    """Once per worker: no environment, its private directory, no core dumps, few files."""
    if not keep_env:
        keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "LC_CTYPE", "TZ")}
        os.environ.clear()
        os.environ.update(keep)
    if workdir:
        with contextlib.suppress(OSError):
            os.chdir(workdir)
    try:
        import resource
    except ImportError:  # not a POSIX system: only the parent's deadline applies
        return
    _set_limit(resource.RLIMIT_CORE, 0, 0)
    _set_limit(resource.RLIMIT_NOFILE, MAX_OPEN_FILES, MAX_OPEN_FILES)
    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing too much fails instead of killing
    _set_limit(resource.RLIMIT_FSIZE, MAX_FILE_SIZE, MAX_FILE_SIZE)


def _limit_request(limits: Limits) -> None:
    """Before each request: a CPU budget and an address-space cap sized for this request.

    The cap is the address space in use now (the worker's one guarded thread and its stack are
    already mapped), the memory limit and a small headroom, so the heap can grow by the limit and
    hardly more; the guard's resident-memory watch stops slower growth (the stack of a deep
    recursion) at the limit itself.
    """
    try:
        import resource
    except ImportError:
        return
    if limits.timeout is not None:
        budget = math.ceil(_cpu_seconds() + limits.timeout * 2 + 2)
        _set_limit(resource.RLIMIT_CPU, budget)
    else:
        _set_limit(resource.RLIMIT_CPU, resource.RLIM_INFINITY)
    if limits.max_memory is not None:
        reserve = 0 if has_runner() else STACK_RESERVE
        headroom = AS_HEADROOM + limits.max_memory // 50
        _set_limit(resource.RLIMIT_AS, _vm_size() + reserve + limits.max_memory + headroom)
    else:
        _set_limit(resource.RLIMIT_AS, resource.RLIM_INFINITY)


def _execute(req: RunRequest) -> RunOutcome:
    from . import api

    if req.kind == "check":
        return _execute_check(req)
    stdin: Any = LineReader(0) if req.stdin_stream else req.stdin
    if req.kind == "expression":
        result = api.eval_source(req.source, limits=req.limits, allow_io=req.allow_io, stdin=req.stdin)
    else:
        result = api.run_source(req.source, filename=req.filename, stdin=stdin, allow_io=req.allow_io,
                                limits=req.limits, args=req.args, imports=req.imports,  # type: ignore[arg-type]
                                use_disk_cache=req.use_disk_cache)
    out = RunOutcome(
        stdout=result.stdout,
        output=result.output,
        value=result.value,
        exit_code=result.exit_code,
        diagnostics=capped_all(list(result.diagnostics)),
        timings=dict(result.timings),
        worker_pid=os.getpid(),
    )
    cap_output(out, req.limits)
    timeout = req.limits.timeout
    if out.exit_code == 0 and timeout is not None and out.timings.get("run", 0.0) > timeout:
        # the watchdog's stop can land while the program is unwinding and look like success
        out.exit_code, out.stdout, out.value = 1, "", None
        out.diagnostics.append(timeout_diagnostic(req.limits))
    out.limit_exceeded = any(d.code == "limit_exceeded" for d in out.diagnostics)
    return out


def _execute_check(req: RunRequest) -> RunOutcome:
    from .check import check

    report = check(req.source, filename=req.filename, run=req.run, stdin=req.stdin,
                   expect_output=req.expect_output, limits=req.limits, isolate=False, allow_io=req.allow_io)
    report.diagnostics = capped_all(report.diagnostics)
    return RunOutcome(stdout=report.stdout, output=report.output, value=report.value,
                      exit_code=0 if report.ok else 1, diagnostics=list(report.diagnostics),
                      timings=dict(report.timings), limit_exceeded=report.limit_exceeded,
                      crashed=report.crashed, worker_pid=os.getpid(), report=report)


def cap_output(out: RunOutcome, limits: Limits) -> None:
    """Bound what travels back: main's displayed value is not covered by the runtime's print cap."""
    cap = limits.max_output
    if len(out.stdout) <= cap and (out.value is None or len(out.value) <= cap) and len(out.output) <= cap:
        return
    out.stdout = cap_text(out.stdout, cap)
    out.output = cap_text(out.output, cap)
    if out.value is not None and len(out.value) > cap:
        out.value = cap_text(out.value, cap)
    out.exit_code = 1
    out.diagnostics.append(Diagnostic(
        "limit_exceeded",
        f"the program's output is longer than {cap} characters",
        None,
        llm_hint="Print a summary (a length, a few elements with take) instead of the whole value.",
        fixability="easy",
        data={"limit": "output"},
    ))


def _stray_run_thread() -> bool:
    """A run the watchdog could not stop (stuck in one long C-level step) poisons the worker."""
    return abandoned() or any(t.name in ("synoema-run", "synoema-check") and t.is_alive()
                              for t in threading.enumerate())


def _warm_up() -> None:
    from . import api

    api.load_prelude()
    api.run_source('main =\n  print (show [1 2] ++ "x")\n  length (filter (\\n -> n > 1) [1 2 3])\n')
    api.eval_source("1 + 2")
    api.run_source("main = x\n")  # the diagnostic paths (hints, did-you-mean)
    api.run_source('main = file_read "x"\n')
    from .check import check

    check("f x = x + 1\n", isolate=False)


def _one_malloc_arena() -> None:
    """glibc gives each new thread a malloc arena of its own, reserving 64-128 MiB of address space
    that the address-space cap would count as memory; one shared arena keeps the cap honest (a
    spawned worker also gets MALLOC_ARENA_MAX=1; a forked one needs it said here)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None)  # this process's own symbols: libc among them
        libc.mallopt(-8, 1)  # M_ARENA_MAX


def _remove_workdir(workdir: str | None) -> None:
    if workdir and os.path.basename(workdir).startswith("synoema-worker-"):
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


def _watch_parent(parent: int, workdir: str | None) -> None:
    """A worker whose parent died (killed, crashed) removes its directory and exits, even mid-run."""

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL)
            if os.getppid() != parent:
                _remove_workdir(workdir)
                os._exit(0)

    threading.Thread(target=watch, name="synoema-parent-watch", daemon=True).start()


def _boot(fd: int, workdir: str = "", parent: int = 0, flags: str = "") -> None:
    """Entry point of a worker process (see `_Worker`)."""
    worker_main(Connection(fd), workdir or None, parent or os.getppid(), warm="cold" not in flags,
                keep_env="env" in flags)


def worker_main(conn: Connection, workdir: str | None = None, parent: int | None = None, *, warm: bool = True,
                keep_env: bool = False) -> None:
    """Warm up, harden, then serve requests until told to stop or the parent goes away."""
    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _one_malloc_arena()
    if parent:
        _watch_parent(parent, workdir)
    try:
        try:
            keep_one_thread()  # before any address-space cap: see `synoema.guard.keep_one_thread`
            if warm:
                _warm_up()
            _harden_process(workdir, keep_env)
            conn.send(("ready", os.getpid(), os.getcwd()))
        except Exception as e:  # a worker that cannot start says why instead of dying silently
            with contextlib.suppress(Exception):
                conn.send(("failed", f"{type(e).__name__}: {e}"))
            return
        _serve(conn)
    finally:
        _remove_workdir(workdir)


def _serve(conn: Connection) -> None:
    from . import api

    def stage(name: str) -> None:
        with contextlib.suppress(Exception):
            conn.send(("stage", name))

    api.STAGE_HOOK = stage
    served = 0
    ready_rss = process_memory()[0]
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        _limit_request(req.limits)
        reset_peak()
        base = process_memory()[0]
        try:
            out = _execute(req)
        except MemoryError:
            out = RunOutcome(diagnostics=[memory_diagnostic(req.limits)], limit_exceeded=True,
                             worker_pid=os.getpid())
        except Exception as e:
            out = RunOutcome(diagnostics=[Diagnostic("runtime_error", cap_text(f"internal error in the sandbox: {e}"))],
                             crashed=True, worker_pid=os.getpid())
        out.peak_memory = max(process_memory()[1] - base, 0)
        if out.report is not None:
            out.report.peak_memory = out.peak_memory
        served += 1
        # a worker whose heap stayed swollen (a run near its memory cap, fragmentation) is replaced
        retire = _stray_run_thread() or served >= RETIRE_AFTER or process_memory()[0] > ready_rss + SWOLLEN
        try:
            conn.send(("done", out, retire))
        except MemoryError:
            conn.send(("done", RunOutcome(diagnostics=[memory_diagnostic(req.limits)], limit_exceeded=True), True))
        except (OSError, ValueError):
            return
        if retire:
            return


# ── the parent side ──────────────────────────────────────────────────────────────────────────


def _package_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


_BOOT = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from synoema.sandbox import _boot; _boot(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4])"
)


class _Worker:
    """One worker process, started like multiprocessing's "spawn" (a fresh interpreter) but with
    subprocess, so that the host's `__main__` (a TUI, a script without a main guard) is never
    re-executed in the worker; requests travel as pickles over a socket pair.

    Its private directory is made here, under `tempfile.gettempdir()` (so TMPDIR is honoured), and
    removed when the worker goes, by whichever of the two outlives the other.
    `stdin` (a file descriptor) is the worker's standard input; `own_dir=False` and `keep_env=True`
    keep the caller's directory and environment (`synoema run` without `--sandbox`).
    """

    def __init__(self, *, stdin: int | None = None, warm: bool = True, own_dir: bool = True,
                 keep_env: bool = False) -> None:
        import socket
        import subprocess
        import tempfile

        self.workdir: str | None = tempfile.mkdtemp(prefix="synoema-worker-") if own_dir else None
        env = dict(os.environ)
        env["MALLOC_ARENA_MAX"] = "1"  # one malloc arena: threads reserve no address space of their own
        flags = ("cold," if not warm else "") + ("env" if keep_env else "")
        parent, child = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _BOOT.format(root=_package_root()), str(child.fileno()),
                 self.workdir or "", str(os.getpid()), flags or "-"],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL if stdin is None else stdin,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # the terminal's Ctrl-C is the host's business
                close_fds=True,
                env=env,
            )
        except BaseException:
            parent.close()
            child.close()
            self._clean()
            raise
        child.close()
        self.conn = Connection(parent.detach())
        self.ready = False
        self.failure: str | None = None
        self.killed = False  # the parent killed it (a deadline), as opposed to dying on its own

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def _clean(self) -> None:
        _remove_workdir(self.workdir)
        self.workdir = None

    @property
    def exitcode(self) -> int | None:
        return self.process.poll()

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> bool:
        if self.ready:
            return True
        try:
            if not self.conn.poll(timeout):
                self.failure = "the worker did not start in time"
                return False
            msg = self.conn.recv()
        except (EOFError, OSError):
            self.failure = f"the worker exited while starting (exit status {self.process.poll()})"
            return False
        if msg[0] == "ready":
            self.ready = True
            return True
        self.failure = str(msg[1]) if len(msg) > 1 else "the worker failed to start"
        return False

    def alive(self) -> bool:
        return self.process.poll() is None

    def join(self, timeout: float) -> None:
        with contextlib.suppress(Exception):
            self.process.wait(timeout)

    def kill(self) -> None:
        if self.alive():
            self.killed = True
        with contextlib.suppress(Exception):
            self.process.kill()
        self.join(2.0)
        with contextlib.suppress(Exception):
            self.conn.close()
        self._clean()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.join(1.0)
        if self.process.poll() is None:
            self.kill()
        else:
            with contextlib.suppress(Exception):
                self.conn.close()
            self._clean()

    def exchange(self, req: RunRequest, grace: float | None = None) -> RunOutcome:
        """Send `req`, wait for the answer under a deadline per stage, and say truthfully how it ended.

        The worker's own guard ends the request at `req.limits.timeout` (all stages together); the
        worker is killed if it has not answered a grace later. It reports each stage it enters, so
        the verdict names the stage it was in. Never raises for anything the worker or the program does.
        """
        started = time.perf_counter()
        if req.limits.deadline is not None:  # a deadline is this process's clock: the worker keeps its own
            req = replace(req, limits=req.limits.replace(deadline=None))  # pyright: ignore[reportAttributeAccessIssue]
        base = process_memory(self.pid or 0)[0]
        try:
            self.conn.send(req)
        except (OSError, ValueError, EOFError):
            return _crashed("the worker died before the run", self.pid)
        timeout = req.limits.timeout
        pad = default_grace(timeout or 0.0) if grace is None else grace
        stage = "check" if req.kind == "check" else "run"
        end = None if timeout is None else started + timeout + pad
        while True:
            wait = None if end is None else max(end - time.perf_counter(), 0.0)
            try:
                if not self.conn.poll(wait):
                    peak = process_memory(self.pid or 0)[1]  # the worker reset its peak at the start
                    self.kill()
                    out = _timed_out(req, self.pid, stage, time.perf_counter() - started)
                    out.peak_memory = max(peak - base, 0)
                    return out
                msg = self.conn.recv()
            except (EOFError, OSError):
                return _died(self, req, stage, time.perf_counter() - started)
            if msg[0] == "stage":
                stage = str(msg[1])
                continue
            _, outcome, retire = msg
            outcome.timings["roundtrip"] = time.perf_counter() - started
            outcome.retire = retire  # type: ignore[attr-defined]
            return outcome


class _ForkedProcess:
    """The part of `subprocess.Popen` a `_Worker` uses, for a child made with `os.fork`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(ChildProcessError):
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid == self.pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                import subprocess

                raise subprocess.TimeoutExpired("worker", timeout or 0.0)
            time.sleep(0.005)
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


class _ForkedWorker(_Worker):
    """A worker forked from this process: no interpreter start-up and nothing to import again, for a
    one-shot command (`synoema run --sandbox`) whose process has no threads yet. Same protocol, limits
    and hardening as a spawned worker; its standard input is this process's."""

    def __init__(self, *, own_dir: bool = True, keep_env: bool = False) -> None:
        import socket
        import tempfile

        self.workdir = tempfile.mkdtemp(prefix="synoema-worker-") if own_dir else None
        parent, child = socket.socketpair()
        me = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: serve, then leave without running the parent's cleanup
            code = 0
            try:
                parent.close()
                worker_main(Connection(child.detach()), self.workdir, me, warm=False, keep_env=keep_env)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        child.close()
        self.process = _ForkedProcess(pid)  # type: ignore[assignment]
        self.conn = Connection(parent.detach())
        self.ready = False
        self.failure = None
        self.killed = False


def _died(worker: _Worker, req: RunRequest, stage: str, elapsed: float) -> RunOutcome:
    """The worker's connection broke: say why it died, from its exit status, without guessing."""
    worker.join(1.0)
    code = worker.exitcode
    timings = {"roundtrip": elapsed}
    sigxcpu = getattr(signal, "SIGXCPU", None)
    if code is not None and sigxcpu is not None and code == -sigxcpu:
        diag = Diagnostic("limit_exceeded", "the program used more CPU time than allowed", None,
                          llm_hint="Check for a loop that never reaches its base case.", fixability="medium",
                          data={"limit": "cpu", "stage": stage})
        return RunOutcome(diagnostics=[diag], limit_exceeded=True, worker_pid=worker.pid, timings=timings,
                          stage=stage)
    if code is None:
        how = "it stopped answering"
    elif code >= 0:
        how = f"exit status {code}"
    else:
        how = f"killed by {_signal_name(-code)}"
        if -code == signal.SIGKILL:
            how += " from outside the sandbox (another process, or the system running out of memory)"
        elif -code == getattr(signal, "SIGSEGV", -1):
            how += " (most likely a stack overflow)"
    out = _crashed(f"the sandbox worker died while {STAGE_WORDS.get(stage, stage)} the program ({how})",
                   worker.pid, elapsed)
    out.stage = stage
    return out


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


def _crashed(message: str, pid: int | None, elapsed: float = 0.0) -> RunOutcome:
    diag = Diagnostic("runtime_error", message, None, fixability="hard",
                      llm_hint="The program exhausted the interpreter; look for unbounded recursion or data.",
                      data={"crashed": True})
    return RunOutcome(diagnostics=[diag], crashed=True, worker_pid=pid, timings={"roundtrip": elapsed})


def _timed_out(req: RunRequest, pid: int | None, stage: str, elapsed: float) -> RunOutcome:
    limits = req.limits
    if stage == "run":
        diag = timeout_diagnostic(limits)
    else:
        diag = stage_limit_diagnostic(stage, "time", limits)
    diag.data["killed"] = True
    return RunOutcome(diagnostics=[diag], limit_exceeded=True, worker_pid=pid, timings={"roundtrip": elapsed},
                      stage=stage)


@dataclass
class PoolStats:
    started: int = 0
    replaced: int = 0
    requests: int = 0
    timeouts: int = 0
    crashes: int = 0


class SandboxUnavailable(RuntimeError):
    """Worker processes cannot be started here (no multiprocessing, or they die at start-up)."""


class WorkerPool:
    """A fixed-size set of reusable worker processes; thread-safe, one request per worker at a time."""

    def __init__(self, size: int = 2, *, grace: float | None = None) -> None:
        self.size = max(1, size)
        self.grace = grace
        self.stats = PoolStats()
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._count = 0
        self._closed = False
        self._start_failures = 0
        self._all: set[_Worker] = set()

    # -- sizing ------------------------------------------------------------------------------

    def ensure(self, size: int) -> None:
        """Grow the pool to at least `size` workers (started lazily)."""
        with self._lock:
            self.size = max(self.size, size)

    def warm(self, count: int | None = None) -> None:
        """Start workers now instead of on first use (a UI may call this while idle)."""
        started: list[_Worker] = []
        for _ in range(min(count or self.size, self.size)):
            w = self._take(block=False)
            if w is None:
                break
            started.append(w)
        for w in started:
            w.wait_ready()
            self._give(w)

    @property
    def workers(self) -> int:
        return self._count

    def pids(self) -> list[int]:
        """Process ids of the live workers (busy or idle)."""
        with self._lock:
            return sorted(w.pid for w in self._all if w.pid is not None and w.alive())

    # -- running -----------------------------------------------------------------------------

    def run(self, req: RunRequest) -> RunOutcome:
        """Run one request in a worker; never raises for anything the program does."""
        if self._closed:
            raise SandboxUnavailable("the pool is closed")
        worker = self._take(block=True)
        assert worker is not None
        self.stats.requests += 1
        keep = False
        try:
            if not worker.wait_ready():
                self._start_failures += 1
                failure = worker.failure or "the worker failed to start"
                if self._start_failures >= 3:
                    raise SandboxUnavailable(failure)
                self.stats.crashes += 1
                return _crashed(f"the sandbox could not start a worker: {failure}", None)
            self._start_failures = 0
            outcome = worker.exchange(req, self.grace)
            keep = not getattr(outcome, "retire", True) and worker.alive()
            if outcome.crashed:
                self.stats.crashes += 1
            elif outcome.limit_exceeded and outcome.diagnostics and (
                    outcome.diagnostics[0].data.get("killed") or outcome.diagnostics[0].data.get("limit") == "cpu"):
                self.stats.timeouts += 1
            return outcome
        finally:
            if keep:
                self._give(worker)
            else:
                worker.kill()
                with self._lock:
                    self._all.discard(worker)
                self._replace()

    # -- worker bookkeeping ------------------------------------------------------------------

    def _take(self, block: bool) -> _Worker | None:
        """An idle live worker, a new one while the pool is below its size, or (blocking) the next free one."""
        waited = False
        while True:
            try:
                w = self._idle.get(timeout=0.5) if waited else self._idle.get_nowait()
            except queue.Empty:
                w = None
            if w is not None:
                if not w.alive():  # died while idle (the kernel's OOM killer, a signal)
                    w.kill()
                    with self._lock:
                        self._count -= 1
                        self._all.discard(w)
                    waited = False
                    continue
                return w
            with self._lock:
                can_start = self._count < self.size
                if can_start:
                    self._count += 1
            if can_start:
                try:
                    w = _Worker()
                except Exception as e:
                    with self._lock:
                        self._count -= 1
                    raise SandboxUnavailable(f"cannot start a sandbox worker: {e}") from e
                self.stats.started += 1
                with self._lock:
                    self._all.add(w)
                return w
            if not block:
                return None
            waited = True

    def _give(self, w: _Worker) -> None:
        if self._closed:
            w.stop()
            return
        self._idle.put(w)

    def _replace(self) -> None:
        with self._lock:
            self._count -= 1
        self.stats.replaced += 1
        if self._closed:
            return
        # start the replacement now so that it warms up while the caller reads the report
        w = self._take(block=False)
        if w is not None:
            self._give(w)

    def close(self) -> None:
        """Stop all idle workers; busy ones are stopped when they come back."""
        self._closed = True
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            w.stop()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ── the shared pool ──────────────────────────────────────────────────────────────────────────

_pool: WorkerPool | None = None
_pool_lock = threading.Lock()


def default_size() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def get_pool(min_size: int = 0) -> WorkerPool:
    """The process-wide pool, created on first use (and grown to `min_size` workers if asked)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool._closed:
            _pool = WorkerPool(max(default_size(), min_size))
            atexit.register(_pool.close)
        elif min_size > _pool.size:
            _pool.ensure(min_size)
        return _pool


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.close()
            _pool = None


def run_isolated(req: RunRequest) -> RunOutcome:
    """Run `req` in the shared pool."""
    return get_pool().run(req)
