"""`synoema-corpus`: build, describe, split and export the program corpus.

    synoema-corpus build --target 5000 --generator synth|openai|local --out DIR [--seed N] [--jobs N]
    synoema-corpus stats DIR [--json] [--png FILE]
    synoema-corpus export DIR --format messages|completion --out FILE [--split S]
    synoema-corpus split DIR [--ratios 0.8 0.1 0.1]
    synoema-corpus tasks --out FILE [--per-family N]

Every problem is reported in one line with what to do about it; a build stopped with Ctrl-C (or
killed) resumes when run again with the same command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .schema import CATEGORIES, SPLITS, CorpusError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="synoema-corpus", description="Build and describe the Synoema program corpus.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="generate, validate and gate programs into DIR/programs.jsonl (resumable)")
    b.add_argument("--out", required=True, type=Path, help="the corpus folder (created; an existing build resumes)")
    b.add_argument("--target", type=int, default=5000, help="accepted programs to reach (default 5000)")
    b.add_argument("--generator", choices=("synth", "openai", "local"), default="synth")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--jobs", type=int, default=None, help="sandbox workers for validation (default: up to 2)")
    b.add_argument("--batch", type=int, default=None, help="candidates per batch (default 64; model generators: 2 x concurrency)")
    b.add_argument("--max-candidates", type=int, default=None, help="give up after this many candidates (default 3 x target + 1000)")
    g = b.add_argument_group("gates")
    g.add_argument("--threshold", type=float, default=0.85, help="near-duplicate Jaccard threshold (default 0.85)")
    g.add_argument("--max-tokens", type=int, default=512, help="longest example (user + assistant turns) in tokens (default 512)")
    g.add_argument("--tokenizer", default="cl100k", help="cl100k (default), estimate, or a tokenizer.json / tokenizer folder")
    g.add_argument("--decontaminate", action="append", default=[], metavar="FILE", help="evaluation tasks JSONL to keep out (repeatable)")
    g.add_argument("--no-eval-tasks", action="store_true", help="do not read evaluation/tasks/*.jsonl automatically")
    g.add_argument("--ratios", type=float, nargs=3, default=None, metavar=("TRAIN", "VAL", "TEST"), help="split by family (default 0.8 0.1 0.1)")
    m = b.add_argument_group("model generators (openai, local)")
    m.add_argument("--tasks", action="append", default=[], metavar="FILE", help="task file (TOML or JSONL; repeatable; default: the shipped ones)")
    m.add_argument("--rounds", type=int, default=3, help="repair rounds after a failing answer (default 3)")
    m.add_argument("--reference", choices=("full", "compact", "none"), default="full", help="language reference in the system prompt")
    m.add_argument("--temperature", type=float, default=0.7)
    m.add_argument("--max-new-tokens", type=int, default=768, help="longest answer per request")
    o = b.add_argument_group("openai")
    o.add_argument("--base-url", help="e.g. http://127.0.0.1:8080/v1")
    o.add_argument("--model", help="model name sent to the server (default: its first)")
    o.add_argument("--api-key-env", default="OPENAI_API_KEY", help="env var holding the API key (never stored)")
    o.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    o.add_argument("--retries", type=int, default=5, help="retries after 429, 5xx and connection errors (default 5)")
    o.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    o.add_argument("--price-in", type=float, default=0.0, help="price per million prompt tokens, for the cost figure")
    o.add_argument("--price-out", type=float, default=0.0, help="price per million completion tokens")
    lo = b.add_argument_group("local")
    lo.add_argument("--backend", choices=("gguf", "hf"), default="gguf")
    lo.add_argument("--model-path", help="the .gguf file or the transformers model folder")
    lo.add_argument("--adapter-path", help="hf: a PEFT LoRA adapter folder")
    lo.add_argument("--n-ctx", type=int, default=4096)
    lo.add_argument("--n-threads", type=int, default=None)
    b.add_argument("--quiet", action="store_true", help="no progress bar")

    s = sub.add_parser("stats", help="tables per category, tag, failure kind and feature; a PNG of the distribution")
    s.add_argument("dir", type=Path)
    s.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    s.add_argument("--png", type=Path, default=None, help="where to write the picture (default DIR/stats.png)")
    s.add_argument("--no-png", action="store_true")
    s.add_argument("--no-diversity", action="store_true", help="skip the near-duplicate measurement (faster)")

    e = sub.add_parser("export", help="training JSONL: chat messages or prompt/completion")
    e.add_argument("dir", type=Path)
    e.add_argument("--format", choices=("messages", "completion"), default="messages")
    e.add_argument("--out", required=True, type=Path)
    e.add_argument("--split", choices=SPLITS, default=None, help="only this split")

    sp = sub.add_parser("split", help="write DIR/train.jsonl, validation.jsonl and test.jsonl (by family)")
    sp.add_argument("dir", type=Path)
    sp.add_argument("--ratios", type=float, nargs=3, default=None, metavar=("TRAIN", "VAL", "TEST"))

    t = sub.add_parser("tasks", help="write task specs (prompt + expected output + solution) from the synth families")
    t.add_argument("--out", required=True, type=Path, help="a .toml or .jsonl file")
    t.add_argument("--per-family", type=int, default=2)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--category", action="append", choices=CATEGORIES, default=None)
    return p


def _generator(args: argparse.Namespace) -> Any:
    if args.generator == "synth":
        from .generators.synth import SynthGenerator

        return SynthGenerator(args.seed)
    from .generators.model import ModelGenerator
    from .tasks import load_tasks

    tasks = load_tasks(args.tasks)
    if args.generator == "openai":
        if not args.base_url:
            raise CorpusError("--generator openai needs --base-url (e.g. http://127.0.0.1:8080/v1)")
        from .generators.openai import OpenAIClient

        client: Any = OpenAIClient(args.base_url, model=args.model, api_key_env=args.api_key_env, concurrency=args.concurrency,
                                   retries=args.retries, timeout=args.timeout, price_in=args.price_in, price_out=args.price_out)
    else:
        if not args.model_path:
            raise CorpusError("--generator local needs --model-path (a .gguf file, or a model folder with --backend hf)")
        from .generators.local import LocalClient

        client = LocalClient(args.backend, args.model_path, n_ctx=args.n_ctx, n_threads=args.n_threads, adapter_path=args.adapter_path)
    return ModelGenerator(args.generator, client, tasks, seed=args.seed, rounds=args.rounds, reference=args.reference,
                          temperature=args.temperature, max_tokens=args.max_new_tokens)


def _build(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .build import Builder
    from .gates import Gates, default_evaluation_files
    from .split import DEFAULT_RATIOS, check_ratios

    console = Console(stderr=True)
    ratios = check_ratios(args.ratios) if args.ratios else DEFAULT_RATIOS
    gen = _generator(args)  # first: a wrong option fails before the slower set-up below
    try:
        evals = ([] if args.no_eval_tasks else default_evaluation_files()) + [Path(f) for f in args.decontaminate]
        gates = Gates.create(threshold=args.threshold, eval_files=evals, tokenizer=args.tokenizer, max_tokens=args.max_tokens)
    except BaseException:
        gen.close()
        raise
    batch = args.batch or (64 if args.generator == "synth" else 2 * getattr(gen.client, "concurrency", 1))
    with _progress(console, args.target, quiet=args.quiet) as on_progress:
        try:
            result = Builder(args.out, gen, gates, target=args.target, seed=args.seed, jobs=args.jobs, batch=batch,
                             max_candidates=args.max_candidates, ratios=ratios, on_progress=on_progress).run()
        finally:
            gen.close()
    rej = ", ".join(f"{k} {v}" for k, v in sorted(result.rejected.items())) or "none"
    rate = (result.candidates - sum(result.rejected.values())) / result.candidates if result.candidates else 1.0
    print(f"{args.out}: {result.accepted}/{result.target} programs; this run decided {result.candidates} candidates "
          f"in {result.seconds:.1f} s (accepted {rate:.1%}; rejected: {rej})")
    if len(gates.decontam.files):
        print(f"decontaminated against {len(gates.decontam.files)} evaluation file(s)")
    if result.stopped:
        print(f"{result.stopped}; rerun to continue", file=sys.stderr)
        return 1
    return 0


class _progress:
    """A rich progress bar with the accept rate and ETA (nothing when quiet or not a terminal)."""

    def __init__(self, console: Any, target: int, *, quiet: bool) -> None:
        self.console, self.target, self.quiet = console, target, quiet
        self.bar: Any = None

    def __enter__(self) -> Any:
        if self.quiet or not self.console.is_terminal:
            return None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn("[bold]build"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
                            TimeElapsedColumn(), TimeRemainingColumn(), console=self.console)
        self.bar.start()
        self.task = self.bar.add_task("build", total=self.target, info="")

        def update(p: Any) -> None:
            per_s = p.candidates / p.elapsed if p.elapsed > 0 else 0.0
            self.bar.update(self.task, completed=min(p.accepted, self.target),
                            info=f"accepted {p.accept_rate:.1%} · {per_s:.1f} cand/s")

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _stats(args: argparse.Namespace) -> int:
    from . import stats

    data = stats.compute(args.dir, diversity=not args.no_diversity)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        stats.show(data)
    if not args.no_png:
        path = stats.plot(data, args.png or args.dir / "stats.png")
        if not args.json:
            print(f"picture: {path}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export

    n = export(args.dir, args.out, args.format, args.split)
    print(f"{args.out}: {n} {args.format} rows")
    return 0


def _split(args: argparse.Namespace) -> int:
    from .split import split_corpus
    from .store import CorpusDir

    counts = split_corpus(CorpusDir(args.dir), args.ratios)
    for s, by_cat in counts.items():
        print(f"{s}: {sum(by_cat.values())} ({', '.join(f'{c} {n}' for c, n in sorted(by_cat.items()))})")
    return 0


def _tasks(args: argparse.Namespace) -> int:
    from .tasks import synth_tasks, write_task_file

    tasks = synth_tasks(args.per_family, args.seed, args.category or CATEGORIES)
    write_task_file(args.out, tasks)
    print(f"{args.out}: {len(tasks)} tasks")
    return 0


COMMANDS = {"build": _build, "stats": _stats, "export": _export, "split": _split, "tasks": _tasks}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .generators.base import GeneratorError

    try:
        return COMMANDS[args.command](args)
    except (CorpusError, GeneratorError) as exc:
        print(f"synoema-corpus: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"synoema-corpus: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("synoema-corpus: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
