"""`synoema-dialogue`: build, validate, curate, describe and merge the dialogue corpus.

    synoema-dialogue build --programs CORPUS_DIR --out DIR [--per-kind N | --mix KIND=N,...] [--seed N] [--jobs N]
                           [--backend KIND --backend-option KEY=VALUE ... [--model-per-kind N]]
    synoema-dialogue validate FILE_OR_DIR... [--json] [--rejected FILE]
    synoema-dialogue curate [--saved DIR] [--out DIR] [--accept-rated] [--editor CMD]
    synoema-dialogue stats FILE_OR_DIR... [--json] [--no-diversity]
    synoema-dialogue merge --out FILE [--programs CORPUS_DIR] [--dialogues DIR_OR_FILE ...] [--split S]
                           [--mix KIND=N,...|all] [--dialogue-total N] [--max-programs N] [--no-seed] [--seed N]

Every problem is reported in one line with what to do about it; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .build import BUILD_KINDS, RECIPE_MIX

RECIPE_TEXT = ",".join(f"{k}={v}" for k, v in RECIPE_MIX.items())


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="synoema-dialogue", description="Build, check, curate and merge Synoema dialogues.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="corpus programs into DIR/<kind>.jsonl, every row validated")
    b.add_argument("--programs", required=True, type=Path, help="a corpus folder (synoema-corpus build --out)")
    b.add_argument("--out", required=True, type=Path, help="the folder for <kind>.jsonl, rejected.jsonl, report.json")
    b.add_argument("--per-kind", type=int, default=None, help="N rows of every kind, write included (default: the recipe's mix)")
    b.add_argument("--mix", default=None, help=f"rows per kind, KIND=N,... (default {RECIPE_TEXT})")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--jobs", type=int, default=None, help="sandbox workers for validation (default: up to 2)")
    b.add_argument("--batch", type=int, default=64, help="drafts validated together (default 64)")
    b.add_argument("--quiet", action="store_true", help="no progress bar or tables")
    mb = b.add_argument_group("model-backed drafts (any assistant backend; every draft validated)")
    mb.add_argument("--backend", default=None, help="gguf, openai, hf or a plugin's kind: the model also answers the user turns")
    mb.add_argument("--backend-option", action="append", default=[], metavar="KEY=VALUE",
                    help="a backend option, e.g. base_url=http://127.0.0.1:8080/v1, model_path=m.gguf (repeatable)")
    mb.add_argument("--model-per-kind", type=int, default=None, help="model drafts per kind (default: one per built row)")
    mb.add_argument("--temperature", type=float, default=0.7)
    mb.add_argument("--max-new-tokens", type=int, default=768)

    v = sub.add_parser("validate", help="check every row: snippets run, outputs match, quotes copied, claims hold")
    v.add_argument("paths", nargs="+", type=Path, help="JSONL files or folders of <kind>.jsonl")
    v.add_argument("--json", action="store_true", help="one JSON report per row on stdout")
    v.add_argument("--rejected", type=Path, default=None, help="write the failing rows here, with the reason in meta.rejected")
    v.add_argument("--jobs", type=int, default=None)

    c = sub.add_parser("curate", help="review the exchanges saved in the app (Ctrl+S) into training rows")
    c.add_argument("--saved", type=Path, default=None, help="where the app saves (default: the config's dialogue dir)")
    c.add_argument("--out", type=Path, default=None, help="curated rows and decisions (default: SAVED/curated)")
    c.add_argument("--accept-rated", action="store_true", help="accept every positively rated row that validates")
    c.add_argument("--editor", default=None, help="editor command for [e]dit (default $EDITOR)")

    s = sub.add_parser("stats", help="rows per kind, sources, splits and variety (templates, programs, near-duplicates)")
    s.add_argument("paths", nargs="+", type=Path)
    s.add_argument("--json", action="store_true")
    s.add_argument("--no-diversity", action="store_true", help="skip the near-duplicate measurement")

    m = sub.add_parser("merge", help="programs and dialogues into one chat messages JSONL with a manifest")
    m.add_argument("--out", required=True, type=Path, help="the merged JSONL (manifest beside it: FILE.manifest.json)")
    m.add_argument("--programs", type=Path, default=None, help="a corpus folder: its programs become write rows")
    m.add_argument("--dialogues", type=Path, nargs="*", default=[], help="dialogue folders or files (build, curate output)")
    m.add_argument("--split", default="train", help="train (default), validation, test or all")
    m.add_argument("--mix", default=RECIPE_TEXT, help=f"dialogues per kind, KIND=N,... or all (default {RECIPE_TEXT})")
    m.add_argument("--dialogue-total", type=int, default=None, help="scale the mix's ratios to this many dialogues")
    m.add_argument("--max-programs", type=int, default=None, help="at most this many program rows (0: none)")
    m.add_argument("--no-seed", action="store_true", help="leave out the hand-written seed dialogues")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--quiet", action="store_true")
    return p


def _counts(args: argparse.Namespace) -> dict[str, int]:
    from .merge import parse_mix

    if args.per_kind is not None and args.mix is not None:
        raise ValueError("give --per-kind or --mix, not both")
    if args.per_kind is not None:
        return {k: args.per_kind for k in BUILD_KINDS}
    mix = parse_mix(args.mix or RECIPE_TEXT)
    if mix is None:
        raise ValueError("build needs counts: --per-kind N or --mix KIND=N,...")
    return mix


def _build(args: argparse.Namespace) -> int:
    from rich.console import Console

    from corpus import load_programs

    from . import stats
    from .build import REJECTED, build

    counts = _counts(args)
    programs = load_programs(args.programs)
    backend = None
    if args.backend:
        from .model import open_backend, parse_options

        backend = open_backend(args.backend, parse_options(args.backend_option))
    console = Console(stderr=True)
    try:
        with _progress(console, counts, quiet=args.quiet) as tick:
            result = build(programs, counts, args.out, seed=args.seed, jobs=args.jobs, batch=args.batch, progress=tick,
                           backend=backend, model_per_kind=args.model_per_kind,
                           model_options={"temperature": args.temperature, "max_tokens": args.max_new_tokens})
    finally:
        if backend is not None:
            backend.close()
    out = Console()
    for kind, k in result.kinds.items():
        model = f"; model drafts: {k.model[0]} passed, {k.model[1]} rejected" if backend is not None else ""
        print(f"{kind}: {len(k.rows)}/{k.wanted} rows ({k.drafted} drafts validated, {len(k.rejected)} rejected, "
              f"{k.skipped} candidates unsuitable{model}) in {k.seconds:.1f} s")
    summary = result.summary()["validation"]
    if not args.quiet:
        stats.show_validation(summary, out)
        import importlib.util

        rows = [r for k in result.kinds.values() for r in k.rows]
        stats.show(stats.compute(rows, diversity=importlib.util.find_spec("datasketch") is not None), out)
    rejected = sum(len(k.rejected) for k in result.kinds.values())
    print(f"{args.out}: {sum(len(k.rows) for k in result.kinds.values())} rows in {result.seconds:.1f} s; "
          f"{rejected} rejected drafts in {args.out / REJECTED}")
    short = [k for k in result.kinds.values() if len(k.rows) - k.model[0] < k.wanted]
    if short:
        print("not enough candidates for " + ", ".join(f"{k.kind} ({len(k.rows)}/{k.wanted})" for k in short)
              + ": give a larger corpus", file=sys.stderr)
        return 1
    return 0


class _progress:
    """A rich progress bar per kind (nothing when quiet or not a terminal)."""

    def __init__(self, console: Any, counts: dict[str, int], *, quiet: bool) -> None:
        self.console, self.counts, self.quiet = console, counts, quiet
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        if self.quiet or not self.console.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("[bold]{task.description:8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=self.console)
        self.bar.start()
        self.tasks = {k: self.bar.add_task(k, total=n) for k, n in self.counts.items() if n > 0}

        def tick(kind: str, done: int, wanted: int) -> None:
            self.bar.update(self.tasks[kind], completed=done, total=wanted)

        return tick

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _read(paths: Sequence[Path]) -> Any:
    from .format import ReadResult, kind_files, read_rows

    got = ReadResult()
    for p in paths:
        if not p.exists():
            raise FileNotFoundError(f"{p} does not exist")
        got.extend(read_rows(kind_files(p) if p.is_dir() else [p], check_system=False))
    return got


def _validate(args: argparse.Namespace) -> int:
    from rich.console import Console

    from . import stats
    from .format import write_rows
    from .validate import Validator, summarize

    got = _read(args.paths)
    reports = Validator(jobs=args.jobs).validate(got.rows)
    # rows whose system message is not the app's prompt for the kind are reported, not rewritten
    system_problems = {}
    from .format import shape_problems

    for row in got.rows:
        probs = [p for p in shape_problems(row.as_dict()) if "system message" in p]
        if probs:
            system_problems[row.id] = probs
    bad = [(row, rep) for row, rep in zip(got.rows, reports) if not rep.ok or row.id in system_problems]
    if args.json:
        for row, rep in zip(got.rows, reports):
            data = rep.as_dict()
            if row.id in system_problems:
                data["ok"] = False
                data["problems"] = data["problems"] + system_problems[row.id]
            print(json.dumps(data, ensure_ascii=False))
    else:
        con = Console()
        stats.show_validation(summarize(reports), con)
        for row, rep in bad:
            print(f"REJECTED {row.id}: {'; '.join([*rep.problems, *system_problems.get(row.id, [])])}")
    for problem in got.problems:
        print(f"REJECTED {problem}", file=sys.stderr)
    if args.rejected is not None:
        write_rows(args.rejected, [row.with_meta(rejected=rep.reason() or "; ".join(system_problems.get(row.id, [])))
                                   for row, rep in bad])
    total = len(got.rows) + len(got.problems)
    print(f"{total - len(bad) - len(got.problems)}/{total} rows valid", file=sys.stderr)
    return 1 if bad or got.problems else 0


def _curate(args: argparse.Namespace) -> int:
    from .curate import curate_interactive, curate_rated

    saved = args.saved
    if saved is None:
        from assistant.config import load_config

        saved = load_config().config.dialogue_path()
    out = args.out or saved / "curated"
    if args.accept_rated:
        result = curate_rated(saved, out)
    else:
        if not sys.stdin.isatty():
            raise ValueError("the interactive review needs a terminal; use --accept-rated in scripts")
        result = curate_interactive(saved, out, editor=args.editor)
    for problem in result.problems:
        print(f"skipped {problem}", file=sys.stderr)
    for rid, reason in result.rejected.items():
        print(f"REJECTED {rid}: {reason}")
    print(f"{saved}: {result.pending} new rows ({result.duplicates} duplicates merged): {len(result.accepted)} accepted, "
          f"{len(result.rejected)} rejected, {result.skipped} left for later; curated rows in {out}")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from . import stats

    got = _read(args.paths)
    data = stats.compute(got.rows, diversity=not args.no_diversity)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        stats.show(data)
    return 0


def _merge(args: argparse.Namespace) -> int:
    from .merge import merge, parse_mix, scale_mix, write

    mix = parse_mix(args.mix)
    if args.dialogue_total is not None:
        if mix is None:
            raise ValueError("--dialogue-total scales a mix of counts; it cannot scale `all`")
        mix = scale_mix(mix, args.dialogue_total)
    result = merge(programs=args.programs, dialogues=args.dialogues, seed_dialogues=not args.no_seed, split=args.split,
                   mix=mix, max_programs=args.max_programs, seed=args.seed)
    manifest = write(result, args.out)
    m = result.manifest
    for problem in result.problems:
        print(f"skipped {problem}", file=sys.stderr)
    if not args.quiet:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(m["dialogue_kinds"].items())) or "none"
        sources = ", ".join(f"{k} {v}" for k, v in sorted(m["sources"].items()))
        print(f"{args.out}: {m['rows']} rows ({m['programs']} programs, {m['dialogues']} dialogues: {kinds}); "
              f"sources {sources}; split {m['split']}; manifest {manifest}")
    if m["short"]:
        print("fewer dialogues than the mix asks: " + ", ".join(f"{k} {v}" for k, v in m["short"].items())
              + " (build more with synoema-dialogue build --per-kind N)", file=sys.stderr)
    return 0


COMMANDS = {"build": _build, "validate": _validate, "curate": _curate, "stats": _stats, "merge": _merge}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from assistant.backends.errors import BackendError
    from corpus.schema import CorpusError

    from .format import FormatError

    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    except (CorpusError, FormatError, BackendError, ValueError, OSError) as exc:
        print(f"synoema-dialogue {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
