"""`synoema-dialogue merge`: programs and dialogues into one training set of chat `messages` rows.

- Every row is in the one row format (`dialogue.format`), its system message set to the prompt the
  app uses for its kind (`assistant.knowledge.load_prompts`): training and serving never drift.
- Program rows are the corpus's write conversations (`corpus.render.messages`), one per program of
  the split.
- Dialogues are picked per kind by a mix (the recipe's 20/20/20/19 explain/fix/ask/review by
  default), curated rows first, then the seed dialogues, then model-drafted, then built ones;
  inside a source the order is a hash of the seed and the row id (deterministic, not file order).
- Splits follow the corpus: a row built from a program keeps that program's split
  (`meta.split`); a row without one (seed, saved from the app) whose code is a corpus program's
  code gets that program's split, otherwise it is a training row. So a test program never appears
  in a training dialogue.
- Exact duplicates (same conversation) are merged; the first source wins.
- A manifest (`FILE.manifest.json`) records the counts per kind, category, source and split.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synoema.durable import write_atomic

from .build import RECIPE_MIX
from .format import FormatError, Row, Turn, kind_files, read_rows, seed_rows, write_rows

SPLITS = ("train", "validation", "test")
PRIORITY = {"curated": 0, "app": 1, "seed": 2, "model": 3, "build": 4}


class MergeError(ValueError):
    """A merge that cannot be made as asked (bad mix, missing inputs); the message says what to do."""


def parse_mix(text: str) -> dict[str, int] | None:
    """`explain=20,fix=20,...` as counts per kind; `all` (every row) as None."""
    from assistant.kinds import KINDS

    if text.strip() == "all":
        return None
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, sep, value = part.partition("=")
        if not sep or kind.strip() not in KINDS or not value.strip().isdigit():
            raise MergeError(f"--mix takes KIND=N pairs (kinds: {', '.join(KINDS)}) or `all`, not {part!r}")
        out[kind.strip()] = int(value)
    return out


def scale_mix(mix: Mapping[str, int], total: int) -> dict[str, int]:
    """The mix's ratios scaled to `total` rows (largest remainders get the rounding)."""
    weight = sum(mix.values())
    if weight <= 0:
        raise MergeError("--mix has no rows to scale")
    exact = {k: total * v / weight for k, v in mix.items()}
    out = {k: int(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: out[k] - exact[k])[: total - sum(out.values())]:
        out[k] += 1
    return out


def _normalized(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip().split("\n"))


def _codes(row: Row) -> list[str]:
    from synoema.snippets import segments

    out = []
    for turn in row.conversation:
        out += [s.code for s in segments(turn.content) if s.kind in ("code", "quoted") and s.closed]
    if not out:
        from .validate import user_code

        code, _ = user_code(row)
        if code:
            out.append(code)
    return [_normalized(c) for c in out]


def program_row(record: Any) -> Row:
    """A corpus program as a write conversation row."""
    from corpus.render import messages

    turns = tuple(Turn(m["role"], m["content"]) for m in messages(record))
    meta = {"topics": [], "source": "corpus", "program": record.id, "category": record.category,
            "family": record.family, "split": record.split}
    return Row(f"write-{record.id}", "write", turns, meta)


@dataclass
class MergeResult:
    rows: list[Row]
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)


def _key(seed: int, row: Row) -> str:
    return hashlib.sha1(f"{seed}:{row.id}".encode()).hexdigest()


def read_dialogues(inputs: Iterable[str | Path]) -> tuple[list[Row], list[str]]:
    """Rows of dialogue folders (`<kind>.jsonl` files) and files, the system message set to the app's."""
    rows: list[Row] = []
    problems: list[str] = []
    for item in inputs:
        p = Path(item)
        if not p.exists():
            raise MergeError(f"{p} does not exist")
        files = kind_files(p) if p.is_dir() else [p]
        if p.is_dir() and not files:
            problems.append(f"{p}: no <kind>.jsonl files")
        got = read_rows(files, check_system=False)
        rows += [r.with_system() for r in got.rows]
        problems += got.problems
    return rows, problems


def merge(*, programs: str | Path | None = None, dialogues: Sequence[str | Path] = (), seed_dialogues: bool = True,
          split: str = "train", mix: Mapping[str, int] | None = RECIPE_MIX, max_programs: int | None = None,
          seed: int = 0) -> MergeResult:
    """The merged rows of `split` (or every split with `split="all"`) and their manifest."""
    from corpus import load_programs

    if split not in (*SPLITS, "all"):
        raise MergeError(f"--split must be one of {', '.join(SPLITS)} or all")
    records = load_programs(programs) if programs is not None else []
    split_of_code = {_normalized(r.source): r.split for r in records}
    wanted = (lambda s: True) if split == "all" else (lambda s: s == split)

    candidates, problems = read_dialogues(dialogues)
    if seed_dialogues:
        got = seed_rows()
        candidates += [r.with_meta(source="seed") for r in got.rows]
        problems += got.problems

    def row_split(row: Row) -> str:
        if row.split in SPLITS:
            return row.split
        found = [split_of_code[c] for c in _codes(row) if c in split_of_code]
        # the strictest split any of its code belongs to: test, then validation
        return next((s for s in ("test", "validation") if s in found), "train")

    seen: set[str] = set()
    by_kind: dict[str, list[Row]] = {}
    duplicates = 0
    for row in sorted(candidates, key=lambda r: (PRIORITY.get(r.source, 5), _key(seed, r))):
        key = row.content_key()
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        s = row_split(row)
        if wanted(s):
            by_kind.setdefault(row.kind, []).append(row.with_meta(split=s))

    dialogue_rows: list[Row] = []
    short: dict[str, str] = {}
    for kind, rows in sorted(by_kind.items()):
        n = len(rows) if mix is None else mix.get(kind, 0)
        if n > len(rows):
            short[kind] = f"{len(rows)} of {n}"
        dialogue_rows += rows[:n]
    if mix is not None:
        for kind, n in mix.items():
            if n > 0 and kind not in by_kind:
                short[kind] = f"0 of {n}"

    chosen = [r for r in records if wanted(r.split)]
    if max_programs is not None:
        chosen = sorted(chosen, key=lambda r: hashlib.sha1(f"{seed}:{r.id}".encode()).hexdigest())[:max_programs]
        order = {r.id: i for i, r in enumerate(records)}
        chosen.sort(key=lambda r: order[r.id])
    rows = [program_row(r) for r in chosen] + dialogue_rows
    manifest = {
        "rows": len(rows),
        "split": split,
        "seed": seed,
        "programs": len(chosen),
        "dialogues": len(dialogue_rows),
        "mix": dict(mix) if mix is not None else "all",
        "short": short,
        "duplicates_merged": duplicates,
        "kinds": dict(Counter(r.kind for r in rows)),
        "dialogue_kinds": dict(Counter(r.kind for r in dialogue_rows)),
        "sources": dict(Counter(r.source for r in rows)),
        "categories": dict(Counter(str(r.meta.get("category", "-")) for r in rows)),
        "splits": dict(Counter(r.split for r in rows)),
        "inputs": {"programs": str(programs) if programs else None, "dialogues": [str(d) for d in dialogues],
                   "seed_dialogues": seed_dialogues},
        "problems": problems,
    }
    return MergeResult(rows, manifest, problems)


def manifest_path(out: str | Path) -> Path:
    p = Path(out)
    return p.with_name(p.name + ".manifest.json") if p.suffix != ".jsonl" else p.with_suffix(".manifest.json")


def write(result: MergeResult, out: str | Path) -> Path:
    """Write the rows to `out` and the manifest beside it; return the manifest's path."""
    write_rows(out, result.rows)
    path = manifest_path(out)
    write_atomic(path, json.dumps(result.manifest, indent=2, ensure_ascii=False) + "\n")
    return path


__all__ = ["FormatError", "MergeError", "MergeResult", "merge", "parse_mix", "scale_mix", "write"]
