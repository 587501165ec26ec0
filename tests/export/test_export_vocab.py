"""The tokenizer half of the export: pre-tokenizer by probe hash, token types, special ids, chat template."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("tokenizers", reason="the train extra is not installed")
pytest.importorskip("gguf", reason="the train extra is not installed")

from export_support import edit_json, gguf_fields, token_types

from training.gguf.pretokenizers import KNOWN, PROBE, REFERENCES, reference_hashes
from training.gguf.vocab import CONTROL, NORMAL, UNUSED, USER_DEFINED
from training.gguf_export import ExportError, export_gguf, main

# Text beyond the probe, to compare llama.cpp's tokenization with transformers' on.
SAMPLES = (
    PROBE,
    "Hello  World\n\n\tx = 1234567 + 89",
    "naïve Ünïcödé 😀😀 中文 テスト",
    "don't WON'T it's '''",
    "a/b//c ./x?!",
    "  lead and trail  ",
)
CONFIG = {
    "model_type": "qwen2",
    "architectures": ["Qwen2ForCausalLM"],
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 1,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 512,
}


def _tokenizer_dir(path: Path, pre_tokenizer: object = None, vocab_pad: int = 0) -> tuple[Path, object]:
    """A tokenizer trained here (optionally with another pre-tokenizer) and a config, without weights."""
    from training.tiny_model import build_tokenizer, synoema_corpus

    tok = build_tokenizer(synoema_corpus(120) + PROBE.splitlines(), 600, pre_tokenizer=pre_tokenizer)
    tok.save_pretrained(path)
    (path / "config.json").write_text(json.dumps({**CONFIG, "vocab_size": len(tok) + vocab_pad}))
    return path, tok


def _vocab_llama(gguf: Path) -> object:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed")
    from llama_cpp import Llama

    return Llama(model_path=str(gguf), vocab_only=True, verbose=False)


def test_known_hashes_are_computed_from_the_references() -> None:
    """The table in the module is what the reference configurations give today, one name per hash."""
    assert reference_hashes() == KNOWN
    assert sorted(KNOWN.values()) == sorted(REFERENCES)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_each_pre_tokenizer_tokenizes_like_transformers(name: str, tmp_path: Path) -> None:
    """Identified by its probe hash, and llama.cpp then splits and merges exactly as transformers does."""
    src, tok = _tokenizer_dir(tmp_path / name, REFERENCES[name]())
    report = export_gguf(src, tmp_path / f"{name}.gguf", vocab_only=True, allow_missing_template=True)
    assert report.pre_tokenizer == gguf_fields(report.path)["tokenizer.ggml.pre"] == name
    llm = _vocab_llama(report.path)
    try:
        for text in SAMPLES:
            ids = llm.tokenize(text.encode(), add_bos=False, special=False)
            assert ids == tok(text, add_special_tokens=False)["input_ids"], text[:30]
            assert llm.detokenize(ids).decode() == text
    finally:
        llm.close()


def test_unknown_pre_tokenizer_or_normalizer_is_refused(tmp_path: Path) -> None:
    from tokenizers import normalizers, pre_tokenizers

    src, _ = _tokenizer_dir(tmp_path / "prefix", pre_tokenizers.ByteLevel(add_prefix_space=True))
    with pytest.raises(ExportError, match="unknown pre-tokenizer"):
        export_gguf(src, tmp_path / "x.gguf", vocab_only=True)
    src, tok = _tokenizer_dir(tmp_path / "lower")
    tok.backend_tokenizer.normalizer = normalizers.Lowercase()
    tok.save_pretrained(src)
    with pytest.raises(ExportError, match="Lowercase normalizer"):
        export_gguf(src, tmp_path / "x.gguf", vocab_only=True)
    assert not (tmp_path / "x.gguf").exists()


def test_qwen25_style_added_tokens_are_control(tmp_path: Path) -> None:
    """``<|fim_prefix|>`` and friends are marked special: false in Qwen2.5; llama.cpp types them CONTROL."""
    from tokenizers import AddedToken

    src, tok = _tokenizer_dir(tmp_path / "qwen25", vocab_pad=0)
    fim = [
        "<|fim_prefix|>",
        "<|fim_middle|>",
        "<|fim_suffix|>",
        "<|fim_pad|>",
        "<|repo_name|>",
        "<|file_sep|>",
    ]
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in fim])
    tok.add_tokens([AddedToken("[SYN]", special=False, normalized=False)])
    tok.save_pretrained(src)
    n = len(tok)
    edit_json(src / "config.json", vocab_size=n + 9)  # padded like Qwen2.5's 151,936 rows for 151,665 tokens
    report = export_gguf(src, tmp_path / "q.gguf", vocab_only=True)
    types = token_types(report.path)
    ids = {t: tok.convert_tokens_to_ids(t) for t in [*fim, "[SYN]", "<|im_end|>", "fac"]}
    assert [types[ids[t]] for t in fim] == [CONTROL] * len(fim)
    assert types[ids["<|im_end|>"]] == CONTROL
    assert types[ids["[SYN]"]] == USER_DEFINED
    assert types[ids["fac"]] == NORMAL
    assert types[n:] == [UNUSED] * 9 and len(types) == n + 9

    import llama_cpp

    llm = _vocab_llama(report.path)
    try:
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        assert llama_cpp.llama_vocab_is_control(vocab, ids["<|fim_prefix|>"])
        assert llama_cpp.llama_vocab_fim_pre(vocab) == ids["<|fim_prefix|>"]
        text = "<|fim_prefix|>fac n<|fim_suffix|>"
        assert llm.tokenize(text.encode(), add_bos=False, special=True) == tok(text)["input_ids"]
        # A control token is text when special tokens are not parsed, as in user content.
        assert ids["<|fim_prefix|>"] not in llm.tokenize(text.encode(), add_bos=False, special=False)
    finally:
        llm.close()


def test_every_special_token_id_and_add_bos_eos(tmp_path: Path) -> None:
    """bos/eos/unk/sep/pad/cls/mask ids, and whether bos/eos are added, as transformers does."""
    from tokenizers import AddedToken, processors

    src, tok = _tokenizer_dir(tmp_path / "special")
    extra = ["<s>", "</s>", "<unk>", "<sep>", "<cls>", "<mask>"]
    tok.add_special_tokens({"additional_special_tokens": [AddedToken(t, special=True) for t in extra]})
    tok.bos_token, tok.eos_token, tok.unk_token = "<s>", "</s>", "<unk>"
    tok.sep_token, tok.cls_token, tok.mask_token = "<sep>", "<cls>", "<mask>"
    ids = {t: tok.convert_tokens_to_ids(t) for t in [*extra, "<|endoftext|>"]}
    tok.backend_tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])]
    )
    tok.save_pretrained(src)
    edit_json(src / "config.json", vocab_size=len(tok))
    report = export_gguf(src, tmp_path / "s.gguf", vocab_only=True)
    fields = gguf_fields(report.path)
    expected = {
        "bos_token_id": "<s>", "eos_token_id": "</s>", "unknown_token_id": "<unk>", "seperator_token_id": "<sep>",
        "padding_token_id": "<|endoftext|>", "cls_token_id": "<cls>", "mask_token_id": "<mask>",
    }  # fmt: skip
    for key, token in expected.items():
        assert fields[f"tokenizer.ggml.{key}"] == ids[token], key
    assert fields["tokenizer.ggml.add_bos_token"] is True
    assert fields["tokenizer.ggml.add_eos_token"] is True

    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(src)
    llm = _vocab_llama(report.path)
    try:
        assert llm.tokenize(b"fac n = 1", add_bos=True) == hf("fac n = 1")["input_ids"]
        assert hf("fac n = 1")["input_ids"][0] == ids["<s>"]
    finally:
        llm.close()


def test_chat_template_sources(tiny_dir: Path, tmp_path: Path) -> None:
    """chat_template.jinja, tokenizer_config.json and chat_template.json, in transformers' order."""
    template = (tiny_dir / "chat_template.jinja").read_text()
    legacy = tmp_path / "legacy"
    shutil.copytree(tiny_dir, legacy)
    (legacy / "chat_template.jinja").unlink()
    (legacy / "chat_template.json").write_text(json.dumps({"chat_template": template}))
    report = export_gguf(legacy, tmp_path / "legacy.gguf", vocab_only=True)
    assert report.chat_template and gguf_fields(report.path)["tokenizer.chat_template"] == template

    edit_json(legacy / "tokenizer_config.json", chat_template="{{ 'from tokenizer_config' }}")
    report = export_gguf(legacy, tmp_path / "cfg.gguf", vocab_only=True)
    assert gguf_fields(report.path)["tokenizer.chat_template"] == "{{ 'from tokenizer_config' }}"

    (legacy / "chat_template.jinja").write_text("{{ 'from jinja' }}")
    named = legacy / "additional_chat_templates"
    named.mkdir()
    (named / "tool_use.jinja").write_text("{{ 'tools' }}")
    fields = gguf_fields(export_gguf(legacy, tmp_path / "jinja.gguf", vocab_only=True).path)
    assert fields["tokenizer.chat_template"] == "{{ 'from jinja' }}"
    assert fields["tokenizer.chat_template.tool_use"] == "{{ 'tools' }}"


def test_chat_model_without_template_is_refused(tiny_dir: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(tiny_dir, bare)
    (bare / "chat_template.jinja").unlink()
    with pytest.raises(ExportError, match=r"chat model.*<\|im_start\|>.*--chat-template"):
        export_gguf(bare, tmp_path / "x.gguf", vocab_only=True)
    assert not (tmp_path / "x.gguf").exists()

    report = export_gguf(bare, tmp_path / "allowed.gguf", vocab_only=True, allow_missing_template=True)
    assert not report.chat_template and "no chat template" in report.warnings[0]
    assert "tokenizer.chat_template" not in gguf_fields(report.path)

    given = export_gguf(bare, tmp_path / "given.gguf", vocab_only=True, chat_template="{{ 'mine' }}")
    assert gguf_fields(given.path)["tokenizer.chat_template"] == "{{ 'mine' }}"


def test_base_model_without_template_warns(tmp_path: Path) -> None:
    """No chat markers in the vocabulary: a base model, exported with a loud warning."""
    src, _ = _tokenizer_dir(tmp_path / "base")
    for name in ("chat_template.jinja",):
        (src / name).unlink(missing_ok=True)
    tok_json = json.loads((src / "tokenizer.json").read_text())
    for entry in tok_json["added_tokens"]:
        entry["content"] = (
            entry["content"].replace("<|im_start|>", "<|begin|>").replace("<|im_end|>", "<|end|>")
        )
    vocab = tok_json["model"]["vocab"]
    vocab["<|begin|>"], vocab["<|end|>"] = vocab.pop("<|im_start|>"), vocab.pop("<|im_end|>")
    (src / "tokenizer.json").write_text(json.dumps(tok_json))
    edit_json(src / "tokenizer_config.json", eos_token="<|end|>", extra_special_tokens=None)
    report = export_gguf(src, tmp_path / "b.gguf", vocab_only=True)
    assert not report.chat_template and "no chat template" in report.warnings[0]


def test_cli_reports_and_fails_clearly(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tiny_dir), str(tmp_path / "cli.gguf"), "--dtype", "q8_0", "--name", "cli"]) == 0
    out = capsys.readouterr().out
    assert "qwen2, q8_0" in out and "pre-tokenizer qwen2" in out and "chat template yes" in out
    assert gguf_fields(tmp_path / "cli.gguf")["general.name"] == "cli"

    bare = tmp_path / "bare"
    shutil.copytree(tiny_dir, bare)
    (bare / "chat_template.jinja").unlink()
    assert main([str(bare), str(tmp_path / "bare.gguf")]) == 2
    assert "gguf export failed" in capsys.readouterr().err
    template = tmp_path / "t.jinja"
    template.write_text("{{ messages[0]['content'] }}")
    assert main([str(bare), str(tmp_path / "bare.gguf"), "--chat-template", str(template)]) == 0
