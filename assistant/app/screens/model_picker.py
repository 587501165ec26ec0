"""Pick the backend and model: offline, a local GGUF file, an OpenAI-compatible server, or transformers.

The fields shown are the chosen kind's own options (`assistant.backends.config`). "Use" checks the
choice before switching (a GGUF file must exist, be a GGUF file and have metadata llama.cpp reads;
a transformers model needs its directory), in a worker, and stays open with the reason when the
check fails. For a server, "List models" asks it (`GET /models`) and fills the model list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select

from assistant.app.services import error_text

if TYPE_CHECKING:
    from assistant.backends.config import BackendOptions
    from assistant.config import BackendConfig

DESCRIPTIONS = {
    "offline": "built-in answers from the compiler; no model needed",
    "gguf": "a local .gguf model run by llama.cpp",
    "openai": "any OpenAI-compatible server (llama.cpp server, vLLM, Ollama…)",
    "hf": "a transformers model directory, with an optional LoRA adapter",
}
# the options each kind shows, with their labels and placeholders; "list" is the server's model list
FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "offline": (),
    "gguf": (
        ("model_path", "Model file (.gguf)", "~/models/synoema.gguf"),
        ("n_ctx", "Context size (tokens)", "4096"),
        ("n_gpu_layers", "Layers on the GPU (-1: all)", "0"),
        ("chat_format", "Chat format (empty: the file's template)", ""),
    ),
    "openai": (
        ("base_url", "Server base URL", "http://127.0.0.1:8080/v1"),
        ("model", "Model name (empty: the server's default)", "model id"),
        ("api_key_env", "Env var holding the API key", "OPENAI_API_KEY"),
    ),
    "hf": (
        ("model_path", "Model directory", "~/models/synoema-hf"),
        ("adapter_path", "LoRA adapter directory (optional)", ""),
    ),
}
ALL_FIELDS = sorted({name for fields in FIELDS.values() for name, _, _ in fields})


@dataclass(frozen=True)
class ModelChoice:
    """What the user picked (checked), and whether to write it to config.toml as the default."""

    kind: str
    options: BackendOptions
    remember: bool = False


def backend_kinds() -> list[str]:
    from assistant.backends.registry import available_backends

    return ["offline", *(k for k in available_backends() if k != "offline")]


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
    ModelPicker #problem { color: $text-error; margin-top: 1; }
    ModelPicker #models { height: auto; max-height: 8; }
    ModelPicker .buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ModelPicker .buttons Button { margin-left: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: BackendConfig, current_label: str = "") -> None:
        super().__init__()
        self.current = current
        self.current_label = current_label

    def _value_of(self, name: str) -> str:
        """A field's first value: the current kind's option, else another kind's that has it set."""
        kinds = [self.current.kind, *(k for k in FIELDS if k != self.current.kind)]
        for kind in kinds:
            if kind in FIELDS and any(n == name for n, _, _ in FIELDS[kind]):
                value = getattr(self.current.options_for(kind), name, None)
                if value not in (None, ""):
                    return str(value)
        return ""

    def compose(self) -> ComposeResult:
        kinds = backend_kinds()
        kind = self.current.kind if self.current.kind in kinds else "offline"
        labels = {name: (label, hint) for fields in FIELDS.values() for name, label, hint in fields}
        with Vertical():
            yield Label("Backend and model", classes="title")
            yield Label(f"now: {self.current_label or kind}", classes="note")
            yield Select([(f"{k} — {DESCRIPTIONS.get(k, 'plugin')}", k) for k in kinds], value=kind,
                         allow_blank=False, id="kind")
            for name in ALL_FIELDS:
                label, hint = labels[name]
                yield Label(label, classes=f"field {name}")
                yield Input(self._value_of(name), placeholder=hint, id=name, classes=name)
            with Horizontal(classes="buttons list"):
                yield Button("List models", id="list-models")
            yield OptionList(id="models", classes="list")
            yield Label("", id="problem")
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
        wanted = {name for name, _, _ in FIELDS.get(kind, ())}
        for name in ALL_FIELDS:
            for widget in self.query(f".{name}"):
                widget.display = name in wanted
        for widget in self.query(".list"):
            widget.display = kind == "openai" and widget.id != "models"
        self.query_one("#models", OptionList).display = False
        self._problem("")

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._show_fields(self._kind())

    def _problem(self, text: str) -> None:
        problem = self.query_one("#problem", Label)
        problem.update(text)
        problem.display = bool(text)

    def build(self) -> tuple[str, BackendOptions]:
        """The kind and its options from the fields (raises BackendConfigError with a hint on bad values)."""
        from assistant.backends.registry import options_class

        kind = self._kind()
        specs = {spec.name: spec for spec in options_class(kind).specs()}
        values: dict[str, Any] = {}
        for name, _, _ in FIELDS.get(kind, ()):
            text = self.query_one(f"#{name}", Input).value.strip()
            if text or specs[name].optional:
                values[name] = text or None
        base = self.current.options_for(kind) if kind == self.current.kind else options_class(kind)()
        return kind, base.merged(values, from_text=True)

    @on(Button.Pressed, "#use")
    def _use(self, event: Button.Pressed) -> None:
        event.stop()
        try:
            kind, options = self.build()
        except Exception as exc:
            message, hint = error_text(exc)
            self._problem(message + (f"\n{hint}" if hint else ""))
            return
        self._problem("checking…")
        self._check(kind, options, self.query_one("#remember", Checkbox).value)

    @work(thread=True, exclusive=True, group="check-model", exit_on_error=False)
    def _check(self, kind: str, options: BackendOptions, remember: bool) -> None:
        """Worker: validate the choice; dismiss only when it can start."""
        if kind != "offline":
            try:
                from assistant.backends.registry import check_backend

                check_backend(kind, options)
            except Exception as exc:
                message, hint = error_text(exc)
                self.app.call_from_thread(self._problem, message + (f"\n{hint}" if hint else ""))
                return
        self.app.call_from_thread(self.dismiss, ModelChoice(kind, options, remember))

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
            kind, options = self.build()
        except Exception as exc:
            message, hint = error_text(exc)
            self._problem(message + (f"\n{hint}" if hint else ""))
            return
        self.notify("Asking the server for its models…")
        self._list_models(kind, options)

    @work(thread=True, exclusive=True, group="list-models", exit_on_error=False)
    def _list_models(self, kind: str, options: BackendOptions) -> None:
        try:
            from assistant.backends.registry import create_backend

            backend = create_backend(kind, options)
            try:
                lister = getattr(backend, "list_models", None)
                models = list(lister()) if callable(lister) else []
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
