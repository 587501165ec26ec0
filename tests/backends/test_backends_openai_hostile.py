"""The openai backend against misbehaving servers on 127.0.0.1: each failure is one BackendError line,
within the reply's deadline, without reading an oversized body whole, and with no terminal escapes."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.backends import (
    BackendConnectionError,
    BackendError,
    BackendTimeoutError,
    ChatMessage,
    GenerationRequest,
    ServerError,
    complete,
    create_backend,
    openai_compat,
)
from assistant.backends.openai_compat import OpenAIBackend

Behaviour = Callable[[BaseHTTPRequestHandler], None]
REQUEST = GenerationRequest([ChatMessage("user", "hi")], max_tokens=8, temperature=0.0)
ESC = "\x1b"


@pytest.fixture
def server() -> Iterator[tuple[list[Behaviour], str]]:
    """A local server whose handler is whatever the test puts in the list."""
    behaviours: list[Behaviour] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client hung up, as it should
                behaviours[0](self)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that hangs up on a hostile response is the point of these tests

    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield behaviours, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def backend(url: str, timeout: float = 30.0) -> OpenAIBackend:
    made = create_backend("openai", {"base_url": url, "model": "m", "timeout": timeout, "retries": 0})
    assert isinstance(made, OpenAIBackend)
    return made


def one_line(error: BackendError) -> None:
    """What the user sees: one line of message (and a hint), no escapes, nothing huge."""
    text = error.user_text()
    assert ESC not in text and "\x9b" not in text and "Traceback" not in text
    assert "\n" not in error.message and len(error.message) < 600


def headers(handler: BaseHTTPRequestHandler, status: int, kind: str, length: int | None = None) -> None:
    handler.send_response(status)
    handler.send_header("content-type", kind)
    if length is None:
        handler.send_header("transfer-encoding", "chunked")
    else:
        handler.send_header("content-length", str(length))
    handler.end_headers()


def chunk(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    handler.wfile.flush()


def test_redirect_loop_is_one_clear_error(server: tuple[list[Behaviour], str]) -> None:
    behaviours, url = server

    def loop(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("location", h.path)
        h.send_header("content-length", "0")
        h.end_headers()

    behaviours.append(loop)
    with pytest.raises(BackendConnectionError, match="redirect") as err:
        complete(backend(url), REQUEST)
    one_line(err.value)
    with pytest.raises(BackendConnectionError, match="redirect"):
        backend(url).list_models()


def answers_discovery(h: BaseHTTPRequestHandler) -> bool:
    """Answer what the client asks before its first reply (`server_facts`: the model list, the
    context, the tokenizer) the way a plain server does; False for the chat request itself."""
    if h.command == "POST" and h.path.endswith("/chat/completions"):
        return False
    body = json.dumps({"data": [{"id": "m"}]}).encode() if h.path.endswith("/models") else b"{}"
    headers(h, 200 if h.path.endswith("/models") else 404, "application/json", len(body))
    h.wfile.write(body)
    return True


def test_keep_alive_stall_ends_at_the_reply_deadline(server: tuple[list[Behaviour], str]) -> None:
    behaviours, url = server
    stop = threading.Event()

    def stall(h: BaseHTTPRequestHandler) -> None:
        if answers_discovery(h):
            return
        headers(h, 200, "text/event-stream")
        chunk(h, b'data: {"choices":[{"delta":{"content":"wait"}}]}\n\n')
        while not stop.wait(0.1):  # comments keep every read short: only the deadline ends it
            chunk(h, b": keep-alive\n\n")

    behaviours.append(stall)
    started = time.monotonic()
    got: list[str] = []
    try:
        with pytest.raises(BackendTimeoutError, match="within 1 s") as err:
            got.extend(backend(url, timeout=1.0).stream(REQUEST))
    finally:
        stop.set()
    elapsed = time.monotonic() - started
    assert got == ["wait"] and elapsed < 3.0, elapsed
    one_line(err.value)


def test_silent_server_ends_at_the_reply_deadline(server: tuple[list[Behaviour], str]) -> None:
    behaviours, url = server
    stop = threading.Event()

    def silent(h: BaseHTTPRequestHandler) -> None:
        if answers_discovery(h):
            return
        headers(h, 200, "text/event-stream")
        chunk(h, b'data: {"choices":[{"delta":{"content":"a"}}]}\n\n')
        stop.wait(10)

    behaviours.append(silent)
    started = time.monotonic()
    try:
        with pytest.raises(BackendTimeoutError):
            list(backend(url, timeout=1.0).stream(REQUEST))
    finally:
        stop.set()
    assert time.monotonic() - started < 3.0


def test_oversized_error_body_is_not_read_whole(server: tuple[list[Behaviour], str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    behaviours, url = server
    sent: list[int] = []

    def huge(h: BaseHTTPRequestHandler) -> None:
        headers(h, 500, "text/plain")
        block = b"x" * 65536
        for _ in range(4096):  # 256 MiB if anyone reads it all
            chunk(h, block)
            sent.append(len(block))

    behaviours.append(huge)
    with pytest.raises(ServerError, match="500") as err:
        complete(backend(url), REQUEST)
    one_line(err.value)
    assert sum(sent) < 64 << 20  # the client hung up long before the end


def test_oversized_event_line_is_an_error(server: tuple[list[Behaviour], str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    behaviours, url = server
    monkeypatch.setattr(openai_compat, "MAX_EVENT_LINE", 256 << 10)

    def long_line(h: BaseHTTPRequestHandler) -> None:
        headers(h, 200, "text/event-stream")
        chunk(h, b'data: {"choices":[{"delta":{"content":"')
        for _ in range(2048):  # 128 MiB on one line
            chunk(h, b"y" * 65536)

    behaviours.append(long_line)
    with pytest.raises(ServerError, match="event line longer") as err:
        complete(backend(url), REQUEST)
    one_line(err.value)


def test_oversized_model_list_is_an_error(server: tuple[list[Behaviour], str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    behaviours, url = server
    monkeypatch.setattr(openai_compat, "MAX_BODY", 64 << 10)

    def models(h: BaseHTTPRequestHandler) -> None:
        body = json.dumps({"data": [{"id": "m" * 1000} for _ in range(200)]}).encode()
        headers(h, 200, "application/json", len(body))
        h.wfile.write(body)

    behaviours.append(models)
    with pytest.raises(ServerError, match="larger than"):
        backend(url).list_models()


def test_ansi_in_error_text_and_stream_is_stripped(server: tuple[list[Behaviour], str]) -> None:
    behaviours, url = server
    evil = f"{ESC}]0;pwned{ESC}\\{ESC}[2J{ESC}[31mbad key{ESC}[0m\x9b5n"

    def error(h: BaseHTTPRequestHandler) -> None:
        body = json.dumps({"error": {"message": evil}}).encode()
        headers(h, 400, "application/json", len(body))
        h.wfile.write(body)

    behaviours.append(error)
    with pytest.raises(BackendError) as err:
        complete(backend(url), REQUEST)
    one_line(err.value)
    assert "bad key" in err.value.message

    def colourful(h: BaseHTTPRequestHandler) -> None:
        headers(h, 200, "text/event-stream")
        for piece in ("plain ", f"{ESC}[3", "1mred", f"{ESC}[0m done", f"{ESC}]52;c;c2VjcmV0", f"{ESC}\\!"):
            event = {"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
            chunk(h, f"data: {json.dumps(event)}\n\n".encode())
        chunk(h, b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n')
        chunk(h, b"data: [DONE]\n\n")
        chunk(h, b"")

    behaviours[0] = colourful
    assert complete(backend(url), REQUEST) == "plain red done!"
