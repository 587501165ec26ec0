"""The openai backend against real `llama_cpp.server` processes: it learns the served context and
tokenizer, refuses a model the server does not list, cancels at once leaving the server usable, and
a 2048-token server answers a long conversation (trimmed by the engine) instead of failing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from model_support import serve_gguf

from assistant.backends import (
    CancelToken,
    ChatMessage,
    GenerationRequest,
    NotFoundError,
    complete,
    create_backend,
)
from assistant.backends.openai_compat import OpenAIBackend

HELLO = [ChatMessage("user", "Explain: double x = x * 2")]


def make(base_url: str, **kwargs: Any) -> OpenAIBackend:
    backend = create_backend("openai", {"base_url": base_url, "timeout": 60.0, "retries": 0, **kwargs})
    assert isinstance(backend, OpenAIBackend)
    return backend


@pytest.fixture(scope="module")
def wide_server(tiny_gguf: Path, need_llama_cpp: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama_cpp.server with its default 2048-token context (the case of the issue)."""
    with serve_gguf(tiny_gguf, tmp_path_factory.mktemp("wide"), n_ctx=2048, n_threads=1) as url:
        yield url


def test_the_server_tells_its_context_and_tokenizer(llama_server: str, tiny_gguf: Path) -> None:
    backend = make(llama_server)  # configured n_ctx: 4096; the server runs 512
    try:
        assert backend.info().n_ctx == 4096  # before asking
        backend.load()
        info = backend.info()
        assert info.n_ctx == 512 and "probe" in info.details["n_ctx"]
        assert backend.has_tokenizer and "llama-cpp-python" in info.details["tokenizer"]
        gguf = create_backend("gguf", {"model_path": str(tiny_gguf), "n_ctx": 256, "n_threads": 1})
        text = "fac n = ? n == 0 -> 1 : n * fac (n - 1)"
        assert backend.count_tokens(text) == gguf.count_tokens(text)  # type: ignore[attr-defined]
        gguf.close()
    finally:
        backend.close()


def test_a_model_the_server_does_not_list_is_refused(llama_server: str) -> None:
    backend = make(llama_server, model="qwen-7b")
    with pytest.raises(NotFoundError, match="does not serve 'qwen-7b'; it serves tiny") as err:
        complete(backend, GenerationRequest(HELLO, max_tokens=4))
    assert "model" in err.value.hint
    backend.close()


def test_cancel_returns_at_once_and_the_server_answers_right_after(llama_server: str) -> None:
    backend = make(llama_server, model="tiny")
    cancel = CancelToken()
    got: list[str] = []
    ended = threading.Event()

    def consume() -> None:
        try:
            # greedy: chunks come steadily (sampled output with partial UTF-8 makes llama-cpp-python's
            # server stall between chunks, which is its own slowness, not what this test is about)
            for chunk in backend.stream(GenerationRequest(HELLO, max_tokens=100, temperature=0.0), cancel):
                got.append(chunk)
        finally:
            ended.set()

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    deadline = time.monotonic() + 60
    while len(got) < 3 and not ended.is_set() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(got) >= 3 and not ended.is_set()
    cancelled_at = time.monotonic()
    cancel.cancel()
    assert ended.wait(0.5), "the stream did not end within 0.5 s of cancel"
    print(f"cancel returned in {(time.monotonic() - cancelled_at) * 1000:.0f} ms")
    usage = backend.last_usage
    assert usage is not None and usage.completion_tokens >= len(got)
    models = httpx.get(llama_server + "/models", timeout=5.0)  # the server is free again
    assert models.status_code == 200 and models.json()["data"][0]["id"] == "tiny"
    assert complete(backend, GenerationRequest(HELLO, max_tokens=4, temperature=0.0))
    backend.close()


@pytest.mark.slow
def test_a_2048_token_server_answers_a_long_conversation(wide_server: str, tmp_path: Path) -> None:
    from assistant.backends.config import OpenAIOptions
    from assistant.config import Config
    from assistant.engine import Engine
    from assistant.history import HistoryStore

    config = Config()
    config.backend.kind = "openai"
    config.backend.options["openai"] = OpenAIOptions(base_url=wide_server, timeout=60.0, retries=0)  # n_ctx 4096
    config.engine.max_tokens = 24
    config.engine.repair_rounds = 0
    config.paths.dialogue_dir = str(tmp_path / "dialogues")
    store = HistoryStore(tmp_path / "history.sqlite3")
    engine = Engine(config, history=store, isolate=False)
    try:
        # ~700 tokens a turn (the tiny tokenizer's): the second turn with the first exceeds the served 2048
        long = "Tell me how lists, folds and pattern matching work together in Synoema programs. " * 14
        conversation = None
        replies = []
        for turn in range(2):
            reply = engine.respond(f"{turn}: {long}", "ask", conversation_id=conversation)
            assert reply.error is None, reply.error
            conversation = reply.conversation_id
            replies.append(reply)
        last = replies[-1]
        assert last.meta["prompt"]["turns_dropped"] > 0  # trimmed by the engine's rules ...
        assert last.stats.context_limit <= 2048 - 24  # ... within the server's real context
        assert last.meta["prompt"]["counter"] == "openai tokenizer"
        assert 0 < last.stats.tokens <= 24  # the tokens the server generated
        assert engine.backend_info.n_ctx == 2048
    finally:
        engine.close()
        store.close()


def test_cancel_wakes_a_read_blocked_on_a_silent_server() -> None:
    """A server that sends one event and then nothing: cancel from another thread ends the read at
    once (the socket is shut down), long before any read timeout."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    release = threading.Event()

    class Stalling(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"data": [{"id": "m"}]}).encode() if self.path == "/v1/models" else b"{}"
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path != "/v1/chat/completions":
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            event = {"choices": [{"index": 0, "delta": {"content": "fac "}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
            release.wait(30)  # then silence

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    backend = make(f"http://127.0.0.1:{server.server_address[1]}/v1", model="m")
    cancel = CancelToken()
    try:
        stream = backend.stream(GenerationRequest(HELLO, max_tokens=50), cancel)
        assert next(stream) == "fac "
        timer = threading.Timer(0.2, cancel.cancel)
        started = time.monotonic()
        timer.start()
        assert list(stream) == []  # blocked in a read until the cancel shut the socket down
        assert time.monotonic() - started < 0.2 + 0.5
    finally:
        release.set()
        backend.close()
        server.shutdown()
        server.server_close()


def test_cancel_token_callbacks() -> None:
    token = CancelToken()
    seen: list[str] = []
    remove = token.on_cancel(lambda: seen.append("a"))
    token.on_cancel(lambda: seen.append("b"))
    remove()
    token.cancel()
    token.on_cancel(lambda: seen.append("late"))  # already cancelled: runs at once
    assert seen == ["b", "late"] and token.cancelled


def test_doctor_asks_the_server(llama_server: str, user_dirs: dict[str, Path]) -> None:
    from assistant.backends.config import OpenAIOptions
    from assistant.config import Config
    from assistant.engine.doctor import diagnose

    def openai_check(model: str) -> Any:
        config = Config()
        config.backend.options["openai"] = OpenAIOptions(base_url=llama_server, model=model)
        report = diagnose(config, Path("/nonexistent/config.toml"), [], probe=True)
        return next(c for c in report.sections["backends"] if c.name == "openai")

    good = openai_check("tiny")
    assert good.ok and "serves tiny" in good.detail and "context 512" in good.detail and "llama-cpp-python" in good.detail
    bad = openai_check("nope")
    assert not bad.ok and "not 'nope'" in bad.detail and bad.fix and "model" in bad.fix


def test_llama_cpp_style_server_props_tokenize_and_usage() -> None:
    """A server shaped like llama.cpp's C++ one (not built here): /props gives the context,
    /tokenize counts, the final event's usage gives the real token count."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class LlamaCppLike(BaseHTTPRequestHandler):
        def _reply(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            found = {"/v1/models": {"data": [{"id": "m"}]}, "/props": {"default_generation_settings": {"n_ctx": 1024}}}
            body = found.get(self.path)
            self._reply(200 if body else 404, json.dumps(body or {}).encode())

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
            if self.path == "/tokenize":
                self._reply(200, json.dumps({"tokens": list(range(len(request["content"].split())))}).encode())
            elif self.path == "/v1/chat/completions":
                events = [{"choices": [{"delta": {"content": "fac n"}, "finish_reason": "stop"}]},
                          {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2}}]
                body = b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"
                self._reply(200, body, "text/event-stream")
            else:
                self._reply(404, b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), LlamaCppLike)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    backend = make(f"http://127.0.0.1:{server.server_address[1]}/v1")
    try:
        assert complete(backend, GenerationRequest(HELLO, max_tokens=8)) == "fac n"
        info = backend.info()
        assert info.n_ctx == 1024 and "/props" in info.details["n_ctx"] and "llama.cpp" in info.details["tokenizer"]
        assert backend.count_tokens("a b c") == 3
        assert backend.last_usage is not None and backend.last_usage.completion_tokens == 2
    finally:
        backend.close()
        server.shutdown()
        server.server_close()
