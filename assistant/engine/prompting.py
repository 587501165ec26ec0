"""Building the chat prompt within a token budget.

What goes in, by priority: the kind's system prompt and the current turn (with the user's code and
the compiler's report) always; then our Synoema reference at the configured size, or the compact one,
or none; then as many recent conversation turns as fit, newest first, in whole exchanges; then
few-shot examples. Old turns are what gets trimmed; the current code never is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.backends.base import ChatMessage
from assistant.engine.fewshot import Example
from assistant.engine.tokens import TokenCounter

if TYPE_CHECKING:
    from assistant.knowledge import Size

Turn = tuple[str, str]  # (role, content)
REFERENCE_HEADER = "# Synoema reference"


@dataclass
class PromptPlan:
    """The messages to send and what was kept or left out to fit the budget."""

    messages: list[ChatMessage]
    tokens: int
    budget: int
    reference: str | None = None
    examples: list[str] = field(default_factory=list)
    turns_kept: int = 0
    turns_dropped: int = 0
    over_budget: bool = False  # even the mandatory part does not fit


def context_budget(configured: int, n_ctx: int | None, max_tokens: int) -> int:
    """Prompt tokens allowed: the configured budget, capped by what the context leaves for the answer."""
    if n_ctx:
        return max(64, min(configured, n_ctx - max_tokens))
    return configured


def _units(turns: Sequence[Turn]) -> list[list[Turn]]:
    """Group turns into exchanges (a user turn and the replies after it) so trimming keeps pairs."""
    units: list[list[Turn]] = []
    for role, content in turns:
        if role == "system":
            continue
        if role == "user" or not units:
            units.append([(role, content)])
        else:
            units[-1].append((role, content))
    return units


def build_prompt(
    *,
    system: str,
    current: Sequence[Turn],
    counter: TokenCounter,
    budget: int,
    reference: Callable[[Size], str] | None = None,
    reference_sizes: Sequence[Size] = ("compact",),
    history: Sequence[Turn] = (),
    examples: Sequence[Example] = (),
) -> PromptPlan:
    """Assemble system, examples, history and the current turn(s) so the total fits `budget`."""
    count = counter.count_message
    used = count(system) + sum(count(c) for _, c in current)
    over = used > budget
    chosen_reference: str | None = None
    system_text = system
    if reference is not None:
        for size in reference_sizes:
            text = reference(size)
            cost = counter.count("\n\n" + text)
            if used + cost <= budget:
                chosen_reference, system_text, used = size, f"{system}\n\n{text}", used + cost
                break
    kept: list[list[Turn]] = []
    units = _units(history)
    for unit in reversed(units):
        cost = sum(count(c) for _, c in unit)
        if used + cost > budget:
            break
        kept.insert(0, unit)
        used += cost
    shots: list[Example] = []
    for example in examples:
        cost = count(example.user) + count(example.assistant)
        if used + cost <= budget:
            shots.append(example)
            used += cost
    messages = [ChatMessage("system", system_text)]
    for example in shots:
        messages += [ChatMessage("user", example.user), ChatMessage("assistant", example.assistant)]
    for unit in kept:
        messages += [ChatMessage(role, content) for role, content in unit]  # type: ignore[arg-type]
    messages += [ChatMessage(role, content) for role, content in current]  # type: ignore[arg-type]
    kept_turns = sum(len(u) for u in kept)
    return PromptPlan(
        messages=messages,
        tokens=used,
        budget=budget,
        reference=chosen_reference,
        examples=[e.id for e in shots],
        turns_kept=kept_turns,
        turns_dropped=sum(len(u) for u in units) - kept_turns,
        over_budget=over,
    )


def reference_sizes(configured: str) -> tuple[Size, ...]:
    """Sizes to try, largest allowed first: the full reference may shrink to the compact one; none
    for a model fine-tuned without it (it is served the prompt it was trained on)."""
    if configured == "none":
        return ()
    return ("full", "compact") if configured == "full" else ("compact",)
