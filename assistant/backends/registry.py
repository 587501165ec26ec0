"""Backend registry: built-in kinds plus plugins from the ``synoema_assistant.backends`` entry points.

Factories are stored as ``"module:attribute"`` strings where possible so that choosing the ``openai``
backend never imports llama.cpp or torch.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from importlib.metadata import entry_points

from assistant.backends.base import Backend
from assistant.backends.config import BackendConfig
from assistant.backends.errors import BackendConfigError, BackendError, BackendUnavailableError

ENTRY_POINT_GROUP = "synoema_assistant.backends"

BackendFactory = Callable[[BackendConfig], Backend]

_BUILTINS: dict[str, str] = {
    "gguf": "assistant.backends.gguf:GGUFBackend",
    "openai": "assistant.backends.openai_compat:OpenAIBackend",
    "hf": "assistant.backends.hf:HFBackend",
}

_lock = threading.Lock()
_registry: dict[str, BackendFactory | str] = dict(_BUILTINS)
_plugins_loaded = False


def register_backend(kind: str, factory: BackendFactory | str, *, replace: bool = False) -> None:
    """Make ``kind`` available to ``create_backend``; ``factory`` is a callable or ``"module:attr"``."""
    with _lock:
        if kind in _registry and not replace:
            raise ValueError(f"backend kind {kind!r} is already registered")
        _registry[kind] = factory


def unregister_backend(kind: str) -> None:
    with _lock:
        _registry.pop(kind, None)


def available_backends() -> list[str]:
    _load_plugins()
    with _lock:
        return sorted(_registry)


def create_backend(config: BackendConfig) -> Backend:
    """Instantiate the backend named by ``config.kind``; construction must be cheap (load lazily)."""
    _load_plugins()
    with _lock:
        factory = _registry.get(config.kind)
        known = sorted(_registry)
    if factory is None:
        raise BackendConfigError(
            f"Unknown backend kind {config.kind!r}.",
            f"Use one of: {', '.join(known)}.",
        )
    resolved = _resolve(factory, config.kind)
    try:
        return resolved(config)
    except BackendError:
        raise
    except Exception as exc:  # a plugin bug must not become a traceback in the UI
        raise BackendConfigError(
            f"The {config.kind!r} backend could not be created: {exc}",
            "Check the backend settings, or the plugin that provides this kind.",
        ) from exc


def _resolve(factory: BackendFactory | str, kind: str) -> BackendFactory:
    if callable(factory):
        return factory
    module_name, _, attr = factory.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise BackendUnavailableError(f"The {kind!r} backend cannot be imported: {exc}.") from exc
    resolved = getattr(module, attr, None)
    if not callable(resolved):
        raise BackendConfigError(f"Backend factory {factory!r} is not callable.")
    return resolved


def refresh_plugins() -> None:
    """Scan the entry points again (after installing a plugin at run time)."""
    global _plugins_loaded
    with _lock:
        _plugins_loaded = False
    _load_plugins()


def _load_plugins() -> None:
    """Register each entry point once; a plugin never overrides a kind already registered."""
    global _plugins_loaded
    with _lock:
        if _plugins_loaded:
            return
        _plugins_loaded = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            _registry.setdefault(ep.name, ep.value)
