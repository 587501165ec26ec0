"""Task sets: one JSONL format for every set, loaded and validated in one place.

A task is a prompt, the exact output its program must print, and a reference solution that prints
it. The built-in sets (`standard`, `fifty`) live in `evaluation/tasks/`; any file in the same
format can be given instead (`--tasks FILE`). The format is documented in `tasks/FORMAT.md`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATEGORIES: tuple[str, ...] = ("fundamentals", "data_structures", "abstractions", "applications", "string_ops")
SPLITS: tuple[str, ...] = ("dev", "heldout")
TASKS_DIR = Path(__file__).parent / "tasks"
BUILTIN_SETS: tuple[str, ...] = ("standard", "fifty")
_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "category": str,
    "tags": list,
    "terse": bool,
    "prompt": str,
    "expected_output": str,
    "solution": str,
}


class TaskSetError(ValueError):
    """A task file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Task:
    """One evaluation task: what the model is asked, and what its program must print."""

    id: str
    category: str
    tags: tuple[str, ...]
    terse: bool  # a short prompt that leaves `main` implicit
    prompt: str
    expected_output: str  # exactly what `synoema run` prints for the reference solution
    solution: str
    split: str = "dev"  # "heldout": never looked at while writing repair rules, prompts or templates

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "tags": list(self.tags),
            "terse": self.terse,
            "split": self.split,
            "prompt": self.prompt,
            "expected_output": self.expected_output,
            "solution": self.solution,
        }


@dataclass(frozen=True)
class TaskSet:
    """The tasks of one file, in file order, with a digest that identifies their content."""

    name: str
    path: Path
    tasks: tuple[Task, ...]
    digest: str
    _index: Mapping[str, Task] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t.id: t for t in self.tasks})

    def __len__(self) -> int:
        return len(self.tasks)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.tasks)

    def get(self, task_id: str) -> Task | None:
        return self._index.get(task_id)

    def select(self, ids: Iterable[str]) -> TaskSet:
        """A subset in this set's order (unknown ids are an error, so a typo is not a silent skip)."""
        wanted = list(ids)
        missing = [i for i in wanted if i not in self._index]
        if missing:
            raise TaskSetError(f"{self.path}: no task(s) {', '.join(missing)}")
        keep = set(wanted)
        tasks = tuple(t for t in self.tasks if t.id in keep)
        return TaskSet(self.name, self.path, tasks, _digest(tasks))

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "path": str(self.path), "digest": self.digest, "count": len(self.tasks)}


def builtin_path(name: str) -> Path:
    return TASKS_DIR / f"{name}.jsonl"


def load_tasks(spec: str | Path) -> TaskSet:
    """A built-in set by name (`standard`, `fifty`) or a task file by path; raises `TaskSetError`."""
    text = str(spec)
    if text in BUILTIN_SETS:
        path, name = builtin_path(text), text
    else:
        path = Path(text).expanduser()
        name = path.stem
        if not path.exists():
            known = ", ".join(BUILTIN_SETS)
            raise TaskSetError(f"no task set {text!r}: not a file, and the built-in sets are {known}")
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskSetError(f"cannot read {path}: {exc}") from None
    tasks = parse_tasks(raw.splitlines(), str(path))
    return TaskSet(name, path, tasks, _digest(tasks))


def parse_tasks(lines: Sequence[str], where: str = "<tasks>") -> tuple[Task, ...]:
    """Tasks from JSONL lines; every problem is reported with its line number."""
    tasks: list[Task] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}:{number}: not JSON ({exc.msg})")
            continue
        try:
            task = task_from_row(row)
        except TaskSetError as exc:
            problems.append(f"{where}:{number}: {exc}")
            continue
        if task.id in seen:
            problems.append(f"{where}:{number}: duplicate id {task.id!r} (first on line {seen[task.id]})")
            continue
        seen[task.id] = number
        tasks.append(task)
    if problems:
        raise TaskSetError("\n".join(problems))
    if not tasks:
        raise TaskSetError(f"{where}: no tasks")
    return tuple(tasks)


def task_from_row(row: Any) -> Task:
    if not isinstance(row, dict):
        raise TaskSetError("a task must be a JSON object")
    missing = [k for k in _REQUIRED if k not in row]
    if missing:
        raise TaskSetError(f"missing field(s) {', '.join(missing)}")
    for key, kind in _REQUIRED.items():
        if not isinstance(row[key], kind):
            raise TaskSetError(f"{key!r} must be a {getattr(kind, '__name__', kind)}")
    if not row["id"].strip() or "/" in row["id"]:
        raise TaskSetError(f"bad id {row['id']!r}: give a non-empty name without '/'")
    if row["category"] not in CATEGORIES:
        raise TaskSetError(f"unknown category {row['category']!r}; expected one of {', '.join(CATEGORIES)}")
    split = row.get("split", "dev")
    if split not in SPLITS:
        raise TaskSetError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    if not all(isinstance(t, str) and t for t in row["tags"]):
        raise TaskSetError("'tags' must be a list of non-empty strings")
    if not row["prompt"].strip() or not row["solution"].strip():
        raise TaskSetError("'prompt' and 'solution' must not be empty")
    return Task(
        id=row["id"],
        category=row["category"],
        tags=tuple(row["tags"]),
        terse=row["terse"],
        prompt=row["prompt"],
        expected_output=row["expected_output"],
        solution=row["solution"],
        split=split,
    )


def _digest(tasks: Iterable[Task]) -> str:
    text = "\n".join(json.dumps(t.as_dict(), sort_keys=True, ensure_ascii=False) for t in tasks)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class TaskProblem:
    """A reference solution that does not print its task's expected output."""

    task_id: str
    message: str


def verify_tasks(tasks: Iterable[Task], *, jobs: int | None = None) -> list[TaskProblem]:
    """Run every reference solution in the sandbox and compare with its expected output exactly."""
    from synoema import check_many

    items = list(tasks)
    reports = check_many([t.solution for t in items], jobs=jobs)
    problems: list[TaskProblem] = []
    for task, report in zip(items, reports):
        if report.status != "runs" or not report.ok:
            problems.append(TaskProblem(task.id, f"the solution does not run: {report.summary()}"))
        elif report.shape != "program":
            problems.append(TaskProblem(task.id, "the solution has no `main`"))
        elif report.stdout != task.expected_output:
            problems.append(
                TaskProblem(task.id, f"prints {report.stdout!r}, expected {task.expected_output!r}")
            )
    return problems
