"""Task spec files: the versioned, human-readable tasks the model generators work from.

A task file is TOML (`version = 1` and one `[[task]]` table per task) or JSONL (one task object
per line). Both hold the same fields: `id`, `category`, `tags`, `prompt` (plain English that says
what `main` prints), `expected_output` (exactly what `synoema run` prints, with the final `()` line
when `main` ends with a `print`), and optionally `stdin`, `family` (tasks of one family share a
split; default: the id) and `solution` (a reference program). Terse tasks carry an explicit call
example in the prompt. The shipped files live next to this module in `tasks/`; users pass their
own with `--tasks FILE`.
"""

from __future__ import annotations

import json
import random
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from synoema.durable import read_jsonl, write_atomic

from .schema import CATEGORIES, CorpusError, Task

TASK_FILE_VERSION = 1
SHIPPED_DIR = Path(__file__).parent / "tasks"
_FIELDS = {"id", "category", "tags", "prompt", "expected_output", "stdin", "family", "solution"}


def shipped_task_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.toml"))


def _task(data: dict[str, Any], where: str) -> Task:
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise CorpusError(f"{where}: unknown field(s) {', '.join(unknown)}; a task has {', '.join(sorted(_FIELDS))}")
    for key in ("id", "category", "prompt", "expected_output"):
        if not isinstance(data.get(key), str) or (key != "expected_output" and not data[key].strip()):
            raise CorpusError(f"{where}: `{key}` must be a non-empty string")
    if data["category"] not in CATEGORIES:
        raise CorpusError(f"{where}: category {data['category']!r} is not one of {', '.join(CATEGORIES)}")
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise CorpusError(f"{where}: `tags` must be a list of strings")
    for key in ("stdin", "family", "solution"):
        if key in data and not isinstance(data[key], str):
            raise CorpusError(f"{where}: `{key}` must be a string")
    expected = data["expected_output"]
    if expected and not expected.endswith("\n"):
        expected += "\n"  # what `synoema run` prints always ends with a newline
    return Task(
        id=data["id"],
        category=data["category"],
        prompt=data["prompt"].strip(),
        expected_output=expected,
        tags=tuple(tags),
        stdin=data.get("stdin", ""),
        family=data.get("family", ""),
        solution=data.get("solution"),
        source_file=where.split(":")[0],
    )


def load_task_file(path: str | Path) -> list[Task]:
    """The tasks of one TOML or JSONL file, validated; a clear `CorpusError` on any problem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"cannot read the task file {p}: {exc.strerror or exc}") from None
    tasks: list[Task] = []
    if p.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CorpusError(f"{p}: not valid TOML ({exc})") from None
        version = data.get("version", TASK_FILE_VERSION)
        if version != TASK_FILE_VERSION:
            raise CorpusError(f"{p}: task file version {version} is not supported (this build reads version {TASK_FILE_VERSION})")
        rows = data.get("task", [])
        if not isinstance(rows, list):
            raise CorpusError(f"{p}: tasks go in [[task]] tables")
        for i, row in enumerate(rows, start=1):
            tasks.append(_task(row, f"{p}: task {i}"))
    else:
        contents = read_jsonl(p, missing_ok=False)
        if contents.problems():
            raise CorpusError(f"{p}: " + "; ".join(contents.problems()))
        for i, row in enumerate(contents.records, start=1):
            tasks.append(_task(row, f"{p}: line {i}"))
    seen: set[str] = set()
    for t in tasks:
        if t.id in seen:
            raise CorpusError(f"{p}: the task id {t.id!r} appears twice")
        seen.add(t.id)
    return tasks


def load_tasks(paths: Sequence[str | Path] = ()) -> list[Task]:
    """Tasks from `paths`, or the shipped task files when none are given; ids must be unique."""
    files = [Path(p) for p in paths] or shipped_task_files()
    if not files:
        raise CorpusError("no task files: pass --tasks FILE")
    out: list[Task] = []
    where: dict[str, Path] = {}
    for f in files:
        for t in load_task_file(f):
            if t.id in where:
                raise CorpusError(f"the task id {t.id!r} is in both {where[t.id]} and {f}")
            where[t.id] = f
            out.append(t)
    return out


# ── tasks from the synth families ───────────────────────────────────────────────────────────


def synth_tasks(per_family: int, seed: int = 0, categories: Iterable[str] = CATEGORIES) -> list[Task]:
    """`per_family` tasks from every synth family, with the family's program as `solution`."""
    from .families import by_category

    wanted = set(categories)
    out: list[Task] = []
    for category, fams in by_category().items():
        if category not in wanted:
            continue
        for fam in fams:
            for i in range(per_family):
                s = fam.sample(random.Random(f"synoema-corpus-task:{seed}:{fam.name}:{i}"))
                out.append(Task(f"{fam.name}-{i + 1:03d}", category, s.prompt, s.expected_output, s.tags, s.stdin, fam.name, s.source))
    return out


def write_task_file(path: str | Path, tasks: Sequence[Task]) -> Path:
    """Write tasks as TOML (by the `.toml` suffix; multi-line strings stay readable) or JSONL."""
    p = Path(path)
    if p.suffix == ".toml":
        import tomlkit

        doc = tomlkit.document()
        doc.add(tomlkit.comment("Synoema corpus tasks: see the README's \"Task files\" section for the fields."))
        doc["version"] = TASK_FILE_VERSION
        rows = tomlkit.aot()
        for t in tasks:
            table = tomlkit.table()
            for key, value in t.as_dict().items():
                if isinstance(value, str) and "\n" in value:
                    value = tomlkit.string(value, multiline=True)
                table[key] = value
            rows.append(table)
        doc["task"] = rows
        return write_atomic(p, tomlkit.dumps(doc))
    return write_atomic(p, "".join(json.dumps(t.as_dict(), ensure_ascii=False) + "\n" for t in tasks))
