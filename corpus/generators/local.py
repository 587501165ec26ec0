"""`local`: the assistant's own `gguf` and `hf` backends, built through `assistant.backends`.

The backends load the model once and run one answer at a time, so this client is sequential.
Token counts use the backend's own tokenizer: the prompt as the chat template renders it when
the backend can show that (gguf), else the sum of the messages; cost is zero.
"""

from __future__ import annotations

from typing import Any

from ..schema import Usage
from .base import GeneratorError
from .model import Completion, RequestError


class LocalClient:
    concurrency = 1

    def __init__(self, kind: str, model_path: str, *, n_ctx: int = 4096, n_threads: int | None = None,
                 adapter_path: str | None = None) -> None:
        from assistant.backends import BackendError, create_backend

        if kind not in ("gguf", "hf"):
            raise GeneratorError(f"--backend must be gguf or hf, not {kind!r}")
        try:
            options = {"model_path": model_path, "n_ctx": n_ctx, "n_threads": n_threads or 0}
            if adapter_path:
                options["adapter_path"] = adapter_path  # the hf backend's; gguf refuses it
            self.backend: Any = create_backend(kind, options)
            self.model = self.backend.info().model
        except BackendError as exc:
            raise GeneratorError(str(exc)) from None

    def _count(self, text: str) -> int:
        count = getattr(self.backend, "count_tokens", None)
        if callable(count):
            return int(count(text))
        from assistant.engine.tokens import estimate

        return estimate(text)

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int, temperature: float, seed: int | None) -> Completion:
        from assistant.backends import (
            BackendError,
            BackendUnavailableError,
            ChatMessage,
            GenerationRequest,
            ModelLoadError,
            complete,
        )

        chat = [ChatMessage(m["role"], m["content"]) for m in messages]  # type: ignore[arg-type]
        request = GenerationRequest(messages=chat, max_tokens=max_tokens, temperature=temperature, seed=seed)
        try:
            text = complete(self.backend, request)
        except (ModelLoadError, BackendUnavailableError) as exc:
            raise GeneratorError(str(exc)) from None
        except BackendError as exc:
            raise RequestError(str(exc)) from None
        render = getattr(self.backend, "format_prompt", None)
        try:
            prompt_text = render(chat) if callable(render) else "\n".join(m["content"] for m in messages)
        except Exception:  # a template the backend cannot render for counting: count the raw text
            prompt_text = "\n".join(m["content"] for m in messages)
        return Completion(text, Usage(self._count(prompt_text), self._count(text), 1, 0.0))

    def close(self) -> None:
        self.backend.close()
