"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, with scripted answers.

It stands in for a paid remote API (the only thing a test may not reach); the same client code is
exercised against a real `llama_cpp.server` in test_corpus_llama.py. Each task prompt names a
script: the answers to give in order (the last one repeats), plus optional HTTP failures before
the first answer. Every request is recorded, so a test can check what the client sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROMPT_TOKENS = 100
COMPLETION_TOKENS = 20


@dataclass
class Script:
    answers: list[str]
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers) before answering


@dataclass
class StubState:
    scripts: dict[str, Script]
    requests: list[dict[str, Any]] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    auth_required: str | None = None


def program_answer(code: str, output: str = "") -> str:
    return f"Here is the program.\n\n```sno\n{code.rstrip()}\n```\n```output\n{output.rstrip()}\n```\n"


def _handler(state: StubState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": "stub-model", "object": "model"}]})
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            if state.auth_required and self.headers.get("Authorization") != f"Bearer {state.auth_required}":
                self._send(401, {"error": {"message": "bad key"}})
                return
            user = next(m["content"] for m in body["messages"] if m["role"] == "user")
            key = next((k for k in state.scripts if k in user), None)
            with state.lock:
                state.requests.append({"path": self.path, "body": body, "key": key})
                n = state.served.get(str(key), 0)
                state.served[str(key)] = n + 1
            if key is None:
                self._send(400, {"error": {"message": "unknown task"}})
                return
            script = state.scripts[key]
            if n < len(script.failures):
                status, headers = script.failures[n]
                self._send(status, {"error": {"message": f"scripted {status}"}}, headers)
                return
            answers = script.answers
            text = answers[min(n - len(script.failures), len(answers) - 1)]
            self._send(200, {
                "id": "cmpl", "object": "chat.completion", "model": body.get("model", "stub-model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS, "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS},
            })

    return Handler


@contextmanager
def serve(scripts: dict[str, Script], *, auth_required: str | None = None) -> Iterator[tuple[str, StubState]]:
    state = StubState(scripts, auth_required=auth_required)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
