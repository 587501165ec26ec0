"""The pipeline's evaluation step until ``evaluation`` (issue 12) is wired in: trained vs untrained.

Both GGUF models answer the same held-out prompts (rows the fine-tune never saw: the eval split),
greedily, through llama.cpp with the chat template stored in the file, as the app serves them. For
the prompts whose reference answer proposes a program, the first proposed ``sno`` block of each
reply is checked by our implementation (``synoema.check_many``, sandboxed): the syntax rate is the
share that parses, the type rate the share that type-checks, the run rate the share that runs.
Replies that end with the end-of-turn token (finish reason ``stop``) are counted too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from synoema.durable import JsonlAppender, write_atomic
from training.data import Row


def _first_program(text: str) -> str | None:
    from synoema.snippets import extract_snippets

    for snippet in extract_snippets(text):
        if snippet.proposed and snippet.code.strip():
            return snippet.code
    return None


def generate(
    gguf: Path, rows: Sequence[Row], *, max_tokens: int = 256, n_threads: int = 1
) -> list[dict[str, Any]]:
    """Greedy replies of one model to the first user turn of each row."""
    from llama_cpp import Llama

    llm = Llama(model_path=str(gguf), n_ctx=2048, n_threads=n_threads, verbose=False, seed=0)
    out: list[dict[str, Any]] = []
    try:
        for row in rows:
            messages = row.as_messages()[:2]  # system, first user turn
            reply = llm.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=0.0, seed=0
            )
            choice = reply["choices"][0]
            out.append({"text": choice["message"]["content"] or "", "finish_reason": choice["finish_reason"]})
    finally:
        llm.close()
    return out


def score(
    rows: Sequence[Row], replies: Sequence[dict[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    import synoema

    coded = [i for i, row in enumerate(rows) if _first_program(row.as_messages()[2]["content"]) is not None]
    programs = [_first_program(replies[i]["text"]) for i in coded]
    reports = synoema.check_many([p for p in programs if p is not None], run=True)
    status: dict[int, str] = {}
    it = iter(reports)
    for i, program in zip(coded, programs):
        status[i] = "no program" if program is None else next(it).status
    records = [
        {"source": row.source, "kind": row.kind, **reply, "status": status.get(i)}
        for i, (row, reply) in enumerate(zip(rows, replies))
    ]
    n = max(len(coded), 1)
    rates = {
        "prompts": len(rows),
        "code_prompts": len(coded),
        "syntax_rate": sum(status[i] in ("parses", "types", "runs") for i in coded) / n,
        "type_rate": sum(status[i] in ("types", "runs") for i in coded) / n,
        "run_rate": sum(status[i] == "runs" for i in coded) / n,
        "stop_rate": sum(r["finish_reason"] == "stop" for r in replies) / max(len(replies), 1),
    }
    return rates, records


def compare(models: Mapping[str, Path], rows: Sequence[Row], out_dir: Path) -> dict[str, Any]:
    """Every model on the same rows; writes ``<name>.jsonl`` per model and ``summary.json``."""
    summary: dict[str, Any] = {"prompts": [row.source for row in rows], "models": {}}
    for name, gguf in models.items():
        replies = generate(gguf, rows)
        rates, records = score(rows, replies)
        path = out_dir / f"{name}.jsonl"
        path.unlink(missing_ok=True)
        with JsonlAppender(path) as sink:
            sink.extend(records)
        summary["models"][name] = {"gguf": str(gguf), **rates}
    write_atomic(out_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    return summary
