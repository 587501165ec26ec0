"""Terminal app responsiveness, measured the way a user feels it: in a real pseudo-terminal.

    python benchmarks/bench_tui.py [--runs N] [--keys N] [--rate TOKENS_PER_S] [--defs N]

1. Time to first paint: from starting `synoema-assistant` (the installed command, else the app
   module) to the first frame that shows the message input ready to type. Targets: < 500 ms.
2. Key-press-to-screen latency while a reply streams: the app answers with a model that streams
   endlessly (prose and ```sno blocks, so every fence is checked live), and we type into the
   input; each latency is from writing the key to the pty until the echoed text arrives in the
   terminal output. Target: < 50 ms.
3. Cancel latency: Esc while that reply streams; from writing Esc to the model's stream ending
   (the child notes the moment in a file) and to "cancelled" on the status bar. Target: < 200 ms.
4. A long explain: a program of 400 definitions pasted into the offline app, F2, Enter, until the
   answer's footer is on screen; beside it, the same answer from the CLI (`synoema-assistant explain
   FILE`, process start included) measured in the same run. Target: app within 1.5x the CLI.

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


STOP_FILE_ENV = "BENCH_TUI_STOP_FILE"  # where the streaming child writes when its stream ended


class StreamingBackend:
    """Streams `STREAM_TEXT` again and again, one word per token, at `rate` tokens per second."""

    name = "bench"
    model = "stream"

    def __init__(self, rate: float) -> None:
        self.delay = 1.0 / rate if rate > 0 else 0.01
        self.stop_file = os.environ.get(STOP_FILE_ENV)

    def info(self) -> object:
        from assistant.backends.base import BackendInfo

        return BackendInfo(self.name, self.model, 4096)

    def close(self) -> None:
        pass

    def stream(self, request: object, cancel: object | None = None) -> Iterator[str]:
        words = re.findall(r"\S+\s*|\s+", STREAM_TEXT)
        try:
            while cancel is None or not cancel.cancelled:  # type: ignore[attr-defined]
                for word in words:
                    if cancel is not None and cancel.cancelled:  # type: ignore[attr-defined]
                        return
                    time.sleep(self.delay)
                    yield word
        finally:
            if self.stop_file:
                Path(self.stop_file).write_text(repr(time.time()), encoding="utf-8")


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

    def wait_for(self, text: str, timeout: float, since: int = 0, *, pattern: bool = False) -> float:
        """Seconds (perf_counter) when `text` (a regular expression with `pattern`) first shows in the
        output after byte `since`."""
        deadline = time.perf_counter() + timeout
        needle = re.compile(text.encode() if pattern else re.escape(text.encode()))
        while time.perf_counter() < deadline:
            if needle.search(ANSI.sub(b"", self.raw[since:])):
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


def bench_typing(keys: int, rate: float) -> tuple[list[float], int, float, float]:
    """Typing while a reply streams, then Esc: (latencies, bytes streamed, stop s, 'cancelled' s)."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--child-stream", str(rate)]
    print(f"key-press-to-screen while a reply streams at ~{rate:.0f} tokens/s, {keys} keys; then Esc")
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        stop_file = Path(home) / "stopped"
        env = child_env(Path(home)) | {STOP_FILE_ENV: str(stop_file)}
        term = Terminal(argv, env)
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
            mark = len(term.raw)
            wall = time.time()
            pressed = time.perf_counter()
            term.write(b"\x1b")  # Esc cancels the reply
            shown = term.wait_for("cancelled", timeout=10, since=mark) - pressed
            deadline = time.perf_counter() + 10
            while not stop_file.exists() and time.perf_counter() < deadline:
                term.read(0.005)
            stopped = float(stop_file.read_text(encoding="utf-8")) - wall if stop_file.exists() else float("nan")
        finally:
            term.close()
    return latencies, streamed, stopped, shown


def big_program(definitions: int) -> str:
    lines = [f"f{i} x = x + {i}" for i in range(definitions)]
    return "\n".join([*lines, f"main = f{definitions - 1} (f0 1)"]) + "\n"


def bench_long_explain(definitions: int, runs: int) -> tuple[list[float], list[float]]:
    """The same explain in the app (paste, F2, Enter, answer on screen) and in the CLI."""
    program = big_program(definitions)
    argv, _ = app_command()
    print(f"explain of a {definitions}-definition program: app (offline) and CLI, {runs} runs each")
    app_times: list[float] = []
    cli_times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        env = child_env(Path(home))
        source = Path(home) / "big.sno"
        source.write_text(program, encoding="utf-8")
        cli = [sys.executable, "-m", "assistant.cli", "explain", str(source), "--no-history"]
        subprocess.run(cli, env=env, capture_output=True, check=True)  # fills the caches, as the app's start does
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(cli, env=env, capture_output=True, check=True)
            cli_times.append(time.perf_counter() - started)
        term = Terminal(argv, env)
        try:
            term.wait_for(READY_TEXT, timeout=60)
            term.wait_for("ready", timeout=60)
            for run in range(runs):
                term.write(b"\x1b[200~" + program.encode() + b"\x1b[201~")  # a bracketed paste
                term.wait_for(f"f{definitions - 1}", timeout=30)
                term.write(b"\x1bOQ")  # F2: explain
                time.sleep(0.3)
                mark = len(term.raw)
                started = time.perf_counter()
                term.write(b"\r")
                done = term.wait_for(r"offline · \d+\.\d s", timeout=120, since=mark, pattern=True)  # its footer
                app_times.append(done - started)
                print(f"  run {run + 1}: app {1000 * app_times[-1]:.0f} ms, CLI {1000 * cli_times[run]:.0f} ms")
                mark = len(term.raw)
                term.write(b"\x0e")  # Ctrl+N: a new conversation for the next run
                term.wait_for("Ask about Synoema", timeout=30, since=mark)
        finally:
            term.close()
    return app_times, cli_times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="app starts for the first-paint figure")
    parser.add_argument("--keys", type=int, default=60, help="keys typed while the reply streams")
    parser.add_argument("--rate", type=float, default=120.0, help="tokens per second of the streaming model")
    parser.add_argument("--defs", type=int, default=400, help="definitions in the long explain's program")
    parser.add_argument("--explain-runs", type=int, default=3, help="runs of the long explain, app and CLI")
    parser.add_argument("--child-stream", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_stream is not None:
        return child_streaming_app(args.child_stream)

    paints, cold = bench_first_paint(args.runs)
    latencies, streamed, stopped, shown = bench_typing(args.keys, args.rate)
    app_times, cli_times = bench_long_explain(args.defs, args.explain_runs)
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
    print(
        f"Esc to stop:          model stream ended after {1000 * stopped:.0f} ms, 'cancelled' on screen after "
        f"{1000 * shown:.0f} ms   (target < 200 ms)"
    )
    app, cli = statistics.median(app_times), statistics.median(cli_times)
    print(
        f"{args.defs}-definition explain: app median {1000 * app:.0f} ms vs CLI median {1000 * cli:.0f} ms "
        f"(the CLI's time includes starting Python): {app / cli:.2f}x   (target <= 1.5x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
