"""``synoema-train merge``: fold a LoRA adapter into its base model, in full precision.

The base is loaded in fp32 (never the 4-bit weights a QLoRA run trained against: merging into
quantized weights would round the adapter away), peft's ``merge_and_unload`` adds B·A·scale to each
target matrix, and the result is saved in the base checkpoint's own dtype (or the one asked for)
with the adapter's tokenizer, whose chat template is the serving one. The folder appears only when
complete, so the pipeline can skip a merge that already happened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from training.folders import write_folder


class MergeError(RuntimeError):
    """The adapter or its base cannot be merged; the message says why."""


def run_output(run_dir: Path) -> Path:
    """What a run trained: its ``adapter/`` or, for full training, its ``model/``."""
    for name in ("adapter", "model"):
        if (run_dir / name).is_dir():
            return run_dir / name
    raise MergeError(f"{run_dir} holds neither adapter/ nor model/: has the run finished?")


def base_of(adapter_dir: Path) -> Path:
    try:
        config = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MergeError(f"{adapter_dir} is not a peft adapter (no adapter_config.json)") from None
    base = config.get("base_model_name_or_path")
    if not base or not (Path(base) / "config.json").exists():
        raise MergeError(f"the adapter's base model {base!r} is not a local directory; pass --base DIR")
    return Path(base)


def _saved_dtype(base: Path) -> str:
    config = json.loads((base / "config.json").read_text(encoding="utf-8"))
    name = str(config.get("dtype") or config.get("torch_dtype") or "float32")
    return {"bfloat16": "bf16", "float16": "fp16"}.get(name, "fp32")


def merge_adapter(
    adapter_dir: str | Path, out_dir: str | Path, *, base: str | Path | None = None, dtype: str = "auto"
) -> Path:
    """Write base + adapter to ``out_dir`` as a plain Hugging Face model; returns ``out_dir``."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.sft import quiet_libraries

    quiet_libraries()
    adapter = Path(adapter_dir)
    base_dir = Path(base) if base else base_of(adapter)
    model: Any = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    target = _saved_dtype(base_dir) if dtype == "auto" else dtype
    model = model.to({"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[target])
    tokenizer = AutoTokenizer.from_pretrained(
        adapter if (adapter / "tokenizer_config.json").exists() else base_dir
    )

    def save(folder: Path) -> None:
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)

    return write_folder(out_dir, save)
