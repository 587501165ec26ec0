"""Pick the backend and model: offline, a local GGUF file, an OpenAI-compatible server, or transformers.

For a server, "List models" asks it (`GET /models`) in a worker and fills the model list. The
dialog only builds a `BackendConfig`; the app switches the engine and reports what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select

from assistant.app.services import error_text
from assistant.backends.config import BackendConfig

DESCRIPTIONS = {
    "offline": "built-in answers from the compiler; no model needed",
    "gguf": "a local .gguf model run by llama.cpp",
    "openai": "any OpenAI-compatible server (llama.cpp server, vLLM, Ollama…)",
    "hf": "a transformers model directory, with an optional LoRA adapter",
}
FIELDS = {
    "offline": (),
    "gguf": ("model_path", "n_ctx"),
    "openai": ("base_url", "model", "api_key_env", "list"),
    "hf": ("model_path", "adapter_path"),
}


@dataclass(frozen=True)
class ModelChoice:
    """What the user picked, and whether to write it to config.toml as the default."""

    config: BackendConfig
    remember: bool = False


def backend_kinds() -> list[str]:
    try:
        from assistant.backends.registry import available_backends

        kinds = available_backends()
    except Exception:
        kinds = ["gguf", "openai", "hf"]
    return ["offline", *(k for k in kinds if k != "offline")]


class ModelPicker(ModalScreen[ModelChoice | None]):
    DEFAULT_CSS = """
    ModelPicker { align: center middle; background: $background 60%; }
    ModelPicker > Vertical {
        width: 84; max-width: 96%; height: auto; max-height: 96%;
        border: round $primary; background: $surface; padding: 1 2;
    }
    ModelPicker Label.title { text-style: bold; }
    ModelPicker Label.note { color: $text-muted; margin-bottom: 1; }
    ModelPicker Label.field { margin-top: 1; color: $text-muted; }
    ModelPicker #models { height: auto; max-height: 8; }
    ModelPicker .buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ModelPicker .buttons Button { margin-left: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: BackendConfig, current_label: str = "") -> None:
        super().__init__()
        self.current = current
        self.current_label = current_label

    def compose(self) -> ComposeResult:
        kinds = backend_kinds()
        kind = self.current.kind if self.current.kind in kinds else "offline"
        with Vertical():
            yield Label("Backend and model", classes="title")
            yield Label(f"now: {self.current_label or kind}", classes="note")
            yield Select([(f"{k} — {DESCRIPTIONS.get(k, 'plugin')}", k) for k in kinds], value=kind, allow_blank=False, id="kind")
            yield Label("Model file or directory", classes="field model_path")
            yield Input(self.current.model_path or "", placeholder="~/models/synoema.gguf", id="model_path", classes="model_path")
            yield Label("Context size (tokens)", classes="field n_ctx")
            yield Input(str(self.current.n_ctx), id="n_ctx", classes="n_ctx", type="integer")
            yield Label("Server base URL", classes="field base_url")
            yield Input(self.current.base_url or "", placeholder="http://127.0.0.1:8080/v1", id="base_url", classes="base_url")
            yield Label("Model name (empty: the server's default)", classes="field model")
            yield Input(self.current.model or "", placeholder="model id", id="model", classes="model")
            yield Label("Env var holding the API key", classes="field api_key_env")
            yield Input(self.current.api_key_env or "", placeholder="OPENAI_API_KEY", id="api_key_env", classes="api_key_env")
            with Horizontal(classes="buttons list"):
                yield Button("List models", id="list-models")
            yield OptionList(id="models", classes="list")
            yield Label("LoRA adapter directory (optional)", classes="field adapter_path")
            yield Input(self.current.adapter_path or "", id="adapter_path", classes="adapter_path")
            yield Checkbox("Save as the default in config.toml", id="remember")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Use", id="use", variant="primary")

    def on_mount(self) -> None:
        self._show_fields(self._kind())
        self.query_one("#models", OptionList).display = False

    def _kind(self) -> str:
        value = self.query_one("#kind", Select).value
        return value if isinstance(value, str) else "offline"

    def _show_fields(self, kind: str) -> None:
        wanted = set(FIELDS.get(kind, ("model_path", "base_url", "model")))
        for name in ("model_path", "n_ctx", "base_url", "model", "api_key_env", "adapter_path", "list"):
            for widget in self.query(f".{name}"):
                widget.display = name in wanted
        if "list" not in wanted:
            self.query_one("#models", OptionList).display = False

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._show_fields(self._kind())

    def _value(self, name: str) -> str | None:
        text = self.query_one(f"#{name}", Input).value.strip()
        return text or None

    def build(self) -> BackendConfig:
        """The config from the fields (raises BackendConfigError with a hint on bad values)."""
        kind = self._kind()
        n_ctx_text = self._value("n_ctx") or str(self.current.n_ctx)
        try:
            n_ctx = int(n_ctx_text)
        except ValueError:
            n_ctx = self.current.n_ctx
        fields = FIELDS.get(kind, ())
        return BackendConfig(
            kind=kind,
            model_path=self._value("model_path") if "model_path" in fields else None,
            base_url=self._value("base_url") if "base_url" in fields else None,
            model=self._value("model") if "model" in fields else None,
            api_key_env=self._value("api_key_env") or self.current.api_key_env,
            n_ctx=n_ctx,
            adapter_path=self._value("adapter_path") if "adapter_path" in fields else None,
            n_threads=self.current.n_threads,
            timeout=self.current.timeout,
            retries=self.current.retries,
        )

    @on(Button.Pressed, "#use")
    def _use(self, event: Button.Pressed) -> None:
        event.stop()
        try:
            config = self.build()
        except Exception as exc:
            message, hint = error_text(exc)
            self.notify(message + (f"\n{hint}" if hint else ""), severity="error")
            return
        self.dismiss(ModelChoice(config, self.query_one("#remember", Checkbox).value))

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#list-models")
    def _list_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        try:
            config = self.build()
        except Exception as exc:
            message, hint = error_text(exc)
            self.notify(message + (f"\n{hint}" if hint else ""), severity="error")
            return
        self.notify("Asking the server for its models…")
        self._list_models(config)

    @work(thread=True, exclusive=True, group="list-models", exit_on_error=False)
    def _list_models(self, config: BackendConfig) -> None:
        try:
            from assistant.backends.openai_compat import OpenAIBackend

            backend = OpenAIBackend(config)
            try:
                models = backend.list_models()
            finally:
                backend.close()
        except Exception as exc:
            message, hint = error_text(exc)
            self.app.call_from_thread(self.notify, message + (f"\n{hint}" if hint else ""), severity="error")
            return
        self.app.call_from_thread(self._show_models, models)

    def _show_models(self, models: list[str]) -> None:
        listing = self.query_one("#models", OptionList)
        listing.clear_options()
        listing.add_options(models or ["(the server lists no models)"])
        listing.display = True
        if not models:
            self.notify("The server lists no models; type the model name.", severity="warning")

    @on(OptionList.OptionSelected, "#models")
    def _model_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        text = str(event.option.prompt)
        if not text.startswith("("):
            self.query_one("#model", Input).value = text
