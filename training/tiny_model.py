"""Build a tiny random-weight chat model, offline, for tests of the backends and the training code.

Nothing is downloaded: a byte-level BPE tokenizer is trained on generated Synoema-like text and a
~100k-parameter Qwen2 (or Llama) model is initialised with a fixed seed. The result is a normal
Hugging Face directory (``config.json``, ``model.safetensors``, ``tokenizer.json`` with a ChatML
chat template), so the same code paths that handle real fine-tuned models are exercised.

Usage: ``python -m training.tiny_model OUT_DIR [--arch qwen2|llama|qwen3] [--gguf OUT.gguf]``
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ChatML, as used by Qwen2 instruct models; the same template goes into the GGUF metadata.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
SPECIAL_TOKENS: tuple[str, ...] = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")

# Qwen2-style pre-tokenisation (letters, single digits, punctuation runs, newlines, spaces); using it
# here means the GGUF exporter's "qwen2" pre-tokenizer path is the one the tests exercise.
QWEN2_SPLIT_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)


@dataclass(frozen=True)
class TinySpec:
    """Shape of the tiny model; defaults give roughly 100k parameters."""

    arch: str = "qwen2"  # qwen2 | llama | qwen3
    vocab_size: int = 640
    hidden_size: int = 64
    intermediate_size: int = 128
    num_layers: int = 2
    num_heads: int = 4
    num_kv_heads: int = 2
    max_positions: int = 2048
    # Wider than the usual 0.02 so logits differ clearly between tokens: makes greedy output varied
    # and lets tests compare llama.cpp and transformers logits meaningfully.
    initializer_range: float = 0.2
    seed: int = 0
    tie_embeddings: bool = True
    head_dim: int | None = None  # None: hidden_size // num_heads (Qwen3 checkpoints set it explicitly)


_NAMES = ("xs", "ys", "n", "acc", "total", "item", "word", "count", "left", "right", "key", "value")
_FUNCS = ("double", "square", "sum", "len", "fac", "fib", "rev", "inc", "half", "clamp", "greet", "maxOf")
_QUESTIONS = (
    "How do I reverse a list in Synoema?",
    "Why does this function not type check?",
    "Explain what the pipe operator does.",
    "Fix the error in my code, please.",
    "What is the difference between ++ and + ?",
    "Write a function that sums a list.",
    "Review this code and suggest improvements.",
)


def synoema_corpus(n_snippets: int = 300, seed: int = 0) -> list[str]:
    """Generate Synoema-flavoured code and chat lines; varied enough to train a small BPE vocabulary."""
    rng = random.Random(seed)
    lines: list[str] = []
    for i in range(n_snippets):
        f, g = rng.sample(_FUNCS, 2)
        a, b = rng.sample(_NAMES, 2)
        k = rng.randint(0, 99)
        nums = " ".join(str(rng.randint(0, 20)) for _ in range(rng.randint(1, 5)))
        kind = i % 8
        if kind == 0:
            lines += [f"-- {f} applies a rule to {a}", f"{f} {a} = {a} * {k}"]
        elif kind == 1:
            lines += [f"{f} 0 = 1", f"{f} {a} = {a} * {f} ({a} - 1)"]
        elif kind == 2:
            lines += [f"{f} {a} {b} = ? {a} > {b} -> {a} : {b}"]
        elif kind == 3:
            lines += [f"{a} = [{nums}]", f"main = {f} {a} ++ [{k}]"]
        elif kind == 4:
            lines += [f"{f} [] = 0", f"{f} ({a}:{b}) = {a} + {f} {b}"]
        elif kind == 5:
            lines += [f'{g} {a} = "value=${{{a}}}"', f"main = [{nums}] |> {f} |> {g}"]
        elif kind == 6:
            lines += [f"{f} : Int -> Int", f"{f} {a} =", f"  {b} = {a} + {k}", f"  {b} * {b}"]
        else:
            lines += [rng.choice(_QUESTIONS), f"The function {f} takes {a} and returns a new value."]
    return lines


def build_tokenizer(corpus: list[str], vocab_size: int, pre_tokenizer: Any = None) -> Any:
    """Train a byte-level BPE tokenizer and wrap it as a ``PreTrainedTokenizerFast`` with ChatML.

    ``pre_tokenizer`` (a ``tokenizers`` pre-tokenizer) replaces the default Qwen2-style splitting.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizer or pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN2_SPLIT_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        min_frequency=2,
        show_progress=False,
    )
    tok.train_from_iterator(corpus, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
    )
    fast.chat_template = CHATML_TEMPLATE
    return fast


def build_model(tokenizer: Any, spec: TinySpec) -> Any:
    """A randomly initialised causal LM sized by ``spec`` whose vocabulary matches ``tokenizer``."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config, Qwen3Config

    common: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": spec.hidden_size,
        "intermediate_size": spec.intermediate_size,
        "num_hidden_layers": spec.num_layers,
        "num_attention_heads": spec.num_heads,
        "num_key_value_heads": spec.num_kv_heads,
        "max_position_embeddings": spec.max_positions,
        "initializer_range": spec.initializer_range,
        "rms_norm_eps": 1e-6,
        "tie_word_embeddings": spec.tie_embeddings,
        "bos_token_id": tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        "eos_token_id": tokenizer.convert_tokens_to_ids("<|im_end|>"),
        "pad_token_id": tokenizer.pad_token_id,
    }
    if spec.arch == "qwen2":
        config = Qwen2Config(**common)
    elif spec.arch == "llama":
        config = LlamaConfig(**common)
    elif spec.arch == "qwen3":
        config = Qwen3Config(**common, head_dim=spec.head_dim or spec.hidden_size // spec.num_heads)
    else:
        raise ValueError(f"unsupported tiny arch {spec.arch!r}; use qwen2, llama or qwen3")
    torch.manual_seed(spec.seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    # Random norms and biases too, so a wrongly mapped tensor changes the logits visibly.
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith("norm.weight"):
                param.copy_(1.0 + 0.1 * torch.randn_like(param))
            elif name.endswith(".bias"):
                param.copy_(0.1 * torch.randn_like(param))
        # Shrink the (tied) embeddings of the special tokens so their logits stay near zero: the
        # model then never ends an answer at once, and tests can rely on it producing text.
        special_ids = tokenizer.convert_tokens_to_ids(list(SPECIAL_TOKENS))
        model.get_input_embeddings().weight[special_ids] *= 0.05
    return model.eval()


def build_tiny_model(out_dir: str | Path, spec: TinySpec | None = None) -> Path:
    """Write the tokenizer and model to ``out_dir`` and return it; deterministic for a given spec."""
    spec = spec or TinySpec()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(synoema_corpus(seed=spec.seed), spec.vocab_size)
    model = build_model(tokenizer, spec)
    tokenizer.save_pretrained(out)
    model.save_pretrained(out)
    return out


def count_parameters(model: Any) -> int:
    return sum(p.numel() for p in model.parameters())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--arch", choices=("qwen2", "llama", "qwen3"), default="qwen2")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gguf", type=Path, help="also export to this .gguf file")
    parser.add_argument("--f16", action="store_true", help="store matrices as f16 in the GGUF")
    args = parser.parse_args(argv)
    out = build_tiny_model(args.out_dir, TinySpec(arch=args.arch, seed=args.seed))
    print(f"tiny model written to {out}")
    if args.gguf:
        from training.gguf_export import export_gguf

        export_gguf(out, args.gguf, dtype="f16" if args.f16 else "f32")
        print(f"gguf written to {args.gguf}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
