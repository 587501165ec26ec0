"""``--init scratch``: a new Llama- or Qwen2-shaped model and a tokenizer trained on the data itself.

For machines without a base model (and for tests): a byte-level BPE tokenizer is trained with the
``tokenizers`` library on the training conversations (the same Qwen2 pre-tokenizer and ChatML
special tokens as ``training.tiny_model``, so the GGUF exporter and llama.cpp treat it like a Qwen
tokenizer), the chat template is our ChatML (its training twin has ``{% generation %}`` markers,
see ``training.templates``), and the model is initialised from a config with the usual 0.02 scale.
All its weights are then trained (``method = full``).

Each kind's system prompt is one added token of the vocabulary (a USER_DEFINED token in the GGUF,
which llama.cpp, like ``tokenizers``, matches whole in any text). The prompt is the same text the
app sends; it just costs one position instead of ~300. On two CPU cores that matters: the prompt
is two thirds of a training row's characters, masked from the loss yet paid for in every forward
and backward pass, and a small vocabulary spends its merges on code instead of the prompt's words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.folders import write_folder


@dataclass(frozen=True)
class ScratchSize:
    """One model shape and the training settings that suit it when it starts from random weights."""

    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    max_positions: int
    # training preset (applied unless the config file or a flag sets the value)
    learning_rate: float
    epochs: float
    max_length: int  # a small vocabulary spends more tokens on a program than Qwen's
    warmup_steps: int
    batch_size: int
    grad_accum: int
    corpus_target: int  # programs `synoema-train all` builds for this size


SCRATCH_SIZES: dict[str, ScratchSize] = {
    # ~0.9M parameters: trains on two CPU cores in minutes (tests, `synoema-train all --init scratch`).
    # Compute is the limit. With the system prompt as one token a row is ~350 tokens, ~2/3 of them
    # the answer; 6 epochs of 3,000 programs (~5M tokens) take ~8 minutes of two cores. A 1,024-token
    # vocabulary beat 512 and 2,048 at this size (syntax 8.0% against 5.5% and 2.5%, the app's
    # sampling); at 2,048, 12 epochs of 3,000 programs, or 3 of 5,000, did no better than 4 of 3,000.
    "tiny": ScratchSize(1024, 128, 384, 4, 4, 2, 2048, 5e-3, 6.0, 1024, 20, 4, 1, 3000),
    # ~16M parameters: a CPU afternoon or a GPU minute
    "small": ScratchSize(8192, 384, 1024, 8, 6, 2, 4096, 1e-3, 3.0, 1024, 50, 8, 2, 5000),
    # ~90M parameters: a GPU run
    "base": ScratchSize(16384, 768, 2048, 12, 12, 4, 4096, 6e-4, 3.0, 1024, 100, 16, 1, 5000),
}


def preset(size: str) -> dict[str, Any]:
    """Training settings a scratch model of ``size`` starts from (the config can override each)."""
    shape = SCRATCH_SIZES[size]
    return {
        "method": "full",
        "learning_rate": shape.learning_rate,
        "epochs": shape.epochs,
        "max_length": shape.max_length,
        "warmup_steps": shape.warmup_steps,
        "batch_size": shape.batch_size,
        "grad_accum": shape.grad_accum,
    }


def build_scratch_model(
    out_dir: str | Path, texts: Iterable[str], *, size: str = "tiny", arch: str = "qwen2", seed: int = 0
) -> Path:
    """Train the tokenizer on ``texts``, initialise the model, save both to ``out_dir``; returns it."""
    import torch
    from tokenizers import AddedToken
    from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config

    from training.data import system_prompts
    from training.sft import quiet_libraries
    from training.tiny_model import build_tokenizer

    quiet_libraries()
    if size not in SCRATCH_SIZES:
        raise ValueError(f"unknown size {size!r}; use one of {', '.join(SCRATCH_SIZES)}")
    shape = SCRATCH_SIZES[size]
    prompts = sorted(set(system_prompts().values()))
    corpus = [line for text in texts if text not in prompts for line in text.splitlines() if line.strip()]
    tokenizer = build_tokenizer(corpus, shape.vocab_size)
    tokenizer.add_tokens([AddedToken(p, special=False, normalized=False) for p in prompts])
    common: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": shape.hidden_size,
        "intermediate_size": shape.intermediate_size,
        "num_hidden_layers": shape.num_layers,
        "num_attention_heads": shape.num_heads,
        "num_key_value_heads": shape.num_kv_heads,
        "max_position_embeddings": shape.max_positions,
        "rms_norm_eps": 1e-6,
        "tie_word_embeddings": True,
        "bos_token_id": tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        "eos_token_id": tokenizer.convert_tokens_to_ids("<|im_end|>"),
        "pad_token_id": tokenizer.pad_token_id,
    }
    config = Qwen2Config(**common) if arch == "qwen2" else LlamaConfig(**common)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)

    def save(folder: Path) -> None:
        tokenizer.save_pretrained(folder)
        model.save_pretrained(folder)

    return write_folder(out_dir, save)  # a folder that exists is complete, so `all` may skip it
