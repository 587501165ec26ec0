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
    assert "no command line" in pipeline.notes["dialogues"]
