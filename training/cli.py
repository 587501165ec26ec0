"""``synoema-train``: fine-tune, merge, export and install the assistant's model.

    synoema-train sft --config train.toml [--model DIR] [--data FILE ...] [--resume] [flags]
    synoema-train sft --init scratch --size tiny --data FILE --run-dir runs/tiny
    synoema-train merge RUN [--base DIR] [--out DIR] [--dtype auto|bf16|fp16|fp32]
    synoema-train export-gguf RUN|MODEL_DIR [--out FILE] [--dtype f16] [--adapter]
    synoema-train install RUN|FILE.gguf [--app-config FILE] [--n-ctx N]
    synoema-train all [--init scratch --size tiny | --model DIR] [--run-dir RUN] [flags]

Multi-GPU: ``accelerate launch --config_file training/accelerate_configs/ddp.yaml -m training sft ...``
(also fsdp.yaml, zero3.yaml); on a machine without GPUs the same launch runs DDP over gloo on CPU
processes. Every command reports problems as one message, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.config import EngineConfig
from training.config import ConfigError, TrainConfig, add_config_flags, config_from_args


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="synoema-train",
        description="Fine-tune, merge, export and install the Synoema assistant's model.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sft = sub.add_parser("sft", help="LoRA / QLoRA / full fine-tuning with trl's SFTTrainer")
    add_config_flags(sft)
    sft.add_argument("--resume", action="store_true", help="continue from the newest checkpoint of --run-dir")

    merge = sub.add_parser("merge", help="fold a run's LoRA adapter into its base (full precision)")
    merge.add_argument("run", type=Path, help="run folder (or an adapter folder)")
    merge.add_argument("--base", type=Path, help="base model folder (default: the one the adapter names)")
    merge.add_argument("--out", type=Path, help="output folder (default: RUN/merged)")
    merge.add_argument("--dtype", choices=("auto", "bf16", "fp16", "fp32"), default="auto",
                       help="dtype of the saved weights (default: the base checkpoint's)")  # fmt: skip

    export = sub.add_parser("export-gguf", help="write a GGUF of a run's merged model (or any HF folder)")
    export.add_argument("source", type=Path, help="run folder, or a Hugging Face model folder")
    export.add_argument("--out", type=Path, help="output file (default: RUN/gguf/NAME-DTYPE.gguf)")
    export.add_argument("--dtype", default="f16", help="f32, f16, bf16, q8_0, q4_k_m, q5_k_m (default f16)")
    export.add_argument("--name", help="general.name stored in the file")
    export.add_argument(
        "--adapter",
        action="store_true",
        help="export the run's LoRA adapter alone (a GGUF LoRA for lora_path)",
    )

    install = sub.add_parser(
        "install", help="make the app serve a run's GGUF (edits config.toml, keeps comments)"
    )
    install.add_argument("target", type=Path, help="run folder or .gguf file")
    install.add_argument("--app-config", type=Path, help="the app's config.toml (default: the user's)")
    install.add_argument(
        "--n-ctx", type=int, help="context window to serve with (default: the model's, at most 4096)"
    )

    every = sub.add_parser("all", help="data -> sft -> merge -> GGUF -> evaluate -> install, resuming")
    add_config_flags(every)
    every.add_argument(
        "--corpus-target",
        type=int,
        default=0,
        help="programs in the corpus (default: the size preset: 3,000 for tiny, else 5,000)",
    )
    every.add_argument("--gguf-dtype", default="f16", help="GGUF weight type (default f16)")
    every.add_argument("--no-eval", action="store_true", help="skip the trained-vs-untrained evaluation")
    every.add_argument("--eval-tasks", default="fifty", help="synoema-eval task set or file (default: fifty)")
    every.add_argument("--eval-samples", type=int, default=4, help="seeded samples per task (default 4)")
    every.add_argument("--eval-temperature", type=float, default=EngineConfig().temperature,
                       help="sampling temperature of the evaluation (default: the app's, %(default)s)")  # fmt: skip
    every.add_argument("--eval-max-tokens", type=int, default=384, help="reply length in the evaluation")
    every.add_argument("--no-install", action="store_true", help="do not point the app at the model")
    every.add_argument("--app-config", type=Path, help="the app's config.toml (default: the user's)")
    return parser


def _model_folder(source: Path) -> Path:
    """A run folder's whole model (merged/ or model/), or the folder itself."""
    for name in ("merged", "model"):
        if (source / name / "config.json").exists():
            return source / name
    if (source / "config.json").exists():
        return source
    raise ConfigError(f"{source} holds no merged model: run `synoema-train merge {source}` first")


def cmd_sft(args: argparse.Namespace) -> int:
    from training.sft import run_sft

    config = config_from_args(args)
    if config.init == "scratch":
        config = ensure_scratch_base(config)
    result = run_sft(config, resume=args.resume)
    if _is_main():
        print(Path(result.run_dir, "summary.md").read_text(encoding="utf-8"))
        print(f"saved {result.output_dir}")
    return 0


def _is_main() -> bool:
    from training.sft import distributed_state

    return distributed_state().is_main_process


def ensure_scratch_base(config: TrainConfig) -> TrainConfig:
    """Build RUN/base (tokenizer trained on the training rows, random model) once; train from it."""
    from dataclasses import replace

    from training.data import corpus_text, load_rows, split_eval
    from training.scratch import build_scratch_model
    from training.sft import distributed_state

    base = config.run_path / "base"
    state = distributed_state()
    with state.main_process_first():
        if not (base / "config.json").exists() and state.is_main_process:
            rows = load_rows(config.data).rows
            train, _ = split_eval(rows, 0.0 if config.eval_data else config.eval_fraction)
            build_scratch_model(
                base, corpus_text(train), size=config.size, arch=config.arch, seed=config.seed
            )
    return replace(config, model=str(base))


def cmd_merge(args: argparse.Namespace) -> int:
    from training.merge import merge_adapter, run_output

    source = run_output(args.run) if not (args.run / "adapter_config.json").exists() else args.run
    if source.name == "model":
        print(f"{source} is a whole model (full training): nothing to merge")
        return 0
    out = args.out or (
        args.run / "merged" if source != args.run else args.run.with_name(args.run.name + "-merged")
    )
    merge_adapter(source, out, base=args.base, dtype=args.dtype)
    print(f"merged model written to {out}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from training.gguf import export_gguf, export_lora

    if args.adapter:
        from training.merge import base_of, run_output

        adapter = args.source if (args.source / "adapter_config.json").exists() else run_output(args.source)
        run = adapter.parent if adapter != args.source else adapter
        dtype = args.dtype if args.dtype in ("f32", "f16", "bf16", "q8_0") else "f32"
        out = args.out or run / "gguf" / f"{run.name}-lora-{dtype}.gguf"
        path = export_lora(adapter, base_of(adapter), out, dtype=dtype)
        print(f"{path}: GGUF LoRA for {base_of(adapter)} (llama.cpp: --lora, llama-cpp-python: lora_path)")
        return 0
    folder = _model_folder(args.source)
    run = folder.parent if folder != args.source else args.source
    out = args.out or run / "gguf" / f"{run.name}-{args.dtype}.gguf"
    report = export_gguf(folder, out, dtype=args.dtype, name=args.name or out.stem)
    print(
        f"{report.path}: {report.arch}, {report.dtype}, {report.n_tensors} tensors, {report.n_params:,} parameters"
    )
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    from training.install import install

    done = install(args.target, config_file=args.app_config, n_ctx=args.n_ctx)
    print(f"{done.config_file}: backend gguf, model {done.model_path}, n_ctx {done.n_ctx}")
    print("synoema-assistant serves it at its next start")
    return 0


def cmd_all(args: argparse.Namespace) -> int:
    from training.pipeline import Options, run_all

    config = config_from_args(args)
    if config.init != "scratch" and not config.model:
        raise ConfigError("give --model DIR (a local base model) or --init scratch --size tiny|small|base")
    options = Options(
        config=config,
        corpus_target=args.corpus_target,
        gguf_dtype=args.gguf_dtype,
        evaluate=not args.no_eval,
        eval_tasks=args.eval_tasks,
        eval_samples=args.eval_samples,
        eval_temperature=args.eval_temperature,
        eval_max_tokens=args.eval_max_tokens,
        install=not args.no_install,
        app_config=args.app_config,
    )
    report = run_all(options)
    print(f"all steps done in {report.seconds:.0f} s (see {config.run_path / 'pipeline.json'})")
    return 0


COMMANDS = {
    "sft": cmd_sft,
    "merge": cmd_merge,
    "export-gguf": cmd_export,
    "install": cmd_install,
    "all": cmd_all,
}


def _user_errors() -> tuple[type[BaseException], ...]:
    """Errors whose message is meant for the user (no traceback)."""
    from training.data import DataError
    from training.install import InstallError
    from training.merge import MergeError
    from training.templates import TemplateError

    errors: list[type[BaseException]] = [ConfigError, DataError, InstallError, MergeError, TemplateError]
    try:
        from training.sft import TrainError

        errors.append(TrainError)
    except ImportError:
        pass
    try:
        from training.gguf import ExportError

        errors.append(ExportError)
    except ImportError:
        pass
    return tuple(errors)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except _user_errors() as exc:
        print(f"synoema-train {args.command}: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(
            f"synoema-train {args.command}: a training dependency is missing ({exc}); "
            "install the extras: pip install 'synoema-assistant[train]'",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print(f"synoema-train {args.command}: interrupted; rerun with --resume (sft) or the same command (all)",
              file=sys.stderr)  # fmt: skip
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
