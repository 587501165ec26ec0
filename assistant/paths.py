"""Where the assistant keeps its files.

Everything goes through these functions so that tests and users can relocate the
config, data and cache directories with one environment variable each, instead of
patching platform-specific defaults.

The defaults come from platformdirs, which costs ~8 ms to import; every command needs the config
path, so on Linux the plain XDG case (absolute ``$HOME``, no Android) is answered here with the
same rules, and platformdirs is imported only for anything else.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

APP_NAME = "synoema-assistant"

CONFIG_DIR_ENV = "SYNOEMA_CONFIG_DIR"
DATA_DIR_ENV = "SYNOEMA_DATA_DIR"
CACHE_DIR_ENV = "SYNOEMA_CACHE_DIR"

CONFIG_FILE_NAME = "config.toml"
HISTORY_FILE_NAME = "history.sqlite3"


def _from_env(name: str) -> Path | None:
    """An override directory from the environment; empty values count as unset."""
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


# platformdirs' XDG variable and fallback under $HOME for each kind of directory (Unix).
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "data": ("XDG_DATA_HOME", ".local/share"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
}


def _plain_xdg(kind: str) -> Path | None:
    """platformdirs' answer for the usual Linux case, without importing it; None otherwise."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ:
        return None
    variable, fallback = _XDG[kind]
    base = os.environ.get(variable, "")
    if not base.startswith("/"):  # unset or relative: platformdirs uses the home directory
        home = os.environ.get("HOME", "")
        if not home.startswith("/"):
            return None  # no usable HOME: let platformdirs resolve (or report) it
        base = home.rstrip("/") + "/" + fallback  # os.path.expanduser("~/" + fallback)
    return Path(os.path.join(base, APP_NAME))


def _platform_dir(kind: str) -> Path:
    found = _plain_xdg(kind)
    if found is not None:
        return found
    import platformdirs

    lookup = {
        "config": platformdirs.user_config_path,
        "data": platformdirs.user_data_path,
        "cache": platformdirs.user_cache_path,
    }[kind]
    return lookup(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """User config directory (``$SYNOEMA_CONFIG_DIR`` or the platform default)."""
    return _from_env(CONFIG_DIR_ENV) or _platform_dir("config")


def data_dir() -> Path:
    """User data directory: history, dialogues (``$SYNOEMA_DATA_DIR`` overrides)."""
    return _from_env(DATA_DIR_ENV) or _platform_dir("data")


def cache_dir() -> Path:
    """Disposable cache directory (``$SYNOEMA_CACHE_DIR`` overrides)."""
    return _from_env(CACHE_DIR_ENV) or _platform_dir("cache")


def config_file() -> Path:
    """The TOML config file inside :func:`config_dir`."""
    return config_dir() / CONFIG_FILE_NAME


def history_file() -> Path:
    """The SQLite history database inside :func:`data_dir`."""
    return data_dir() / HISTORY_FILE_NAME


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; return it for chaining.

    Directories are created lazily by writers, never by mere lookups, so that
    reading the config of a fresh install leaves no trace on disk.
    """
    path.mkdir(parents=True, exist_ok=True)
    return path


NO_CACHE_ENV = "SYNOEMA_NO_CACHE"  # shared with the language layer's compile cache


def cached_by_text(name: str, text: str, build: Callable[[str], Any]) -> Any:
    """`build(text)`, kept in ``<cache dir>/<name>.json`` for the next process that reads the same text.

    For parsed data files read at every start (TOML costs ~6 ms of imports alone). The entry stores
    the text it was built from, so any change rebuilds it; values that do not survive a JSON round
    trip unchanged (dates, tuples) are simply not kept. A missing, corrupt or unwritable cache only
    means building again; ``$SYNOEMA_NO_CACHE`` turns it off.
    """
    import json

    if os.environ.get(NO_CACHE_ENV, "").strip():
        return build(text)
    path = cache_dir() / f"{name}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(entry, dict) and entry.get("text") == text and "value" in entry:
            return entry["value"]
    except (OSError, ValueError):
        pass
    value = build(text)
    try:
        payload = json.dumps({"text": text, "value": value}, ensure_ascii=False)
        if json.loads(payload)["value"] != value:
            return value
    except (TypeError, ValueError):
        return value
    _write_atomic(path, payload)
    return value


def _write_atomic(path: Path, text: str) -> None:
    """Temp file + rename, readable by the user only; failures are ignored (it is a cache)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        ensure_dir(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
