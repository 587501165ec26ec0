"""Helpers for the exporter tests: checkpoint variants and the transformers ⇄ llama.cpp comparison."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Long enough (≈190 tokens) that scaled rotary positions differ visibly from unscaled ones.
TEXT = "fac 0 = 1\nfac n = n * fac (n - 1)\n  xs = [1 2 3] ++ [42]\nWhy doesn't it type check?\n" * 4
PROMPT = "main = [1 2 3] |> sum\nfac n ="
GREEDY_TOKENS = 32
F32_ATOL = 2e-4  # measured 2e-5..6e-5 on these models (float32 in both; only summation order differs)


def variant(src: Path, dst: Path, **config: Any) -> Path:
    """A copy of the checkpoint ``src`` with ``config.json`` keys replaced (None deletes a key)."""
    shutil.copytree(src, dst)
    edit_json(dst / "config.json", **config)
    return dst


def edit_json(path: Path, **changes: Any) -> None:
    """Replace keys of the JSON object in ``path`` (None deletes a key)."""
    data = json.loads(path.read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(json.dumps(data, indent=2))


def open_llama(gguf: Path, **kwargs: Any) -> Any:
    """llama.cpp with an f32 KV cache (its default is f16) so only the weights' type matters."""
    import llama_cpp

    options: dict[str, Any] = {
        "n_ctx": 512,
        "n_threads": 1,
        "logits_all": True,
        "verbose": False,
        "type_k": llama_cpp.GGML_TYPE_F32,
        "type_v": llama_cpp.GGML_TYPE_F32,
    }
    return llama_cpp.Llama(model_path=str(gguf), **{**options, **kwargs})


@dataclass(frozen=True)
class Agreement:
    max_abs_diff: float
    logit_std: float
    n_tokens: int
    greedy_hf: list[int]
    greedy_cpp: list[int]


def compare(model: Any, tokenizer: Any, gguf: Path, **llama_kwargs: Any) -> Agreement:
    """Next-token logits over ``TEXT`` and ``GREEDY_TOKENS`` greedy tokens after ``PROMPT``, both ways.

    ``model`` is a transformers (or peft) model in eval mode; llama.cpp loads ``gguf``.
    """
    import numpy as np
    import torch

    ids = tokenizer(TEXT, add_special_tokens=False)["input_ids"]
    prompt = tokenizer(PROMPT, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        ref = model(torch.tensor([ids])).logits[0].float().numpy()
        seq = list(prompt)
        for _ in range(GREEDY_TOKENS):
            seq.append(int(model(torch.tensor([seq])).logits[0, -1].argmax()))
    greedy_hf = seq[len(prompt) :]

    llm = open_llama(gguf, **llama_kwargs)
    try:
        assert llm.tokenize(TEXT.encode(), add_bos=False, special=False) == ids
        llm.eval(ids)
        cpp = np.array(llm.scores[: len(ids)])
        llm.reset()
        llm.eval(prompt)
        greedy_cpp: list[int] = []
        for _ in range(GREEDY_TOKENS):
            token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
            greedy_cpp.append(token)
            llm.eval([token])
    finally:
        llm.close()
    return Agreement(float(np.abs(cpp - ref).max()), float(ref.std()), len(ids), greedy_hf, greedy_cpp)


def load_hf(model_dir: Path) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(model_dir).eval(), AutoTokenizer.from_pretrained(model_dir)


def gguf_fields(path: Path) -> dict[str, Any]:
    """Every header key of a GGUF (token list and merges left out), as plain Python values."""
    from gguf import GGUFReader

    reader = GGUFReader(path)
    skip = {"tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.token_type"}
    return {name: field.contents() for name, field in reader.fields.items() if name not in skip}


def token_types(path: Path) -> list[int]:
    from gguf import GGUFReader

    return list(GGUFReader(path).fields["tokenizer.ggml.token_type"].contents())
