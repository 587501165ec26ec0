"""The Textual application: screens, app-wide keys, the engine's start-up, themes, crash safety.

The first frame needs only Textual and our widgets: the engine (language layer, backends) is
built in a worker after mount, and every problem met on the way becomes a notification.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App

from assistant.app.keys import APP_KEYS, bindings
from assistant.app.screens.chat import ChatScreen
from assistant.app.services import EngineStartError, Notice, Services, error_text
from assistant.config import Config

if TYPE_CHECKING:
    from assistant.app.screens.model_picker import ModelChoice
    from assistant.engine.core import Engine
    from assistant.history import HistoryStore

def _commands_provider() -> type:
    """Our command palette provider, imported when the palette first opens."""
    from assistant.app.commands import SynoemaCommands

    return SynoemaCommands


class SynoemaApp(App[int]):
    """Chat with the Synoema assistant; validate code; curate answers for training."""

    TITLE = "Synoema Assistant"
    CSS_PATH = "app.tcss"
    BINDINGS = bindings(APP_KEYS)
    COMMANDS = App.COMMANDS | {lambda: _commands_provider()}
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
        try:
            engine = self.services.ensure_engine()
        except EngineStartError as exc:
            self.call_from_thread(self.chat.engine_failed, exc.message, exc.hint)
            return
        except Exception as exc:
            message, hint = error_text(exc)
            self.call_from_thread(self.chat.engine_failed, f"The engine could not start: {message}", hint)
            return
        for problem in getattr(engine, "problems", []) or []:
            self.services.add_notice(Notice(str(problem)))
        info = engine.backend_info
        if info.details.get("error"):
            self.services.add_notice(
                Notice(f"{info.backend} backend: {info.details['error']}", info.details.get("hint") or None, "error")
            )
        self.call_from_thread(self._engine_ready)

    def _engine_ready(self) -> None:
        self.chat.engine_ready()
        self.show_notices()

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

    def open_validate(self, code: str) -> None:
        from assistant.app.screens.validate import ValidateScreen

        screen = self.screen
        if isinstance(screen, ValidateScreen):
            if code:
                screen.load(code)
            return
        self.push_screen(ValidateScreen(self.services, code))

    def action_pick_model(self) -> None:
        from assistant.app.screens.model_picker import ModelPicker
        from assistant.engine.backend_setup import to_backend_config

        try:
            current = to_backend_config(self.config.backend)
        except Exception:
            from assistant.backends.config import BackendConfig

            current = BackendConfig(kind="offline")
        info = self.chat.status.info
        label = f"{info.backend} · {info.model}" if info.model else info.backend
        self.push_screen(ModelPicker(current, label), self._model_chosen)

    def _model_chosen(self, choice: ModelChoice | None) -> None:
        if choice is None:
            return
        self.chat.status.update_info(state=f"switching to {choice.config.kind}…")
        self._switch_backend(choice)

    @work(thread=True, group="switch", exclusive=True, exit_on_error=False)
    def _switch_backend(self, choice: ModelChoice) -> None:
        try:
            engine = self.services.ensure_engine()
            info = engine.switch_backend(choice.config)
        except Exception as exc:
            message, hint = error_text(exc)
            self.call_from_thread(self._switch_done, None, f"Could not switch: {message}", hint)
            return
        if info.details.get("error"):
            self.call_from_thread(self._switch_done, info, info.details["error"], info.details.get("hint") or None)
            return
        if choice.remember:
            self.call_from_thread(self._remember_backend, choice)
        self.call_from_thread(self._switch_done, info, None, None)

    def _switch_done(self, info: Any, error: str | None, hint: str | None) -> None:
        self.chat.refresh_backend()
        if error:
            self.chat.status.update_info(state="error")
            self.notify(error + (f"\n{hint}" if hint else ""), severity="error", timeout=12)
        else:
            self.chat.status.update_info(state="ready")
            self.notify(f"Now answering with {info.summary()}")

    def _remember_backend(self, choice: ModelChoice) -> None:
        from assistant.engine.backend_setup import to_user_config

        self._save_setting(lambda cfg: setattr(cfg, "backend", to_user_config(choice.config)))

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
            self._save_setting(lambda cfg: setattr(cfg.ui, "theme", theme))

    def _save_setting(self, change: Callable[[Config], None]) -> None:
        """Write one change to config.toml, starting from the file alone (no env or flag values)."""
        if not self.persist_settings:
            return
        from assistant.config import load_config, save_config

        try:
            from_file, _ = load_config(env={}, overrides={})
            change(from_file)
            save_config(from_file)
        except Exception as exc:
            message, _ = error_text(exc)
            self.notify(f"Settings not saved: {message}", severity="warning")

    # --- chat shortcuts for the command palette ---------------------------------------------------

    def _to_chat(self) -> ChatScreen:
        while self.screen is not self.chat and len(self.screen_stack) > 1:
            self.pop_screen()
        return self.chat

    def set_kind(self, kind: str) -> None:
        self._to_chat().action_set_kind(kind)

    async def new_conversation(self) -> None:
        await self._to_chat().action_new_conversation()

    def search_history(self) -> None:
        self._to_chat().action_search_history()

    def toggle_sidebar(self) -> None:
        self._to_chat().action_toggle_sidebar()

    def rate_last(self, rating: int) -> None:
        chat = self._to_chat()
        answer = chat.messages.last_answer()
        if answer is None:
            self.notify("No answer to rate yet.", severity="warning")
            return
        chat.rate(answer, rating)

    def save_exchange(self) -> None:
        self._to_chat().action_save_exchange()

    def export_markdown(self) -> None:
        self._to_chat().export_markdown(None)

    async def copy_last_block(self) -> None:
        chat = self._to_chat()
        blocks = chat.messages.blocks()
        if not blocks:
            self.notify("There is no code block yet.", severity="warning")
            return
        await chat.block_action(blocks[-1], "copy")

    async def send_to_chat(self, text: str, kind: str) -> None:
        chat = self._to_chat()
        chat.kinds.kind = kind
        await chat.send(text, kind)

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
