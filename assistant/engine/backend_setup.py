"""Turning the user's `[backend]` settings into a backend object, lazily and without tracebacks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.backends.config import BackendConfig as ModelBackendConfig

OFFLINE = "offline"


def to_backend_config(cfg: Any) -> ModelBackendConfig:
    """Accept the backends' own `BackendConfig` or the user config's `[backend]` section."""
    from assistant.backends.config import BackendConfig as ModelBackendConfig

    if isinstance(cfg, ModelBackendConfig):
        return cfg
    threads = getattr(cfg, "n_threads", None)
    return ModelBackendConfig(
        kind=str(getattr(cfg, "kind", OFFLINE) or OFFLINE),
        model_path=getattr(cfg, "model_path", None),
        base_url=getattr(cfg, "base_url", None),
        model=getattr(cfg, "model", None),
        api_key_env=getattr(cfg, "api_key_env", None) or None,
        n_ctx=int(getattr(cfg, "n_ctx", 4096) or 4096),
        n_threads=int(threads) if threads else None,
        adapter_path=getattr(cfg, "adapter_path", None),
        timeout=float(getattr(cfg, "timeout", 120.0) or 120.0),
        retries=int(getattr(cfg, "retries", 2)),
    )


def to_user_config(cfg: ModelBackendConfig) -> Any:
    """The `[backend]` section equivalent of a backends `BackendConfig` (kept in `Engine.config`)."""
    from assistant.config import BackendConfig as UserBackendConfig

    return UserBackendConfig(
        kind=cfg.kind,
        model_path=cfg.model_path,
        base_url=cfg.base_url,
        model=cfg.model,
        api_key_env=cfg.api_key_env or "",
        n_ctx=cfg.n_ctx,
        n_threads=cfg.n_threads or 0,
        adapter_path=cfg.adapter_path,
        timeout=cfg.timeout,
        retries=cfg.retries,
    )


def create(cfg: ModelBackendConfig) -> Any:
    """The backend object for a model kind (raises `BackendError` with a hint when it cannot)."""
    from assistant.backends.registry import create_backend

    return create_backend(cfg)
