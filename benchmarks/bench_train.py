"""Training throughput: `synoema-train sft` beside a plain transformers training loop, same data, same run.

For a model shape (a scratch size, or Qwen2.5-Coder-1.5B / 7B's exact shape with random weights) it
prints, for our trainer path (trl SFTTrainer through ``training.sft.prepare_run``) and for a plain loop
(the same model, batches and AdamW, ``loss.backward()`` by hand):

- tokens/s (tokens in the batches, prompt included, padding excluded);
- MFU = 6 · N · tokens / time / peak, N the parameters that do matmuls (the input embedding lookup
  excluded unless tied to the output head). Peak: the GPU's dense bf16 figure from a table (or
  ``--peak-tflops``); on CPU, the fp32 matmul rate measured in this run (an achievable peak).

    python benchmarks/bench_train.py                        # tiny scratch shape, seed dialogues, CPU
    python benchmarks/bench_train.py --shape qwen2.5-coder-1.5b --data RUN/data/train.jsonl --epochs 3
    python benchmarks/bench_train.py --shape qwen2.5-coder-7b --method qlora --steps 300
    python benchmarks/bench_train.py --all                  # `synoema-train all --init scratch --size tiny`

``--all`` runs the whole pipeline into a fresh folder and prints its wall time per step and the
evaluation (syntax, type and run rate of the trained and the untrained model on the same prompts).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Exact shapes of the recipe's models (their public config.json), trained here from random weights.
QWEN_SHAPES: dict[str, dict[str, Any]] = {
    "qwen2.5-coder-1.5b": {
        "vocab_size": 151936, "hidden_size": 1536, "intermediate_size": 8960, "num_hidden_layers": 28,
        "num_attention_heads": 12, "num_key_value_heads": 2, "tie_word_embeddings": True,
        "rope_theta": 1_000_000.0, "max_position_embeddings": 32768,
    },
    "qwen2.5-coder-7b": {
        "vocab_size": 152064, "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
        "num_attention_heads": 28, "num_key_value_heads": 4, "tie_word_embeddings": False,
        "rope_theta": 1_000_000.0, "max_position_embeddings": 32768,
    },
}  # fmt: skip
# Dense bf16 tensor-core peaks (TFLOP/s, no sparsity) by device name.
GPU_PEAKS = {
    "H200": 989.4,
    "H100": 989.4,
    "A100": 312.0,
    "L40S": 362.0,
    "L4": 121.0,
    "4090": 165.2,
    "A10": 125.0,
}


def gpu_peak(name: str) -> float | None:
    return next((peak for key, peak in GPU_PEAKS.items() if key in name), None)


def cpu_peak_flops(seconds: float = 1.5) -> float:
    """fp32 matmul FLOP/s this machine reaches now (2048³ GEMMs for ~1.5 s)."""
    import torch

    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        a @ b
        done += 1
    return done * 2 * 2048**3 / (time.perf_counter() - start)


def matmul_params(model: Any) -> int:
    """Parameters that take part in matmuls: all but an untied input embedding."""
    total = sum(p.numel() for p in model.parameters())
    tied = model.config.get_text_config().tie_word_embeddings
    return total if tied else total - model.get_input_embeddings().weight.numel()


def build_base(shape: str, data: list[Path], out: Path, arch: str) -> Path:
    """A scratch-size model, or a Qwen shape with the scratch tokenizer (its ids use the low vocab)."""
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config

    from training.data import corpus_text, load_rows
    from training.scratch import build_scratch_model

    rows = load_rows(data).rows
    if shape not in QWEN_SHAPES:
        return build_scratch_model(out, corpus_text(rows), size=shape, arch=arch)
    from training.tiny_model import build_tokenizer

    lines = [line for text in corpus_text(rows) for line in text.splitlines() if line.strip()]
    tokenizer = build_tokenizer(lines, 16384)
    config = Qwen2Config(
        **QWEN_SHAPES[shape],
        rms_norm_eps=1e-6,
        bos_token_id=tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        pad_token_id=tokenizer.pad_token_id,
    )
    dtype = torch.bfloat16 if torch.cuda.is_available() else torch.float32
    model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def batch_tokens(batch: dict[str, Any]) -> int:
    if "attention_mask" in batch:
        return int(batch["attention_mask"].sum())
    return int(batch["input_ids"].numel())


def plain_loop(prep: Any, loader: Any, steps: int) -> tuple[float, int, float]:
    """The same model weights, batches and optimizer settings, trained by hand: (seconds, tokens, loss)."""
    import torch

    from training.sft import _torch_dtype, load_model

    config = prep.config
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = load_model(Path(config.model), prep.method, prep.dtype, config)
    if prep.method != "qlora":
        model = model.to(device)
    if prep.method != "full":
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(
            model,
            LoraConfig(
                r=config.lora_r, lora_alpha=config.lora_alpha, target_modules=list(config.target_modules)
            ),
        )
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate)
    # the Trainer's mixed precision, by hand: autocast to the compute dtype on GPUs
    autocast = (
        torch.autocast("cuda", dtype=_torch_dtype(prep.dtype))
        if device == "cuda" and prep.dtype != "fp32"
        else contextlib.nullcontext()
    )
    batches = iter(loader)
    tokens, done, losses = 0, 0, []
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    while done < steps:
        for _ in range(config.grad_accum):
            try:
                batch = next(batches)
            except StopIteration:
                batches = iter(loader)
                batch = next(batches)
            batch = {k: v.to(device) for k, v in batch.items() if hasattr(v, "to")}
            with autocast:
                out = model(**batch)
            (out.loss / config.grad_accum).backward()
            tokens += batch_tokens(batch)
            losses.append(out.loss.item())
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        done += 1
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start, tokens, sum(losses) / max(len(losses), 1)


def bench(args: argparse.Namespace) -> None:
    import torch

    from training.config import make_config
    from training.data import seed_dialogue_rows, write_rows
    from training.sft import prepare_run

    work = Path(tempfile.mkdtemp(prefix="bench-train-"))
    data = [Path(p) for p in args.data] or [write_rows(work / "seed.jsonl", seed_dialogue_rows())]
    base = build_base(args.shape, data, work / "base", args.arch)
    values: dict[str, Any] = {
        "model": str(base), "data": [str(p) for p in data], "run_dir": str(work / "run"),
        "method": args.method, "batch_size": args.batch_size, "grad_accum": args.grad_accum,
        "max_length": args.max_length, "progress": False, "tensorboard": False, "eval_fraction": 0.0,
        "save_steps": 10**9, "logging_steps": 10, "warmup_steps": 0, "packing": args.packing,
        "attn_implementation": args.attn, "gradient_checkpointing": args.gradient_checkpointing,
    }  # fmt: skip
    if args.epochs:
        values["epochs"] = args.epochs
    else:
        values["max_steps"] = args.steps
    config = make_config(None, values)
    prep = prepare_run(config)
    trainer = prep.trainer
    n = matmul_params(
        trainer.model.get_base_model() if hasattr(trainer.model, "get_base_model") else trainer.model
    )
    cuda = torch.cuda.is_available()
    if cuda:
        name = torch.cuda.get_device_name()
        peak = (args.peak_tflops or gpu_peak(name) or float("nan")) * 1e12
        torch.cuda.reset_peak_memory_stats()
    else:
        name = f"CPU ({os.cpu_count()} cores, {torch.get_num_threads()} threads)"
        peak = args.peak_tflops * 1e12 if args.peak_tflops else cpu_peak_flops()

    start = time.perf_counter()
    output = trainer.train()
    ours_s = time.perf_counter() - start
    ours_tokens = int(trainer._total_train_tokens)
    steps = trainer.state.global_step
    memory = torch.cuda.max_memory_allocated() / 2**30 if cuda else None
    loader = trainer.get_train_dataloader()
    trainer.model = trainer.model_wrapped = None  # free the trained copy before the plain loop loads its own
    prep.trainer = None
    if cuda:
        torch.cuda.empty_cache()
    plain_s, plain_tokens, plain_loss = plain_loop(prep, loader, steps)

    def mfu(tokens: int, seconds: float) -> float:
        return 6 * n * tokens / seconds / peak

    print(f"device: {name}; peak {peak / 1e12:.2f} TFLOP/s" + ("" if cuda else " (fp32 GEMM measured now)"))
    print(f"shape: {args.shape} ({n / 1e6:.1f}M matmul parameters), method {prep.method} ({prep.dtype}), "
          f"{prep.train_rows} rows, {steps} steps, batch {config.batch_size}x{config.grad_accum}, "
          f"max length {config.max_length}, packing {'on' if prep.packing else 'off'}")  # fmt: skip
    print(f"{'':26}{'wall s':>9}{'tokens':>11}{'tokens/s':>11}{'MFU':>8}{'mean loss':>11}")
    print(f"{'synoema-train sft (trl)':26}{ours_s:9.1f}{ours_tokens:11,}{ours_tokens / ours_s:11,.0f}"
          f"{100 * mfu(ours_tokens, ours_s):7.1f}%{output.training_loss:11.4f}")  # fmt: skip
    print(f"{'plain transformers loop':26}{plain_s:9.1f}{plain_tokens:11,}{plain_tokens / plain_s:11,.0f}"
          f"{100 * mfu(plain_tokens, plain_s):7.1f}%{plain_loss:11.4f}")  # fmt: skip
    if memory is not None:
        print(f"peak GPU memory (ours): {memory:.1f} GiB")
    print("recipe (Qwen2.5-Coder-1.5B QLoRA/LoRA, 3 epochs, one 16 GB consumer GPU): 34 min 18 s")
    print("(our loss counts assistant tokens only; the plain loop's loss is on the same masked labels)")


def bench_all(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-all-"))
    run = work / "tiny"
    cmd = [
        sys.executable, "-m", "training", "all", "--init", "scratch", "--size", "tiny", "--run-dir", str(run),
        "--app-config", str(work / "config" / "config.toml"), "--no-progress", *args.all_args,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env)
    wall = time.perf_counter() - start
    steps = json.loads((run / "pipeline.json").read_text())["steps"]
    result = json.loads((run / "result.json").read_text())
    print(f"synoema-train all --init scratch --size tiny: {wall / 60:.1f} min wall on {os.cpu_count()} cores")
    for step in steps:
        print(f"  {step['name']:<10}{step['seconds']:8.1f} s  {step['note']}")
    print(f"  train loss {result['final_loss']:.4f}, eval loss {result['eval_loss']:.4f}, eval token accuracy "
          f"{100 * result['eval_token_accuracy']:.1f}% (assistant tokens), {result['tokens_per_s']:,.0f} tokens/s")  # fmt: skip
    summary = json.loads((run / "eval" / "summary.json").read_text())
    for name, figures in summary["models"].items():
        print(
            f"  {name:<10} syntax {100 * figures['syntax_rate']:5.1f}%  types {100 * figures['type_rate']:5.1f}%  "
            f"runs {100 * figures['run_rate']:5.1f}%  correct {100 * figures['correct_rate']:5.1f}%  "
            f"({figures['tasks']} {summary['tasks']} tasks, {summary['samples']} sample each, raw)"
        )
    print(f"run folder: {run}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="tiny", choices=["tiny", "small", "base", *QWEN_SHAPES])
    parser.add_argument("--arch", default="qwen2", choices=["qwen2", "llama"])
    parser.add_argument("--data", nargs="*", default=[], help="messages JSONL (default: the seed dialogues)")
    parser.add_argument("--method", default="full", choices=["full", "lora", "qlora"])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--epochs", type=float, default=0.0, help="train whole epochs instead of --steps")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--grad-accum", type=int, default=1)
    parser.add_argument("--max-length", type=int, default=1024)
    parser.add_argument("--packing", default="auto", choices=["auto", "on", "off"])
    parser.add_argument("--attn", default="sdpa", help="attention implementation (flash_attention_2 on GPUs)")
    parser.add_argument("--gradient-checkpointing", action="store_true")
    parser.add_argument("--peak-tflops", type=float, default=0.0, help="override the peak used for MFU")
    parser.add_argument(
        "--all", action="store_true", help="time `synoema-train all --init scratch --size tiny`"
    )
    parser.add_argument("all_args", nargs="*", help="extra flags for --all (after --)")
    args = parser.parse_args()
    if args.all:
        bench_all(args)
    else:
        bench(args)


if __name__ == "__main__":
    main()
