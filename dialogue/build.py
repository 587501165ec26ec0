"""`synoema-dialogue build`: validated corpus programs into dialogues of every kind, every row checked.

Each kind's builder (`dialogue.builders`) drafts conversations from the programs (Q&A also from
facts of the language); drafts are validated in batches (`dialogue.validate`, one `check_many`
call per batch) until the wanted number of rows of the kind passes. Rows that fail validation are
kept, with their reason, in `DIR/rejected.jsonl`; nothing is dropped silently.

    DIR/<kind>.jsonl     the rows that passed, one file per kind
    DIR/rejected.jsonl   drafts that did not pass (`meta.rejected` says why)
    DIR/report.json      counts per kind (drafted, passed, rejected), the common reasons, the seconds

A row keeps the corpus split of the program it was built from (`meta.split`), so the merge never
puts a test program into a training dialogue.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.kinds import KINDS
from synoema.durable import write_atomic

from .format import Row, kind_file, new_row, write_rows
from .templates import TEMPLATES
from .validate import RowReport, Validator, summarize
from .wording import Wording

# The recipe's dialogues: 20 explain, 20 debug-fix, 20 Q&A, 19 review (write rows come from the programs).
RECIPE_MIX: dict[str, int] = {"explain": 20, "fix": 20, "ask": 20, "review": 19}
BUILD_KINDS: tuple[str, ...] = KINDS
REJECTED = "rejected.jsonl"
REPORT = "report.json"
Progress = Callable[[str, int, int], None]  # (kind, rows passed, rows wanted)


@dataclass
class KindResult:
    kind: str
    wanted: int
    rows: list[Row] = field(default_factory=list)
    rejected: list[tuple[Row, RowReport]] = field(default_factory=list)
    reports: list[RowReport] = field(default_factory=list)  # of the rows kept and the rows rejected
    drafted: int = 0  # drafts validated
    skipped: int = 0  # candidates the builder found unsuitable (no draft)
    model: tuple[int, int] = (0, 0)  # model drafts (passed, rejected)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"wanted": self.wanted, "passed": len(self.rows), "rejected": len(self.rejected), "drafted": self.drafted,
                "skipped": self.skipped, "model_passed": self.model[0], "model_rejected": self.model[1],
                "seconds": round(self.seconds, 1)}


@dataclass
class BuildResult:
    kinds: dict[str, KindResult]
    reports: list[RowReport]
    seconds: float

    def summary(self) -> dict[str, Any]:
        return {"kinds": {k: r.as_dict() for k, r in self.kinds.items()}, "validation": summarize(self.reports),
                "seconds": round(self.seconds, 1)}


def row_id(kind: str, key: str) -> str:
    return f"{kind}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


def drafts(kind: str, programs: Sequence[Any], *, seed: int = 0, builder: Any = None) -> Iterator[Row]:
    """Rows drafted by the builder of `kind`, in its order (varied first); not yet validated.

    A row's random choices depend only on the seed, its kind and its item, so the same corpus and
    seed give the same rows."""
    from .builders import builder_for

    b = builder or builder_for(kind)
    rng = random.Random(f"{seed}:{kind}")
    for item in b.items(programs, rng):
        w = Wording(random.Random(f"{seed}:{kind}:{item.key}"), TEMPLATES)
        draft = b.build(item, w)
        if draft is None:
            yield None  # type: ignore[misc]  # counted as skipped
            continue
        meta: dict[str, Any] = {"topics": [], **draft.meta, "source": "build", "templates": w.templates()}
        record = item.program
        if record is not None:
            meta.update(program=record.id, category=record.category, family=record.family)
            if record.stdin and "stdin" not in meta:
                meta["stdin"] = record.stdin
        if item.split:
            meta["split"] = item.split
        yield new_row(kind, draft.turns, meta, row_id=row_id(kind, item.key))


def build_kind(kind: str, programs: Sequence[Any], wanted: int, *, seed: int = 0, validator: Validator | None = None,
               batch: int = 64, progress: Progress | None = None) -> KindResult:
    """`wanted` validated rows of `kind` (fewer when the candidates run out)."""
    validator = validator or Validator()
    result = KindResult(kind, wanted)
    start = time.monotonic()
    source = drafts(kind, programs, seed=seed)
    exhausted = False
    while len(result.rows) < wanted and not exhausted:
        need = wanted - len(result.rows)
        size = min(batch, max(4, need + need // 8 + 1))
        pending: list[Row] = []
        while len(pending) < size:
            row = next(source, StopIteration)
            if row is StopIteration:
                exhausted = True
                break
            if row is None:
                result.skipped += 1
                continue
            pending.append(row)  # type: ignore[arg-type]
        if not pending:
            break
        result.drafted += len(pending)
        for row, report in zip(pending, validator.validate(pending)):
            if report.ok and len(result.rows) < wanted:
                result.rows.append(row)
                result.reports.append(report)
            elif not report.ok:
                result.rejected.append((row, report))
                result.reports.append(report)
        if progress is not None:
            progress(kind, len(result.rows), wanted)
    result.seconds = time.monotonic() - start
    return result


def build(programs: Sequence[Any], counts: Mapping[str, int], out: str | Path, *, seed: int = 0, jobs: int | None = None,
          batch: int = 64, progress: Progress | None = None, backend: Any = None, model_per_kind: int | None = None,
          model_options: Mapping[str, Any] | None = None) -> BuildResult:
    """Build `counts[kind]` rows of each kind from `programs` and write them under `out`.

    With a `backend`, the model also answers the user turns of (up to `model_per_kind` of) each
    kind's rows (`dialogue.model`); its drafts that validate are added as `source = "model"` rows."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    validator = Validator(jobs=jobs)
    start = time.monotonic()
    kinds: dict[str, KindResult] = {}
    reports: list[RowReport] = []
    for kind in BUILD_KINDS:
        if counts.get(kind, 0) <= 0:
            continue
        got = build_kind(kind, programs, counts[kind], seed=seed, validator=validator, batch=batch, progress=progress)
        kinds[kind] = got
        if backend is not None:
            from .model import model_rows

            base = got.rows[:model_per_kind] if model_per_kind is not None else list(got.rows)
            drafted = model_rows(base, backend, validator=validator, seed=seed, **dict(model_options or {}))
            got.rows += drafted.rows
            got.rejected += drafted.rejected
            got.reports += drafted.reports
            got.model = (len(drafted.rows), len(drafted.rejected))
        write_rows(kind_file(folder, kind), got.rows)
        reports += got.reports
    rejected = [row.with_meta(rejected=rep.reason()) for got in kinds.values() for row, rep in got.rejected]
    write_rows(folder / REJECTED, rejected)
    result = BuildResult(kinds, reports, time.monotonic() - start)
    write_atomic(folder / REPORT, json.dumps({**result.summary(), "seed": seed}, indent=2) + "\n")
    return result
