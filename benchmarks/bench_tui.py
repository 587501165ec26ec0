"""Terminal app responsiveness, measured the way a user feels it: in a real pseudo-terminal.

    python benchmarks/bench_tui.py [--runs N] [--keys N] [--rate TOKENS_PER_S]

1. Time to first paint: from starting `synoema-assistant` (the installed command, else the app
   module) to the first frame that shows the message input ready to type. Targets: < 500 ms.
2. Key-press-to-screen latency while a reply streams: the app answers with a model that streams
   endlessly (prose and ```sno blocks, so every fence is checked live), and we type into the
   input; each latency is from writing the key to the pty until the echoed text arrives in the
   terminal output. Target: < 50 ms.

Everything runs in throw-away config/data dirs; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import random
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_TEXT = "Message (Enter sends"
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]")
COLS, ROWS = 120, 40

STREAM_TEXT = (
    "Folding a list walks it once and keeps a running value. "
    "Here the accumulator starts at zero and adds each element in turn:\n\n"
    "```sno\ntotal xs = foldl (\\acc x -> acc + x) 0 xs\nmain = total [1 2 3 4]\n```\n\n"
    "```output\n10\n```\n\n"
    "the same walk works for products maximum and minimum with another start value and step "
)


# --- the child: the app with an endlessly streaming model ------------------------------------------


class StreamingBackend:
    """Streams `STREAM_TEXT` again and again, one word per token, at `rate` tokens per second."""

    name = "bench"
    model = "stream"

    def __init__(self, rate: float) -> None:
        self.delay = 1.0 / rate if rate > 0 else 0.01

    def info(self) -> object:
        from assistant.backends.base import BackendInfo

        return BackendInfo(self.name, self.model, 4096)

    def close(self) -> None:
        pass

    def stream(self, request: object, cancel: object | None = None) -> Iterator[str]:
        words = re.findall(r"\S+\s*|\s+", STREAM_TEXT)
        while cancel is None or not cancel.cancelled:  # type: ignore[attr-defined]
            for word in words:
                if cancel is not None and cancel.cancelled:  # type: ignore[attr-defined]
                    return
                time.sleep(self.delay)
                yield word


def child_streaming_app(rate: float) -> int:
    sys.path.insert(0, str(ROOT))
    from assistant.app.main import SynoemaApp
    from assistant.config import Config
    from assistant.engine.core import Engine

    config = Config()
    backend = StreamingBackend(rate)
    app = SynoemaApp(config, engine_factory=lambda: Engine(config, backend=backend, history=False))
    app.run()
    return 0


# --- the parent: a pty, a clock, and a reader --------------------------------------------------------


class Terminal:
    """A child process on a pseudo-terminal of COLS x ROWS, with its output as plain text."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.master = master
        self.raw = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:
            return b""
        self.raw += data
        return data

    def wait_for(self, text: str, timeout: float, since: int = 0) -> float:
        """Seconds (perf_counter) when `text` first shows in the output after byte `since`."""
        deadline = time.perf_counter() + timeout
        needle = text.encode()
        while time.perf_counter() < deadline:
            if needle in ANSI.sub(b"", self.raw[since:]):
                return time.perf_counter()
            self.read(0.005)
        raise TimeoutError(f"{text!r} did not appear within {timeout} s")

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        try:
            self.write(b"\x11")  # ctrl+q
            deadline = time.perf_counter() + 5
            while self.proc.poll() is None and time.perf_counter() < deadline:
                self.read(0.05)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            os.close(self.master)


PYCACHE = Path(tempfile.gettempdir()) / "synoema-bench-pycache"


def child_env(home: Path, *, bytecode: bool = True) -> dict[str, str]:
    """A clean environment; `bytecode` lets Python cache compiled modules (outside the source tree),
    as an installed package normally has, even where PYTHONDONTWRITEBYTECODE is set."""
    dropped = ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE") if bytecode else ("COLUMNS", "LINES")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNOEMA_") and k not in dropped}
    if bytecode:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(
        TERM="xterm-256color",
        SYNOEMA_CONFIG_DIR=str(home / "config"),
        SYNOEMA_DATA_DIR=str(home / "data"),
        SYNOEMA_CACHE_DIR=str(home / "cache"),
        PYTHONPATH=str(ROOT),
    )
    return env


def app_command() -> tuple[list[str], str]:
    beside = Path(sys.executable).with_name("synoema-assistant")
    found = str(beside) if beside.exists() else shutil.which("synoema-assistant")
    if found:
        return [found], "synoema-assistant"
    code = "import sys; from assistant.app.main import run; from assistant.config import Config; sys.exit(run(Config(), problems=[]))"
    return [sys.executable, "-c", code], "python -c 'assistant.app.main.run'"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def first_paint(argv: list[str], *, bytecode: bool) -> float:
    with tempfile.TemporaryDirectory() as home:
        term = Terminal(argv, child_env(Path(home), bytecode=bytecode))
        try:
            return term.wait_for(READY_TEXT, timeout=30) - term.started
        finally:
            term.close()


def bench_first_paint(runs: int) -> tuple[list[float], float]:
    """Warm starts (compiled modules cached, the usual case) and one start compiling from source."""
    argv, label = app_command()
    print(f"first paint: {label}, {COLS}x{ROWS} pty, {runs} runs")
    first_paint(argv, bytecode=True)  # fills the bytecode cache
    times = []
    for run in range(runs):
        times.append(first_paint(argv, bytecode=True))
        print(f"  run {run + 1}: {1000 * times[-1]:.0f} ms")
    cold = first_paint(argv, bytecode=False)
    print(f"  without compiled-module cache: {1000 * cold:.0f} ms")
    return times, cold


def bench_typing(keys: int, rate: float) -> tuple[list[float], int]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child-stream", str(rate)]
    print(f"key-press-to-screen while a reply streams at ~{rate:.0f} tokens/s, {keys} keys")
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        term = Terminal(argv, child_env(Path(home)))
        try:
            term.wait_for(READY_TEXT, timeout=60)
            time.sleep(0.5)  # the engine starts in a worker after the first paint
            if rate > 0:
                term.write(b"explain folds\r")
                term.wait_for("Folding a list", timeout=30)
                term.wait_for("✓ runs", timeout=30)  # live checks are running too
            streamed_before = len(term.raw)
            rng = random.Random(7)
            alphabet = "QWERTYUIOPASDFGHJKLZXCVBNM"
            typed = ""
            for _ in range(keys):
                char = rng.choice([c for c in alphabet if c != (typed[-1:] or "-")])
                typed += char
                mark = len(term.raw)
                start = time.perf_counter()
                term.write(char.encode())
                seen = term.wait_for(typed[-4:], timeout=5, since=mark)
                latencies.append(seen - start)
                pause_until = time.perf_counter() + rng.uniform(0.03, 0.08)
                while time.perf_counter() < pause_until:
                    term.read(0.005)
            streamed = len(term.raw) - streamed_before
            term.write(b"\x1b")  # Esc cancels the reply
            time.sleep(0.3)
        finally:
            term.close()
    return latencies, streamed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="app starts for the first-paint figure")
    parser.add_argument("--keys", type=int, default=60, help="keys typed while the reply streams")
    parser.add_argument("--rate", type=float, default=120.0, help="tokens per second of the streaming model")
    parser.add_argument("--child-stream", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_stream is not None:
        return child_streaming_app(args.child_stream)

    paints, cold = bench_first_paint(args.runs)
    latencies, streamed = bench_typing(args.keys, args.rate)
    print()
    print(
        f"time to first paint:  median {1000 * statistics.median(paints):.0f} ms, "
        f"best {1000 * min(paints):.0f} ms, worst {1000 * max(paints):.0f} ms   (target < 500 ms; "
        f"{1000 * cold:.0f} ms compiling every module from source)"
    )
    print(
        f"key-press-to-screen:  median {1000 * statistics.median(latencies):.1f} ms, "
        f"p95 {1000 * percentile(latencies, 0.95):.1f} ms, worst {1000 * max(latencies):.1f} ms   "
        f"(target < 50 ms; {streamed // 1024} KiB of screen updates streamed meanwhile)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
