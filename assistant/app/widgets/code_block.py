"""A numbered, highlighted code block with its verdict row and actions underneath.

The block is focusable: c copies, r re-runs the check, f sends it to fix, v opens it in the
validate screen; the same actions are links in the header for the mouse. Actions are posted as
`CodeBlock.Action` and carried out by the chat screen, which owns the engine. Code scrolls
sideways instead of wrapping: in a layout-sensitive language a wrapped line reads as two.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from assistant.app.keys import BLOCK_KEYS, bindings
from assistant.verdict import Verdict
from synoema.fences import CODE_INFO, SYNOEMA_LANGS
from synoema.snippets import Segment

ACTIONS: tuple[tuple[str, str], ...] = (
    ("copy", "copy"),
    ("rerun", "re-run"),
    ("send_fix", "fix"),
    ("open_validate", "validate"),
)
FOLD_LINES = 40  # a longer block shows its first `FOLDED_LINES`, with a link to show the rest
FOLDED_LINES = 24
STYLES = {
    "runs": "$text-success",
    "types": "$text-success",
    "parses": "$text-warning",
    "fails": "$text-error",
    "skipped": "$text-muted",
}


def highlighted(code: str, language: str) -> Content:
    """Code as themed Content; unknown languages fall back to plain text inside `highlight`."""
    from textual.highlight import highlight  # Pygments loads with the first code block

    _register_lexer()
    lang = CODE_INFO if language in SYNOEMA_LANGS else (language or "text")
    return highlight(code.rstrip("\n") or " ", language=lang)


_registered = False


def _register_lexer() -> None:
    """Make ```sno fences resolve to our Pygments lexer (once per process)."""
    global _registered
    if not _registered:
        from assistant.highlight import register_lexer

        register_lexer()
        _registered = True


def action_links(with_verdict: bool) -> Content:
    shown = ACTIONS if with_verdict else ACTIONS[:1]
    return Content("  ").join(Content.from_markup(f"[@click={action}]{label}[/]") for action, label in shown)


def verdict_content(verdict: Verdict | None, *, closed: bool) -> Content:
    """The verdict row: status headline, then detail lines (signatures, output, hints, repairs)."""
    if verdict is None:
        return Content.styled("… checking" if closed else "… writing", "$text-muted italic")
    lines = verdict.describe()
    rows = [Content.styled(lines.headline, f"bold {STYLES.get(lines.status, '')}")]
    for line in lines.details:
        style = "$text-success" if line.startswith("✓") else "$text-error" if line.startswith("✗") else "$text-muted"
        rows.append(Content.styled(f"  {line}", style))
    return Content("\n").join(rows)


class CodeBlock(Vertical, can_focus=True):
    """One block of a message; `number` is conversation-wide (the message's first number plus the
    block's index from `synoema.snippets`), used by `/copy N`."""

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
        & > .block-scroll { height: auto; overflow-x: auto; overflow-y: hidden; scrollbar-size-horizontal: 1; }
        & > .block-scroll > .block-code { width: auto; height: auto; }
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
        self.verdict: Verdict | None = None
        self.output_text: str | None = None  # the ```output block shown right under it, if any
        self.with_verdict = with_verdict
        self.verdict_plain = ""
        self._header = VerdictRow(classes="block-header")
        self._code = CodeView(classes="block-code")
        self._verdict = VerdictRow(classes="block-verdict")
        self._painted = False  # on_mount has painted it: later changes repaint at once
        self.expanded = False

    @property
    def code(self) -> str:
        return self.segment.code

    @property
    def index(self) -> int:
        return self.segment.index

    def compose(self) -> ComposeResult:
        yield self._header
        with ScrollableContainer(classes="block-scroll"):
            yield self._code
        if self.with_verdict:
            yield self._verdict

    def on_mount(self) -> None:
        self._painted = True
        self._paint_header()
        self._paint_code()
        self._paint_verdict()

    @property
    def folded(self) -> bool:
        return not self.expanded and self.segment.code.count("\n") > FOLD_LINES

    def _paint_code(self) -> None:
        """The code, highlighted; a long block shows its start (drawing every line of a pasted
        400-line program took a second) and a link to the rest."""
        code = self.segment.code
        if not self.folded:
            self._code.update(highlighted(code, self.segment.lang))
            return
        lines = code.split("\n")
        shown = "\n".join(lines[:FOLDED_LINES])
        rest = len(lines) - FOLDED_LINES - (1 if code.endswith("\n") else 0)
        more = Content.from_markup(f"[dim]… {rest} more lines[/dim]  [@click=expand]show all[/]")
        self._code.update(Content("\n").join([highlighted(shown, self.segment.lang), more]))

    def action_expand(self) -> None:
        self.expanded = not self.expanded
        self._paint_code()

    def _paint_header(self) -> None:
        tag = self.segment.info or ("sno" if self.segment.is_synoema else "code")
        note = "  (your code, quoted)" if self.segment.quoted else ""
        self._header.update(Content.assemble(
            Content.styled(f"[{self.number}] ", "bold $accent"), tag, note, "    ", action_links(self.with_verdict)
        ))

    def _paint_verdict(self) -> None:
        if not self.with_verdict or not self._painted:
            return
        content = verdict_content(self.verdict, closed=self.segment.closed)
        self.verdict_plain = content.plain
        self._verdict.update(content)
        self.set_class(self.verdict is not None and self.verdict.status == "fails", "-fails")
        self.set_class(self.verdict is not None and self.verdict.ok, "-ok")

    def update_segment(self, segment: Segment) -> None:
        changed_code = segment.code != self.segment.code
        changed_state = segment.closed != self.segment.closed or segment.info != self.segment.info
        self.segment = segment
        if changed_code and self._painted:
            self._paint_code()
        if changed_state and self._painted:
            self._paint_header()
            self._paint_verdict()

    def set_verdict(self, verdict: Verdict | None) -> None:
        """Show `verdict`, beside the output block this block shows (what the user can compare)."""
        if verdict is not None and self.output_text is not None:
            verdict = verdict.with_output_block(self.output_text)
        self.verdict = verdict
        self._paint_verdict()

    def set_output(self, text: str | None) -> None:
        """The ```output block right under this one (None: there is none)."""
        self.output_text = text
        if self.verdict is not None:
            self.set_verdict(replace(self.verdict, expected_output=text))

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

    def action_expand(self) -> None:
        if block := self._block():
            block.action_expand()


class CodeView(Static):
    """The code itself; its "show all" link unfolds the block it is in."""

    def action_expand(self) -> None:
        for ancestor in self.ancestors:
            if isinstance(ancestor, CodeBlock):
                ancestor.action_expand()
                return


class OutputBlock(Static):
    """A program's output block as the answer shows it (the verdict above compares it)."""

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
        self.update(Content.assemble(Content.styled("output\n", "italic"), segment.text.rstrip("\n") or " "))
