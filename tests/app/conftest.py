"""Fixtures for the app tests: isolated user dirs and an app wired to a real engine and history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_support import ScriptedBackend

AppFactory = Callable[..., object]


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked `anyio`) run on asyncio, like Textual."""
    return "asyncio"


@pytest.fixture(autouse=True)
def isolated_dirs(user_dirs: dict[str, Path]) -> dict[str, Path]:
    """Each test gets its own config/data/cache dirs and no stray SYNOEMA_* settings."""
    return user_dirs


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[AppFactory]:
    """Build a `SynoemaApp` whose engine uses `backend` (a ScriptedBackend by default)."""
    from assistant.app.main import SynoemaApp
    from assistant.config import Config
    from assistant.engine.core import Engine
    from assistant.history import HistoryStore

    stores: list[HistoryStore] = []

    def build(backend: object | None = None, *, offline: bool = False, config: Config | None = None) -> SynoemaApp:
        cfg = config or Config()
        cfg.paths.dialogue_dir = str(tmp_path / "dialogues")
        cfg.paths.history_db = str(tmp_path / "history.sqlite3")
        store = HistoryStore(cfg.history_path())
        stores.append(store)
        chosen = None if offline else (backend if backend is not None else ScriptedBackend())

        def engine() -> Engine:
            return Engine(cfg, backend=chosen, history=store)

        return SynoemaApp(cfg, history=store, engine_factory=engine)

    yield build
    for store in stores:
        store.close()
