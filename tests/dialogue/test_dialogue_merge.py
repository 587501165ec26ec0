"""`synoema-dialogue merge`: one chat messages set with the app's prompts, the corpus's splits and a
manifest; it loads with `datasets` and its assistant-token mask covers exactly the assistant turns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dialogue_support import row, run_cli

from assistant.knowledge import load_prompts
from corpus import load_programs
from dialogue.format import Row, append_row, read_rows
from dialogue.merge import MergeError, merge, parse_mix, scale_mix


@pytest.fixture(scope="module")
def merged(built: Path, small_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("merged") / "train.jsonl"
    done = run_cli("merge", "--programs", str(small_corpus), "--dialogues", str(built), "--out", str(out),
                   "--mix", "explain=6,fix=6,ask=6,review=6")
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_merged_rows_have_the_apps_prompts_and_the_corpus_split(merged: Path, small_corpus: Path) -> None:
    rows = read_rows(merged).rows  # check_system: every system message is the app's prompt for the kind
    prompts = {k: p.system for k, p in load_prompts().kinds.items()}
    assert all(r.turns[0].content == prompts[r.kind] for r in rows)
    programs = {p.id: p for p in load_programs(small_corpus)}
    train = [p for p in programs.values() if p.split == "train"]
    assert sum(r.source == "corpus" for r in rows) == len(train)
    for r in rows:
        assert r.split == "train"
        if r.meta.get("program"):
            assert programs[r.meta["program"]].split == "train"  # no test program in a training dialogue
    manifest = json.loads(merged.with_suffix(".manifest.json").read_text(encoding="utf-8"))
    assert manifest["programs"] == len(train) and manifest["dialogue_kinds"] == {"explain": 6, "fix": 6, "ask": 6, "review": 6}
    assert manifest["sources"]["seed"] >= 1 and manifest["rows"] == len(rows)
    assert set(manifest["categories"]) >= {"fundamentals", "-"}


def test_the_default_mix_is_the_recipes_and_shortfalls_are_reported(built: Path) -> None:
    result = merge(dialogues=[built])
    assert result.manifest["mix"] == {"explain": 20, "fix": 20, "ask": 20, "review": 19}
    assert result.manifest["programs"] == 0 and set(result.manifest["short"]) <= {"explain", "fix", "ask", "review"}
    assert parse_mix("all") is None and scale_mix({"explain": 20, "fix": 20, "ask": 20, "review": 19}, 158) == {
        "explain": 40, "fix": 40, "ask": 40, "review": 38}
    with pytest.raises(MergeError):
        parse_mix("explain=many")


def test_a_saved_row_on_a_test_programs_code_stays_out_of_training(small_corpus: Path, tmp_path: Path) -> None:
    test_program = next(p for p in load_programs(small_corpus) if p.split == "test")
    saved = tmp_path / "saved"
    append_row(saved / "explain.jsonl", row("explain", f"explain\n\n```sno\n{test_program.source}```",
                                             f"It prints:\n\n```output\n{test_program.expected_output}```"))
    train = merge(programs=small_corpus, dialogues=[saved], seed_dialogues=False, mix=None, max_programs=0)
    test = merge(programs=small_corpus, dialogues=[saved], seed_dialogues=False, mix=None, max_programs=0, split="test")
    assert train.rows == [] and [r.kind for r in test.rows] == ["explain"]


def test_the_merged_set_loads_renders_and_masks_exactly_the_assistant_turns(merged: Path, tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    pytest.importorskip("transformers")
    from training.tiny_model import build_tokenizer, synoema_corpus

    data = datasets.load_dataset("json", data_files=str(merged), split="train", cache_dir=str(tmp_path / "cache"))
    rows = read_rows(merged).rows
    assert len(data) == len(rows) and data[0]["messages"][0]["role"] == "system"
    tok = build_tokenizer(synoema_corpus(200), 600)
    tok.chat_template = (  # the ChatML template with the assistant's text (and end of turn) marked for the mask
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\n' }}"
        "{% if m['role'] == 'assistant' %}{% generation %}{{ m['content'] + '<|im_end|>' }}{% endgeneration %}"
        "{% else %}{{ m['content'] + '<|im_end|>' }}{% endif %}{{ '\n' }}{% endfor %}"
    )
    multi = [r for r in rows if r.rounds > 1][:2]
    for r in [*rows[:2], *[x for x in rows if x.source != "corpus"][:6], *multi]:
        messages = [dict(m) for m in data[rows.index(r)]["messages"]]
        assert messages == r.messages()
        out = tok.apply_chat_template(messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
        ids, mask = out["input_ids"], out["assistant_masks"]
        text = tok.apply_chat_template(messages, tokenize=False)
        spans, pos = [], 0
        for m in messages:  # where each assistant turn's text and end-of-turn token lie in the rendered text
            head = f"<|im_start|>{m['role']}\n"
            pos = text.index(head, pos) + len(head)
            end = pos + len(m["content"]) + len("<|im_end|>")
            if m["role"] == "assistant":
                spans.append((pos, end))
            pos = end
        enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
        assert enc["input_ids"] == ids
        for i, (start, stop) in enumerate(enc["offset_mapping"]):
            inside = any(a <= start and stop <= b for a, b in spans)
            assert mask[i] == int(inside), (r.id, i, tok.decode([ids[i]]))
        masked = tok.decode([t for t, k in zip(ids, mask) if k])
        assert masked == "".join(m["content"] + "<|im_end|>" for m in messages if m["role"] == "assistant")


def test_rows_keep_their_kind_and_meta(merged: Path) -> None:
    rows: list[Row] = read_rows(merged).rows
    kinds = {r.kind for r in rows}
    assert kinds == {"write", "explain", "fix", "ask", "review"}
    assert all(r.id.startswith(r.kind + "-") for r in rows)
