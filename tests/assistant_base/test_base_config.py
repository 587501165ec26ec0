from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant import paths
from assistant.config import (
    BACKEND_KINDS,
    Config,
    ConfigError,
    env_table_markdown,
    field_specs,
    load_config,
    save_config,
)


def write_config(text: str) -> Path:
    target = paths.ensure_dir(paths.config_dir()) / "config.toml"
    target.write_text(text, encoding="utf-8")
    return target


def test_defaults_without_a_file() -> None:
    config, problems = load_config(env={})
    assert problems == []
    assert config == Config()
    assert config.backend.kind == "offline"
    assert config.engine.repair_rounds == 2
    assert config.engine.reference in ("full", "compact")


def test_precedence_file_then_env_then_flags() -> None:
    write_config(
        '[backend]\nkind = "gguf"\nmodel_path = "/models/a.gguf"\nn_ctx = 2048\n'
        "[engine]\ntemperature = 0.7\nmax_tokens = 100\n"
    )
    env = {"SYNOEMA_BACKEND": "openai", "SYNOEMA_TEMPERATURE": "0.5", "SYNOEMA_N_CTX": "8192"}
    flags = {"backend.kind": "hf", "engine.temperature": 0.1, "engine.max_tokens": None}
    config, problems = load_config(env=env, overrides=flags)
    assert problems == []
    assert config.backend.kind == "hf"  # flag beats env beats file
    assert config.engine.temperature == 0.1  # flag beats env
    assert config.backend.n_ctx == 8192  # env beats file
    assert config.backend.model_path == "/models/a.gguf"  # file beats default
    assert config.engine.max_tokens == 100  # a None flag means "not given"


def test_env_values_are_parsed_from_text() -> None:
    env = {
        "SYNOEMA_SHOW_STATS": "off",
        "SYNOEMA_CONFIRM_QUIT": "Yes",
        "SYNOEMA_RETRIES": " 3 ",
        "SYNOEMA_MODEL": "",
    }
    config, problems = load_config(env=env)
    assert problems == []
    assert config.ui.show_stats is False
    assert config.ui.confirm_quit is True
    assert config.backend.retries == 3
    assert config.backend.model is None  # empty env vars are ignored


def test_invalid_toml_is_a_problem_with_a_line_number() -> None:
    write_config('[backend]\nkind = "gguf"\nmodel = \n')
    config, problems = load_config(env={})
    assert config == Config()
    assert len(problems) == 1
    assert problems[0].startswith("config.toml line 3: not valid TOML")
    assert "using defaults" in problems[0]


def test_bad_values_keep_the_lower_layer_and_explain() -> None:
    write_config(
        '[backend]\nmodel = "m"\nkind = "ggfu"\nn_ctx = "big"\ntimeout = -1\n'
        '[engine]\ntemprature = 0.5\nreference = "Full"\n'
        "[egine]\nx = 1\n"
        '[ui]\nshow_stats = "yes"\n'
    )
    config, problems = load_config(env={})
    assert config.backend.kind == "offline"
    assert config.backend.model == "m"
    assert config.backend.n_ctx == 4096
    assert config.engine.reference == "full"  # case-insensitive choice
    assert "config.toml line 3: unknown backend 'ggfu' (did you mean 'gguf'?)" in problems[0]
    text = "\n".join(problems)
    assert "line 4: backend.n_ctx must be a whole number" in text
    assert "line 5: backend.timeout must be at least 0.1" in text
    assert "line 7: unknown setting 'engine.temprature' (did you mean 'engine.temperature'?)" in text
    assert "line 9: unknown section [egine] (did you mean [engine]?)" in text
    assert "line 12: ui.show_stats must be true or false" in text
    assert len(problems) == 6


def test_bad_env_and_flags_are_problems_not_exceptions() -> None:
    env = {"SYNOEMA_TEMPERATURE": "hot", "SYNOEMA_BACKEND": "llama", "SYNOEMA_REPAIR_ROUNDS": "99"}
    config, problems = load_config(env=env, overrides={"backend.nope": 1, "engine.max_tokens": "many"})
    assert config == Config()
    text = "\n".join(problems)
    assert "environment SYNOEMA_TEMPERATURE: engine.temperature must be a number, got 'hot'" in text
    assert "unknown backend 'llama'" in text and ", ".join(BACKEND_KINDS) in text
    assert "engine.repair_rounds must be between 0 and 10, got 99" in text
    assert "unknown setting 'backend.nope'" in text
    assert "option engine.max_tokens" in text
    assert len(problems) == 5


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe not utf-8", b"backend = 'gguf'\n", b"[backend]\nkind = 3\n", b"[[backend]]\nkind = 'gguf'\n"],
)
def test_odd_files_never_raise(content: bytes) -> None:
    (paths.ensure_dir(paths.config_dir()) / "config.toml").write_bytes(content)
    config, problems = load_config(env={})
    assert config.backend.kind == "offline"
    assert problems and all(p.startswith("config.toml") for p in problems)


def test_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    config, problems = load_config(path=tmp_path, env={})  # a directory, not a file
    assert config == Config()
    assert "cannot read the file" in problems[0]


def test_save_round_trips_and_replaces_atomically() -> None:
    config = Config()
    config.backend.kind = "openai"
    config.backend.base_url = "http://localhost:8080/v1"
    config.backend.model = 'odd "name"\twith\\escapes'
    config.engine.temperature = 1e-05
    config.ui.show_stats = False
    target = save_config(config)
    assert target == paths.config_file()
    first_inode = os.stat(target).st_ino
    loaded, problems = load_config(env={})
    assert problems == []
    assert loaded == config

    config.engine.max_tokens = 77
    save_config(config)
    assert os.stat(target).st_ino != first_inode  # a new file was renamed into place
    assert load_config(env={}).config.engine.max_tokens == 77
    assert sorted(p.name for p in target.parent.iterdir()) == ["config.toml"]  # no temp files left


def test_failed_save_raises_config_error_and_leaves_no_temp(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    (blocked / "config.toml").mkdir(parents=True)  # a directory where the file should go
    with pytest.raises(ConfigError, match="could not save"):
        save_config(Config(), blocked / "config.toml")
    assert [p.name for p in blocked.iterdir()] == ["config.toml"]


def test_path_settings_expand_the_home_dir() -> None:
    config, problems = load_config(env={"SYNOEMA_MODEL_PATH": "~/m.gguf", "SYNOEMA_DIALOGUE_DIR": "~/d"})
    assert problems == []
    assert config.backend.model_path == str(Path.home() / "m.gguf")
    assert config.dialogue_path() == Path.home() / "d"
    assert Config().history_path() == paths.history_file()


def test_env_table_documents_every_setting() -> None:
    table = env_table_markdown()
    for spec in field_specs():
        assert f"`{spec.env}`" in table and f"`{spec.key}`" in table
    envs = [spec.env for spec in field_specs()]
    assert len(envs) == len(set(envs))
    assert "SYNOEMA_BACKEND" in envs and "SYNOEMA_MODEL" in envs and "SYNOEMA_BASE_URL" in envs
