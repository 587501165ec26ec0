"""`synoema run` of a cached program stays lean: counted in imported modules, never timed.

A user's `synoema run` starts a whole Python process; what it imports beyond bare Python is most of
its start-up. The second run of a program (prelude and program from the disk cache) must not load
the parser, the type checker, argparse, pickle, OpenSSL's hashlib, json, typing or re.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from synoema import cache
from synoema.compiled import GlobalFn
from synoema.diagnostics import Diagnostic, Span

HEAVY = {"argparse", "pickle", "hashlib", "_hashlib", "json", "typing", "re", "dataclasses", "inspect",
         "synoema.parser", "synoema.compiler", "synoema.types", "synoema.resolve"}

PROBE = """import runpy, sys
sys.argv = ["synoema", "run", sys.argv[1]]
try:
    runpy.run_module("synoema", run_name="__main__")
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def modules_of(args: list[str], env: dict[str, str]) -> tuple[str, set[str]]:
    out = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True, env=env, check=True)
    return out.stdout, set(out.stderr.split())


def test_a_cached_run_imports_nothing_heavy(tmp_path: Path) -> None:
    program = tmp_path / "p.sno"
    program.write_text("main = 42\n")
    env = {**os.environ, "SYNOEMA_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": os.pathsep.join(sys.path)}
    first, _ = modules_of([PROBE, str(program)], env)
    second, loaded = modules_of([PROBE, str(program)], env)
    _, bare = modules_of(["import sys; print(' '.join(sorted(sys.modules)), file=sys.stderr)"], env)
    assert first == second == "42\n"
    assert not (loaded - bare) & HEAVY, sorted((loaded - bare) & HEAVY)


def test_cache_entries_round_trip_records(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SYNOEMA_CACHE_DIR", str(tmp_path))
    diag = Diagnostic("type_mismatch", "no", Span(1, 2, 1, 5, 1, 4), notes=["a"], data={"k": [1, (2, 3)]})
    payload = {"code": compile("x = 1", "<t>", "exec"), "globals": {"f": GlobalFn("f", 2, "F_f", True)},
               "diagnostics": [diag], "spans": [[(Span(3, 1, 3, 2), "call", "f")]]}
    cache.store("entry", payload)
    got = cache.load("entry")
    assert got is not None
    assert got["globals"] == payload["globals"] and got["diagnostics"] == [diag]
    assert got["spans"] == payload["spans"] and type(got["spans"][0][0][0]) is Span
    assert got["code"].co_filename == "<t>"
    (tmp_path / "entry.bin").write_bytes(b"garbage")
    assert cache.load("entry") is None
