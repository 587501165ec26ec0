"""Default directories without platformdirs, and the content-keyed cache of parsed files."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
import pytest

from assistant import paths


@pytest.mark.parametrize("kind", ["config", "data", "cache"])
@pytest.mark.parametrize("xdg", [None, "", "relative/dir", "/abs/dir", "/abs/dir/"])
@pytest.mark.parametrize("home", ["/home/someone", "/home/someone/", "/", "//"])
def test_plain_xdg_answers_what_platformdirs_answers(
    kind: str, xdg: str | None, home: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    variable = paths._XDG[kind][0]
    if xdg is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, xdg)
    monkeypatch.setenv("HOME", home)
    lookup = {
        "config": platformdirs.user_config_path,
        "data": platformdirs.user_data_path,
        "cache": platformdirs.user_cache_path,
    }[kind]
    found = paths._plain_xdg(kind)
    if found is not None:
        assert found == lookup(paths.APP_NAME, appauthor=False)


def test_unusual_homes_are_left_to_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", "relative")
    assert paths._plain_xdg("config") is None


def test_cached_by_text_keeps_a_value_until_the_text_changes(isolated_dirs: dict[str, Path]) -> None:
    calls: list[str] = []

    def build(text: str) -> dict[str, object]:
        calls.append(text)
        return {"text": text, "n": [1, 2.5, True, None]}

    first = paths.cached_by_text("thing", "a = 1", build)
    again = paths.cached_by_text("thing", "a = 1", build)
    assert first == again and calls == ["a = 1"]
    entry = isolated_dirs["cache"] / "thing.json"
    assert json.loads(entry.read_text(encoding="utf-8"))["text"] == "a = 1"
    assert paths.cached_by_text("thing", "a = 2", build)["text"] == "a = 2"
    assert calls == ["a = 1", "a = 2"]
    assert sorted(p.name for p in isolated_dirs["cache"].iterdir()) == ["thing.json"]  # no temp files


def test_values_json_would_change_are_not_kept(isolated_dirs: dict[str, Path]) -> None:
    assert paths.cached_by_text("tuple", "x", lambda _: (1, 2)) == (1, 2)
    assert not (isolated_dirs["cache"] / "tuple.json").exists()


def test_a_corrupt_entry_is_rebuilt_and_caching_can_be_turned_off(
    isolated_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_dirs["cache"].mkdir()
    (isolated_dirs["cache"] / "thing.json").write_text("{not json", encoding="utf-8")
    assert paths.cached_by_text("thing", "t", lambda text: [text]) == ["t"]
    assert json.loads((isolated_dirs["cache"] / "thing.json").read_text(encoding="utf-8"))["value"] == ["t"]
    monkeypatch.setenv(paths.NO_CACHE_ENV, "1")
    assert paths.cached_by_text("other", "t", lambda text: [text]) == ["t"]
    assert not (isolated_dirs["cache"] / "other.json").exists()


def test_an_unwritable_cache_dir_still_gives_the_value(isolated_dirs: dict[str, Path]) -> None:
    isolated_dirs["cache"].write_text("a file where the directory should be", encoding="utf-8")
    assert paths.cached_by_text("thing", "t", lambda text: {"v": text}) == {"v": "t"}


def test_config_files_are_parsed_once_per_text(isolated_dirs: dict[str, Path]) -> None:
    from assistant.config import load_config

    isolated_dirs["config"].mkdir()
    path = paths.config_file()
    path.write_text('[engine]\ntemperature = 0.5\nreference = "full"\n', encoding="utf-8")
    first = load_config(path=path, env={})
    assert (isolated_dirs["cache"] / "config-toml.json").is_file()
    again = load_config(path=path, env={})
    assert first == again and first.config.engine.temperature == 0.5 and not first.problems
    path.write_text("[engine]\ntemperature = \n", encoding="utf-8")
    broken = load_config(path=path, env={})
    assert broken.problems and "line 2" in broken.problems[0]
    assert broken.config.engine.temperature == 0.2
