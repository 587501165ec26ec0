"""Transformers models (optionally with a PEFT/LoRA adapter): for trying a fine-tune before GGUF export.

torch, transformers and peft are imported inside methods only, so the assistant starts fast and
works without the ``train`` extra. Generation runs in a background thread feeding a
``TextIteratorStreamer``; cancelling flips a flag that a ``StoppingCriteria`` checks every token.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.backends.base import BackendInfo, CancelToken, ChatMessage, GenerationRequest, Usage
from assistant.backends.config import HFOptions
from assistant.backends.errors import (
    BackendConfigError,
    BackendUnavailableError,
    ContextOverflowError,
    GenerationError,
    GrammarError,
    ModelLoadError,
)
from assistant.backends.stops import StopScanner
from assistant.safetext import ControlStripper

INSTALL_HINT = "Install the training extra: pip install 'synoema-assistant[train]'."


class HFBackend:
    """A ``Backend`` over a local transformers model directory plus an optional adapter directory."""

    name = "hf"
    Options = HFOptions
    supports_grammar = False

    def __init__(self, config: HFOptions) -> None:
        if not config.model_path:
            raise BackendConfigError(
                "The hf backend needs a model directory.", "Set model_path to a saved transformers model."
            )
        self.config = config
        self.path = Path(config.model_path).expanduser()
        self.adapter = Path(config.adapter_path).expanduser() if config.adapter_path else None
        self.model = config.model or (
            f"{self.path.name}+{self.adapter.name}" if self.adapter else self.path.name
        )
        self.last_usage: Usage | None = None
        self._tokenizer: Any = None
        self._model: Any = None
        self._device = "cpu"
        self._load_lock = threading.Lock()
        self._busy = threading.Lock()

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        with self._load_lock:
            if self._model is None:
                self._tokenizer, self._model = self._load()

    def _load(self) -> tuple[Any, Any]:
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise BackendUnavailableError(
                f"transformers/torch are not installed ({exc}).", INSTALL_HINT
            ) from exc
        if not (self.path / "config.json").is_file():
            raise ModelLoadError(
                f"No transformers model in {self.path} (config.json missing).",
                "Set model_path to a directory written by save_pretrained.",
            )
        hf_logging.disable_progress_bar()  # progress bars on stderr would corrupt the TUI
        if self.config.n_threads:
            torch.set_num_threads(self.config.n_threads)
        self._device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.path)
            model = AutoModelForCausalLM.from_pretrained(
                self.path, dtype=torch.float32 if self._device == "cpu" else "auto"
            )
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise ModelLoadError(
                f"transformers could not load {self.path}: {exc}",
                "Check that the directory holds a complete causal-LM checkpoint and tokenizer.",
            ) from exc
        if self.adapter is not None:
            model = self._attach_adapter(model)
        return tokenizer, model.to(self._device).eval()

    def _attach_adapter(self, model: Any) -> Any:
        assert self.adapter is not None
        try:
            from peft import PeftModel
        except ImportError as exc:
            raise BackendUnavailableError(f"peft is not installed ({exc}).", INSTALL_HINT) from exc
        if not (self.adapter / "adapter_config.json").is_file():
            raise ModelLoadError(
                f"No PEFT adapter in {self.adapter} (adapter_config.json missing).",
                "Set adapter_path to a directory written by the adapter's save_pretrained, or remove it.",
            )
        try:
            return PeftModel.from_pretrained(model, self.adapter)
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise ModelLoadError(
                f"The adapter {self.adapter.name} does not fit {self.path.name}: {exc}",
                "Use the adapter with the base model it was trained on.",
            ) from exc

    def close(self) -> None:
        with self._load_lock:
            self._model = None
            self._tokenizer = None

    # --- queries --------------------------------------------------------------------------------

    def info(self) -> BackendInfo:
        details = {"path": str(self.path), "device": self._device}
        if self.adapter is not None:
            details["adapter"] = str(self.adapter)
        return BackendInfo(backend=self.name, model=self.model, n_ctx=self._context_size(), details=details)

    def _context_size(self) -> int:
        if self._model is None:
            return self.config.n_ctx
        limit = getattr(self._model.config, "max_position_embeddings", None)
        return min(self.config.n_ctx, int(limit)) if limit else self.config.n_ctx

    def format_prompt(self, messages: Sequence[ChatMessage]) -> str:
        """The prompt text from the tokenizer's chat template (plain role lines if it has none)."""
        self.load()
        dicts = [m.as_dict() for m in messages]
        if getattr(self._tokenizer, "chat_template", None):
            return self._tokenizer.apply_chat_template(dicts, tokenize=False, add_generation_prompt=True)
        return "".join(f"{m['role']}: {m['content']}\n" for m in dicts) + "assistant: "

    def count_tokens(self, text: str) -> int:
        self.load()
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    # --- generation -----------------------------------------------------------------------------

    def stream(self, request: GenerationRequest, cancel: CancelToken | None = None) -> Iterator[str]:
        if request.grammar:
            raise GrammarError(
                "The hf backend cannot constrain output with a grammar.", "Use the gguf backend for grammars."
            )
        self.last_usage = None  # until this generation starts
        self.load()
        if not self._busy.acquire(blocking=False):
            raise GenerationError("The model is still busy with another answer.", "Wait for it or cancel it.")
        try:
            yield from self._generate(request, cancel)
        finally:
            self._busy.release()

    def _generate(self, request: GenerationRequest, cancel: CancelToken | None) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteriaList, TextIteratorStreamer

        inputs = self._tokenizer(
            self.format_prompt(request.messages), return_tensors="pt", add_special_tokens=False
        ).to(self._device)
        n_prompt = int(inputs["input_ids"].shape[1])
        if n_prompt >= self._context_size():
            raise ContextOverflowError(
                f"The prompt has {n_prompt} tokens; the model's context is {self._context_size()}."
            )
        halt = threading.Event()
        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True)
        failures: list[BaseException] = []
        kwargs: dict[str, Any] = {
            **inputs,
            "generation_config": self._generation_config(request, self._context_size() - n_prompt),
            "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([_flag_criteria(halt, cancel)]),
        }
        self.last_usage = Usage(n_prompt, 0)

        def run() -> None:
            try:
                if request.seed is not None:
                    torch.manual_seed(request.seed)
                with torch.inference_mode():
                    output = self._model.generate(**kwargs)
                self.last_usage = Usage(n_prompt, int(output.shape[1]) - n_prompt)
            except BaseException as exc:  # surfaced to the consumer below
                failures.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, name="hf-generate", daemon=True)
        worker.start()
        scanner = StopScanner(request.stop)
        clean = ControlStripper()  # a model can emit terminal escapes too
        try:
            for text in streamer:
                if cancel is not None and cancel.cancelled:
                    return
                out = scanner.feed(clean.feed(text))
                if out:
                    yield out
                if scanner.stopped:
                    return
            if failures:
                raise GenerationError(f"transformers failed while generating: {failures[0]}") from failures[0]
            tail = scanner.feed(clean.flush()) + scanner.flush()
            if tail:
                yield tail
        finally:
            halt.set()  # the stopping criterion ends generate() at the next token
            worker.join()

    def _generation_config(self, request: GenerationRequest, room: int) -> Any:
        """Our sampling recipe, the same as the gguf backend's: the checkpoint's generation_config.json
        (say, repetition_penalty 1.1) is replaced, not merged, so both backends answer alike."""
        from transformers import GenerationConfig

        sampling: dict[str, Any] = {"do_sample": request.temperature > 0}
        if request.temperature > 0:
            sampling.update(temperature=request.temperature, top_k=request.top_k, top_p=request.top_p,
                            min_p=request.min_p)
        if request.repetition_penalty != 1.0:
            sampling["repetition_penalty"] = request.repetition_penalty
        return GenerationConfig(
            max_new_tokens=min(request.max_tokens, room), pad_token_id=self._pad_id(),
            eos_token_id=self._eos_ids(), **sampling,
        )

    def _pad_id(self) -> int | None:
        pad = self._tokenizer.pad_token_id
        return pad if pad is not None else self._tokenizer.eos_token_id

    def _eos_ids(self) -> list[int]:
        ids: list[int] = []
        configured = self._model.generation_config.eos_token_id
        for value in configured if isinstance(configured, list) else [configured]:
            if isinstance(value, int):
                ids.append(value)
        if self._tokenizer.eos_token_id is not None and self._tokenizer.eos_token_id not in ids:
            ids.append(self._tokenizer.eos_token_id)
        return ids


def _flag_criteria(halt: threading.Event, cancel: CancelToken | None) -> Any:
    """A StoppingCriteria (built lazily: transformers may be absent) that stops on halt or cancel."""
    import torch
    from transformers import StoppingCriteria

    class FlagCriteria(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            stop = halt.is_set() or (cancel is not None and cancel.cancelled)
            return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)

    return FlagCriteria()
