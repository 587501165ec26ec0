"""Model backends: a small protocol (``base``), per-kind options (``config``), a registry and the
built-in gguf/openai/hf kinds. Build one with ``create_backend(kind, options)``.

Every name below is imported on first use: `import assistant.backends.errors` (what the engine
needs to recognise a backend failure) then does not load the registry and its entry-point scan.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.backends.base import (
        Backend,
        BackendInfo,
        CancelToken,
        ChatMessage,
        GenerationRequest,
        Usage,
        complete,
    )
    from assistant.backends.config import (
        BackendOptions,
        GGUFOptions,
        HFOptions,
        OfflineOptions,
        OpenAIOptions,
    )
    from assistant.backends.errors import (
        AuthenticationError,
        BackendConfigError,
        BackendConnectionError,
        BackendError,
        BackendTimeoutError,
        BackendUnavailableError,
        ContextOverflowError,
        GenerationError,
        GrammarError,
        ModelLoadError,
        NotFoundError,
        RateLimitError,
        RequestRejectedError,
        ServerError,
    )
    from assistant.backends.registry import (
        ENTRY_POINT_GROUP,
        available_backends,
        check_backend,
        create_backend,
        make_options,
        options_class,
        refresh_plugins,
        register_backend,
        unregister_backend,
    )

_EXPORTS: dict[str, tuple[str, ...]] = {
    "base": ("Backend", "BackendInfo", "CancelToken", "ChatMessage", "GenerationRequest", "Usage", "complete"),
    "config": ("BackendOptions", "GGUFOptions", "HFOptions", "OfflineOptions", "OpenAIOptions"),
    "errors": (
        "AuthenticationError",
        "BackendConfigError",
        "BackendConnectionError",
        "BackendError",
        "BackendTimeoutError",
        "BackendUnavailableError",
        "ContextOverflowError",
        "GenerationError",
        "GrammarError",
        "ModelLoadError",
        "NotFoundError",
        "RateLimitError",
        "RequestRejectedError",
        "ServerError",
    ),
    "registry": (
        "ENTRY_POINT_GROUP",
        "available_backends",
        "check_backend",
        "create_backend",
        "make_options",
        "options_class",
        "refresh_plugins",
        "register_backend",
        "unregister_backend",
    ),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "ENTRY_POINT_GROUP",
    "AuthenticationError",
    "Backend",
    "BackendConfigError",
    "BackendConnectionError",
    "BackendError",
    "BackendInfo",
    "BackendOptions",
    "BackendTimeoutError",
    "BackendUnavailableError",
    "CancelToken",
    "ChatMessage",
    "ContextOverflowError",
    "GGUFOptions",
    "GenerationError",
    "GenerationRequest",
    "GrammarError",
    "HFOptions",
    "ModelLoadError",
    "NotFoundError",
    "OfflineOptions",
    "OpenAIOptions",
    "RateLimitError",
    "RequestRejectedError",
    "ServerError",
    "Usage",
    "available_backends",
    "check_backend",
    "complete",
    "create_backend",
    "make_options",
    "options_class",
    "refresh_plugins",
    "register_backend",
    "unregister_backend",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant.backends' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"assistant.backends.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
