"""merge: base + adapter folded in full precision; export: the merged model's GGUF computes the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from training_support import need_training_extras, small_config

pytestmark = pytest.mark.slow
need_training_extras()

PROMPT = [
    {"role": "system", "content": "You are the Synoema assistant."},
    {"role": "user", "content": "Write double 21."},
]


@pytest.fixture(scope="module")
def merged(
    scratch_base: Path, rows_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """A trained adapter (a higher learning rate, so it moves the logits) and its merge."""
    from training.merge import merge_adapter
    from training.sft import run_sft

    run = tmp_path_factory.mktemp("merge") / "run"
    result = run_sft(
        small_config(run, scratch_base, rows_file, learning_rate=2e-2, max_steps=4, eval_fraction=0.0)
    )
    return Path(result.output_dir), merge_adapter(result.output_dir, run / "merged")


def _ids(model_dir: Path) -> list[int]:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return tokenizer.apply_chat_template(PROMPT, add_generation_prompt=True, tokenize=True, return_dict=False)


def test_merged_equals_base_plus_adapter(merged: tuple[Path, Path], scratch_base: Path) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    adapter, folded = merged
    ids = torch.tensor([_ids(folded)])
    with torch.no_grad():
        base = AutoModelForCausalLM.from_pretrained(scratch_base, dtype=torch.float32).eval()
        plain = base(ids).logits
        with_adapter = PeftModel.from_pretrained(base, adapter).eval()(ids).logits
        merged_logits = AutoModelForCausalLM.from_pretrained(folded).eval()(ids).logits
    assert (with_adapter - plain).abs().max() > 1e-2  # the adapter really changes the model
    torch.testing.assert_close(merged_logits, with_adapter, atol=1e-4, rtol=0)
    assert not (folded / "adapter_config.json").exists()


def test_the_merged_gguf_matches_transformers_logits_and_greedy_tokens(merged: tuple[Path, Path]) -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    pytest.importorskip("gguf")
    import numpy as np
    import torch
    from llama_cpp import Llama
    from transformers import AutoModelForCausalLM

    from training.gguf import export_gguf

    _, folded = merged
    gguf = export_gguf(folded, folded.parent / "gguf" / "merged-f32.gguf", dtype="f32").path
    ids = _ids(folded)
    model = AutoModelForCausalLM.from_pretrained(folded).eval()
    with torch.no_grad():
        ref = model(torch.tensor([ids])).logits[0].numpy()
        hf_greedy = model.generate(torch.tensor([ids]), max_new_tokens=12, do_sample=False)[
            0, len(ids) :
        ].tolist()
    llm = Llama(
        model_path=str(gguf), n_ctx=1024, n_threads=1, logits_all=True, verbose=False,
        type_k=llama_cpp.GGML_TYPE_F32, type_v=llama_cpp.GGML_TYPE_F32,
    )  # fmt: skip
    try:
        llm.eval(ids)
        cpp = np.array(llm.scores[: len(ids)])
        llm.reset()
        cpp_greedy = []
        for token in llm.generate(ids, temp=0.0, top_k=1, reset=True):
            cpp_greedy.append(token)
            if len(cpp_greedy) == len(hf_greedy) or token == llm.token_eos():
                break
    finally:
        llm.close()
    np.testing.assert_allclose(cpp, ref, atol=2e-3, rtol=0)
    assert len(hf_greedy) >= 4 and cpp_greedy == hf_greedy
