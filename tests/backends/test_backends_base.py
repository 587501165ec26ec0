"""Protocol, configuration, registry, errors and stop-sequence scanning: no model needed."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from assistant import backends
from assistant.backends import (
    Backend,
    BackendConfigError,
    BackendError,
    BackendInfo,
    CancelToken,
    ChatMessage,
    GenerationRequest,
    GGUFOptions,
    OpenAIOptions,
    available_backends,
    complete,
    create_backend,
    options_class,
    refresh_plugins,
    register_backend,
    unregister_backend,
)
from assistant.backends.config import BackendOptions
from assistant.backends.stops import StopScanner
from assistant.settings import setting

USER = [ChatMessage("user", "hi")]


@dataclass(frozen=True)
class EchoOptions(BackendOptions):
    kind: ClassVar[str] = "echo"
    model: str | None = setting(None, "SYNOEMA_ECHO_MODEL", "Name of the echo model.")


class EchoBackend:
    """A real (trivial) backend, as a plugin would provide: echoes the last message word by word."""

    name = "echo"
    Options = EchoOptions

    def __init__(self, options: EchoOptions) -> None:
        self.model = options.model or "echo"

    def stream(self, request: GenerationRequest, cancel: CancelToken | None = None) -> Iterator[str]:
        for word in request.messages[-1].content.split():
            if cancel is not None and cancel.cancelled:
                return
            yield word + " "

    def info(self) -> BackendInfo:
        return BackendInfo(self.name, self.model, None)

    def close(self) -> None:
        pass


def test_chat_message_rejects_unknown_role() -> None:
    with pytest.raises(ValueError, match="role"):
        ChatMessage("robot", "x")  # type: ignore[arg-type]
    assert ChatMessage("system", "s").as_dict() == {"role": "system", "content": "s"}


@pytest.mark.parametrize(
    "kwargs", [{"messages": []}, {"messages": USER, "max_tokens": 0}, {"messages": USER, "temperature": -1}]
)
def test_generation_request_validation(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        GenerationRequest(**kwargs)


def test_generation_request_drops_empty_stops() -> None:
    req = GenerationRequest(USER, stop=("", "\n\n"))
    assert req.stop == ("\n\n",)
    assert req.message_dicts() == [{"role": "user", "content": "hi"}]


def test_cancel_token_is_shared_across_threads() -> None:
    token = CancelToken()
    assert not token.cancelled
    assert token.wait(0.0) is False
    worker = threading.Thread(target=token.cancel)
    worker.start()
    worker.join()
    assert token.cancelled
    assert token.wait(10.0) is True  # returns at once once cancelled


def test_each_kind_declares_its_options_and_refuses_unknown_keys() -> None:
    options = OpenAIOptions.from_mapping({"base_url": "http://x/v1", "retries": 1})
    assert options.retries == 1 and options.timeout == 120.0
    assert options_class("gguf") is GGUFOptions and options_class("offline")().as_dict() == {}
    with pytest.raises(BackendConfigError) as err:
        GGUFOptions.from_mapping({"modle_path": "x"})
    assert "modle_path" in err.value.message and "did you mean 'model_path'" in err.value.message
    assert "n_gpu_layers" in err.value.hint and "chat_format" in err.value.hint
    with pytest.raises(BackendConfigError, match="base_url"):
        create_backend("gguf", {"base_url": "http://x"})  # an openai option is not a gguf one
    assert GGUFOptions(n_ctx=512).merged({"n_gpu_layers": "-1"}, from_text=True).n_gpu_layers == -1


@pytest.mark.parametrize("data", [{"n_ctx": 0}, {"timeout": 0}, {"retries": -1}, {"n_ctx": "big"}])
def test_options_reject_bad_values(data: dict) -> None:
    with pytest.raises(BackendConfigError):
        OpenAIOptions.from_mapping(data)


def test_error_user_text_has_message_and_hint() -> None:
    err = backends.AuthenticationError("401 from server", "Check the API key in $KEY.")
    assert str(err) == "401 from server"
    assert err.user_text() == "401 from server\nCheck the API key in $KEY."
    assert isinstance(err, BackendError)
    assert backends.RateLimitError("slow down").hint  # class default hint


def test_unknown_kind_lists_known_ones() -> None:
    with pytest.raises(BackendConfigError) as err:
        create_backend("nope")
    assert "gguf" in err.value.hint and "openai" in err.value.hint and "hf" in err.value.hint


def test_builtin_kinds_need_their_settings() -> None:
    for kind in ("gguf", "hf", "openai"):
        with pytest.raises(BackendConfigError):
            create_backend(kind)


def test_builtin_backends_satisfy_protocol_without_loading(tmp_path: Path) -> None:
    gguf = create_backend("gguf", {"model_path": str(tmp_path / "m.gguf")})
    hf = create_backend("hf", {"model_path": str(tmp_path)})
    oai = create_backend("openai", OpenAIOptions(base_url="http://127.0.0.1:9"))
    for backend in (gguf, hf, oai):
        assert isinstance(backend, Backend)
        assert backend.info().backend == backend.name
    assert gguf.info().model == "m"
    assert oai.info().details["base_url"] == "http://127.0.0.1:9/v1"
    oai.close()


def test_register_backend_with_its_options() -> None:
    register_backend("echo", EchoBackend)
    try:
        assert "echo" in available_backends() and options_class("echo") is EchoOptions
        backend = create_backend("echo", {"model": "canned"})
        assert backend.model == "canned"
        assert complete(backend, GenerationRequest([ChatMessage("user", "a b c")])) == "a b c "
        with pytest.raises(BackendConfigError, match="Unknown echo option"):
            create_backend("echo", {"n_ctx": 1})
        with pytest.raises(ValueError):
            register_backend("echo", EchoBackend)
        register_backend("echo", EchoBackend, replace=True)
    finally:
        unregister_backend("echo")
    assert "echo" not in available_backends()


def test_factory_exceptions_become_backend_errors() -> None:
    def broken(options: BackendOptions) -> Backend:
        raise RuntimeError("plugin bug")

    register_backend("broken", broken)
    try:
        with pytest.raises(BackendConfigError, match="plugin bug"):
            create_backend("broken")
    finally:
        unregister_backend("broken")


def test_entry_point_plugins_are_discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real installed distribution (dist-info on sys.path) registering a kind via entry points."""
    pkg = tmp_path / "synoema_echo_plugin.py"
    pkg.write_text(
        "class Echo:\n"
        "    name = 'echo-plugin'\n"
        "    def __init__(self, config):\n"
        "        self.model = 'plugin-model'\n"
        "    def stream(self, request, cancel=None):\n"
        "        yield 'from plugin'\n"
        "    def info(self):\n"
        "        from assistant.backends import BackendInfo\n"
        "        return BackendInfo(self.name, self.model)\n"
        "    def close(self):\n"
        "        pass\n"
    )
    dist = tmp_path / "synoema_echo_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: synoema-echo-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        f"[{backends.ENTRY_POINT_GROUP}]\necho-plugin = synoema_echo_plugin:Echo\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        refresh_plugins()
        assert "echo-plugin" in available_backends()
        backend = create_backend("echo-plugin")
        assert complete(backend, GenerationRequest(USER)) == "from plugin"
    finally:
        unregister_backend("echo-plugin")
        sys.modules.pop("synoema_echo_plugin", None)


# --- StopScanner -----------------------------------------------------------------------------------


def run_scanner(stops: list[str], chunks: list[str]) -> tuple[str, bool]:
    scanner = StopScanner(stops)
    out = ""
    for chunk in chunks:
        out += scanner.feed(chunk)
        if scanner.stopped:
            break
    return out + scanner.flush(), scanner.stopped


def test_stop_scanner_passes_text_through_without_stops() -> None:
    assert run_scanner([], ["ab", "cd"]) == ("abcd", False)


def test_stop_scanner_stop_straddling_chunks() -> None:
    assert run_scanner(["END"], ["x = 1 E", "N", "D more"]) == ("x = 1 ", True)


def test_stop_scanner_releases_false_prefix() -> None:
    scanner = StopScanner(["END"])
    assert scanner.feed("abcE") == "abc"  # 'E' held back
    assert scanner.feed("x") == "Ex"
    assert scanner.flush() == ""


def test_stop_scanner_earliest_of_several() -> None:
    assert run_scanner(["\n\n", "```"], ["code``", "`\n\nrest"]) == ("code", True)


def test_stop_scanner_flush_keeps_unfinished_prefix() -> None:
    assert run_scanner(["STOP"], ["abc ST"]) == ("abc ST", False)
