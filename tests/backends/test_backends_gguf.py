"""The gguf backend on the real tiny model through llama-cpp-python."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.backends import (
    CancelToken,
    ChatMessage,
    ContextOverflowError,
    GenerationError,
    GenerationRequest,
    GrammarError,
    ModelLoadError,
    complete,
    create_backend,
)
from assistant.backends.config import GGUFOptions
from assistant.backends.gguf import GGUFBackend

pytestmark = pytest.mark.usefixtures("need_llama_cpp")

HELLO = [ChatMessage("system", "You explain Synoema."), ChatMessage("user", "fac n = n * fac (n - 1)")]


def greedy(max_tokens: int, **kwargs: object) -> GenerationRequest:
    return GenerationRequest(HELLO, max_tokens=max_tokens, temperature=0.0, seed=7, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def backend(tiny_gguf: Path) -> Iterator[GGUFBackend]:
    b = create_backend("gguf", {"model_path": str(tiny_gguf), "n_ctx": 512, "n_threads": 1})
    assert isinstance(b, GGUFBackend)
    yield b
    b.close()


def test_loads_lazily_and_reports_info(backend: GGUFBackend) -> None:
    before = backend.info()
    assert before.n_ctx == 512 and before.details["chat_template"] == "not loaded"
    backend.load()
    info = backend.info()
    assert info.backend == "gguf"
    assert info.model == "tiny-qwen2"  # general.name written by the exporter
    assert info.n_ctx == 512
    assert info.details["chat_template"] == "gguf metadata"
    assert info.details["n_ctx_train"] == "2048"
    assert "tiny-qwen2" in info.summary()


def test_chat_template_from_metadata_is_applied(backend: GGUFBackend) -> None:
    prompt = backend.format_prompt(HELLO)
    assert prompt == (
        "<|im_start|>system\nYou explain Synoema.<|im_end|>\n"
        "<|im_start|>user\nfac n = n * fac (n - 1)<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def test_streaming_yields_several_chunks(backend: GGUFBackend) -> None:
    chunks = list(backend.stream(greedy(24)))
    assert len(chunks) > 3
    assert all(isinstance(c, str) and c for c in chunks)
    assert "".join(chunks) == complete(backend, greedy(24))  # greedy decoding is deterministic


def test_max_tokens_is_respected(backend: GGUFBackend) -> None:
    short = list(backend.stream(greedy(5)))
    long = "".join(backend.stream(greedy(40)))
    assert 0 < len(short) <= 5  # llama-cpp-python streams at most one chunk per token
    assert long.startswith("".join(short)) and len(long) > len("".join(short))


def test_stop_sequence_stops(backend: GGUFBackend) -> None:
    full = complete(backend, greedy(40))
    start = next(
        i
        for i in range(len(full) // 3, len(full) - 3)
        if full[i : i + 3].strip() and full.find(full[i : i + 3]) == i
    )
    stop = full[start : start + 3]
    assert complete(backend, greedy(40, stop=(stop,))) == full[:start]


def test_cancel_mid_stream_then_reuse(backend: GGUFBackend) -> None:
    cancel = CancelToken()
    received: list[str] = []
    for chunk in backend.stream(GenerationRequest(HELLO, max_tokens=200, temperature=0.9, seed=3), cancel):
        received.append(chunk)
        if len(received) == 2:
            cancel.cancel()
    assert len(received) == 2
    assert len(list(backend.stream(greedy(8)))) > 0  # the model is free again after cancelling


def test_abandoned_stream_releases_the_model(backend: GGUFBackend) -> None:
    stream = backend.stream(greedy(50))
    next(stream)
    stream.close()  # what a UI does when it drops the generator
    assert complete(backend, greedy(4))


def test_grammar_constrains_output(backend: GGUFBackend) -> None:
    grammar = 'root ::= ("fac" | "sum") " " [0-9] [0-9]?'
    for seed in (1, 2, 3):
        out = complete(
            backend, GenerationRequest(HELLO, max_tokens=12, temperature=1.0, seed=seed, grammar=grammar)
        )
        name, _, digits = out.partition(" ")
        assert name in ("fac", "sum") and digits.isdigit() and 1 <= len(digits) <= 2, out


def test_invalid_grammar_is_a_backend_error(backend: GGUFBackend) -> None:
    with pytest.raises(GrammarError, match="invalid") as err:
        complete(backend, greedy(4, grammar="root ::= ((("))
    assert err.value.hint
    with pytest.raises(GrammarError, match="root"):
        complete(backend, greedy(4, grammar='start ::= "a"'))
    assert complete(backend, greedy(4))  # still usable


def test_missing_file_is_model_load_error(tmp_path: Path) -> None:
    b = create_backend("gguf", {"model_path": str(tmp_path / "absent.gguf")})
    with pytest.raises(ModelLoadError, match="not found") as err:
        complete(b, greedy(4))
    assert "model_path" in err.value.hint


def test_corrupt_file_is_model_load_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + bytes(64))
    b = create_backend("gguf", {"model_path": str(bad)})
    with pytest.raises(ModelLoadError, match="GGUF version 0") as err:
        b.load()
    assert "re-export" in err.value.hint


def test_prompt_longer_than_context(backend: GGUFBackend) -> None:
    with pytest.raises(ContextOverflowError, match="too long") as err:
        complete(backend, GenerationRequest([ChatMessage("user", "x " * 2000)], max_tokens=4))
    assert "n_ctx" in err.value.hint


def test_forced_chat_format_overrides_template(tiny_gguf: Path) -> None:
    b = create_backend("gguf", {"model_path": str(tiny_gguf), "n_ctx": 256, "n_threads": 1, "chat_format": "chatml"})
    try:
        assert len(list(b.stream(greedy(6)))) > 1
        assert b.info().details["chat_template"] == "chatml"
    finally:
        b.close()


def test_template_that_raises_is_a_backend_error(tiny_dir: Path, tmp_path: Path) -> None:
    import shutil

    from training.gguf_export import export_gguf

    strict = shutil.copytree(tiny_dir, tmp_path / "strict")
    (strict / "chat_template.jinja").write_text(
        "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
        "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    )
    gguf_path = export_gguf(strict, tmp_path / "strict.gguf", dtype="f32").path
    b = create_backend("gguf", {"model_path": str(gguf_path), "n_ctx": 256, "n_threads": 1})
    try:
        with pytest.raises(GenerationError, match="System role not supported") as err:
            complete(b, greedy(3))
        assert "chat_format" in err.value.hint
        assert complete(b, GenerationRequest([ChatMessage("user", "hi")], max_tokens=3, temperature=0))
    finally:
        b.close()


def test_check_reads_the_metadata_before_a_switch(tiny_gguf: Path, tmp_path: Path) -> None:
    from assistant.backends import check_backend

    header = GGUFBackend.check(GGUFOptions(model_path=str(tiny_gguf)))
    assert header.architecture == "qwen2" and header.chat_template
    check_backend("gguf", {"model_path": str(tiny_gguf)})
    with pytest.raises(ModelLoadError, match="not found"):
        check_backend("gguf", {"model_path": str(tmp_path / "absent.gguf")})
    text = tmp_path / "notes.gguf"
    text.write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="not a GGUF file"):
        check_backend("gguf", {"model_path": str(text)})
    truncated = tmp_path / "cut.gguf"
    truncated.write_bytes(tiny_gguf.read_bytes()[:4096])
    with pytest.raises(ModelLoadError):
        check_backend("gguf", {"model_path": str(truncated)})


def test_gpu_layers_and_chat_format_reach_the_backend(tiny_gguf: Path) -> None:
    from assistant.config import Config
    from assistant.engine import Engine

    config = Config()
    config.backend.kind = "gguf"
    config.backend.options["gguf"] = GGUFOptions(model_path=str(tiny_gguf), n_ctx=256, n_threads=1,
                                                 n_gpu_layers=-1, chat_format="chatml")
    config.engine.grammar = "builtin"
    engine = Engine(config, history=False)
    source = engine.source
    backend = source.backend  # type: ignore[attr-defined]
    assert backend.config.n_gpu_layers == -1 and backend.config.chat_format == "chatml"
    assert set(source.grammars) == {"write", "repair"}  # type: ignore[attr-defined]  # engine.grammar reaches it
    backend.load()
    assert backend.info().details["chat_template"] == "chatml"
    engine.close()
