"""Training rows: chat ``messages`` JSONL in, checked conversations and a stable eval split out.

Any messages JSONL is accepted (the merged set of ``synoema-dialogue merge``, the corpus export, the
seed dialogues): one object per line with ``messages`` and, ideally, ``kind``. Every row's system
message must be the app's prompt for its kind (``assistant.knowledge.load_prompts()``), because a
model trained on one prompt and served with another is the drift we refuse: a row without a system
message gets its kind's prompt, a row whose system message differs is an error naming the line.

The eval split is chosen by a hash of each conversation, so it stays the same when rows are added or
reordered, and no conversation can be in both halves.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synoema.durable import read_jsonl, write_atomic

Messages = list[dict[str, str]]


class DataError(ValueError):
    """Training data that cannot be used as it is; the message names the file and line."""


@dataclass(frozen=True)
class Row:
    """One conversation to train on."""

    messages: tuple[tuple[str, str], ...]  # (role, content)
    kind: str | None
    source: str  # "file row N"

    def as_messages(self) -> Messages:
        return [{"role": role, "content": content} for role, content in self.messages]

    @property
    def key(self) -> str:
        """A digest of the conversation: duplicate detection and the eval split."""
        text = json.dumps(self.messages, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class DataSet:
    """Rows read from one or more files, with what was dropped and why."""

    rows: list[Row] = field(default_factory=list)
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)  # torn tails and bad lines reported by read_jsonl

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.kind or "?"] = counts.get(row.kind or "?", 0) + 1
        return counts


def system_prompts() -> dict[str, str]:
    """The app's system prompt per kind, exactly as the app sends it (without the reference)."""
    from assistant.knowledge import load_prompts

    return {kind: prompt.system for kind, prompt in load_prompts().kinds.items()}


def _row(raw: dict[str, Any], where: str, prompts: dict[str, str]) -> Row:
    messages = raw.get("messages")
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: expected a non-empty 'messages' list")
    pairs: list[tuple[str, str]] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise DataError(f"{where}: message {index} is not an object")
        role, content = message.get("role"), message.get("content")
        if role not in ("system", "user", "assistant"):
            raise DataError(f"{where}: message {index} has role {role!r}; expected system, user or assistant")
        if not isinstance(content, str):
            raise DataError(f"{where}: message {index} has no text 'content'")
        pairs.append((role, content))
    kind = raw.get("kind")
    if kind is not None and kind not in prompts:
        raise DataError(f"{where}: unknown kind {kind!r}; expected one of {', '.join(prompts)}")
    if pairs[0][0] == "system":
        if kind is None:
            kind = next((k for k, text in prompts.items() if text == pairs[0][1]), None)
        if kind is None or pairs[0][1] != prompts[kind]:
            label = f"the {kind!r} prompt" if kind else "any of the app's prompts"
            raise DataError(
                f"{where}: the system message differs from {label} in assistant/knowledge/prompts.toml; "
                "training and serving must use the same prompt (regenerate the row, or drop its system "
                "message and give its 'kind')"
            )
    elif kind is not None:
        pairs.insert(0, ("system", prompts[kind]))
    else:
        raise DataError(f"{where}: the row has neither a 'kind' nor a system message")
    turns = [role for role, _ in pairs[1:]]
    if not turns or turns[0] != "user" or turns[-1] != "assistant" or "system" in turns:
        raise DataError(
            f"{where}: expected a system message, then user/assistant turns ending with assistant"
        )
    if any(a == b for a, b in itertools.pairwise(turns)):
        raise DataError(f"{where}: user and assistant turns must alternate")
    return Row(tuple(pairs), kind, where)


def load_rows(paths: Iterable[str | Path]) -> DataSet:
    """Read and check every row of the given messages JSONL files; exact duplicates are dropped."""
    prompts = system_prompts()
    data = DataSet()
    seen: set[str] = set()
    for path in paths:
        file = Path(path).expanduser()
        if not file.is_file():
            raise DataError(f"training data {file} does not exist")
        contents = read_jsonl(file)
        data.problems += [f"{file}: {problem}" for problem in contents.problems()]
        for number, raw in enumerate(contents.records, start=1):
            row = _row(raw, f"{file.name} row {number}", prompts)
            if row.key in seen:
                data.duplicates += 1
                continue
            seen.add(row.key)
            data.rows.append(row)
    if not data.rows:
        raise DataError("no training rows: the data files are empty")
    return data


def split_eval(rows: Sequence[Row], fraction: float) -> tuple[list[Row], list[Row]]:
    """(train, eval) by a hash of each conversation; at least one eval row when fraction > 0."""
    if fraction <= 0 or len(rows) < 2:
        return list(rows), []
    cut = int(fraction * 2**32)
    train = [r for r in rows if int(r.key[:8], 16) >= cut]
    held = [r for r in rows if int(r.key[:8], 16) < cut]
    if not held:  # tiny data sets: hold out the row with the smallest hash
        first = min(rows, key=lambda r: r.key)
        train, held = [r for r in rows if r is not first], [first]
    return train, held


def to_dataset(rows: Sequence[Row]) -> Any:
    """A ``datasets.Dataset`` with one ``messages`` column (what trl's SFTTrainer takes)."""
    from datasets import Dataset

    return Dataset.from_list([{"messages": row.as_messages()} for row in rows])


def write_rows(path: str | Path, rows: Iterable[dict[str, Any]]) -> Path:
    """A messages JSONL file written atomically (a whole data set, not an append log)."""
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return write_atomic(path, text)


def seed_dialogue_rows() -> list[dict[str, Any]]:
    """The seed dialogues (dialogue/seed/*.jsonl) as messages rows."""
    from assistant.knowledge import load_seed_dialogues

    return [
        {
            "id": d.id,
            "kind": d.kind,
            "messages": [{"role": m.role, "content": m.content} for m in d.messages],
        }
        for d in load_seed_dialogues()
    ]


def corpus_text(rows: Iterable[Row]) -> Iterator[str]:
    """Every message text, for training a tokenizer on the data the model will see."""
    for row in rows:
        for _, content in row.messages:
            yield content
