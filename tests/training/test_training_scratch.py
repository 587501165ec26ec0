"""The scratch tokenizer: each kind's system prompt is one token, in transformers and in llama.cpp alike,
and a whole chat row tokenizes to the same ids in both (what is trained is what is served)."""

from __future__ import annotations

from pathlib import Path

import pytest
from training_support import need_training_extras

need_training_extras()


def test_each_system_prompt_is_one_token(scratch_base: Path) -> None:
    from transformers import AutoTokenizer

    from training.data import system_prompts

    tok = AutoTokenizer.from_pretrained(scratch_base)
    ids = {kind: tok(prompt, add_special_tokens=False)["input_ids"] for kind, prompt in system_prompts().items()}
    assert all(len(one) == 1 for one in ids.values()), ids
    assert len({one[0] for one in ids.values()}) == len(ids)  # one token per kind
    assert tok.decode(ids["write"]) == system_prompts()["write"]


def test_llama_cpp_tokenizes_a_chat_row_as_transformers_does(
    scratch_base: Path, tmp_path: Path, need_llama_cpp: None
) -> None:
    pytest.importorskip("gguf")
    from llama_cpp import Llama
    from training_support import short_rows
    from transformers import AutoTokenizer

    from training.data import system_prompts
    from training.gguf import export_gguf

    tok = AutoTokenizer.from_pretrained(scratch_base)
    row = short_rows()[0]
    messages = [{"role": "system", "content": system_prompts()["write"]}, *row["messages"]]
    text = tok.apply_chat_template(messages, tokenize=False)
    expected = tok(text, add_special_tokens=False)["input_ids"]
    report = export_gguf(scratch_base, tmp_path / "vocab.gguf", vocab_only=True)
    llm = Llama(model_path=str(report.path), vocab_only=True, verbose=False)
    try:
        assert llm.tokenize(text.encode(), add_bos=False, special=True) == expected
        # a user-defined token is matched whole even where special tokens are not parsed
        prompt = system_prompts()["fix"]
        (prompt_id,) = tok(prompt, add_special_tokens=False)["input_ids"]
        assert llm.tokenize(prompt.encode(), add_bos=False, special=False) == [prompt_id]
        import llama_cpp

        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        assert llama_cpp.llama_vocab_get_attr(vocab, prompt_id) & llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED
    finally:
        llm.close()
