"""``synoema-train sft``: supervised fine-tuning with trl's SFTTrainer and a peft LoRA adapter.

What this module decides, and everything else is trl, peft, bitsandbytes and accelerate:

- method: bf16/fp32 LoRA up to 4B parameters, 4-bit NF4 QLoRA (bitsandbytes) above, full training
  for ``--init scratch`` models; or forced with ``method``;
- the loss on assistant tokens only (``assistant_only_loss`` with the training twin of the chat
  template, see ``training.templates``: the end-of-turn token is inside the mask);
- packing (trl's ``bfd`` strategy, padding-free) only when a probe shows the attention backend keeps
  packed examples apart; plain padding otherwise;
- an eval split measured on assistant tokens; checkpoints and ``--resume``; metrics JSONL and
  TensorBoard; a rich progress bar; the run folder with ``summary.md``.

Run folder (``run_dir``)::

    config.toml       the full configuration of this run
    metrics.jsonl     every logged train/eval record
    tensorboard/      TensorBoard event files
    checkpoints/      trainer checkpoints (``--resume`` continues from the newest)
    adapter/          the LoRA adapter and tokenizer (``model/`` for full training)
    summary.md        the recipe's table: train loss, token accuracy, runtime, tokens, tokens/s
    result.json       the same figures for scripts
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from synoema.durable import write_atomic
from training.config import QLORA_ABOVE_PARAMS, TrainConfig
from training.data import load_rows, split_eval, to_dataset
from training.folders import commit, partial
from training.templates import TrainingTemplate, training_template

RECIPE = {  # Qwen2.5-Coder QLoRA/LoRA, one 16 GB consumer GPU, loss and accuracy over all tokens
    "Qwen2.5-Coder-1.5B (recipe)": {"train_loss": 0.3261, "token_accuracy": 0.914, "runtime_s": 34 * 60 + 18},
    "Qwen2.5-Coder-3B (recipe)": {"train_loss": 0.3249, "token_accuracy": 0.915, "runtime_s": 45 * 60 + 23},
}


# Kernels that take packed sequences as separate ones (varlen): padding-free packing costs nothing
# extra with them. sdpa and eager keep packed examples apart too (a block-diagonal mask built from the
# position ids), but attend over the whole flattened batch, so `auto` pads instead there.
VARLEN_ATTENTION = (
    "flash_attention_2",
    "flash_attention_3",
    "kernels-community/flash-attn",
    "kernels-community/flash-attn3",
)


class TrainError(RuntimeError):
    """A run that cannot start or finish; the message says why and what to change."""


@dataclass
class RunResult:
    """What one run produced and measured (also written to result.json)."""

    run_dir: str
    output_dir: str  # adapter/ or model/
    method: str
    dtype: str
    packing: bool
    n_params: int
    n_trainable: int
    train_rows: int
    eval_rows: int
    global_step: int
    train_loss: float | None  # mean over the run (the Trainer's figure)
    final_loss: float | None  # last logged window
    token_accuracy: float | None  # last logged window, assistant tokens
    eval_loss: float | None = None
    eval_token_accuracy: float | None = None  # assistant tokens only
    runtime_s: float = 0.0
    tokens_seen: int = 0
    tokens_per_s: float = 0.0
    resumed_from: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


# --- decisions -------------------------------------------------------------------------------------


def count_parameters(model_dir: Path) -> int:
    """Parameters in the checkpoint's safetensors files, read from their headers (no weights loaded)."""
    from safetensors import safe_open

    files = sorted(model_dir.glob("*.safetensors"))
    if not files:
        raise TrainError(
            f"{model_dir} has no *.safetensors weights; save the base model with safe_serialization"
        )
    total = 0
    for file in files:
        with safe_open(str(file), framework="pt") as handle:
            for key in handle.keys():  # noqa: SIM118 - safe_open is not a mapping
                total += math.prod(handle.get_slice(key).get_shape())
    return total


def choose_method(config: TrainConfig, n_params: int) -> str:
    if config.method != "auto":
        return config.method
    if config.init == "scratch":
        return "full"
    return "qlora" if n_params > QLORA_ABOVE_PARAMS else "lora"


def choose_dtype(config: TrainConfig) -> str:
    import torch

    if config.dtype != "auto":
        return config.dtype
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"  # CPU: bf16 matmuls are emulated on most CPUs and slower than fp32


def _torch_dtype(name: str) -> Any:
    import torch

    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[name]


def sharded_launch() -> bool:
    """FSDP or DeepSpeed through ``accelerate launch`` (the model is partitioned: no probes on it)."""
    return os.environ.get("ACCELERATE_USE_FSDP", "").lower() in ("1", "true") or os.environ.get(
        "ACCELERATE_USE_DEEPSPEED", ""
    ).lower() in ("1", "true")


def distributed_state() -> Any:
    """accelerate's process state, created as the Trainer creates it (CPU processes use gloo)."""
    import torch
    from accelerate import PartialState

    return PartialState(cpu=not torch.cuda.is_available())


def _local_device() -> Any:
    import torch

    if torch.cuda.is_available():
        return int(os.environ.get("LOCAL_RANK", "0"))
    return "cpu"


def keep_4bit_weights_trainable(model: Any) -> None:
    """Turn off bitsandbytes' CPU inference repacking of 4-bit weights.

    On a CPU with AVX512-BF16, a ``Linear4bit`` forward in eval mode without gradients (our packing
    probe, every evaluation) repacks its weights for a fast inference kernel, for good; the next
    training step then adds the bias in place on that path and autograd refuses. Training keeps the
    layout the backward pass needs.
    """
    import bitsandbytes as bnb

    for module in model.modules():
        if isinstance(module, bnb.nn.Linear4bit):
            module.support_avx512bf16_for_cpu = False


def load_model(model_dir: Path, method: str, dtype: str, config: TrainConfig) -> Any:
    """The base model as the method needs it: 4-bit NF4 for qlora, the compute dtype for lora (the base
    is frozen), fp32 master weights for full training (bf16/fp16 then runs as autocast)."""
    import torch
    from transformers import AutoModelForCausalLM

    weights = "fp32" if method == "full" else dtype
    kwargs: dict[str, Any] = {
        "dtype": _torch_dtype(weights),
        "attn_implementation": config.attn_implementation,
    }
    if method == "qlora":
        from transformers import BitsAndBytesConfig

        try:
            import bitsandbytes  # noqa: F401
        except ImportError as exc:
            raise TrainError(
                f"QLoRA needs bitsandbytes ({exc}); pip install bitsandbytes, or use --method lora"
            ) from exc
        compute = _torch_dtype(dtype)
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=compute,
            # FSDP and ZeRO-3 shard parameters of one dtype: the packed 4-bit weights must be stored in it
            bnb_4bit_quant_storage=compute if sharded_launch() else torch.uint8,
        )
        if not sharded_launch():
            kwargs["device_map"] = {"": _local_device()}
    try:
        model = AutoModelForCausalLM.from_pretrained(model_dir, **kwargs)
    except (OSError, ValueError) as exc:
        raise TrainError(f"cannot load the base model from {model_dir}: {exc}") from exc
    if method == "qlora":
        from peft import prepare_model_for_kbit_training

        keep_4bit_weights_trainable(model)
        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=config.gradient_checkpointing
        )
    return model


def packing_keeps_examples_apart(model: Any) -> bool:
    """Run two short sequences alone and packed (position ids restart, no mask): same logits?

    transformers builds a block-diagonal mask from restarting position ids for sdpa, eager and flex
    attention and passes sequence boundaries to flash attention; a backend that does neither would
    let packed examples attend to each other, so packing is used only when this holds.
    """
    import torch

    device = next(model.parameters()).device
    vocab = model.config.get_text_config().vocab_size
    gen = torch.Generator().manual_seed(0)
    first = torch.randint(0, vocab, (1, 5), generator=gen).to(device)
    second = torch.randint(0, vocab, (1, 7), generator=gen).to(device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            alone = torch.cat(
                [
                    model(input_ids=first, use_cache=False).logits,
                    model(input_ids=second, use_cache=False).logits,
                ],
                dim=1,
            )
            positions = torch.cat([torch.arange(5), torch.arange(7)]).unsqueeze(0).to(device)
            packed = model(
                input_ids=torch.cat([first, second], dim=1), position_ids=positions, use_cache=False
            ).logits
    finally:
        model.train(was_training)
    scale = alone.abs().max().clamp(min=1e-6)
    return bool(((packed.float() - alone.float()).abs().max() / scale) < 1e-2)


def latest_checkpoint(folder: Path) -> Path | None:
    found = [p for p in folder.glob("checkpoint-*") if (p / "trainer_state.json").exists()]
    return max(found, key=lambda p: int(p.name.split("-")[-1]), default=None)


# --- the run ---------------------------------------------------------------------------------------


def _checkpointing_flag(cls: Any, enabled: bool) -> dict[str, bool]:
    """transformers 5 renamed gradient_checkpointing to activation_checkpointing (the old name warns)."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(cls)}
    return {
        "activation_checkpointing"
        if "activation_checkpointing" in names
        else "gradient_checkpointing": enabled
    }


def _sampling_flag(cls: Any, by_length: bool) -> dict[str, Any]:
    """transformers 5 chose the sampler with train_sampling_strategy; older ones with group_by_length."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(cls)}
    if "train_sampling_strategy" in names:
        return {"train_sampling_strategy": "group_by_length" if by_length else "random"}
    return {"group_by_length": by_length}


def _sft_config(config: TrainConfig, dtype: str, packing: bool, has_eval: bool) -> Any:
    import torch
    from trl import SFTConfig

    strategy = "steps" if config.save_steps else "epoch"
    eval_strategy = "no" if not has_eval else ("steps" if config.eval_steps else "epoch")
    return SFTConfig(
        output_dir=str(config.run_path / "checkpoints"),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler,
        warmup_steps=config.warmup_steps,
        weight_decay=config.weight_decay,
        optim="adamw_torch",
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum,
        max_length=config.max_length,
        packing=packing,
        packing_strategy="bfd",
        padding_free=packing,
        assistant_only_loss=True,
        eval_strategy=eval_strategy,
        eval_steps=config.eval_steps or None,
        save_strategy=strategy,
        save_steps=config.save_steps or 500,
        save_total_limit=config.save_total_limit,
        logging_steps=config.logging_steps,
        logging_first_step=True,
        report_to="none",  # TensorBoard is added as a callback writing into the run folder
        bf16=dtype == "bf16",
        fp16=dtype == "fp16",
        use_cpu=not torch.cuda.is_available(),
        **_checkpointing_flag(SFTConfig, config.gradient_checkpointing),
        **_sampling_flag(SFTConfig, config.group_by_length and not packing),
        seed=config.seed,
        data_seed=config.seed,
        disable_tqdm=True,
        dataloader_num_workers=config.dataloader_workers,
        save_only_model=False,
        ddp_find_unused_parameters=False,
    )


def quiet_libraries() -> None:
    """No per-file progress bars and info chatter from datasets/transformers: our bar and log say it."""
    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()


@dataclass
class Prepared:
    """A trainer ready to run, and what was decided on the way (``run_sft`` runs it)."""

    config: TrainConfig
    trainer: Any
    template: TrainingTemplate
    tokenizer: Any
    method: str
    dtype: str
    packing: bool
    n_params: int
    train_rows: int
    eval_rows: int
    resumed: Path | None
    notes: dict[str, Any]
    closers: list[Any]


def prepare_run(config: TrainConfig, *, resume: bool = False, callbacks: list[Any] | None = None) -> Prepared:
    """Check the inputs, load tokenizer and model, decide method/dtype/packing, build the SFTTrainer."""
    quiet_libraries()
    from peft import LoraConfig
    from transformers import AutoTokenizer
    from transformers.integrations import TensorBoardCallback
    from trl import SFTTrainer

    from training.callbacks import MetricsJsonl, RichProgress

    run = config.run_path
    model_dir = Path(config.model).expanduser() if config.model else None
    if model_dir is None or not (model_dir / "config.json").exists():
        raise TrainError(
            f"base model {config.model!r} is not a Hugging Face directory with config.json; give --model DIR "
            "(or --init scratch to build one)"
        )
    resumed = latest_checkpoint(run / "checkpoints") if resume else None
    if resume and resumed is None:
        raise TrainError(f"--resume: no checkpoint in {run / 'checkpoints'}")
    if not resume and latest_checkpoint(run / "checkpoints") is not None:
        raise TrainError(
            f"{run} already holds checkpoints: pass --resume to continue, or choose another --run-dir"
        )

    data = load_rows(config.data)
    if config.eval_data:
        train_rows, eval_rows = data.rows, load_rows(config.eval_data).rows
    else:
        train_rows, eval_rows = split_eval(data.rows, config.eval_fraction)

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    template = training_template(tokenizer)
    n_params = count_parameters(model_dir)
    method = choose_method(config, n_params)
    dtype = choose_dtype(config)
    model = load_model(model_dir, method, dtype, config)
    packing = config.packing == "on" or (
        config.packing == "auto" and config.attn_implementation in VARLEN_ATTENTION
    )
    if packing and not sharded_launch() and not packing_keeps_examples_apart(model):
        if config.packing == "on":
            raise TrainError(
                f"packing is on, but with attention {config.attn_implementation!r} packed examples attend to "
                "each other; use --packing off or another --attn-implementation"
            )
        packing = False

    peft_config = None
    if method in ("lora", "qlora"):
        peft_config = LoraConfig(
            r=config.lora_r,
            lora_alpha=config.lora_alpha,
            lora_dropout=config.lora_dropout,
            target_modules=list(config.target_modules),
            bias="none",
            task_type="CAUSAL_LM",
        )
    metrics = MetricsJsonl(run / "metrics.jsonl")
    extra: list[Any] = [metrics, *(callbacks or [])]
    progress = RichProgress() if config.progress else None
    if progress is not None:
        extra.append(progress)
    if config.tensorboard:
        from torch.utils.tensorboard import SummaryWriter

        extra.append(TensorBoardCallback(SummaryWriter(log_dir=str(run / "tensorboard"))))

    tokenizer.chat_template = template.training  # trl prepares the data with the twin that has markers
    trainer = SFTTrainer(
        model=model,
        args=_sft_config(config, dtype, packing, bool(eval_rows)),
        train_dataset=to_dataset(train_rows),
        eval_dataset=to_dataset(eval_rows) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
        callbacks=extra,
    )
    if progress is not None:
        from transformers.trainer_callback import PrinterCallback

        trainer.remove_callback(PrinterCallback)  # the bar shows the figures; metrics.jsonl keeps them all
    if not packing and len(trainer.train_dataset) == 0:
        raise TrainError(
            f"every training row lost its assistant tokens to truncation at max_length {config.max_length}; "
            "raise --max-length"
        )
    notes = {
        "template": template.origin,
        "duplicates_dropped": data.duplicates,
        "truncated_away": 0 if packing else len(train_rows) - len(trainer.train_dataset),
        "model": str(model_dir),
    }
    return Prepared(
        config, trainer, template, tokenizer, method, dtype, packing, n_params, len(train_rows), len(eval_rows),
        resumed, notes, [metrics, progress],
    )  # fmt: skip


def run_sft(config: TrainConfig, *, resume: bool = False, callbacks: list[Any] | None = None) -> RunResult:
    """Train one run as ``config`` says; ``resume`` continues from the newest checkpoint."""
    prep = prepare_run(config, resume=resume, callbacks=callbacks)
    trainer, run = prep.trainer, config.run_path
    main = trainer.is_world_process_zero()
    if main:
        write_atomic(run / "config.toml", config.to_toml())
    started = time.monotonic()
    try:
        output = trainer.train(resume_from_checkpoint=str(prep.resumed) if prep.resumed else None)
    finally:
        for closer in prep.closers:
            if closer is not None:
                closer.close()
    runtime = time.monotonic() - started
    eval_metrics = _final_eval(trainer) if prep.eval_rows else {}

    out_dir = run / ("model" if prep.method == "full" else "adapter")
    prep.tokenizer.chat_template = prep.template.serving  # what the app and the GGUF use
    tmp = partial(out_dir, clear=main)
    trainer.accelerator.wait_for_everyone()
    trainer.save_model(str(tmp))  # on every process: FSDP and ZeRO-3 gather the sharded weights
    if main:
        prep.tokenizer.save_pretrained(tmp)
        commit(tmp, out_dir)
    trainer.accelerator.wait_for_everyone()

    history = [h for h in trainer.state.log_history if "loss" in h]
    last = history[-1] if history else {}
    tokens = int(getattr(trainer, "_total_train_tokens", 0))
    result = RunResult(
        run_dir=str(run),
        output_dir=str(out_dir),
        method=prep.method,
        dtype=prep.dtype,
        packing=prep.packing,
        n_params=prep.n_params,
        n_trainable=sum(p.numel() for p in trainer.model.parameters() if p.requires_grad),
        train_rows=prep.train_rows,
        eval_rows=prep.eval_rows,
        global_step=trainer.state.global_step,
        train_loss=float(output.training_loss) if output.training_loss is not None else None,
        final_loss=_num(last.get("loss")),
        token_accuracy=_num(last.get("mean_token_accuracy")),
        eval_loss=_num(eval_metrics.get("eval_loss")),
        eval_token_accuracy=_num(eval_metrics.get("eval_mean_token_accuracy")),
        runtime_s=round(runtime, 2),
        tokens_seen=tokens,
        tokens_per_s=round(tokens / runtime, 1) if runtime > 0 else 0.0,
        resumed_from=str(prep.resumed) if prep.resumed else None,
        extra=prep.notes,
    )
    if main:
        write_atomic(run / "result.json", result.to_json())
        write_atomic(run / "summary.md", summary_markdown(result))
    return result


def _final_eval(trainer: Any) -> dict[str, Any]:
    """Eval metrics at the last step: the trainer's own when it just evaluated, else a fresh pass."""
    step = trainer.state.global_step
    for record in reversed(trainer.state.log_history):
        if "eval_loss" in record and record.get("step") == step:
            return record
    return trainer.evaluate()


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def summary_markdown(result: RunResult) -> str:
    """The run in the recipe's table, with the recipe's published rows beside it."""

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:.1f}%"

    def num(value: float | None) -> str:
        return "–" if value is None else f"{value:.4f}"

    def clock(seconds: float) -> str:
        minutes, secs = divmod(round(seconds), 60)
        return f"{minutes} min {secs:02d} s"

    name = Path(result.run_dir).name
    lines = [
        f"# Training run: {name}",
        "",
        f"{result.method} ({result.dtype}), {result.train_rows} training rows, {result.eval_rows} held out, "
        f"{result.global_step} steps, packing {'on' if result.packing else 'off'}, "
        f"{result.n_trainable:,} of {result.n_params:,} parameters trained.",
        "",
        "| model | train loss | token accuracy | eval loss | eval token accuracy | runtime | tokens seen | tokens/s |",
        "|---|---|---|---|---|---|---|---|",
        f"| {name} | {num(result.final_loss)} | {pct(result.token_accuracy)} | {num(result.eval_loss)} | "
        f"{pct(result.eval_token_accuracy)} | {clock(result.runtime_s)} | {result.tokens_seen:,} | "
        f"{result.tokens_per_s:,.0f} |",
    ]
    for label, row in RECIPE.items():
        lines.append(
            f"| {label} | {row['train_loss']:.4f} | {pct(row['token_accuracy'])} | – | – | "
            f"{clock(row['runtime_s'])} | – | – |"
        )
    lines += [
        "",
        "Our loss and token accuracy count assistant tokens only (the prompt is masked out); the "
        "recipe's figures count every token, so they are not directly comparable. Train loss and "
        "token accuracy are the last logged window; eval figures are on the held-out rows.",
        "",
    ]
    return "\n".join(lines)
