"""The prompt builder: what is kept within the token budget, counted with real tokenizers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engine.fewshot import Example, ExampleBank
from assistant.engine.prompting import build_prompt, context_budget, reference_sizes
from assistant.engine.tokens import TokenCounter, counter_for, estimating_counter, tiktoken_counter
from assistant.knowledge import load_prompts, load_reference

SYSTEM = load_prompts().system_for("fix")
CODE = "scores = [90, 72, 85]\n\naverage xs = sum xs / length xs\n\nmain = average scores\n"
CURRENT = [("user", f"Why does this fail?\n\n```sno\n{CODE}```")]


def history(turns: int, words: int = 60) -> list[tuple[str, str]]:
    out = []
    for i in range(turns):
        out.append(("user", f"question {i}: " + "lists and folds " * words))
        out.append(("assistant", f"answer {i}: " + "use foldl with an accumulator " * words))
    return out


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    found = tiktoken_counter()
    return found if found is not None else estimating_counter()


def test_everything_fits_in_a_large_budget(counter: TokenCounter) -> None:
    plan = build_prompt(
        system=SYSTEM, current=CURRENT, counter=counter, budget=100_000, reference=load_reference,
        reference_sizes=reference_sizes("full"), history=history(3),
        examples=[Example("fix-x", "fix", "u", "a")],
    )  # fmt: skip
    assert plan.reference == "full" and plan.turns_dropped == 0 and plan.turns_kept == 6
    roles = [m.role for m in plan.messages]
    assert roles == ["system", "user", "assistant"] + ["user", "assistant"] * 3 + ["user"]
    assert plan.messages[-1].content == CURRENT[0][1]
    assert load_reference("full") in plan.messages[0].content


def test_old_turns_are_trimmed_first_and_in_whole_exchanges(counter: TokenCounter) -> None:
    turns = history(10)
    one_exchange = sum(counter.count_message(c) for _, c in turns[:2])
    base = counter.count_message(SYSTEM) + counter.count_message(CURRENT[0][1])
    plan = build_prompt(system=SYSTEM, current=CURRENT, counter=counter, budget=base + 3 * one_exchange + 10,
                        history=turns)  # fmt: skip
    assert plan.turns_kept == 6 and plan.turns_dropped == 14
    kept = [m.content for m in plan.messages[1:-1]]
    assert kept[0].startswith("question 7") and kept[-1].startswith("answer 9")  # the newest survive
    assert plan.tokens <= plan.budget


def test_the_current_code_is_never_trimmed(counter: TokenCounter) -> None:
    huge = [("user", "Explain:\n```sno\n" + "f x = x + 1\n" * 2000 + "```")]
    plan = build_prompt(system=SYSTEM, current=huge, counter=counter, budget=500, reference=load_reference,
                        history=history(4))  # fmt: skip
    assert plan.over_budget and plan.turns_kept == 0 and plan.reference is None
    assert plan.messages[-1].content == huge[0][1]


def test_reference_shrinks_from_full_to_compact_then_goes(counter: TokenCounter) -> None:
    base = counter.count_message(SYSTEM) + counter.count_message(CURRENT[0][1])
    full = counter.count("\n\n" + load_reference("full"))
    compact = counter.count("\n\n" + load_reference("compact"))
    assert compact < full
    sizes = reference_sizes("full")
    common = {"system": SYSTEM, "current": CURRENT, "counter": counter, "reference": load_reference}
    assert build_prompt(budget=base + full, reference_sizes=sizes, **common).reference == "full"
    assert build_prompt(budget=base + full - 1, reference_sizes=sizes, **common).reference == "compact"
    assert build_prompt(budget=base + compact - 1, reference_sizes=sizes, **common).reference is None


def test_budget_leaves_room_for_the_answer() -> None:
    assert context_budget(3072, 4096, 1024) == 3072
    assert context_budget(3072, 2048, 512) == 1536
    assert context_budget(3072, None, 512) == 3072


def test_examples_are_chosen_by_kind_and_similarity(tmp_path: Path) -> None:
    (tmp_path / "fix.jsonl").write_text(
        '{"id": "fix-mine", "kind": "fix", "messages": [{"role": "user", "content": "my record update fails"},'
        ' {"role": "assistant", "content": "Use {...r, x = 1}."}], "meta": {}}\n'
        '{"id": "fix-bad", "kind": "fix", "messages": [{"role": "user", "content": "record update"},'
        ' {"role": "assistant", "content": "wrong"}], "meta": {"rating": -1}}\n'
        "not json\n",
        encoding="utf-8",
    )
    bank = ExampleBank(tmp_path)
    picked = bank.pick("fix", "record update does not work", k=2)
    assert picked[0].id == "fix-mine" and all(e.kind == "fix" for e in picked)
    assert "fix-bad" not in [e.id for e in bank.examples()]
    assert any("malformed" in p for p in bank.problems)
    commas = bank.pick("fix", "Expected expression, got Comma in my list [90, 72, 85]", k=1)
    assert commas and commas[0].source == "seed"


def test_the_model_tokenizer_is_preferred(tiny_gguf: Path) -> None:
    from assistant.backends import create_backend

    backend = create_backend("gguf", {"model_path": str(tiny_gguf), "n_ctx": 512, "n_threads": 2})
    try:
        counter = counter_for(backend)
        assert counter.name == "gguf tokenizer"
        sizes = {size: counter.count(load_reference(size)) for size in ("full", "compact")}
        print(f"reference tokens with the tiny model's tokenizer: {sizes}")
        assert sizes["compact"] < sizes["full"]
        assert counter.count("main = 1") == backend.count_tokens("main = 1")
    finally:
        backend.close()
