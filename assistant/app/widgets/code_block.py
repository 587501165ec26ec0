"""A numbered, highlighted code block with its verdict row and actions underneath.

The block is focusable: c copies, r re-runs the check, f sends it to fix, v opens it in the
validate screen; the same actions are links in the verdict row for the mouse. Actions are
posted as `CodeBlock.Action` and carried out by the chat screen, which owns the engine.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from assistant.app.fences import Segment
from assistant.app.keys import BLOCK_KEYS, bindings
from assistant.app.verdicts import STYLES, describe
from assistant.engine.types import SnippetVerdict

ACTIONS: tuple[tuple[str, str], ...] = (
    ("copy", "copy"),
    ("rerun", "re-run"),
    ("send_fix", "fix"),
    ("open_validate", "validate"),
)


def highlighted(code: str, language: str) -> Content:
    """Code as themed Content; unknown languages fall back to plain text inside `highlight`."""
    from textual.highlight import highlight  # Pygments loads with the first code block

    _register_lexer()
    return highlight(code or " ", language=language or "text")


_registered = False


def _register_lexer() -> None:
    """Make ```sno fences resolve to our Pygments lexer (once per process)."""
    global _registered
    if not _registered:
        from assistant.highlight import register_lexer

        register_lexer()
        _registered = True


def action_links() -> Content:
    return Content("  ").join(Content.from_markup(f"[@click={action}]{label}[/]") for action, label in ACTIONS)


def verdict_content(verdict: SnippetVerdict | None, *, closed: bool, expected_output: str | None) -> Content:
    """The verdict row: status headline, then detail lines and whether the output block is right."""
    if verdict is None:
        return Content.styled("… checking" if closed else "… writing", "$text-muted italic")
    lines = describe(verdict)
    rows = [Content.styled(lines.headline, f"bold {STYLES.get(lines.status, '')}")]
    rows.extend(Content.styled(f"  {line}", "$text-muted") for line in lines.details)
    matched = verdict.output_matched
    if matched is None and expected_output is not None and verdict.status == "runs":
        matched = verdict.output.strip() == expected_output.strip()
    if matched is not None:
        if not matched:
            rows.append(Content.styled("  ✗ the answer's output block differs from what the program prints", "$text-error"))
        else:
            rows.append(Content.styled("  ✓ output block matches what the program prints", "$text-success"))
    return Content("\n").join(rows)


class CodeBlock(Vertical, can_focus=True):
    """One fenced block of a message; `number` is conversation-wide, used by `/copy N`."""

    DEFAULT_CSS = """
    CodeBlock {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 1;
        background: $boost;
        border-left: wide $primary 30%;
        &:focus { border-left: wide $accent; background: $boost 150%; }
        &.-fails { border-left: wide $error 70%; }
        &.-ok { border-left: wide $success 60%; }
        & > .block-header { color: $text-muted; height: 1; }
        & > .block-code { height: auto; overflow-x: auto; }
        & > .block-verdict { height: auto; margin-top: 1; }
    }
    """

    BINDINGS = bindings(BLOCK_KEYS)

    class Action(Message):
        """The user asked for `action` (copy, rerun, send_fix, open_validate) on this block."""

        def __init__(self, block: CodeBlock, action: str) -> None:
            super().__init__()
            self.block = block
            self.action = action

    def __init__(self, segment: Segment, number: int, *, with_verdict: bool = True) -> None:
        super().__init__()
        self.segment = segment
        self.number = number
        self.verdict: SnippetVerdict | None = None
        self.expected_output: str | None = None
        self.with_verdict = with_verdict
        self.verdict_plain = ""
        self._header = VerdictRow(classes="block-header")
        self._code = Static(classes="block-code")
        self._verdict = VerdictRow(classes="block-verdict")

    @property
    def code(self) -> str:
        return self.segment.text

    def compose(self) -> ComposeResult:
        yield self._header
        yield self._code
        if self.with_verdict:
            yield self._verdict

    def on_mount(self) -> None:
        self._paint_header()
        self._code.update(highlighted(self.segment.text, self.segment.language))
        self._paint_verdict()

    def _paint_header(self) -> None:
        tag = self.segment.info or "code"
        note = "  (your code, quoted)" if self.segment.quoted else ""
        links = ("    ", action_links()) if self.with_verdict else ("    ", Content.from_markup("[@click=copy]copy[/]"))
        self._header.update(Content.assemble(Content.styled(f"[{self.number}] ", "bold $accent"), tag, note, *links))

    def _paint_verdict(self) -> None:
        if not self.with_verdict:
            return
        content = verdict_content(self.verdict, closed=self.segment.closed, expected_output=self.expected_output)
        self.verdict_plain = content.plain
        self._verdict.update(content)
        self.set_class(self.verdict is not None and self.verdict.status == "fails", "-fails")
        self.set_class(self.verdict is not None and self.verdict.ok, "-ok")

    def update_segment(self, segment: Segment) -> None:
        changed_code = segment.text != self.segment.text
        changed_state = segment.closed != self.segment.closed or segment.info != self.segment.info
        self.segment = segment
        if changed_code:
            self._code.update(highlighted(segment.text, segment.language))
        if changed_state:
            self._paint_header()
            self._paint_verdict()

    def set_verdict(self, verdict: SnippetVerdict | None, expected_output: str | None = None) -> None:
        self.verdict = verdict
        self.expected_output = expected_output
        self._paint_verdict()

    def verdict_text(self) -> str:
        """The verdict row as plain text (for tests and the end-to-end check)."""
        return self.verdict_plain

    def action_copy(self) -> None:
        self.post_message(self.Action(self, "copy"))

    def action_rerun(self) -> None:
        self.post_message(self.Action(self, "rerun"))

    def action_send_fix(self) -> None:
        self.post_message(self.Action(self, "send_fix"))

    def action_open_validate(self) -> None:
        self.post_message(self.Action(self, "open_validate"))


class VerdictRow(Static):
    """Forwards its link clicks to the block it belongs to."""

    def _block(self) -> CodeBlock | None:
        parent = self.parent
        return parent if isinstance(parent, CodeBlock) else None

    def action_copy(self) -> None:
        if block := self._block():
            block.action_copy()

    def action_rerun(self) -> None:
        if block := self._block():
            block.action_rerun()

    def action_send_fix(self) -> None:
        if block := self._block():
            block.action_send_fix()

    def action_open_validate(self) -> None:
        if block := self._block():
            block.action_open_validate()


class OutputBlock(Static):
    """A program's output block as the answer wrote it (checked against the verdict above)."""

    DEFAULT_CSS = """
    OutputBlock { height: auto; margin: 0 0 1 0; padding: 0 1; color: $text-muted; border-left: wide $secondary 30%; }
    """

    def __init__(self, segment: Segment) -> None:
        super().__init__()
        self.segment = segment

    def on_mount(self) -> None:
        self.update_segment(self.segment)

    def update_segment(self, segment: Segment) -> None:
        self.segment = segment
        self.update(Content.assemble(Content.styled("output\n", "italic"), segment.text or " "))
