"""The engine: a user's message in, a checked answer out, as a stream of events.

`Engine.respond` is blocking and meant for a worker thread. It builds the prompt (or asks the offline
engine), passes text through as it streams, checks each Synoema block the moment its fence closes,
then repairs failing proposed programs: rule-based first, then (with a model) by asking again with
the diagnostics for a bounded number of rounds. Every failure becomes a `Failed` event and
`Reply.error`; nothing raises to the caller.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.config import Config
from assistant.engine import backend_setup, grounding
from assistant.engine.checking import CheckOutcome, check_code, repair_code
from assistant.engine.compose import rebuild
from assistant.engine.offline_source import answer_stream, load_offline
from assistant.engine.recording import Recorder
from assistant.engine.snippets import CodeBlock, FenceWatcher, extract_blocks
from assistant.engine.tokens import TokenCounter, counter_for, estimating_counter
from assistant.engine.types import (
    DiagnosticInfo,
    Done,
    Event,
    Failed,
    Kind,
    RepairRound,
    Reply,
    SnippetChecked,
    SnippetVerdict,
    TextChunk,
    Turn,
)

if TYPE_CHECKING:  # the backends package is imported only when a model is used
    import logging

    from assistant.backends.base import BackendInfo, CancelToken, ChatMessage
    from assistant.backends.errors import BackendError
    from assistant.engine.fewshot import ExampleBank
    from assistant.engine.prompting import PromptPlan


def _log() -> logging.Logger:
    """The engine's logger; `logging` (~3 ms to import) is loaded only when something is logged."""
    import logging

    return logging.getLogger("assistant.engine")


OFFLINE_MODEL = "built-in"
FEW_SHOTS = 2
APPROXIMATE_SHARE = 0.85  # of the budget used when tokens are counted with another model's tokenizer
QUOTE_KINDS = frozenset({Kind.FIX, Kind.REVIEW})


def _backend_errors() -> tuple[type[BaseException], ...]:
    """`BackendError` once the backends are imported; nothing before (then none can be raised)."""
    errors = sys.modules.get("assistant.backends.errors")
    return (errors.BackendError,) if errors is not None else ()


class _NeverCancelled:
    """The cancel token of a caller that gave none (duck-types `CancelToken`)."""

    cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def wait(self, timeout: float) -> bool:
        time.sleep(timeout)
        return self.cancelled


@dataclass
class _Streamed:
    """What streaming produced: the raw text, its blocks with verdicts, and how it ended."""

    text: str = ""
    placed: list[tuple[CodeBlock, SnippetVerdict]] = field(default_factory=list)
    chunks: int = 0
    first: float | None = None
    error: BackendError | None = None


@dataclass(frozen=True)
class _UserTurn:
    """The user's side of a turn, as `_prepare` splits it."""

    query: str  # the request, for choosing few-shot examples
    code: str | None  # the user's code, if any
    shown: str  # the message as stored and shown
    model_text: str  # the message the model sees (with the compiler's report for a fix)


class _Emitter:
    """Calls the UI's callback; a callback that raises is logged and never breaks the reply."""

    def __init__(self, on_event: Callable[[Event], None] | None) -> None:
        self._on_event = on_event

    def __call__(self, event: Event) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            _log().exception("on_event callback failed")


def _is_quote(code: str, user_code: str | None) -> bool:
    """Whether every line of `code` is copied from the user's code (a quotation, not a proposal)."""
    if not user_code:
        return False
    mine = {ln.strip() for ln in user_code.splitlines() if ln.strip()}
    theirs = [ln.strip() for ln in code.splitlines() if ln.strip()]
    return bool(theirs) and all(ln in mine for ln in theirs)


def _apply(verdict: SnippetVerdict, outcome: CheckOutcome) -> SnippetVerdict:
    verdict.status = outcome.status
    verdict.shape = outcome.shape
    verdict.signatures = list(outcome.signatures)
    verdict.output = outcome.stdout
    verdict.diagnostics = list(outcome.diagnostics)
    return verdict


class Engine:
    """Explain, fix, answer, review and write Synoema, with every snippet checked.

    `backend` injects a ready backend object (tests, plugins); `history` is a `HistoryStore`, None to
    open the configured one lazily, or False for none; `offline` injects an offline answer engine
    (anything with `answer(kind, text, history) -> Iterator[str]`); `grammars` maps a kind name (or
    "repair") to a GBNF grammar sent with model requests of that kind. `isolate=False` runs snippets
    in-process under the watchdog instead of in sandbox workers (faster start for one-shot commands).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        backend: Any | None = None,
        history: Any | None = None,
        offline: Any | None = None,
        grammars: Mapping[str, str] | None = None,
        isolate: bool = True,
    ) -> None:
        self.config = config if config is not None else Config()
        self._backend_cfg: Any = self.config.backend  # either BackendConfig flavour; converted on use
        self._backend = backend
        self._backend_error: BackendError | None = None
        self._counter: TokenCounter | None = None
        self._offline = offline
        self._offline_tried = offline is not None
        self._offline_problem: str | None = None
        self.grammars: dict[str, str] = dict(grammars or {})
        self.isolate = isolate
        self._recorder = Recorder(history, self.config.history_path())
        self._dialogue_dir = self.config.dialogue_path()
        self._bank: ExampleBank | None = None  # few-shot examples: only prompts for a model need them
        self._prompts: Any | None = None
        self._lock = threading.RLock()

    # --- backends -------------------------------------------------------------------------------------

    @property
    def backend_kind(self) -> str:
        if self._backend is not None:
            return str(getattr(self._backend, "name", self._backend_cfg.kind))
        return str(self._backend_cfg.kind)

    @property
    def is_offline(self) -> bool:
        return self._backend is None and self._backend_cfg.kind == backend_setup.OFFLINE

    @property
    def backend_info(self) -> BackendInfo:
        """What a status bar shows; never raises (an unusable backend says why in `details`)."""
        from assistant.backends.base import BackendInfo
        from assistant.backends.errors import BackendError

        if self.is_offline:
            return BackendInfo(
                "offline", OFFLINE_MODEL, None, {"engine": "offline answers from the compiler"}
            )
        try:
            info = self._get_backend().info()
        except BackendError as exc:
            return BackendInfo(
                self._backend_cfg.kind,
                self._backend_cfg.model or "(unavailable)",
                None,
                {"error": exc.message, "hint": exc.hint or ""},
            )
        last = self._backend_error
        if last is not None:
            info = BackendInfo(
                info.backend,
                info.model,
                info.n_ctx,
                {**info.details, "error": last.message, "hint": last.hint or ""},
            )
        return info

    @property
    def problems(self) -> list[str]:
        """Non-fatal problems met so far (history unavailable, offline engine missing, bad data rows)."""
        found = list(self._recorder.problems) + (list(self._bank.problems) if self._bank is not None else [])
        if self._offline_problem:
            found.append(self._offline_problem)
        return found

    def _get_backend(self) -> Any:
        with self._lock:
            if self._backend is None:
                self._backend = backend_setup.create(backend_setup.to_backend_config(self._backend_cfg))
                self._counter = None
            return self._backend

    def switch_backend(self, cfg: Any) -> BackendInfo:
        """Use another backend from now on (either `BackendConfig` flavour); the old one is closed."""
        new_cfg = backend_setup.to_backend_config(cfg)
        with self._lock:
            old, self._backend = self._backend, None
            self._backend_cfg = cfg
            self._counter = None
            self._backend_error = None
            self.config.backend = backend_setup.to_user_config(new_cfg)
        if old is not None:
            try:
                old.close()
            except Exception:
                _log().exception("closing the previous backend failed")
        return self.backend_info

    def _token_counter(self) -> TokenCounter:
        with self._lock:
            if self._counter is None:
                self._counter = estimating_counter() if self.is_offline else counter_for(self._get_backend())
            return self._counter

    def close(self) -> None:
        """Release the model and the history database."""
        with self._lock:
            backend, self._backend = self._backend, None
        if backend is not None:
            try:
                backend.close()
            except Exception:
                _log().exception("closing the backend failed")
        self._recorder.close()

    # --- conversations --------------------------------------------------------------------------------

    def new_conversation(self, kind: str = "chat", title: str = "") -> int:
        return self._recorder.new_conversation(str(kind), title)

    def messages(self, conversation_id: int) -> list[Turn]:
        return self._recorder.turns(conversation_id)

    def rate(self, message_id: int, rating: int, note: str = "") -> bool:
        """Record a user's rating (-1, 0, 1) of an answer; False when history is off or it failed."""
        return self._recorder.rate(message_id, rating, note)

    @property
    def history(self) -> Any | None:
        """The history store in use (None when history is off)."""
        return self._recorder.store

    # --- checking -------------------------------------------------------------------------------------

    def check_snippet(self, code: str, *, stdin: str = "") -> SnippetVerdict:
        """The verdict on one piece of code (the validate screen, `/check`)."""
        verdict = SnippetVerdict(index=0, code=code, start=0, end=len(code))
        return _apply(verdict, check_code(code, stdin=stdin, isolate=self.isolate))

    def repair_snippet(self, code: str) -> tuple[str, list[str], SnippetVerdict]:
        """Rule-based repair: (code, one note per edit, verdict on the result)."""
        fixed = repair_code(code)
        verdict = self.check_snippet(fixed.code)
        if fixed.changed:
            verdict.repaired, verdict.original_code, verdict.repair_notes = True, code, list(fixed.notes)
        return fixed.code, list(fixed.notes), verdict

    # --- answering ------------------------------------------------------------------------------------

    def respond(
        self,
        text: str,
        kind: Kind | str,
        *,
        conversation_id: int | None = None,
        on_event: Callable[[Event], None] | None = None,
        cancel: CancelToken | None = None,
        code: str | None = None,
    ) -> Reply:
        """Answer `text` as `kind`; blocking. Events go to `on_event`; the result is also returned."""
        emit = _Emitter(on_event)
        try:
            kind = Kind(kind)
        except ValueError:
            return self._fail(
                emit,
                Reply(text="", kind=Kind.ASK),
                f"Unknown kind {kind!r}.",
                f"Use one of: {', '.join(k.value for k in Kind)}.",
            )
        reply = Reply(text="", kind=kind, backend=self.backend_kind)
        try:
            return self._respond(text, kind, conversation_id, emit, cancel or _NeverCancelled(), code, reply)
        except _backend_errors() as exc:
            self._backend_error = exc
            return self._fail(emit, reply, exc.message, exc.hint or None)
        except Exception as exc:  # a bug must reach the user as a message, not a traceback
            _log().exception("respond failed")
            return self._fail(
                emit,
                reply,
                f"Internal error: {type(exc).__name__}: {exc}",
                "This is a bug in synoema-assistant; the log has the details.",
            )

    def _fail(self, emit: _Emitter, reply: Reply, message: str, hint: str | None) -> Reply:
        reply.error, reply.error_hint = message, hint
        emit(Failed(message, hint))
        emit(Done(reply))
        return reply

    def _respond(
        self,
        text: str,
        kind: Kind,
        conversation_id: int | None,
        emit: _Emitter,
        cancel: CancelToken,
        code: str | None,
        reply: Reply,
    ) -> Reply:
        turn = self._prepare(text, kind, code, for_model=not self.is_offline)
        if turn is None:
            return self._fail(emit, reply, "The message is empty.", "Type a question, a task or some code.")
        shown, user_code = turn.shown, turn.code
        existing = conversation_id is not None and self._recorder.exists(conversation_id)
        prior = self._recorder.turns(conversation_id) if existing and conversation_id is not None else []
        started = time.perf_counter()
        plan: PromptPlan | None = None
        replan: Callable[[Sequence[tuple[str, str]]], PromptPlan] | None = None
        if not self.is_offline:
            backend = self._get_backend()
            reply.backend = str(getattr(backend, "name", self._backend_cfg.kind))
            load = getattr(backend, "load", None)
            if callable(load):
                load()  # a model that cannot load fails here, before anything is stored
            replan = self._replanner(kind, turn, prior)
            plan = replan(())
            reply.stats.context_tokens, reply.stats.context_limit = plan.tokens, plan.budget
            reply.meta["prompt"] = {
                "reference": plan.reference,
                "examples": plan.examples,
                "turns_kept": plan.turns_kept,
                "turns_dropped": plan.turns_dropped,
                "over_budget": plan.over_budget,
                "counter": self._token_counter().name,
            }
        if not existing or conversation_id is None:  # created only once the answer can start
            conversation_id = self.new_conversation(kind.value)
        reply.meta["conversation_id"] = conversation_id
        user_turn = self._recorder.add(conversation_id, Turn("user", shown, kind.value))
        reply.meta["user_message_id"] = user_turn.message_id
        if plan is not None:
            chunks = self._model_stream(plan.messages, kind.value, cancel)
        else:
            reply.model = OFFLINE_MODEL
            chunks = self._offline_stream(kind, shown, prior, user_code)
        streamed = self._stream(chunks, kind, user_code, emit, cancel, started)
        text_out, placed = streamed.text, streamed.placed
        reply.stats.first_token_seconds = streamed.first
        reply.stats.seconds = time.perf_counter() - started
        reply.cancelled = cancel.cancelled
        if plan is not None:
            reply.model = str(getattr(self._get_backend(), "model", "") or self.backend_info.model)
            counter = self._token_counter()
            reply.stats.tokens = counter.count(text_out) if counter.exact else streamed.chunks
        else:
            reply.stats.tokens = estimating_counter().count(text_out)
        self._backend_error = streamed.error
        if streamed.error is not None:
            reply.error, reply.error_hint = streamed.error.message, streamed.error.hint or None
            emit(Failed(reply.error, reply.error_hint))
        elif not reply.cancelled:
            self._repair(placed, replan, cancel, emit, reply)
        reply.verdicts = [v for _, v in placed]
        reply.text = rebuild(text_out, placed)
        assistant_turn = Turn(
            "assistant",
            reply.text,
            kind.value,
            backend=reply.backend,
            model=reply.model,
            verdicts=reply.verdicts,
        )
        if reply.text.strip():
            self._recorder.add(
                conversation_id,
                assistant_turn,
                tokens=reply.stats.tokens,
                duration=round(time.perf_counter() - started, 4),
            )
            reply.meta["message_id"] = assistant_turn.message_id
        emit(Done(reply))
        return reply

    def _prepare(
        self, text: str, kind: Kind, code: str | None, *, for_model: bool = True
    ) -> _UserTurn | None:
        """What the user asked, their code, the message as stored, and the message the model sees
        (the compiler's report is left out offline, where no model reads it)."""
        request, user_code = grounding.split_request(text, code, kind)
        if not request and user_code is None:
            return None
        in_request = user_code is not None and user_code in request
        shown = grounding.user_message(request, user_code, code_in_request=in_request)
        model_text = shown
        if for_model and kind == Kind.FIX and user_code is not None:
            model_text = (
                f"{shown}\n\n{grounding.compiler_report(check_code(user_code, isolate=self.isolate))}"
            )
        return _UserTurn(request or shown, user_code, shown, model_text)

    def _replanner(
        self, kind: Kind, turn: _UserTurn, prior: Sequence[Turn]
    ) -> Callable[[Sequence[tuple[str, str]]], PromptPlan]:
        def replan(extra: Sequence[tuple[str, str]]) -> PromptPlan:
            return self._plan(kind, turn.query, [("user", turn.model_text), *extra], prior)

        return replan

    def preview_prompt(
        self, text: str, kind: Kind | str, *, conversation_id: int | None = None, code: str | None = None
    ) -> PromptPlan | None:
        """The messages a model would be sent for this turn (None offline or for an empty message)."""
        turn = self._prepare(text, Kind(kind), code)
        if turn is None or self.is_offline:
            return None
        prior = self._recorder.turns(conversation_id) if conversation_id is not None else []
        return self._replanner(Kind(kind), turn, prior)(())

    # --- prompt and sources ---------------------------------------------------------------------------

    def _load_prompts(self) -> Any:
        if self._prompts is None:
            from assistant.knowledge import load_prompts

            self._prompts = load_prompts()
        return self._prompts

    def _examples(self) -> ExampleBank:
        with self._lock:
            if self._bank is None:
                from assistant.engine.fewshot import ExampleBank

                self._bank = ExampleBank(self._dialogue_dir)
            return self._bank

    def _plan(
        self, kind: Kind, query: str, current: Sequence[tuple[str, str]], prior: Iterable[Turn]
    ) -> PromptPlan:
        from assistant.engine.prompting import build_prompt, context_budget, reference_sizes
        from assistant.knowledge import load_reference

        engine_cfg = self.config.engine
        info = self._get_backend().info()
        budget = context_budget(engine_cfg.context_budget_tokens, info.n_ctx, engine_cfg.max_tokens)
        counter = self._token_counter()
        if not counter.exact:
            budget = int(budget * APPROXIMATE_SHARE)  # another tokenizer's count: leave a margin
        return build_prompt(
            system=self._load_prompts().system_for(kind.value),
            current=current,
            counter=counter,
            budget=budget,
            reference=load_reference,
            reference_sizes=reference_sizes(engine_cfg.reference),
            history=[(t.role, t.content) for t in prior if t.role in ("user", "assistant")],
            examples=self._examples().pick(kind.value, query, FEW_SHOTS),
        )

    def _model_stream(
        self, messages: Sequence[ChatMessage], grammar_key: str, cancel: CancelToken
    ) -> Iterator[str]:
        from assistant.backends.base import GenerationRequest

        engine_cfg = self.config.engine
        request = GenerationRequest(
            messages=list(messages),
            max_tokens=engine_cfg.max_tokens,
            temperature=engine_cfg.temperature,
            grammar=self.grammars.get(grammar_key),
        )
        return self._get_backend().stream(request, cancel)

    def _offline_stream(
        self, kind: Kind, text: str, prior: Sequence[Turn], code: str | None
    ) -> Iterator[str]:
        self._ensure_offline()
        history = [(t.role, t.content) for t in prior if t.role in ("user", "assistant")]
        return answer_stream(self._offline, kind, text, history, code)

    def _ensure_offline(self) -> None:
        with self._lock:
            if not self._offline_tried:
                self._offline_tried = True
                self._offline, self._offline_problem = load_offline(self.config)

    def warm(self) -> None:
        """Do the slow first-use work now (a UI calls this in a worker at start-up): load the offline
        engine or the model, and the checker. Failures are left for `respond` to report."""
        try:
            if self.is_offline:
                self._ensure_offline()
                warm = getattr(self._offline, "warm", None)
                if callable(warm):
                    warm()  # the strategies and the retrieval index, before the first question
            else:
                load = getattr(self._get_backend(), "load", None)
                if callable(load):
                    load()
            check_code("main = 1", isolate=self.isolate)
        except Exception:
            _log().debug("warm-up failed", exc_info=True)

    # --- streaming with live checks -------------------------------------------------------------------

    def _stream(
        self,
        chunks: Iterator[str],
        kind: Kind,
        user_code: str | None,
        emit: _Emitter,
        cancel: CancelToken,
        started: float,
    ) -> _Streamed:
        """Pass chunks through, checking each block as its fence closes; a backend error ends the
        stream but keeps what arrived."""
        watcher = FenceWatcher()
        live: dict[tuple[int, str], SnippetVerdict] = {}
        result = _Streamed()

        def handle(piece: str | CodeBlock) -> None:
            if isinstance(piece, str):
                emit(TextChunk(piece))
                return
            verdict = self._verdict(piece, len(live), kind, user_code)
            live[(piece.start, piece.code)] = verdict
            emit(SnippetChecked(verdict))

        try:
            for chunk in chunks:
                if cancel.cancelled:
                    break
                if not chunk:
                    continue
                result.chunks += 1
                if result.first is None:
                    result.first = time.perf_counter() - started
                for piece in watcher.feed(chunk):
                    handle(piece)
        except _backend_errors() as exc:
            result.error = exc  # type: ignore[assignment]
        finally:
            close = getattr(chunks, "close", None)
            if callable(close):
                close()
        for piece in watcher.finish():
            handle(piece)
        result.text = watcher.text
        for index, block in enumerate(extract_blocks(result.text)):
            verdict = live.get((block.start, block.code))
            if verdict is None:
                verdict = self._verdict(block, index, kind, user_code)
                verdict.index = index
                emit(SnippetChecked(verdict))
            verdict.index = index
            result.placed.append((block, verdict))
        return result

    def _verdict(self, block: CodeBlock, index: int, kind: Kind, user_code: str | None) -> SnippetVerdict:
        outcome = check_code(block.code, isolate=self.isolate)
        quoted = block.quoted or (kind in QUOTE_KINDS and not outcome.ok and _is_quote(block.code, user_code))
        verdict = SnippetVerdict(
            index=index, code=block.code, start=block.start, end=block.end, quoted=quoted
        )
        return _apply(verdict, outcome)

    # --- repair ---------------------------------------------------------------------------------------

    def _repair(
        self,
        placed: Sequence[tuple[CodeBlock, SnippetVerdict]],
        replan: Callable[[Sequence[tuple[str, str]]], PromptPlan] | None,
        cancel: CancelToken,
        emit: _Emitter,
        reply: Reply,
    ) -> None:
        rounds = self.config.engine.repair_rounds if replan is not None else 0
        for _, verdict in placed:
            if verdict.quoted or verdict.ok or verdict.status == "skipped" or not verdict.code.strip():
                continue
            if self._rule_repair(verdict, verdict.code, []):
                emit(SnippetChecked(verdict))
                continue
            if rounds <= 0 or replan is None or cancel.cancelled:
                continue
            try:
                if self._model_repair(verdict, replan, rounds, cancel, emit):
                    emit(SnippetChecked(verdict))
            except _backend_errors() as exc:
                reply.meta["repair_error"] = str(exc)
                return

    def _rule_repair(self, verdict: SnippetVerdict, code: str, notes: list[str]) -> bool:
        """Repair `code` by rules; on success the verdict takes the repaired code and its check."""
        fixed = repair_code(code)
        outcome = check_code(fixed.code, isolate=self.isolate) if fixed.changed else None
        if outcome is None or not outcome.ok:
            return False
        original = verdict.original_code or verdict.code
        _apply(verdict, outcome)
        verdict.code, verdict.original_code, verdict.repaired = fixed.code, original, True
        verdict.repair_notes = [*notes, *fixed.notes]
        return True

    def _model_repair(
        self,
        verdict: SnippetVerdict,
        replan: Callable[[Sequence[tuple[str, str]]], PromptPlan],
        rounds: int,
        cancel: CancelToken,
        emit: _Emitter,
    ) -> bool:
        """Ask the model again with the diagnostics, up to `rounds` times; True once a program checks."""
        code, diagnostics = verdict.code, verdict.diagnostics
        for number in range(1, rounds + 1):
            if cancel.cancelled:
                return False
            emit(RepairRound(number, verdict.index, list(diagnostics)))
            verdict.model_rounds = number
            # the context shows only the failing program, not the whole reply: it keeps the prompt short
            shown = f"```sno\n{code.rstrip(chr(10))}\n```"
            plan = replan([("assistant", shown), ("user", repair_request(diagnostics))])
            if plan.over_budget:  # keep the first error only, without hints, to fit the context
                plan = replan([("assistant", shown), ("user", repair_request(diagnostics, brief=True))])
            answer = "".join(self._model_stream(plan.messages, "repair", cancel))
            candidate = next(
                (b.code for b in extract_blocks(answer) if not b.quoted and b.code.strip()), None
            )
            if candidate is None:
                continue  # no program in the answer: ask again with the same diagnostics
            outcome = check_code(candidate, isolate=self.isolate)
            note = f"rewritten by the model after {number} round{'s' if number > 1 else ''} of diagnostics"
            if outcome.ok:
                original = verdict.original_code or verdict.code
                _apply(verdict, outcome)
                verdict.code, verdict.original_code, verdict.repaired = candidate, original, True
                verdict.repair_notes = [note]
                return True
            if self._rule_repair(verdict, candidate, [note]):
                return True
            code, diagnostics = candidate, outcome.diagnostics
        return False


def repair_request(diagnostics: Sequence[DiagnosticInfo], *, brief: bool = False) -> str:
    """The compiler's findings on the program just above, sent back to the model (`brief`: the
    first error only, without hints)."""
    lines = ["That program does not compile or run. The compiler says:"]
    errors = [d for d in diagnostics if d.severity == "error"] or list(diagnostics)
    for d in errors[: 1 if brief else 3]:
        where = f" line {d.line}" if d.line else ""
        lines.append(f"- error[{d.code}]{where}: {d.message}")
        if d.hint and not brief:
            lines.append(f"  hint: {d.hint}")
    lines += [
        "",
        "Reply with the corrected complete program in one ```sno block, followed by its ```output block.",
    ]
    return "\n".join(lines)
