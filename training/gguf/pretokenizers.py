"""Which llama.cpp pre-tokenizer (``tokenizer.ggml.pre``) a Hugging Face tokenizer needs.

llama.cpp does not run a tokenizer's own pre-tokenizer: it re-implements a fixed set of them and
picks one by the name stored in the GGUF. A wrong name does not fail; it silently splits text
differently (digits in threes instead of one by one, say) and the model sees tokens it was never
trained on. So, like llama.cpp's own converter, we identify the pre-tokenizer by behaviour: split
a probe text that exercises every rule that differs between them, hash the pieces, and look the
hash up. Unlike llama.cpp's table (hashes of token ids, hence tied to one vocabulary) we hash the
pre-tokenizer's pieces, so a tokenizer retrained on our corpus with Qwen2's rules is recognised
as ``qwen2`` too.

``KNOWN`` is computed from the reference configurations in ``REFERENCES`` (built here with the
``tokenizers`` library, nothing downloaded); ``python -m training.gguf.pretokenizers`` prints it,
and a test checks the table against a fresh computation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from training.gguf.errors import ExportError

# Every rule that separates the pre-tokenizers below shows up here: runs of whitespace and
# newlines, contractions in mixed case, digit runs of every length, camel case, punctuation runs
# followed by '/' or newlines, letters with combining marks, CJK, emoji sequences.
PROBE = (
    "\n \n\n \t\t \r\n  \n   x    y\n"
    "Hello World HELLO world's they'RE I'M you'Ll we'Ve he'd it'S don't\n"
    "1 12 123 1234 12345 123456 1234567 3.14 1,000 10/20 v2.0 x1y22z333\n"
    "camelCase PascalCase snake_case kebab-case URLParser iPhone ÉCOLE école\n"
    "a/b ./path ../up //comment /* c */ (x) [1 2 3] {k: v} <tag> a->b a=>b ++ -- ** ...\n"
    "!!! ??? ,,, ;;; ``` \"\"\" ''' $$ %% ^^ && || ~~ @@ ## __ .//\n"
    "naïve café 中文字符 日本語テキスト 한국어 Привет мир Ελληνικά العربية हिन्दी ไทย ខ្មែរ\n"
    "🚀 🦙🦙 😶‍🌫️ 👍🏽 ✅ ❤️ 🇺🇸 ..!?\n"
    "tab\there trailing   \n\n\nend"
)

QWEN2_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
LLAMA3_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
QWEN35_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
GPT4O_REGEX = (
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# Normalizers llama.cpp can live with: none, or NFC (Qwen's; a no-op on already composed text).
ACCEPTED_NORMALIZERS = (None, "NFC")


def _split_then_bytes(regex: str) -> Callable[[], Any]:
    """The modern layout: one isolating regex split, then byte-level mapping without its own regex."""

    def build() -> Any:
        from tokenizers import Regex, pre_tokenizers

        return pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )

    return build


def _gpt2() -> Any:
    from tokenizers import pre_tokenizers

    return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)


def _starcoder() -> Any:
    from tokenizers import pre_tokenizers

    return pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )


# llama.cpp name -> the pre-tokenizer configuration of the model families that use it.
REFERENCES: dict[str, Callable[[], Any]] = {
    "qwen2": _split_then_bytes(QWEN2_REGEX),  # Qwen2, Qwen2.5, Qwen2.5-Coder, Qwen3
    "llama-bpe": _split_then_bytes(LLAMA3_REGEX),  # Llama 3, 3.1, 3.2, 3.3
    "qwen35": _split_then_bytes(QWEN35_REGEX),  # Qwen3.5
    "gpt-4o": _split_then_bytes(GPT4O_REGEX),  # o200k-style (Phi-4 and others)
    "gpt-2": _gpt2,  # GPT-2 byte-level BPE
    "starcoder": _starcoder,  # StarCoder, StarCoder2 (single digits, then GPT-2 rules)
}

# sha256 of the probe's pieces -> llama.cpp pre-tokenizer name. Regenerate with
# ``python -m training.gguf.pretokenizers`` after changing PROBE or REFERENCES.
KNOWN: dict[str, str] = {
    "5528f68a09a9e62c7bf4dfbe57ef2cd0513bc04a7eee137b2e8c701134855c36": "qwen2",
    "72c9766707ba0938728b34e145261b3f0e40d4588e3c7d80c73f76f5481b3e93": "llama-bpe",
    "c5824b8218882297c5689fdeb7b75db874acb27709d403fbfcf0d1f5f24140eb": "qwen35",
    "dd2527cbc14aca984864d54d6f25a43a4ca2309a3c3ee5b714fdac83ec65f19c": "gpt-4o",
    "6381908199dff18ebbd27254719fa03ceac9dc1b5eceb45e95331b8c6c504462": "gpt-2",
    "797c5cb9ad60c51b1dbe01939f1a5a978472819c958c3484cd4d0be0827fcc50": "starcoder",
}


def probe_hash(pre_tokenizer: Any) -> str:
    """Hash of the pieces ``pre_tokenizer`` splits ``PROBE`` into (offsets left out)."""
    pieces = [piece for piece, _ in pre_tokenizer.pre_tokenize_str(PROBE)]
    return hashlib.sha256(json.dumps(pieces, ensure_ascii=False).encode("utf-8")).hexdigest()


def reference_hashes() -> dict[str, str]:
    """``KNOWN`` computed afresh from ``REFERENCES``."""
    return {probe_hash(build()): name for name, build in REFERENCES.items()}


def identify(tokenizer_json: Path) -> str:
    """The ``tokenizer.ggml.pre`` name for the tokenizer in ``tokenizer_json``, or ``ExportError``."""
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_json))
    except Exception as exc:  # the tokenizers library raises its own exception types
        raise ExportError(f"{tokenizer_json} cannot be loaded by the tokenizers library: {exc}") from exc
    normalizer = json.loads(tokenizer.to_str()).get("normalizer")
    kind = normalizer.get("type") if isinstance(normalizer, dict) else None
    if kind not in ACCEPTED_NORMALIZERS:
        raise ExportError(
            f"the tokenizer has a {kind} normalizer, which llama.cpp does not apply to BPE vocabularies; "
            "text would be tokenized differently there"
        )
    if tokenizer.pre_tokenizer is None:
        raise ExportError("the tokenizer has no pre-tokenizer; llama.cpp has no byte-level BPE without one")
    digest = probe_hash(tokenizer.pre_tokenizer)
    name = KNOWN.get(digest)
    if name is None:
        raise ExportError(
            f"unknown pre-tokenizer (probe hash {digest[:16]}…): it splits text like none of "
            f"{', '.join(REFERENCES)}, so llama.cpp would tokenize differently from transformers"
        )
    return name


def main() -> int:
    """Print ``KNOWN`` as Python source, for pasting into this module."""
    print("KNOWN: dict[str, str] = {")
    for digest, name in reference_hashes().items():
        print(f'    "{digest}": "{name}",')
    print("}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
