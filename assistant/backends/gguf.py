"""Local GGUF models through llama-cpp-python: the assistant's default, offline backend.

The chat template comes from the file's own ``tokenizer.chat_template`` metadata, so a fine-tuned
model is prompted exactly as it was trained. llama-cpp-python is imported and the model loaded on
first use, so the app starts instantly and ``info()`` works before loading.

Generation is our own token loop over ``Llama.generate``: each token is detokenized once and fed
to an incremental UTF-8 decoder, so a reply costs time linear in its length even when tokens end
inside a multi-byte character (llama-cpp-python's streaming completion re-detokenizes the held-back
text on every such token: 800 tokens took minutes). Cancel is checked between tokens; the count of
generated tokens is kept in ``last_usage``.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import random
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.backends import llama_log
from assistant.backends.base import BackendInfo, CancelToken, ChatMessage, GenerationRequest, Usage
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
from assistant.backends.gguf_file import GGUFFile, GGUFFormatError, read_gguf
from assistant.backends.stops import StopScanner
from assistant.safetext import ControlStripper

INSTALL_HINT = (
    "Install llama-cpp-python: bash .ci/build_llama_wheel.sh (or pip install 'synoema-assistant[gguf]')."
)
EXPORT_HINT = "Export one with synoema-train export-gguf (python -m training.gguf_export)."
YARN_DEFAULTS = {"yarn_beta_fast": 32.0, "yarn_beta_slow": 1.0}  # Llama()'s own defaults


def adapter_hint(adapter: Path) -> str:
    return (
        f"Convert it to a GGUF LoRA: synoema-train export-gguf {adapter} --adapter --out lora.gguf "
        "(or python -m training.gguf_export ADAPTER_DIR lora.gguf --base BASE_DIR), then set adapter_path to lora.gguf."
    )


def read_model_file(path: Path) -> GGUFFile:
    """The header of a GGUF model file; `ModelLoadError` when missing, not GGUF, truncated or an adapter."""
    if not path.is_file():
        raise ModelLoadError(f"Model file not found: {path}", "Check model_path (~ is expanded). " + EXPORT_HINT)
    try:
        found = read_gguf(path)
    except GGUFFormatError as exc:
        raise ModelLoadError(str(exc), "The file is damaged or not a GGUF model: re-download or re-export it.") from None
    except OSError as exc:
        raise ModelLoadError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if found.problems:
        raise ModelLoadError(found.problems[0], "The download or export was cut short: copy or export it again.")
    if found.kind == "adapter":
        raise ModelLoadError(
            f"{path.name} is a LoRA adapter, not a model.",
            "Set model_path to the base model's .gguf and adapter_path to this file.",
        )
    return found


def read_adapter_file(path: Path, model: GGUFFile | None) -> GGUFFile:
    """The header of a GGUF LoRA; a clear `ModelLoadError` for a peft directory that is not converted."""
    if path.is_dir():
        if (path / "adapter_config.json").is_file():
            raise ModelLoadError(
                f"{path} is a peft adapter directory; the gguf backend needs a GGUF LoRA file.", adapter_hint(path)
            )
        raise ModelLoadError(f"{path} is a directory, not a GGUF LoRA file.", adapter_hint(path))
    if not path.is_file():
        raise ModelLoadError(f"Adapter not found: {path}", "Check adapter_path, or remove it to use the model alone.")
    try:
        found = read_gguf(path)
    except GGUFFormatError as exc:
        raise ModelLoadError(f"The adapter is not a GGUF file: {exc}", adapter_hint(path)) from None
    if found.problems:
        raise ModelLoadError(found.problems[0], "Export the adapter again.")
    if not found.is_lora:
        raise ModelLoadError(
            f"{path.name} is a GGUF {found.kind}, not a LoRA adapter.",
            "Set adapter_path to a GGUF LoRA (synoema-train export-gguf RUN --adapter), or remove it.",
        )
    if model is not None and found.architecture != model.architecture:
        raise ModelLoadError(
            f"The adapter {path.name} is for {found.architecture or 'another architecture'}; "
            f"the model is {model.architecture}.",
            "Use the adapter with the base model it was trained on.",
        )
    return found


def machine_threads() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


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
        self.adapter = Path(config.adapter_path).expanduser() if config.adapter_path else None
        self.last_usage: Usage | None = None
        self._llm: Any = None
        self._piece_buffer = ctypes.create_string_buffer(64)
        self._formatter: Any = None
        self._template_source = "not loaded"
        self._grammars: dict[str, Any] = {}
        self._load_lock = threading.Lock()
        self._busy = threading.Lock()

    @classmethod
    def check(cls, options: GGUFOptions) -> GGUFFile:
        """Validate a model file before switching to it, without loading weights: it exists, its
        header and tensor table are whole (a truncated file fails here), and an adapter, when set,
        is a GGUF LoRA for the same architecture. Returns the parsed header."""
        if not options.model_path:
            raise BackendConfigError("The gguf backend needs a model file.", "Give the path of a .gguf file.")
        model = read_model_file(Path(options.model_path).expanduser())
        if options.adapter_path:
            read_adapter_file(Path(options.adapter_path).expanduser(), model)
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise BackendUnavailableError(f"llama-cpp-python is not installed ({exc}).", INSTALL_HINT) from exc
        llama_log.install()
        llama_log.take_errors()
        try:  # the vocabulary only (fast): an architecture or tokenizer this llama.cpp cannot read fails here
            Llama(model_path=str(model.path), vocab_only=True, verbose=False).close()
        except (ValueError, RuntimeError, OSError) as exc:
            detail = llama_log.take_errors()
            raise ModelLoadError(
                f"llama.cpp could not read {model.path.name}: {exc}" + (f"\n{detail}" if detail else ""),
                "The file may be of an architecture this llama-cpp-python does not support; upgrade it.",
            ) from exc
        return model

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
        header = read_model_file(self.path)
        adapter = self.adapter
        if adapter is not None:
            read_adapter_file(adapter, header)
        kwargs = self._load_kwargs(header)
        try:
            llm = Llama(model_path=str(self.path), verbose=False, **kwargs)
        except (ValueError, RuntimeError, OSError) as exc:
            detail = llama_log.take_errors()
            which = f"the adapter {adapter.name} with " if adapter is not None and "LoRA" in str(exc) else ""
            raise ModelLoadError(
                f"llama.cpp could not load {which}{self.path.name}: {exc}" + (f"\n{detail}" if detail else ""),
                "The file may be truncated, not a GGUF model, or of an architecture this llama-cpp-python "
                "does not support; re-export it or upgrade llama-cpp-python.",
            ) from exc
        self._install_chat_handler(llm)
        return llm

    def _load_kwargs(self, header: GGUFFile) -> dict[str, Any]:
        """Every option, as Llama() takes it: context capped at what the model was trained for,
        threads defaulting to the machine's cores, the adapter, YaRN betas the file asks for."""
        config = self.config
        trained = header.context_length
        threads = config.n_threads or machine_threads()
        kwargs: dict[str, Any] = {
            "n_ctx": min(config.n_ctx, trained) if trained else config.n_ctx,
            "n_threads": threads,
            "n_threads_batch": threads,
            "n_gpu_layers": config.n_gpu_layers,
            "chat_format": config.chat_format,
        }
        if self.adapter is not None:
            kwargs["lora_path"] = str(self.adapter)
            kwargs["lora_scale"] = config.adapter_scale
        for key, default in YARN_DEFAULTS.items():
            value = header.arch_value(f"rope.scaling.{key}")
            if isinstance(value, float) and value != default:
                kwargs[key] = value  # llama.cpp's graph takes the ramp from the context, not the file
        return kwargs

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
        if self.adapter is not None:
            details["adapter"] = str(self.adapter)
        n_ctx = self.config.n_ctx
        if self._llm is not None:
            n_ctx = self._llm.n_ctx()
            meta = self._llm.metadata
            details["n_ctx_train"] = meta.get(f"{meta.get('general.architecture')}.context_length", "?")
            if n_ctx < self.config.n_ctx:
                details["n_ctx"] = f"{n_ctx} (the model's training context; {self.config.n_ctx} configured)"
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
        self.last_usage = None  # until this generation starts
        self.load()
        if not self._busy.acquire(blocking=False):
            raise GenerationError("The model is still busy with another answer.", "Wait for it or cancel it.")
        try:
            grammar = self._grammar(request.grammar) if request.grammar else None
            tokens, stops = self._prompt(request)
            yield from self._generate(tokens, stops, request, grammar, cancel)
        finally:
            self._busy.release()

    def _prompt(self, request: GenerationRequest) -> tuple[list[int], list[str]]:
        """The prompt's tokens (the file's template, or the forced chat format) and its stop strings."""
        if self._formatter is None:
            return self._forced_format_prompt(request)
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
        return tokens, template_stops + list(request.stop)

    def _forced_format_prompt(self, request: GenerationRequest) -> tuple[list[int], list[str]]:
        """A llama-cpp-python chat format by name (`chat_format`), rendered by its own formatter."""
        formatter = _named_formatter(str(self.config.chat_format or self._llm.chat_format))
        formatted = formatter(messages=request.message_dicts())
        tokens = self._llm.tokenize(
            formatted.prompt.encode("utf-8"), add_bos=not getattr(formatted, "added_special", False), special=True
        )
        stops = [formatted.stop] if isinstance(formatted.stop, str) else list(formatted.stop or [])
        return tokens, stops + list(request.stop)

    def _generate(
        self, tokens: list[int], stops: list[str], request: GenerationRequest, grammar: Any,
        cancel: CancelToken | None,
    ) -> Iterator[str]:
        """Our token loop: one detokenize per token, an incremental UTF-8 decoder, cancel between tokens."""
        import llama_cpp

        llm = self._llm
        room = llm.n_ctx() - len(tokens)
        if room < 1:
            raise ContextOverflowError(
                f"The prompt is too long for this model: {len(tokens)} tokens, the context holds {llm.n_ctx()}."
            )
        limit = min(request.max_tokens, room)
        llm.set_seed(request.seed if request.seed is not None else random.getrandbits(31))
        vocab = llm._model.vocab
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        scanner = StopScanner(stops)
        clean = ControlStripper()  # a model can emit terminal escapes too
        produced = 0
        self.last_usage = Usage(len(tokens), 0)
        sampler: dict[str, Any] = {"temp": request.temperature, "repeat_penalty": request.repetition_penalty}
        if request.temperature > 0:
            sampler.update(top_k=request.top_k, top_p=request.top_p, min_p=request.min_p)
        generator = llm.generate(tokens, grammar=grammar, reset=True, **sampler)
        try:
            for token in generator:
                if cancel is not None and cancel.cancelled:
                    return
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    break
                produced += 1
                text = decoder.decode(self._detokenize(vocab, token))
                out = scanner.feed(clean.feed(text)) if text else ""
                if out:
                    yield out
                if scanner.stopped or produced >= limit:
                    break
            if not scanner.stopped:
                tail = scanner.feed(clean.feed(decoder.decode(b"", final=True)) + clean.flush()) + scanner.flush()
                if tail:
                    yield tail
        except ValueError as exc:
            if "context window" in str(exc) or "exceed context" in str(exc):
                raise ContextOverflowError(f"The prompt is too long for this model: {exc}") from exc
            raise GenerationError(f"llama.cpp failed: {exc}") from exc
        except RuntimeError as exc:
            raise GenerationError(f"llama.cpp failed: {exc}", llama_log.take_errors() or None) from exc
        finally:
            generator.close()
            self.last_usage = Usage(len(tokens), produced)

    def _detokenize(self, vocab: Any, token: int) -> bytes:
        """One token's bytes. llama-cpp-python's own detokenize uses a 32-byte buffer and silently
        drops longer pieces (real vocabularies have them: runs of spaces or dashes); this one grows."""
        import llama_cpp

        size = len(self._piece_buffer)
        n = llama_cpp.llama_token_to_piece(vocab, token, self._piece_buffer, size, 0, False)
        if n < 0:
            self._piece_buffer = ctypes.create_string_buffer(-n)
            n = llama_cpp.llama_token_to_piece(vocab, token, self._piece_buffer, -n, 0, False)
        return self._piece_buffer.raw[: max(n, 0)]

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


def _named_formatter(name: str) -> Any:
    """The prompt formatter behind llama-cpp-python's chat format `name` (its registry keeps only the
    completion handler, which wraps the formatter)."""
    from llama_cpp import llama_chat_format

    try:
        handler = llama_chat_format.get_chat_completion_handler(name)
    except (KeyError, ValueError):
        handler = None
    for cell in getattr(handler, "__closure__", None) or ():
        value = cell.cell_contents
        if callable(value) and getattr(value, "__name__", "").startswith("format_"):
            return value
    raise BackendConfigError(
        f"Unknown chat_format {name!r}.",
        "Use one of llama-cpp-python's formats (chatml, llama-2, mistral-instruct, …) or unset chat_format.",
    )
