"""The build: schedule slots, generate and validate them in batches, gate them, append the results.

The outcome is defined slot by slot, in order, as if one slot were handled at a time: a slot
whose category is already full is skipped; otherwise its candidate is rejected (validation
failed, too long, contaminated, a duplicate of an accepted program) or accepted. Batches only
make this faster (candidates are generated and validated in parallel, then gated in slot order),
so the result does not depend on the batch size, and a build killed with SIGKILL resumes after
the last slot it wrote, with the same accepted programs and the same deduplication index as an
uninterrupted run. Every slot's line is appended and fsync'd before the next one is decided.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from synoema.durable import JsonlAppender

from . import split as splits
from .features import detect
from .gates import Fingerprint, Gates
from .generators.base import Generator, Outcome
from .normalize import ast_shape, parse_program
from .render import assistant_turn, example_text
from .schedule import Schedule
from .schema import SCHEMA_VERSION, CorpusError, ProgramRecord, quotas
from .store import CorpusDir
from .validate import Validator


@dataclass
class BuildProgress:
    """What a progress display shows; updated after every batch."""

    target: int
    accepted: int = 0
    candidates: int = 0  # slots decided in this run (accepted + rejected)
    rejected: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    resumed_with: int = 0

    @property
    def accept_rate(self) -> float:
        return (self.candidates - sum(self.rejected.values())) / self.candidates if self.candidates else 1.0

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


@dataclass
class BuildResult:
    accepted: int
    target: int
    candidates: int
    rejected: dict[str, int]
    by_category: dict[str, int]
    quotas: dict[str, int]
    seconds: float
    resumed_with: int
    stopped: str = ""  # why the build ended before the target, if it did

    @property
    def complete(self) -> bool:
        return self.accepted >= self.target

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("accepted", "target", "candidates", "rejected", "by_category", "quotas", "seconds", "resumed_with", "stopped")}


def record_id(generator: str, seed: int, slot: int) -> str:
    return f"{generator}-s{seed}-{slot:06d}"


class Builder:
    def __init__(self, out: Path, generator: Generator, gates: Gates, *, target: int, seed: int, jobs: int | None = None,
                 batch: int = 64, max_candidates: int | None = None, ratios: tuple[float, float, float] = splits.DEFAULT_RATIOS,
                 validator: Validator | None = None, on_progress: Callable[[BuildProgress], None] | None = None) -> None:
        if target < 1:
            raise CorpusError("--target must be at least 1")
        self.dir = CorpusDir(out)
        self.gen = generator
        self.gates = gates
        self.target = target
        self.seed = seed
        self.batch = max(1, batch)
        self.max_candidates = max_candidates if max_candidates is not None else 3 * target + 1000
        self.validator = validator or Validator(jobs)
        self.on_progress = on_progress
        self.plan = generator.plan()
        self.categories = tuple(c for c in self.plan if self.plan[c])
        if not self.categories:
            raise CorpusError("the generator has nothing to generate (no families or tasks)")
        self.quota = quotas(target, self.categories)
        self.ratios = ratios

    # ── the manifest ────────────────────────────────────────────────────────────────────────

    def _identity(self) -> dict[str, Any]:
        return {
            "generator": self.gen.name,
            "seed": self.seed,
            "settings": self.gen.settings(),
            "gates": {
                "threshold": self.gates.dedup.threshold,
                "max_tokens": self.gates.length.limit,
                "tokenizer": self.gates.length.name,
                "decontamination": {"files": self.gates.decontam.files, "digest": self.gates.decontam.digest},
            },
        }

    def _open_manifest(self) -> dict[str, Any]:
        ident = self._identity()
        old = self.dir.manifest()
        if old is not None:
            for key, value in ident.items():
                if old.get(key) != value:
                    raise CorpusError(
                        f"{self.dir.path} was built with a different {key} ({json_short(old.get(key))}, now {json_short(value)}); "
                        "resume with the same settings or build into another --out folder"
                    )
            manifest = old
        else:
            if self.dir.programs.exists() and self.dir.programs.stat().st_size:
                raise CorpusError(f"{self.dir.programs} exists but {self.dir.manifest_path.name} does not; build into an empty folder")
            manifest = {"schema": SCHEMA_VERSION, **ident, "created": _now(), "plan": self.plan,
                        "splits": {"ratios": list(self.ratios), "assignment": splits.assign(self.plan, self.ratios)}}
        manifest["target"] = self.target
        manifest["quotas"] = self.quota
        self.dir.write_manifest(manifest)
        return manifest

    # ── the loop ────────────────────────────────────────────────────────────────────────────

    def run(self) -> BuildResult:
        self.dir.path.mkdir(parents=True, exist_ok=True)
        manifest = self._open_manifest()
        assignment: dict[str, str] = manifest["splits"]["assignment"]
        with JsonlAppender(self.dir.programs) as accepted_out, JsonlAppender(self.dir.rejected) as rejected_out:
            return self._loop(manifest, assignment, accepted_out, rejected_out)

    def _loop(self, manifest: dict[str, Any], assignment: dict[str, str], accepted_out: JsonlAppender,
              rejected_out: JsonlAppender) -> BuildResult:
        have = Counter[str]()
        last = -1
        existing = self.dir.raw_programs()
        for row in existing:
            self.gates.dedup.add(row["id"], Fingerprint.of(row["source"]))
            have[row["category"]] += 1
            last = max(last, int(row.get("slot", -1)))
        decided_before = len(existing)
        for row in self.dir.raw_rejected():
            last = max(last, int(row.get("slot", -1)))
            decided_before += 1
        progress = BuildProgress(self.target, accepted=sum(have.values()), resumed_with=sum(have.values()))
        schedule = Schedule(self.seed, self.categories)
        index = last + 1
        stopped = ""
        while any(have[c] < self.quota[c] for c in self.categories):
            if decided_before + progress.candidates >= self.max_candidates:
                stopped = f"stopped after {self.max_candidates} candidates (--max-candidates)"
                break
            slots = self._next_batch(schedule, index, have)
            if not slots:
                break
            index = slots[-1].index + 1
            outcomes = self.gen.run(slots, self.validator)
            for o in outcomes:
                self._decide(o, have, assignment, accepted_out, rejected_out, progress)
            progress.accepted = sum(have.values())
            if self.on_progress is not None:
                self.on_progress(progress)
        manifest = self.dir.manifest() or manifest
        result = BuildResult(sum(have.values()), self.target, progress.candidates, dict(progress.rejected), dict(have),
                             self.quota, round(progress.elapsed, 2), progress.resumed_with, stopped)
        manifest["last_run"] = {**result.as_dict(), "finished": _now()}
        self.dir.write_manifest(manifest)
        return result

    def _next_batch(self, schedule: Schedule, start: int, have: Counter[str]) -> list[Any]:
        """Consecutive slots from `start`: slots of full categories are left out (they would be
        skipped anyway), and the batch ends before a category would get far more than it needs."""
        need = {c: self.quota[c] - have[c] for c in self.categories}
        allow = {c: n + math.ceil(n * 0.05) + 1 for c, n in need.items()}
        taken = Counter[str]()
        out = []
        i = start
        while len(out) < self.batch and any(need[c] > 0 for c in self.categories):
            slot = schedule.slot(i)
            c = slot.category
            if need[c] > 0:
                if taken[c] >= allow[c]:
                    break
                taken[c] += 1
                out.append(slot)
            i += 1
            if i - start > 50 * self.batch:  # only full categories ahead: nothing left to do
                break
        return out

    def _decide(self, o: Outcome, have: Counter[str], assignment: dict[str, str], accepted_out: JsonlAppender,
                rejected_out: JsonlAppender, progress: BuildProgress) -> None:
        c = o.slot.category
        if have[c] >= self.quota[c]:
            return  # the category filled up earlier in this batch: as if never generated
        progress.candidates += 1
        rid = record_id(self.gen.name, self.seed, o.slot.index)
        if not o.verdict.ok:
            self._reject(rejected_out, progress, o, rid, o.verdict.kind or "runtime", o.verdict.codes, o.verdict.message)
            return
        program = parse_program(o.source)
        answer = assistant_turn(o, o.source, o.verdict.stdout)
        n_tokens = self.gates.length.count(example_text(o.task.prompt, answer))
        verdict = self.gates.length.check(n_tokens)
        fp = Fingerprint.of(o.source)
        if verdict.kind is None:
            verdict = self.gates.decontam.check(o.task.prompt, fp)
        minhash = None
        if verdict.kind is None:
            verdict, minhash = self.gates.dedup.check(fp)
        if verdict.kind is not None:
            self._reject(rejected_out, progress, o, rid, verdict.kind, (verdict.kind,), verdict.detail, other=verdict.other,
                         similarity=verdict.similarity)
            return
        record = ProgramRecord(
            id=rid,
            slot=o.slot.index,
            category=c,
            family=o.family,
            tags=tuple(o.task.tags),
            prompt=o.task.prompt,
            source=o.source,
            expected_output=o.task.expected_output,
            generator=self.gen.name,
            split=assignment.get(o.family, "train"),
            task_id=o.task.id,
            style=o.style,
            approach=o.approach,
            stdin=o.task.stdin,
            features=detect(program),
            shape=ast_shape(program),
            tokens=n_tokens,
            model=o.model,
            rounds=o.rounds,
            usage=o.usage,
        )
        accepted_out.append(record.as_dict())
        self.gates.dedup.add(rid, fp, minhash)
        have[c] += 1

    def _reject(self, out: JsonlAppender, progress: BuildProgress, o: Outcome, rid: str, kind: str, codes: tuple[str, ...],
                message: str, *, other: str = "", similarity: float = 0.0) -> None:
        progress.rejected[kind] += 1
        row: dict[str, Any] = {
            "id": rid, "slot": o.slot.index, "category": o.slot.category, "family": o.family, "tags": list(o.task.tags),
            "task_id": o.task.id, "generator": self.gen.name, "kind": kind, "codes": list(codes), "message": message,
            "prompt": o.task.prompt, "source": o.source, "expected_output": o.task.expected_output, "stdout": o.verdict.stdout,
            "model": o.model, "rounds": o.rounds, "attempts": [a.as_dict() for a in o.attempts], "usage": o.usage.as_dict(),
        }
        if other:
            row["other"] = other
            row["similarity"] = round(similarity, 3)
        out.append(row)


def json_short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
