"""Guarded threads: language work on untrusted code under a deadline, a memory budget and its own depth.

Parsing, resolving, type checking, compiling and running are all deeply recursive, and all of them
see hostile input (pasted code, model output). `guarded(fn, ...)` runs `fn` in a fresh thread with a
large stack and a recursion limit of its own (CPython keeps one per thread; we raise only this
thread's, so the verdict on a program never depends on what else the process runs, and no other
thread loses its protection against runaway recursion). The calling thread watches the clock and the
process's resident memory and stops the work with an asynchronous exception (`TimeUp`, `MemoryOut`)
when a budget runs out. A thread that cannot be stopped (stuck inside one long C call) is abandoned
and reported as `stuck`; a worker process that sees one retires (see `synoema.sandbox`).

This is the in-process line of defence. The hard one is the sandbox worker process (rlimits, a
parent that kills on a deadline); both report the same `limit_exceeded` diagnostics.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

from ._record import record

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    import ctypes
    from collections.abc import Callable
    from typing import Any

# Bytes of (virtual, lazily committed) stack of every guarded thread. One size for all: glibc keeps a
# finished thread's stack for the next thread of the same size, so under an address-space cap (a
# sandbox worker) checking and running reuse one mapping instead of needing two.
RUN_STACK = 512 << 20
CHECK_STACK = RUN_STACK
CHECK_DEPTH = 60_000  # Python frames those stages may nest (hundreds of levels of source nesting)
POLL = 0.01  # seconds between the watchdog's looks at the clock and the memory
GIVE_UP = 1.0  # seconds a stopped thread may take to unwind before it is abandoned
RESEND = 0.05  # seconds between attempts to stop it


class Stop(BaseException):
    """Raised asynchronously in a guarded thread; a BaseException so that program code cannot catch it."""


class TimeUp(Stop):
    pass


class MemoryOut(Stop):
    pass


@record
class Guarded:
    """How a guarded call ended: its value, or the exception it raised, or why it was stopped."""

    value: Any = None
    error: BaseException | None = None
    stopped: str | None = None  # "time" or "memory" when the watchdog stopped it
    stuck: bool = False  # stopped, but still running (abandoned)
    duration: float = 0.0
    peak_growth: int = 0  # largest resident-memory growth the watchdog saw (bytes)


# ── per-thread recursion limits (CPython) ───────────────────────────────────────────────────


_capi: Any = None  # ctypes.pythonapi with the signatures used here, loaded on first need
_offset: int | None = None  # where (remaining, limit) sit in PyThreadState; -1 when not found
_offset_lock = threading.Lock()


def _c() -> Any:
    """ctypes, imported only when a thread limit or a stop is needed (not on every `synoema run`)."""
    global _capi
    import ctypes

    if _capi is None:
        api = ctypes.pythonapi
        api.PyThreadState_Get.restype = ctypes.c_void_p
        api.PyThreadState_SetAsyncExc.argtypes = (ctypes.c_ulong, ctypes.py_object)
        api.PyThreadState_SetAsyncExc.restype = ctypes.c_int
        _capi = api
    return ctypes


def _depth_fields() -> tuple[ctypes.c_int, ctypes.c_int] | None:
    off = _find_offset()
    if off < 0:
        return None
    ct = _c()
    base = _capi.PyThreadState_Get()
    return ct.c_int.from_address(base + off), ct.c_int.from_address(base + off + 4)


def _find_offset() -> int:
    """Locate the thread state's (recursion_remaining, recursion_limit) pair, once, and verify it.

    CPython 3.11 keeps both per thread (3.12 keeps `py_recursion_*` in the same shape); the pair is
    found by its values (the limit equals `sys.getrecursionlimit()`, the difference is the current
    depth and moves by exactly one per frame). Anything else disables the per-thread path.
    """
    global _offset
    if _offset is not None:
        return _offset
    with _offset_lock:
        if _offset is None:
            _offset = _probe_offset() if sys.implementation.name == "cpython" else -1
    return _offset


def _probe_offset() -> int:
    limit = sys.getrecursionlimit()
    ct = _c()

    def depths(off: int) -> tuple[int, int]:
        base = _capi.PyThreadState_Get()
        rem = ct.c_int.from_address(base + off).value
        lim = ct.c_int.from_address(base + off + 4).value
        return lim, lim - rem

    def nested(off: int, n: int) -> tuple[int, int]:
        return depths(off) if n == 0 else nested(off, n - 1)

    for off in range(16, 72, 4):
        try:
            lim, d0 = depths(off)
            if lim != limit or not 0 < d0 < limit:
                continue
            lim2, d1 = nested(off, 5)
            if lim2 == limit and d1 - d0 == 6 and _raise_works(off):  # nested(5..0): six frames
                return off
        except (ValueError, OSError):
            continue
    return -1


def _raise_works(off: int) -> bool:
    """In a scratch thread: raise its own limit, recurse past the global one, and see it hold."""
    ok: list[bool] = []
    need = sys.getrecursionlimit() + 500

    def deep(n: int) -> int:
        return 0 if n == 0 else deep(n - 1) + 1

    ct = _c()

    def probe() -> None:
        base = _capi.PyThreadState_Get()
        rem = ct.c_int.from_address(base + off)
        lim = ct.c_int.from_address(base + off + 4)
        used = lim.value - rem.value
        lim.value = need + 1000
        rem.value = need + 1000 - used
        try:
            ok.append(deep(need) == need)
        except RecursionError:
            ok.append(False)

    with _stack_lock:
        old = threading.stack_size()
        threading.stack_size(64 << 20)
        try:
            t = threading.Thread(target=probe, name="synoema-depth-probe", daemon=True)
            t.start()
        finally:
            threading.stack_size(old)
    t.join()
    return ok == [True]


def set_thread_depth(frames: int) -> bool:
    """Let the calling thread nest `frames` more Python frames than it has now, leaving others alone.

    Returns False where the interpreter offers no per-thread limit, and where no other thread could
    notice (the caller, waiting, and this one): the caller then raises the process-wide limit for the
    call, which costs nothing. Only ever raises this thread's limit above the process-wide one.
    """
    if threading.active_count() <= 2:
        return False  # `synoema run`: the main thread waits for this one; nothing else runs
    fields = _depth_fields()
    if fields is None:
        return False
    rem, lim = fields
    used = lim.value - rem.value
    target = max(used + frames, sys.getrecursionlimit())
    lim.value = target
    rem.value = target - used
    return True


_global_lock = threading.Lock()
_global_active: list[int] = []  # fallback: depth limits of guarded threads using the process-wide limit
_global_saved = [sys.getrecursionlimit()]


@contextlib.contextmanager
def _global_depth(frames: int):  # type: ignore[no-untyped-def]
    with _global_lock:
        _global_active.append(frames)
        if len(_global_active) == 1:
            _global_saved[0] = sys.getrecursionlimit()
        sys.setrecursionlimit(max(_global_saved[0], max(_global_active) + 200))
    try:
        yield
    finally:
        with _global_lock:
            _global_active.remove(frames)
            if not _global_active:
                sys.setrecursionlimit(_global_saved[0])


# ── memory ───────────────────────────────────────────────────────────────────────────────────


def rss() -> int:
    """Resident memory of this process in bytes (0 where /proc is unavailable)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def process_memory(pid: int | str = "self") -> tuple[int, int]:
    """(resident, peak resident) bytes of a process from /proc; (0, 0) where unavailable."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss, hwm


def reset_peak() -> None:
    """Start this process's peak-resident count again from now (Linux: /proc/self/clear_refs)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


# ── the guarded call ─────────────────────────────────────────────────────────────────────────

_stack_lock = threading.Lock()


class _Runner:
    """One long-lived guarded thread that runs the calls one after another (see `keep_one_thread`)."""

    def __init__(self, stack_size: int) -> None:
        import queue

        self.jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.busy = False
        self.abandoned = False
        with _stack_lock:
            old = threading.stack_size()
            threading.stack_size(stack_size)
            try:
                self.thread = threading.Thread(target=self._serve, name="synoema-runner", daemon=True)
                self.thread.start()
            finally:
                threading.stack_size(old)

    def _serve(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                job()
            except BaseException:  # a stop that landed between two jobs: nothing to stop
                self.busy = False


_runner: _Runner | None = None


def keep_one_thread(stack_size: int = RUN_STACK) -> None:
    """Run every guarded call of this process in one long-lived thread made now.

    For a sandbox worker: under an address-space cap a fresh thread per stage can fail to start
    (glibc may still hold the last thread's stack), and one made before the cap never needs to.
    """
    global _runner
    if _runner is None:
        _runner = _Runner(stack_size)


def has_runner() -> bool:
    return _runner is not None


def abandoned() -> bool:
    """Whether a guarded call had to be abandoned still running (this process should be retired)."""
    return _runner is not None and _runner.abandoned


def _async_raise(tid: int, exc: type[BaseException]) -> None:
    ct = _c()
    _capi.PyThreadState_SetAsyncExc(ct.c_ulong(tid), ct.py_object(exc))


def _drain() -> None:
    """Give an exception the watchdog sent this thread the chance to land, and drop it.

    (Clearing it with `PyThreadState_SetAsyncExc(id, NULL)` instead leaves CPython's eval breaker
    set for good: every thread runs slower from then on, and a thread with a profile hook hangs.)
    A loop's back edge checks for a pending exception, so the first turn receives it.
    """
    try:
        for _ in range(64):
            pass
    except Stop:
        pass


def guarded(
    fn: Callable[[], Any],
    *,
    timeout: float | None,
    max_memory: int | None,
    depth: int,
    stack_size: int = CHECK_STACK,
    name: str = "synoema-check",
) -> Guarded:
    """Call `fn()` in a guarded thread and wait for it; never raises what `fn` raises.

    `timeout` (seconds) and `max_memory` (bytes of resident growth of the process) may be None.
    `depth` is how many Python frames `fn` may nest.
    """
    out = Guarded()
    done = threading.Event()
    lock = threading.Lock()
    state = {"finished": False, "raised": False}

    def settle() -> None:
        # From here on the watchdog must not raise into this thread: mark it finished and let an
        # exception it may have sent a moment ago land here, so nothing lands in threading's own code.
        while True:
            try:
                with lock:
                    state["finished"] = True
                    pending = state["raised"]
                if pending:
                    _drain()
                return
            except Stop:
                continue

    def target() -> None:
        try:
            if set_thread_depth(depth):
                out.value = fn()
            else:
                with _global_depth(depth):
                    out.value = fn()
        except BaseException as e:  # everything comes back to the caller as a value
            out.error = e
        finally:
            while True:  # a stop can land on the way into `settle`: then settle again
                try:
                    settle()
                    break
                except Stop:
                    continue
            if runner is not None:
                runner.busy = False  # before the caller wakes: its next call may come at once
            done.set()

    runner = _runner
    if runner is not None and not runner.busy and not runner.abandoned:
        runner.busy = True
        thread = runner.thread
        runner.jobs.put(target)
    else:
        runner = None
        with _stack_lock:
            old = threading.stack_size()
            threading.stack_size(stack_size)
            try:
                thread = threading.Thread(target=target, name=name, daemon=True)
                thread.start()
            finally:
                threading.stack_size(old)
    start = time.perf_counter()
    base = rss() if max_memory else 0
    deadline = None if timeout is None else start + timeout
    while not done.wait(POLL if (deadline is not None or max_memory) else None):
        why: str | None = None
        if deadline is not None and time.perf_counter() > deadline:
            why = "time"
        elif max_memory:
            grown = rss() - base
            out.peak_growth = max(out.peak_growth, grown)
            if grown > max_memory:
                why = "memory"
        if why is None:
            continue
        # An exception that lands in a weakref callback or a __del__ is printed and dropped, so it
        # is sent again until the thread is gone; a thread stuck in C for GIVE_UP s is abandoned.
        give_up = time.perf_counter() + GIVE_UP
        while True:
            with lock:
                if state["finished"]:  # it finished on its own just now: its result stands
                    break
                out.stopped = why
                state["raised"] = True
                _async_raise(thread.ident or 0, TimeUp if why == "time" else MemoryOut)
            if done.wait(RESEND) or time.perf_counter() > give_up:
                break
        out.stuck = not done.wait(0)
        break
    out.duration = time.perf_counter() - start
    if out.stuck and runner is not None:
        runner.abandoned = True
    elif runner is None and not out.stuck:
        thread.join(GIVE_UP)
    if out.stopped is None and isinstance(out.error, MemoryError):
        out.stopped = "memory"
    return out
