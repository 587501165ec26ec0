"""doctor reads what it reports on: a truncated GGUF, a weightless hf directory and a template-less
GGUF fail with the fix for each, a bad adapter gets the adapter's fix, and the sampling is stated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.backends.config import GGUFOptions, HFOptions
from assistant.config import Config
from assistant.engine.doctor import diagnose


def checks(config: Config) -> dict[str, tuple[bool, str, str | None]]:
    report = diagnose(config, Path("/nonexistent/config.toml"), [], probe=False)
    return {c.name: (c.ok, c.detail, c.fix) for c in report.sections["backends"]}


def gguf_config(**options: object) -> Config:
    config = Config()
    config.backend.kind = "gguf"
    config.backend.options["gguf"] = GGUFOptions(**options)  # type: ignore[arg-type]
    return config


def test_truncated_gguf_fails(tiny_gguf: Path, tmp_path: Path, user_dirs: dict[str, Path]) -> None:
    pytest.importorskip("llama_cpp")
    whole = checks(gguf_config(model_path=str(tiny_gguf), n_ctx=4096))
    assert whole["gguf"][0] and "qwen2" in whole["gguf"][1] and "capped" in whole["gguf"][1]
    assert whole["gguf chat template"][0]
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_gguf.read_bytes()[: tiny_gguf.stat().st_size // 2])
    ok, detail, fix = checks(gguf_config(model_path=str(cut)))["gguf"]
    assert not ok and "truncated" in detail and fix and "again" in fix


def test_template_less_gguf_fails(tiny_dir: Path, tmp_path: Path, user_dirs: dict[str, Path]) -> None:
    pytest.importorskip("gguf")
    from training.gguf_export import export_gguf

    bare = shutil.copytree(tiny_dir, tmp_path / "bare")
    (bare / "chat_template.jinja").unlink(missing_ok=True)
    settings = json.loads((bare / "tokenizer_config.json").read_text())
    settings.pop("chat_template", None)
    (bare / "tokenizer_config.json").write_text(json.dumps(settings))
    out = export_gguf(bare, tmp_path / "bare.gguf", dtype="f32", allow_missing_template=True, vocab_only=True).path
    ok, detail, fix = checks(gguf_config(model_path=str(out)))["gguf chat template"]
    assert not ok and "no tokenizer.chat_template" in detail and fix and "chat_format" in fix
    assert checks(gguf_config(model_path=str(out), chat_format="chatml"))["gguf chat template"][0]


def test_bad_adapters_get_the_adapters_fix(tiny_gguf: Path, tiny_dir: Path, tmp_path: Path,
                                           user_dirs: dict[str, Path]) -> None:
    peft_dir = tmp_path / "peft"
    peft_dir.mkdir()
    (peft_dir / "adapter_config.json").write_text("{}")
    ok, detail, fix = checks(gguf_config(model_path=str(tiny_gguf), adapter_path=str(peft_dir)))["gguf adapter"]
    assert not ok and "peft adapter directory" in detail and fix and "export-gguf" in fix and "--adapter" in fix
    config = Config()
    config.backend.options["hf"] = HFOptions(model_path=str(tiny_dir), adapter_path=str(tmp_path / "nope"))
    ok, detail, fix = checks(config)["hf adapter"]
    assert not ok and "not found" in detail and fix and "adapter_path" in fix and "model_path" not in fix


def test_weightless_hf_directory_fails(tiny_dir: Path, tmp_path: Path, user_dirs: dict[str, Path]) -> None:
    config = Config()
    config.backend.options["hf"] = HFOptions(model_path=str(tiny_dir))
    found = checks(config)
    assert found["hf"][0] and found["hf chat template"][0]  # tiny_dir: weights, tokenizer, template
    only_config = tmp_path / "only-config"
    only_config.mkdir()
    shutil.copy(tiny_dir / "config.json", only_config / "config.json")
    config.backend.options["hf"] = HFOptions(model_path=str(only_config))
    ok, detail, fix = checks(config)["hf"]
    assert not ok and "weights" in detail and "tokenizer" in detail and fix


def test_sampling_is_stated(tiny_dir: Path, tmp_path: Path, user_dirs: dict[str, Path]) -> None:
    tuned = shutil.copytree(tiny_dir, tmp_path / "tuned")
    (tuned / "generation_config.json").write_text(json.dumps({"repetition_penalty": 1.1, "top_p": 0.8}))
    config = Config()
    config.backend.options["hf"] = HFOptions(model_path=str(tuned))
    ok, detail, _ = checks(config)["sampling"]
    assert ok and "repetition penalty 1.0" in detail
    assert "generation_config.json (top p 0.8, repetition penalty 1.1) is overridden" in detail
