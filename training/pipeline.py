"""``synoema-train all``: from the corpus and dialogue data to an evaluated model the app serves.

The pipeline is an ordered list of ``Step`` objects, each with its inputs, its outputs and an
action; a step whose outputs all exist is skipped, and every output appears only when complete
(atomic files, folders renamed into place), so an interrupted ``all`` resumes where it stopped.

    corpus      RUN/data/corpus/           `python -m corpus build` (synth generator), exported as chat
                RUN/data/corpus.jsonl      rows: the train split, and its validation families apart in
                RUN/data/corpus-validation.jsonl
    dialogues   RUN/data/dialogues/        `python -m dialogue build --programs RUN/data/corpus`, then
                RUN/data/dialogues.jsonl   `python -m dialogue merge` of its train and validation splits
                RUN/data/dialogues-validation.jsonl  (recipe mix + seeds); the seeds alone without it
    data        RUN/data/train.jsonl       corpus train rows, dialogues and --data files, checked, and
                RUN/data/eval.jsonl        the held-out rows (corpus validation, 5% of the dialogues)
    base        RUN/base/                  --init scratch only: tokenizer trained on the data, new model
    sft         RUN/adapter/ or RUN/model/ the fine-tune (training.sft)
    merge       RUN/merged/                LoRA runs only: the adapter folded into the base
    export      RUN/gguf/<name>-<dtype>.gguf, and the untrained base beside it for the comparison
    evaluate    RUN/eval/summary.json      synoema-eval on the trained and the untrained GGUF, same tasks
    install     the app's config.toml      [backend] pointed at the GGUF
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.config import EngineConfig
from synoema.durable import read_jsonl, write_atomic
from training.config import TrainConfig
from training.data import corpus_text, load_rows, seed_dialogue_rows, split_eval, write_rows


@dataclass
class Step:
    """One stage: skipped when every output exists."""

    name: str
    what: str
    outputs: tuple[Path, ...]
    action: Callable[[], None]
    inputs: tuple[Path, ...] = ()
    done_check: Callable[[], bool] | None = None

    def done(self) -> bool:
        if self.done_check is not None:
            return self.done_check()
        return bool(self.outputs) and all(path.exists() for path in self.outputs)


@dataclass
class Options:
    """What ``all`` needs beyond the training config."""

    config: TrainConfig
    corpus_target: int = 0  # 0: the scratch size's, or the recipe's 5,000 for a base model
    gguf_dtype: str = "f16"
    evaluate: bool = True
    install: bool = True
    app_config: Path | None = None  # the app's config.toml (default: the user's)
    eval_tasks: str = "fifty"  # an evaluation task set (evaluation/tasks) or a JSONL file
    # The app's sampling (its default temperature), several seeded samples per task: greedy decoding
    # makes a small model loop until max_tokens, which the app never does, and one sample of 50
    # tasks moves the rate by 2 points per task.
    eval_samples: int = 4
    eval_temperature: float = field(default_factory=lambda: EngineConfig().temperature)
    eval_max_tokens: int = 384
    eval_modes: tuple[str, ...] = ("raw", "rules")
    log: Callable[[str], None] = print


@dataclass
class StepTiming:
    name: str
    status: str  # "ran", "skipped", "unavailable"
    seconds: float = 0.0
    note: str = ""


@dataclass
class PipelineReport:
    steps: list[StepTiming] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)


def dialogue_cli_available() -> bool:
    """Whether `python -m dialogue` (issue 10's command line) exists in this install."""
    try:
        return importlib.util.find_spec("dialogue.__main__") is not None
    except ImportError:
        return False


def _python_m(*args: str) -> None:
    """Run one of our other console programs (``python -m PACKAGE ...``) and fail loudly if it fails."""
    done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"`python -m {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-2000:]}")


class Pipeline:
    """The steps of one ``all`` run over one run folder."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.config = options.config
        self.run = self.config.run_path
        self.data_dir = self.run / "data"
        self.notes: dict[str, str] = {}

    # --- paths ------------------------------------------------------------------------------------

    @property
    def corpus_rows(self) -> Path:
        return self.data_dir / "corpus.jsonl"

    @property
    def dialogue_rows(self) -> Path:
        return self.data_dir / "dialogues.jsonl"

    @property
    def corpus_held(self) -> Path:
        return self.data_dir / "corpus-validation.jsonl"

    @property
    def train_rows(self) -> Path:
        return self.data_dir / "train.jsonl"

    @property
    def eval_rows(self) -> Path:
        return self.data_dir / "eval.jsonl"

    @property
    def base_dir(self) -> Path:
        return self.run / "base" if self.config.init == "scratch" else Path(self.config.model).expanduser()

    @property
    def trained_dir(self) -> Path:
        return self.run / ("model" if self.full_training else "adapter")

    @property
    def full_training(self) -> bool:
        return self.config.init == "scratch" and self.config.method in ("auto", "full")

    @property
    def model_dir(self) -> Path:
        """The whole trained model (what is exported)."""
        return self.trained_dir if self.full_training else self.run / "merged"

    def gguf_path(self, which: str = "trained") -> Path:
        name = self.run.name if which == "trained" else f"{self.run.name}-untrained"
        return self.run / "gguf" / f"{name}-{self.options.gguf_dtype}.gguf"

    # --- steps ------------------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        steps = [
            Step(
                "corpus",
                "program corpus as chat rows",
                (self.corpus_rows, self.corpus_held),
                self.build_corpus,
            ),
            Step(
                "dialogues",
                "dialogue rows",
                (self.dialogue_rows, self.dialogue_held),
                self.build_dialogues,
            ),
            Step(
                "data",
                "merged training rows",
                (self.train_rows, self.eval_rows),
                self.merge_data,
                inputs=(self.corpus_rows, self.corpus_held, self.dialogue_rows, self.dialogue_held),
            ),
        ]
        if self.config.init == "scratch":
            steps.append(
                Step(
                    "base",
                    f"{self.config.size} model from scratch",
                    (self.base_dir / "config.json",),
                    self.build_base,
                )
            )
        steps.append(Step("sft", "fine-tune", (self.run / "result.json", self.trained_dir), self.train))
        if not self.full_training:
            steps.append(
                Step("merge", "adapter folded into the base", (self.model_dir / "config.json",), self.merge)
            )
        steps.append(
            Step("export", "GGUF for llama.cpp", (self.gguf_path(), self.gguf_path("untrained")), self.export)
        )
        if self.options.evaluate:
            steps.append(
                Step("evaluate", "trained vs untrained", (self.run / "eval" / "summary.json",), self.evaluate)
            )
        if self.options.install:
            steps.append(Step("install", "the app serves it", (), self.install, done_check=self.is_installed))
        return steps

    @property
    def corpus_dir(self) -> Path:
        return self.data_dir / "corpus"

    @property
    def dialogue_dir(self) -> Path:
        return self.data_dir / "dialogues"

    @property
    def dialogue_held(self) -> Path:
        return self.data_dir / "dialogues-validation.jsonl"

    def build_corpus(self) -> None:
        """`synoema-corpus build`, then its train and validation splits exported apart as chat rows."""
        from corpus import load_programs

        target = str(self.options.corpus_target or self.default_corpus_target())
        _python_m(
            "corpus", "build", "--target", target, "--generator", "synth", "--out", str(self.corpus_dir),
            "--quiet",
        )  # fmt: skip
        # the corpus splits by program family: validation families are never trained on
        for split, out in (("validation", self.corpus_held), ("train", self.corpus_rows)):
            _python_m(
                "corpus", "export", str(self.corpus_dir), "--format", "messages", "--split", split,
                "--out", str(out),
            )  # fmt: skip
        counts = Counter(record.split for record in load_programs(self.corpus_dir))
        self.notes["corpus"] = (
            ", ".join(f"{counts[s]} {s}" for s in ("train", "validation", "test")) + " programs"
        )

    def default_corpus_target(self) -> int:
        from training.scratch import SCRATCH_SIZES

        return SCRATCH_SIZES[self.config.size].corpus_target if self.config.init == "scratch" else 5000

    def build_dialogues(self) -> None:
        """`synoema-dialogue build` on the corpus, then `merge` of its train and validation splits (the
        recipe's mix with the seed dialogues; a dialogue keeps its program's corpus split). Without the
        dialogue package's command line: the seed dialogues, and the step says so."""
        if not dialogue_cli_available():
            seeds = seed_dialogue_rows()
            self.notes["dialogues"] = (
                f"{len(seeds)} seed dialogues only: the dialogue package has no command line "
                "(`python -m dialogue` is not importable), so no dialogues were built from the corpus"
            )
            write_rows(self.dialogue_held, [])
            write_rows(self.dialogue_rows, seeds)
            return
        folder = str(self.dialogue_dir)
        _python_m("dialogue", "build", "--programs", str(self.corpus_dir), "--out", folder, "--quiet")
        for split, out in (("validation", self.dialogue_held), ("train", self.dialogue_rows)):
            # programs come from the corpus step's export: the merge adds the dialogues only
            _python_m(
                "dialogue", "merge", "--programs", str(self.corpus_dir), "--dialogues", folder,
                "--max-programs", "0", "--split", split, "--out", str(out), "--quiet",
            )  # fmt: skip
        counts = {split: len(read_jsonl(path).records) for split, path in
                  (("train", self.dialogue_rows), ("validation", self.dialogue_held))}  # fmt: skip
        self.notes["dialogues"] = (
            f"{counts['train']} training and {counts['validation']} validation dialogues "
            "(synoema-dialogue build + merge, the recipe's mix with the seed dialogues)"
        )

    def merge_data(self) -> None:
        """train.jsonl and eval.jsonl: corpus train + dialogues (+ --data) and their held-out parts."""

        def read(path: Path) -> list[Any]:  # an empty file (no held-out rows) is no rows, not an error
            return load_rows([path]).rows if path.exists() and path.stat().st_size else []

        extra = load_rows(self.config.data).rows if self.config.data else []
        corpus, held_corpus = read(self.corpus_rows), read(self.corpus_held)
        dialogues, built_held = read(self.dialogue_rows), read(self.dialogue_held)
        if built_held:  # the dialogue merge split them by the corpus: hold out part of --data only
            train_extra, held_extra = split_eval(extra, self.config.eval_fraction)
            train_dialogues, held_dialogues = dialogues + train_extra, built_held + held_extra
        else:
            train_dialogues, held_dialogues = split_eval(dialogues + extra, self.config.eval_fraction)

        def rows(items: list[Any]) -> list[dict[str, Any]]:
            return [{"kind": r.kind, "messages": r.as_messages()} for r in items]

        write_rows(self.eval_rows, rows(held_corpus + held_dialogues))
        write_rows(self.train_rows, rows(corpus + train_dialogues))
        self.notes["data"] = (
            f"{len(corpus) + len(train_dialogues)} training rows ({len(corpus)} programs, "
            f"{len(train_dialogues)} dialogues), {len(held_corpus) + len(held_dialogues)} held out"
        )

    def build_base(self) -> None:
        from training.scratch import build_scratch_model

        rows = load_rows([self.train_rows]).rows
        train, _ = split_eval(rows, self.config.eval_fraction)  # the tokenizer sees no held-out row
        build_scratch_model(
            self.base_dir,
            corpus_text(train),
            size=self.config.size,
            arch=self.config.arch,
            seed=self.config.seed,
        )

    def sft_config(self) -> TrainConfig:
        held = [str(self.eval_rows)] if self.eval_rows.stat().st_size else []
        return replace(
            self.config,
            model=str(self.base_dir),
            data=[str(self.train_rows)],
            eval_data=held,
            eval_fraction=0.0,
        )

    def train(self) -> None:
        from training.sft import latest_checkpoint, run_sft

        config = self.sft_config()
        result = run_sft(config, resume=latest_checkpoint(self.run / "checkpoints") is not None)
        self.notes["sft"] = (
            f"loss {result.final_loss:.4f}, eval loss {result.eval_loss or float('nan'):.4f}, "
            f"eval token accuracy {100 * (result.eval_token_accuracy or 0):.1f}%, {result.tokens_per_s:,.0f} tokens/s"
        )

    def merge(self) -> None:
        from training.merge import merge_adapter

        merge_adapter(self.trained_dir, self.model_dir, base=self.base_dir)

    def export(self) -> None:
        from training.gguf import export_gguf

        notes = []
        for which, folder in (("trained", self.model_dir), ("untrained", self.base_dir)):
            path = self.gguf_path(which)
            if not path.exists():
                report = export_gguf(folder, path, dtype=self.options.gguf_dtype, name=path.stem)
                notes.append(f"{path.name} ({report.arch}, {report.n_params:,} parameters)")
                notes += [f"warning: {w}" for w in report.warnings]
        self.notes["export"] = "; ".join(notes)

    def evaluate(self) -> None:
        """Trained and untrained GGUF on the same evaluation tasks (``evaluation.run_evaluation``)."""
        from evaluation import run_evaluation

        n_params = json.loads((self.run / "result.json").read_text(encoding="utf-8")).get("n_params", 0)
        backend = {"n_ctx": 2048 if self.config.init == "scratch" else 4096}
        if n_params < 50_000_000:
            backend["n_threads"] = 1  # a tiny model: one thread beats two that wait on each other
        out = self.run / "eval"
        figures: dict[str, Any] = {}
        for name in ("trained", "untrained"):
            summary = run_evaluation(
                "gguf",
                {**backend, "model_path": str(self.gguf_path(name))},
                tasks=self.options.eval_tasks,
                samples=self.options.eval_samples,
                modes=self.options.eval_modes,
                out_dir=out / name,
                max_tokens=self.options.eval_max_tokens,
                temperature=self.options.eval_temperature,
                prompt="trained",  # the prompt `install` makes the app send: the training rows' shape
            )
            figures[name] = {
                key: summary[key] for key in ("syntax_rate", "type_rate", "run_rate", "correct_rate", "tasks")
            }
            figures[name]["splits"] = summary.get("splits", {})
            figures[name]["report"] = summary.get("report")
        record = {
            "tasks": self.options.eval_tasks,
            "samples": self.options.eval_samples,
            "temperature": self.options.eval_temperature,
            "models": figures,
        }
        write_atomic(out / "summary.json", json.dumps(record, indent=2) + "\n")
        self.notes["evaluate"] = ", ".join(
            f"{name}: syntax {100 * f['syntax_rate']:.0f}%, runs {100 * f['run_rate']:.0f}%"
            for name, f in figures.items()
        )

    def is_installed(self) -> bool:
        from training.install import app_model_path

        return app_model_path(self.options.app_config) == self.gguf_path().resolve()

    def install(self) -> None:
        from training.install import install

        done = install(self.gguf_path(), config_file=self.options.app_config)
        self.notes["install"] = (
            f"{done.config_file}: backend gguf, {done.model_path.name}, n_ctx {done.n_ctx}"
        )


def run_all(options: Options) -> PipelineReport:
    """Run every step that is not done yet, in order; the report says what ran and how long it took."""
    pipeline = Pipeline(options)
    report = PipelineReport()
    log = options.log
    for step in pipeline.steps():
        if step.done():
            log(f"[{step.name}] done already, skipped")
            report.steps.append(StepTiming(step.name, "skipped"))
            continue
        log(f"[{step.name}] {step.what} ...")
        started = time.monotonic()
        step.action()
        seconds = time.monotonic() - started
        note = pipeline.notes.get(step.name, "")
        log(f"[{step.name}] {seconds:.1f} s" + (f": {note}" if note else ""))
        report.steps.append(StepTiming(step.name, "ran", round(seconds, 2), note))
    record: dict[str, Any] = {"steps": [vars(s) for s in report.steps], "seconds": round(report.seconds, 2)}
    write_atomic(pipeline.run / "pipeline.json", json.dumps(record, indent=2) + "\n")
    return report
