"""`synoema check --json [--run --stdin --expect]` and `synoema fix [--write]`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from synoema.cli import main


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_check_json_without_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, "ok.sno", "sq x = x * x\nmain = sq 3\n")
    assert main(["check", str(p), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["status"] == "types" and data["stages"]["run"] == "skipped"
    assert {"name": "main", "type": "Int"} in data["signatures"] and data["diagnostics"] == []


def test_check_json_with_run_and_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, "echo.sno", 'main =\n  w <- readline\n  "got " ++ w\n')
    stdin = write(tmp_path, "in.txt", "word\n")
    assert main(["check", str(p), "--json", "--run", "--stdin", str(stdin)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "runs" and data["stdout"] == "got word\n" and data["value"] == "got word"


def test_check_expect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, "three.sno", "main = 1 + 2\n")
    good, bad = write(tmp_path, "good.out", "3\n"), write(tmp_path, "bad.out", "4\n")
    assert main(["check", str(p), "--json", "--expect", str(good)]) == 0
    assert json.loads(capsys.readouterr().out)["matched"] is True
    assert main(["check", str(p), "--json", "--expect", str(bad)]) == 1
    assert json.loads(capsys.readouterr().out)["matched"] is False
    assert main(["check", str(p), "--expect", str(tmp_path / "missing.out")]) == 2


def test_check_human_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, "bad.sno", "main = [1, 2]\n")
    assert main(["check", str(p)]) == 1
    err = capsys.readouterr().err
    assert "bad.sno:1:10" in err and "unexpected_token" in err
    q = write(tmp_path, "run.sno", 'main =\n  print "hi"\n  7\n')
    assert main(["check", str(q), "--run"]) == 0
    assert capsys.readouterr().out == "main : Int\nhi\n7\n"


def test_fix_prints_the_repaired_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, "b.sno", "main = [1, 2]\n")
    assert main(["fix", str(p)]) == 0
    out = capsys.readouterr()
    assert out.out == "main = [1 2]\n"
    assert "b.sno:1:8: list_commas: lists use spaces" in out.err and "`[1, 2]` -> `[1 2]`" in out.err
    assert p.read_text(encoding="utf-8") == "main = [1, 2]\n"


def test_fix_write_is_atomic_and_keeps_permissions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, "w.sno", "f x = if x then 1 else 2\nmain = f true\n")
    os.chmod(p, 0o640)
    assert main(["fix", str(p), "--write"]) == 0
    assert p.read_text(encoding="utf-8") == "f x = ? x -> 1 : 2\nmain = f true\n"
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640
    assert sorted(x.name for x in tmp_path.iterdir()) == ["w.sno"]
    assert "1 edit written" in capsys.readouterr().err
    assert main(["fix", str(p), "--write"]) == 0
    assert "nothing to fix" in capsys.readouterr().err


def test_fix_reports_what_it_cannot_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, "x.sno", "main = mystery 3\n")
    assert main(["fix", str(p), "--write"]) == 1
    err = capsys.readouterr().err
    assert "no automatic fix found" in err and "unbound_variable" in err
    assert p.read_text(encoding="utf-8") == "main = mystery 3\n"


def test_fix_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "-", "--write"]) == 2
    assert main(["fix", str(tmp_path / "nope.sno")]) == 2
    assert "--write needs a file" in capsys.readouterr().err
