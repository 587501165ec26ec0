"""What the assistant knows about Synoema: reference text, prompts, passages and seed dialogues.

The data lives next to this module as package data (and in `dialogue.seed`), read as plain files
beside the package's `__file__` (an installed wheel is unpacked, so this works from a wheel as well
as from a checkout, without the cost of importlib.resources on every start). Every loader validates
what it reads and raises `KnowledgeError` with the file and line, so bad data fails loudly in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assistant.kinds import KINDS

Size = Literal["full", "compact"]
ROLES: tuple[str, ...] = ("system", "user", "assistant")

_PACKAGE = "assistant.knowledge"
_SEED_PACKAGE = "dialogue.seed"
_HERE = Path(__file__).parent


class KnowledgeError(ValueError):
    """A knowledge file is missing or does not match its schema."""


@dataclass(frozen=True)
class Fences:
    """Info strings of fenced blocks: proposed code, quoted user code, program output."""

    code: str
    quoted: str
    output: str


@dataclass(frozen=True)
class KindPrompt:
    """The system prompt for one kind of request, with shared conventions filled in."""

    kind: str
    title: str
    system: str


@dataclass(frozen=True)
class Prompts:
    """Everything prompts.toml holds: the fence conventions and one prompt per kind."""

    fences: Fences
    kinds: dict[str, KindPrompt]

    def system_for(self, kind: str, reference: Size | None = None) -> str:
        """System prompt for `kind`, optionally followed by the Synoema reference of that size."""
        if kind not in self.kinds:
            raise KnowledgeError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        text = self.kinds[kind].system
        return text if reference is None else f"{text}\n\n{load_reference(reference)}"


@dataclass(frozen=True)
class Passage:
    """One idea of the retrieval knowledge base; `code`, when present, runs and prints `output`."""

    id: str
    title: str
    tags: tuple[str, ...]
    text: str
    code: str | None = None
    output: str | None = None
    stdin: str | None = None


@dataclass(frozen=True)
class QAItem:
    """An evaluation question and the passage ids that answer it (first one preferred)."""

    question: str
    answer_id: str
    alt_ids: tuple[str, ...] = ()

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.answer_id, *self.alt_ids)


@dataclass(frozen=True)
class Message:
    """One turn of a seed dialogue."""

    role: str
    content: str


@dataclass(frozen=True)
class SeedDialogue:
    """One training conversation; `meta` carries what the checks need (see dialogue/seed/FORMAT.md)."""

    id: str
    kind: str
    messages: tuple[Message, ...]
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def _read_text(package: str, name: str) -> str:
    """A data file of this package (`package` only names it in the error)."""
    try:
        return (_HERE / name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise KnowledgeError(f"missing knowledge file {package}/{name}") from exc


def _package_dirs(package: str) -> list[Path]:
    """The folders of an importable package (several for a namespace package)."""
    import importlib

    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError as exc:
        raise KnowledgeError(f"missing package {package}") from exc
    return [Path(entry) for entry in getattr(module, "__path__", [])]


def _jsonl(text: str, where: str) -> list[dict[str, Any]]:
    import json

    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KnowledgeError(f"{where}:{number}: invalid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise KnowledgeError(f"{where}:{number}: expected a JSON object")
        rows.append(row)
    return rows


def _need(row: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = row.get(key)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise KnowledgeError(f"{where}: field {key!r} must be a non-empty {kind.__name__}")
    return value


def _optional_str(row: dict[str, Any], key: str, where: str) -> str | None:
    value = row.get(key)
    if value is not None and not isinstance(value, str):
        raise KnowledgeError(f"{where}: field {key!r} must be a string")
    return value


def load_reference(size: Size = "full") -> str:
    """The Synoema reference written for the model prompt: 'full' (~1,800 tokens) or 'compact' (~900)."""
    if size not in ("full", "compact"):
        raise KnowledgeError(f"reference size must be 'full' or 'compact', not {size!r}")
    return _read_text(_PACKAGE, f"reference_{size}.md")


def _parse_prompts_toml(text: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"prompts.toml: {exc}") from exc


def load_prompts() -> Prompts:
    """Per-kind system prompts from prompts.toml, with `{conventions}` expanded."""
    from assistant.paths import cached_by_text

    data = cached_by_text("knowledge-prompts", _read_text(_PACKAGE, "prompts.toml"), _parse_prompts_toml)
    fences_raw = data.get("fences", {})
    fences = Fences(
        code=_need(fences_raw, "code", str, "prompts.toml [fences]"),
        quoted=_need(fences_raw, "quoted", str, "prompts.toml [fences]"),
        output=_need(fences_raw, "output", str, "prompts.toml [fences]"),
    )
    conventions = _need(data.get("shared", {}), "conventions", str, "prompts.toml [shared]")
    kinds_raw = data.get("kinds", {})
    if set(kinds_raw) != set(KINDS):
        raise KnowledgeError(f"prompts.toml: kinds must be exactly {', '.join(KINDS)}")
    kinds: dict[str, KindPrompt] = {}
    for kind in KINDS:
        where = f"prompts.toml [kinds.{kind}]"
        system = _need(kinds_raw[kind], "system", str, where).replace("{conventions}", conventions)
        kinds[kind] = KindPrompt(kind, _need(kinds_raw[kind], "title", str, where), system.strip())
    return Prompts(fences, kinds)


def load_passages() -> list[Passage]:
    """The retrieval knowledge base; ids are unique and every code example has its output."""
    passages: list[Passage] = []
    seen: set[str] = set()
    for number, row in enumerate(_jsonl(_read_text(_PACKAGE, "passages.jsonl"), "passages.jsonl"), 1):
        where = f"passages.jsonl row {number}"
        pid = _need(row, "id", str, where)
        if pid in seen:
            raise KnowledgeError(f"{where}: duplicate id {pid!r}")
        seen.add(pid)
        tags = _need(row, "tags", list, where)
        if not all(isinstance(tag, str) and tag for tag in tags):
            raise KnowledgeError(f"{where}: tags must be non-empty strings")
        code, output = _optional_str(row, "code", where), _optional_str(row, "output", where)
        if (code is None) != (output is None):
            raise KnowledgeError(f"{where}: 'code' and 'output' come together")
        passages.append(
            Passage(
                id=pid,
                title=_need(row, "title", str, where),
                tags=tuple(tags),
                text=_need(row, "text", str, where),
                code=code,
                output=output,
                stdin=_optional_str(row, "stdin", where),
            )
        )
    return passages


def load_qa_eval() -> list[QAItem]:
    """Questions for the retrieval evaluation, each pointing at passages that answer it."""
    ids = {passage.id for passage in load_passages()}
    items: list[QAItem] = []
    for number, row in enumerate(_jsonl(_read_text(_PACKAGE, "qa_eval.jsonl"), "qa_eval.jsonl"), 1):
        where = f"qa_eval.jsonl row {number}"
        alt = row.get("alt_ids", [])
        if not isinstance(alt, list) or not all(isinstance(a, str) for a in alt):
            raise KnowledgeError(f"{where}: alt_ids must be a list of strings")
        item = QAItem(_need(row, "question", str, where), _need(row, "answer_id", str, where), tuple(alt))
        unknown = [pid for pid in item.accepted if pid not in ids]
        if unknown:
            raise KnowledgeError(f"{where}: unknown passage ids {unknown}")
        items.append(item)
    return items


def _dialogue(row: dict[str, Any], where: str, source: str) -> SeedDialogue:
    kind = _need(row, "kind", str, where)
    if kind not in KINDS:
        raise KnowledgeError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    messages: list[Message] = []
    for index, raw in enumerate(_need(row, "messages", list, where)):
        mwhere = f"{where} message {index}"
        if not isinstance(raw, dict):
            raise KnowledgeError(f"{mwhere}: expected an object")
        role = _need(raw, "role", str, mwhere)
        if role not in ROLES:
            raise KnowledgeError(f"{mwhere}: role {role!r} is not one of {', '.join(ROLES)}")
        messages.append(Message(role, _need(raw, "content", str, mwhere)))
    roles = [m.role for m in messages]
    if "system" in roles[1:] or len(roles) < 2 or roles[-1] != "assistant":
        raise KnowledgeError(f"{where}: expected [system] then user/assistant turns ending with assistant")
    turns = roles[1:] if roles[0] == "system" else roles
    if any(role == turns[i - 1] for i, role in enumerate(turns) if i) or turns[0] != "user":
        raise KnowledgeError(f"{where}: user and assistant turns must alternate, starting with user")
    meta = row.get("meta", {})
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{where}: meta must be an object")
    return SeedDialogue(_need(row, "id", str, where), kind, tuple(messages), meta, source)


def load_seed_dialogues() -> list[SeedDialogue]:
    """All seed dialogues from dialogue/seed/*.jsonl, in file then line order; ids are unique."""
    entries = [entry for folder in _package_dirs(_SEED_PACKAGE) for entry in folder.iterdir()]
    dialogues: list[SeedDialogue] = []
    seen: set[str] = set()
    for entry in sorted(entries, key=lambda item: item.name):
        if not entry.name.endswith(".jsonl"):
            continue
        for number, row in enumerate(_jsonl(entry.read_text(encoding="utf-8"), entry.name), 1):
            dialogue = _dialogue(row, f"{entry.name} row {number}", entry.name)
            if dialogue.id in seen:
                raise KnowledgeError(f"{entry.name} row {number}: duplicate id {dialogue.id!r}")
            seen.add(dialogue.id)
            dialogues.append(dialogue)
    return dialogues


__all__ = [
    "KINDS",
    "Fences",
    "KindPrompt",
    "KnowledgeError",
    "Message",
    "Passage",
    "Prompts",
    "QAItem",
    "SeedDialogue",
    "load_passages",
    "load_prompts",
    "load_qa_eval",
    "load_reference",
    "load_seed_dialogues",
]
