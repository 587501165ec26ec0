"""The hf backend on the tiny transformers model, with and without a fresh LoRA adapter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.backends import (
    CancelToken,
    ChatMessage,
    ContextOverflowError,
    GenerationRequest,
    GrammarError,
    ModelLoadError,
    complete,
    create_backend,
)
from assistant.backends.hf import HFBackend

HELLO = [ChatMessage("user", "Why does fac 0 = 1 come first?")]


def greedy(max_tokens: int, **kwargs: object) -> GenerationRequest:
    return GenerationRequest(HELLO, max_tokens=max_tokens, temperature=0.0, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def adapted(tiny_dir: Path, tiny_adapter: Path) -> Iterator[HFBackend]:
    backend = create_backend("hf", {"model_path": str(tiny_dir), "adapter_path": str(tiny_adapter)})
    assert isinstance(backend, HFBackend)
    yield backend
    backend.close()


def test_loads_model_and_adapter(adapted: HFBackend) -> None:
    assert not adapted.loaded
    assert adapted.info().model == "tiny-qwen2+tiny-lora"
    adapted.load()
    from peft import PeftModel

    assert isinstance(adapted._model, PeftModel)
    info = adapted.info()
    assert info.n_ctx == 2048  # min(config n_ctx 4096, max_position_embeddings 2048)
    assert info.details["adapter"].endswith("tiny-lora")


def test_chat_template_is_applied(adapted: HFBackend) -> None:
    assert (
        adapted.format_prompt(HELLO)
        == f"<|im_start|>user\n{HELLO[0].content}<|im_end|>\n<|im_start|>assistant\n"
    )


def test_streaming_and_fresh_adapter_is_identity(adapted: HFBackend, tiny_dir: Path) -> None:
    chunks = list(adapted.stream(greedy(30)))
    assert len(chunks) > 1
    plain = create_backend("hf", {"model_path": str(tiny_dir)})
    assert complete(plain, greedy(30)) == "".join(chunks)  # LoRA B starts at zero


def test_max_tokens(adapted: HFBackend) -> None:
    short = complete(adapted, greedy(3))
    assert 0 < adapted.count_tokens(short) <= 3 + 1  # re-tokenising may merge or split one token
    assert complete(adapted, greedy(25)).startswith(short)


def test_stop_sequence(adapted: HFBackend) -> None:
    full = complete(adapted, greedy(30))
    start = next(
        i
        for i in range(len(full) // 3, len(full) - 2)
        if full[i : i + 2].strip() and full.find(full[i : i + 2]) == i
    )
    assert complete(adapted, greedy(30, stop=(full[start : start + 2],))) == full[:start]


def test_cancel_stops_generation_thread(adapted: HFBackend) -> None:
    import threading

    cancel = CancelToken()
    got: list[str] = []
    for chunk in adapted.stream(GenerationRequest(HELLO, max_tokens=500, temperature=1.0, seed=4), cancel):
        got.append(chunk)
        if len(got) == 2:
            cancel.cancel()
    assert len(got) == 2
    assert not [t for t in threading.enumerate() if t.name == "hf-generate"]
    assert complete(adapted, greedy(3))  # usable again


def test_sampling_with_seed_is_reproducible(adapted: HFBackend) -> None:
    req = GenerationRequest(HELLO, max_tokens=12, temperature=1.0, seed=11)
    assert complete(adapted, req) == complete(adapted, req)


def test_grammar_is_refused(adapted: HFBackend) -> None:
    with pytest.raises(GrammarError):
        complete(adapted, greedy(3, grammar='root ::= "a"'))


def test_prompt_longer_than_context(adapted: HFBackend) -> None:
    with pytest.raises(ContextOverflowError):
        complete(adapted, GenerationRequest([ChatMessage("user", "x " * 3000)], max_tokens=3))


def test_missing_adapter_and_model(tiny_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("peft")
    missing_adapter = create_backend("hf", {"model_path": str(tiny_dir), "adapter_path": str(tmp_path)})
    with pytest.raises(ModelLoadError, match="adapter") as err:
        missing_adapter.load()
    assert "adapter_path" in err.value.hint
    missing_model = create_backend("hf", {"model_path": str(tmp_path / "none")})
    with pytest.raises(ModelLoadError, match=r"config\.json"):
        complete(missing_model, greedy(3))
