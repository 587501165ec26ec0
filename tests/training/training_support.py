"""Fixtures for the training tests: short chat rows with the app's prompts, a tiny scratch base model.

Everything is built here, offline: the rows are ours, the tokenizer is trained on them and the model
starts from random weights (``training.scratch``, size tiny, ~1M parameters).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def need_training_extras() -> None:
    for module in ("torch", "transformers", "trl", "peft", "datasets", "accelerate"):
        pytest.importorskip(module)


# Short conversations: the app's system prompt comes from each row's kind (training.data fills it in).
_TASKS = [
    ("double 21", "main = 21 * 2", "42"),
    ("add 2 and 3", "main = 2 + 3", "5"),
    ("the list 1 to 3", "main = [1 2 3]", "[1 2 3]"),
    ("the length of [4 5 6]", "main = length [4 5 6]", "3"),
    ("greet Ann", 'main = "hi " ++ "Ann"', "hi Ann"),
    ("square 7", "sq x = x * x\nmain = sq 7", "49"),
    ("the max of 3 and 9", "main = ? 3 > 9 -> 3 : 9", "9"),
    ("reverse [1 2 3]", "main = reverse [1 2 3]", "[3 2 1]"),
    ("sum [1 2 3 4]", "main = sum [1 2 3 4]", "10"),
    ("ten minus four", "main = 10 - 4", "6"),
    ("the head of [8 9]", "main = head [8 9]", "8"),
    ("triple 5", "triple x = x * 3\nmain = triple 5", "15"),
]


def short_rows() -> list[dict[str, Any]]:
    from synoema.fences import program_block

    rows = []
    for task, code, out in _TASKS:
        answer = "Here it is.\n\n" + program_block(code, out + "\n")
        rows.append(
            {
                "kind": "write",
                "messages": [
                    {"role": "user", "content": f"Write {task}."},
                    {"role": "assistant", "content": answer},
                ],
            }
        )
    return rows


@pytest.fixture(scope="session")
def rows_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.data import write_rows

    return write_rows(tmp_path_factory.mktemp("rows") / "rows.jsonl", short_rows())


@pytest.fixture(scope="session")
def scratch_base(rows_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Qwen2 model whose tokenizer was trained on the rows (and the seed dialogues)."""
    need_training_extras()
    from training.data import corpus_text, load_rows, seed_dialogue_rows, write_rows
    from training.scratch import build_scratch_model

    folder = tmp_path_factory.mktemp("base")
    seed = write_rows(folder / "seed.jsonl", seed_dialogue_rows())
    rows = load_rows([rows_file, seed]).rows
    return build_scratch_model(folder / "tiny", corpus_text(rows), size="tiny", seed=0)


def small_config(run_dir: Path, model: Path, data: Path, **changes: Any) -> Any:
    """A few-step run: small batches, logging every step, no progress bar."""
    from training.config import make_config

    values: dict[str, Any] = {
        "model": str(model),
        "data": [str(data)],
        "run_dir": str(run_dir),
        "method": "lora",
        "max_steps": 6,
        "batch_size": 2,
        "grad_accum": 1,
        "warmup_steps": 0,
        "learning_rate": 5e-3,
        "lora_r": 8,
        "lora_alpha": 16,
        "lora_dropout": 0.0,
        "logging_steps": 1,
        "max_length": 1024,
        "eval_fraction": 0.2,
        "progress": False,
        "tensorboard": False,
        "packing": "off",
    }
    values.update(changes)
    return make_config(None, values)
