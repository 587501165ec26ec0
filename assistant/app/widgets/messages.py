"""Chat messages: prose as Markdown, each block as its own widget, verdicts under Synoema blocks.

A message's parts come from the one scanner (`synoema.snippets`), so a block's number and its
verdict's `index` always agree. A streaming answer lays out each segment once, as soon as the
scanner says it is complete; only its unfinished end (`Tail`) is repainted as text arrives. When
the answer is done, its final text (repaired code, real output blocks) is aligned with what is
already on screen and only the blocks that changed are touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from assistant.app.keys import MESSAGE_KEYS, bindings
from assistant.app.streaming import FLUSH_INTERVAL, EventPump
from assistant.app.widgets.code_block import CodeBlock, OutputBlock
from assistant.app.widgets.live import LiveBlock, Tail
from assistant.app.widgets.prose import GROUP_SEGMENTS, Prose
from assistant.engine.types import Done, Failed, RepairRound, Reply, SnippetChecked, TextChunk
from assistant.verdict import Verdict
from synoema.snippets import Segment, SegmentStream, block_count, output_after, segments

RATING_LABELS = {1: "rated helpful", 0: "rated neutral", -1: "rated unhelpful"}
MAX_PACE = 0.5  # never fewer than two paints a second


class MessageBody(Vertical):
    """The parts of one message; `first_number` numbers its blocks conversation-wide."""

    DEFAULT_CSS = """
    MessageBody { height: auto; }
    """

    def __init__(self, *, first_number: int, with_verdicts: bool) -> None:
        super().__init__()
        self.first_number = first_number
        self.with_verdicts = with_verdicts
        self.entries: list[tuple[Segment, Widget]] = []  # committed segments and the widget showing each
        self.verdicts: dict[int, Verdict] = {}
        self.tail: Tail | None = None

    @property
    def blocks(self) -> list[CodeBlock]:
        return [w for w in self.children if isinstance(w, CodeBlock)]

    def _widget_for(self, segment: Segment, *, live: bool = False) -> Widget:
        number = self.first_number + segment.index
        if live:
            return LiveBlock(segment, number, self.verdicts.get(segment.index))
        if segment.kind == "output":
            return OutputBlock(segment)
        block = CodeBlock(segment, self.first_number + segment.index,
                          with_verdict=self.with_verdicts and segment.is_synoema)
        if segment.index in self.verdicts:
            block.verdict = self.verdicts[segment.index]
        return block

    def _layout(self, found: Sequence[Segment], last: Widget | None, *, live: bool = False
                ) -> tuple[list[Widget], list[Prose]]:
        """Widgets for `found` (prose joins the last group while it has room); groups to repaint."""
        fresh: list[Widget] = []
        grown: list[Prose] = []
        pending: dict[Prose, list[Segment]] = {}  # the prose each group takes, parsed in one go
        for segment in found:
            if segment.kind == "prose":
                group = fresh[-1] if fresh else last
                if not isinstance(group, Prose) or len(group.segments) + len(pending.get(group, ())) >= GROUP_SEGMENTS:
                    group = Prose()
                    fresh.append(group)
                elif group not in fresh and group not in grown:
                    grown.append(group)
                pending.setdefault(group, []).append(segment)
                self.entries.append((segment, group))
                continue
            widget = self._widget_for(segment, live=live)
            self.entries.append((segment, widget))
            fresh.append(widget)
        for group, batch in pending.items():
            group.add_many(batch)
        return fresh, grown

    def parse_when_idle(self) -> None:
        """Parse the groups not yet drawn, one per idle moment (so scrolling up finds them ready)."""
        waiting = next((w for _, w in self.entries if isinstance(w, Prose) and not w.parsed), None)
        if waiting is None:
            return
        if waiting.parse():
            waiting.refresh(layout=True)
        self.set_timer(0.02, self.parse_when_idle)

    def _link_outputs(self) -> None:
        """Tell each Synoema block which ```output block it shows (what its verdict compares)."""
        found = [s for s, _ in self.entries]
        by_start = {s.start: w for s, w in self.entries}
        for segment in found:
            block = by_start.get(segment.start)
            if isinstance(block, CodeBlock) and block.with_verdict:
                shown = output_after(found, segment)
                text = shown.text if shown is not None else None
                if text != block.output_text:
                    block.set_output(text)

    async def show(self, text: str, verdicts: Sequence[Verdict] = ()) -> None:
        """Lay out a whole message at once (history, user messages)."""
        await self.remove_children()
        self.entries, self.tail = [], None
        self.verdicts = {v.index: v for v in verdicts}
        fresh, _ = self._layout(segments(text), None)
        if fresh:
            await self.mount_all(fresh)
        self._link_outputs()
        self.call_after_refresh(self.parse_when_idle)

    async def extend(self, found: Sequence[Segment], tail: Segment | None, tail_number: int) -> None:
        """Lay out newly completed segments once, then repaint the unfinished end."""
        if found:
            last = self.entries[-1][1] if self.entries else None
            fresh, grown = self._layout(found, last, live=True)
            for group in grown:
                group.repaint()
            if fresh and self.tail is not None:
                await self.mount_all(fresh, before=self.tail)
            elif fresh:
                await self.mount_all(fresh)

        if tail is not None and self.tail is None:
            self.tail = Tail()
            await self.mount(self.tail)
        if self.tail is not None:
            self.tail.show(tail, tail_number)

    async def drop_tail(self) -> None:
        if self.tail is not None:
            tail, self.tail = self.tail, None
            await tail.remove()

    async def sync(self, text: str, verdicts: Sequence[Verdict]) -> None:
        """Align the final text with what is shown: keep what is equal, update changed blocks,
        add or remove output blocks; anything else lays the message out again."""
        await self.drop_tail()
        self.verdicts = {v.index: v for v in verdicts}
        final = segments(text)
        old = self.entries

        def shape(found: Sequence[Segment]) -> list[tuple[str, str]]:
            return [(s.kind, s.text if s.kind == "prose" else "") for s in found if s.kind != "output"]

        if shape([s for s, _ in old]) != shape(final):
            await self.show(text, verdicts)  # more changed than block bodies: not an edit the engine makes
            return
        entries: list[tuple[Segment, Widget]] = []
        i = 0
        for segment in final:
            while i < len(old) and old[i][0].kind == "output" and segment.kind != "output":
                await old[i][1].remove()  # an output block the final text no longer has
                i += 1
            if i < len(old) and old[i][0].kind == segment.kind:
                widget = old[i][1]
                if isinstance(widget, LiveBlock):  # the streamed sketch gives way to the real block
                    full = self._widget_for(segment)
                    await self.mount(full, before=widget)
                    await widget.remove()
                    widget = full
                elif isinstance(widget, CodeBlock | OutputBlock):
                    widget.update_segment(segment)
                entries.append((segment, widget))
                i += 1
                continue
            widget = self._widget_for(segment)  # an output block the engine added
            anchor = old[i][1] if i < len(old) else None
            if anchor is not None:
                await self.mount(widget, before=anchor)
            else:
                await self.mount(widget)
            entries.append((segment, widget))
        for _, widget in old[i:]:
            await widget.remove()
        for group in {w for _, w in entries if isinstance(w, Prose)}:
            group.retarget([s for s, w in entries if w is group])
        self.entries = entries
        self._link_outputs()
        for verdict in verdicts:
            self.place(verdict)
        self.call_after_refresh(self.parse_when_idle)

    def place(self, verdict: Verdict) -> None:
        """Show `verdict` under the block with its index."""
        self.verdicts[verdict.index] = verdict
        for segment, widget in self.entries:
            if segment.index != verdict.index:
                continue
            if isinstance(widget, LiveBlock) or (isinstance(widget, CodeBlock) and widget.with_verdict):
                widget.set_verdict(verdict)

    async def settle(self) -> None:
        """Replace the streamed sketches of blocks by the real blocks (a cancelled reply keeps its text)."""
        await self.drop_tail()
        for position, (segment, widget) in enumerate(self.entries):
            if isinstance(widget, LiveBlock):
                full = self._widget_for(segment)
                await self.mount(full, before=widget)
                await widget.remove()
                self.entries[position] = (segment, full)
        self._link_outputs()


class ChatMessage(Vertical):
    """Common frame: a header line, the body, a footer line."""

    DEFAULT_CSS = """
    ChatMessage { height: auto; padding: 0 1; margin: 0 0 1 0; }
    ChatMessage > .msg-header { height: 1; color: $text-muted; }
    ChatMessage > .msg-footer { height: auto; color: $text-muted; }
    """

    role = "user"

    def __init__(self, text: str, *, kind: str, first_number: int, message_id: int | None = None) -> None:
        super().__init__(classes=f"-{self.role}")
        self.text = text
        self.kind = kind
        self.message_id = message_id
        self.body = MessageBody(first_number=first_number, with_verdicts=self.role == "assistant")
        self._header = Static(classes="msg-header")
        self._footer = Static(classes="msg-footer")

    def compose(self) -> ComposeResult:
        yield self._header
        yield self.body
        yield self._footer

    @property
    def blocks(self) -> list[CodeBlock]:
        return self.body.blocks

    @property
    def first_number(self) -> int:
        return self.body.first_number

    @property
    def shown_text(self) -> str:
        return self.text

    @property
    def next_number(self) -> int:
        """The number the next message's first block gets."""
        return self.first_number + block_count(self.shown_text)


class UserMessage(ChatMessage):
    DEFAULT_CSS = """
    UserMessage { border-left: thick $secondary; background: $secondary 8%; }
    """

    role = "user"
    _shown: str | None = None

    @property
    def shown_text(self) -> str:
        if self._shown is None:  # parsing a pasted program to tell code from prose is not free
            self._shown = displayed_user_text(self.text)
        return self._shown

    async def on_mount(self) -> None:
        self._footer.display = False
        self._header.update(Content.assemble(Content.styled("You", "bold $text-secondary"), f" · {self.kind}"))
        await self.body.show(self.shown_text)


def displayed_user_text(text: str) -> str:
    """What the user typed, as they typed it: pasted code as a code block, prose with its line breaks.

    Markdown would otherwise join the lines of unfenced code into one paragraph.
    """
    if "```" in text or "\n" not in text.strip():
        return text
    from synoema.snippets import is_synoema

    if is_synoema(text):
        return f"```sno\n{text.strip(chr(10))}\n```"
    return text.replace("\n", "  \n")


class AssistantMessage(ChatMessage, can_focus=True):
    """An answer: streams in, then carries the final text, verdicts, stats and rating."""

    DEFAULT_CSS = """
    AssistantMessage { border-left: thick $primary 40%; }
    AssistantMessage:focus { border-left: thick $accent; }
    AssistantMessage.-failed { border-left: thick $error; }
    """

    BINDINGS = bindings(MESSAGE_KEYS)
    role = "assistant"
    rating: reactive[int | None] = reactive(None)

    class Rate(Message):
        def __init__(self, message: AssistantMessage, rating: int) -> None:
            super().__init__()
            self.message = message
            self.rating = rating

    class Save(Message):
        def __init__(self, message: AssistantMessage) -> None:
            super().__init__()
            self.message = message

    def __init__(
        self,
        text: str = "",
        *,
        kind: str,
        first_number: int,
        source: str = "",
        message_id: int | None = None,
        user_text: str = "",
        verdicts: Sequence[Verdict] = (),
        streaming: bool = False,
        show_stats: bool = True,
    ) -> None:
        super().__init__(text, kind=kind, first_number=first_number, message_id=message_id)
        self.show_stats = show_stats
        self.source = source
        self.user_text = user_text
        self.verdicts: list[Verdict] = list(verdicts)
        self.streaming = streaming
        self.reply: Reply | None = None
        self.notes: list[str] = []
        self.saved_id: str | None = None
        self.error: str | None = None
        self.cancelled = False
        self.job_id: int | None = None  # the reply job writing it (its end still brings the ids)
        self.failure: tuple[str, str | None] | None = None
        self._stream = SegmentStream()
        self._pump: EventPump | None = None
        self._timer: Timer | None = None
        self._defer: Callable[[], bool] = lambda: False
        self._painted_at = 0.0
        self._pace = FLUSH_INTERVAL  # seconds between paints, longer while painting falls behind

    async def on_mount(self) -> None:
        self._paint_header()
        self._paint_footer()
        if not self.streaming:
            await self.body.show(self.text, self.verdicts)

    # --- streaming ------------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """Laid out and painting (or done): the reply's end can be shown."""
        return self._pump is not None or not self.streaming

    def begin(self, pump: EventPump, *, defer: Callable[[], bool] = lambda: False) -> None:
        """Start painting what the worker pushes into `pump`; `defer()` true means the user is typing."""
        self._pump = pump
        self._defer = defer
        self._timer = self.set_interval(FLUSH_INTERVAL, self._flush, name="reply-flush")

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    async def _flush(self, *, force: bool = False) -> None:
        """Lay out what arrived since the last tick (while the user types, at most every MAX_DEFER)."""
        from assistant.app.streaming import MAX_DEFER

        pump = self._pump
        if pump is None or self.cancelled:
            return
        now = time.monotonic()
        if not force and self._defer() and now - self._painted_at < MAX_DEFER:
            return
        if not force and now - self._painted_at < self._pace:
            return  # the last paint fell behind: paint less often, in bigger batches
        late = now - self._painted_at - FLUSH_INTERVAL  # how far the UI fell behind the timer
        self._pace = min(max(FLUSH_INTERVAL, 2 * late), MAX_PACE) if self._painted_at else FLUSH_INTERVAL
        self._painted_at = now
        found: list[Segment] = []
        for event in pump.drain():
            if isinstance(event, TextChunk):
                found += self._stream.feed(event.text)
            elif isinstance(event, SnippetChecked):
                self._place(event.verdict)
            elif isinstance(event, RepairRound):
                self.note(f"repair round {event.round}: asked the model again about block "
                          f"[{self.first_number + event.snippet_index}]")
            elif isinstance(event, Failed):
                self.failure = (event.message, event.hint)
            elif isinstance(event, Done):
                pass  # the worker hands the reply over with `finish`
        self.text = self._stream.text
        if found or self.body.tail is not None or self._stream.text:
            tail = self._stream.tail()
            number = self.first_number + (tail.index if tail is not None and tail.index >= 0 else 0)
            await self.body.extend(found, tail, number)
        self._follow()

    def _place(self, verdict: Verdict) -> None:
        self.verdicts = [v for v in self.verdicts if v.index != verdict.index] + [verdict]
        self.body.place(verdict)

    def _follow(self) -> None:
        parent = self.parent
        if isinstance(parent, MessageList) and parent.following:
            parent.follow()

    def _settle_scroll(self) -> None:
        parent = self.parent
        if isinstance(parent, MessageList):
            parent.call_after_refresh(parent.settle)

    def cancel_now(self) -> None:
        """Esc: stop painting at once; what is on screen stays as it is."""
        self._stop()
        self.cancelled = True
        self.streaming = False
        self.notes.append("cancelled")
        self._paint_header()
        self._paint_footer()

    async def finish(self, reply: Reply) -> None:
        """The engine is done: lay out the final text (unless the user cancelled) and the verdicts."""
        self._stop()
        self.reply = reply
        self.message_id = reply.message_id
        if self.cancelled:  # what was shown stays; its blocks become real blocks (copy, re-run…)
            await self.body.extend(self._stream.close(), None, 0)
            await self.body.settle()
            self._paint_footer()  # "cancelled" once, then the tokens the model really generated
            self._settle_scroll()
            return
        await self._flush(force=True)
        await self.body.extend(self._stream.close(), None, 0)
        self.streaming = False
        self.text = reply.text or self.text
        self.verdicts = list(reply.verdicts)
        self.notes = [n for n in self.notes if not n.startswith("repair round")]
        if reply.cancelled:
            self.notes.append("cancelled")
        await self.body.sync(self.text, self.verdicts)
        self._paint_header()
        self._paint_footer()
        self._settle_scroll()

    async def fail(self, message: str, hint: str | None) -> None:
        self._stop()
        if not self.cancelled:
            await self._flush(force=True)
            await self.body.extend(self._stream.close(), None, 0)
        await self.body.drop_tail()
        self.streaming = False
        self.error = message + (f"\n{hint}" if hint else "")
        self.add_class("-failed")
        self._paint_header()
        self._paint_footer()

    # --- header and footer ----------------------------------------------------------------------

    def _paint_header(self) -> None:
        label = Content.styled("Assistant", "bold $text-primary")
        extra = f" · {self.kind}" + (f" · {self.source}" if self.source else "")
        state = " · streaming…" if self.streaming else ""
        self._header.update(Content.assemble(label, extra, Content.styled(state, "italic $text-accent")))

    def _paint_footer(self) -> None:
        parts: list[str] = list(self.notes)
        if self.reply is not None and self.show_stats and (self.reply.stats.tokens or self.reply.stats.offline):
            parts.append(self.reply.stats.summary())
        proposed = [v for v in self.verdicts if not v.quoted]
        if proposed:
            ok = sum(1 for v in proposed if v.ok)
            parts.append(f"{'✓' if ok == len(proposed) else '✗'} {ok}/{len(proposed)} snippets check")
        quoted = len(self.verdicts) - len(proposed)
        if quoted:
            parts.append(f"{quoted} quoted")
        if self.rating is not None:
            parts.append(RATING_LABELS.get(self.rating, ""))
        if self.saved_id:
            parts.append(f"saved as {self.saved_id}")
        if self.error:
            self._footer.display = True
            self._footer.update(Content.styled(self.error, "$text-error"))
            return
        text = " · ".join(p for p in parts if p)
        self._footer.display = bool(text)
        self._footer.update(text)

    def watch_rating(self) -> None:
        if self.is_mounted:
            self._paint_footer()

    def note(self, text: str) -> None:
        self.notes.append(text)
        self._paint_footer()

    def mark_saved(self, row_id: str) -> None:
        self.saved_id = row_id
        self._paint_footer()

    def action_rate(self, rating: int) -> None:
        self.post_message(self.Rate(self, rating))

    def action_save(self) -> None:
        self.post_message(self.Save(self))


class MessageList(VerticalScroll):
    """The conversation; stays scrolled to the end while a reply grows, unless the user scrolls up."""

    DEFAULT_CSS = """
    MessageList { height: 1fr; padding: 0 1; }
    MessageList > .empty { color: $text-muted; padding: 1 2; }
    """

    following = True

    @property
    def messages(self) -> list[ChatMessage]:
        return [child for child in self.children if isinstance(child, ChatMessage)]

    @property
    def next_number(self) -> int:
        messages = self.messages
        return messages[-1].next_number if messages else 1

    def blocks(self) -> list[CodeBlock]:
        return [block for message in self.messages for block in message.blocks]

    def block(self, number: int) -> CodeBlock | None:
        return next((b for b in self.blocks() if b.number == number), None)

    def last_answer(self) -> AssistantMessage | None:
        answers = [m for m in self.messages if isinstance(m, AssistantMessage)]
        return answers[-1] if answers else None

    def at_end(self) -> bool:
        """Whether the user is looking at the newest lines (then growing text keeps them in view)."""
        return self.scroll_y >= self.max_scroll_y - 1

    def watch_scroll_y(self) -> None:
        self.following = self.at_end() or self.is_anchored

    def follow(self) -> None:
        """Keep the newest lines in view while the conversation grows, unless the user scrolled up.

        Anchoring lets the compositor scroll in the same pass as the layout (one repaint per
        update, not two). It is only set once the messages overflow: in Textual 8.2 an anchored
        view shorter than its container gets a negative scroll offset.
        """
        overflowing = self.virtual_size.height > self.scrollable_content_region.height
        if overflowing and not self.is_anchored:
            self.anchor()
        elif not overflowing:
            if self.is_anchored:
                self.anchor(False)
            self.scroll_end(animate=False)

    def settle(self) -> None:
        """After content shrank: an anchored view that no longer overflows is unanchored (Textual 8.2
        would scroll it to a negative offset), and a view that followed the end keeps it in view."""
        if self.following:
            self.follow()
        elif self.scroll_y > self.max_scroll_y:
            self.scroll_end(animate=False)

    async def add(self, message: ChatMessage) -> None:
        for placeholder in self.query(".empty"):
            await placeholder.remove()
        await self.mount(message)
        self.follow()

    async def clear_messages(self, placeholder: str = "") -> None:
        self.anchor(False)
        self.scroll_home(animate=False)
        await self.remove_children()
        if placeholder:
            await self.mount(Static(placeholder, classes="empty"))
