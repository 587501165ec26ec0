"""The chat screen: history sidebar, messages with verdicts, kind selector, input, status bar.

A reply runs in a thread worker (`Engine.respond` blocks); its events go into an `EventPump` that
the answer widget drains and lays out a few dozen times a second, so a fast model cannot flood the
UI and typing stays responsive. The worker posts `ReplyFinished`/`ReplyFailed` when the engine is
done. Escape cancels at once: the answer stops painting, the input is free, and the engine stops at
its next chunk. App-wide things (validate screen, model picker, theme, help) are asked of the app
with messages and actions: this screen never imports the app.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker

from assistant.app import slash
from assistant.app.commands import ChatCommands
from assistant.app.events import (
    EngineFailed,
    EngineReady,
    OpenValidate,
    Rechecked,
    ReplyFailed,
    ReplyFinished,
    ThemeRequested,
)
from assistant.app.keys import CHAT_KEYS, bindings
from assistant.app.services import EngineStartError, Services, error_text
from assistant.app.streaming import TYPING_GRACE, EventPump
from assistant.app.widgets.code_block import CodeBlock
from assistant.app.widgets.composer import PromptInput
from assistant.app.widgets.kind_selector import KindSelector
from assistant.app.widgets.messages import AssistantMessage, ChatMessage, MessageList, UserMessage
from assistant.app.widgets.sidebar import Sidebar
from assistant.app.widgets.status_bar import StatusBar
from assistant.engine.types import Reply, Turn
from assistant.kinds import KINDS
from dialogue.format import Exchange, SaveError, save_exchange
from synoema.fences import program_block

if TYPE_CHECKING:
    from assistant.backends.base import CancelToken

NARROW = 100  # below this many columns the history sidebar is hidden (Ctrl+B shows it)
WELCOME = (
    "Ask about Synoema, or paste code and pick what to do with it: F2 explain · F3 fix · F4 ask · "
    "F5 review · F6 write. Every snippet in an answer is compiled and run, and its verdict is shown "
    "under it. F1 lists every key; Ctrl+P opens the command palette."
)
_job_ids = itertools.count(1)


def new_cancel_token() -> CancelToken:
    from assistant.backends.base import CancelToken  # the backends package is not needed for the first paint

    return CancelToken()


@dataclass
class ReplyJob:
    """One reply in flight: who shows it, how to cancel it, and the worker running it."""

    text: str
    kind: str
    answer: AssistantMessage
    conversation_id: int | None
    id: int = field(default_factory=lambda: next(_job_ids))
    cancel: CancelToken = field(default_factory=new_cancel_token)
    pump: EventPump = field(default_factory=EventPump)
    started: float = field(default_factory=time.monotonic)
    worker: Worker[None] | None = None


class ChatScreen(Screen[None]):
    """The main screen; owns the conversation being shown and the reply in flight."""

    BINDINGS = bindings(CHAT_KEYS)
    COMMANDS = {ChatCommands}
    AUTO_FOCUS = "#prompt"

    def __init__(self, services: Services) -> None:
        super().__init__(id="chat")
        self.services = services
        self.conversation_id: int | None = None
        self.job: ReplyJob | None = None
        self._stopping: Worker[None] | None = None  # a cancelled reply's worker, still ending
        self.last_copied: str | None = None
        self._sidebar_chosen: bool | None = None  # the user's Ctrl+B choice wins over the width rule

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
        self._fit_width(self.app.size.width)
        await self.messages.clear_messages(WELCOME)
        self.status.update_info(state="starting engine…", kind=self.kinds.kind)

    def on_unmount(self) -> None:
        if self.job is not None:  # leaving: the engine stops at its next chunk
            self.job.cancel.cancel()

    def on_resize(self) -> None:
        self._fit_width(self.app.size.width)

    def _fit_width(self, width: int) -> None:
        """Under `NARROW` columns the sidebar collapses; Ctrl+B still shows it."""
        if self._sidebar_chosen is None:
            self.sidebar.set_class(width < NARROW, "-hidden")

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

    # --- engine state -----------------------------------------------------------------------------

    @on(EngineReady)
    def _engine_ready(self, event: EngineReady) -> None:
        event.stop()
        self.refresh_backend()
        for text, hint, severity in event.notices:
            self.notify(text + (f"\n{hint}" if hint else ""), severity=severity, timeout=12)  # type: ignore[arg-type]
        if self.job is None:
            self.status.update_info(state="ready")

    @on(EngineFailed)
    def _engine_failed(self, event: EngineFailed) -> None:
        event.stop()
        self.status.update_info(backend="no engine", state="error")
        self.notify(event.message + (f"\n{event.hint}" if event.hint else ""), severity="error", timeout=12)

    def refresh_backend(self) -> None:
        engine = self.services.engine
        if engine is None:
            return
        info = engine.backend_info
        self.status.update_info(
            backend=info.backend, model=info.model, context_limit=info.n_ctx or 0,
            offline=info.backend == "offline",
        )

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
        if name == slash.UNKNOWN:
            self.notify(f"Unknown command /{arg}; /help lists the commands.", severity="warning")
            self.prompt.load_text(f"/{arg}")
            return
        if name in slash.KIND_COMMANDS:
            self.kinds.kind = name
            if arg:
                await self.send(arg, name)
            return
        if name in slash.NUMBERED:
            await self._numbered(name, command.number, arg)
            return
        if name == "new":
            await self.action_new_conversation()
        elif name == "model":
            await self.run_action("app.pick_model")
        elif name in ("good", "bad"):
            self.action_rate_last(1 if name == "good" else -1)
        elif name == "save":
            self.action_save_exchange()
        elif name == "export":
            self.export_markdown(arg or None)
        elif name == "search":
            self.action_search_history(arg)
        elif name == "theme":
            self.post_message(ThemeRequested(arg))
        elif name == "help":
            await self.run_action("app.help")
        elif name == "quit":
            await self.run_action("app.quit")

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
                self.post_message(OpenValidate(""))
                return
            block = blocks[-1]
        else:
            found = self.messages.block(number)
            if found is None:
                numbers = [b.number for b in blocks]
                self.notify(f"There is no block [{number}]; blocks go from {min(numbers)} to {max(numbers)}.",
                            severity="warning")
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
        if self._stopping is not None and self._stopping.is_running:
            self.status.update_info(state="stopping the last reply…")
            await self._stopping.wait()
        if kind not in KINDS:
            kind = "ask"
        messages = self.messages
        user = UserMessage(text, kind=kind, first_number=messages.next_number)
        answer = AssistantMessage(
            kind=kind,
            first_number=user.next_number,
            source=self._source_label(),
            user_text=text,
            streaming=True,
            show_stats=self.services.config.ui.show_stats,
        )
        job = ReplyJob(text=text, kind=kind, answer=answer, conversation_id=self.conversation_id)
        answer.job_id = job.id
        self.job = job
        job.worker = self._respond(job)  # the engine starts while the messages are laid out
        await messages.add(user)
        await messages.add(answer)
        messages.scroll_end(animate=False)
        messages.following = True
        self.status.update_info(state="streaming…", tokens_per_second=0.0, tokens=0)
        answer.begin(job.pump, defer=self._typing)

    def _typing(self) -> bool:
        """The user pressed a key a moment ago: painting the stream waits (keys are echoed first)."""
        return time.monotonic() - self.prompt.last_key_at < TYPING_GRACE

    def _source_label(self) -> str:
        info = self.status.info
        return "/".join(p for p in (info.backend, info.model) if p and p != "…")

    @work(thread=True, group="reply", exit_on_error=False)
    def _respond(self, job: ReplyJob) -> None:
        """Worker thread: run the engine, then post how it ended."""
        try:
            engine = self.services.ensure_engine()
            reply = engine.respond(job.text, job.kind, conversation_id=job.conversation_id,
                                   on_event=job.pump.push, cancel=job.cancel)
        except EngineStartError as exc:
            self.post_message(ReplyFailed(job.id, exc.message, exc.hint))
            return
        except Exception as exc:
            message, hint = error_text(exc)
            self.post_message(ReplyFailed(job.id, f"The reply failed: {message}",
                                          hint or "Try again, or pick another model with F8."))
            return
        self.post_message(ReplyFinished(job.id, reply))

    def _job_for(self, job_id: int) -> tuple[ReplyJob | None, AssistantMessage | None]:
        job = self.job if self.job is not None and self.job.id == job_id else None
        answer = job.answer if job is not None else None
        if answer is None:
            answer = next((m for m in self.messages.messages
                           if isinstance(m, AssistantMessage) and m.job_id == job_id), None)
        return job, answer

    def _not_shown_yet(self, answer: AssistantMessage | None, event: ReplyFinished | ReplyFailed) -> bool:
        """The engine can end before `send` has laid the answer out: handle the end a moment later."""
        if answer is None or answer.started:
            return False
        self.set_timer(0.02, lambda: self.post_message(event))
        return True

    @on(ReplyFinished)
    async def _reply_finished(self, event: ReplyFinished) -> None:
        event.stop()
        job, answer = self._job_for(event.job_id)
        if self._not_shown_yet(answer, event):
            return
        reply = event.reply
        if reply.conversation_id is not None:
            self.conversation_id = reply.conversation_id
        try:
            if answer is None:
                return
            await answer.finish(reply)
            if reply.error:
                await answer.fail(reply.error, reply.error_hint)
                self.notify(reply.error + (f"\n{reply.error_hint}" if reply.error_hint else ""), severity="error",
                            timeout=10)
                self.status.update_info(state="error")
            elif job is not None:  # not a reply the user already cancelled
                self._finished_stats(reply)
            self.refresh_backend()
            self.sidebar.current_id = self.conversation_id
            self.sidebar.reload()
        finally:
            # the job ends once its reply is on screen with its figures (Esc meanwhile already ended it)
            if job is not None and self.job is job:
                self.job = None

    def _finished_stats(self, reply: Reply) -> None:
        stats = reply.stats
        self.status.update_info(
            state="cancelled" if reply.cancelled else "ready",
            tokens_per_second=stats.tokens_per_second,
            tokens=stats.tokens,
            context_tokens=stats.context_tokens,
            context_limit=stats.context_limit or self.status.info.context_limit,
            offline=stats.offline,
        )
        failing = [v for v in reply.verdicts if v.status == "fails" and not v.quoted]
        if failing:
            self.notify(
                f"{len(failing)} snippet{'s' if len(failing) != 1 else ''} in this answer still fail; "
                "see the verdict under each block.",
                severity="warning",
            )

    @on(ReplyFailed)
    async def _reply_failed(self, event: ReplyFailed) -> None:
        event.stop()
        job, answer = self._job_for(event.job_id)
        if self._not_shown_yet(answer, event):
            return
        try:
            if answer is not None:
                await answer.fail(event.message, event.hint)
            self.status.update_info(state="error")
            self.notify(event.message + (f"\n{event.hint}" if event.hint else ""), severity="error", timeout=12)
        finally:
            if job is not None and self.job is job:
                self.job = None

    def action_cancel(self) -> None:
        job = self.job
        if job is None:
            if self.focused is not self.prompt:
                self.prompt.focus()
            return
        job.cancel.cancel()
        job.answer.cancel_now()
        self._stopping = job.worker
        self.job = None
        self.status.update_info(state="cancelled")
        self.prompt.focus()

    # --- conversations ----------------------------------------------------------------------------

    async def action_new_conversation(self) -> None:
        if self.job is not None:
            self.action_cancel()
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
            message: ChatMessage
            if turn.role == "user":
                message = UserMessage(turn.content, kind=turn.kind, first_number=number, message_id=turn.message_id)
                pending_user = turn.content
                recall.append(turn.content)
            elif turn.role == "assistant":
                answer = AssistantMessage(
                    turn.content,
                    kind=turn.kind,
                    first_number=number,
                    source="/".join(p for p in (turn.backend, turn.model) if p),
                    message_id=turn.message_id,
                    user_text=pending_user,
                    verdicts=turn.verdicts,
                    show_stats=self.services.config.ui.show_stats,
                )
                answer.rating = turn.rating
                message = answer
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

    def _load_turns(self, conversation_id: int) -> list[Turn] | None:
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
        self._sidebar_chosen = not sidebar.has_class("-hidden")
        if sidebar.has_class("-hidden"):
            self.prompt.focus()
        else:
            sidebar.list.focus()

    def action_search_history(self, text: str = "") -> None:
        sidebar = self.sidebar
        sidebar.remove_class("-hidden")
        if text:
            found = sidebar.search(text)
            if not found:
                self.notify(f"No conversation matches {text!r}.", severity="warning")
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
            lines = code.rstrip("\n").count("\n") + 1
            self.notify(f"Copied block [{block.number}] ({lines} line{'s' if lines != 1 else ''}).")
        elif action == "rerun":
            block.set_verdict(None)
            self._recheck(block.number, block.code, block.index, block.segment.quoted)
        elif action == "send_fix":
            self.kinds.kind = "fix"
            await self.send(f"Fix this code:\n\n{program_block(code, None)}", "fix")
        elif action == "open_validate":
            self.post_message(OpenValidate(code))

    @work(thread=True, group="recheck", exit_on_error=False)
    def _recheck(self, number: int, code: str, index: int, quoted: bool) -> None:
        try:
            verdict = self.services.ensure_engine().check_snippet(code, index=index, quoted=quoted)
        except Exception as exc:
            message, _hint = error_text(exc)
            self.app.call_from_thread(self.notify, f"Check failed: {message}", severity="error")
            return
        self.post_message(Rechecked(number, verdict))

    @on(Rechecked)
    def _rechecked(self, event: Rechecked) -> None:
        event.stop()
        block = self.messages.block(event.number)
        if block is None:
            return
        block.set_verdict(event.verdict)
        shown = block.verdict or event.verdict
        self.notify(f"Block [{block.number}]: {shown.summary()}")

    # --- rating, saving, export -------------------------------------------------------------------

    @on(AssistantMessage.Rate)
    def _rate(self, event: AssistantMessage.Rate) -> None:
        event.stop()
        self.rate(event.message, event.rating)

    def action_rate_last(self, rating: int) -> None:
        answer = self.messages.last_answer()
        if answer is None:
            self.notify("No answer to rate yet.", severity="warning")
            return
        self.rate(answer, rating)

    def rate(self, answer: AssistantMessage, rating: int) -> None:
        if answer.streaming:
            self.notify("Wait for the answer to finish before rating it.", severity="warning")
            return
        answer.rating = rating
        stored = False
        if answer.message_id is not None:
            try:
                engine = self.services.engine
                if engine is not None:
                    stored = engine.rate(answer.message_id, rating)
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
        except SaveError as exc:
            self.app.call_from_thread(self.notify, f"Not saved: {exc}", severity="error")
            return
        except Exception as exc:
            message, _ = error_text(exc)
            self.app.call_from_thread(self.notify, f"Not saved: {message}", severity="error")
            return
        self.app.call_from_thread(self._saved, answer, path, row_id)

    def _saved(self, answer: AssistantMessage, path: Path, row_id: str) -> None:
        answer.mark_saved(row_id)
        self.notify(f"Saved {row_id} to {path}")

    def action_export_markdown(self) -> None:
        self.export_markdown(None)

    def export_markdown(self, target: str | None) -> None:
        history = self.services.history
        if self.conversation_id is None or self.conversation_id < 0 or history is None:
            self.notify("Nothing to export: this conversation is not in the history yet.", severity="warning")
            return
        if target:
            path = Path(target).expanduser()
        else:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            folder = self.services.config.dialogue_path().parent / "exports"
            path = folder / f"conversation-{self.conversation_id}-{stamp}.md"
        try:
            written = history.export_markdown_file(self.conversation_id, path)
        except Exception as exc:
            message, _ = error_text(exc)
            self.notify(f"Export failed: {message}", severity="error")
            return
        self.notify(f"Exported to {written}")

    async def action_copy_last_block(self) -> None:
        blocks = self.messages.blocks()
        if not blocks:
            self.notify("There is no code block yet.", severity="warning")
            return
        await self.block_action(blocks[-1], "copy")

    async def send_to_chat(self, text: str, kind: str) -> None:
        """Send `text` as `kind` (from the validate screen)."""
        self.kinds.kind = kind
        await self.send(text, kind)
