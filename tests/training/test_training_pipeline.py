"""The `all` pipeline as data: which steps a run has, and that finished steps are skipped."""

from __future__ import annotations

from pathlib import Path

from training.config import make_config
from training.pipeline import Options, Pipeline, run_all


def names(options: Options) -> list[str]:
    return [step.name for step in Pipeline(options).steps()]


def test_a_lora_run_merges_and_a_scratch_run_builds_its_base(tmp_path: Path) -> None:
    lora = make_config(None, {"model": str(tmp_path / "base"), "run_dir": str(tmp_path / "run")})
    assert names(Options(lora)) == [
        "corpus",
        "dialogues",
        "data",
        "sft",
        "merge",
        "export",
        "evaluate",
        "install",
    ]
    scratch = make_config(None, {"init": "scratch", "run_dir": str(tmp_path / "run")})
    assert names(Options(scratch, evaluate=False, install=False)) == [
        "corpus", "dialogues", "data", "base", "sft", "export",
    ]  # fmt: skip


def test_steps_whose_outputs_exist_are_skipped(tmp_path: Path) -> None:
    from training.install import install

    config = make_config(None, {"init": "scratch", "run_dir": str(tmp_path / "run")})
    app_config = tmp_path / "config.toml"
    options = Options(config, app_config=app_config, log=lambda _: None)
    pipeline = Pipeline(options)
    for step in pipeline.steps():
        for output in step.outputs:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.mkdir() if output.suffix == "" and output.name != "config.json" else output.write_text(
                "{}"
            )
    install(pipeline.gguf_path(), config_file=app_config, n_ctx=512)
    report = run_all(options)
    assert [s.status for s in report.steps] == ["skipped"] * len(report.steps)
    assert (tmp_path / "run" / "pipeline.json").exists()


def _corpus(folder: Path) -> Path:
    """A corpus folder of three programs, one per split (the shape `synoema-corpus build` writes)."""
    from training.data import write_rows

    folder.mkdir(parents=True)
    records = [
        {"id": f"p-{split}", "category": "fundamentals", "family": f"f-{split}", "prompt": "Print 1.",
         "source": "main = 1", "expected_output": "1\n", "split": split}
        for split in ("train", "validation", "test")
    ]  # fmt: skip
    write_rows(folder / "programs.jsonl", records)
    return folder


def _dialogue(program: str | None = None, split: str | None = None) -> dict:
    meta: dict = {"topics": []}
    if program:
        meta["program"] = program
    if split:
        meta["split"] = split
    return {"kind": "ask", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
            "meta": meta}  # fmt: skip


def test_built_dialogues_follow_the_corpus_split_of_their_program(tmp_path: Path) -> None:
    from training.data import write_rows
    from training.pipeline import split_dialogues

    corpus = _corpus(tmp_path / "corpus")
    built = tmp_path / "dialogues"
    write_rows(
        built / "explain.jsonl", [_dialogue("p-train"), _dialogue("p-validation"), _dialogue("p-test")]
    )
    write_rows(built / "ask.jsonl", [_dialogue(), _dialogue(split="validation"), _dialogue(split="test")])
    train, held, dropped = split_dialogues(built, corpus)
    assert [r["meta"].get("program") for r in train] == [None, "p-train"]
    assert [r["meta"].get("program") or r["meta"]["split"] for r in held] == ["validation", "p-validation"]
    assert dropped == 2


def test_without_the_dialogue_command_line_the_step_uses_the_seeds_and_says_so(
    tmp_path: Path, monkeypatch
) -> None:
    import training.pipeline as pipeline_module
    from training.data import load_rows, seed_dialogue_rows

    monkeypatch.setattr(pipeline_module, "dialogue_cli_available", lambda: False)
    config = make_config(None, {"init": "scratch", "run_dir": str(tmp_path / "run")})
    pipeline = Pipeline(Options(config, log=lambda _: None))
    pipeline.build_dialogues()
    assert len(load_rows([pipeline.dialogue_rows]).rows) == len(seed_dialogue_rows())
    assert pipeline.dialogue_held.read_text() == ""
    assert "no command line yet" in pipeline.notes["dialogues"]
