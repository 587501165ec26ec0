"""``synoema-train install RUN``: make the app serve the exported model at its next start.

The user's ``config.toml`` is edited through the app's own round-trip writer
(``assistant.config.update_config``: tomlkit keeps comments, order and every other key; a file that
does not parse is never overwritten; the new text is written atomically). What changes:

- ``[backend] kind = "gguf"`` and ``[backend.gguf]`` ``model_path`` and ``n_ctx``; the gguf
  table's ``chat_format``, ``model`` and ``adapter_path`` are removed, so llama.cpp uses the chat template stored in
  the file (the one the model was trained with) and the name shown is the file's own;
- options written flat under ``[backend]`` (before each kind had a table) move into the table of
  the kind they belonged to, so switching back keeps them; a flat ``adapter_path`` (trained for
  another model) is dropped;
- ``[engine] reference = "none"`` and ``few_shots = 0``: the model was trained on the system prompt
  and the conversation alone, so it is served exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The GGUF the pipeline prefers to serve when a run folder holds several.
PREFERRED = ("q4_k_m", "q5_k_m", "q8_0", "f16", "bf16", "f32")


class InstallError(RuntimeError):
    """The model cannot be registered; the message says why and what to do."""


@dataclass(frozen=True)
class Installed:
    config_file: Path
    model_path: Path
    n_ctx: int
    previous: dict[str, object]


def find_gguf(target: str | Path) -> Path:
    """A .gguf file as given, or the preferred one in a run folder's ``gguf/``."""
    path = Path(target).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return path.resolve()
    folder = path / "gguf" if (path / "gguf").is_dir() else path
    found = sorted(folder.glob("*.gguf")) if folder.is_dir() else []
    if not found:
        raise InstallError(f"no .gguf model in {folder}; run `synoema-train export-gguf {target}` first")

    def rank(file: Path) -> int:
        name = file.stem.lower()
        return next((i for i, tag in enumerate(PREFERRED) if name.endswith(tag)), len(PREFERRED))

    return min(found, key=rank).resolve()


def gguf_context_length(path: Path) -> int | None:
    """``<arch>.context_length`` from the GGUF header (the gguf package reads only the metadata)."""
    try:
        from gguf import GGUFReader
    except ImportError:
        return None
    try:
        reader = GGUFReader(str(path))
    except (OSError, ValueError, IndexError):
        return None
    arch_field = reader.fields.get("general.architecture")
    if arch_field is None:
        return None
    arch = bytes(arch_field.parts[arch_field.data[0]]).decode("utf-8")
    ctx = reader.fields.get(f"{arch}.context_length")
    return int(ctx.parts[ctx.data[0]][0]) if ctx is not None else None


def _backend_table(file: Path) -> dict[str, Any]:
    """``[backend]`` as it is in the file now ({} when the file is missing); parse errors are left to
    ``update_config``, which reports them without touching the file."""
    import tomllib

    try:
        table = tomllib.loads(file.read_text(encoding="utf-8")).get("backend", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return table if isinstance(table, dict) else {}


def install(target: str | Path, *, config_file: Path | None = None, n_ctx: int | None = None) -> Installed:
    """Point the app's backend at the model; returns what it pointed at before."""
    from assistant import paths
    from assistant.config import ConfigError, update_config

    model = find_gguf(target)
    file = config_file or paths.config_file()
    ctx = n_ctx or min(4096, gguf_context_length(model) or 4096)
    backend = _backend_table(file)
    was = str(backend.get("kind", "offline"))
    flat = {key: value for key, value in backend.items() if key != "kind" and not isinstance(value, dict)}
    previous: dict[str, object] = {"kind": was, **flat}
    if isinstance(backend.get("gguf"), dict):
        previous.update({f"gguf.{k}": v for k, v in backend["gguf"].items()})
    changes: dict[str, Any] = {}
    for key, value in flat.items():  # the old flat layout: keep each option with the kind it was for
        changes[f"backend.{key}"] = None
        keep_for = was if was not in ("gguf", "offline") else None
        own = backend.get(was) if isinstance(backend.get(was), dict) else {}
        if keep_for and key != "adapter_path" and key not in own:
            changes[f"backend.{keep_for}.{key}"] = value
    changes.update(
        {
            "backend.kind": "gguf",
            "backend.gguf.model_path": str(model),
            "backend.gguf.n_ctx": ctx,
            "backend.gguf.chat_format": None,  # the template stored in the file: the one trained with
            "backend.gguf.adapter_path": None,  # an adapter for the model served before would not fit
            "backend.gguf.model": None,
            "engine.reference": "none",  # served the prompt it was trained on
            "engine.few_shots": 0,
        }
    )
    try:
        update_config(changes, file)
    except ConfigError as exc:
        raise InstallError(
            f'{exc}\nOr add by hand:\n[backend]\nkind = "gguf"\n\n[backend.gguf]\nmodel_path = "{model}"\n'
            f"n_ctx = {ctx}"
        ) from None
    return Installed(file, model, ctx, previous)


def app_model_path(config_file: Path | None = None) -> Path | None:
    """The GGUF the app's config points at (``None`` when it serves something else or cannot be read)."""
    from assistant import paths
    from assistant.config import load_config

    file = config_file or paths.config_file()
    if not file.exists():
        return None
    config, _ = load_config(file, env={})
    if config.backend.kind != "gguf":
        return None
    path = config.backend.options_for("gguf").model_path
    return Path(path).expanduser().resolve() if path else None
