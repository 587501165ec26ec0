"""The prompt settings of an evaluation.

- ``assistant``: the app's write conversation, built by the engine itself (the write system prompt
  from `assistant.knowledge.load_prompts()`, the reference size and few-shot examples the engine
  picks, its token budget). What a user of the app gets.
- ``baseline``: the recipe's in-context setting: the language reference in the system message
  (the full one when it fits the budget, else the compact one, chosen by the engine's prompt
  builder) and a plain instruction; no few-shot examples, no product conventions.
- ``trained``: the app's write conversation as it serves a model fine-tuned by `synoema-train`
  (`engine.reference = "none"`, `engine.few_shots = 0`): the system prompt and the task, exactly
  the shape of the training rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PROMPTS: tuple[str, ...] = ("baseline", "assistant", "trained")

BASELINE_INSTRUCTION = (
    "Below is the reference of Synoema, a programming language. Solve the user's task in Synoema. "
    "Reply with the complete program in one ```sno code block."
)


def baseline_plan(
    current: Sequence[tuple[str, str]], *, counter: Any, budget: int
) -> Any:
    """The baseline prompt for the turn(s) `current` (the task, then any repair exchange)."""
    from assistant.engine.prompting import build_prompt
    from assistant.knowledge import load_reference

    return build_prompt(
        system=BASELINE_INSTRUCTION,
        current=current,
        counter=counter,
        budget=budget,
        reference=load_reference,
        reference_sizes=("full", "compact"),
    )
