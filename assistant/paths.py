"""Where the assistant keeps its files.

Everything goes through these functions so that tests and users can relocate the
config, data and cache directories with one environment variable each, instead of
patching platform-specific defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

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


def config_dir() -> Path:
    """User config directory (``$SYNOEMA_CONFIG_DIR`` or the platform default)."""
    return _from_env(CONFIG_DIR_ENV) or user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """User data directory: history, dialogues (``$SYNOEMA_DATA_DIR`` overrides)."""
    return _from_env(DATA_DIR_ENV) or user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Disposable cache directory (``$SYNOEMA_CACHE_DIR`` overrides)."""
    return _from_env(CACHE_DIR_ENV) or user_cache_path(APP_NAME, appauthor=False)


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
