"""The GBNF grammar: generated file in sync, accepted by llama.cpp, and sound (samples parse)."""

from __future__ import annotations

from pathlib import Path

import pytest

from synoema.grammar import build_grammar, load_grammar
from synoema.parser import parse


def test_shipped_grammar_is_the_generated_one() -> None:
    assert load_grammar() == build_grammar(), "regenerate with: python -m synoema.grammar > synoema/synoema.gbnf"


def test_grammar_never_produces_reserved_identifiers() -> None:
    text = build_grammar()
    assert 'lower ::= id-root' in text


@pytest.mark.slow
def test_200_samples_from_the_tiny_model_all_parse(tiny_gguf: Path, need_llama_cpp: None) -> None:
    from llama_cpp import Llama, LlamaGrammar

    llm = Llama(model_path=str(tiny_gguf), n_ctx=2048, n_threads=1, verbose=False, seed=7)
    grammar = LlamaGrammar.from_string(load_grammar(), verbose=False)
    failures: list[str] = []
    for i in range(200):
        out = llm.create_completion("-- Synoema\n", max_tokens=1500, temperature=1.0, seed=i, grammar=grammar)
        choice = out["choices"][0]
        assert choice["finish_reason"] == "stop", "a sample ran out of tokens: the grammar must bound lengths"
        result = parse(choice["text"])
        if not result.ok:
            failures.append(f"{choice['text']!r}: {[d.short() for d in result.diagnostics][:2]}")
    assert not failures, "\n".join(failures[:5])
