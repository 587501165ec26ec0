"""``synoema-train install RUN``: make the app serve the exported model at its next start.

The user's ``config.toml`` is edited as a round-trip with tomlkit: comments, order and every other
setting stay as they were; only ``[backend]`` ``kind``, ``model_path`` and ``n_ctx`` change, a stale
``adapter_path`` (trained for another model) is dropped, and ``[engine]`` gets ``reference = "none"``
and ``few_shots = 0``: the model was trained on the system prompt and the conversation alone, so it
is served exactly that (no reference text or example exchanges it never saw in training). A file that does not parse is never
overwritten: the user gets the parse error and the lines to add by hand. The new text is written
atomically (``synoema.durable.write_atomic``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synoema.durable import write_atomic

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


def _table(doc: Any, name: str, file: Path) -> Any:
    import tomlkit

    table = doc.get(name)
    if table is None:
        table = tomlkit.table()
        doc[name] = table
    elif not isinstance(table, dict):
        raise InstallError(f"{file}: {name!r} is not a [{name}] table; it was left untouched")
    return table


def install(target: str | Path, *, config_file: Path | None = None, n_ctx: int | None = None) -> Installed:
    """Point the app's ``[backend]`` at the model; returns what changed."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    from assistant import paths

    model = find_gguf(target)
    file = config_file or paths.config_file()
    text = file.read_text(encoding="utf-8") if file.exists() else ""
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise InstallError(
            f"{file} is not valid TOML ({exc}); it was left untouched. Fix it, or add by hand:\n"
            f'[backend]\nkind = "gguf"\nmodel_path = "{model}"'
        ) from None
    ctx = n_ctx or min(4096, gguf_context_length(model) or 4096)
    backend, engine = _table(doc, "backend", file), _table(doc, "engine", file)
    previous = {
        key: backend.get(key) for key in ("kind", "model_path", "n_ctx", "adapter_path") if key in backend
    }
    backend["kind"] = "gguf"
    backend["model_path"] = str(model)
    backend["n_ctx"] = ctx
    if "adapter_path" in backend:
        del backend["adapter_path"]
    engine["reference"] = "none"  # served the prompt it was trained on
    engine["few_shots"] = 0
    write_atomic(file, tomlkit.dumps(doc))
    return Installed(file, model, ctx, previous)


def app_model_path(config_file: Path | None = None) -> Path | None:
    """The GGUF the app's config points at (``None`` when it serves something else or cannot be read)."""
    import tomllib

    from assistant import paths

    file = config_file or paths.config_file()
    try:
        backend = tomllib.loads(file.read_text(encoding="utf-8")).get("backend", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if not isinstance(backend, dict) or backend.get("kind") != "gguf" or not backend.get("model_path"):
        return None
    return Path(str(backend["model_path"])).expanduser().resolve()
