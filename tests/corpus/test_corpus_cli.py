"""`synoema-corpus` commands: stats (table, JSON, PNG), export, split, tasks, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_support import run_cli

from assistant.knowledge import load_prompts
from corpus import load_programs
from corpus.features import REQUIRED
from corpus.tasks import load_task_file, shipped_task_files
from synoema.durable import read_jsonl
from synoema.fences import program_block


def test_stats_json_table_and_picture(corpus_copy: Path) -> None:
    done = run_cli("stats", str(corpus_copy), "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["accepted"] == 400 and stats["validation_pass_rate"] == 1.0
    assert set(stats["categories"]) == {"fundamentals", "data_structures", "abstractions", "applications", "string_ops"}
    assert all(abs(c["share_error"]) < 0.05 for c in stats["categories"].values())
    assert stats["near_duplicates"]["rate"] < 0.01 and stats["near_duplicates"]["exact"] == 0
    assert set(REQUIRED) <= set(stats["features"])
    assert stats["families"] > 100 and stats["shapes"] > 300
    assert (corpus_copy / "stats.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = run_cli("stats", str(corpus_copy), "--no-png", "--no-diversity")
    assert table.returncode == 0 and "Feature coverage" in table.stdout and "Categories" in table.stdout


def test_export_messages_is_the_apps_write_conversation(corpus_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "train.jsonl"
    done = run_cli("export", str(corpus_copy), "--format", "messages", "--out", str(out), "--split", "train")
    assert done.returncode == 0, done.stderr
    rows = read_jsonl(out).records
    records = {r.id: r for r in load_programs(corpus_copy, split="train")}
    assert len(rows) == len(records)
    system = load_prompts().kinds["write"].system
    for row in rows:
        rec = records[row["id"]]
        sys_m, user, assistant = row["messages"]
        assert (sys_m["role"], sys_m["content"]) == ("system", system)
        assert (user["role"], user["content"]) == ("user", rec.prompt)
        assert assistant["role"] == "assistant"
        assert assistant["content"].endswith(program_block(rec.source, rec.expected_output))
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("json", data_files=str(out), split="train")
    assert len(ds) == len(rows) and ds[0]["messages"][0]["role"] == "system"


def test_export_completion(corpus_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert run_cli("export", str(corpus_copy), "--format", "completion", "--out", str(out)).returncode == 0
    rows = read_jsonl(out).records
    assert len(rows) == 400 and all(set(r) == {"id", "category", "split", "prompt", "completion"} for r in rows)
    assert all("```sno\n" in r["completion"] and "```output\n" in r["completion"] for r in rows)


def test_split_by_family(corpus_copy: Path) -> None:
    done = run_cli("split", str(corpus_copy), "--ratios", "0.7", "0.15", "0.15")
    assert done.returncode == 0, done.stderr
    parts = {s: read_jsonl(corpus_copy / f"{s}.jsonl").records for s in ("train", "validation", "test")}
    assert sum(len(p) for p in parts.values()) == 400
    fams = {s: {r["family"] for r in rows} for s, rows in parts.items()}
    assert not fams["test"] & fams["train"] and not fams["validation"] & fams["train"] and not fams["test"] & fams["validation"]
    cats = {r["category"] for r in parts["test"]}
    assert len(cats) == 5  # every category has test families
    manifest = json.loads((corpus_copy / "build.json").read_text())
    assert manifest["splits"]["ratios"] == [0.7, 0.15, 0.15]
    assert {r.split for r in load_programs(corpus_copy, split="test")} == {"test"}


def test_tasks_command_and_shipped_task_files(tmp_path: Path) -> None:
    out = tmp_path / "tasks.toml"
    done = run_cli("tasks", "--out", str(out), "--per-family", "1", "--category", "string_ops")
    assert done.returncode == 0, done.stderr
    tasks = load_task_file(out)
    assert len(tasks) >= 25 and all(t.category == "string_ops" and t.solution and t.expected_output.endswith("\n") for t in tasks)
    shipped = [t for f in shipped_task_files() for t in load_task_file(f)]
    assert {t.category for t in shipped} == {"fundamentals", "data_structures", "abstractions", "applications", "string_ops"}
    assert len({t.id for t in shipped}) == len(shipped) >= 250


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    missing = run_cli("stats", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and "is not a folder" in missing.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\n[[task]]\nid = "x"\ncategory = "cooking"\nprompt = "p"\nexpected_output = "1"\n')
    done = run_cli("build", "--out", str(tmp_path / "o"), "--generator", "openai", "--base-url", "http://127.0.0.1:9", "--tasks", str(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "bad.toml: task 1: category 'cooking'" in done.stderr
    nourl = run_cli("build", "--out", str(tmp_path / "o"), "--generator", "openai")
    assert nourl.returncode == 2 and "--base-url" in nourl.stderr
