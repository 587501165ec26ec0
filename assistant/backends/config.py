"""Backend configuration: one flat dataclass that a TOML ``[backend]`` table maps onto."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.backends.errors import BackendConfigError


@dataclass(frozen=True)
class BackendConfig:
    """Settings for every backend kind; each kind reads the fields it needs and ignores the rest."""

    kind: str = "gguf"  # gguf | openai | hf | offline | any plugin-registered name
    model_path: str | None = None  # gguf: the .gguf file; hf: the model directory
    base_url: str | None = None  # openai: e.g. http://127.0.0.1:8080/v1
    model: str | None = None  # openai: model id sent to the server; others: display name override
    api_key_env: str | None = "OPENAI_API_KEY"  # openai: name of the env var holding the key
    n_ctx: int = 4096
    n_threads: int | None = None  # None: let the runtime decide
    n_gpu_layers: int = 0  # gguf: layers to offload when llama.cpp was built with a GPU backend
    timeout: float = 120.0  # seconds; connect timeouts are capped lower
    retries: int = 2  # openai: extra attempts for connection errors, 429 and 5xx
    adapter_path: str | None = None  # hf: PEFT adapter directory
    chat_format: str | None = None  # gguf: force a llama-cpp chat format instead of the file's template
    extra: Mapping[str, Any] = field(default_factory=dict)  # plugin-specific settings

    def __post_init__(self) -> None:
        if not self.kind:
            raise BackendConfigError("The backend kind is empty.", "Set kind to gguf, openai, hf or offline.")
        if self.n_ctx < 1:
            raise BackendConfigError(f"n_ctx must be positive, got {self.n_ctx}.")
        if self.timeout <= 0:
            raise BackendConfigError(f"timeout must be positive, got {self.timeout}.")
        if self.retries < 0:
            raise BackendConfigError(f"retries must be >= 0, got {self.retries}.")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> BackendConfig:
        """Build from a parsed TOML table; unknown keys are an error so typos do not pass silently."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise BackendConfigError(
                f"Unknown backend setting(s): {', '.join(unknown)}.",
                f"Valid settings: {', '.join(sorted(known))}.",
            )
        try:
            return cls(**dict(data))
        except TypeError as exc:  # wrong value types surface here
            raise BackendConfigError(f"Invalid backend settings: {exc}.") from exc
