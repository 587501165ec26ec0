"""End to end: start the installed `synoema-assistant` in tmux, ask a question, read the answer off the screen.

This runs the real program in a real terminal (tmux), with the default offline engine and its own
config/data dirs, and only looks at what a user would see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

READY = "Message (Enter sends"


def installed_command() -> str | None:
    """`synoema-assistant` from this interpreter's environment, else from PATH."""
    beside = Path(sys.executable).with_name("synoema-assistant")
    if beside.exists():
        return str(beside)
    return shutil.which("synoema-assistant")


class Tmux:
    """One private tmux server (its own socket) running one window."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20, check=False
        )
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def wait_for(self, condition: Callable[[str], bool], timeout: float) -> str:
        deadline = time.monotonic() + timeout
        text = self.screen()
        while not condition(text):
            if time.monotonic() > deadline:
                size = self.run("display", "-p", "-t", "app", "#{window_width}x#{window_height}").strip()
                raise AssertionError(f"the screen ({size}) never showed what was expected; last screen:\n{text}")
            time.sleep(0.2)
            text = self.screen()
        return text


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    command = installed_command()
    if command is None:
        pytest.skip("synoema-assistant is not installed (pip install -e . puts it in the venv's bin)")
    server = Tmux(f"synoema-e2e-{os.getpid()}-{tmp_path.name}")
    env = {
        "SYNOEMA_CONFIG_DIR": str(tmp_path / "config"),
        "SYNOEMA_DATA_DIR": str(tmp_path / "data"),
        "SYNOEMA_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
    }
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    server.run(
        "new-session", "-d", "-s", "app", "-x", "120", "-y", "40",
        f"env -u COLUMNS -u LINES -u SYNOEMA_BACKEND -u SYNOEMA_MODEL_PATH {exports} {command}; sleep 60",
    )  # fmt: skip
    server.run("set-option", "-t", "app", "window-size", "manual")
    server.run("resize-window", "-t", "app", "-x", "120", "-y", "40")
    try:
        yield server
    finally:
        server.run("kill-server")


def answered(question: str) -> Callable[[str], bool]:
    """The whole answer is on screen: its text, its program's verdict and the footer's summary."""

    def done(screen: str) -> bool:
        if "Assistant ·" not in screen or question not in screen:
            return False
        answer = screen.split("Assistant ·", 1)[1]
        return "reverse" in answer and "✓ runs" in answer and "snippets check" in answer

    return done


def test_ask_a_question_and_read_the_answer(tmux: Tmux) -> None:
    """Every step waits for what the screen shows (timeouts are only bounds for a loaded machine)."""
    question = "How do I reverse a list?"
    tmux.wait_for(lambda s: READY in s and "ready" in s, timeout=120)
    tmux.run("send-keys", "-t", "app", "-l", question)
    tmux.wait_for(lambda s: question in s, timeout=60)  # echoed in the input before Enter is sent
    tmux.run("send-keys", "-t", "app", "Enter")
    screen = tmux.wait_for(answered(question), timeout=180)
    answer = screen.split("Assistant ·", 1)[1]
    assert "reverse" in answer
    assert "✓ runs" in answer  # the verdict row under the answer's program
    assert question in screen  # the question, and the history sidebar title
    tmux.run("send-keys", "-t", "app", "C-q")
    tmux.wait_for(lambda s: READY not in s, timeout=60)
