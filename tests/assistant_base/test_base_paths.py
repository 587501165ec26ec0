from __future__ import annotations

from pathlib import Path

import pytest

from assistant import paths


def test_env_overrides_relocate_every_dir(isolated_dirs: dict[str, Path]) -> None:
    assert paths.config_dir() == isolated_dirs["config"]
    assert paths.data_dir() == isolated_dirs["data"]
    assert paths.cache_dir() == isolated_dirs["cache"]
    assert paths.config_file() == isolated_dirs["config"] / "config.toml"
    assert paths.history_file() == isolated_dirs["data"] / "history.sqlite3"


def test_lookups_create_nothing(isolated_dirs: dict[str, Path]) -> None:
    paths.config_file()
    paths.history_file()
    assert not any(p.exists() for p in isolated_dirs.values())
    assert paths.ensure_dir(paths.data_dir()).is_dir()


def test_defaults_use_the_app_name(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (paths.CONFIG_DIR_ENV, paths.DATA_DIR_ENV, paths.CACHE_DIR_ENV):
        monkeypatch.setenv(name, "  ")  # blank counts as unset
    for found in (paths.config_dir(), paths.data_dir(), paths.cache_dir()):
        assert paths.APP_NAME in found.parts


def test_tilde_is_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.CACHE_DIR_ENV, "~/syn-cache")
    assert paths.cache_dir() == Path.home() / "syn-cache"
