"""Backend registry: built-in kinds plus plugins from the ``synoema_assistant.backends`` entry points.

`create_backend(kind, options)` is the one way to build a backend: from a kind name and that kind's
options (an `Options` instance, or a mapping that is validated into one: unknown keys refused).
Factories are stored as ``"module:attribute"`` strings where possible so that choosing the
``openai`` backend never imports llama.cpp or torch; a factory's `Options` attribute names its
options class (the built-in ones live in `assistant.backends.config`, which imports nothing heavy).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any

from assistant.backends.base import Backend
from assistant.backends.config import BUILTIN_OPTIONS, BackendOptions
from assistant.backends.errors import BackendConfigError, BackendError, BackendUnavailableError

ENTRY_POINT_GROUP = "synoema_assistant.backends"

BackendFactory = Callable[[Any], Backend]

_BUILTINS: dict[str, str] = {
    "gguf": "assistant.backends.gguf:GGUFBackend",
    "openai": "assistant.backends.openai_compat:OpenAIBackend",
    "hf": "assistant.backends.hf:HFBackend",
}

_lock = threading.Lock()
_registry: dict[str, BackendFactory | str] = dict(_BUILTINS)
_options: dict[str, type[BackendOptions]] = {k: v for k, v in BUILTIN_OPTIONS.items() if k in _BUILTINS}
_plugins_loaded = False


def register_backend(
    kind: str, factory: BackendFactory | str, *, options: type[BackendOptions] | None = None, replace: bool = False
) -> None:
    """Make ``kind`` available to ``create_backend``; ``factory`` is a callable or ``"module:attr"``.

    ``options`` is the kind's options class (default: the factory's ``Options`` attribute, found
    when the kind is first used; a factory without one takes no options).
    """
    with _lock:
        if kind in _registry and not replace:
            raise ValueError(f"backend kind {kind!r} is already registered")
        _registry[kind] = factory
        _options.pop(kind, None)
        if options is not None:
            _options[kind] = options


def unregister_backend(kind: str) -> None:
    with _lock:
        _registry.pop(kind, None)
        _options.pop(kind, None)


def available_backends() -> list[str]:
    """Every kind a model can come from (the offline engine is not a backend)."""
    _load_plugins()
    with _lock:
        return sorted(_registry)


def options_class(kind: str) -> type[BackendOptions]:
    """The options of `kind` (`offline` included); raises `BackendConfigError` for an unknown kind."""
    with _lock:
        cls = _options.get(kind)
    if cls is not None:
        return cls
    if kind == "offline":
        return BUILTIN_OPTIONS[kind]
    factory = _factory(kind)  # loads the plugins; raises for an unknown kind
    found = getattr(factory, "Options", None)
    cls = found if isinstance(found, type) and issubclass(found, BackendOptions) else BackendOptions
    with _lock:
        _options[kind] = cls
    return cls


def make_options(kind: str, options: BackendOptions | Mapping[str, Any] | None = None) -> BackendOptions:
    """`options` as the validated options of `kind` (a mapping is checked key by key)."""
    cls = options_class(kind)
    if options is None:
        return cls()
    if isinstance(options, BackendOptions):
        if not isinstance(options, cls):
            raise BackendConfigError(f"{type(options).__name__} are not options of the {kind!r} backend.")
        return options
    return cls.from_mapping(options)


def create_backend(kind: str, options: BackendOptions | Mapping[str, Any] | None = None) -> Backend:
    """Instantiate the backend `kind` with its options; construction is cheap (models load lazily)."""
    chosen = make_options(kind, options)
    factory = _factory(kind)
    try:
        return factory(chosen)
    except BackendError:
        raise
    except Exception as exc:  # a plugin bug must not become a traceback in the UI
        raise BackendConfigError(
            f"The {kind!r} backend could not be created: {exc}",
            "Check the backend settings, or the plugin that provides this kind.",
        ) from exc


def check_backend(kind: str, options: BackendOptions | Mapping[str, Any] | None = None) -> None:
    """Validate that `kind` can start with `options` without starting it (the model picker asks
    before switching): the factory's ``check(options)`` when it has one. Raises `BackendError`."""
    chosen = make_options(kind, options)
    check = getattr(_factory(kind), "check", None)
    if callable(check):
        check(chosen)


def _unknown(kind: str) -> BackendConfigError:
    with _lock:
        known = sorted(_registry)
    return BackendConfigError(f"Unknown backend kind {kind!r}.", f"Use one of: offline, {', '.join(known)}.")


def _factory(kind: str) -> BackendFactory:
    _load_plugins()
    with _lock:
        factory = _registry.get(kind)
    if factory is None:
        raise _unknown(kind)
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
