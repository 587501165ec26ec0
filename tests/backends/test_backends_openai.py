"""The openai backend against real local servers: llama-cpp-python's server and tiny scripted http.servers."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.backends import (
    AuthenticationError,
    BackendConfigError,
    BackendConnectionError,
    CancelToken,
    ChatMessage,
    ContextOverflowError,
    GenerationRequest,
    NotFoundError,
    RateLimitError,
    ServerError,
    complete,
    create_backend,
)
from assistant.backends.openai_compat import OpenAIBackend, normalize_base_url

HELLO = [ChatMessage("user", "Explain: double x = x * 2")]
KEY_ENV = "SYNOEMA_TEST_API_KEY"


def unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make(base_url: str, **kwargs: Any) -> OpenAIBackend:
    settings: dict[str, Any] = {"timeout": 30.0, "retries": 0, "api_key_env": KEY_ENV, **kwargs}
    backend = create_backend("openai", {"base_url": base_url, **settings})
    assert isinstance(backend, OpenAIBackend)
    return backend


def greedy(max_tokens: int, **kwargs: Any) -> GenerationRequest:
    return GenerationRequest(HELLO, max_tokens=max_tokens, temperature=0.0, seed=5, **kwargs)


# --- a real llama.cpp server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_backend(llama_server: str) -> Iterator[OpenAIBackend]:
    backend = make(llama_server, model="tiny", n_ctx=512)
    yield backend
    backend.close()


def test_list_models(server_backend: OpenAIBackend) -> None:
    assert server_backend.list_models() == ["tiny"]


def test_model_defaults_to_first_listed(llama_server: str) -> None:
    backend = make(llama_server)
    assert backend.info().model == "(server default)"
    assert complete(backend, greedy(4))
    assert backend.info().model == "tiny"
    backend.close()


def test_streaming_chunks(server_backend: OpenAIBackend) -> None:
    chunks = list(server_backend.stream(greedy(16)))
    assert len(chunks) > 3 and all(chunks)
    assert "".join(chunks) == complete(server_backend, greedy(16))
    assert len(list(server_backend.stream(greedy(4)))) <= 4


def test_stop_sequence(server_backend: OpenAIBackend) -> None:
    full = complete(server_backend, greedy(30))
    start = next(
        i
        for i in range(len(full) // 3, len(full) - 2)
        if full[i : i + 2].strip() and full.find(full[i : i + 2]) == i
    )
    assert complete(server_backend, greedy(30, stop=(full[start : start + 2],))) == full[:start]


def test_grammar_is_passed_through(server_backend: OpenAIBackend) -> None:
    out = complete(
        server_backend,
        GenerationRequest(HELLO, max_tokens=8, temperature=1.0, grammar='root ::= "yes" | "no"'),
    )
    assert out in ("yes", "no")


def test_cancel_mid_stream(server_backend: OpenAIBackend) -> None:
    cancel = CancelToken()
    got: list[str] = []
    for chunk in server_backend.stream(GenerationRequest(HELLO, max_tokens=200, temperature=0.0), cancel):
        got.append(chunk)
        if len(got) == 2:
            cancel.cancel()
    assert len(got) == 2
    assert complete(server_backend, greedy(4))  # the server serves the next request


def test_prompt_over_context_is_refused_before_sending(server_backend: OpenAIBackend) -> None:
    long = GenerationRequest([ChatMessage("user", "x " * 2000)], max_tokens=4)
    with pytest.raises(ContextOverflowError, match="tokens; the served context holds 512") as err:
        complete(server_backend, long)
    assert "n_ctx" in err.value.hint
    assert complete(server_backend, greedy(4))


def test_wrong_path_is_not_found(llama_server: str) -> None:
    backend = make(llama_server.replace("/v1", "/nope/v1"), model="tiny")
    with pytest.raises(NotFoundError, match="404") as err:
        complete(backend, greedy(4))
    assert "base_url" in err.value.hint
    with pytest.raises(NotFoundError):
        backend.list_models()


def test_connection_refused() -> None:
    backend = make(f"http://127.0.0.1:{unused_port()}/v1", model="tiny", retries=1)
    with pytest.raises(BackendConnectionError, match="connection refused") as err:
        complete(backend, greedy(4))
    assert "server running" in err.value.hint


def test_base_url_normalisation() -> None:
    assert normalize_base_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/v1"
    assert normalize_base_url("https://api.example.com/openai/v1") == "https://api.example.com/openai/v1"
    with pytest.raises(BackendConfigError):
        normalize_base_url("127.0.0.1:8080")


# --- scripted local servers for status codes the llama.cpp server does not produce -----------------


class Script:
    """Responses served in order (the last one repeats) and the requests received.

    The backend's questions before a first answer are answered apart: `/v1/models` lists `models`
    (None: scripted like any request), the optional endpoints (`/props`, tokenizers) are 404.
    """

    def __init__(self, responses: list[tuple[int, dict[str, str], bytes]]) -> None:
        self.responses = responses
        self.requests: list[dict[str, Any]] = []
        self.models: list[str] | None = ["m"]
        self.asked: list[str] = []

    def next(self) -> tuple[int, dict[str, str], bytes]:
        return self.responses[min(len(self.requests) - 1, len(self.responses) - 1)]


@pytest.fixture
def scripted() -> Iterator[tuple[Script, str]]:
    script = Script([])

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            if self.path != "/v1/chat/completions" and (self.path != "/v1/models" or script.models is not None):
                script.asked.append(self.path)
                listed = {"data": [{"id": m, "object": "model"} for m in script.models or []]}
                found = self.path == "/v1/models"
                payload = json.dumps(listed if found else {"detail": "Not Found"}).encode()
                self.send_response(200 if found else 404)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            script.requests.append(
                {"path": self.path, "auth": self.headers.get("authorization"), "body": body}
            )
            status, headers, payload = script.next()
            self.send_response(status)
            for name, value in {"content-length": str(len(payload)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def error_body(message: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode()


def sse(*texts: str) -> bytes:
    events = [{"choices": [{"index": 0, "delta": {"content": t}, "finish_reason": None}]} for t in texts]
    events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    return b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"


SSE_HEADERS = {"content-type": "text/event-stream"}


def test_401_with_unset_key(scripted: tuple[Script, str], monkeypatch: pytest.MonkeyPatch) -> None:
    script, url = scripted
    script.responses = [(401, {"content-type": "application/json"}, error_body("Incorrect API key provided"))]
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(AuthenticationError, match="Incorrect API key") as err:
        complete(make(url, model="m", retries=3), greedy(4))
    assert err.value.hint == f"Set the API key in ${KEY_ENV} (it is empty or unset)."
    assert len(script.requests) == 1  # 401 is not retried
    assert script.requests[0]["auth"] is None


def test_401_with_wrong_key(scripted: tuple[Script, str], monkeypatch: pytest.MonkeyPatch) -> None:
    script, url = scripted
    script.responses = [(401, {}, b"unauthorized")]
    script.models = None
    monkeypatch.setenv(KEY_ENV, "sk-wrong")
    with pytest.raises(AuthenticationError) as err:
        make(url, model="m").list_models()
    assert err.value.hint == f"Check the API key in ${KEY_ENV}."
    assert script.requests[0]["auth"] == "Bearer sk-wrong"
    assert "sk-wrong" not in err.value.user_text()


def test_403_says_access(scripted: tuple[Script, str], monkeypatch: pytest.MonkeyPatch) -> None:
    script, url = scripted
    script.responses = [(403, {}, error_body("no access to model"))]
    monkeypatch.setenv(KEY_ENV, "sk-x")
    with pytest.raises(AuthenticationError) as err:
        complete(make(url, model="m"), greedy(4))
    assert "lacks access" in err.value.hint


def test_429_then_success_is_retried(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.responses = [
        (429, {"retry-after": "0"}, error_body("slow down")),
        (200, SSE_HEADERS, sse("fac ", "n")),
    ]
    assert complete(make(url, model="m", retries=2), greedy(4)) == "fac n"
    assert len(script.requests) == 2
    body = script.requests[1]["body"]
    assert body["model"] == "m" and body["stream"] is True and body["max_tokens"] == 4
    assert body["messages"] == [{"role": "user", "content": HELLO[0].content}]


def test_429_exhausts_retries(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.responses = [(429, {"retry-after": "0"}, error_body("quota"))]
    with pytest.raises(RateLimitError, match="quota"):
        complete(make(url, model="m", retries=2), greedy(4))
    assert len(script.requests) == 3


def test_503_backs_off_and_gives_up(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.responses = [(503, {}, b"overloaded")]
    with pytest.raises(ServerError, match="503"):
        complete(make(url, model="m", retries=1), greedy(4))
    assert len(script.requests) == 2


def test_cancel_during_backoff_returns_quietly(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.responses = [(503, {"retry-after": "30"}, b"busy")]
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    assert list(make(url, model="m", retries=3).stream(greedy(4), cancel)) == []
    assert len(script.requests) == 1


def test_client_side_stop_and_chunk_boundaries(scripted: tuple[Script, str]) -> None:
    """A server that ignores ``stop``: the backend still cuts at the stop sequence, even split across chunks."""
    script, url = scripted
    script.responses = [(200, SSE_HEADERS, sse("x = 1\n`", "``\nmore"))]
    assert complete(make(url, model="m"), greedy(9, stop=("```",))) == "x = 1\n"
    assert script.requests[0]["body"]["stop"] == ["```"]


def test_error_event_mid_stream(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    payload = b'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"error":{"message":"boom"}}\n\n'
    script.responses = [(200, SSE_HEADERS, payload)]
    got: list[str] = []
    with pytest.raises(ServerError, match="boom"):
        got.extend(make(url, model="m").stream(greedy(4)))
    assert got == ["a"]


def test_bad_request_is_rejected_without_retry(scripted: tuple[Script, str]) -> None:
    from assistant.backends import RequestRejectedError

    script, url = scripted
    script.responses = [(400, {}, error_body("Unrecognized request argument supplied: grammar"))]
    with pytest.raises(RequestRejectedError, match="grammar"):
        complete(make(url, model="m", retries=3), greedy(4, grammar='root ::= "a"'))
    assert len(script.requests) == 1
