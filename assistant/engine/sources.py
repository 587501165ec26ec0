"""Where answers come from: a model backend behind our prompts, or the built-in offline engine.

Both are `AnswerSource`s, so the engine streams, checks, repairs and records the same way whatever
answers. A source turns a request into text chunks; a model source can also be asked again with a
failing program's diagnostics (`ask_again`), the offline one cannot (it returns None).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from assistant.config import Config
from assistant.engine import grounding
from assistant.engine.checking import verdict_of
from assistant.engine.tokens import TokenCounter, counter_for, estimating_counter
from assistant.kinds import Kind
from assistant.verdict import DiagnosticInfo
from synoema.fences import CODE_INFO, OUTPUT_INFO, program_block

if TYPE_CHECKING:
    from assistant.backends.base import Backend, BackendInfo, CancelToken, ChatMessage
    from assistant.engine.fewshot import ExampleBank
    from assistant.engine.prompting import PromptPlan
    from assistant.knowledge import Prompts
    from assistant.offline import OfflineEngine

OFFLINE = "offline"
OFFLINE_MODEL = "built-in"
APPROXIMATE_SHARE = 0.85  # of the budget used when tokens are counted with another model's tokenizer


@dataclass(frozen=True)
class AnswerRequest:
    """One turn to answer: what the user asked, their code, the message as stored, the conversation so far."""

    kind: Kind
    query: str  # the request, for choosing few-shot examples
    code: str | None  # the user's code, if any
    shown: str  # the user's message as stored and shown
    history: tuple[tuple[str, str], ...] = ()  # earlier (role, content) turns


@dataclass
class Answer:
    """A started answer: its chunks, the model that writes them, and what its prompt kept."""

    chunks: Iterator[str]
    model: str
    context_tokens: int = 0
    context_limit: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    generated_tokens: int | None = None  # as the model counted them, once the chunks are done


class AnswerSource(Protocol):
    """Something that answers requests: a model backend or the offline engine."""

    name: str
    offline: bool  # answers come from the compiler, not a model (no tokens-per-second figure)
    can_ask_again: bool  # a failing program can be sent back with its diagnostics

    @property
    def problems(self) -> list[str]: ...

    def info(self) -> BackendInfo: ...

    def load(self) -> None:
        """Get ready now (a model that cannot load fails here, before anything is stored)."""

    def warm(self) -> None:
        """Do slow first-use work (a UI calls this in a worker at start-up)."""

    def answer(self, request: AnswerRequest, cancel: CancelToken) -> Answer: ...

    def ask_again(
        self, request: AnswerRequest, program: str, diagnostics: Sequence[DiagnosticInfo], cancel: CancelToken
    ) -> str:
        """A new answer after showing `program` with the compiler's `diagnostics` (`can_ask_again`)."""
        ...

    def count_tokens(self, text: str, chunks: int) -> int: ...

    def close(self) -> None: ...


# ── the offline engine ───────────────────────────────────────────────────────────────────────


class OfflineSource:
    """Answers from `assistant.offline.OfflineEngine`: grounded in our compiler, no model."""

    name = OFFLINE
    offline = True
    can_ask_again = False

    def __init__(self, engine: OfflineEngine | None = None) -> None:
        self._engine = engine

    @property
    def problems(self) -> list[str]:
        return []

    @property
    def engine(self) -> OfflineEngine:
        if self._engine is None:
            from assistant.offline import OfflineEngine

            self._engine = OfflineEngine()
        return self._engine

    def info(self) -> BackendInfo:
        from assistant.backends.base import BackendInfo

        return BackendInfo(OFFLINE, OFFLINE_MODEL, None, {"engine": "offline answers from the compiler"})

    def load(self) -> None:
        _ = self.engine

    def warm(self) -> None:
        self.engine.warm()  # the strategies and the retrieval index, before the first question

    def answer(self, request: AnswerRequest, cancel: CancelToken) -> Answer:
        return Answer(self.engine.answer(request.kind, request.shown, request.history), OFFLINE_MODEL)

    def ask_again(
        self, request: AnswerRequest, program: str, diagnostics: Sequence[DiagnosticInfo], cancel: CancelToken
    ) -> str:
        raise NotImplementedError("the offline engine cannot be asked again")

    def count_tokens(self, text: str, chunks: int) -> int:
        return estimating_counter().count(text)

    def close(self) -> None:
        pass


# ── a model behind our prompts ───────────────────────────────────────────────────────────────


class ModelSource:
    """Answers from a model backend, prompted with the kind's system prompt, the reference, few-shot
    examples and as much of the conversation as fits; grammars constrain write and repair requests."""

    offline = False
    can_ask_again = True

    def __init__(
        self,
        backend: Backend,
        config: Config,
        *,
        grammars: Mapping[str, str] | None = None,
        isolate: bool = True,
    ) -> None:
        self.backend = backend
        self.config = config
        self.grammars = dict(grammars or {})
        self.isolate = isolate
        self.name = str(getattr(backend, "name", config.backend.kind))
        self._counter: TokenCounter | None = None
        self._bank: ExampleBank | None = None
        self._prompts: Prompts | None = None

    @property
    def problems(self) -> list[str]:
        return list(self._bank.problems) if self._bank is not None else []

    def info(self) -> BackendInfo:
        return self.backend.info()

    def load(self) -> None:
        load = getattr(self.backend, "load", None)
        if callable(load):
            load()

    def warm(self) -> None:
        self.load()

    @property
    def counter(self) -> TokenCounter:
        if self._counter is None:
            self._counter = counter_for(self.backend)
        return self._counter

    def count_tokens(self, text: str, chunks: int) -> int:
        counter = self.counter
        return counter.count(text) if counter.exact else chunks

    def model_text(self, request: AnswerRequest) -> str:
        """The user's message as the model sees it: a fix request carries the compiler's report."""
        if request.kind != Kind.FIX or request.code is None:
            return request.shown
        report = grounding.compiler_report(verdict_of(request.code, isolate=self.isolate))
        return f"{request.shown}\n\n{report}"

    def plan(self, request: AnswerRequest, extra: Sequence[tuple[str, str]] = ()) -> PromptPlan:
        """The messages for `request` (continued by `extra` turns), within the token budget."""
        from assistant.engine.prompting import build_prompt, context_budget, reference_sizes
        from assistant.knowledge import load_reference

        engine_cfg = self.config.engine
        budget = context_budget(engine_cfg.context_budget_tokens, self.info().n_ctx, engine_cfg.max_tokens)
        counter = self.counter
        if not counter.exact:
            budget = int(budget * APPROXIMATE_SHARE)  # another tokenizer's count: leave a margin
        return build_prompt(
            system=self._load_prompts().system_for(request.kind.value),
            current=[("user", self.model_text(request)), *extra],
            counter=counter,
            budget=budget,
            reference=load_reference,
            reference_sizes=reference_sizes(engine_cfg.reference),
            history=list(request.history),
            examples=self._examples().pick(request.kind.value, request.query, engine_cfg.few_shots),
        )

    def answer(self, request: AnswerRequest, cancel: CancelToken) -> Answer:
        plan = self.plan(request)
        meta = {
            "prompt": {
                "reference": plan.reference,
                "examples": plan.examples,
                "turns_kept": plan.turns_kept,
                "turns_dropped": plan.turns_dropped,
                "over_budget": plan.over_budget,
                "counter": self.counter.name,
            }
        }
        answer = Answer(iter(()), self._model_name(), plan.tokens, plan.budget, meta)
        answer.chunks = self._counted(self._stream(plan.messages, request.kind.value, cancel), answer)
        return answer

    def _counted(self, chunks: Iterator[str], answer: Answer) -> Iterator[str]:
        """`chunks`, then the backend's own count of generated tokens into `answer` (also when the
        stream is closed early by a cancel)."""
        try:
            yield from chunks
        finally:
            close = getattr(chunks, "close", None)
            if callable(close):
                close()
            usage = getattr(self.backend, "last_usage", None)
            completion = getattr(usage, "completion_tokens", None)
            if isinstance(completion, int):
                answer.generated_tokens = completion

    def ask_again(
        self, request: AnswerRequest, program: str, diagnostics: Sequence[DiagnosticInfo], cancel: CancelToken
    ) -> str:
        # the context shows only the failing program, not the whole reply: it keeps the prompt short
        shown = program_block(program, None)
        plan = self.plan(request, [("assistant", shown), ("user", repair_request(diagnostics))])
        if plan.over_budget:  # the first error only, without hints, to fit the context
            plan = self.plan(request, [("assistant", shown), ("user", repair_request(diagnostics, brief=True))])
        return "".join(self._stream(plan.messages, "repair", cancel))

    def _stream(self, messages: Sequence[ChatMessage], grammar_key: str, cancel: CancelToken) -> Iterator[str]:
        from assistant.backends.base import GenerationRequest

        engine_cfg = self.config.engine
        request = GenerationRequest(
            messages=list(messages),
            max_tokens=engine_cfg.max_tokens,
            temperature=engine_cfg.temperature,
            grammar=self.grammars.get(grammar_key),
        )
        return self.backend.stream(request, cancel)

    def _model_name(self) -> str:
        return str(getattr(self.backend, "model", "") or self.info().model)

    def _load_prompts(self) -> Prompts:
        if self._prompts is None:
            from assistant.knowledge import load_prompts

            self._prompts = load_prompts()
        return self._prompts

    def _examples(self) -> ExampleBank:
        if self._bank is None:
            from assistant.engine.fewshot import ExampleBank

            self._bank = ExampleBank(self.config.dialogue_path())
        return self._bank

    def close(self) -> None:
        self.backend.close()


def repair_request(diagnostics: Sequence[DiagnosticInfo], *, brief: bool = False) -> str:
    """The compiler's findings on the program just above, sent back to the model (`brief`: the
    first error only, without hints)."""
    lines = ["That program does not compile or run. The compiler says:"]
    errors = [d for d in diagnostics if d.is_error] or list(diagnostics)
    for d in errors[: 1 if brief else 3]:
        where = f" line {d.line}" if d.line else ""
        lines.append(f"- error[{d.code}]{where}: {d.message}")
        if d.hint and not brief:
            lines.append(f"  hint: {d.hint}")
    lines += [
        "",
        f"Reply with the corrected complete program in one ```{CODE_INFO} block, followed by its "
        f"```{OUTPUT_INFO} block: exactly what `synoema run` prints.",
    ]
    return "\n".join(lines)


def grammars_for(config: Config) -> dict[str, str]:
    """The grammars `engine.grammar` asks for ({} when none): write requests and repair rounds.

    Raises OSError when a grammar file cannot be read, ValueError when this build has no grammar.
    """
    choice = config.engine.grammar.strip()
    if not choice:
        return {}
    from pathlib import Path

    from assistant.engine.grammar import write_grammars

    found = write_grammars(None if choice == "builtin" else Path(choice).expanduser())
    if not found:
        raise ValueError("this build has no Synoema grammar (synoema/synoema.gbnf)")
    return found


def make_source(
    config: Config,
    *,
    backend: Backend | None = None,
    offline: OfflineEngine | None = None,
    grammars: Mapping[str, str] | None = None,
    isolate: bool = True,
) -> AnswerSource:
    """The source the config asks for (raises `BackendError` when a backend cannot be created)."""
    if backend is None and config.backend.kind == OFFLINE:
        return OfflineSource(offline)
    if backend is None:
        from assistant.backends.registry import create_backend

        backend = create_backend(config.backend.kind, config.backend.selected)
    chosen = dict(grammars) if grammars is not None else grammars_for(config)
    return ModelSource(backend, config, grammars=chosen, isolate=isolate)
