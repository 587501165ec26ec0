"""The one training configuration: the recipe's defaults, a TOML file, then command-line flags.

Like trl's example scripts there is one dataclass and one entry point. Each field's help text lives
in its metadata, so the flags (``--learning-rate``), the TOML keys (``learning_rate``) and the copy
written into the run folder (``config.toml``) can never disagree. Importing this module is cheap
(no torch), so ``synoema-train --help`` answers at once.

Precedence: defaults < ``--config train.toml`` < flags. The TOML file may hold the keys at top level
or under ``[train]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SIZES: tuple[str, ...] = ("tiny", "small", "base")
METHODS: tuple[str, ...] = ("auto", "lora", "qlora", "full")
DTYPES: tuple[str, ...] = ("auto", "bf16", "fp16", "fp32")
PACKING: tuple[str, ...] = ("auto", "on", "off")
# LoRA up to this many parameters, 4-bit NF4 QLoRA above: the recipe's 1.5B and 3B in bf16, 7B in NF4.
QLORA_ABOVE_PARAMS = 4_000_000_000
RECIPE_TARGETS: tuple[str, ...] = (
    "q_proj",
    "k_proj",
    "v_proj",
    "o_proj",
    "gate_proj",
    "up_proj",
    "down_proj",
)


class ConfigError(ValueError):
    """A configuration file or flag is wrong; the message says which and how."""


def _opt(default: Any, help: str, **extra: Any) -> Any:
    return field(default=default, metadata={"help": help, **extra})


@dataclass
class TrainConfig:
    """Everything one fine-tuning run needs; defaults are the recipe (Qwen2.5-Coder, LoRA r16/a32)."""

    # what to train
    model: str = _opt("", "Base model: a local Hugging Face directory (config.json, tokenizer, weights).")
    init: str = _opt(
        "", "'scratch' builds a new model and tokenizer instead of loading --model.", choices=("", "scratch")
    )
    size: str = _opt("tiny", "Shape of a --init scratch model: tiny, small or base.", choices=SIZES)
    arch: str = _opt(
        "qwen2", "Architecture of a --init scratch model: qwen2 or llama.", choices=("qwen2", "llama")
    )
    data: list[str] = field(
        default_factory=list,
        metadata={"help": "Training data: messages JSONL files (synoema-dialogue merge output)."},
    )
    eval_data: list[str] = field(
        default_factory=list,
        metadata={"help": "Held-out messages JSONL; empty: split eval_fraction off the training data."},
    )
    run_dir: str = _opt("runs/synoema", "Run folder: config, metrics, checkpoints, adapter, summary.md.")
    # method and precision
    method: str = _opt(
        "auto", "lora, qlora (4-bit NF4 base), full, or auto (by model size).", choices=METHODS
    )
    dtype: str = _opt(
        "auto", "Compute dtype: bf16, fp16, fp32, or auto (bf16 on a GPU that has it).", choices=DTYPES
    )
    lora_r: int = _opt(16, "LoRA rank.", minimum=1)
    lora_alpha: int = _opt(32, "LoRA alpha (scale = alpha / r).", minimum=1)
    lora_dropout: float = _opt(0.05, "Dropout on the LoRA path.", minimum=0.0, maximum=1.0)
    target_modules: list[str] = field(
        default_factory=lambda: list(RECIPE_TARGETS), metadata={"help": "Projections that get LoRA adapters."}
    )
    # optimisation (the recipe: AdamW, cosine, 2e-4, 3 epochs, effective batch 16, warmup 20)
    epochs: float = _opt(3.0, "Passes over the training data.", minimum=0.0)
    max_steps: int = _opt(-1, "Stop after this many optimizer steps (-1: run all epochs).")
    learning_rate: float = _opt(2e-4, "Peak learning rate of AdamW.", minimum=0.0)
    lr_scheduler: str = _opt("cosine", "Learning-rate schedule after warmup (transformers name).")
    warmup_steps: int = _opt(20, "Linear warmup steps.", minimum=0)
    weight_decay: float = _opt(0.0, "AdamW weight decay.", minimum=0.0)
    batch_size: int = _opt(4, "Sequences (or packed rows) per device per step.", minimum=1)
    grad_accum: int = _opt(
        4, "Gradient accumulation steps; effective batch = batch_size x grad_accum x devices.", minimum=1
    )
    max_length: int = _opt(
        512, "Tokens per sequence (longer rows are truncated; packed rows are this long).", minimum=16
    )
    packing: str = _opt(
        "auto",
        "Pack short rows (trl bfd, padding-free): on, off, or auto (on with a flash-attention kernel, checked to keep examples apart).",
        choices=PACKING,
    )
    gradient_checkpointing: bool = _opt(False, "Recompute activations in the backward pass to save memory.")
    group_by_length: bool = _opt(
        True, "Batch rows of similar length together (less padding) when not packing."
    )
    seed: int = _opt(42, "Seed for data order, LoRA init and dropout.")
    # evaluation, logging, checkpoints
    eval_fraction: float = _opt(
        0.05, "Share of rows held out for evaluation when no eval_data is given.", minimum=0.0, maximum=0.5
    )
    eval_steps: int = _opt(0, "Evaluate every N steps (0: once per epoch).", minimum=0)
    logging_steps: int = _opt(10, "Log metrics every N steps.", minimum=1)
    save_steps: int = _opt(0, "Checkpoint every N steps (0: once per epoch).", minimum=0)
    save_total_limit: int = _opt(2, "Checkpoints kept (oldest deleted first).", minimum=1)
    progress: bool = _opt(True, "Show a rich progress bar.")
    tensorboard: bool = _opt(True, "Write TensorBoard event files into RUN/tensorboard.")
    attn_implementation: str = _opt("sdpa", "Attention kernel: sdpa, eager, flash_attention_2, ...")
    dataloader_workers: int = _opt(0, "Data loader worker processes.", minimum=0)

    @property
    def run_path(self) -> Path:
        return Path(self.run_dir).expanduser()

    @property
    def effective_batch(self) -> int:
        return self.batch_size * self.grad_accum

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_toml(self) -> str:
        """The config as commented TOML under ``[train]`` (what goes into the run folder)."""
        import tomlkit

        doc = tomlkit.document()
        doc.add(
            tomlkit.comment("synoema-train configuration (written by the run; rerun with --config this file)")
        )
        table = tomlkit.table()
        for spec in dataclasses.fields(self):
            table.add(tomlkit.comment(spec.metadata["help"]))
            table.add(spec.name, getattr(self, spec.name))
        doc.add("train", table)
        return tomlkit.dumps(doc)


# --- reading and checking values ----------------------------------------------------------------------


def _hints() -> dict[str, Any]:
    return typing.get_type_hints(TrainConfig)


def _base_type(hint: Any) -> Any:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return next(a for a in typing.get_args(hint) if a is not type(None))
    return hint


def _coerce(name: str, value: Any) -> Any:
    spec = next(f for f in dataclasses.fields(TrainConfig) if f.name == name)
    kind = _base_type(_hints()[name])
    where = f"train.{name}"
    if typing.get_origin(kind) is list:
        if isinstance(value, str):
            value = [part for part in (p.strip() for p in value.split(",")) if part]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, got {value!r}")
        return list(value)
    if kind is bool:
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return value.lower() in ("1", "true", "yes", "on")
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if kind in (int, float):
        word = "a whole number" if kind is int else "a number"
        if isinstance(value, str):
            try:
                value = kind(value)
            except ValueError:
                raise ConfigError(f"{where} must be {word}, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int if kind is int else int | float):
            raise ConfigError(f"{where} must be {word}, got {value!r}")
        value = kind(value)
    elif not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, got {value!r}")
    meta = spec.metadata
    if "choices" in meta and value not in meta["choices"]:
        shown = ", ".join(repr(c) for c in meta["choices"])
        raise ConfigError(f"{where} must be one of {shown}, got {value!r}")
    if "minimum" in meta and value < meta["minimum"]:
        raise ConfigError(f"{where} must be at least {meta['minimum']}, got {value!r}")
    if "maximum" in meta and value > meta["maximum"]:
        raise ConfigError(f"{where} must be at most {meta['maximum']}, got {value!r}")
    return value


def load_toml(path: str | Path) -> dict[str, Any]:
    """Settings from a TOML file (top level or ``[train]``), checked; unknown keys are an error."""
    import difflib
    import tomllib

    file = Path(path).expanduser()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {file} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file} is not valid TOML: {exc}") from None
    if isinstance(data.get("train"), dict):
        data = data["train"]
    names = [f.name for f in dataclasses.fields(TrainConfig)]
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{file}: unknown setting {key!r}{hint}")
        out[key] = _coerce(key, value)
    return out


def make_config(file: str | Path | None = None, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """Defaults < scratch preset < file < overrides (``None`` overrides are ignored, so argparse output passes)."""
    values: dict[str, Any] = {}
    if file:
        values.update(load_toml(file))
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = _coerce(key, value)
    if values.get("init") == "scratch":  # a random-weight model: its size's preset under the user's values
        from training.scratch import preset

        values = {**preset(values.get("size", "tiny")), **values}
    return TrainConfig(**values)


# --- command-line flags ----------------------------------------------------------------------------------


def add_config_flags(parser: argparse.ArgumentParser, *, skip: tuple[str, ...] = ()) -> None:
    """One ``--flag`` per field (default None, so only flags the user gave override the file)."""
    parser.add_argument("--config", type=Path, help="TOML file with settings (top level or [train])")
    group = parser.add_argument_group("training settings (override --config)")
    hints = _hints()
    for spec in dataclasses.fields(TrainConfig):
        if spec.name in skip:
            continue
        flag = "--" + spec.name.replace("_", "-")
        kind = _base_type(hints[spec.name])
        default = spec.default if spec.default is not dataclasses.MISSING else spec.default_factory()  # type: ignore[misc]
        help_text = f"{spec.metadata['help']} (default: {default!r})"
        if kind is bool:
            group.add_argument(
                flag, dest=spec.name, action=argparse.BooleanOptionalAction, default=None, help=help_text
            )
        elif typing.get_origin(kind) is list:
            group.add_argument(flag, dest=spec.name, nargs="+", default=None, metavar="VALUE", help=help_text)
        else:
            choices = tuple(c for c in spec.metadata.get("choices", ()) if c) or None
            group.add_argument(
                flag,
                dest=spec.name,
                default=None,
                choices=choices,
                metavar=None if choices else "VALUE",
                help=help_text,
            )


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    overrides = {k: v for k, v in vars(args).items() if k in names}
    return make_config(getattr(args, "config", None), overrides)
