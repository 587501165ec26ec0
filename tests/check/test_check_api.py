"""`synoema.check` and `check_many`: shapes, stages, verdicts, outputs, positions, batches."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import synoema
from synoema.check import CheckReport, check, check_many, same_output
from synoema.execute import Limits


def test_program_runs_in_a_worker() -> None:
    r = check("sq x = x * x\nmain = sq 7\n")
    assert r.shape == "program"
    assert r.stages == {"parse": "passed", "types": "passed", "run": "passed"}
    assert r.status == "runs" and r.ok
    assert r.stdout == "49\n" and r.value == "49" and r.output == ""
    assert dict(r.signatures)["main"] == "Int" and "sq" in dict(r.signatures) and r.value_type == "Int"
    assert r.isolated
    assert {"check", "run", "total"} <= set(r.timings)


def test_in_process_run_gives_the_same_report() -> None:
    src = 'main =\n  print "a"\n  "b"\n'
    isolated, local = check(src), check(src, isolate=False)
    assert (isolated.stdout, isolated.output, isolated.value) == (local.stdout, local.output, local.value) == (
        "a\nb\n", "a\n", "b")
    assert not local.isolated


def test_definitions_are_checked_but_not_run() -> None:
    r = check("double x = x * 2\ntriple x = x * 3\n")
    assert r.shape == "definitions"
    assert r.stages["run"] == "skipped" and r.status == "types" and r.ok
    assert [n for n, _ in r.signatures] == ["double", "triple"]
    assert "no main" in r.summary()


def test_expression_is_evaluated() -> None:
    r = check("map (\\x -> x * 2) [1 2 3]")
    assert r.shape == "expression" and r.ok
    assert r.value == "[2 4 6]" and r.stdout == "[2 4 6]\n"
    assert r.value_type == "List Int"


def test_multiline_expression() -> None:
    r = check("[1 2 3]\n  |> map (\\x -> x + 1)\n  |> sum\n")
    assert r.shape == "expression" and r.value == "9"


def test_expression_error_points_into_the_expression() -> None:
    expr = 'length 3 + str_len "a"'
    r = check(expr)
    assert r.shape == "expression" and r.stages["types"] == "failed" and r.status == "parses"
    d = r.first_error
    assert d is not None and d.span is not None
    assert d.span.line == 1 and 0 <= d.span.offset < len(expr)
    assert expr[d.span.offset:d.span.end_offset] == "3"
    assert d.span.col == d.span.offset + 1


def test_parse_failure() -> None:
    r = check("f x = x +\nmain = f 1\n")
    assert r.stages == {"parse": "failed", "types": "skipped", "run": "skipped"}
    assert r.status == "fails" and not r.ok
    assert r.errors and r.summary().startswith("does not parse")


def test_type_failure_keeps_signatures_of_good_definitions() -> None:
    r = check('ok x = x + 1\nbad = 1 + "a"\nmain = ok 1\n')
    assert r.stages["parse"] == "passed" and r.stages["types"] == "failed" and r.stages["run"] == "skipped"
    assert r.status == "parses"
    assert r.first_error is not None and r.first_error.code == "type_mismatch"


def test_runtime_failure() -> None:
    r = check("main = head []\n")
    assert r.stages["run"] == "failed" and r.status == "types"
    assert not r.crashed and not r.limit_exceeded
    assert r.first_error is not None and r.first_error.code == "runtime_error"


def test_run_false_skips_the_run() -> None:
    r = check("main = 1\n", run=False)
    assert r.stages["run"] == "skipped" and r.ok and r.stdout == ""


def test_expected_output() -> None:
    assert check("main = 3\n", expect_output="3").matched is True
    assert check("main = 3\n", expect_output="3\r\n\n").matched is True
    wrong = check("main = 3\n", expect_output="4\n")
    assert wrong.matched is False and not wrong.ok and wrong.status == "runs"
    assert "differs" in wrong.summary()
    assert check("main = head []\n", expect_output="1").matched is False
    assert check("f x = x\n", expect_output="1").matched is None


def test_same_output_rules() -> None:
    assert same_output("a \nb\n", "a\nb")
    assert not same_output("a\nb\n", "a\n\nb\n")


def test_stdin_reaches_the_program() -> None:
    r = check('main =\n  name <- readline\n  "hi " ++ name\n', stdin="Ada\n")
    assert r.value == "hi Ada"


def test_capabilities_are_refused() -> None:
    r = check('main = file_read "/etc/hostname"\n')
    # valid code the sandbox will not run: it type-checks, the run is skipped with a note, not an error
    assert r.stages["run"] == "skipped" and r.status == "types" and r.ok
    assert [d.code for d in r.diagnostics] == ["permission_denied"] and r.diagnostics[0].severity == "info"
    assert r.stdout == ""


def test_report_serialises() -> None:
    r = check("main = [1 2]\n")
    data = json.loads(json.dumps(r.as_dict()))
    assert data["status"] == "runs" and data["stdout"] == "[1 2]\n" and data["stages"]["run"] == "passed"
    assert data["signatures"] == [{"name": "main", "type": "List Int"}]


@pytest.mark.parametrize("source", ["", "   \n", "\x00\x01", "(" * 3000 + "1" + ")" * 3000, "main = " + "[" * 2000,
                                    "\udcff", "main = \"unterminated\n", "= = =", "```sno\nmain = 1\n```"])
def test_never_raises(source: str) -> None:
    r = check(source, limits=Limits(timeout=2.0))
    assert isinstance(r, CheckReport)
    assert r.status in ("runs", "types", "parses", "fails")


def test_check_many_keeps_order_and_reports_progress() -> None:
    items: list = [f"main = {i} * 2\n" for i in range(12)]
    items.append({"source": "main = readline\n", "stdin": "typed\n", "expect_output": "typed"})
    items.append({"source": "main = 1 +\n"})
    seen: list[tuple[int, int]] = []
    reports = check_many(items, jobs=2, progress=lambda done, total, rep: seen.append((done, total)))
    assert [r.value for r in reports[:12]] == [str(i * 2) for i in range(12)]
    assert reports[12].matched is True
    assert reports[13].status == "fails"
    assert sorted(d for d, _ in seen) == list(range(1, 15)) and {t for _, t in seen} == {14}


def test_check_many_options() -> None:
    assert check_many([]) == []
    reports = check_many(["main = 1\n", "main = 2\n"], jobs=1, run=False)
    assert all(r.stages["run"] == "skipped" for r in reports)
    with pytest.raises(TypeError):
        check_many(["main = 1\n"], colour=True)
    broken_callback = check_many(["main = 1\n"], progress=lambda *a: 1 / 0)
    assert broken_callback[0].ok


def test_package_exports_and_lazy_import() -> None:
    from synoema import check as exported
    from synoema import repair as exported_repair

    # whether the name is the function or the module (once imported), calling it checks
    assert exported("main = 2\n").value == "2"
    assert synoema.check("1 + 1", run=False).value_type == "Int"
    assert synoema.check_many is check_many
    assert exported_repair("main = [1, 2]\n").source == "main = [1 2]\n"
    assert synoema.repair("main = [1, 2]\n").ok
    code = ("import sys, synoema; print('synoema.api' in sys.modules, 'synoema.sandbox' in sys.modules, "
            "'synoema.check' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "False", "False"]


def test_oversized_sources_are_refused_not_parsed() -> None:
    from synoema.check import MAX_SOURCE
    from synoema.repair import repair

    r = check("x = 1\n" * (MAX_SOURCE // 6 + 10))
    assert r.status == "fails" and r.first_error is not None and r.first_error.data["limit"] == "source"
    fixed = repair("x = [1, 2]\n" * 20000)
    assert not fixed.changed and any(d.data.get("limit") == "source" for d in fixed.diagnostics)
