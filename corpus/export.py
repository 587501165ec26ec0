"""Training files from a corpus: chat `messages` JSONL, or `prompt`/`completion` pairs.

Both load with `datasets.load_dataset("json", data_files=FILE)`. A `messages` row is exactly a
write conversation of the app: the write system prompt, the task as the user turn, and the
approach, the program in a ```sno block and its ```output block as the assistant turn. A
completion row holds the same user and assistant text as `prompt` and `completion`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synoema.durable import write_atomic

from .render import assistant_turn, messages, user_turn
from .schema import CorpusError
from .store import jsonl_text, load_programs

FORMATS = ("messages", "completion")


def export_rows(folder: str | Path, fmt: str = "messages", split: str | None = None) -> list[dict[str, Any]]:
    if fmt not in FORMATS:
        raise CorpusError(f"--format must be one of {', '.join(FORMATS)}")
    rows: list[dict[str, Any]] = []
    for r in load_programs(folder, split=split):
        head = {"id": r.id, "category": r.category, "split": r.split}
        if fmt == "messages":
            rows.append({**head, "messages": messages(r)})
        else:
            rows.append({**head, "prompt": user_turn(r), "completion": assistant_turn(r)})
    return rows


def export(folder: str | Path, out: str | Path, fmt: str = "messages", split: str | None = None) -> int:
    rows = export_rows(folder, fmt, split)
    write_atomic(out, jsonl_text(rows))
    return len(rows)
