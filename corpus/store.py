"""A corpus folder on disk, and the small Python API other packages use to read it.

    DIR/programs.jsonl   accepted programs, one `ProgramRecord` per line (the corpus)
    DIR/rejected.jsonl   every candidate that was not accepted, with why (the failure taxonomy)
    DIR/build.json       how it was built: generator, seed, settings, gates, split assignment
    DIR/{train,validation,test}.jsonl   written by `synoema-corpus split`
    DIR/stats.png        written by `synoema-corpus stats`

Both JSONL files are appended one fsync'd line per slot (`synoema.durable`), so a build killed at
any moment leaves complete lines only (a torn last line is set aside on the next open) and can
resume where it stopped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synoema.durable import read_jsonl, write_atomic

from .schema import SPLITS, CorpusError, ProgramRecord

PROGRAMS = "programs.jsonl"
REJECTED = "rejected.jsonl"
MANIFEST = "build.json"


@dataclass(frozen=True)
class CorpusDir:
    path: Path

    @property
    def programs(self) -> Path:
        return self.path / PROGRAMS

    @property
    def rejected(self) -> Path:
        return self.path / REJECTED

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    def split_file(self, split: str) -> Path:
        return self.path / f"{split}.jsonl"

    def manifest(self) -> dict[str, Any] | None:
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CorpusError(f"cannot read {self.manifest_path}: {exc.strerror or exc}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CorpusError(f"{self.manifest_path} is not valid JSON ({exc}); move it away to start a new build") from None
        if not isinstance(data, dict):
            raise CorpusError(f"{self.manifest_path} is not a build manifest")
        return data

    def write_manifest(self, data: dict[str, Any]) -> None:
        write_atomic(self.manifest_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    def require(self) -> dict[str, Any]:
        if not self.path.is_dir():
            raise CorpusError(f"{self.path} is not a folder")
        if not self.programs.exists():
            raise CorpusError(f"{self.path} holds no corpus ({PROGRAMS} is missing); build one with `synoema-corpus build --out {self.path}`")
        return self.manifest() or {}

    def raw_programs(self) -> list[dict[str, Any]]:
        return read_jsonl(self.programs).records

    def raw_rejected(self) -> list[dict[str, Any]]:
        return read_jsonl(self.rejected).records


def jsonl_text(rows: list[dict[str, Any]]) -> str:
    """Records as JSONL text in the layout `synoema.durable` appends (for whole-file atomic writes)."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n" for r in rows)


def load_programs(folder: str | Path, *, split: str | None = None) -> list[ProgramRecord]:
    """The accepted programs of a corpus folder (optionally one split), in build order.

    This is the API the dialogue builder and the training export use; the record schema is
    documented in the README and versioned by `ProgramRecord.schema`."""
    if split is not None and split not in SPLITS:
        raise CorpusError(f"split must be one of {', '.join(SPLITS)}")
    corpus = CorpusDir(Path(folder))
    corpus.require()
    out = [ProgramRecord.from_dict(r) for r in corpus.raw_programs()]
    return [r for r in out if split is None or r.split == split]


