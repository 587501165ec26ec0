"""The model-backed builder: a model (any assistant backend) writes the answer, the checker decides.

For each template-built row, the model gets the kind's system prompt (the one the app sends) and
the row's first user message, and its answer becomes a new row (`meta.source = "model"`, the
template row's id in `meta.drafted_from`, its user code, stdin and split kept). Every such draft is
validated like any other row (`dialogue.validate`): a draft whose snippet does not run, whose
output block is wrong or whose claims do not hold is kept in `rejected.jsonl` with the reason,
never silently dropped. A backend error is a rejection with the backend's message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .format import Row, Turn, system_prompt
from .validate import RowReport, Validator

# Template bookkeeping that does not describe the model's answer.
_DROP = ("templates", "builder", "followup", "mistakes", "bug", "smells", "findings", "rewrite", "verdict", "expected")


@dataclass
class ModelResult:
    rows: list[Row] = field(default_factory=list)
    rejected: list[tuple[Row, RowReport]] = field(default_factory=list)
    reports: list[RowReport] = field(default_factory=list)


def parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    """`key=value` pairs (`--backend-option`) as backend options (the backend checks the values)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--backend-option takes KEY=VALUE, not {pair!r}")
        out[key.strip()] = value
    return out


def open_backend(kind: str, options: Mapping[str, Any]) -> Any:
    """An assistant backend by kind (gguf, openai, hf, or a plugin's), options given as text."""
    from assistant.backends.registry import create_backend, options_class

    return create_backend(kind, options_class(kind).from_mapping(options, from_text=True))


def draft(row: Row, backend: Any, *, max_tokens: int = 768, temperature: float = 0.7, seed: int | None = None) -> Row:
    """The model's answer to the first user message of `row`, as a row of its own."""
    from assistant.backends.base import ChatMessage, GenerationRequest, complete

    request = GenerationRequest([ChatMessage("system", system_prompt(row.kind)), ChatMessage("user", row.users[0])],
                                max_tokens=max_tokens, temperature=temperature, seed=seed)
    text = complete(backend, request).strip()
    info = backend.info()
    meta = {k: v for k, v in row.meta.items() if k not in _DROP}
    meta.update(source="model", builder="model", drafted_from=row.id, backend=info.backend, model=info.model)
    return Row(f"{row.kind}-m{row.id.split('-', 1)[1]}", row.kind,
               (Turn("system", system_prompt(row.kind)), Turn("user", row.users[0]), Turn("assistant", text or " ")), meta)


def model_rows(rows: Sequence[Row], backend: Any, *, validator: Validator | None = None, max_tokens: int = 768,
               temperature: float = 0.7, seed: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> ModelResult:
    """Drafts for `rows` by `backend`, validated; the failing ones kept with their reason."""
    from assistant.backends.errors import BackendError

    result = ModelResult()
    drafted: list[Row] = []
    failed: list[tuple[Row, str]] = []
    for n, row in enumerate(rows, start=1):
        try:
            drafted.append(draft(row, backend, max_tokens=max_tokens, temperature=temperature, seed=seed))
        except BackendError as exc:
            failed.append((row, f"the backend failed: {exc}"))
        if progress is not None:
            progress(n, len(rows))
    for row, report in zip(drafted, (validator or Validator()).validate(drafted)):
        result.reports.append(report)
        if report.ok:
            result.rows.append(row)
        else:
            result.rejected.append((row, report))
    for row, reason in failed:
        report = RowReport(row.id, row.kind, "model", (reason,))
        result.reports.append(report)
        result.rejected.append((row.with_meta(source="model"), report))
    return result
