"""Local GGUF models through llama-cpp-python: the assistant's default, offline backend.

The chat template comes from the file's own ``tokenizer.chat_template`` metadata, so a fine-tuned
model is prompted exactly as it was trained. llama-cpp-python is imported and the model loaded on
first use, so the app starts instantly and ``info()`` works before loading.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.backends import llama_log
from assistant.backends.base import BackendInfo, CancelToken, ChatMessage, GenerationRequest
from assistant.backends.config import GGUFOptions
from assistant.backends.errors import (
    BackendConfigError,
    BackendError,
    BackendUnavailableError,
    ContextOverflowError,
    GenerationError,
    GrammarError,
    ModelLoadError,
)

INSTALL_HINT = (
    "Install llama-cpp-python: bash .ci/build_llama_wheel.sh (or pip install 'synoema-assistant[gguf]')."
)


class GGUFBackend:
    """A ``Backend`` over ``llama_cpp.Llama``; one generation at a time."""

    name = "gguf"
    Options = GGUFOptions
    supports_grammar = True

    def __init__(self, config: GGUFOptions) -> None:
        if not config.model_path:
            raise BackendConfigError(
                "The gguf backend needs a model file.", "Set model_path to a .gguf file in the configuration."
            )
        self.config = config
        self.path = Path(config.model_path).expanduser()
        self.model = config.model or self.path.stem
        self._llm: Any = None
        self._formatter: Any = None
        self._template_source = "not loaded"
        self._grammars: dict[str, Any] = {}
        self._load_lock = threading.Lock()
        self._busy = threading.Lock()

    @classmethod
    def check(cls, options: GGUFOptions) -> dict[str, Any]:
        """Validate a model file before switching to it: it exists, is a GGUF file, and llama.cpp
        reads its metadata (vocabulary only: fast, no weights). Returns the metadata."""
        if not options.model_path:
            raise BackendConfigError("The gguf backend needs a model file.", "Give the path of a .gguf file.")
        path = Path(options.model_path).expanduser()
        if not path.is_file():
            raise ModelLoadError(f"Model file not found: {path}", "Check the path (~ is expanded).")
        try:
            with path.open("rb") as handle:
                magic = handle.read(4)
        except OSError as exc:
            raise ModelLoadError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        if magic != b"GGUF":
            raise ModelLoadError(f"{path.name} is not a GGUF model file.", "Export one with python -m training.gguf_export.")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise BackendUnavailableError(f"llama-cpp-python is not installed ({exc}).", INSTALL_HINT) from exc
        llama_log.install()
        llama_log.take_errors()
        try:
            probe = Llama(model_path=str(path), vocab_only=True, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            detail = llama_log.take_errors()
            raise ModelLoadError(
                f"llama.cpp could not read {path.name}: {exc}" + (f"\n{detail}" if detail else ""),
                "The file may be truncated or of an architecture this llama-cpp-python does not support.",
            ) from exc
        try:
            return dict(probe.metadata)
        finally:
            probe.close()

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def load(self) -> None:
        """Load the model now (the UI may call this in a worker at startup); idempotent."""
        with self._load_lock:
            if self._llm is None:
                self._llm = self._load()

    def _load(self) -> Any:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise BackendUnavailableError(
                f"llama-cpp-python is not installed ({exc}).", INSTALL_HINT
            ) from exc
        llama_log.install()
        llama_log.take_errors()  # forget errors from earlier, unrelated calls
        if not self.path.is_file():
            raise ModelLoadError(
                f"Model file not found: {self.path}",
                "Check model_path, or download/export a .gguf model (python -m training.gguf_export).",
            )
        try:
            llm = Llama(
                model_path=str(self.path),
                n_ctx=self.config.n_ctx,
                n_threads=self.config.n_threads or None,
                n_gpu_layers=self.config.n_gpu_layers,
                chat_format=self.config.chat_format,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            detail = llama_log.take_errors()
            raise ModelLoadError(
                f"llama.cpp could not load {self.path.name}: {exc}" + (f"\n{detail}" if detail else ""),
                "The file may be truncated, not a GGUF model, or of an architecture this llama-cpp-python "
                "does not support; re-export it or upgrade llama-cpp-python.",
            ) from exc
        self._install_chat_handler(llm)
        return llm

    def _install_chat_handler(self, llm: Any) -> None:
        """Use the file's own template verbatim (llama-cpp-python may otherwise guess a format)."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = llm.metadata.get("tokenizer.chat_template")
        if self.config.chat_format or not template:
            self._template_source = self.config.chat_format or f"fallback {llm.chat_format}"
            return

        def token_text(token_id: int) -> str:
            return (
                llm.detokenize([token_id], special=True).decode("utf-8", "replace") if token_id >= 0 else ""
            )

        eos, bos = llm.token_eos(), llm.token_bos()
        self._formatter = Jinja2ChatFormatter(
            template=template, eos_token=token_text(eos), bos_token=token_text(bos), stop_token_ids=[eos]
        )
        llm.chat_handler = self._formatter.to_chat_handler()
        self._template_source = "gguf metadata"

    def close(self) -> None:
        with self._load_lock:
            llm, self._llm = self._llm, None
            self._grammars.clear()
        if llm is not None:
            llm.close()

    # --- queries --------------------------------------------------------------------------------

    def info(self) -> BackendInfo:
        details = {"path": str(self.path), "chat_template": self._template_source}
        n_ctx = self.config.n_ctx
        if self._llm is not None:
            n_ctx = self._llm.n_ctx()
            meta = self._llm.metadata
            details["n_ctx_train"] = meta.get(f"{meta.get('general.architecture')}.context_length", "?")
            details["n_threads"] = str(self._llm.n_threads)
            self.model = self.config.model or meta.get("general.name") or self.path.stem
        return BackendInfo(backend=self.name, model=self.model, n_ctx=n_ctx, details=details)

    def format_prompt(self, messages: Sequence[ChatMessage]) -> str:
        """The exact prompt text the model sees (for debugging and tests)."""
        self.load()
        if self._formatter is None:
            raise BackendError("This model has no chat template in its metadata.")
        return self._formatter(messages=[m.as_dict() for m in messages]).prompt

    def count_tokens(self, text: str) -> int:
        self.load()
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    # --- generation -----------------------------------------------------------------------------

    def stream(self, request: GenerationRequest, cancel: CancelToken | None = None) -> Iterator[str]:
        self.load()
        if not self._busy.acquire(blocking=False):
            raise GenerationError("The model is still busy with another answer.", "Wait for it or cancel it.")
        chunks: Any = None
        try:
            grammar = self._grammar(request.grammar) if request.grammar else None
            try:
                chunks = self._start(request, grammar, cancel)
                for chunk in chunks:
                    if cancel is not None and cancel.cancelled:
                        return
                    choice = chunk["choices"][0]
                    text = choice["text"] if "text" in choice else choice["delta"].get("content")
                    if text:
                        yield text
            except ValueError as exc:
                if "context window" in str(exc) or "exceed context" in str(exc):
                    raise ContextOverflowError(f"The prompt is too long for this model: {exc}") from exc
                raise GenerationError(f"llama.cpp failed: {exc}") from exc
            except RuntimeError as exc:
                raise GenerationError(f"llama.cpp failed: {exc}") from exc
        finally:
            if chunks is not None:
                chunks.close()  # runs llama-cpp's generator cleanup even when we stop early
            self._busy.release()

    def _start(self, request: GenerationRequest, grammar: Any, cancel: CancelToken | None) -> Iterator[Any]:
        """Begin a streamed completion.

        With the file's template we render the prompt ourselves and call ``create_completion``,
        because only it takes a stopping criterion: that lets cancel stop llama.cpp at the next
        token even while it produces tokens that yield no text (partial UTF-8, held-back stops).
        """
        sampling: dict[str, Any] = {
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "grammar": grammar,
            "seed": request.seed,
            "stream": True,
        }
        if self._formatter is None:  # a forced chat_format: llama-cpp-python's own handler
            return self._llm.create_chat_completion(
                messages=request.message_dicts(), stop=list(request.stop) or None, **sampling
            )
        from llama_cpp import StoppingCriteriaList

        try:
            formatted = self._formatter(messages=request.message_dicts())
        except Exception as exc:  # template errors: raise_exception() gives ValueError, Jinja its own
            raise GenerationError(
                f"The model's chat template rejected the conversation: {exc}",
                "Some templates refuse system messages or non-alternating roles; "
                "set chat_format to override the template.",
            ) from exc
        tokens = self._llm.tokenize(
            formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True
        )
        template_stops = [formatted.stop] if isinstance(formatted.stop, str) else list(formatted.stop or [])
        criteria = StoppingCriteriaList([lambda ids, logits: cancel is not None and cancel.cancelled])
        criteria.extend(formatted.stopping_criteria or [])
        return self._llm.create_completion(
            prompt=tokens, stop=template_stops + list(request.stop), stopping_criteria=criteria, **sampling
        )

    def _grammar(self, text: str) -> Any:
        """Parse and validate a GBNF grammar, caching by text (parsing large grammars is not free)."""
        cached = self._grammars.get(text)
        if cached is not None:
            return cached
        import llama_cpp
        from llama_cpp import LlamaGrammar

        # llama.cpp reports a bad grammar only by returning NULL from the sampler constructor, which
        # LlamaGrammar does not check; validate here so a typo becomes a message, not a crash.
        llama_log.take_errors()
        with llama_log.capture_stderr() as printed:
            sampler = llama_cpp.llama_sampler_init_grammar(
                self._llm._model.vocab, text.encode("utf-8"), b"root"
            )
        logged = llama_log.take_errors()
        if not sampler:
            detail = " ".join("".join(printed).split()) or logged or "syntax error"
            raise GrammarError(
                f"The GBNF grammar is invalid: {detail[:300]}", "Fix the grammar and try again."
            )
        llama_cpp.llama_sampler_free(sampler)
        grammar = LlamaGrammar.from_string(text, verbose=False)
        self._grammars = {text: grammar}  # keep one: requests reuse the same grammar
        return grammar
