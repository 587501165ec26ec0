"""The tokenizer half of a GGUF: tokens, their llama.cpp types, merges, special ids and chat template.

Token types follow llama.cpp's converter, because llama.cpp's tokenizer treats them differently:
a CONTROL token is matched as one piece only when special tokens are parsed and is never printed
back as text, a USER_DEFINED one is always matched whole. Some checkpoints mark chat or FIM tokens
``special: false`` (Qwen2.5's ``<|fim_prefix|>``, ``<|repo_name|>``, ``<|file_sep|>``); llama.cpp
still types anything shaped ``<|…|>`` as CONTROL, and so do we.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.gguf.errors import ExportError, read_json
from training.gguf.pretokenizers import identify

log = logging.getLogger(__name__)

# llama.cpp's token types (gguf.TokenType), named here so the tables read plainly.
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

SPECIAL_KINDS: tuple[str, ...] = ("bos", "eos", "unk", "sep", "pad", "cls", "mask")

# Tokens that mark chat turns: a tokenizer holding one of these belongs to a chat model, and a chat
# model exported without its template would be served with some other format.
CHAT_MARKERS: tuple[str, ...] = (
    "<|im_start|>", "<|im_end|>", "<|start_header_id|>", "<|eot_id|>", "<|user|>", "<|assistant|>",
    "<start_of_turn>", "<end_of_turn>", "[INST]", "<|turn|>",
)  # fmt: skip

ChatTemplate = str | list[dict[str, str]]


@dataclass(frozen=True)
class Vocab:
    """Everything of the tokenizer that goes into the GGUF header."""

    tokens: list[str]
    types: list[int]
    merges: list[str]
    pre: str
    special_ids: dict[str, int]
    add_special: dict[str, bool]
    chat_template: ChatTemplate | None
    warnings: tuple[str, ...] = ()

    @property
    def bos_id(self) -> int | None:
        return self.special_ids.get("bos")

    @property
    def eos_id(self) -> int | None:
        return self.special_ids.get("eos")

    def write(self, writer: Any) -> None:
        """Add the tokenizer keys to a ``gguf.GGUFWriter``."""
        writer.add_tokenizer_model("gpt2")
        writer.add_tokenizer_pre(self.pre)
        writer.add_token_list(self.tokens)
        writer.add_token_types(self.types)
        writer.add_token_merges(self.merges)
        for kind, token_id in self.special_ids.items():
            if kind == "cls":  # the gguf package has no helper for this key; llama.cpp reads it
                writer.add_uint32("tokenizer.ggml.cls_token_id", token_id)
            else:
                getattr(writer, f"add_{kind}_token_id")(token_id)
        for kind, value in self.add_special.items():
            getattr(writer, f"add_add_{kind}_token")(value)
        if self.chat_template:
            writer.add_chat_template(self.chat_template)


def looks_special(text: str) -> bool:
    """llama.cpp's rule for added tokens that ought to be control tokens even if not marked special."""
    return (
        text in ("<pad>", "<mask>", "<2mass>", "[@BOS@]")
        or (text.startswith("<|") and text.endswith("|>"))
        or (text.startswith("<｜") and text.endswith("｜>"))
        or (text.startswith("<unused") and text.endswith(">"))
    )


def read_vocab(
    model_dir: Path,
    vocab_size: int,
    *,
    chat_template: ChatTemplate | None = None,
    allow_missing_template: bool = False,
) -> Vocab:
    """The GGUF vocabulary of the HF tokenizer in ``model_dir``, padded to the model's ``vocab_size``.

    ``chat_template`` overrides the checkpoint's template. A chat model (its vocabulary holds turn
    markers such as ``<|im_start|>``) without any template is refused unless
    ``allow_missing_template``; any other model without one is exported with a warning.
    """
    import gguf
    from tokenizers import Tokenizer

    model_dir = Path(model_dir)
    tok_json = read_json(model_dir / "tokenizer.json")
    model = tok_json.get("model") or {}
    if model.get("type") != "BPE" or model.get("byte_fallback"):
        raise ExportError(
            f"only byte-level BPE tokenizers are supported (Qwen, Llama 3 style); found {model.get('type')!r}"
            + (" with byte fallback" if model.get("byte_fallback") else "")
        )
    pre = identify(model_dir / "tokenizer.json")
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))

    id_to_token: dict[int, str] = {int(i): t for t, i in model["vocab"].items()}
    added: dict[int, dict[str, Any]] = {}
    for entry in tok_json.get("added_tokens", []):
        id_to_token[int(entry["id"])] = entry["content"]
        added[int(entry["id"])] = entry
    if max(id_to_token) >= vocab_size:
        raise ExportError(
            f"the tokenizer has ids up to {max(id_to_token)} but the model's vocab_size is {vocab_size}; "
            "resize the embeddings before exporting"
        )

    tokens: list[str] = []
    types: list[int] = []
    for i in range(vocab_size):
        if i not in id_to_token:
            tokens.append(f"[PAD{i}]")
            types.append(UNUSED)
            continue
        text = id_to_token[i]
        if i in added:
            entry = added[i]
            if not entry.get("normalized", True):
                # llama.cpp expects added tokens pre-normalised: use what the tokenizer round-trips to.
                text = tokenizer.decode(
                    tokenizer.encode(text, add_special_tokens=False).ids, skip_special_tokens=False
                )
            types.append(CONTROL if entry.get("special") or looks_special(text) else USER_DEFINED)
        else:
            types.append(NORMAL)
        tokens.append(text)

    special = gguf.SpecialVocab(
        model_dir, load_merges=True, special_token_types=SPECIAL_KINDS, n_vocab=vocab_size
    )
    if not special.merges:
        raise ExportError(f"{model_dir / 'tokenizer.json'} has no BPE merges")
    add_special = dict(special.add_special_token)
    add_special.setdefault("bos", _adds(tokenizer, special.special_token_ids.get("bos"), first=True))
    add_special.setdefault("eos", _adds(tokenizer, special.special_token_ids.get("eos"), first=False))
    for kind in ("bos", "eos"):
        if add_special[kind] and kind not in special.special_token_ids:
            raise ExportError(f"the tokenizer adds a {kind} token but none is configured")

    warnings: list[str] = []
    template = chat_template if chat_template is not None else find_chat_template(model_dir)
    if not template:
        texts = set(id_to_token.values())
        markers = [m for m in CHAT_MARKERS if m in texts]
        if markers and not allow_missing_template:
            raise ExportError(
                f"{model_dir} looks like a chat model (its vocabulary has {', '.join(markers)}) but has no chat "
                "template (tokenizer_config.json, chat_template.jinja or chat_template.json); llama.cpp would "
                "format conversations some other way. Pass a template (--chat-template FILE) or, for a base "
                "model, --allow-no-chat-template"
            )
        warnings.append(
            f"no chat template in {model_dir}: llama.cpp will fall back to its own guess for chat requests"
        )
        log.warning(warnings[-1])
    return Vocab(
        tokens=tokens,
        types=types,
        merges=list(special.merges),
        pre=pre,
        special_ids=dict(special.special_token_ids),
        add_special=add_special,
        chat_template=template or None,
        warnings=tuple(warnings),
    )


def _adds(tokenizer: Any, token_id: int | None, *, first: bool) -> bool:
    """Whether encoding with special tokens puts ``token_id`` first (or last): what transformers does."""
    if token_id is None:
        return False
    ids = tokenizer.encode("a", add_special_tokens=True).ids
    plain = tokenizer.encode("a", add_special_tokens=False).ids
    if len(ids) <= len(plain):
        return False
    return (ids[0] if first else ids[-1]) == token_id


def find_chat_template(model_dir: Path) -> ChatTemplate | None:
    """The checkpoint's chat template, looked up where transformers looks.

    ``chat_template.jinja`` (with ``additional_chat_templates/*.jinja`` as named extras) takes
    priority over ``tokenizer_config.json``; ``chat_template.json`` is the older processor file.
    """
    jinja = model_dir / "chat_template.jinja"
    if jinja.is_file():
        default = jinja.read_text(encoding="utf-8")
        extras = sorted((model_dir / "additional_chat_templates").glob("*.jinja"))
        if not extras:
            return default
        return [{"name": "default", "template": default}] + [
            {"name": path.stem, "template": path.read_text(encoding="utf-8")} for path in extras
        ]
    config_path = model_dir / "tokenizer_config.json"
    if config_path.is_file():
        template = _template_value(read_json(config_path).get("chat_template"), config_path)
        if template:
            return template
    legacy = model_dir / "chat_template.json"
    if legacy.is_file():
        return _template_value(read_json(legacy).get("chat_template"), legacy)
    return None


def _template_value(value: Any, source: Path) -> ChatTemplate | None:
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, Sequence) and all(
        isinstance(t, Mapping) and isinstance(t.get("name"), str) and isinstance(t.get("template"), str)
        for t in value
    ):
        return [{"name": t["name"], "template": t["template"]} for t in value]
    raise ExportError(f"the chat_template in {source} is neither a string nor a list of named templates")
