"""`openai`: any OpenAI-compatible `/v1/chat/completions` endpoint (vLLM, llama.cpp's server, hosted APIs).

Requests go out from at most `concurrency` threads. A 429 pauses *every* thread until the time
the server asked for (`Retry-After`, seconds or an HTTP date; otherwise exponential backoff), so
a rate limit is not hammered from all sides; connection errors, timeouts and 5xx are retried the
same way up to `retries` times. Bad credentials or a wrong address stop the build with a clear
message; a request the server rejects (400, context too long) fails only its own slot.
Token counts come from the response's `usage` (estimated from the text when a server sends
none), and the cost from the prices per million tokens given on the command line.
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..schema import Usage
from .base import GeneratorError
from .model import Completion, RequestError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5
BACKOFF_MAX = 30.0
MAX_RETRY_AFTER = 120.0


def normalize_base_url(url: str) -> str:
    from assistant.backends.errors import BackendConfigError
    from assistant.backends.openai_compat import normalize_base_url as norm

    try:
        return norm(url)
    except BackendConfigError as exc:
        raise GeneratorError(str(exc)) from None


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: a number of seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, min(MAX_RETRY_AFTER, float(value)))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(MAX_RETRY_AFTER, when.timestamp() - (time.time() if now is None else now)))


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    failed: int = 0
    usage: Usage = field(default_factory=Usage)


class OpenAIClient:
    """A thread-safe chat-completions client with shared rate-limit pauses and usage accounting."""

    def __init__(self, base_url: str, *, model: str | None = None, api_key_env: str | None = "OPENAI_API_KEY",
                 concurrency: int = 4, retries: int = 5, timeout: float = 120.0, price_in: float = 0.0,
                 price_out: float = 0.0) -> None:
        self.base_url = normalize_base_url(base_url)
        self.api_key_env = api_key_env
        self.concurrency = max(1, concurrency)
        self.retries = max(0, retries)
        self.price_in, self.price_out = price_in, price_out
        self.stats = ClientStats()
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self._rng = random.Random(0)
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
                                  limits=httpx.Limits(max_connections=self.concurrency + 2))
        self.model = model or self._first_model()

    # ── HTTP ────────────────────────────────────────────────────────────────────────────────

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.api_key_env, "").strip() if self.api_key_env else ""
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _first_model(self) -> str:
        try:
            r = self._http.get(self.base_url + "/models", headers=self._headers())
        except httpx.HTTPError as exc:
            raise GeneratorError(f"cannot reach {self.base_url}: {exc}. Is the server running? Or pass --model.") from None
        self._fatal(r)
        try:
            models = [str(m["id"]) for m in r.json().get("data", [])]
        except (ValueError, KeyError, TypeError, AttributeError):
            models = []
        if r.status_code >= 400 or not models:
            raise GeneratorError(f"{self.base_url}/models lists no model; pass --model NAME")
        return models[0]

    def _fatal(self, r: httpx.Response) -> None:
        if r.status_code in (401, 403):
            env = self.api_key_env or "the API key variable"
            raise GeneratorError(f"{self.base_url} refused the credentials ({r.status_code}); set ${env} (or --api-key-env)")
        if r.status_code == 404:
            raise GeneratorError(f"{r.request.url} returned 404: check --base-url (usually ending in /v1) and --model")

    def _wait_turn(self) -> None:
        while True:
            with self._lock:
                delay = self._paused_until - time.monotonic()
            if delay <= 0:
                return
            time.sleep(min(delay, 1.0))

    def _pause(self, seconds: float) -> None:
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _backoff(self, attempt: int) -> float:
        with self._lock:
            jitter = self._rng.uniform(0.5, 1.0)
        return min(BACKOFF_MAX, BACKOFF_BASE * 2**attempt) * jitter

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int, temperature: float, seed: int | None) -> Completion:
        body: dict[str, Any] = {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": temperature}
        if seed is not None:
            body["seed"] = seed
        last = ""
        for attempt in range(self.retries + 1):
            self._wait_turn()
            with self._lock:
                self.stats.requests += 1
                if attempt:
                    self.stats.retries += 1
            try:
                r = self._http.post(self.base_url + "/chat/completions", json=body, headers=self._headers())
            except httpx.TimeoutException:
                last = f"{self.base_url} did not answer in time"
                self._pause(self._backoff(attempt))
                continue
            except httpx.TransportError as exc:
                last = f"cannot reach {self.base_url}: {exc}"
                self._pause(self._backoff(attempt))
                continue
            if r.status_code == 200:
                return self._completion(r, messages)
            self._fatal(r)
            last = f"{r.status_code}: {_error_text(r)}"
            if r.status_code not in RETRY_STATUSES:
                with self._lock:
                    self.stats.failed += 1
                raise RequestError(f"the server rejected the request ({last})")
            if r.status_code == 429:
                with self._lock:
                    self.stats.rate_limited += 1
            wait = retry_after(r.headers.get("retry-after"))
            self._pause(wait if wait is not None else self._backoff(attempt))
        with self._lock:
            self.stats.failed += 1
        raise RequestError(f"gave up after {self.retries + 1} attempts ({last})")

    def _completion(self, r: httpx.Response, messages: list[dict[str, str]]) -> Completion:
        try:
            data = r.json()
            text = data["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise RequestError(f"{self.base_url} sent an answer without choices[0].message.content") from None
        raw = data.get("usage") if isinstance(data, dict) else None
        if isinstance(raw, dict) and "prompt_tokens" in raw:
            pin, pout = int(raw.get("prompt_tokens") or 0), int(raw.get("completion_tokens") or 0)
        else:  # the server did not count: estimate like the assistant does
            from assistant.engine.tokens import estimate

            pin = sum(estimate(m["content"]) for m in messages)
            pout = estimate(text)
        usage = Usage(pin, pout, 1, pin * self.price_in / 1e6 + pout * self.price_out / 1e6)
        with self._lock:
            self.stats.usage = self.stats.usage + usage
        return Completion(text, usage)

    def close(self) -> None:
        self._http.close()


def _error_text(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return (r.text or "(no details)").strip()[:200]
    if isinstance(body, dict):
        err = body.get("error", body.get("detail", body.get("message")))
        if isinstance(err, dict):
            err = err.get("message", err)
        if err is not None:
            return str(err)[:200]
    return str(body)[:200]
