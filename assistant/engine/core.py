"""The engine: a user's message in, a checked answer out, as a stream of events.

`Engine.respond` is blocking and meant for a worker thread. It asks its answer source (a model
behind our prompts, or the offline engine), passes text through as it streams, checks each
Synoema block the moment its fence closes (`synoema.snippets`), then repairs failing proposed
programs: rule-based first, then, when the source can be asked again, with the diagnostics for a
bounded number of rounds. Every failure becomes a `Failed` event and `Reply.error`; nothing raises
to the caller. Cancelling stops the stream at the next chunk and skips every check still to come.

Without the app: `Engine(config, backend=create_backend("gguf", {"model_path": ...}), history=False)`
answers with `respond(text, "fix")`, and `repair(code)` runs the same repair loop on one snippet.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from assistant.config import Config
from assistant.engine import grounding
from assistant.engine.checking import repair_code, verdict_of
from assistant.engine.compose import rebuild
from assistant.engine.recording import Recorder
from assistant.engine.sources import AnswerRequest, AnswerSource, ModelSource, make_source
from assistant.engine.types import (
    Done,
    Event,
    Failed,
    Kind,
    RepairRound,
    Reply,
    SnippetChecked,
    Stats,
    TextChunk,
    Turn,
)
from assistant.kinds import KINDS, QUOTE_KINDS, parse_kind
from assistant.verdict import Repair, Verdict
from synoema.snippets import Segment, SegmentStream

if TYPE_CHECKING:
    import logging

    from assistant.backends.base import Backend, BackendInfo, CancelToken
    from assistant.backends.config import BackendOptions
    from assistant.backends.errors import BackendError
    from assistant.engine.prompting import PromptPlan
    from assistant.history import HistoryStore
    from assistant.offline import OfflineEngine


def _log() -> logging.Logger:
    """The engine's logger; `logging` (~3 ms to import) is loaded only when something is logged."""
    import logging

    return logging.getLogger("assistant.engine")


def _backend_errors() -> tuple[type[BaseException], ...]:
    """`BackendError` once the backends are imported; nothing before (then none can be raised)."""
    errors = sys.modules.get("assistant.backends.errors")
    return (errors.BackendError,) if errors is not None else ()


def _new_cancel_token() -> CancelToken:
    from assistant.backends.base import CancelToken

    return CancelToken()


@dataclass
class _Streamed:
    """What streaming produced: the raw text, a verdict per checked block, and how it ended."""

    text: str = ""
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    chunks: int = 0
    first: float | None = None
    error: BackendError | None = None


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


class Engine:
    """Explain, fix, answer, review and write Synoema, with every snippet checked.

    `backend` injects a ready backend object (tests, plugins); `history` is a `HistoryStore`, None to
    open the configured one lazily, or False for none; `offline` injects an offline engine;
    `grammars` maps a kind name (or "repair") to a GBNF grammar, overriding `engine.grammar`.
    `isolate=False` runs snippets in-process under the watchdog instead of in sandbox workers
    (faster start for one-shot commands). `source` injects a whole answer source (a `ModelSource`
    with another prompt, as the evaluation's baseline does).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        backend: Backend | None = None,
        history: HistoryStore | bool | None = None,
        offline: OfflineEngine | None = None,
        grammars: Mapping[str, str] | None = None,
        isolate: bool = True,
        source: AnswerSource | None = None,
    ) -> None:
        self.config = config if config is not None else Config()
        self.isolate = isolate
        self._grammars = grammars
        self._offline = offline
        self._source: AnswerSource | None = source
        self._injected = backend
        self._source_error: BackendError | None = None
        self._last_error: BackendError | None = None
        self._recorder = Recorder(history, self.config.history_path())
        self._lock = threading.RLock()

    # --- the answer source ----------------------------------------------------------------------------

    @property
    def source(self) -> AnswerSource:
        """The source answering now, created on first use (raises `BackendError` when it cannot be)."""
        with self._lock:
            if self._source is None:
                self._source = make_source(
                    self.config, backend=self._injected, offline=self._offline, grammars=self._grammars,
                    isolate=self.isolate,
                )
            return self._source

    @property
    def backend_kind(self) -> str:
        source = self._source
        return source.name if source is not None else (
            str(getattr(self._injected, "name", "")) or self.config.backend.kind
        )

    @property
    def is_offline(self) -> bool:
        return self._injected is None and self.config.backend.kind == "offline"

    @property
    def backend_info(self) -> BackendInfo:
        """What a status bar shows; never raises (an unusable backend says why in `details`)."""
        from assistant.backends.base import BackendInfo
        from assistant.backends.errors import BackendError

        try:
            info = self.source.info()
        except BackendError as exc:
            model = str(getattr(self.config.backend.selected, "model", "") or "") or "(unavailable)"
            return BackendInfo(self.config.backend.kind, model, None, {"error": exc.message, "hint": exc.hint or ""})
        last = self._last_error
        if last is not None:
            info = BackendInfo(info.backend, info.model, info.n_ctx,
                               {**info.details, "error": last.message, "hint": last.hint or ""})
        return info

    @property
    def problems(self) -> list[str]:
        """Non-fatal problems met so far (history unavailable, bad data rows)."""
        found = list(self._recorder.problems)
        if self._source is not None:
            found += self._source.problems
        return found

    def switch_backend(self, kind: str, options: BackendOptions | Mapping[str, Any] | None = None) -> BackendInfo:
        """Answer with `kind` from now on (its options: given, else those of the config); the old
        source is closed. Raises `BackendError` for an unknown kind or bad options."""
        from assistant.backends.registry import make_options

        chosen = make_options(kind, options if options is not None else self.config.backend.options_for(kind))
        with self._lock:
            old, self._source = self._source, None
            self._injected = None
            self._last_error = None
            self.config.backend.kind = kind
            self.config.backend.options[kind] = chosen
        if old is not None:
            try:
                old.close()
            except Exception:
                _log().exception("closing the previous backend failed")
        return self.backend_info

    def close(self) -> None:
        """Release the model and the history database."""
        with self._lock:
            source, self._source = self._source, None
        if source is not None:
            try:
                source.close()
            except Exception:
                _log().exception("closing the backend failed")
        elif self._injected is not None:
            self._injected.close()
        self._recorder.close()

    def warm(self) -> None:
        """Do the slow first-use work now (a UI calls this in a worker at start-up): load the offline
        engine or the model, and the checker. Failures are left for `respond` to report."""
        try:
            self.source.warm()
            verdict_of("main = 1", isolate=self.isolate)
        except Exception:
            _log().debug("warm-up failed", exc_info=True)

    # --- conversations --------------------------------------------------------------------------------

    def new_conversation(self, kind: str = "chat", title: str = "") -> int:
        return self._recorder.new_conversation(str(kind), title)

    def messages(self, conversation_id: int) -> list[Turn]:
        return self._recorder.turns(conversation_id)

    def rate(self, message_id: int, rating: int, note: str = "") -> bool:
        """Record a user's rating (-1, 0, 1) of an answer; False when history is off or it failed."""
        return self._recorder.rate(message_id, rating, note)

    @property
    def history(self) -> HistoryStore | None:
        """The history store in use (None when history is off)."""
        return self._recorder.store

    # --- checking and repairing one snippet -----------------------------------------------------------

    def check_snippet(self, code: str, *, stdin: str = "", index: int = 0, quoted: bool = False) -> Verdict:
        """The verdict on one piece of code (the validate screen, `/check`, re-running a block)."""
        return verdict_of(code, index, quoted=quoted, stdin=stdin, isolate=self.isolate)

    def repair_snippet(self, code: str) -> Verdict:
        """Rule-based repair: the verdict on the repaired code (`repair` says what changed; None when
        no rule applied). The code is repaired only when the result checks better than before."""
        fixed = repair_code(code)
        verdict = self.check_snippet(fixed.source)
        if not fixed.changed:
            return verdict
        return replace(verdict, repair=Repair(code, tuple(fixed.notes)))

    def repair(
        self,
        code: str,
        *,
        kind: Kind | str = Kind.FIX,
        rounds: int | None = None,
        cancel: CancelToken | None = None,
        on_event: Callable[[Event], None] | None = None,
    ) -> Verdict:
        """The engine's repair loop on one program, as in a reply: its check, then rule-based repair,
        then up to `rounds` (default `engine.repair_rounds`) rounds of asking the source again with
        the diagnostics. Returns the final verdict (`repair` set when the code changed)."""
        chosen = parse_kind(str(kind)) or Kind.FIX
        request = AnswerRequest(chosen, code, code, grounding.user_message("", code, code_in_request=False))
        verdict = self.check_snippet(code)
        if verdict.ok:
            return verdict
        limit = self.config.engine.repair_rounds if rounds is None else rounds
        return self._repair_one(verdict, request, limit, cancel or _new_cancel_token(), _Emitter(on_event))

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
        chosen = parse_kind(str(kind))
        if chosen is None:
            return self._fail(emit, Reply("", Kind.ASK), f"Unknown kind {kind!r}.", f"Use one of: {', '.join(KINDS)}.")
        reply = Reply("", chosen, backend=self.backend_kind)
        try:
            return self._respond(text, chosen, conversation_id, emit, cancel or _new_cancel_token(), code, reply)
        except _backend_errors() as exc:
            error: Any = exc
            self._last_error = error
            return self._fail(emit, reply, error.message, error.hint or None)
        except Exception as exc:  # a bug must reach the user as a message, not a traceback
            _log().exception("respond failed")
            return self._fail(emit, reply, f"Internal error: {type(exc).__name__}: {exc}",
                              "This is a bug in synoema-assistant; the log has the details.")

    def _fail(self, emit: _Emitter, reply: Reply, message: str, hint: str | None) -> Reply:
        reply = replace(reply, error=message, error_hint=hint)
        emit(Failed(message, hint))
        emit(Done(reply))
        return reply

    def _respond(
        self, text: str, kind: Kind, conversation_id: int | None, emit: _Emitter, cancel: CancelToken,
        code: str | None, reply: Reply,
    ) -> Reply:
        request_text, user_code = grounding.split_request(text, code, kind)
        if not request_text and user_code is None:
            return self._fail(emit, reply, "The message is empty.", "Type a question, a task or some code.")
        in_request = user_code is not None and user_code in request_text
        shown = grounding.user_message(request_text, user_code, code_in_request=in_request)
        existing = conversation_id is not None and self._recorder.exists(conversation_id)
        prior = self._recorder.turns(conversation_id) if existing and conversation_id is not None else []
        request = AnswerRequest(
            kind, request_text or shown, user_code, shown,
            tuple((t.role, t.content) for t in prior if t.role in ("user", "assistant")),
        )
        started = time.perf_counter()
        source = self.source
        reply = replace(reply, backend=source.name)
        source.load()  # a model that cannot load fails here, before anything is stored
        answer = source.answer(request, cancel)
        if not existing or conversation_id is None:  # created only once the answer can start
            conversation_id = self.new_conversation(kind.value, grounding.title_for(request_text, user_code, kind))
        user_turn = self._recorder.add(conversation_id, Turn("user", shown, kind.value))
        streamed = self._stream(answer.chunks, kind, user_code, emit, cancel, started)
        cancelled = cancel.cancelled
        self._last_error = streamed.error
        meta = dict(answer.meta)
        verdicts = [streamed.verdicts[i] for i in sorted(streamed.verdicts)]
        if streamed.error is not None:
            emit(Failed(streamed.error.message, streamed.error.hint or None))
        elif not cancelled:
            verdicts = self._repair_all(verdicts, request, cancel, emit, meta)
        final_text, final = rebuild(streamed.text, verdicts)
        stats = Stats(
            tokens=answer.generated_tokens if answer.generated_tokens is not None
            else source.count_tokens(streamed.text, streamed.chunks),
            seconds=time.perf_counter() - started,
            first_token_seconds=streamed.first,
            context_tokens=answer.context_tokens,
            context_limit=answer.context_limit,
            offline=source.offline,
        )
        reply = replace(
            reply, text=final_text, verdicts=final, model=answer.model, stats=stats, cancelled=cancelled,
            error=streamed.error.message if streamed.error is not None else None,
            error_hint=(streamed.error.hint or None) if streamed.error is not None else None,
            conversation_id=conversation_id, user_message_id=user_turn.message_id, meta=meta,
        )
        if final_text.strip():
            stored = self._recorder.add(
                conversation_id,
                Turn("assistant", final_text, kind.value, backend=reply.backend, model=reply.model, verdicts=final),
                tokens=stats.tokens,
                duration=round(time.perf_counter() - started, 4),
            )
            reply = replace(reply, message_id=stored.message_id)
        emit(Done(reply))
        return reply

    def preview_prompt(
        self, text: str, kind: Kind | str, *, conversation_id: int | None = None, code: str | None = None
    ) -> PromptPlan | None:
        """The messages a model would be sent for this turn (None offline or for an empty message)."""
        chosen = parse_kind(str(kind)) or Kind.ASK
        source = self.source
        request_text, user_code = grounding.split_request(text, code, chosen)
        if not isinstance(source, ModelSource) or (not request_text and user_code is None):
            return None
        in_request = user_code is not None and user_code in request_text
        shown = grounding.user_message(request_text, user_code, code_in_request=in_request)
        prior = self._recorder.turns(conversation_id) if conversation_id is not None else []
        history = tuple((t.role, t.content) for t in prior if t.role in ("user", "assistant"))
        return source.plan(AnswerRequest(chosen, request_text or shown, user_code, shown, history))

    # --- streaming with live checks -------------------------------------------------------------------

    def _stream(
        self, chunks: Iterator[str], kind: Kind, user_code: str | None, emit: _Emitter, cancel: CancelToken,
        started: float,
    ) -> _Streamed:
        """Pass chunks through, checking each block as its fence closes; a backend error ends the
        stream but keeps what arrived. Text is released up to each closed block, then its verdict."""
        stream = SegmentStream()
        result = _Streamed()
        released = 0
        last_code: Segment | None = None  # the last proposed block, waiting for its output block

        def handle(found: list[Segment]) -> None:
            nonlocal released, last_code
            for segment in found:
                waiting, last_code = last_code, None
                if segment.kind == "output" and waiting is not None:
                    verdict = result.verdicts.get(waiting.index)
                    if verdict is not None:
                        result.verdicts[waiting.index] = verdict.with_output_block(segment.text)
                        emit(SnippetChecked(result.verdicts[waiting.index]))
                if not segment.is_synoema:
                    continue
                end = segment.end + (1 if stream.text[segment.end : segment.end + 1] == "\n" else 0)
                if end > released:
                    emit(TextChunk(stream.text[released:end]))
                    released = end
                verdict = self._check_block(segment, kind, user_code, skip=cancel.cancelled)
                result.verdicts[segment.index] = verdict
                emit(SnippetChecked(verdict))
                last_code = segment if segment.proposed else None

        try:
            for chunk in chunks:
                if cancel.cancelled:
                    break
                if not chunk:
                    continue
                result.chunks += 1
                if result.first is None:
                    result.first = time.perf_counter() - started
                handle(stream.feed(chunk))
                if released < len(stream.text):
                    emit(TextChunk(stream.text[released:]))
                    released = len(stream.text)
        except _backend_errors() as exc:
            error: Any = exc
            result.error = error
        finally:
            close = getattr(chunks, "close", None)
            if callable(close):
                close()
        handle(stream.close())
        if released < len(stream.text):
            emit(TextChunk(stream.text[released:]))
        result.text = stream.text
        return result

    def _check_block(self, block: Segment, kind: Kind, user_code: str | None, *, skip: bool) -> Verdict:
        if skip:  # cancelled: keep the block, check nothing more
            return Verdict(block.index, block.code, quoted=block.quoted)
        verdict = self.check_snippet(block.code, index=block.index, quoted=block.quoted)
        if not verdict.quoted and not verdict.ok and kind in QUOTE_KINDS and _is_quote(block.code, user_code):
            verdict = replace(verdict, quoted=True)  # the user's failing code shown back, untagged
        return verdict

    # --- repair ---------------------------------------------------------------------------------------

    def _repair_all(
        self, verdicts: list[Verdict], request: AnswerRequest, cancel: CancelToken, emit: _Emitter,
        meta: dict[str, Any],
    ) -> list[Verdict]:
        rounds = self.config.engine.repair_rounds
        out: list[Verdict] = []
        for verdict in verdicts:
            if verdict.quoted or verdict.ok or verdict.status == "skipped" or not verdict.code.strip() or cancel.cancelled:
                out.append(verdict)
                continue
            try:
                repaired = self._repair_one(verdict, request, rounds, cancel, emit)
            except _backend_errors() as exc:
                meta["repair_error"] = str(exc)
                repaired = verdict
                rounds = 0  # the backend fails: no more rounds for the other blocks
            if repaired is not verdict:
                emit(SnippetChecked(repaired))
            out.append(repaired)
        return out

    def _repair_one(
        self, verdict: Verdict, request: AnswerRequest, rounds: int, cancel: CancelToken, emit: _Emitter
    ) -> Verdict:
        """Rules first; then ask the source again with the diagnostics, up to `rounds` times."""
        ruled = self._rule_repair(verdict, verdict.code, verdict.code, ())
        if ruled is not None:
            return ruled
        source = self.source
        code, diagnostics, asked = verdict.code, verdict.diagnostics, 0
        for number in range(1, (rounds if source.can_ask_again else 0) + 1):
            if cancel.cancelled:
                break
            emit(RepairRound(number, verdict.index, tuple(diagnostics)))
            answer = source.ask_again(request, code, diagnostics, cancel)
            asked = number
            candidate = next((s.code for s in _proposed(answer) if s.code.strip()), None)
            if candidate is None:
                continue  # no program in the answer: ask again with the same diagnostics
            checked = self.check_snippet(candidate, index=verdict.index)
            note = f"rewritten by the model after {number} round{'s' if number > 1 else ''} of diagnostics"
            if checked.ok:
                return replace(checked, repair=Repair(verdict.code, (note,)), model_rounds=number)
            ruled = self._rule_repair(verdict, verdict.code, candidate, (note,))
            if ruled is not None:
                return replace(ruled, model_rounds=number)
            code, diagnostics = candidate, checked.diagnostics
        return replace(verdict, model_rounds=asked) if asked else verdict

    def _rule_repair(self, verdict: Verdict, original: str, code: str, notes: tuple[str, ...]) -> Verdict | None:
        """The verdict on `code` repaired by rules, when that checks; None otherwise."""
        fixed = repair_code(code)
        if not fixed.changed:
            return None
        checked = self.check_snippet(fixed.source, index=verdict.index)
        if not checked.ok:
            return None
        return replace(checked, repair=Repair(original, (*notes, *fixed.notes)))


def _proposed(text: str) -> list[Segment]:
    from synoema.snippets import extract_snippets

    return [s for s in extract_snippets(text) if s.proposed]
