"""The hostile probes (tests/hostile/probes/*.sno), what each must end with, and the bounds.

Each probe is a program whose leading `--` comments say what must happen:

    -- expect: limit_exceeded          a diagnostic code (or `ok`), `|` between alternatives
    -- limit: memory|time              the limit that diagnostic names (its data["limit"])
    -- stage: types                    the stage it names (its data["stage"])
    -- timeout: 1                      the limits it runs under: seconds, MiB, bytes of output
    -- memory: 256
    -- output: 1048576
    -- forbid: root:x:0                text that must appear nowhere a user sees (repeatable)
    -- output-contains: 601            text the output must contain (when it runs)
    -- setup: symlink NAME TARGET      made in a copy of the folder: a symlink, or `fifo NAME`
    -- stdin: open                     `synoema run` gets a pipe that stays open and empty

The bounds every probe is held to, on every path (check, check_many, `synoema run --sandbox`,
the assistant's one-shot commands), are in `BOUNDS`.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from synoema.diagnostics import MAX_MESSAGE
from synoema.execute import Limits

FOLDER = Path(__file__).parent / "probes"
TIME_FACTOR = 1.5  # a probe ends within this many times its time limit ...
TIME_SLACK = 1.0  # ... plus this many seconds for a loaded 2-core CI machine
MEMORY_FACTOR = 1.1  # the worker's peak growth stays within this many times the memory limit
MEMORY_SLACK = 16 << 20
CALLER_GROWTH = 160 << 20  # the calling process's peak resident growth during one probe
NEVER = ("Traceback (most recent call last)", "MemoryError", "RecursionError", "SyntaxError:", "\x1b[")


@dataclass
class Probe:
    name: str
    source: str
    expect: tuple[str, ...]
    limit: tuple[str, ...] = ()
    stage: str | None = None
    timeout: float = 1.0
    memory: int = 256
    output: int = 1 << 20
    forbid: list[str] = field(default_factory=list)
    contains: list[str] = field(default_factory=list)
    setup: list[list[str]] = field(default_factory=list)
    stdin_open: bool = False

    @property
    def limits(self) -> Limits:
        return Limits(timeout=self.timeout, max_memory=self.memory << 20, max_output=self.output)

    def __repr__(self) -> str:
        return self.name


def load() -> list[Probe]:
    out = []
    for path in sorted(FOLDER.glob("*.sno")):
        source = path.read_text(encoding="utf-8")
        probe = Probe(path.stem, source, ())
        for line in source.split("\n"):
            if not line.startswith("-- ") or ":" not in line:
                if line.startswith("--"):
                    continue
                break
            key, _, value = line[3:].partition(":")
            value = value.strip()
            if key == "expect":
                probe.expect = tuple(value.split("|"))
            elif key == "limit":
                probe.limit = tuple(value.split("|"))
            elif key == "stage":
                probe.stage = value
            elif key in ("timeout",):
                probe.timeout = float(value)
            elif key in ("memory", "output"):
                setattr(probe, key, int(value))
            elif key == "forbid":
                probe.forbid.append(value)
            elif key == "output-contains":
                probe.contains.append(value)
            elif key == "setup":
                probe.setup.append(value.split())
            elif key == "stdin":
                probe.stdin_open = value == "open"
        assert probe.expect, f"{path.name} says nothing about what to expect"
        out.append(probe)
    return out


def materialise(into: Path) -> Path:
    """A copy of the probe folder with the setups made (symlinks out of it, FIFOs)."""
    target = into / "probes"
    shutil.copytree(FOLDER, target)
    for probe in load():
        for step in probe.setup:
            if step[0] == "symlink":
                os.symlink(step[2], target / step[1])
            elif step[0] == "fifo":
                os.mkfifo(target / step[1])
    return target


def codes_of(diagnostics: list[dict]) -> list[tuple[str, str, str]]:
    """(code, limit, stage) of each diagnostic as JSON."""
    return [(d.get("code", ""), str((d.get("data") or {}).get("limit", "")), str((d.get("data") or {}).get("stage", "")))
            for d in diagnostics]


def verdict_problems(probe: Probe, ok: bool, diagnostics: list[dict], shown: str) -> list[str]:
    """What is wrong with one path's outcome for `probe` (empty: it is right)."""
    problems: list[str] = []
    found = codes_of(diagnostics)
    errors = [c for c, d in zip(found, diagnostics) if d.get("severity", "error") == "error"]
    if ok and "ok" not in probe.expect and not any(c[0] in probe.expect for c in found):
        problems.append(f"ran fine, expected {probe.expect}")  # (check reports a refused capability as info)
    if not ok:
        wanted = [c for c in found if c[0] in probe.expect]
        if not wanted:
            problems.append(f"expected {probe.expect}, got {[c[0] for c in errors] or found}")
        elif probe.limit and wanted[0][0] == "limit_exceeded" and wanted[0][1] not in probe.limit:
            problems.append(f"expected a {probe.limit} limit, got {wanted[0][1]!r}")
        elif probe.stage and wanted[0][0] == "limit_exceeded" and wanted[0][2] != probe.stage:
            problems.append(f"expected the {probe.stage} stage, got {wanted[0][2]!r}")
    for text in [*NEVER, *probe.forbid]:
        if text in shown:
            problems.append(f"{text!r} reached the user")
    for d in diagnostics:
        if len(d.get("message", "")) > MAX_MESSAGE + 60:
            problems.append(f"a {len(d['message'])}-character message")
    if ok:
        for text in probe.contains:
            if text not in shown:
                problems.append(f"the output lacks {text!r}")
    return problems


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
