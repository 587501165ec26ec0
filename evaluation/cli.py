"""`synoema-eval`: task sets, generation, scoring, reports and comparisons from the command line.

    synoema-eval tasks [SET] [--verify] [--json]
    synoema-eval generate --backend gguf --model-path M.gguf --tasks fifty --samples 10 --out runs/a
    synoema-eval score runs/a [--json]
    synoema-eval report runs/a [runs/b ...] [--heatmap FILE]
    synoema-eval compare runs/a runs/b [--mode raw] [--split heldout] [--target 0.75] [--json]
    synoema-eval run ...   (generate, score and report in one go; the options of generate)

No traceback reaches the user: every failure is one line on stderr and exit status 1 (2 for
usage errors).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Backend settings of the assistant, as flags (only the given ones are passed on).
_BACKEND_FLAGS: tuple[tuple[str, str, type, str], ...] = (
    ("--model-path", "model_path", str, "GGUF file (gguf) or model directory (hf)"),
    ("--base-url", "base_url", str, "OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (openai)"),
    ("--model", "model", str, "model name sent to the server (openai)"),
    ("--api-key-env", "api_key_env", str, "environment variable holding the API key (openai)"),
    ("--adapter-path", "adapter_path", str, "LoRA adapter (hf)"),
    ("--n-ctx", "n_ctx", int, "context window in tokens"),
    ("--n-threads", "n_threads", int, "CPU threads for local models"),
    ("--n-gpu-layers", "n_gpu_layers", int, "layers offloaded to a GPU (gguf)"),
    ("--chat-format", "chat_format", str, "llama.cpp chat format instead of the file's template (gguf)"),
    ("--request-timeout", "timeout", float, "seconds to wait for one model reply"),
    ("--retries", "retries", int, "extra attempts after a failed request (openai)"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _generation_options(p: argparse.ArgumentParser) -> None:
    from evaluation.backend import BACKENDS
    from evaluation.prompts import PROMPTS

    p.add_argument("--backend", choices=BACKENDS, default="offline", help="where the model runs (default offline)")
    for flag, dest, kind, help in _BACKEND_FLAGS:
        p.add_argument(flag, dest=dest, type=kind, default=None, help=help)
    p.add_argument("--tasks", default="standard", help="standard, fifty, or a task file (default standard)")
    p.add_argument("--task", action="append", default=[], metavar="ID", help="only this task (repeatable)")
    p.add_argument("--samples", type=int, default=1, help="samples per task (default 1)")
    p.add_argument("--temperature", type=float, default=0.2, help="sampling temperature (default 0.2)")
    p.add_argument("--seed", type=int, default=0, help="seed of sample 0; sample i uses seed + i (default 0)")
    p.add_argument("--max-tokens", type=int, default=512, help="most tokens per reply (default 512)")
    p.add_argument("--prompt", choices=PROMPTS, default="assistant",
                   help="baseline: reference + plain instruction; assistant: the app's write prompt; "
                   "trained: the app's prompt for a fine-tuned model (no reference, no few-shots)")
    p.add_argument("--grammar", default="builtin", metavar="none|builtin|FILE",
                   help="grammar of the grammar-constrained pass (default builtin; none leaves it out)")
    p.add_argument("--repair-rounds", type=int, default=2,
                   help="rounds of the engine's model repair loop (default 2; 0 leaves the mode out)")
    p.add_argument("--out", type=Path, required=True, help="run folder (resumed when it exists)")
    p.add_argument("--overwrite", action="store_true", help="start the run folder again from nothing")
    p.add_argument("-q", "--quiet", action="store_true", help="no line per sample")


def _score_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timeout", type=float, default=5.0, help="seconds each program may run (default 5)")
    p.add_argument("--jobs", type=int, default=None, help="sandbox workers (default: up to 2)")
    p.add_argument("--modes", default=None, help="comma-separated subset of raw,rules,model,grammar")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="synoema-eval", description="Evaluate Synoema code generation: syntax, type, run and "
                     "correct-output rates, pass@k, and what repair and grammars add.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    t = sub.add_parser("tasks", help="list a task set, or run its reference solutions (--verify)")
    t.add_argument("set", nargs="?", default="standard", help="standard, fifty, or a task file")
    t.add_argument("--verify", action="store_true", help="run every reference solution and compare its output")
    t.add_argument("--json", action="store_true", help="print the tasks as JSON lines")
    g = sub.add_parser("generate", help="ask a model for every task's program (resumable)")
    _generation_options(g)
    s = sub.add_parser("score", help="run the generated code under limits and compute the figures")
    s.add_argument("run", type=Path, help="run folder")
    s.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    _score_options(s)
    r = sub.add_parser("report", help="write report.md and heatmap.png of scored runs")
    r.add_argument("runs", type=Path, nargs="+", help="run folder(s); the heatmap shows them all")
    r.add_argument("--heatmap", type=Path, default=None, help="heatmap file (default RUN/heatmap.png)")
    r.add_argument("--modes", default=None, help="modes shown in the heatmap (comma-separated)")
    c = sub.add_parser("compare", help="compare two scored runs with a paired test over tasks")
    c.add_argument("run_a", type=Path)
    c.add_argument("run_b", type=Path)
    c.add_argument("--mode", default="raw", help="mode compared (default raw)")
    c.add_argument("--split", choices=("dev", "heldout"), default=None, help="compare one split only")
    c.add_argument("--target", type=float, default=None, help="also check B's pass@1 against this share (0.75)")
    c.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    c.add_argument("--json", action="store_true")
    a = sub.add_parser("run", help="generate, score and report in one go")
    _generation_options(a)
    _score_options(a)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(_COMMANDS[ns.command](ns))
    except BrokenPipeError:  # `synoema-eval tasks | head`: the reader left, nothing is wrong
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted: what was generated is kept; run the same command again to continue", file=sys.stderr)
        return 130
    except _UserError as exc:
        print(f"synoema-eval: {exc}", file=sys.stderr)
        return EXIT_FAILED


class _UserError(Exception):
    pass


def _user_errors() -> tuple[type[BaseException], ...]:
    from evaluation.api import EvaluationError
    from evaluation.generation import GenerationError
    from evaluation.report import ReportError
    from evaluation.scoring import ScoreError
    from evaluation.tasks import TaskSetError

    return (EvaluationError, GenerationError, ReportError, ScoreError, TaskSetError)


def _guarded(fn: Any) -> Any:
    def run(ns: argparse.Namespace) -> int:
        try:
            return fn(ns)
        except _user_errors() as exc:
            raise _UserError(str(exc)) from None

    return run


# ── commands ─────────────────────────────────────────────────────────────────────────────────


@_guarded
def _tasks(ns: argparse.Namespace) -> int:
    from evaluation.tasks import load_tasks, verify_tasks

    tasks = load_tasks(ns.set)
    if ns.verify:
        problems = verify_tasks(tasks)
        for p in problems:
            print(f"{p.task_id}: {p.message}")
        print(f"{len(tasks) - len(problems)} of {len(tasks)} reference solutions print their expected output")
        return EXIT_FAILED if problems else EXIT_OK
    if ns.json:
        for t in tasks:
            print(json.dumps(t.as_dict(), ensure_ascii=False))
        return EXIT_OK
    print(f"{tasks.name}: {len(tasks)} tasks ({tasks.path}, digest {tasks.digest})")
    for t in tasks:
        flags = ", ".join([t.category, t.split, *(["terse"] if t.terse else [])])
        print(f"  {t.id:<22} {flags:<34} {t.prompt[:60]}{'…' if len(t.prompt) > 60 else ''}")
    return EXIT_OK


def _settings(ns: argparse.Namespace) -> Any:
    from evaluation.generation import GenerateSettings

    options = {dest: getattr(ns, dest) for _, dest, _, _ in _BACKEND_FLAGS if getattr(ns, dest) is not None}
    if options.get("model_path"):
        options["model_path"] = str(Path(options["model_path"]).expanduser())
    return GenerateSettings(
        backend=ns.backend, backend_options=options, tasks=ns.tasks, task_ids=tuple(ns.task),
        samples=ns.samples, temperature=ns.temperature, seed=ns.seed, max_tokens=ns.max_tokens,
        prompt=ns.prompt, grammar=ns.grammar, repair_rounds=ns.repair_rounds,
    )


def _sample_line(done: int, total: int, record: dict[str, Any]) -> None:
    where = f"[{done}/{total}] {record['task_id']} #{record['sample']} {record['pass']}"
    if record.get("error"):
        print(f"{where}: error: {record['error'].get('message')}", file=sys.stderr, flush=True)
        return
    blocks = len(record.get("blocks") or [])
    rounds = f", {record['model_rounds']} repair round(s)" if record.get("model_rounds") else ""
    print(f"{where}: {record.get('completion_tokens', 0)} tokens, {record.get('latency_s', 0):.2f} s, "
          f"{blocks} block{'s' if blocks != 1 else ''}{rounds}", file=sys.stderr, flush=True)


def _do_generate(ns: argparse.Namespace) -> Any:
    from evaluation.generation import generate

    settings = _settings(ns)
    result = generate(settings, ns.out, overwrite=ns.overwrite, progress=None if ns.quiet else _sample_line)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"{ns.out}: {result.written} samples generated, {result.kept} kept from before, "
          f"{result.errors} failed ({result.seconds:.1f} s)", file=sys.stderr)
    return result


@_guarded
def _generate(ns: argparse.Namespace) -> int:
    result = _do_generate(ns)
    return EXIT_FAILED if result.errors and result.errors == result.written else EXIT_OK


def _modes(ns: argparse.Namespace) -> list[str] | None:
    if not getattr(ns, "modes", None):
        return None
    return [m.strip() for m in ns.modes.split(",") if m.strip()]


def _do_score(run: Path, ns: argparse.Namespace) -> dict[str, Any]:
    from evaluation.scoring import score_run

    return score_run(run, timeout=ns.timeout, jobs=ns.jobs, modes=_modes(ns))


@_guarded
def _score(ns: argparse.Namespace) -> int:
    summary = _do_score(ns.run, ns)
    if ns.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        from evaluation.report import results_section

        print(results_section(summary))
        if summary.get("missing_samples"):
            print(f"{summary['missing_samples']} samples are missing: run generate again to finish the run")
    return EXIT_OK


def _write_report(run: Path, summary: dict[str, Any]) -> None:
    from evaluation.report import write_report

    report, png, missing = write_report(run, summary)
    print(f"wrote {report}" + (f" and {png}" if png else ""), file=sys.stderr)
    if missing:
        print(f"heatmap not written: {missing}", file=sys.stderr)


@_guarded
def _report(ns: argparse.Namespace) -> int:
    from evaluation.report import REPORT, ReportError, heatmap, markdown, model_label
    from evaluation.scoring import load_summary
    from synoema.durable import write_atomic

    summaries = [(run, load_summary(run)) for run in ns.runs]
    for run, summary in summaries:
        path = write_atomic(run / REPORT, markdown(summary))
        print(f"wrote {path}", file=sys.stderr)
    target = ns.heatmap or ns.runs[0] / "heatmap.png"
    try:
        png = heatmap([(model_label(s), s) for _, s in summaries], target, modes=_modes(ns))
    except ReportError as exc:
        if ns.heatmap is not None:  # asked for by name: not having it is a failure
            raise
        print(f"heatmap not written: {exc}", file=sys.stderr)
        return EXIT_OK
    print(f"wrote {png}", file=sys.stderr)
    return EXIT_OK


@_guarded
def _compare(ns: argparse.Namespace) -> int:
    from evaluation.compare import compare_runs, render

    result = compare_runs(ns.run_a, ns.run_b, mode=ns.mode, split=ns.split, target=ns.target, alpha=ns.alpha)
    print(json.dumps(result.as_dict(), ensure_ascii=False) if ns.json else render(result), end="" if not ns.json else "\n")
    return EXIT_OK


@_guarded
def _run(ns: argparse.Namespace) -> int:
    from evaluation.report import results_section

    _do_generate(ns)
    summary = _do_score(ns.out, ns)
    print(results_section(summary))
    _write_report(ns.out, summary)
    return EXIT_OK


_COMMANDS = {
    "tasks": _tasks,
    "generate": _generate,
    "score": _score,
    "report": _report,
    "compare": _compare,
    "run": _run,
}
