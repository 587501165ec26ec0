"""User configuration: defaults < ``config.toml`` < ``SYNOEMA_*`` env vars < CLI flags.

Loading never raises: every bad file, key or value becomes a readable problem string and the
affected setting keeps its lower-precedence value, so a typo in the config can never stop the
assistant from starting. Each setting's env var and help text live in its dataclass field
(`assistant.settings.setting`), which keeps the docs table and the loader in one place.

The `[backend]` section says which kind answers (`kind`); each kind's own options are a table of
their own (`[backend.gguf]`, `[backend.openai]`, `[backend.hf]`), declared by the backend
(`assistant.backends.config`), so switching kinds keeps every kind's settings and a key a kind
does not take is reported. Env vars and flags for options (`SYNOEMA_MODEL_PATH`, `--model-path`)
apply to the kind in effect.

Saving is a round trip (`update_config`): tomlkit edits the keys that changed and keeps the
user's comments, order and unknown keys; a file that does not parse is never overwritten; the new
text replaces the old atomically (`synoema.durable.write_atomic`).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from assistant import paths as app_paths
from assistant.settings import FieldSpec, Invalid, close_match, coerce, setting, specs_of, suggest

if TYPE_CHECKING:  # the backends' options are imported only when a model kind is configured
    from assistant.backends.config import BackendOptions

BUILTIN_KINDS: tuple[str, ...] = ("offline", "gguf", "openai", "hf")
REFERENCE_SIZES: tuple[str, ...] = ("full", "compact", "none")


@dataclass
class BackendConfig:
    """Which answers: the offline engine or a model backend, with every kind's options."""

    kind: str = setting("offline", "SYNOEMA_BACKEND", "Who answers: offline, gguf, openai, hf or a plugin kind.",
                        label="backend")
    options: dict[str, BackendOptions] = field(default_factory=dict)  # by kind; a missing kind has its defaults

    def options_for(self, kind: str | None = None) -> BackendOptions:
        """The options of `kind` (default: the kind in effect)."""
        from assistant.backends.registry import options_class

        chosen = kind or self.kind
        found = self.options.get(chosen)
        return found if found is not None else options_class(chosen)()

    @property
    def selected(self) -> BackendOptions:
        return self.options_for(self.kind)


@dataclass
class EngineConfig:
    """How answers are produced and checked."""

    repair_rounds: int = setting(
        2, "SYNOEMA_REPAIR_ROUNDS", "Times a failing snippet is sent back for repair.", minimum=0, maximum=10
    )
    temperature: float = setting(0.2, "SYNOEMA_TEMPERATURE", "Sampling temperature.", minimum=0.0, maximum=2.0)
    max_tokens: int = setting(1024, "SYNOEMA_MAX_TOKENS", "Most tokens in one reply.", minimum=1)
    context_budget_tokens: int = setting(
        3072, "SYNOEMA_CONTEXT_BUDGET", "Prompt tokens kept from the conversation.", minimum=256
    )
    reference: str = setting(
        "compact", "SYNOEMA_REFERENCE", "Language reference in the prompt: full, compact, or none (a fine-tuned model).",
        choices=REFERENCE_SIZES, label="reference size",
    )
    few_shots: int = setting(
        2, "SYNOEMA_FEW_SHOTS", "Past exchanges shown to the model as examples (0 for a fine-tuned model).",
        minimum=0, maximum=8,
    )
    grammar: str = setting(
        "", "SYNOEMA_GRAMMAR", "GBNF grammar for write mode and repair rounds: empty (none), builtin, or a file path."
    )


@dataclass
class UIConfig:
    """Look and feel of the terminal UI."""

    theme: str = setting("textual-dark", "SYNOEMA_THEME", "Textual theme name.")
    show_stats: bool = setting(True, "SYNOEMA_SHOW_STATS", "Show tokens and timing under replies.")
    confirm_quit: bool = setting(False, "SYNOEMA_CONFIRM_QUIT", "Ask before quitting.")


@dataclass
class PathsConfig:
    """Where user data lives; empty means inside the user data dir."""

    dialogue_dir: str | None = setting(
        None, "SYNOEMA_DIALOGUE_DIR", "Directory for saved dialogues (JSONL).", path=True
    )
    history_db: str | None = setting(None, "SYNOEMA_HISTORY_DB", "SQLite history database file.", path=True)


@dataclass
class Config:
    """The whole configuration tree."""

    backend: BackendConfig = field(default_factory=BackendConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    ui: UIConfig = field(default_factory=UIConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)

    def dialogue_path(self) -> Path:
        """The dialogue directory, defaulting to ``<data dir>/dialogues``."""
        if self.paths.dialogue_dir:
            return Path(self.paths.dialogue_dir).expanduser()
        return app_paths.data_dir() / "dialogues"

    def history_path(self) -> Path:
        """The history database, defaulting to ``<data dir>/history.sqlite3``."""
        if self.paths.history_db:
            return Path(self.paths.history_db).expanduser()
        return app_paths.history_file()

    def get(self, key: str) -> Any:
        """Value of a dotted setting such as ``"engine.temperature"`` or ``"backend.gguf.n_ctx"``."""
        parts = key.split(".")
        if parts[0] == "backend" and len(parts) == 3:
            return getattr(self.backend.options_for(parts[1]), parts[2])
        return getattr(getattr(self, parts[0]), parts[1])


class LoadResult(NamedTuple):
    """What :func:`load_config` returns: ``config, problems = load_config()``."""

    config: Config
    problems: list[str]


class ConfigError(Exception):
    """A readable failure to save the config (the message is meant for users)."""


_SECTION_CLASSES: dict[str, type] = {
    "backend": BackendConfig, "engine": EngineConfig, "ui": UIConfig, "paths": PathsConfig,
}
_SPECS: dict[str, FieldSpec] = {s.key: s for name, cls in _SECTION_CLASSES.items() for s in specs_of(cls, name)}
_SECTIONS: tuple[str, ...] = tuple(_SECTION_CLASSES)


def _builtin_option_specs() -> list[FieldSpec]:
    from assistant.backends.config import BUILTIN_OPTIONS

    return [s for cls in BUILTIN_OPTIONS.values() for s in cls.specs()]


def field_specs() -> list[FieldSpec]:
    """All settings in declaration order, the built-in backends' options included (the README table)."""
    return [*_SPECS.values(), *_builtin_option_specs()]


def env_table_markdown() -> str:
    """A Markdown table of every environment variable, for the README."""
    rows = ["| Variable | Setting | Default | Meaning |", "|---|---|---|---|"]
    for spec in field_specs():
        default = "unset" if spec.default is None else f"`{_toml_value(spec.default)}`"
        rows.append(f"| `{spec.env}` | `{spec.key}` | {default} | {spec.help} |")
    rows.append(f"| `{app_paths.CONFIG_DIR_ENV}` | | platform default | Directory holding `config.toml`. |")
    rows.append(f"| `{app_paths.DATA_DIR_ENV}` | | platform default | Directory for history and dialogues. |")
    rows.append(f"| `{app_paths.CACHE_DIR_ENV}` | | platform default | Directory for disposable caches. |")
    return "\n".join(rows)


# --- the TOML file ----------------------------------------------------------------------------------

_HEADER_RE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")
_TOML_ERROR_RE = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def _unquote_key(raw: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


def _line_of(text: str, key: str) -> int | None:
    """1-based line where a dotted key (or a ``[section]`` header) is written; best effort."""
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER_RE.match(line)
        if header:
            table = _unquote_key(header.group(1))
            if table == key:
                return number
            continue
        found = _KEY_RE.match(line)
        if found:
            name = _unquote_key(found.group(1))
            if (f"{table}.{name}" if table else name) == key:
                return number
    return None


class _Collector:
    """Accumulates problems, prefixed with where they came from."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def _parse_toml(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)


def _toml_problem(exc: ValueError) -> tuple[int | None, str]:
    """(line, message) of a tomllib error."""
    found = _TOML_ERROR_RE.match(str(exc))
    if found:
        msg = found["msg"][:1].lower() + found["msg"][1:]
        return int(found["line"]), f"{msg} (column {found['col']})"
    return None, str(exc)


@dataclass
class _Values:
    """Settings gathered from the layers before the dataclasses are built."""

    sections: dict[str, dict[str, Any]]
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> option -> value
    option_where: dict[tuple[str, str], str] = field(default_factory=dict)

    def set_option(self, kind: str, name: str, value: Any, where: str) -> None:
        self.options.setdefault(kind, {})[name] = value
        self.option_where[(kind, name)] = where


def _read_text(path: Path, out: _Collector) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        out.add(path.name, f"cannot read the file ({exc.strerror or exc}); using defaults")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        out.add(path.name, "the file is not UTF-8 text; using defaults")
        return None


def _read_file(path: Path, values: _Values, out: _Collector) -> None:
    """Merge settings from the TOML file at ``path`` into ``values``."""
    name = path.name
    text = _read_text(path, out)
    if text is None:
        return
    try:
        data = app_paths.cached_by_text("config-toml", text, _parse_toml)
    except ValueError as exc:  # tomllib.TOMLDecodeError
        line, message = _toml_problem(exc)
        out.add(f"{name} line {line}" if line else name, f"not valid TOML: {message}; using defaults")
        return

    def where(key: str) -> str:
        line = _line_of(text, key)
        return f"{name} line {line}" if line else name

    for section, table in data.items():
        if section not in _SECTIONS:
            match = close_match(section, _SECTIONS)
            hint = f" (did you mean [{match}]?)" if match else ""
            out.add(where(section), f"unknown section [{section}]{hint}; ignored")
            continue
        if not isinstance(table, dict):
            out.add(where(section), f"{section!r} must be a section written as [{section}]; ignored")
            continue
        if section == "backend":
            _read_backend_table(table, values, out, where)
            continue
        for key, value in table.items():
            dotted = f"{section}.{key}"
            spec = _SPECS.get(dotted)
            if spec is None:
                out.add(where(dotted), f"unknown setting {dotted!r}{suggest(dotted, _SPECS)}; ignored")
                continue
            try:
                values.sections[section][key] = coerce(spec, value, from_text=False)
            except Invalid as exc:
                out.add(where(dotted), f"{exc}; using {_describe(values.sections[section][key])}")


def _read_backend_table(table: dict[str, Any], values: _Values, out: _Collector, where: Any) -> None:
    kind_spec = _SPECS["backend.kind"]
    if "kind" in table:
        try:
            values.sections["backend"]["kind"] = _check_kind(coerce(kind_spec, table["kind"], from_text=False))
        except Invalid as exc:
            out.add(where("backend.kind"), f"{exc}; using {_describe(values.sections['backend']['kind'])}")
    flat: list[tuple[str, Any]] = []
    for key, value in table.items():
        if key == "kind":
            continue
        if isinstance(value, dict):
            try:
                _check_kind(key)
            except Invalid as exc:
                out.add(where(f"backend.{key}"), f"[backend.{key}]: {exc}; ignored")
                continue
            for option, item in value.items():
                values.set_option(key, option, item, where(f"backend.{key}.{option}"))
        else:
            flat.append((key, value))
    kind = values.sections["backend"]["kind"]
    for key, value in flat:  # written before options had tables of their own: read for the kind in effect
        values.set_option(kind, key, value, where(f"backend.{key}"))


def _check_kind(kind: str) -> str:
    """`kind` when a backend of that kind exists (built in or a plugin), else `Invalid`."""
    word = kind.strip().lower()
    if word in BUILTIN_KINDS:
        return word
    from assistant.backends.errors import BackendConfigError
    from assistant.backends.registry import available_backends, options_class

    try:
        options_class(word)
    except BackendConfigError:
        known = ["offline", *available_backends()]
        hint = suggest(word, known) or f" (expected one of: {', '.join(known)})"
        raise Invalid(f"unknown backend {kind!r}{hint}") from None
    return word


def _describe(value: Any) -> str:
    return "no value" if value is None else _toml_value(value)


def _read_env(env: Mapping[str, str], values: _Values, out: _Collector) -> None:
    for spec in _SPECS.values():
        text = env.get(spec.env)
        if text is None or not text.strip():
            continue
        try:
            value = coerce(spec, text.strip(), from_text=True)
            values.sections[spec.section][spec.name] = _check_kind(value) if spec.key == "backend.kind" else value
        except Invalid as exc:
            out.add(f"environment {spec.env}", f"{exc}; using {_describe(values.sections[spec.section][spec.name])}")


def _read_option_env(env: Mapping[str, str], kind: str, values: _Values) -> None:
    """Env vars of the options of the kind in effect (validated with the rest of the options)."""
    if kind == "offline":
        return  # the offline engine takes no options
    from assistant.backends.registry import options_class

    for spec in options_class(kind).specs():
        text = env.get(spec.env)
        if text is not None and text.strip():
            values.set_option(kind, spec.name, text.strip(), f"environment {spec.env}")


def _read_overrides(overrides: Mapping[str, Any], values: _Values, out: _Collector) -> list[tuple[str, Any]]:
    """Flags for the sections; option flags (``backend.model_path``) are returned for the kind in effect."""
    later: list[tuple[str, Any]] = []
    for key, value in overrides.items():
        if value is None:  # a flag that was not given
            continue
        spec = _SPECS.get(key)
        if spec is None:
            if key.startswith("backend."):
                later.append((key.removeprefix("backend."), value))
                continue
            out.add("option", f"unknown setting {key!r}{suggest(key, _SPECS)}; ignored")
            continue
        try:
            coerced = coerce(spec, value, from_text=isinstance(value, str))
            values.sections[spec.section][spec.name] = _check_kind(coerced) if key == "backend.kind" else coerced
        except Invalid as exc:
            out.add(f"option {key}", f"{exc}; using {_describe(values.sections[spec.section][spec.name])}")
    return later


def _build_options(values: _Values, out: _Collector) -> dict[str, BackendOptions]:
    """Each kind's options, key by key: an unknown or bad key is reported and left out."""
    built: dict[str, BackendOptions] = {}
    if not values.options:
        return built
    from assistant.backends.errors import BackendConfigError
    from assistant.backends.registry import options_class

    for kind, raw in values.options.items():
        try:
            cls = options_class(kind)
        except BackendConfigError as exc:
            out.add("config", f"{exc.message}; its options are ignored")
            continue
        specs = {s.name: s for s in cls.specs()}
        good: dict[str, Any] = {}
        for name, value in raw.items():
            where = values.option_where.get((kind, name), "config")
            spec = specs.get(name)
            if spec is None:
                takes = ", ".join(specs) or "no options"
                out.add(where, f"unknown {kind} option {name!r}{suggest(name, specs)}; ignored (it takes: {takes})")
                continue
            try:
                good[name] = coerce(spec, value, from_text=where.startswith(("environment", "option")))
            except Invalid as exc:
                out.add(where, f"{exc}; using {_describe(spec.default)}")
        options = cls.from_mapping(good)
        if options != cls():  # a kind left at its defaults needs no entry
            built[kind] = options
    return built


def load_config(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> LoadResult:
    """Build the effective config and the problems met on the way; never raises.

    ``path`` defaults to ``config.toml`` in the user config dir, ``env`` to ``os.environ``.
    ``overrides`` maps dotted keys (``"backend.kind"``, ``"backend.model_path"``) to CLI flag values;
    ``None`` values are skipped so an argparse namespace with unset flags can be passed straight through.
    """
    values = _Values({section: {f.name: f.default for f in dataclasses.fields(cls) if f.name != "options"}
                      for section, cls in _SECTION_CLASSES.items()})
    out = _Collector()
    environment = os.environ if env is None else env
    try:
        _read_file(path or app_paths.config_file(), values, out)
        _read_env(environment, values, out)
        option_flags = _read_overrides(overrides or {}, values, out)
        kind = values.sections["backend"]["kind"]
        _read_option_env(environment, kind, values)
        for name, value in option_flags:
            values.set_option(kind, name, value, f"option backend.{name}")
        config = Config(
            backend=BackendConfig(kind=kind, options=_build_options(values, out)),
            engine=EngineConfig(**values.sections["engine"]),
            ui=UIConfig(**values.sections["ui"]),
            paths=PathsConfig(**values.sections["paths"]),
        )
    except Exception as exc:  # last line of defence: a config bug must not stop start-up
        out.add("config", f"unexpected problem ({exc}); using defaults")
        config = Config()
    return LoadResult(config, out.problems)


# --- saving -----------------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        escaped = (
            value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
        )
        escaped = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
        return f'"{escaped}"'
    raise ConfigError(f"cannot write {value!r} to config.toml")


def dump_config(config: Config) -> str:
    """The config as commented TOML text (``None`` settings are left out, as comments)."""
    lines = [
        "# Synoema Assistant configuration.",
        "# Environment variables (SYNOEMA_*) and command-line flags override these values.",
    ]
    for section in _SECTIONS:
        lines += ["", f"[{section}]"]
        for spec in (s for s in _SPECS.values() if s.section == section):
            lines += _spec_lines(spec, config.get(spec.key))
        if section == "backend":
            from assistant.backends.config import BUILTIN_OPTIONS

            for kind, cls in BUILTIN_OPTIONS.items():
                specs = cls.specs()
                if not specs:
                    continue
                lines += ["", f"[backend.{kind}]"]
                options = config.backend.options_for(kind)
                for spec in specs:
                    lines += _spec_lines(spec, getattr(options, spec.name))
    return "\n".join(lines) + "\n"


def _spec_lines(spec: FieldSpec, value: Any) -> list[str]:
    shown = f'# {spec.name} = ""' if value is None else f"{spec.name} = {_toml_value(value)}"
    return [f"# {spec.help}", shown]


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write every setting of `config` into config.toml as a round trip (see `update_config`)."""
    changes: dict[str, Any] = {spec.key: config.get(spec.key) for spec in _SPECS.values()}
    for kind, options in config.backend.options.items():
        changes.update({f"backend.{kind}.{name}": value for name, value in options.as_dict().items()})
    return update_config(changes, path)


def update_config(changes: Mapping[str, Any], path: Path | None = None) -> Path:
    """Set dotted keys in config.toml, keeping its comments, layout and every other key; a value of
    None removes the key. A missing file is created from the commented defaults.

    Raises `ConfigError` (the file untouched) when the file cannot be read or does not parse, so a
    user's broken file is never replaced by one holding only the change.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    from synoema.durable import write_atomic

    target = path or app_paths.config_file()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = dump_config(Config())
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target} cannot be read ({getattr(exc, 'strerror', None) or exc}); not changed") from exc
    try:
        _parse_toml(text)
        document = tomlkit.parse(text)
    except (ValueError, TOMLKitError) as exc:
        line, message = _toml_problem(exc) if isinstance(exc, ValueError) else (None, str(exc))
        at = f" line {line}" if line else ""
        raise ConfigError(
            f"{target.name}{at} is not valid TOML ({message}); it was left as it is. Fix it, then try again."
        ) from None
    for key, value in changes.items():
        _set_key(document, key.split("."), value)
    try:
        return write_atomic(target, tomlkit.dumps(document))
    except OSError as exc:
        raise ConfigError(f"could not save {target}: {exc.strerror or exc}") from exc


def _set_key(document: Any, parts: list[str], value: Any) -> None:
    import tomlkit

    table = document
    for part in parts[:-1]:
        found = table.get(part)
        if not isinstance(found, dict):
            if value is None:
                return
            found = tomlkit.table()
            table[part] = found
        table = found
    last = parts[-1]
    if value is None:
        if last in table:
            del table[last]
        return
    if table.get(last) != value:
        table[last] = value
