"""The Textual application: screens, app-wide keys, the engine's start-up, themes, crash safety.

The first frame needs only Textual and our widgets: the engine (language layer, backends) is built
in a worker after mount, which posts `EngineReady` or `EngineFailed` to the chat screen. Screens
ask the app for app-wide things with messages (`OpenValidate`, `ThemeRequested`, `SendToChat`) and
actions (`app.pick_model`, `app.help`); the app never reaches into a screen's internals.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App

from assistant.app.events import EngineFailed, EngineReady, OpenValidate, SendToChat, ThemeRequested
from assistant.app.keys import APP_KEYS, bindings
from assistant.app.screens.chat import ChatScreen
from assistant.app.services import EngineStartError, Services, error_text
from assistant.config import Config

if TYPE_CHECKING:
    from assistant.app.screens.model_picker import ModelChoice
    from assistant.engine.core import Engine
    from assistant.history import HistoryStore


def warm_rendering() -> None:
    """Build the Markdown parser and the code highlighter before the first answer needs them."""
    from assistant.app.markdown import blocks
    from assistant.app.widgets.code_block import highlighted

    blocks("- **a** `b`")
    highlighted("main = 1", "sno")


class SynoemaApp(App[int]):
    """Chat with the Synoema assistant; validate code; curate answers for training."""

    TITLE = "Synoema Assistant"
    CSS_PATH = "app.tcss"
    BINDINGS = bindings(APP_KEYS)
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        config: Config | None = None,
        *,
        history: HistoryStore | None = None,
        engine_factory: Callable[[], Engine] | None = None,
        problems: list[str] | None = None,
        safe: bool = False,
        persist_settings: bool = False,
        log_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self.services = Services.open(self.config, history=history, engine_factory=engine_factory)
        self.problems = list(problems or [])
        self.safe = safe
        self.persist_settings = persist_settings
        self.log_path = log_path
        self.exit_note: str | None = None
        self.chat = ChatScreen(self.services)
        self._theme_from_config()

    # --- start-up ---------------------------------------------------------------------------------

    def _theme_from_config(self) -> None:
        wanted = self.config.ui.theme
        if wanted in self.available_themes:
            self.theme = wanted
        elif wanted:
            self.problems.append(f"unknown theme {wanted!r}; using {self.theme} (Ctrl+P → Theme lists them)")

    async def on_mount(self) -> None:
        await self.push_screen(self.chat)
        for problem in self.problems:
            self.notify(f"Config: {problem}", severity="warning", timeout=10)
        self.show_notices()
        self.call_after_refresh(self._start_engine)  # first paint first: importing the engine takes a while

    @work(thread=True, group="engine", exit_on_error=False)
    def _start_engine(self) -> None:
        """Worker: build the engine and its answer source, report, then warm it up."""
        try:
            engine = self.services.ensure_engine()
            info = engine.backend_info
        except EngineStartError as exc:
            self.chat.post_message(EngineFailed(exc.message, exc.hint))
            return
        except Exception as exc:
            message, hint = error_text(exc)
            self.chat.post_message(EngineFailed(f"The engine could not start: {message}", hint))
            return
        notices = [(n.message, n.hint, n.severity) for n in self.services.take_notices()]
        notices += [(str(p), None, "warning") for p in engine.problems]
        if info.details.get("error"):
            notices.append((f"{info.backend} backend: {info.details['error']}", info.details.get("hint") or None,
                            "error"))
        self.chat.post_message(EngineReady(info, notices))
        engine.warm()  # the model, or the offline engine's index, before the first question
        warm_rendering()

    def show_notices(self) -> None:
        for notice in self.services.take_notices():
            severity: Any = notice.severity
            self.notify(notice.text(), severity=severity, timeout=12)

    # --- app-wide actions -------------------------------------------------------------------------

    def action_help(self) -> None:
        from assistant.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_validate(self) -> None:
        self.open_validate("")

    @on(OpenValidate)
    def _open_validate(self, event: OpenValidate) -> None:
        self.open_validate(event.code)

    def open_validate(self, code: str) -> None:
        from assistant.app.screens.validate import ValidateScreen

        screen = self.screen
        if isinstance(screen, ValidateScreen):
            if code:
                screen.load(code)
            return
        self.push_screen(ValidateScreen(self.services, code))

    @on(SendToChat)
    async def _send_to_chat(self, event: SendToChat) -> None:
        while self.screen is not self.chat and len(self.screen_stack) > 1:
            self.pop_screen()
        await self.chat.send_to_chat(event.text, event.kind)

    def action_pick_model(self) -> None:
        from assistant.app.screens.model_picker import ModelPicker

        info = self.chat.status.info
        label = f"{info.backend} · {info.model}" if info.model else info.backend
        self.push_screen(ModelPicker(self.config.backend, label), self._model_chosen)

    def _model_chosen(self, choice: ModelChoice | None) -> None:
        if choice is None:
            return
        self.chat.status.update_info(state=f"switching to {choice.kind}…")
        self._switch_backend(choice)

    @work(thread=True, group="switch", exclusive=True, exit_on_error=False)
    def _switch_backend(self, choice: ModelChoice) -> None:
        """Worker: switch, and load the model now, so a model that cannot start says so at once."""
        try:
            engine = self.services.ensure_engine()
            engine.switch_backend(choice.kind, choice.options)
            engine.source.load()
            info = engine.backend_info
        except Exception as exc:
            message, hint = error_text(exc)
            self.call_from_thread(self._switch_done, None, f"Could not switch: {message}", hint)
            return
        if choice.remember:
            self.call_from_thread(self._remember_backend, choice)
        self.call_from_thread(self._switch_done, info, info.details.get("error"), info.details.get("hint") or None)

    def _switch_done(self, info: Any, error: str | None, hint: str | None) -> None:
        self.chat.refresh_backend()
        if error:
            self.chat.status.update_info(state="error")
            self.notify(error + (f"\n{hint}" if hint else ""), severity="error", timeout=12)
        else:
            self.chat.status.update_info(state="ready")
            self.notify(f"Now answering with {info.summary()}")

    def _remember_backend(self, choice: ModelChoice) -> None:
        defaults = type(choice.options)()
        changes: dict[str, Any] = {"backend.kind": choice.kind}
        for name, value in choice.options.as_dict().items():
            changes[f"backend.{choice.kind}.{name}"] = None if value == getattr(defaults, name) else value
        self._save_settings(changes)

    @on(ThemeRequested)
    def _theme_requested(self, event: ThemeRequested) -> None:
        self.set_theme(event.name)

    def set_theme(self, name: str) -> None:
        name = name.strip()
        if not name:
            self.action_change_theme()
            return
        if name not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            self.notify(f"Unknown theme {name!r}. Themes: {names}", severity="warning", timeout=10)
            return
        self.theme = name

    def watch_theme(self, theme: str) -> None:
        if self.persist_settings and theme != self.config.ui.theme:
            self.config.ui.theme = theme
            self._save_settings({"ui.theme": theme})

    def _save_settings(self, changes: Mapping[str, Any]) -> bool:
        """Write `changes` into config.toml as a round trip: comments and other keys are kept, and a
        file that does not parse is left exactly as it is (the user is told why)."""
        if not self.persist_settings:
            return False
        from assistant.config import ConfigError, update_config

        try:
            update_config(changes)
        except ConfigError as exc:
            self.notify(f"Settings not saved: {exc}", severity="warning", timeout=12)
            return False
        return True

    # --- safety -----------------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """In the real app (`safe`), an unexpected error ends the app with one readable line.

        Textual stops a widget's message loop after an unhandled error, so carrying on could leave
        a frozen screen; instead the traceback goes to the log file and the user is told where,
        never shown it. Every expected failure (backend, model, config, history, checker) is
        caught where it happens and shown as a notification. Tests run with `safe=False`, so a
        bug fails the test.
        """
        if not self.safe:
            super()._handle_exception(error)
            return
        from rich.text import Text

        where = self._log_error(error)
        self._return_code = 1
        self.exit_note = (
            f"synoema-assistant stopped on an internal error ({type(error).__name__}: {error}). "
            f"Conversations are kept in the history. Details: {where}"
        )
        self._exit_renderables.append(Text(self.exit_note))  # printed after the screen is restored
        self._close_messages_no_wait()

    def _log_error(self, error: BaseException) -> str:
        path = self.log_path
        if path is None:
            return "the log (not configured)"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
                handle.write("".join(traceback.format_exception(error)))
        except OSError:
            return "the log (could not be written)"
        return str(path)

    async def action_quit(self) -> None:
        if self.config.ui.confirm_quit:
            from assistant.app.screens.dialogs import Confirm

            def answered(yes: bool | None) -> None:
                if yes:
                    self._quit_now()

            self.push_screen(Confirm("Quit Synoema Assistant?", "Quit"), answered)
            return
        self._quit_now()

    def _quit_now(self) -> None:
        job = self.chat.job
        if job is not None:
            job.cancel.cancel()
        self.services.close()
        self.exit(0)


def run(config: Config, *, problems: list[str]) -> int:
    """Run the app in the terminal; never lets a traceback reach the user."""
    from assistant import paths

    log_path = paths.cache_dir() / "app-errors.log"
    app = SynoemaApp(config, problems=problems, safe=True, persist_settings=True, log_path=log_path)
    try:
        result = app.run()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message, _ = error_text(exc)
        app._log_error(exc)
        print(f"synoema-assistant: the terminal app failed: {message} (details in {log_path})")
        return 1
    finally:
        app.services.close()
    if app.return_code not in (None, 0):
        return int(app.return_code or 1)
    return int(result or 0)
