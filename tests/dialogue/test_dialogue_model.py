"""The model-backed builder: any assistant backend drafts the answer; drafts are validated and the
rejected ones kept with their reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.backends.base import BackendInfo, GenerationRequest
from assistant.backends.errors import BackendConnectionError
from dialogue.format import Row, kind_file, read_rows, system_prompt
from dialogue.model import model_rows, open_backend, parse_options


class Answers:
    """A backend (the assistant's protocol) that answers each user message from a table."""

    name = "table"
    model = "table-1"

    def __init__(self, answers: dict[str, str | Exception]) -> None:
        self.answers = answers
        self.requests: list[GenerationRequest] = []

    def stream(self, request: GenerationRequest, cancel: object = None) -> Iterator[str]:
        self.requests.append(request)
        answer = self.answers[request.messages[-1].content]
        if isinstance(answer, Exception):
            raise answer
        yield from (answer[i:i + 7] for i in range(0, len(answer), 7))

    def info(self) -> BackendInfo:
        return BackendInfo(self.name, self.model, 4096)

    def close(self) -> None:
        pass


def test_model_drafts_are_validated_and_rejections_kept_with_the_reason(built: Path) -> None:
    rows: list[Row] = read_rows(kind_file(built, "write")).rows[:3]
    good, wrong, down = rows
    backend = Answers({
        good.users[0]: good.assistants[0],
        wrong.users[0]: wrong.assistants[0].replace("```output\n", "```output\n999\n", 1),
        down.users[0]: BackendConnectionError("connection refused"),
    })
    result = model_rows(rows, backend)
    assert all(r.messages[0].content == system_prompt("write") and len(r.messages) == 2 for r in backend.requests)
    (passed,) = result.rows
    assert passed.source == "model" and passed.meta["drafted_from"] == good.id and passed.meta["model"] == "table-1"
    assert passed.split == good.split and "templates" not in passed.meta
    reasons = {row.meta.get("drafted_from", row.id): report.reason() for row, report in result.rejected}
    assert "999" in reasons[wrong.id] and "the backend failed: connection refused" in reasons[down.id]
    assert len(result.reports) == 3
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_options(["model_path"])


@pytest.mark.slow
def test_a_real_local_model_drafts_through_the_gguf_backend(built: Path, tiny_gguf: Path, need_llama_cpp: None) -> None:
    rows = read_rows(kind_file(built, "ask")).rows[:2]
    backend = open_backend("gguf", {"model_path": str(tiny_gguf), "n_ctx": "512", "n_threads": "1"})
    try:
        result = model_rows(rows, backend, max_tokens=24, temperature=0.0, seed=0)
    finally:
        backend.close()
    assert len(result.reports) == 2
    for row, report in result.rejected:  # random weights write no valid answer: each rejection says why
        assert row.source == "model" and report.problems
    assert all(r.source == "model" for r in result.rows)
