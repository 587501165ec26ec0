"""The one config dataclass: recipe defaults, TOML file, flags, the copy written into the run folder."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from training.config import (
    RECIPE_TARGETS,
    ConfigError,
    TrainConfig,
    add_config_flags,
    config_from_args,
    load_toml,
    make_config,
)
from training.scratch import SCRATCH_SIZES


def parse(argv: list[str]) -> TrainConfig:
    parser = argparse.ArgumentParser()
    add_config_flags(parser)
    return config_from_args(parser.parse_args(argv))


def test_defaults_are_the_recipe() -> None:
    config = TrainConfig()
    assert (config.learning_rate, config.lr_scheduler, config.epochs, config.warmup_steps) == (
        2e-4,
        "cosine",
        3.0,
        20,
    )
    assert config.effective_batch == 16 and config.max_length == 512
    assert (config.lora_r, config.lora_alpha) == (16, 32)
    assert tuple(config.target_modules) == RECIPE_TARGETS == (
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj",
    )  # fmt: skip


def test_flags_override_the_file_which_overrides_defaults(tmp_path: Path) -> None:
    file = tmp_path / "train.toml"
    file.write_text('[train]\nlearning_rate = 1e-4\nepochs = 1\ntarget_modules = ["q_proj", "v_proj"]\n')
    config = parse(["--config", str(file), "--epochs", "2", "--no-progress", "--data", "a.jsonl", "b.jsonl"])
    assert config.learning_rate == 1e-4  # from the file
    assert config.epochs == 2.0  # the flag wins
    assert config.target_modules == ["q_proj", "v_proj"]
    assert config.progress is False and config.data == ["a.jsonl", "b.jsonl"]
    assert config.lora_r == 16  # untouched default


def test_the_run_folder_copy_reads_back_to_the_same_config(tmp_path: Path) -> None:
    config = make_config(
        None, {"model": "/m", "data": ["x.jsonl"], "epochs": 1.5, "gradient_checkpointing": True}
    )
    file = tmp_path / "config.toml"
    file.write_text(config.to_toml())
    assert "# Peak learning rate of AdamW." in file.read_text()  # commented, for people
    assert make_config(file) == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("learning_rat = 1e-4", "did you mean 'learning_rate'"),
        ("epochs = 'many'", "train.epochs must be a number"),
        ("method = 'qlora4'", "train.method must be one of"),
        ("lora_r = 0", "train.lora_r must be at least 1"),
        ("epochs = [", "is not valid TOML"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(text + "\n")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_toml(file)


def test_scratch_models_start_from_their_size_preset_under_the_users_values() -> None:
    config = make_config(None, {"init": "scratch", "size": "tiny", "warmup_steps": 3})
    tiny = SCRATCH_SIZES["tiny"]
    assert config.method == "full" and config.learning_rate == tiny.learning_rate  # the preset
    assert config.batch_size == tiny.batch_size
    assert config.warmup_steps == 3  # the user's value wins
