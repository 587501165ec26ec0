"""Assistant-only loss: the training twin of each chat template, and the label mask token by token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from training_support import need_training_extras, small_config

need_training_extras()

from training.templates import CHATML_TRAINING_TEMPLATE, PROBE, TemplateError, training_template  # noqa: E402
from training.tiny_model import CHATML_TEMPLATE  # noqa: E402


@pytest.fixture
def tokenizer(scratch_base: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(scratch_base)


def test_our_chatml_gets_its_twin_which_renders_the_same_text(tokenizer) -> None:
    assert tokenizer.chat_template == CHATML_TEMPLATE
    found = training_template(tokenizer)
    assert (found.origin, found.training) == ("chatml", CHATML_TRAINING_TEMPLATE)
    for generation_prompt in (False, True):
        kwargs = {"tokenize": False, "add_generation_prompt": generation_prompt}
        assert tokenizer.apply_chat_template(PROBE, chat_template=found.training, **kwargs) == (
            tokenizer.apply_chat_template(PROBE, chat_template=found.serving, **kwargs)
        )


def test_qwen25_uses_trls_training_template(tokenizer) -> None:
    import trl

    shipped = Path(trl.__file__).parent / "chat_templates" / "qwen2_5.jinja"  # Qwen2.5's own template
    tokenizer.chat_template = shipped.read_text(encoding="utf-8")
    found = training_template(tokenizer)
    assert found.origin == "trl" and "{%- generation %}" in found.training


def test_an_unknown_template_is_refused_with_a_message(tokenizer) -> None:
    tokenizer.chat_template = "{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}"
    with pytest.raises(TemplateError, match=r"unknown chat template.*\{% generation %\}"):
        training_template(tokenizer)


def test_markers_that_leave_the_end_of_turn_token_out_are_refused(tokenizer) -> None:
    tokenizer.chat_template = CHATML_TRAINING_TEMPLATE.replace(
        "{% generation %}{{ message['content'] + '<|im_end|>' + '\n' }}{% endgeneration %}",
        "{% generation %}{{ message['content'] }}{% endgeneration %}{{ '<|im_end|>' + '\n' }}",
    )
    with pytest.raises(TemplateError, match="never learns to stop"):
        training_template(tokenizer)


def test_the_label_mask_token_by_token(scratch_base: Path, rows_file: Path, tmp_path: Path) -> None:
    """System and user tokens are -100; assistant tokens and each assistant's <|im_end|> are labels."""
    from training.data import load_rows
    from training.sft import prepare_run

    two_rounds = {"kind": "ask", "messages": [
        {"role": "user", "content": "What does ++ do?"},
        {"role": "assistant", "content": "It joins two strings or two lists: `\"a\" ++ \"b\"`."},
        {"role": "user", "content": "And on lists?"},
        {"role": "assistant", "content": "`[1] ++ [2]` is `[1 2]`."},
    ]}  # fmt: skip
    data = tmp_path / "mask.jsonl"
    data.write_text(rows_file.read_text() + json.dumps(two_rounds) + "\n")
    prep = prepare_run(small_config(tmp_path / "run", scratch_base, data, eval_fraction=0.0))
    tokenizer, dataset = prep.tokenizer, prep.trainer.train_dataset
    end_id = tokenizer.convert_tokens_to_ids("<|im_end|>")
    rows = load_rows([data]).rows
    assert len(dataset) == len(rows) == 13
    for index, (row, example) in enumerate(zip(rows, dataset)):
        messages = row.as_messages()  # the app's system prompt first
        text = tokenizer.apply_chat_template(messages, tokenize=False, chat_template=prep.template.serving)
        encoded = tokenizer(text, return_offsets_mapping=True, add_special_tokens=False)
        assert encoded["input_ids"] == example["input_ids"]
        spans = []  # [start, end) of each assistant reply and its "<|im_end|>\n"
        head = "<|im_start|>assistant\n"
        at = text.find(head)
        while at >= 0:
            start = at + len(head)
            end = text.index("<|im_end|>\n", start) + len("<|im_end|>\n")
            spans.append((start, end))
            at = text.find(head, end)
        expected = [
            token if any(s <= a and b <= e for s, e in spans) else -100
            for token, (a, b) in zip(encoded["input_ids"], encoded["offset_mapping"])
        ]
        assert example["labels"] == expected, f"row {index}"
        n_assistant = sum(m["role"] == "assistant" for m in messages)
        assert sum(1 for t in example["labels"] if t == end_id) == n_assistant  # the model learns to stop
        system_end = text.index("<|im_end|>") + len("<|im_end|>")
        system_tokens = [i for i, (a, _) in enumerate(encoded["offset_mapping"]) if a < system_end]
        assert all(example["labels"][i] == -100 for i in system_tokens)
        assert any(t != -100 for t in example["labels"])
