"""LoRA and QLoRA runs of a few steps on a tiny model: the loss falls, the run folder is complete,
and --resume after a crash ends at the same step with the same weights as an uninterrupted run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from training_support import need_training_extras, small_config

pytestmark = pytest.mark.slow
need_training_extras()


def logged_losses(run: Path) -> list[tuple[int, float]]:
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [(r["step"], r["loss"]) for r in records if "loss" in r]


def adapter_weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "adapter_model.safetensors"))


class Crash(Exception):
    pass


def crash_after_checkpoint(step: int):
    from transformers import TrainerCallback

    class CrashAfter(TrainerCallback):
        def on_save(self, args, state, control, **kwargs):
            if state.global_step == step:
                raise Crash(f"killed after checkpoint-{step}")

    return CrashAfter()


@pytest.fixture(scope="module")
def lora_run(scratch_base: Path, rows_file: Path, tmp_path_factory: pytest.TempPathFactory):
    from training.sft import run_sft

    run = tmp_path_factory.mktemp("lora") / "run"
    config = small_config(run, scratch_base, rows_file, save_steps=3, tensorboard=True)
    return config, run_sft(config)


def test_lora_loss_falls_and_the_run_folder_is_complete(lora_run) -> None:
    config, result = lora_run
    run = config.run_path
    losses = logged_losses(run)
    assert [step for step, _ in losses] == [1, 2, 3, 4, 5, 6]
    assert losses[-1][1] < losses[0][1] - 0.2, losses
    assert result.method == "lora" and result.global_step == 6 and result.n_trainable < result.n_params / 2
    assert result.eval_loss is not None and 0 <= result.eval_token_accuracy <= 1
    for name in (
        "config.toml",
        "metrics.jsonl",
        "summary.md",
        "result.json",
        "adapter/adapter_model.safetensors",
    ):
        assert (run / name).exists(), name
    assert list((run / "tensorboard").glob("events.out.tfevents.*"))
    assert (run / "adapter" / "chat_template.jinja").read_text() == (
        Path(config.model) / "chat_template.jinja"
    ).read_text()
    summary = (run / "summary.md").read_text()
    assert (
        "| train loss | token accuracy |" in summary
        and "Qwen2.5-Coder-1.5B (recipe) | 0.3261 | 91.4%" in summary
    )
    assert json.loads((run / "result.json").read_text())["global_step"] == 6


def test_resume_continues_from_the_checkpoint_to_the_same_step_and_weights(lora_run, tmp_path: Path) -> None:
    import torch

    from training.sft import TrainError, run_sft

    reference_config, reference = lora_run
    config = small_config(
        tmp_path / "run", Path(reference_config.model), Path(reference_config.data[0]), save_steps=3
    )
    with pytest.raises(Crash):
        run_sft(config, callbacks=[crash_after_checkpoint(3)])
    assert (tmp_path / "run" / "checkpoints" / "checkpoint-3").is_dir()
    with pytest.raises(TrainError, match="pass --resume"):
        run_sft(config)
    resumed = run_sft(config, resume=True)
    assert resumed.resumed_from.endswith("checkpoint-3")
    assert resumed.global_step == reference.global_step == 6
    assert [step for step, _ in logged_losses(config.run_path)] == [1, 2, 3, 4, 5, 6]
    ours, theirs = adapter_weights(Path(resumed.output_dir)), adapter_weights(Path(reference.output_dir))
    assert ours.keys() == theirs.keys()
    for key in ours:
        torch.testing.assert_close(ours[key], theirs[key], rtol=1e-4, atol=1e-6)


def test_qlora_trains_a_4bit_nf4_base_with_packing(
    scratch_base: Path, rows_file: Path, tmp_path: Path
) -> None:
    """bitsandbytes 4-bit runs on this CPU: the base layers are Linear4bit (NF4) and the loss falls."""
    pytest.importorskip("bitsandbytes")
    import bitsandbytes as bnb
    from transformers import TrainerCallback

    from training.sft import run_sft

    quant_types: list[str] = []
    repacks: list[bool] = []

    class Inspect(TrainerCallback):
        def on_train_begin(self, args, state, control, model=None, **kwargs):
            layers = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
            quant_types.extend(m.weight.quant_type for m in layers)
            # the CPU inference repack (AVX512-BF16) would break the steps after the packing probe
            repacks.extend(getattr(m.weight.quant_state, "packing_format_for_cpu", False) for m in layers)

    config = small_config(
        tmp_path / "run", scratch_base, rows_file, method="qlora", packing="on", max_steps=5
    )
    result = run_sft(config, callbacks=[Inspect()])
    assert quant_types and set(quant_types) == {"nf4"}
    assert not any(repacks)
    losses = logged_losses(config.run_path)
    assert result.method == "qlora" and result.packing and losses[-1][1] < losses[0][1] - 0.2, losses
