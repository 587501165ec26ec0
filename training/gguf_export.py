"""Export a Hugging Face model directory, or a LoRA adapter, to GGUF for llama.cpp.

Usage:
    python -m training.gguf_export MODEL_DIR OUT.gguf [--dtype f32|f16|bf16|q8_0|q4_k_m|q5_k_m]
        [--name NAME] [--chat-template FILE] [--allow-no-chat-template]
    python -m training.gguf_export ADAPTER_DIR OUT.gguf --base BASE_DIR [--dtype f32|f16|bf16|q8_0]

MODEL_DIR is a merged checkpoint (config.json, tokenizer.json, *.safetensors, sharded or not) of a
Qwen2/Qwen2.5, Qwen3 or Llama model. An ADAPTER_DIR (a peft LoRA: adapter_config.json) becomes a
GGUF LoRA that llama.cpp applies on top of the base model's GGUF (llama-cpp-python: lora_path).
The implementation lives in ``training.gguf``; this module keeps the first version's import path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from training.gguf import (
    ARCHES,
    DTYPES,
    ArchInfo,
    ExportError,
    ExportReport,
    Vocab,
    export_gguf,
    export_lora,
    export_lora_report,
    export_model,
    gguf_tensor_name,
    iter_checkpoint,
    read_vocab,
)

__all__ = [
    "ARCHES",
    "DTYPES",
    "ArchInfo",
    "ExportError",
    "ExportReport",
    "Vocab",
    "export_gguf",
    "export_lora",
    "export_model",
    "gguf_tensor_name",
    "iter_checkpoint",
    "main",
    "read_vocab",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training.gguf_export",
        description="Export a Hugging Face model directory, or a LoRA adapter, to GGUF for llama.cpp.",
    )
    parser.add_argument(
        "model_dir", type=Path, help="merged model directory, or a peft LoRA adapter directory"
    )
    parser.add_argument("out", type=Path, help="the .gguf file to write")
    parser.add_argument(
        "--dtype", choices=DTYPES, default=None, help="storage type (default: f16; f32 for adapters)"
    )
    parser.add_argument("--name", help="general.name stored in the file (default: the directory name)")
    parser.add_argument(
        "--chat-template", type=Path, metavar="FILE", help="a Jinja chat template to store instead"
    )
    parser.add_argument(
        "--allow-no-chat-template",
        action="store_true",
        help="export a chat model even though it has no template",
    )
    parser.add_argument(
        "--base", type=Path, metavar="BASE_DIR", help="for an adapter: the base model directory"
    )
    parser.add_argument("--threads", type=int, help="threads for llama.cpp's quantizer (default: all cores)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if (args.model_dir / "adapter_config.json").is_file():
            return _export_adapter(args)
        template = args.chat_template.read_text(encoding="utf-8") if args.chat_template else None
        report = export_gguf(
            args.model_dir,
            args.out,
            dtype=args.dtype or "f16",
            name=args.name,
            chat_template=template,
            allow_missing_template=args.allow_no_chat_template,
            threads=args.threads,
        )
    except (ExportError, OSError) as exc:
        print(f"gguf export failed: {exc}", file=sys.stderr)
        return 2
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"{report.path}: {report.arch}, {report.dtype}, {report.n_tensors} tensors, {report.n_params:,} parameters, "
        f"pre-tokenizer {report.pre_tokenizer}, rope {report.rope_scaling}, "
        f"chat template {'yes' if report.chat_template else 'NONE'}"
    )
    return 0


def _export_adapter(args: argparse.Namespace) -> int:
    dtype = args.dtype or "f32"
    if dtype not in ("f32", "f16", "bf16", "q8_0"):
        raise ExportError(f"an adapter exports as f32, f16, bf16 or q8_0, not {dtype}")
    report = export_lora_report(args.model_dir, args.base, args.out, dtype=dtype)
    ranks = "/".join(str(r) for r in report.ranks)
    print(
        f"{report.path}: LoRA for {report.arch}, {report.n_pairs} matrices, rank {ranks}, alpha {report.alpha:g}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
