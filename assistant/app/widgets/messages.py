"""Chat messages: prose as Markdown, each fence as its own block, verdicts under Synoema blocks.

A message body is re-split on every streaming flush and diffed against the widgets it already
has, so growing text only touches the last segment: earlier blocks keep their widgets (and
their focus and verdicts), and the Markdown of the growing paragraph is appended to, not rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from assistant.app.fences import Segment, split_message
from assistant.app.keys import MESSAGE_KEYS, bindings
from assistant.app.verdicts import assign
from assistant.app.widgets.code_block import CodeBlock, OutputBlock
from assistant.app.widgets.live import LivePart, live_plan
from assistant.engine.types import Reply, SnippetVerdict

RATING_LABELS = {1: "rated helpful", 0: "rated neutral", -1: "rated unhelpful"}


def _fits(widget: Widget, segment: Segment) -> bool:
    if segment.kind == "prose":
        return type(widget).__name__ == "Prose"
    if segment.is_output:
        return isinstance(widget, OutputBlock)
    return isinstance(widget, CodeBlock)


class MessageBody(Vertical):
    """The segments of one message; `first_number` numbers its code blocks conversation-wide."""

    DEFAULT_CSS = """
    MessageBody { height: auto; }
    """

    def __init__(self, *, first_number: int, with_verdicts: bool) -> None:
        super().__init__()
        self.first_number = first_number
        self.with_verdicts = with_verdicts
        self.parts: list[Widget] = []
        self.live: list[LivePart] = []

    @property
    def blocks(self) -> list[CodeBlock]:
        return [w for w in self.parts if isinstance(w, CodeBlock)]

    def _new(self, segment: Segment, number: int) -> Widget:
        if segment.kind == "prose":
            from assistant.app.widgets.prose import Prose  # Markdown (markdown-it) loads on first use

            return Prose(segment)
        if segment.is_output:
            return OutputBlock(segment)
        return CodeBlock(segment, number, with_verdict=self.with_verdicts and segment.is_synoema)

    async def show(self, text: str, *, streaming: bool, verdicts: Sequence[SnippetVerdict] = ()) -> None:
        segments = split_message(text, streaming=streaming)
        if streaming and self.with_verdicts:
            await self._show_live(segments, verdicts)
            return
        if self.live:
            await self.remove_children(self.live)
            self.live = []
        keep = 0
        while keep < min(len(segments), len(self.parts)) and _fits(self.parts[keep], segments[keep]):
            keep += 1
        stale = self.parts[keep:]
        self.parts = self.parts[:keep]
        if stale:
            await self.remove_children(stale)
        number = self.first_number
        fresh: list[Widget] = []
        for index, segment in enumerate(segments):
            if index < keep:
                widget = self.parts[index]
                if type(widget).__name__ == "Prose":
                    await widget.update_segment(segment)  # type: ignore[attr-defined]
                elif isinstance(widget, CodeBlock | OutputBlock):
                    widget.update_segment(segment)
            else:
                widget = self._new(segment, number)
                fresh.append(widget)
                self.parts.append(widget)
            if segment.kind == "code" and not segment.is_output:
                number += 1
        if fresh:
            await self.mount_all(fresh)
        if self.with_verdicts:
            self._place_verdicts(segments, verdicts)

    async def _show_live(self, segments: list[Segment], verdicts: Sequence[SnippetVerdict]) -> None:
        """While streaming: a plain LivePart per segment instead of Markdown and block widgets."""
        if self.parts:
            await self.remove_children(self.parts)
            self.parts = []
        plan = live_plan(segments, verdicts, self.first_number)
        fresh = [LivePart() for _ in range(len(plan) - len(self.live))]
        self.live.extend(fresh)
        for part, (segment, number, verdict) in zip(self.live, plan):
            part.show(segment, number, verdict)
        if fresh:
            await self.mount_all(fresh)
        if len(self.live) > len(plan):
            stale, self.live = self.live[len(plan) :], self.live[: len(plan)]
            await self.remove_children(stale)

    def _place_verdicts(self, segments: list[Segment], verdicts: Sequence[SnippetVerdict]) -> None:
        placed = assign(segments, verdicts)
        for index, widget in enumerate(self.parts):
            if not isinstance(widget, CodeBlock) or not widget.with_verdict:
                continue
            following = segments[index + 1] if index + 1 < len(segments) else None
            expected = following.text if following is not None and following.is_output else None
            verdict = placed.get(index)
            if verdict is not widget.verdict or expected != widget.expected_output:
                widget.set_verdict(verdict, expected)


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
    def next_number(self) -> int:
        """The number the next message's first block gets (counted from the text, not the widgets)."""
        segments = split_message(self.text, streaming=bool(getattr(self, "streaming", False)))
        return self.body.first_number + sum(1 for s in segments if s.kind == "code" and not s.is_output)


class UserMessage(ChatMessage):
    DEFAULT_CSS = """
    UserMessage { border-left: thick $secondary; background: $secondary 8%; }
    """

    role = "user"

    async def on_mount(self) -> None:
        self._footer.display = False
        self._header.update(Content.assemble(Content.styled("You", "bold $text-secondary"), f" · {self.kind}"))
        await self.body.show(displayed_user_text(self.text), streaming=False)


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
        verdicts: Sequence[SnippetVerdict] = (),
        streaming: bool = False,
        show_stats: bool = True,
    ) -> None:
        super().__init__(text, kind=kind, first_number=first_number, message_id=message_id)
        self.show_stats = show_stats
        self.source = source
        self.user_text = user_text
        self.verdicts: list[SnippetVerdict] = list(verdicts)
        self.streaming = streaming
        self.reply: Reply | None = None
        self.notes: list[str] = []
        self.saved_id: str | None = None
        self.error: str | None = None

    async def on_mount(self) -> None:
        self._paint_header()
        self._paint_footer()
        await self.body.show(self.text, streaming=self.streaming, verdicts=self.verdicts)

    def _paint_header(self) -> None:
        label = Content.styled("Assistant", "bold $text-primary")
        extra = f" · {self.kind}" + (f" · {self.source}" if self.source else "")
        state = " · streaming…" if self.streaming else ""
        self._header.update(Content.assemble(label, extra, Content.styled(state, "italic $text-accent")))

    def _paint_footer(self) -> None:
        parts: list[str] = list(self.notes)
        if self.reply is not None:
            stats = self.reply.stats
            if stats.tokens and self.show_stats:
                parts.append(f"{stats.tokens} tokens · {stats.seconds:.1f} s · {stats.tokens_per_second:.0f} tok/s")
            if self.reply.cancelled:
                parts.append("cancelled")
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

    async def stream(self, delta: str) -> None:
        self.text += delta
        await self.body.show(self.text, streaming=True, verdicts=self.verdicts)

    async def add_verdict(self, verdict: SnippetVerdict) -> None:
        self.verdicts = [v for v in self.verdicts if v.index != verdict.index] + [verdict]
        await self.body.show(self.text, streaming=self.streaming, verdicts=self.verdicts)

    def note(self, text: str) -> None:
        self.notes.append(text)
        self._paint_footer()

    async def finish(self, reply: Reply) -> None:
        self.streaming = False
        self.reply = reply
        if reply.text or not self.text:
            self.text = reply.text
        self.verdicts = list(reply.verdicts)
        self.notes = [n for n in self.notes if not n.startswith("repair round")]
        self._paint_header()
        self._paint_footer()
        await self.body.show(self.text, streaming=False, verdicts=self.verdicts)

    async def fail(self, message: str, hint: str | None) -> None:
        self.streaming = False
        self.error = message + (f"\n{hint}" if hint else "")
        self.add_class("-failed")
        self._paint_header()
        self._paint_footer()
        await self.body.show(self.text, streaming=False, verdicts=self.verdicts)

    async def cancelled(self) -> None:
        self.streaming = False
        self.notes.append("cancelled")
        self._paint_header()
        self._paint_footer()
        await self.body.show(self.text, streaming=False, verdicts=self.verdicts)

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
