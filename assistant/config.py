"""User configuration: defaults < ``config.toml`` < ``SYNOEMA_*`` env vars < CLI flags.

Loading never raises: every bad file, key or value becomes a readable problem string
and the affected setting keeps its lower-precedence value, so a typo in the config can
never stop the assistant from starting. Each field's env var and help text live in the
dataclass field metadata, which keeps the docs table and the loader in one place.

Every command loads the config, so it stays cheap: the parsed file is kept in the cache dir keyed
by its text (the TOML parser is imported only for a new or changed file), and `difflib` (typo
hints) and `tempfile` (saving) only when a name is wrong or the config is saved.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from assistant import paths as app_paths

BACKEND_KINDS: tuple[str, ...] = ("offline", "gguf", "openai", "hf")
REFERENCE_SIZES: tuple[str, ...] = ("full", "compact")


def _setting(default: Any, env: str, help: str, **extra: Any) -> Any:
    """A dataclass field carrying its env var, help text and validation rules."""
    return field(default=default, metadata={"env": env, "help": help, **extra})


@dataclass
class BackendConfig:
    """Which language model answers, and how to reach it."""

    kind: str = _setting(
        "offline",
        "SYNOEMA_BACKEND",
        "Model backend: offline, gguf, openai or hf.",
        choices=BACKEND_KINDS,
        label="backend",
    )
    model_path: str | None = _setting(
        None, "SYNOEMA_MODEL_PATH", "GGUF file (gguf) or model directory (hf).", path=True
    )
    base_url: str | None = _setting(
        None, "SYNOEMA_BASE_URL", "Base URL of an OpenAI-compatible server (openai)."
    )
    model: str | None = _setting(None, "SYNOEMA_MODEL", "Model name sent to the server (openai).")
    api_key_env: str = _setting(
        "OPENAI_API_KEY",
        "SYNOEMA_API_KEY_ENV",
        "Name of the env var holding the API key; the key itself is never stored.",
    )
    n_ctx: int = _setting(4096, "SYNOEMA_N_CTX", "Context window in tokens (gguf).", minimum=256)
    n_threads: int = _setting(
        0, "SYNOEMA_N_THREADS", "CPU threads for local models; 0 = automatic.", minimum=0
    )
    adapter_path: str | None = _setting(
        None, "SYNOEMA_ADAPTER_PATH", "LoRA adapter directory or file (hf, gguf).", path=True
    )
    timeout: float = _setting(120.0, "SYNOEMA_TIMEOUT", "Seconds to wait for one model reply.", minimum=0.1)
    retries: int = _setting(2, "SYNOEMA_RETRIES", "Retries after a failed request.", minimum=0, maximum=10)


@dataclass
class EngineConfig:
    """How answers are produced and checked."""

    repair_rounds: int = _setting(
        2, "SYNOEMA_REPAIR_ROUNDS", "Times a failing snippet is sent back for repair.", minimum=0, maximum=10
    )
    temperature: float = _setting(
        0.2, "SYNOEMA_TEMPERATURE", "Sampling temperature.", minimum=0.0, maximum=2.0
    )
    max_tokens: int = _setting(1024, "SYNOEMA_MAX_TOKENS", "Most tokens in one reply.", minimum=1)
    context_budget_tokens: int = _setting(
        3072, "SYNOEMA_CONTEXT_BUDGET", "Prompt tokens kept from the conversation.", minimum=256
    )
    reference: str = _setting(
        "compact",
        "SYNOEMA_REFERENCE",
        "Language reference in the prompt: full or compact.",
        choices=REFERENCE_SIZES,
        label="reference size",
    )
    grammar: str = _setting(
        "", "SYNOEMA_GRAMMAR", "GBNF grammar for write mode: empty (none), builtin, or a file path."
    )


@dataclass
class UIConfig:
    """Look and feel of the terminal UI."""

    theme: str = _setting("textual-dark", "SYNOEMA_THEME", "Textual theme name.")
    show_stats: bool = _setting(True, "SYNOEMA_SHOW_STATS", "Show tokens and timing under replies.")
    confirm_quit: bool = _setting(False, "SYNOEMA_CONFIRM_QUIT", "Ask before quitting.")


@dataclass
class PathsConfig:
    """Where user data lives; empty means inside the user data dir."""

    dialogue_dir: str | None = _setting(
        None, "SYNOEMA_DIALOGUE_DIR", "Directory for saved dialogues (JSONL).", path=True
    )
    history_db: str | None = _setting(None, "SYNOEMA_HISTORY_DB", "SQLite history database file.", path=True)


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
        """Value of a dotted setting such as ``"engine.temperature"``."""
        section, name = key.split(".", 1)
        return getattr(getattr(self, section), name)


class LoadResult(NamedTuple):
    """What :func:`load_config` returns: ``config, problems = load_config()``."""

    config: Config
    problems: list[str]


class ConfigError(Exception):
    """A readable failure to save the config (the message is meant for users)."""


@dataclass(frozen=True)
class FieldSpec:
    """One setting: where it lives, its type and how to validate it."""

    section: str
    name: str
    type: type
    optional: bool
    default: Any
    env: str
    help: str
    choices: tuple[str, ...] = ()
    label: str = ""
    minimum: float | None = None
    maximum: float | None = None
    path: bool = False

    @property
    def key(self) -> str:
        """Dotted name, e.g. ``backend.kind``."""
        return f"{self.section}.{self.name}"


def _section_types() -> dict[str, type]:
    hints = typing.get_type_hints(Config)
    return {f.name: hints[f.name] for f in dataclasses.fields(Config)}


def _split_optional(hint: Any) -> tuple[type, bool]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0], True
    return hint, False


def field_specs() -> list[FieldSpec]:
    """All settings in declaration order (the source of the README table)."""
    specs: list[FieldSpec] = []
    for section, cls in _section_types().items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            base, optional = _split_optional(hints[f.name])
            meta = dict(f.metadata)
            specs.append(
                FieldSpec(
                    section=section,
                    name=f.name,
                    type=base,
                    optional=optional,
                    default=f.default,
                    env=meta.pop("env"),
                    help=meta.pop("help"),
                    **meta,
                )
            )
    return specs


_SPECS: dict[str, FieldSpec] = {s.key: s for s in field_specs()}
_SECTIONS: tuple[str, ...] = tuple(_section_types())


def env_table_markdown() -> str:
    """A Markdown table of every environment variable, for the README."""
    rows = [
        "| Variable | Setting | Default | Meaning |",
        "|---|---|---|---|",
    ]
    for spec in _SPECS.values():
        default = "unset" if spec.default is None else f"`{_toml_value(spec.default)}`"
        rows.append(f"| `{spec.env}` | `{spec.key}` | {default} | {spec.help} |")
    rows.append(f"| `{app_paths.CONFIG_DIR_ENV}` | | platform default | Directory holding `config.toml`. |")
    rows.append(f"| `{app_paths.DATA_DIR_ENV}` | | platform default | Directory for history and dialogues. |")
    rows.append(f"| `{app_paths.CACHE_DIR_ENV}` | | platform default | Directory for disposable caches. |")
    return "\n".join(rows)


# --- validation -----------------------------------------------------------------------------------


class _Invalid(ValueError):
    """A value that fails validation; the message is user-facing."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _close_match(word: str, options: typing.Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def _suggest(word: str, options: typing.Iterable[str]) -> str:
    match = _close_match(word, options)
    return f" (did you mean {match!r}?)" if match else ""


def _coerce(spec: FieldSpec, value: Any, from_text: bool) -> Any:
    """Check and convert one value; ``from_text`` allows parsing strings (env vars, flags)."""
    if spec.optional and (value is None or value == ""):
        return None
    if spec.type is bool:
        if isinstance(value, bool):
            return value
        if from_text and isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise _Invalid(f"{spec.key} must be true or false, got {value!r}")
    if spec.type is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return _check_range(spec, value)
        parsed = _parse_text(value, int) if from_text else None
        if parsed is not None:
            return _check_range(spec, parsed)
        raise _Invalid(f"{spec.key} must be a whole number, got {value!r}")
    if spec.type is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _check_range(spec, float(value))
        parsed = _parse_text(value, float) if from_text else None
        if parsed is not None:
            return _check_range(spec, parsed)
        raise _Invalid(f"{spec.key} must be a number, got {value!r}")
    if not isinstance(value, str):
        raise _Invalid(f"{spec.key} must be a string, got {value!r}")
    if spec.choices:
        word = value.strip().lower()
        if word not in spec.choices:
            hint = _suggest(word, spec.choices) or f" (expected one of: {', '.join(spec.choices)})"
            raise _Invalid(f"unknown {spec.label or spec.key} {value!r}{hint}")
        return word
    if spec.path:
        return os.path.expanduser(value)
    return value


def _parse_text(value: Any, kind: type[int] | type[float]) -> int | float | None:
    """``value`` parsed as ``kind`` when it is text that reads as one, else None."""
    if not isinstance(value, str):
        return None
    try:
        return kind(value.strip())
    except ValueError:
        return None


def _check_range(spec: FieldSpec, value: int | float) -> int | float:
    if value != value:  # NaN
        raise _Invalid(f"{spec.key} must be a number, got nan")
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None and not low <= value <= high:
        raise _Invalid(f"{spec.key} must be between {low:g} and {high:g}, got {value:g}")
    if low is not None and value < low:
        raise _Invalid(f"{spec.key} must be at least {low:g}, got {value:g}")
    if high is not None and value > high:
        raise _Invalid(f"{spec.key} must be at most {high:g}, got {value:g}")
    return value


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


def _read_file(path: Path, values: dict[str, dict[str, Any]], out: _Collector) -> None:
    """Merge settings from the TOML file at ``path`` into ``values``."""
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return
    except OSError as exc:
        out.add(name, f"cannot read the file ({exc.strerror or exc}); using defaults")
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        out.add(name, "the file is not UTF-8 text; using defaults")
        return
    try:
        data = app_paths.cached_by_text("config-toml", text, _parse_toml)
    except ValueError as exc:  # tomllib.TOMLDecodeError
        found = _TOML_ERROR_RE.match(str(exc))
        if found:
            msg = found["msg"][:1].lower() + found["msg"][1:]
            out.add(
                f"{name} line {found['line']}",
                f"not valid TOML: {msg} (column {found['col']}); using defaults",
            )
        else:
            out.add(name, f"not valid TOML: {exc}; using defaults")
        return

    def where(key: str) -> str:
        line = _line_of(text, key)
        return f"{name} line {line}" if line else name

    for section, table in data.items():
        if section not in _SECTIONS:
            match = _close_match(section, _SECTIONS)
            hint = f" (did you mean [{match}]?)" if match else ""
            out.add(where(section), f"unknown section [{section}]{hint}; ignored")
            continue
        if not isinstance(table, dict):
            out.add(where(section), f"{section!r} must be a section written as [{section}]; ignored")
            continue
        for key, value in table.items():
            dotted = f"{section}.{key}"
            spec = _SPECS.get(dotted)
            if spec is None:
                hint = _suggest(dotted, _SPECS)
                out.add(where(dotted), f"unknown setting {dotted!r}{hint}; ignored")
                continue
            try:
                values[section][key] = _coerce(spec, value, from_text=False)
            except _Invalid as exc:
                out.add(where(dotted), f"{exc}; using {_describe(values[section][key])}")


def _describe(value: Any) -> str:
    return "no value" if value is None else _toml_value(value)


def _read_env(env: Mapping[str, str], values: dict[str, dict[str, Any]], out: _Collector) -> None:
    for spec in _SPECS.values():
        text = env.get(spec.env)
        if text is None or not text.strip():
            continue
        try:
            values[spec.section][spec.name] = _coerce(spec, text.strip(), from_text=True)
        except _Invalid as exc:
            out.add(f"environment {spec.env}", f"{exc}; using {_describe(values[spec.section][spec.name])}")


def _read_overrides(overrides: Mapping[str, Any], values: dict[str, dict[str, Any]], out: _Collector) -> None:
    for key, value in overrides.items():
        if value is None:  # a flag that was not given
            continue
        spec = _SPECS.get(key)
        if spec is None:
            out.add("option", f"unknown setting {key!r}{_suggest(key, _SPECS)}; ignored")
            continue
        try:
            values[spec.section][spec.name] = _coerce(spec, value, from_text=isinstance(value, str))
        except _Invalid as exc:
            out.add(f"option {key}", f"{exc}; using {_describe(values[spec.section][spec.name])}")


def load_config(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> LoadResult:
    """Build the effective config and the problems met on the way; never raises.

    ``path`` defaults to ``config.toml`` in the user config dir, ``env`` to ``os.environ``.
    ``overrides`` maps dotted keys (``"backend.kind"``) to CLI flag values; ``None`` values
    are skipped so an argparse namespace with unset flags can be passed straight through.
    """
    values = dataclasses.asdict(Config())
    out = _Collector()
    try:
        _read_file(path or app_paths.config_file(), values, out)
        _read_env(os.environ if env is None else env, values, out)
        _read_overrides(overrides or {}, values, out)
        config = Config(
            backend=BackendConfig(**values["backend"]),
            engine=EngineConfig(**values["engine"]),
            ui=UIConfig(**values["ui"]),
            paths=PathsConfig(**values["paths"]),
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
            value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\t", "\\t")
            .replace("\r", "\\r")
        )
        escaped = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
        return f'"{escaped}"'
    raise ConfigError(f"cannot write {value!r} to config.toml")


def dump_config(config: Config) -> str:
    """The config as commented TOML text (``None`` settings are left out)."""
    lines = [
        "# Synoema Assistant configuration.",
        "# Environment variables (SYNOEMA_*) and command-line flags override these values.",
    ]
    for section in _SECTIONS:
        lines += ["", f"[{section}]"]
        for spec in (s for s in _SPECS.values() if s.section == section):
            value = config.get(spec.key)
            lines.append(f"# {spec.help}")
            if value is None:
                lines.append(f'# {spec.name} = ""')
            else:
                lines.append(f"{spec.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write ``config`` atomically (temp file + rename) and return the path.

    Raises :class:`ConfigError` with a readable message if it cannot be written; the old
    file is then left untouched.
    """
    import tempfile

    target = path or app_paths.config_file()
    text = dump_config(config)
    tmp_name: str | None = None
    try:
        app_paths.ensure_dir(target.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise ConfigError(f"could not save {target}: {exc.strerror or exc}") from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return target
