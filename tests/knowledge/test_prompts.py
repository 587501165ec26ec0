"""Per-kind system prompts: all five kinds exist and each states the fence conventions."""

from __future__ import annotations

from assistant.knowledge import KINDS, load_prompts, load_reference


def test_every_kind_has_a_complete_prompt() -> None:
    prompts = load_prompts()
    assert set(prompts.kinds) == set(KINDS)
    for kind, prompt in prompts.kinds.items():
        assert prompt.kind == kind and prompt.title
        assert "{conventions}" not in prompt.system, kind
        assert f"```{prompts.fences.code}" in prompt.system, kind
        assert f"```{prompts.fences.quoted}" in prompt.system, kind
        assert f"```{prompts.fences.output}" in prompt.system, kind
        assert "Never show code" in prompt.system, kind


def test_fence_convention() -> None:
    fences = load_prompts().fences
    assert (fences.code, fences.quoted, fences.output) == ("sno", "sno quoted", "output")


def test_fix_and_review_quote_user_code() -> None:
    prompts = load_prompts()
    for kind in ("fix", "review"):
        assert "quoted" in prompts.kinds[kind].system.split("Rules for code")[0], kind


def test_system_for_appends_the_reference() -> None:
    prompts = load_prompts()
    combined = prompts.system_for("ask", "compact")
    assert combined.startswith(prompts.kinds["ask"].system)
    assert combined.endswith(load_reference("compact"))
    assert prompts.system_for("write") == prompts.kinds["write"].system
