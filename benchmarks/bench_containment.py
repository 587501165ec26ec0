"""Containment benchmark: how closely hostile programs are held to their limits, on every path.

Prints, in one run, for each probe of tests/hostile/probes:
- `check` (sandbox worker): seconds, seconds / time limit, the worker's peak resident growth / memory
  limit, and the calling process's own peak growth;
- `synoema run --sandbox`: seconds beyond the start-up of a trivial program run the same way
  (the baseline, measured here), / time limit;
- `check(isolate=False)` (in-process, guarded threads only): seconds / time limit and this
  process's growth, for comparison with the in-process watchdog alone.
Then memory precision: programs that grow until stopped, under limits of 128, 256 and 512 MiB,
the worker's peak growth as a fraction of the limit.

    python benchmarks/bench_containment.py [--only NAME ...] [--skip-cli]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from hostile_support import Probe, load, materialise  # noqa: E402

from synoema.check import check  # noqa: E402
from synoema.execute import Limits  # noqa: E402
from synoema.guard import process_memory, reset_peak  # noqa: E402
from synoema.sandbox import get_pool  # noqa: E402

MIB = 1 << 20
GROWERS = {
    "list": "grow xs = grow (xs ++ xs)\nmain = length (grow [1 2 3 4 5 6 7 8])\n",
    "string": 'dbl s = dbl (s ++ s)\nmain = length (dbl "0123456789abcdef")\n',
    "range": "go n acc = go (n + 1) (n : acc)\nmain = length (go 0 [])\n",
    "deep": "deep n = 1 + deep (n + 1)\nmain = deep 0\n",
}


def caller_growth(fn):  # type: ignore[no-untyped-def]
    reset_peak()
    base = process_memory()[0]
    value = fn()
    return value, max(process_memory()[1] - base, 0)


def trivial(folder: Path, i: int) -> Path:
    """A program never run before (not in the compiled-program cache), as the probes are."""
    path = folder / f"trivial{i}.sno"
    path.write_text(f"main = {time.time_ns() + i}\n")
    return path


def cli(path: Path, probe: Probe) -> float:
    command = [sys.executable, "-m", "synoema.cli", "--errors", "json", "run", "--sandbox", "--timeout",
               str(probe.timeout), "--memory", str(probe.memory), "--max-output", str(probe.output), str(path)]
    started = time.perf_counter()
    if probe.stdin_open:
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) as proc:
            proc.wait(120)
    else:
        subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="probe names")
    parser.add_argument("--skip-cli", action="store_true")
    ns = parser.parse_args()
    probes = [p for p in load() if not ns.only or p.name in ns.only]
    get_pool(min_size=1).warm()
    with tempfile.TemporaryDirectory() as tmp:
        folder = materialise(Path(tmp))
        base = min(cli(trivial(folder, i), Probe("trivial", "", ("ok",))) for i in range(3)) if not ns.skip_cli else 0.0
        print(f"baseline: `synoema run --sandbox` of a new `main = N` takes {base:.2f} s (start-up and checking "
              "the prelude, subtracted below)")
        print(f"{'probe':24} {'limit':>6} | {'check s':>7} {'x lim':>5} {'mem/lim':>7} {'caller':>7} | "
              f"{'cli s':>6} {'x lim':>5} | {'inproc s':>8} {'x lim':>5} {'grew':>6}  verdict")
        worst = {"check": 0.0, "cli": 0.0, "mem": 0.0, "caller": 0}
        for probe in probes:
            path = folder / f"{probe.name}.sno"
            report, grew = caller_growth(lambda p=probe, f=path: check(p.source, filename=str(f), limits=p.limits))
            spent = report.timings.get("roundtrip", report.timings.get("total", 0.0))
            mem = report.peak_memory / (probe.memory * MIB)
            cli_s = max(cli(path, probe) - base, 0.0) if not ns.skip_cli else 0.0
            started = time.perf_counter()
            _, local_grew = caller_growth(lambda p=probe, f=path: check(p.source, filename=str(f), limits=p.limits,
                                                                           isolate=False))
            local_s = time.perf_counter() - started
            first = report.first_error
            verdict = first.code + (f"/{first.data.get('limit')}" if first and first.data.get("limit") else "") \
                if first else report.status
            print(f"{probe.name:24} {probe.timeout:5g}s | {spent:7.2f} {spent / probe.timeout:5.2f} {mem:7.2f} "
                  f"{grew / MIB:6.0f}M | {cli_s:6.2f} {cli_s / probe.timeout:5.2f} | {local_s:8.2f} "
                  f"{local_s / probe.timeout:5.2f} {local_grew / MIB:5.0f}M  {verdict}")
            if probe.timeout <= 1:  # the limit probes (the others have a generous limit on purpose)
                worst["check"] = max(worst["check"], spent / probe.timeout)
                worst["cli"] = max(worst["cli"], cli_s / probe.timeout)
            worst["mem"] = max(worst["mem"], mem)
            worst["caller"] = max(worst["caller"], grew)
        print(f"worst: check {worst['check']:.2f}x its time limit, synoema run --sandbox {worst['cli']:.2f}x, "
              f"worker memory {worst['mem']:.2f}x its limit, caller growth {worst['caller'] / MIB:.0f} MiB")
    print("\nmemory precision (worker's peak resident growth / limit):")
    for name, source in GROWERS.items():
        cells = []
        for mib in (128, 256, 512):
            report = check(source, limits=Limits(timeout=20.0, max_memory=mib * MIB))
            first = report.first_error
            why = first.data.get("limit") if first else "none"
            cells.append(f"{mib:4d} MiB: {report.peak_memory / (mib * MIB):4.2f} ({why})")
        print(f"  {name:7} " + "   ".join(cells))


if __name__ == "__main__":
    main()
