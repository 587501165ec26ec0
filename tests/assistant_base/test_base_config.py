from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant import paths
from assistant.backends.config import GGUFOptions, OpenAIOptions
from assistant.config import (
    BUILTIN_KINDS,
    Config,
    ConfigError,
    env_table_markdown,
    field_specs,
    load_config,
    save_config,
    update_config,
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
        '[backend]\nkind = "gguf"\n[backend.hf]\nmodel_path = "/models/a"\nn_ctx = 2048\n'
        "[engine]\ntemperature = 0.7\nmax_tokens = 100\n"
    )
    env = {"SYNOEMA_BACKEND": "openai", "SYNOEMA_TEMPERATURE": "0.5", "SYNOEMA_N_CTX": "8192"}
    flags = {"backend.kind": "hf", "engine.temperature": 0.1, "engine.max_tokens": None}
    config, problems = load_config(env=env, overrides=flags)
    assert problems == []
    assert config.backend.kind == "hf"  # flag beats env beats file
    assert config.engine.temperature == 0.1  # flag beats env
    hf = config.backend.selected
    assert hf.n_ctx == 8192  # env beats file, for the options of the kind in effect
    assert hf.model_path == "/models/a"  # file beats default
    assert config.engine.max_tokens == 100  # a None flag means "not given"


def test_each_kind_keeps_its_own_options_and_option_flags_go_to_the_kind_in_effect() -> None:
    write_config(
        '[backend]\nkind = "gguf"\n[backend.gguf]\nmodel_path = "/m/a.gguf"\nn_gpu_layers = -1\n'
        'chat_format = "chatml"\n[backend.openai]\nbase_url = "http://127.0.0.1:8080/v1"\n'
    )
    config, problems = load_config(env={}, overrides={"backend.model": "mine"})
    assert problems == []
    assert config.backend.selected == GGUFOptions(model_path="/m/a.gguf", model="mine", n_gpu_layers=-1,
                                                  chat_format="chatml")
    assert config.backend.options_for("openai") == OpenAIOptions(base_url="http://127.0.0.1:8080/v1")
    assert config.get("backend.gguf.n_gpu_layers") == -1


def test_unknown_backend_options_are_refused_by_name() -> None:
    write_config('[backend]\nkind = "gguf"\n[backend.gguf]\nn_gpu_layer = 3\nbase_url = "x"\nn_ctx = 1024\n')
    config, problems = load_config(env={})
    assert config.backend.selected.n_ctx == 1024
    text = "\n".join(problems)
    assert "config.toml line 4: unknown gguf option 'n_gpu_layer' (did you mean 'n_gpu_layers'?)" in text
    assert "line 5: unknown gguf option 'base_url'" in text and "it takes: model_path" in text
    assert len(problems) == 2


def test_flat_backend_keys_are_read_for_the_kind_in_effect() -> None:
    write_config('[backend]\nkind = "gguf"\nmodel_path = "/m/old.gguf"\n')
    config, problems = load_config(env={})
    assert problems == [] and config.backend.selected.model_path == "/m/old.gguf"


def test_env_values_are_parsed_from_text() -> None:
    env = {
        "SYNOEMA_BACKEND": "openai",
        "SYNOEMA_SHOW_STATS": "off",
        "SYNOEMA_CONFIRM_QUIT": "Yes",
        "SYNOEMA_RETRIES": " 3 ",
        "SYNOEMA_MODEL": "",
    }
    config, problems = load_config(env=env)
    assert problems == []
    assert config.ui.show_stats is False
    assert config.ui.confirm_quit is True
    assert config.backend.selected.retries == 3
    assert config.backend.selected.model is None  # empty env vars are ignored


def test_invalid_toml_is_a_problem_with_a_line_number() -> None:
    write_config('[backend]\nkind = "gguf"\nmodel = \n')
    config, problems = load_config(env={})
    assert config == Config()
    assert len(problems) == 1
    assert problems[0].startswith("config.toml line 3: not valid TOML")
    assert "using defaults" in problems[0]


def test_bad_values_keep_the_lower_layer_and_explain() -> None:
    write_config(
        '[backend]\nkind = "ggfu"\n[backend.openai]\nmodel = "m"\nn_ctx = "big"\ntimeout = -1\n'
        '[engine]\ntemprature = 0.5\nreference = "Full"\n'
        "[egine]\nx = 1\n"
        '[ui]\nshow_stats = "yes"\n'
    )
    config, problems = load_config(env={})
    assert config.backend.kind == "offline"
    openai = config.backend.options_for("openai")
    assert openai.model == "m" and openai.n_ctx == 4096 and openai.timeout == 120.0
    assert config.engine.reference == "full"  # case-insensitive choice
    assert "config.toml line 2: unknown backend 'ggfu' (did you mean 'gguf'?)" in problems[0]
    text = "\n".join(problems)
    assert "line 5: backend.openai.n_ctx must be a whole number" in text
    assert "line 6: backend.openai.timeout must be at least 0.1" in text
    assert "line 8: unknown setting 'engine.temprature' (did you mean 'engine.temperature'?)" in text
    assert "line 10: unknown section [egine] (did you mean [engine]?)" in text
    assert "line 13: ui.show_stats must be true or false" in text
    assert len(problems) == 6


def test_bad_env_and_flags_are_problems_not_exceptions() -> None:
    env = {"SYNOEMA_TEMPERATURE": "hot", "SYNOEMA_BACKEND": "llama", "SYNOEMA_REPAIR_ROUNDS": "99"}
    config, problems = load_config(env=env, overrides={"engine.nope": 1, "engine.max_tokens": "many"})
    assert config == Config()
    text = "\n".join(problems)
    assert "environment SYNOEMA_TEMPERATURE: engine.temperature must be a number, got 'hot'" in text
    assert "unknown backend 'llama'" in text and "gguf" in text
    assert "engine.repair_rounds must be between 0 and 10, got 99" in text
    assert "unknown setting 'engine.nope'" in text
    assert "option engine.max_tokens" in text
    assert len(problems) == 5
    _, problems = load_config(env={"SYNOEMA_BACKEND": "openai", "SYNOEMA_RETRIES": "lots"})
    assert problems == ["environment SYNOEMA_RETRIES: backend.openai.retries must be a whole number, got 'lots'; using 2"]
    assert set(BUILTIN_KINDS) == {"offline", "gguf", "openai", "hf"}


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
    config.backend.options["openai"] = OpenAIOptions(base_url="http://localhost:8080/v1", model='odd "name"\twith\\escapes')
    config.engine.temperature = 1e-05
    config.ui.show_stats = False
    target = save_config(config)
    assert target == paths.config_file()
    first_inode = os.stat(target).st_ino
    loaded, problems = load_config(env={})
    assert problems == []
    assert loaded.backend.selected == config.backend.selected and loaded.engine == config.engine
    assert loaded.ui == config.ui and loaded.backend.kind == "openai"

    config.engine.max_tokens = 77
    save_config(config)
    assert os.stat(target).st_ino != first_inode  # a new file was renamed into place
    assert load_config(env={}).config.engine.max_tokens == 77
    assert sorted(p.name for p in target.parent.iterdir()) == ["config.toml"]  # no temp files left


def test_update_keeps_comments_order_and_unknown_keys() -> None:
    text = (
        "# my settings\n[backend]\nkind = \"gguf\"  # the local model\n\n[backend.gguf]\n"
        "model_path = \"/m/a.gguf\"\nfuture_key = 1  # from a newer version\n\n[ui]\n# dark is best\ntheme = \"nord\"\n"
    )
    target = write_config(text)
    update_config({"ui.theme": "dracula", "backend.gguf.n_gpu_layers": 20, "engine.max_tokens": 64})
    after = target.read_text(encoding="utf-8")
    assert after.startswith("# my settings\n[backend]\nkind = \"gguf\"  # the local model\n")
    assert "future_key = 1  # from a newer version" in after and "# dark is best\ntheme = \"dracula\"" in after
    config, _ = load_config(env={})
    assert config.backend.selected.n_gpu_layers == 20 and config.engine.max_tokens == 64
    update_config({"backend.gguf.n_gpu_layers": None})
    assert "n_gpu_layers" not in target.read_text(encoding="utf-8")


def test_a_broken_file_is_never_overwritten() -> None:
    text = '# precious\n[backend]\nkind = "gguf"\nmodel_path = "/m/a.gguf\n'  # unterminated string
    target = write_config(text)
    before = target.read_bytes()
    with pytest.raises(ConfigError, match=r"config.toml line 4 is not valid TOML .*left as it is"):
        update_config({"ui.theme": "nord"})
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["config.toml"]


def test_a_new_file_starts_from_the_commented_defaults() -> None:
    target = update_config({"ui.theme": "nord"})
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Synoema Assistant configuration.") and 'theme = "nord"' in text
    assert "[backend.gguf]" in text and "# n_gpu_layers" not in text.split("[backend.gguf]")[0]
    config, problems = load_config(env={})
    assert problems == [] and config.ui.theme == "nord" and config.backend == Config().backend


def test_failed_save_raises_config_error_and_leaves_no_temp(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    (blocked / "config.toml").mkdir(parents=True)  # a directory where the file should go
    with pytest.raises(ConfigError, match=r"cannot be read|could not save"):
        save_config(Config(), blocked / "config.toml")
    assert [p.name for p in blocked.iterdir()] == ["config.toml"]


def test_path_settings_expand_the_home_dir() -> None:
    config, problems = load_config(env={"SYNOEMA_MODEL_PATH": "~/m.gguf", "SYNOEMA_DIALOGUE_DIR": "~/d"})
    assert problems == []
    assert config.backend.options_for("gguf").model_path is None  # env options apply to the kind in effect
    gguf, _ = load_config(env={"SYNOEMA_BACKEND": "gguf", "SYNOEMA_MODEL_PATH": "~/m.gguf"})
    assert gguf.backend.selected.model_path == str(Path.home() / "m.gguf")
    assert config.dialogue_path() == Path.home() / "d"
    assert Config().history_path() == paths.history_file()


def test_env_table_documents_every_setting() -> None:
    table = env_table_markdown()
    for spec in field_specs():
        assert f"`{spec.env}`" in table and f"`{spec.key}`" in table
    envs = [(spec.section, spec.env) for spec in field_specs()]
    assert len(envs) == len(set(envs))  # one env var per setting of a section
    names = {env for _, env in envs}
    assert {"SYNOEMA_BACKEND", "SYNOEMA_MODEL", "SYNOEMA_BASE_URL", "SYNOEMA_N_GPU_LAYERS", "SYNOEMA_CHAT_FORMAT"} <= names
