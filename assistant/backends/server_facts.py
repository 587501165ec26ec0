"""What an OpenAI-compatible server says about itself: its models, its real context, its tokenizer.

Asked once, before the first answer, so the prompt is budgeted with the served model's own tokens
and context instead of an estimate (an estimate said 1,769 tokens where llama.cpp needed 4,080):

- models: ``GET /v1/models`` (a configured name the server does not list is refused);
- context: llama.cpp's ``GET /props`` (``n_ctx``), vLLM's ``max_model_len`` in the model list, or,
  for llama-cpp-python's server, which reports neither, one probe that costs no evaluation: a
  completion whose prompt is longer than the configured context and asks for ``logprobs``. A smaller
  server context refuses it with "maximum context length is N"; a larger one refuses the logprobs
  (a server started without ``logits_all``) before evaluating anything;
- tokenizer: llama-cpp-python's ``POST /extras/tokenize/count``, or ``POST /tokenize`` (llama.cpp, vLLM).

Every probe is optional (a hosted API answers 404 and the configured values stay).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from assistant.safetext import strip_control

PROBE_TIMEOUT_S = 5.0
MAX_PROBE_BODY = 1 << 20
CONTEXT_MESSAGE = re.compile(r"maximum context length is (\d+)", re.IGNORECASE)
PROBE_UNIT = "0 1 2 3 4 5 6 7 8 9\n"


@dataclass(frozen=True)
class ServerFacts:
    models: tuple[str, ...] = ()
    n_ctx: int | None = None  # the served context, when the server told it
    n_ctx_source: str = "configured"
    tokenizer: str | None = None  # "llama-cpp-python" | "llama.cpp" | None
    notes: tuple[str, ...] = field(default=())


def context_from_message(text: str) -> int | None:
    """N from an error such as "This model's maximum context length is N tokens"."""
    found = CONTEXT_MESSAGE.search(text)
    return int(found.group(1)) if found else None


def server_root(base_url: str) -> str:
    """``http://host:8080/v1`` -> ``http://host:8080`` (llama.cpp's extra endpoints live at the root)."""
    return base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url


class Prober:
    """Small JSON requests to optional endpoints; any failure is None, never an error."""

    def __init__(self, client: httpx.Client, headers: Callable[[], dict[str, str]]) -> None:
        self._client = client
        self._headers = headers

    def json(self, method: str, url: str, body: Any = None) -> tuple[int, Any] | None:
        try:
            with self._client.stream(
                method, url, json=body, headers=self._headers(), timeout=PROBE_TIMEOUT_S
            ) as response:
                raw = b""
                for chunk in response.iter_bytes():
                    raw += chunk
                    if len(raw) > MAX_PROBE_BODY:
                        return None
                status = response.status_code
        except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL):
            return None
        try:
            return status, json.loads(raw.decode("utf-8", "replace"))
        except ValueError:
            return status, raw.decode("utf-8", "replace")


def token_count(prober: Prober, root: str, tokenizer: str | None, model: str, text: str) -> int | None:
    """Tokens of `text` by the server's own tokenizer (None when it has no tokenize endpoint)."""
    if tokenizer == "llama-cpp-python":
        got = prober.json("POST", f"{root}/extras/tokenize/count", {"input": text, "model": model})
        if got and got[0] == 200 and isinstance(got[1], dict) and isinstance(got[1].get("count"), int):
            return int(got[1]["count"])
    elif tokenizer == "llama.cpp":  # llama.cpp's server reads "content", vLLM's "prompt" (both at the root)
        got = prober.json("POST", f"{root}/tokenize", {"content": text, "prompt": text, "model": model,
                                                        "add_special": False, "add_special_tokens": False})
        if got and got[0] == 200 and isinstance(got[1], dict) and isinstance(got[1].get("tokens"), list):
            return len(got[1]["tokens"])
    return None


def discover(prober: Prober, base_url: str, model: str, configured_ctx: int, models: list[dict[str, Any]]) -> ServerFacts:
    """Everything above, for `model` (already checked against `models`, the raw model list)."""
    root = server_root(base_url)
    ids = tuple(strip_control(str(item.get("id", ""))) for item in models if isinstance(item, dict))
    n_ctx, source = None, "configured"
    props = prober.json("GET", f"{root}/props")
    if props and props[0] == 200 and isinstance(props[1], dict):
        settings = props[1].get("default_generation_settings")
        value = settings.get("n_ctx") if isinstance(settings, dict) else None
        value = value if isinstance(value, int) else props[1].get("n_ctx")
        if isinstance(value, int) and value > 0:
            n_ctx, source = value, "the server's /props"
    if n_ctx is None:
        for item in models:
            if isinstance(item, dict) and item.get("id") == model and isinstance(item.get("max_model_len"), int):
                n_ctx, source = int(item["max_model_len"]), "the server's model list"
    tokenizer = None
    for name in ("llama-cpp-python", "llama.cpp"):
        if token_count(prober, root, name, model, "a") is not None:
            tokenizer = name
            break
    if n_ctx is None and tokenizer == "llama-cpp-python":
        probed = probe_context(prober, base_url, root, model, configured_ctx)
        if probed is not None:
            n_ctx, source = probed, "a probe of the server"
    return ServerFacts(ids, n_ctx, source, tokenizer)


def probe_context(prober: Prober, base_url: str, root: str, model: str, configured: int) -> int | None:
    """The context of a llama-cpp-python server when it is smaller than `configured` (see above)."""
    unit = token_count(prober, root, "llama-cpp-python", model, PROBE_UNIT)
    if not unit:
        return None
    text = PROBE_UNIT * (math.ceil((configured + 16) / unit) + 1)
    counted = token_count(prober, root, "llama-cpp-python", model, text)
    if counted is None or counted <= configured:
        return None
    got = prober.json(
        "POST", f"{base_url}/completions",
        {"model": model, "prompt": text, "max_tokens": 1, "logprobs": 1, "stream": False},
    )
    if not got or got[0] < 400:
        return None
    return context_from_message(json.dumps(got[1]) if not isinstance(got[1], str) else got[1])
