"""The chat screen: history sidebar, messages with verdicts, kind selector, input, status bar.

A reply runs in a thread worker (`Engine.respond` blocks); its events go through an `EventPump`
and are painted by a timer in batches, so a fast model cannot flood the UI and typing stays
responsive. Escape sets the reply's cancel token; the worker ends as soon as the backend notices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from assistant.app import slash
from assistant.app.curate import CurateError, Exchange, save_exchange
from assistant.app.keys import CHAT_KEYS, bindings
from assistant.app.services import EngineStartError, Services, error_text
from assistant.app.streaming import FLUSH_INTERVAL, MAX_DEFER, TYPING_GRACE, EventPump
from assistant.app.widgets.code_block import CodeBlock
from assistant.app.widgets.composer import PromptInput
from assistant.app.widgets.kind_selector import KINDS, KindSelector
from assistant.app.widgets.messages import AssistantMessage, MessageList, UserMessage
from assistant.app.widgets.sidebar import Sidebar
from assistant.app.widgets.status_bar import StatusBar
from assistant.engine.types import (
    Done,
    Failed,
    Kind,
    RepairRound,
    Reply,
    SnippetChecked,
    SnippetVerdict,
    TextChunk,
)

if TYPE_CHECKING:
    from assistant.app.main import SynoemaApp
    from assistant.backends.base import CancelToken

NARROW = 100  # below this many columns the history sidebar starts hidden
WELCOME = (
    "Ask about Synoema, or paste code and pick what to do with it: F2 explain · F3 fix · F4 ask · "
    "F5 review · F6 write. Every snippet in an answer is compiled and run, and its verdict is shown "
    "under it. F1 lists every key; Ctrl+P opens the command palette."
)


def new_cancel_token() -> CancelToken:
    from assistant.backends.base import CancelToken  # the backends package is not needed for the first paint

    return CancelToken()


@dataclass
class ReplyJob:
    """One reply in flight: who shows it, how to cancel it, and what the worker handed over."""

    text: str
    kind: str
    answer: AssistantMessage
    conversation_id: int | None
    cancel: CancelToken = field(default_factory=new_cancel_token)
    pump: EventPump = field(default_factory=EventPump)
    started: float = field(default_factory=time.monotonic)
    finished: bool = False
    cancel_requested: bool = False
    failure: tuple[str, str | None] | None = None


class ChatScreen(Screen[None]):
    """The main screen; owns the conversation being shown and the reply in flight."""

    BINDINGS = bindings(CHAT_KEYS)
    AUTO_FOCUS = "#prompt"

    def __init__(self, services: Services) -> None:
        super().__init__(id="chat")
        self.services = services
        self.conversation_id: int | None = None
        self.job: ReplyJob | None = None
        self._flush_timer: Timer | None = None
        self._painted_at = 0.0
        self.last_copied: str | None = None

    # --- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Sidebar(self.services.history, id="sidebar")
        with Vertical(id="main"):
            yield MessageList(id="messages")
            yield KindSelector(id="kinds")
            yield PromptInput(id="prompt", placeholder="Message (Enter sends, Ctrl+J new line, Up recalls)")
            yield StatusBar(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        if self.app.size.width < NARROW:
            self.sidebar.add_class("-hidden")  # Ctrl+B shows it
        await self.messages.clear_messages(WELCOME)
        self.status.update_info(state="starting engine…", kind=self.kinds.kind)

    @property
    def messages(self) -> MessageList:
        return self.query_one(MessageList)

    @property
    def prompt(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def kinds(self) -> KindSelector:
        return self.query_one(KindSelector)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def synoema_app(self) -> SynoemaApp:
        return self.app  # type: ignore[return-value]

    # --- engine state -----------------------------------------------------------------------------

    def engine_ready(self) -> None:
        """Called by the app once the engine is built: show backend and model."""
        engine = self.services.engine
        if engine is None:
            return
        self.refresh_backend()
        if self.job is None:
            self.status.update_info(state="ready")

    def refresh_backend(self) -> None:
        engine = self.services.engine
        if engine is None:
            return
        try:
            info = engine.backend_info
            self.status.update_info(
                backend=info.backend, model=info.model, context_limit=info.n_ctx or self.status.info.context_limit
            )
        except Exception as exc:
            message, _ = error_text(exc)
            self.status.update_info(backend="unknown", model="", state=f"error: {message}")

    def engine_failed(self, message: str, hint: str | None) -> None:
        self.status.update_info(backend="no engine", state="error")
        self.notify(message + (f"\n{hint}" if hint else ""), severity="error", timeout=12)

    # --- input ------------------------------------------------------------------------------------

    @on(PromptInput.Submitted)
    async def _submitted(self, event: PromptInput.Submitted) -> None:
        event.stop()
        await self.handle_input(event.text)

    @on(KindSelector.Changed)
    def _kind_changed(self, event: KindSelector.Changed) -> None:
        event.stop()
        self.status.update_info(kind=event.kind)

    async def handle_input(self, text: str) -> None:
        command = slash.parse(text)
        if command is None:
            await self.send(text, self.kinds.kind)
            return
        await self.run_slash(command)

    async def run_slash(self, command: slash.Slash) -> None:
        name, arg = command.name, command.arg
        if name in slash.KIND_COMMANDS:
            self.kinds.kind = name
            if arg:
                await self.send(arg, name)
            return
        if name in slash.NUMBERED:
            await self._numbered(name, command.number, arg)
            return
        app = self.synoema_app
        if name == "new":
            await self.action_new_conversation()
        elif name == "model":
            app.action_pick_model()
        elif name in ("good", "bad"):
            answer = self.messages.last_answer()
            if answer is None:
                self.notify("No answer to rate yet.", severity="warning")
            else:
                self.rate(answer, 1 if name == "good" else -1)
        elif name == "save":
            self.action_save_exchange()
        elif name == "export":
            self.export_markdown(arg or None)
        elif name == "search":
            self.action_search_history(arg)
        elif name == "theme":
            app.set_theme(arg)
        elif name == "help":
            app.action_help()
        elif name == "quit":
            app.exit()

    async def _numbered(self, name: str, number: int | None, arg: str) -> None:
        blocks = self.messages.blocks()
        if not blocks:
            self.notify("There is no code block yet.", severity="warning")
            return
        if number is None:
            if arg.strip():
                self.notify(f"/{name} takes a block number, like /{name} 2.", severity="warning")
                return
            if name == "validate":
                self.synoema_app.open_validate("")
                return
            block = blocks[-1]
        else:
            found = self.messages.block(number)
            if found is None:
                self.notify(f"There is no block [{number}]; blocks go from 1 to {blocks[-1].number}.", severity="warning")
                return
            block = found
        action = {"copy": "copy", "rerun": "rerun", "fixblock": "send_fix", "validate": "open_validate"}[name]
        await self.block_action(block, action)

    # --- sending and streaming --------------------------------------------------------------------

    async def send(self, text: str, kind: str) -> None:
        if self.job is not None:
            self.notify("A reply is still being written; press Esc to cancel it first.", severity="warning")
            self.prompt.load_text(text)
            return
        if kind not in KINDS:
            kind = "ask"
        messages = self.messages
        user = UserMessage(text, kind=kind, first_number=messages.next_number)
        await messages.add(user)
        answer = AssistantMessage(
            kind=kind,
            first_number=user.next_number,
            source=self._source_label(),
            user_text=text,
            streaming=True,
            show_stats=self.services.config.ui.show_stats,
        )
        await messages.add(answer)
        self.job = ReplyJob(text=text, kind=kind, answer=answer, conversation_id=self.conversation_id)
        self.status.update_info(state="streaming…", tokens_per_second=0.0)
        self._flush_timer = self.set_interval(FLUSH_INTERVAL, self._flush, name="reply-flush")
        self._respond(self.job)

    def _source_label(self) -> str:
        info = self.status.info
        return "/".join(p for p in (info.backend, info.model) if p and p != "…")

    @work(thread=True, group="reply", exit_on_error=False)
    def _respond(self, job: ReplyJob) -> None:
        """Worker thread: run the engine; every outcome ends as a Done or Failed event."""
        try:
            engine = self.services.ensure_engine()
            reply = engine.respond(
                job.text,
                Kind(job.kind),
                conversation_id=job.conversation_id,
                on_event=job.pump.push,
                cancel=job.cancel,
            )
            if not job.pump.has_final():
                job.pump.push(Done(reply))  # the engine emits Done itself; this covers a callback that failed
        except EngineStartError as exc:
            job.pump.push(Failed(exc.message, exc.hint))
        except Exception as exc:
            message, hint = error_text(exc)
            job.pump.push(Failed(f"The reply failed: {message}", hint or "Try again, or pick another model with F8."))
        finally:
            job.finished = True

    async def _flush(self) -> None:
        """Timer: paint what the worker produced since the last tick."""
        job = self.job
        if job is None:
            return
        now = time.monotonic()
        if (
            now - self.prompt.last_key_at < TYPING_GRACE
            and now - self._painted_at < MAX_DEFER
            and not job.pump.has_final()
        ):
            return  # the user is typing: keep the screen free for the keys
        self._painted_at = now
        answer = job.answer
        follow = self.messages.at_end()
        for event in job.pump.drain():
            if job is not self.job or self._flush_timer is None:
                return
            if isinstance(event, TextChunk):
                if not job.cancel_requested:
                    await answer.stream(event.text)
            elif isinstance(event, SnippetChecked):
                await answer.add_verdict(event.verdict)
            elif isinstance(event, RepairRound):
                answer.note(f"repair round {event.round}: asked the model again about snippet {event.snippet_index + 1}")
            elif isinstance(event, Failed):
                job.failure = (event.message, event.hint)  # the engine's Done (with the error) follows
            elif isinstance(event, Done):
                await self._end(job, event.reply, follow)
                return
        if job.failure is not None and job.finished and not job.pump.has_final():
            await self._end(job, None, follow)  # the worker failed before the engine could answer
            return
        if follow:
            self.messages.follow()
        self._live_stats(job)

    async def _end(self, job: ReplyJob, reply: Reply | None, follow: bool) -> None:
        # This runs inside the timer's task: stopping the timer first would cancel it mid-way.
        timer, self._flush_timer = self._flush_timer, None
        try:
            if reply is not None:
                await self._finish(job, reply)
            else:
                message, hint = job.failure or ("The reply failed.", None)
                await self._fail(job, message, hint)
        finally:
            self.job = None
            if timer is not None:
                timer.stop()
            if follow:
                self.messages.follow()

    def _live_stats(self, job: ReplyJob) -> None:
        pump = job.pump
        if pump.first_chunk_at is not None:
            elapsed = time.monotonic() - pump.first_chunk_at
            if elapsed > 0.2:
                self.status.update_info(tokens_per_second=pump.chunks / elapsed, tokens=pump.chunks)

    async def _finish(self, job: ReplyJob, reply: Reply) -> None:
        meta = reply.meta if isinstance(reply.meta, dict) else {}
        conversation_id = meta.get("conversation_id", job.conversation_id)
        if isinstance(conversation_id, int):
            job.conversation_id = self.conversation_id = conversation_id
        answer = job.answer
        message_id = meta.get("message_id")
        if isinstance(message_id, int):
            answer.message_id = message_id
        if reply.error:
            await answer.finish(reply)
            await answer.fail(reply.error, reply.error_hint)
            self.notify(reply.error + (f"\n{reply.error_hint}" if reply.error_hint else ""), severity="error", timeout=10)
            self.status.update_info(state="error")
        else:
            await answer.finish(reply)
            stats = reply.stats
            self.status.update_info(
                state="cancelled" if reply.cancelled else "ready",
                tokens_per_second=stats.tokens_per_second,
                tokens=stats.tokens,
                context_tokens=stats.context_tokens,
                context_limit=stats.context_limit or self.status.info.context_limit,
            )
            failing = [v for v in reply.verdicts if v.status == "fails" and not v.quoted]
            if failing:
                self.notify(
                    f"{len(failing)} snippet{'s' if len(failing) != 1 else ''} in this answer still fail; "
                    "see the verdict under each block.",
                    severity="warning",
                )
        self.refresh_backend()
        self.sidebar.current_id = self.conversation_id
        self.sidebar.reload()

    async def _fail(self, job: ReplyJob, message: str, hint: str | None) -> None:
        if job.conversation_id is not None:
            self.conversation_id = job.conversation_id
        await job.answer.fail(message, hint)
        self.status.update_info(state="error")
        self.notify(message + (f"\n{hint}" if hint else ""), severity="error", timeout=12)

    async def action_cancel(self) -> None:
        job = self.job
        if job is None:
            if self.focused is not self.prompt:
                self.prompt.focus()
            return
        job.cancel.cancel()
        job.cancel_requested = True
        self.status.update_info(state="cancelling…")
        await job.answer.cancelled()

    # --- conversations ----------------------------------------------------------------------------

    async def action_new_conversation(self) -> None:
        if self.job is not None:
            await self.action_cancel()
        self.conversation_id = None
        await self.messages.clear_messages(WELCOME)
        self.sidebar.current_id = None
        self.prompt.focus()

    @on(Sidebar.Open)
    async def _open(self, event: Sidebar.Open) -> None:
        event.stop()
        await self.open_conversation(event.conversation_id)

    @on(Sidebar.Deleted)
    async def _deleted(self, event: Sidebar.Deleted) -> None:
        event.stop()
        if event.conversation_id == self.conversation_id:
            await self.action_new_conversation()

    async def open_conversation(self, conversation_id: int) -> None:
        if self.job is not None:
            self.notify("Wait for the reply to finish (or press Esc) before switching.", severity="warning")
            return
        turns = self._load_turns(conversation_id)
        if turns is None:
            return
        messages = self.messages
        await messages.clear_messages()
        number = 1
        pending_user = ""
        recall: list[str] = []
        for turn in turns:
            if turn.role == "user":
                message: Any = UserMessage(turn.content, kind=turn.kind, first_number=number, message_id=turn.message_id)
                pending_user = turn.content
                recall.append(turn.content)
            elif turn.role == "assistant":
                message = AssistantMessage(
                    turn.content,
                    kind=turn.kind,
                    first_number=number,
                    source="/".join(p for p in (turn.backend, turn.model) if p),
                    message_id=turn.message_id,
                    user_text=pending_user,
                    verdicts=turn.verdicts,
                    show_stats=self.services.config.ui.show_stats,
                )
                message.rating = turn.rating
            else:
                continue
            await messages.add(message)
            number = message.next_number
        self.conversation_id = conversation_id
        self.sidebar.current_id = conversation_id
        self.prompt.load_history(recall)
        if turns and turns[-1].kind in KINDS:
            self.kinds.kind = turns[-1].kind
        messages.scroll_end(animate=False)
        self.prompt.focus()

    def _load_turns(self, conversation_id: int) -> list[Any] | None:
        engine = self.services.engine
        try:
            if engine is not None:
                return list(engine.messages(conversation_id))
            history = self.services.history
            if history is None:
                self.notify("History is off, so old conversations cannot be opened.", severity="warning")
                return None
            from assistant.engine.recording import turn_from_row

            return [turn_from_row(m) for m in history.get_messages(conversation_id)]
        except Exception as exc:
            message, _ = error_text(exc)
            self.notify(f"Could not open the conversation: {message}", severity="error")
            return None

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        sidebar.toggle_class("-hidden")
        if sidebar.has_class("-hidden"):
            self.prompt.focus()
        else:
            sidebar.list.focus()

    def action_search_history(self, text: str = "") -> None:
        sidebar = self.sidebar
        sidebar.remove_class("-hidden")
        if text:
            sidebar.search(text)
        sidebar.query_one("#history-search").focus()

    def action_focus_input(self) -> None:
        self.prompt.focus()

    # --- kinds ------------------------------------------------------------------------------------

    def action_set_kind(self, kind: str) -> None:
        self.kinds.kind = kind

    def action_cycle_kind(self) -> None:
        self.kinds.cycle()

    # --- code block actions -----------------------------------------------------------------------

    @on(CodeBlock.Action)
    async def _block_action(self, event: CodeBlock.Action) -> None:
        event.stop()
        await self.block_action(event.block, event.action)

    async def block_action(self, block: CodeBlock, action: str) -> None:
        code = block.code
        if action == "copy":
            self.app.copy_to_clipboard(code)
            self.last_copied = code
            lines = code.count("\n") + 1
            self.notify(f"Copied block [{block.number}] ({lines} line{'s' if lines != 1 else ''}).")
        elif action == "rerun":
            block.set_verdict(None, block.expected_output)
            self._recheck(block)
        elif action == "send_fix":
            self.kinds.kind = "fix"
            await self.send(f"Fix this code:\n\n```sno\n{code}\n```", "fix")
        elif action == "open_validate":
            self.synoema_app.open_validate(code)

    @work(thread=True, group="recheck", exit_on_error=False)
    def _recheck(self, block: CodeBlock) -> None:
        try:
            verdict: SnippetVerdict = self.services.ensure_engine().check_snippet(block.code)
        except Exception as exc:
            message, _hint = error_text(exc)
            self.app.call_from_thread(self.notify, f"Check failed: {message}", severity="error")
            return
        verdict.quoted = block.segment.quoted
        self.app.call_from_thread(self._rechecked, block, verdict)

    def _rechecked(self, block: CodeBlock, verdict: SnippetVerdict) -> None:
        block.set_verdict(verdict, block.expected_output)
        self.notify(f"Block [{block.number}]: {verdict.summary()}")

    # --- rating, saving, export -------------------------------------------------------------------

    @on(AssistantMessage.Rate)
    def _rate(self, event: AssistantMessage.Rate) -> None:
        event.stop()
        self.rate(event.message, event.rating)

    def rate(self, answer: AssistantMessage, rating: int) -> None:
        if answer.streaming:
            self.notify("Wait for the answer to finish before rating it.", severity="warning")
            return
        answer.rating = rating
        stored = False
        if answer.message_id is not None:
            try:
                engine = self.services.engine
                if engine is not None and hasattr(engine, "rate"):
                    stored = bool(engine.rate(answer.message_id, rating))
                elif self.services.history is not None:
                    self.services.history.rate(answer.message_id, rating)
                    stored = True
            except Exception as exc:
                message, _ = error_text(exc)
                self.notify(f"Rating not stored: {message}", severity="warning")
                return
        label = "helpful" if rating > 0 else "unhelpful"
        if stored:
            self.notify(f"Rated {label}. Ctrl+S saves this exchange for training.")
        else:
            self.notify(f"Rated {label} (not stored: no history). Ctrl+S still saves the exchange.")

    @on(AssistantMessage.Save)
    def _save(self, event: AssistantMessage.Save) -> None:
        event.stop()
        self.save_answer(event.message)

    def action_save_exchange(self) -> None:
        focused = self.focused
        answer = focused if isinstance(focused, AssistantMessage) else self.messages.last_answer()
        if answer is None:
            self.notify("No exchange to save yet.", severity="warning")
            return
        self.save_answer(answer)

    def save_answer(self, answer: AssistantMessage) -> None:
        if answer.streaming or answer.error:
            self.notify("Only finished answers can be saved for training.", severity="warning")
            return
        exchange = Exchange(
            kind=answer.kind,
            user=answer.user_text,
            assistant=answer.text,
            verdicts=list(answer.verdicts),
            rating=answer.rating,
            backend=self.status.info.backend,
            model=self.status.info.model,
        )
        self._write_exchange(answer, exchange, self.services.config.dialogue_path())

    @work(thread=True, group="curate", exit_on_error=False)
    def _write_exchange(self, answer: AssistantMessage, exchange: Exchange, folder: Path) -> None:
        try:
            path, row_id = save_exchange(exchange, folder)
        except CurateError as exc:
            self.app.call_from_thread(self.notify, f"Not saved: {exc}", severity="error")
            return
        except Exception as exc:
            message, _ = error_text(exc)
            self.app.call_from_thread(self.notify, f"Not saved: {message}", severity="error")
            return
        self.app.call_from_thread(self._saved, answer, path, row_id)

    def _saved(self, answer: AssistantMessage, path: Path, row_id: str) -> None:
        answer.saved_id = row_id
        answer._paint_footer()
        self.notify(f"Saved {row_id} to {path}")

    def export_markdown(self, target: str | None) -> None:
        history = self.services.history
        if self.conversation_id is None or self.conversation_id < 0 or history is None:
            self.notify("Nothing to export: this conversation is not in the history yet.", severity="warning")
            return
        if target:
            path = Path(target).expanduser()
        else:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = self.services.config.dialogue_path().parent / "exports" / f"conversation-{self.conversation_id}-{stamp}.md"
        try:
            written = history.export_markdown_file(self.conversation_id, path)
        except Exception as exc:
            message, _ = error_text(exc)
            self.notify(f"Export failed: {message}", severity="error")
            return
        self.notify(f"Exported to {written}")
