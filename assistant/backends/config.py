"""Each backend kind's own options, as in simonw/llm: a small frozen dataclass per kind.

A `[backend.<kind>]` table of config.toml, env vars and flags become one of these; a key the kind
does not declare is refused with the list of valid ones, so a typo never passes silently. The
classes live here, apart from the backends' code, so that reading the config never imports
llama.cpp, httpx or torch; each backend class names its options as `Options`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from assistant.backends.errors import BackendConfigError
from assistant.settings import FieldSpec, Invalid, coerce, setting, specs_of, suggest


@dataclass(frozen=True)
class BackendOptions:
    """The options of one backend kind; subclasses declare fields with `setting`."""

    kind: ClassVar[str] = ""

    @classmethod
    def specs(cls) -> list[FieldSpec]:
        return specs_of(cls, f"backend.{cls.kind}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, from_text: bool = False) -> Self:
        """Validated options from a TOML table (or flags when `from_text`); unknown keys are refused."""
        specs = {s.name: s for s in cls.specs()}
        unknown = sorted(set(data) - set(specs))
        if unknown:
            first = unknown[0]
            valid = ", ".join(specs) or "none"
            raise BackendConfigError(
                f"Unknown {cls.kind} option{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
                f"{suggest(first, specs)}.",
                f"The {cls.kind} backend takes: {valid}.",
            )
        values: dict[str, Any] = {}
        for name, value in data.items():
            try:
                values[name] = coerce(specs[name], value, from_text=from_text)
            except Invalid as exc:
                raise BackendConfigError(f"{exc}.") from None
        return cls(**values)

    def merged(self, changes: Mapping[str, Any], *, from_text: bool = False) -> Self:
        """These options with `changes` applied (validated like `from_mapping`)."""
        return self.from_mapping({**self.as_dict(), **changes}, from_text=from_text)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def changed(self) -> dict[str, Any]:
        """The options that differ from their defaults (what a config file needs to hold)."""
        defaults = type(self)()
        return {k: v for k, v in self.as_dict().items() if getattr(defaults, k) != v}


@dataclass(frozen=True)
class OfflineOptions(BackendOptions):
    """The built-in offline engine takes no options."""

    kind: ClassVar[str] = "offline"


@dataclass(frozen=True)
class GGUFOptions(BackendOptions):
    """A local .gguf model run by llama.cpp."""

    kind: ClassVar[str] = "gguf"
    model_path: str | None = setting(None, "SYNOEMA_MODEL_PATH", "The .gguf model file.", path=True)
    model: str | None = setting(None, "SYNOEMA_MODEL", "Name shown for the model (default: the file's own).")
    n_ctx: int = setting(4096, "SYNOEMA_N_CTX", "Context window in tokens.", minimum=256)
    n_threads: int = setting(0, "SYNOEMA_N_THREADS", "CPU threads; 0 = all of the machine's cores.", minimum=0)
    adapter_path: str | None = setting(
        None, "SYNOEMA_ADAPTER_PATH",
        "A LoRA adapter as a GGUF file (synoema-train export-gguf RUN --adapter converts a peft one).", path=True,
    )
    adapter_scale: float = setting(1.0, "SYNOEMA_ADAPTER_SCALE", "How strongly the LoRA adapter applies.", minimum=0.0)
    n_gpu_layers: int = setting(
        0, "SYNOEMA_N_GPU_LAYERS", "Layers offloaded to the GPU (-1: all) when llama.cpp has a GPU backend.",
        minimum=-1,
    )
    chat_format: str | None = setting(
        None, "SYNOEMA_CHAT_FORMAT", "A llama-cpp-python chat format to use instead of the file's own template."
    )


@dataclass(frozen=True)
class OpenAIOptions(BackendOptions):
    """Any OpenAI-compatible server (llama.cpp server, vLLM, Ollama, hosted APIs)."""

    kind: ClassVar[str] = "openai"
    base_url: str | None = setting(None, "SYNOEMA_BASE_URL", "Base URL of the server, e.g. http://127.0.0.1:8080/v1.")
    model: str | None = setting(None, "SYNOEMA_MODEL", "Model name sent to the server (default: its first).")
    api_key_env: str = setting(
        "OPENAI_API_KEY", "SYNOEMA_API_KEY_ENV", "Name of the env var holding the API key; the key itself is never stored."
    )
    n_ctx: int = setting(4096, "SYNOEMA_N_CTX", "Context window of the served model, in tokens.", minimum=256)
    timeout: float = setting(120.0, "SYNOEMA_TIMEOUT", "Seconds a whole reply may take (each read waits at most 60 s).",
                             minimum=0.1)
    retries: int = setting(2, "SYNOEMA_RETRIES", "Retries after a failed request.", minimum=0, maximum=10)


@dataclass(frozen=True)
class HFOptions(BackendOptions):
    """A transformers model directory, with an optional LoRA adapter."""

    kind: ClassVar[str] = "hf"
    model_path: str | None = setting(None, "SYNOEMA_MODEL_PATH", "The transformers model directory.", path=True)
    adapter_path: str | None = setting(None, "SYNOEMA_ADAPTER_PATH", "A PEFT LoRA adapter directory.", path=True)
    model: str | None = setting(None, "SYNOEMA_MODEL", "Name shown for the model (default: the directory's).")
    n_ctx: int = setting(4096, "SYNOEMA_N_CTX", "Most tokens of prompt and answer.", minimum=256)
    n_threads: int = setting(0, "SYNOEMA_N_THREADS", "CPU threads for torch; 0 = automatic.", minimum=0)


BUILTIN_OPTIONS: dict[str, type[BackendOptions]] = {
    cls.kind: cls for cls in (OfflineOptions, GGUFOptions, OpenAIOptions, HFOptions)
}
