"""The validate screen: an editor checked as you type, diagnostics with lines, signatures, output, repair.

Checks are debounced (a pause in typing starts one) and run in a thread worker; each result carries
the edit generation it was computed for, so a slow check can never paint over the result of newer
text. Every panel is painted from the verdict of the current text only: an edit marks them all
stale, an empty editor clears them, a repair from an older text is dropped. A repair is applied
(as one undoable edit) only when the repaired program checks; a run stopped by a limit says so.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from assistant.app.events import SendToChat
from assistant.app.keys import VALIDATE_KEYS
from assistant.app.services import Services, error_text
from assistant.app.widgets.code_block import STYLES
from assistant.app.widgets.editor import SynoemaEditor
from assistant.verdict import DiagnosticInfo, Verdict
from synoema.fences import program_block

DEBOUNCE_SECONDS = 0.3


def output_panel(verdict: Verdict) -> Content:
    """What the program printed, or why it did not run (a limit that stopped it, the errors, no main)."""
    if verdict.status == "runs":
        return Content(verdict.stdout.rstrip("\n") or "(prints nothing)")
    if verdict.run_skipped:
        return Content.styled(f"not run here: {verdict.run_skipped}", "$text-muted")
    if verdict.status in ("types", "parses"):
        return Content.styled("not run: no `main` (definitions are type-checked only)", "$text-muted")
    error = verdict.first_error
    if verdict.failed_stage == "run":
        stopped = verdict.stopped_by
        if stopped is not None:
            words = {"time": "stopped: it ran out of time", "memory": "stopped: it ran out of memory",
                     "output": "stopped: it printed too much", "depth": "stopped: the recursion went too deep"}
            why = f" ({error.message})" if error is not None else ""
            return Content.styled(f"{words.get(stopped, 'stopped by a limit')}{why}", "$text-error")
        printed = f"\nbefore that it printed:\n{verdict.stdout.rstrip(chr(10))}" if verdict.stdout.strip() else ""
        failed = error.headline() if error is not None else "it failed"
        return Content.styled(f"the run failed: {failed}{printed}", "$text-error")
    return Content.styled("not run: fix the errors first", "$text-muted")


def diagnostic_option(index: int, diag: DiagnosticInfo) -> Option:
    where = f"L{diag.line}:{diag.col}" if diag.line else "—"
    style = "$text-error" if diag.severity == "error" else "$text-warning"
    head = Content.assemble(Content.styled(f"{where:>7} ", "bold"), Content.styled(diag.code, style), f"  {diag.message}")
    lines = [head]
    if diag.hint:
        lines.append(Content.styled(f"        hint: {diag.hint}", "$text-muted"))
    if diag.did_you_mean:
        lines.append(Content.styled(f"        did you mean {diag.did_you_mean}?", "$text-muted"))
    return Option(Content("\n").join(lines), id=str(index))


def gutter_marks(diagnostics: list[DiagnosticInfo]) -> dict[int, str]:
    """0-based line -> worst severity on it (errors win over warnings)."""
    marks: dict[int, str] = {}
    for diag in diagnostics:
        if diag.line <= 0:
            continue
        for line in range(diag.line, max(diag.line, diag.end_line) + 1):
            if marks.get(line - 1) != "error":
                marks[line - 1] = "error" if diag.severity == "error" else "warning"
    return marks


class ValidateScreen(Screen[None]):
    """Paste or type Synoema; see what the compiler says about it, live."""

    DEFAULT_CSS = """
    ValidateScreen #verdict { height: auto; padding: 0 1; background: $panel; }
    ValidateScreen #body { height: 1fr; }
    ValidateScreen #editor { width: 3fr; border: round $primary 40%; }
    ValidateScreen #editor:focus { border: round $primary; }
    ValidateScreen #panel { width: 2fr; min-width: 36; padding: 0 1; }
    ValidateScreen #panel > Label { text-style: bold; color: $text-accent; margin-top: 1; }
    ValidateScreen #diagnostics { height: auto; max-height: 14; border: none; }
    ValidateScreen #signatures, ValidateScreen #output, ValidateScreen #repairs { height: auto; }
    """

    BINDINGS = [
        *(Binding(k.keys, k.action, k.description, show=k.show, priority=k.keys == "escape") for k in VALIDATE_KEYS),
    ]
    AUTO_FOCUS = "#editor"

    def __init__(self, services: Services, code: str = "") -> None:
        super().__init__(id="validate")
        self.services = services
        self.initial_code = code
        self.generation = 0
        self.verdict: Verdict | None = None
        self.checked_generation = -1
        self._debounce: Timer | None = None
        self._repairing = False  # the text is being replaced by a repair: keep its panel
        self.repair_notes: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="verdict")
        with Horizontal(id="body"):
            yield SynoemaEditor(self.initial_code, id="editor")
            with VerticalScroll(id="panel"):
                yield Label("Diagnostics")
                yield OptionList(id="diagnostics")
                yield Label("Signatures")
                yield Static(id="signatures")
                yield Label("Output")
                yield Static(id="output")
                yield Label("Repairs (Ctrl+R)")
                yield Static(id="repairs")
        yield Footer()

    def on_mount(self) -> None:
        self._clear_panels()
        if self.initial_code.strip():
            self.check_now()

    @property
    def editor(self) -> SynoemaEditor:
        return self.query_one(SynoemaEditor)

    def load(self, code: str) -> None:
        """Replace the editor's text (e.g. a block sent from the chat) and check it."""
        self.editor.load_text(code)
        self.check_now()

    # --- checking ---------------------------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.generation += 1
        if not self._repairing:
            self.repair_notes = []
            self.query_one("#repairs", Static).update("")  # repairs were about the old text
        self._repairing = False
        if self._debounce is not None:
            self._debounce.stop()
        if not self.editor.text.strip():
            self._clear_panels()  # nothing to check: nothing of the old text stays on screen
            return
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.check_now, name="check-debounce")
        self._paint_title(pending=True)

    def check_now(self) -> None:
        code = self.editor.text
        if not code.strip():
            self._clear_panels()
            return
        self._check(code, self.generation)

    @work(thread=True, group="check", exclusive=True, exit_on_error=False)
    def _check(self, code: str, generation: int) -> None:
        try:
            verdict = self.services.ensure_engine().check_snippet(code)
        except Exception as exc:
            message, hint = error_text(exc)
            self.app.call_from_thread(self._check_failed, generation, message, hint)
            return
        self.app.call_from_thread(self.show_verdict, generation, verdict)

    def _check_failed(self, generation: int, message: str, hint: str | None) -> None:
        if generation == self.generation:
            self.notify(f"Check failed: {message}" + (f"\n{hint}" if hint else ""), severity="error")

    def show_verdict(self, generation: int, verdict: Verdict) -> None:
        if generation != self.generation:
            return
        self.verdict = verdict
        self.checked_generation = generation
        self._paint_title()
        diagnostics = self.query_one("#diagnostics", OptionList)
        diagnostics.clear_options()
        if verdict.diagnostics:
            diagnostics.add_options([diagnostic_option(i, d) for i, d in enumerate(verdict.diagnostics)])
        else:
            diagnostics.add_option(Option(Content.styled("no diagnostics", "$text-success"), disabled=True))
        self.editor.set_marks(gutter_marks(verdict.diagnostics))
        signatures = "\n".join(f"{name} : {sig}" for name, sig in verdict.signatures)
        self.query_one("#signatures", Static).update(
            Content(signatures) if signatures else Content.styled("none inferred", "$text-muted")
        )
        self.query_one("#output", Static).update(output_panel(verdict))

    def _paint_title(self, pending: bool = False) -> None:
        verdict = self.verdict
        if verdict is None:
            self._paint_empty()
            return
        lines = verdict.describe()
        head = Content.styled(lines.headline, f"bold {STYLES.get(lines.status, '')}")
        state = Content.styled("   checking…" if pending else "", "italic $text-muted")
        count = len([d for d in verdict.diagnostics if d.severity == "error"])
        tail = f"   {count} error{'s' if count != 1 else ''}" if count else ""
        self.query_one("#verdict", Static).update(Content.assemble("Validate · ", head, tail, state))

    def _paint_empty(self) -> None:
        self.query_one("#verdict", Static).update(
            Content.assemble("Validate · ", Content.styled("type or paste Synoema; it is checked as you type", "$text-muted"))
        )

    def _clear_panels(self) -> None:
        """No text: every panel empty, the gutter clean, no verdict kept."""
        self.verdict = None
        self.checked_generation = self.generation
        self._paint_empty()
        diagnostics = self.query_one("#diagnostics", OptionList)
        diagnostics.clear_options()
        self.editor.set_marks({})
        for name in ("#signatures", "#output", "#repairs"):
            self.query_one(name, Static).update("")
        self.repair_notes = []

    @on(OptionList.OptionSelected, "#diagnostics")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        verdict = self.verdict
        if verdict is None or event.option.id is None:
            return
        diag = verdict.diagnostics[int(event.option.id)]
        if diag.line:
            self.editor.move_cursor((diag.line - 1, max(diag.col - 1, 0)), center=True)
        self.editor.focus()

    # --- actions ----------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_diagnostics(self) -> None:
        self.query_one("#diagnostics", OptionList).focus()

    def action_repair(self) -> None:
        code = self.editor.text
        if not code.strip():
            self.notify("Nothing to repair.", severity="warning")
            return
        self.query_one("#repairs", Static).update(Content.styled("repairing…", "italic $text-muted"))
        self._repair(code, self.generation)

    @work(thread=True, group="repair", exclusive=True, exit_on_error=False)
    def _repair(self, code: str, generation: int) -> None:
        try:
            verdict = self.services.ensure_engine().repair_snippet(code)
        except Exception as exc:
            message, hint = error_text(exc)
            self.app.call_from_thread(self._repair_failed, message, hint)
            return
        self.app.call_from_thread(self._repaired, generation, code, verdict)

    def _repair_failed(self, message: str, hint: str | None) -> None:
        self.query_one("#repairs", Static).update("")
        self.notify(f"Repair failed: {message}" + (f"\n{hint}" if hint else ""), severity="error")

    def _repaired(self, generation: int, before: str, verdict: Verdict) -> None:
        repairs = self.query_one("#repairs", Static)
        if generation != self.generation or self.editor.text != before:
            repairs.update(Content.styled("the text changed while repairing; press Ctrl+R again", "$text-warning"))
            return
        repair = verdict.repair
        if repair is None:
            message = "nothing to repair: it already checks" if verdict.ok else "no rule applies; see the diagnostics"
            repairs.update(Content.styled(message, "$text-muted"))
            return
        notes = list(repair.notes)
        body = [Content.styled(f"• {note}", "") for note in notes] or [Content("• rewritten")]
        if not verdict.ok:  # a repair that does not make it check is shown, never applied
            error = verdict.first_error
            still = f"✗ with these edits it still fails ({error.headline()}); nothing was changed" if error else \
                "✗ with these edits it still fails; nothing was changed"
            repairs.update(Content("\n").join([Content.styled("tried:", "$text-muted"), *body,
                                                Content.styled(still, "$text-error")]))
            self.notify("No repair makes this code check; see the diagnostics.", severity="warning")
            return
        self._repairing = True
        editor = self.editor
        editor.replace(verdict.code, (0, 0), editor.document.end)
        self.repair_notes = notes
        repairs.update(Content("\n").join([*body, Content.styled("✓ now checks", "$text-success"),
                                            Content.styled("Ctrl+Z undoes the repair", "$text-muted")]))
        self.notify(f"Repaired with {len(notes)} edit{'s' if len(notes) != 1 else ''}; it now checks.")

    def action_send_to_chat(self) -> None:
        code = self.editor.text
        if not code.strip():
            self.notify("Nothing to send.", severity="warning")
            return
        kind = "explain" if self.verdict is not None and self.verdict.ok else "fix"
        self.post_message(SendToChat(program_block(code, None), kind))
