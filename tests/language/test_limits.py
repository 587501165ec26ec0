"""Hostile programs end within their limits with `limit_exceeded`, and the host keeps working."""

from __future__ import annotations

import os

from synoema.api import run_source
from synoema.execute import Limits

QUICK = Limits(timeout=2.0)


def code(src: str, limits: Limits = QUICK, **kw) -> str:
    r = run_source(src, limits=limits, **kw)
    assert r.exit_code == 1 and r.stdout == ""
    return r.errors[0].code


def test_infinite_tail_loop_hits_the_time_limit() -> None:
    assert code("loop n = loop (n + 1)\nmain = loop 0\n", Limits(timeout=0.5)) == "limit_exceeded"


def test_infinite_recursion_hits_the_depth_limit() -> None:
    r = run_source("f n = 1 + f (n + 1)\nmain = f 0\n", limits=Limits(timeout=20.0, max_depth=50_000))
    d = r.errors[0]
    assert d.code == "limit_exceeded" and "recursion" in d.message


def test_deep_non_tail_recursion_runs() -> None:
    r = run_source("sumto 0 = 0\nsumto n = n + sumto (n - 1)\nmain = sumto 100000\n", limits=Limits(timeout=30.0))
    assert r.stdout == "5000050000\n", [d.short() for d in r.diagnostics]


def test_million_step_tail_loop_runs() -> None:
    r = run_source("go n acc = ? n == 0 -> acc : go (n - 1) (acc + 1)\nmain = go 1000000 0\n",
                   limits=Limits(timeout=30.0))
    assert r.stdout == "1000000\n"


def test_huge_range_and_huge_output() -> None:
    assert code("main = length [1..1000000000]\n") == "limit_exceeded"
    src = "spam n = ? n == 0 -> 0 : (print \"xxxxxxxxxxxxxxxxxxxx\" ; spam (n - 1))\nmain = spam 100000\n"
    assert code(src, Limits(timeout=10.0, max_output=10_000)) == "limit_exceeded"


def test_files_and_environment_are_refused_unless_allowed(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret")
    src = f'main = file_read "{secret}"\n'
    assert code(src) == "permission_denied"
    assert run_source(src, allow_io=True).stdout == "s3cret\n"
    os.environ["SYNOEMA_TEST_VAR"] = "v"
    assert code('main = env "SYNOEMA_TEST_VAR"\n') == "permission_denied"


def test_host_still_runs_programs_after_limits() -> None:
    code("loop n = loop (n + 1)\nmain = loop 0\n", Limits(timeout=0.3))
    assert run_source("main = 1 + 1\n").stdout == "2\n"
