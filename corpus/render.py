"""A program record as a training example: exactly what a write conversation in the app looks like.

The system turn is the app's own write prompt (`assistant.knowledge`), the user turn is the task,
and the assistant turn is the approach in a sentence or two followed by the program in a ```sno
block and its ```output block (`synoema.fences.program_block`: what `synoema run` prints).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from synoema.fences import program_block

from .schema import ProgramRecord


@lru_cache(maxsize=1)
def write_system_prompt() -> str:
    from assistant.knowledge import load_prompts

    return load_prompts().kinds["write"].system


def user_turn(record: ProgramRecord) -> str:
    return record.prompt


def assistant_turn(record: ProgramRecord | Any, source: str | None = None, stdout: str | None = None) -> str:
    """The answer: approach, program and output (`source`/`stdout` override the record's)."""
    code = record.source if source is None else source
    out = record.expected_output if stdout is None else stdout
    block = program_block(code, out)
    approach = getattr(record, "approach", "")
    return f"{approach}\n\n{block}" if approach else block


def messages(record: ProgramRecord) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": write_system_prompt()},
        {"role": "user", "content": user_turn(record)},
        {"role": "assistant", "content": assistant_turn(record)},
    ]


def example_text(prompt: str, answer: str) -> str:
    """What the length limit measures: the user and assistant turns (the system prompt is shared)."""
    return f"{prompt}\n{answer}"
