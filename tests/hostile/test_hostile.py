"""The hostile-input suite: every probe in tests/hostile/probes through `check`, `check_many`,
`synoema run --sandbox` and the assistant's one-shot command, each held to its diagnostic and to the
bounds of `hostile_support` (time against its limit, the worker's memory against its limit, the
caller's own growth), with no traceback or file content reaching the user, and a normal check
working right after.

Time bounds carry a slack for a loaded CI machine; `benchmarks/bench_containment.py` prints the
exact overshoot ratios.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_support import (
    CALLER_GROWTH,
    MEMORY_FACTOR,
    MEMORY_SLACK,
    TIME_FACTOR,
    TIME_SLACK,
    Probe,
    dumps,
    load,
    materialise,
    verdict_problems,
)

from synoema.check import CheckReport, check, check_many
from synoema.guard import process_memory, reset_peak
from synoema.sandbox import get_pool

PROBES = load()
ASSISTANT_TIMEOUT = 2.0  # the offline engine's own limits (assistant.offline.program)
# Two CLI processes run at once beside the start-up baseline, on a 2-core machine other jobs share:
# a contained probe ends within seconds, an uncontained one would run into the 60 s subprocess
# timeout. The exact overshoot per probe is printed by benchmarks/bench_containment.py.
CLI_SLACK = 3.0
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return materialise(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module", autouse=True)
def warm_pool() -> Iterator[None]:
    get_pool(min_size=2).warm()
    yield


class Caller:
    """The calling process's peak resident growth over a block."""

    def __enter__(self) -> Caller:
        reset_peak()
        self.base = process_memory()[0]
        return self

    def __exit__(self, *exc: object) -> None:
        self.growth = max(process_memory()[1] - self.base, 0)


def still_checks() -> None:
    after = check("main = 40 + 2\n")
    assert after.stdout == "42\n", after.summary()


def report_problems(probe: Probe, report: CheckReport) -> list[str]:
    data = report.as_dict()
    shown = dumps(data)
    problems = verdict_problems(probe, report.ok, data["diagnostics"], shown)
    spent = report.timings.get("roundtrip", report.timings.get("total", 0.0))
    if spent > TIME_FACTOR * probe.timeout + TIME_SLACK:
        problems.append(f"took {spent:.2f} s")
    if report.peak_memory > MEMORY_FACTOR * (probe.memory << 20) + MEMORY_SLACK:
        problems.append(f"the worker grew by {report.peak_memory >> 20} MiB")
    if len(report.stdout) > probe.output + 100:
        problems.append(f"{len(report.stdout)} characters of output came back")
    return problems


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_check(probe: Probe, folder: Path) -> None:
    with Caller() as caller:
        report = check(probe.source, filename=str(folder / f"{probe.name}.sno"), limits=probe.limits)
    problems = report_problems(probe, report)
    if caller.growth > CALLER_GROWTH:
        problems.append(f"the caller grew by {caller.growth >> 20} MiB")
    assert not problems, (problems, report.summary())
    still_checks()


def test_check_many(folder: Path) -> None:
    items = [{"source": p.source, "filename": str(folder / f"{p.name}.sno"), "limits": p.limits} for p in PROBES]
    with Caller() as caller:
        reports = check_many(items, jobs=2)
    failures = {p.name: report_problems(p, r) for p, r in zip(PROBES, reports)}
    assert not {k: v for k, v in failures.items() if v}
    assert caller.growth < CALLER_GROWTH, caller.growth >> 20
    still_checks()


def _cli(args: list[str], stdin_open: bool = False) -> tuple[subprocess.CompletedProcess[str], float]:
    command = [sys.executable, "-m", "synoema.cli", "--errors", "json", *args]
    started = time.perf_counter()
    if stdin_open:  # a pipe nobody writes to or closes: `readline` waits, the time limit ends it
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as proc:
            out, err = proc.communicate(timeout=60)
        done = subprocess.CompletedProcess(command, proc.returncode, out, err)
    else:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    return done, time.perf_counter() - started


def _cli_args(probe: Probe, folder: Path) -> list[str]:
    return ["run", "--sandbox", "--timeout", str(probe.timeout), "--memory", str(probe.memory),
            "--max-output", str(probe.output), str(folder / f"{probe.name}.sno")]


@pytest.fixture(scope="module")
def cli_runs(folder: Path) -> dict[str, tuple[subprocess.CompletedProcess[str], float, float]]:
    """Every probe through `synoema run --sandbox`, two at a time: (result, seconds, start-up seconds).

    Start-up (interpreter, imports, loading the prelude, the fork) is what a trivial new program
    takes the same way, alongside."""
    from concurrent.futures import ThreadPoolExecutor

    def trivial(i: int) -> float:  # a program never run before, as the probes are (nothing cached)
        (folder / f"trivial{i}.sno").write_text(f"main = {time.time_ns() + i}\n")
        return _cli(_cli_args(Probe(f"trivial{i}", "", ("ok",)), folder))[1]

    with ThreadPoolExecutor(2) as pool:
        base = min(pool.map(trivial, range(2)))
        runs = dict(zip((p.name for p in PROBES),
                        pool.map(lambda p: _cli(_cli_args(p, folder), p.stdin_open), PROBES)))
    return {name: (done, elapsed, base) for name, (done, elapsed) in runs.items()}


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_synoema_run_sandbox(probe: Probe, cli_runs: dict[str, tuple[subprocess.CompletedProcess[str], float, float]]) -> None:
    done, elapsed, start_up = cli_runs[probe.name]
    diagnostics = json.loads(done.stderr) if done.stderr.strip().startswith("[") else []
    problems = verdict_problems(probe, done.returncode == 0, diagnostics, done.stdout + done.stderr)
    if done.returncode not in (0, 1):
        problems.append(f"exit status {done.returncode}: {done.stderr[-300:]}")
    if done.stderr.strip() and not diagnostics:
        problems.append(f"stderr is not diagnostics: {done.stderr[-300:]}")
    if elapsed - start_up > TIME_FACTOR * probe.timeout + CLI_SLACK:
        problems.append(f"took {elapsed:.2f} s (start-up {start_up:.2f} s)")
    assert not problems, problems


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_assistant_explain(probe: Probe, folder: Path, user_dirs: dict[str, Path],
                           capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    path = folder / f"{probe.name}.sno"
    if probe.stdin_open or not path.is_file():
        pytest.skip("the one-shot commands read a file, not a program's stdin")
    started = time.perf_counter()
    with Caller() as caller:
        status = main(["explain", str(path), "--json", "--no-history"])
    elapsed = time.perf_counter() - started
    out = capsys.readouterr()
    reply = json.loads(out.out)
    shown = out.out + out.err
    problems = [p for p in verdict_problems(probe, True, [], shown) if "ran fine" not in p]
    if "ok" not in probe.expect and not any(code in reply["text"] for code in probe.expect):
        problems.append(f"the answer does not name {probe.expect}")
    if status not in (0, 1) or reply["error"]:
        problems.append(f"status {status}, error {reply['error']}")
    if elapsed > TIME_FACTOR * ASSISTANT_TIMEOUT * 2 + TIME_SLACK * 2:  # checking here, then the run
        problems.append(f"took {elapsed:.2f} s")
    if caller.growth > CALLER_GROWTH:
        problems.append(f"the caller grew by {caller.growth >> 20} MiB")
    assert not problems, problems
    still_checks()
