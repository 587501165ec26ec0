"""Any OpenAI-compatible ``/v1/chat/completions`` server: llama.cpp's server, vLLM, Ollama, hosted APIs.

Uses plain httpx with server-sent events so no vendor SDK is needed. Transient failures (connection
errors, timeouts, 429, 5xx) are retried with bounded exponential backoff, but only before the first
chunk arrives: a half-streamed answer is never silently restarted.

A server is not trusted to behave: the configured `timeout` is a deadline for the whole reply (a
server that keeps the connection alive without answering is cut off at it), each read also has its
own timeout, bodies and single event lines are capped (nothing is read whole), at most a few
redirects are followed, every transport failure becomes one `BackendError` line, and terminal
control characters are stripped from everything the server sends (`assistant.safetext`).

Cancel shuts the connection's socket down at once (`CancelToken.on_cancel`), so a read blocked on
a slow server returns immediately and the server sees the disconnect and stops generating. Before
the first answer the server is asked what it serves (`server_facts`): a model name it does not list
is refused, and its real context and tokenizer budget the prompt.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from assistant.backends.base import BackendInfo, CancelToken, GenerationRequest, Usage
from assistant.backends.config import OpenAIOptions
from assistant.backends.errors import (
    AuthenticationError,
    BackendConfigError,
    BackendConnectionError,
    BackendError,
    BackendTimeoutError,
    ContextOverflowError,
    NotFoundError,
    RateLimitError,
    RequestRejectedError,
    ServerError,
)
from assistant.backends.server_facts import (
    Prober,
    ServerFacts,
    context_from_message,
    discover,
    server_root,
    token_count,
)
from assistant.backends.stops import StopScanner
from assistant.safetext import ControlStripper, strip_control

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 8.0
READ_TIMEOUT_S = 60.0  # most seconds of silence between two reads (the whole reply has `timeout`)
MAX_REDIRECTS = 5
MAX_BODY = 4 << 20  # bytes of a JSON body read (the model list)
MAX_ERROR_BODY = 64 << 10  # bytes of an error body read
MAX_EVENT_LINE = 1 << 20  # bytes of one server-sent-event line
MAX_REPLY_CHARS = 4 << 20  # characters of one streamed reply
MESSAGE_TOKENS = 5  # a chat template's markers per message (ChatML: <|im_start|>role\n … <|im_end|>\n)


class _Deadline:
    """The whole reply's deadline: a timer closes the response if the server outlives it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._timer: threading.Timer | None = None
        self.fired = False

    def left(self) -> float:
        return self.end - time.monotonic()

    @property
    def passed(self) -> bool:
        return self.fired or self.left() <= 0

    def watch(self, response: httpx.Response) -> None:
        def fire() -> None:
            self.fired = True
            abort(response)  # a read blocked on a silent server fails at once

        self._timer = threading.Timer(max(self.left(), 0.0), fire)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def abort(response: httpx.Response) -> None:
    """End `response` now, from any thread: shutting the socket down wakes a read blocked in it
    (closing alone would not), and the server sees the disconnect."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)
    try:
        response.close()
    except Exception:  # closing from another thread can race with the reader: harmless
        return


def normalize_base_url(url: str) -> str:
    """``http://host:8080`` becomes ``http://host:8080/v1``; a URL with a path is kept as given."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BackendConfigError(
            f"base_url {url!r} is not an http(s) URL.", "Use something like http://127.0.0.1:8080/v1."
        )
    return url if parts.path else url + "/v1"


class OpenAIBackend:
    """A ``Backend`` over an OpenAI-compatible HTTP API."""

    name = "openai"
    Options = OpenAIOptions
    supports_grammar = True  # passed through; llama.cpp-family servers honour it

    def __init__(self, config: OpenAIOptions) -> None:
        if not config.base_url:
            raise BackendConfigError(
                "The openai backend needs a server address.", "Set base_url, e.g. http://127.0.0.1:8080/v1."
            )
        self.config = config
        self.base_url = normalize_base_url(config.base_url)
        self.model = config.model or ""
        read = min(READ_TIMEOUT_S, config.timeout)
        timeout = httpx.Timeout(read, connect=min(10.0, config.timeout))
        self._client = httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS)
        self._facts: ServerFacts | None = None
        self._facts_lock = threading.Lock()
        self.last_usage: Usage | None = None

    # --- protocol -------------------------------------------------------------------------------

    def info(self) -> BackendInfo:
        details = {"base_url": self.base_url}
        facts = self._facts
        if facts is not None:
            details["n_ctx"] = f"{self.n_ctx} (from {facts.n_ctx_source})"
            details["tokenizer"] = f"the server's ({facts.tokenizer})" if facts.tokenizer else "estimated"
        return BackendInfo(
            backend=self.name, model=self.model or "(server default)", n_ctx=self.n_ctx, details=details
        )

    @property
    def n_ctx(self) -> int:
        """The served context when the server told it, else the configured one."""
        facts = self._facts
        return facts.n_ctx if facts is not None and facts.n_ctx else self.config.n_ctx

    def load(self) -> None:
        """Ask the server what it serves (once): the model name is checked, the context and the
        tokenizer found. Raises `BackendError` when the server cannot be reached or lacks the model."""
        with self._facts_lock:
            if self._facts is not None:
                return
            try:
                items = self._model_items()
            except (NotFoundError, ServerError):  # some servers and proxies do not list models
                items = []
            ids = [strip_control(str(item.get("id", ""))) for item in items if isinstance(item, dict)]
            if self.config.model and ids and self.config.model not in ids:
                raise NotFoundError(
                    f"{self.base_url} does not serve {self.config.model!r}; it serves {', '.join(ids[:8])}.",
                    "Set model to one of those names (or leave it unset for the server's first).",
                )
            if not self.model:
                if not ids:
                    raise BackendConfigError("The server lists no models.", "Set 'model' in the configuration.")
                self.model = ids[0]
            self._facts = discover(self._prober(), self.base_url, self.model, self.config.n_ctx, items)

    @property
    def has_tokenizer(self) -> bool:
        """Whether `count_tokens` uses the served model's own tokenizer (asks the server once)."""
        try:
            self.load()
        except BackendError:
            return False
        return self._facts is not None and self._facts.tokenizer is not None

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` by the server's tokenizer; raises `ServerError` when it has none."""
        self.load()
        facts = self._facts
        counted = token_count(self._prober(), server_root(self.base_url), facts.tokenizer if facts else None,
                              self.model, text)
        if counted is None:
            raise ServerError(f"{self.base_url} cannot count tokens.")
        return counted

    def _check_fits(self, request: GenerationRequest) -> None:
        """Refuse a prompt the served context cannot hold (the server would end the stream without a
        word); counted with the server's tokenizer, so only when it has one."""
        facts = self._facts
        if facts is None or facts.tokenizer is None:
            return
        text = "\n".join(m.content for m in request.messages)
        counted = token_count(self._prober(), server_root(self.base_url), facts.tokenizer, self.model, text)
        if counted is None:
            return
        needed = counted + MESSAGE_TOKENS * len(request.messages)
        if needed >= self.n_ctx:
            raise ContextOverflowError(
                f"The prompt has about {needed:,} tokens; the served context holds {self.n_ctx:,}."
            )

    def _prober(self) -> Prober:
        return Prober(self._client, lambda: self._headers(False))

    def close(self) -> None:
        self._client.close()

    def list_models(self) -> list[str]:
        """Model ids from ``GET /models``, for a model picker."""
        return [strip_control(str(item["id"])) for item in self._model_items()]

    def _model_items(self) -> list[dict[str, Any]]:
        """The entries of ``GET /models`` (each has an ``id``; some servers add their context)."""
        deadline = _Deadline(self.config.timeout)
        response = self._send("GET", "/models", stream=True, deadline=deadline)
        assert response is not None  # no cancel token: never abandoned
        try:
            body = self._read_capped(response, MAX_BODY, deadline)
            if body is None:
                raise ServerError(f"{self.base_url}/models sent a body larger than {MAX_BODY >> 20} MiB.")
            items = json.loads(body).get("data", [])
            if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
                raise ValueError("no list of models")
            return items
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ServerError(f"{self.base_url}/models returned an unexpected body.") from exc
        finally:
            deadline.cancel()
            response.close()

    def stream(self, request: GenerationRequest, cancel: CancelToken | None = None) -> Iterator[str]:
        self.last_usage = None  # until this reply starts
        self.load()
        self._check_fits(request)
        body: dict[str, Any] = {
            "model": self.model,
            "messages": request.message_dicts(),
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": True,
        }
        if request.stop:
            body["stop"] = list(request.stop)
        if request.seed is not None:
            body["seed"] = request.seed
        if request.grammar:
            body["grammar"] = request.grammar  # llama.cpp-family servers; others reject it with a 400
        deadline = _Deadline(self.config.timeout)
        response = self._send("POST", "/chat/completions", body=body, stream=True, cancel=cancel, deadline=deadline)
        if response is None:
            return
        scanner = StopScanner(request.stop)
        clean = ControlStripper()
        deadline.watch(response)
        unhook = cancel.on_cancel(lambda: abort(response)) if cancel is not None else None
        self.last_usage = Usage(0, 0)
        try:
            for text in self._events(response, cancel, deadline):
                out = scanner.feed(clean.feed(text))
                if out:
                    yield out
                if scanner.stopped:
                    return
            tail = scanner.feed(clean.flush()) + scanner.flush()
            if tail:
                yield tail
        finally:
            if unhook is not None:
                unhook()
            deadline.cancel()
            response.close()  # on cancel this drops the connection, which stops the server's generation

    # --- HTTP -----------------------------------------------------------------------------------

    def _headers(self, stream: bool) -> dict[str, str]:
        headers = {"Accept": "text/event-stream" if stream else "application/json"}
        key = self._api_key()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _api_key(self) -> str | None:
        env = self.config.api_key_env
        value = os.environ.get(env, "").strip() if env else ""
        return value or None

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        stream: bool = False,
        cancel: CancelToken | None = None,
        deadline: _Deadline | None = None,
    ) -> httpx.Response | None:
        """Send with retries; returns the open response, or None if cancelled while backing off."""
        url = self.base_url + path
        attempts = self.config.retries + 1
        deadline = deadline or _Deadline(self.config.timeout)
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                req = self._client.build_request(method, url, json=body, headers=self._headers(stream))
                response = self._client.send(req, stream=stream)
            except httpx.TimeoutException as exc:
                error: BackendError = BackendTimeoutError(
                    f"{self.base_url} did not answer within {self._client.timeout.read:g} s ({type(exc).__name__})."
                )
            except httpx.TooManyRedirects:
                raise BackendConnectionError(
                    f"{self.base_url} redirected more than {MAX_REDIRECTS} times (a redirect loop?).",
                    "Check base_url: use the address the server really answers on.",
                ) from None
            except httpx.TransportError as exc:
                error = self._connection_error(exc)
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:  # a bad redirect target, ...
                raise BackendConnectionError(
                    f"The request to {self.base_url} failed: {strip_control(str(exc))[:200] or type(exc).__name__}.",
                    "Check base_url and the server's log.",
                ) from None
            else:
                if response.status_code < 400:
                    return response
                detail = self._error_detail(response, deadline)
                error = self._http_error(response, detail)
                if response.status_code not in RETRY_STATUSES:
                    raise error
                retry_after = _retry_after(response)
            if attempt == attempts - 1 or deadline.passed:
                raise error
            delay = min(
                BACKOFF_MAX_S, retry_after if retry_after is not None else BACKOFF_BASE_S * 2**attempt,
                max(deadline.left(), 0.0),
            )
            if cancel is not None:
                if cancel.wait(delay):
                    return None
            else:
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _error_detail(self, response: httpx.Response, deadline: _Deadline) -> str:
        """The human part of an error response, reading at most `MAX_ERROR_BODY` bytes of it."""
        try:
            raw = self._read_capped(response, MAX_ERROR_BODY, deadline, partial=True) or b""
        except BackendError:
            raw = b""
        finally:
            response.close()
        text = raw.decode("utf-8", "replace")
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = text
        return _error_message(body)

    def _read_capped(self, response: httpx.Response, cap: int, deadline: _Deadline,
                     partial: bool = False) -> bytes | None:
        """At most `cap` bytes of the body (None when it is longer, unless `partial`)."""
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > cap:
                    return b"".join(chunks)[:cap] if partial else None
                if deadline.passed:
                    raise BackendTimeoutError(f"{self.base_url} did not finish its answer within "
                                              f"{deadline.seconds:g} s.")
        except httpx.TimeoutException as exc:
            raise BackendTimeoutError(f"{self.base_url} stopped sending ({type(exc).__name__}).") from None
        except (httpx.HTTPError, httpx.StreamError) as exc:
            if partial:
                return b"".join(chunks)
            raise BackendConnectionError(
                f"The connection to {self.base_url} broke ({type(exc).__name__}).") from None
        return b"".join(chunks)

    def _lines(self, response: httpx.Response) -> Iterator[str]:
        """The body's lines, decoded as they arrive; a line longer than `MAX_EVENT_LINE` is an error."""
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        pending = ""
        for chunk in response.iter_bytes():
            text = decoder.decode(chunk)
            if "\n" in text or "\r" in text:
                *complete, pending = (pending + text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
                yield from complete
            else:
                pending += text
            if len(pending) > MAX_EVENT_LINE:
                raise ServerError(f"{self.base_url} sent an event line longer than {MAX_EVENT_LINE >> 20} MiB.")
        pending += decoder.decode(b"", final=True)
        if pending:
            yield pending

    def _events(self, response: httpx.Response, cancel: CancelToken | None, deadline: _Deadline) -> Iterator[str]:
        """Text deltas from an SSE stream; ends at ``[DONE]``, a finish reason, or cancel."""
        finished = False
        sent = 0
        try:
            for line in self._lines(response):
                if cancel is not None and cancel.cancelled:
                    return
                if deadline.passed:
                    break
                if not line.startswith("data:"):
                    continue  # blank separators, ": keep-alive" comments, "event:" lines
                payload = line[5:].strip()
                if payload == "[DONE]":
                    return
                text, done = self._parse_event(payload)
                finished = finished or done
                if text:
                    self._count_delta()
                    sent += len(text)
                    if sent > MAX_REPLY_CHARS:
                        raise ServerError(f"{self.base_url} sent a reply longer than {MAX_REPLY_CHARS >> 20} M "
                                          "characters.", "Lower max_tokens.")
                    yield text
        except httpx.TimeoutException as exc:
            if cancel is not None and cancel.cancelled:
                return
            if deadline.passed:
                raise self._late(deadline) from None
            raise BackendTimeoutError(
                f"{self.base_url} stopped sending for {self._client.timeout.read:g} s."
            ) from exc
        except (httpx.HTTPError, httpx.StreamError) as exc:
            if cancel is not None and cancel.cancelled:
                return  # our own cancel shut the connection down
            if deadline.passed:
                raise self._late(deadline) from None
            raise BackendConnectionError(
                f"The connection to {self.base_url} broke mid-answer ({type(exc).__name__}).",
                "Check the server's log; then ask again.",
            ) from exc
        if deadline.passed:
            raise self._late(deadline)
        if not finished and not (cancel is not None and cancel.cancelled):
            raise ServerError(
                f"{self.base_url} ended the answer stream before finishing it.",
                "The prompt may exceed the model's context, or the server failed; check its log.",
            )

    def _late(self, deadline: _Deadline) -> BackendTimeoutError:
        return BackendTimeoutError(f"{self.base_url} did not finish its answer within {deadline.seconds:g} s.")

    def _count_delta(self) -> None:
        """One more token (servers send a delta per token; a `usage` event, when sent, replaces it)."""
        usage = self.last_usage or Usage(0, 0)
        self.last_usage = Usage(usage.prompt_tokens, usage.completion_tokens + 1)

    def _parse_event(self, payload: str) -> tuple[str | None, bool]:
        """(text delta, whether a finish reason was given) from one SSE ``data:`` payload."""
        try:
            event = json.loads(payload)
        except ValueError as exc:
            raise ServerError(f"{self.base_url} sent a malformed event: {strip_control(payload[:120])!r}") from exc
        if not isinstance(event, dict):
            raise ServerError(f"{self.base_url} sent a malformed event: {strip_control(payload[:120])!r}")
        if "error" in event:
            raise ServerError(f"The server failed mid-answer: {_error_message(event)}")
        usage = event.get("usage")
        if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
            self.last_usage = Usage(int(usage.get("prompt_tokens") or 0), int(usage["completion_tokens"]))
        choices = event.get("choices") or []
        if not choices:
            return None, False  # e.g. a final usage-only event
        choice = choices[0]
        content = (choice.get("delta") or {}).get("content")
        return (content if isinstance(content, str) else None), bool(choice.get("finish_reason"))

    def _connection_error(self, exc: httpx.TransportError) -> BackendError:
        reason = strip_control(str(exc))[:200] or type(exc).__name__
        if "refused" in reason.lower():
            reason = "connection refused"
        return BackendConnectionError(
            f"Could not connect to {self.base_url}: {reason}.",
            "Is the server running? Start it (e.g. python -m llama_cpp.server --model FILE) or fix base_url.",
        )

    def _http_error(self, response: httpx.Response, detail: str) -> BackendError:
        status = response.status_code
        where = f"{response.request.method} {response.request.url}"
        if status in (401, 403):
            return AuthenticationError(
                f"The server refused the credentials ({status}): {detail}", self._key_hint(status)
            )
        if status == 404:
            return NotFoundError(
                f"{where} returned 404: {detail}",
                f"Check base_url (usually ending in /v1) and the model name {self.model!r}.",
            )
        if status == 429:
            return RateLimitError(f"Rate limited by {self.base_url}: {detail}")
        if status in (400, 413, 422):
            limit = context_from_message(detail)
            if limit is not None and self._facts is not None:  # the server said its context: budget with it
                self._facts = dataclasses.replace(self._facts, n_ctx=limit, n_ctx_source="the server's error")
            if "context" in detail.lower() or "too long" in detail.lower():
                return ContextOverflowError(f"The prompt is too long for the server's model: {detail}")
            return RequestRejectedError(f"The server rejected the request ({status}): {detail}")
        if status >= 500:
            return ServerError(f"{self.base_url} failed with {status}: {detail}")
        return BackendError(
            f"{where} returned {status}: {detail}", "Check the server's documentation and log."
        )

    def _key_hint(self, status: int) -> str:
        env = self.config.api_key_env
        if not env:
            return "This server needs an API key: set api_key_env to the variable that holds it."
        if not self._api_key():
            return f"Set the API key in ${env} (it is empty or unset)."
        if status == 403:
            return f"The key in ${env} lacks access to this model or endpoint."
        return f"Check the API key in ${env}."


def _error_message(body: Any) -> str:
    """The human part of an error body, across OpenAI, FastAPI and plain-text styles."""
    if isinstance(body, dict):
        err = body.get("error", body.get("detail", body.get("message")))
        if isinstance(err, dict):
            err = err.get("message") or err
        if isinstance(err, list):  # FastAPI validation errors
            err = "; ".join(str(e.get("msg", e)) if isinstance(e, dict) else str(e) for e in err)
        if err is not None:
            return strip_control(str(err)[:300])
    text = strip_control(str(body)[:300]).strip()
    return text if text else "(no details)"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
