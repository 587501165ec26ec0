"""Seed dialogues: schema, balance across kinds, fence conventions, and every code block checked:
proposed programs run and print their stated output, users' code behaves as `meta.user_code` says,
and quoted code is copied from the user's message."""

from __future__ import annotations

from collections import Counter

import pytest
from kn_support import check_command, error_line, fences, programs, run_program

from assistant.knowledge import KINDS, SeedDialogue, load_passages, load_prompts, load_seed_dialogues

ASSISTANT_FENCES = {"sno", "sno quoted", "output"}
USER_FENCES = {"sno", "output", "text", ""}
DIALOGUES = load_seed_dialogues()


def _user_code(dialogue: SeedDialogue) -> list[str]:
    return [
        f.body for m in dialogue.messages if m.role == "user" for f in fences(m.content) if f.info == "sno"
    ]


def _assistant_texts(dialogue: SeedDialogue) -> list[str]:
    return [m.content for m in dialogue.messages if m.role == "assistant"]


def _needs_checker() -> None:
    if check_command() is None:
        pytest.skip("no Synoema checker on PATH")


def test_forty_dialogues_eight_per_kind() -> None:
    assert len(DIALOGUES) == 40
    assert Counter(d.kind for d in DIALOGUES) == dict.fromkeys(KINDS, 8)
    for dialogue in DIALOGUES:
        assert dialogue.id.startswith(f"{dialogue.kind}-"), dialogue.id
        assert dialogue.source == f"{dialogue.kind}.jsonl", dialogue.id


def test_meta_topics_are_passage_ids() -> None:
    ids = {passage.id for passage in load_passages()}
    for dialogue in DIALOGUES:
        topics = dialogue.meta.get("topics", [])
        assert topics and not [t for t in topics if t not in ids], dialogue.id


def test_system_message_is_the_kind_prompt() -> None:
    prompts = load_prompts()
    for dialogue in DIALOGUES:
        assert dialogue.messages[0].role == "system", dialogue.id
        assert dialogue.messages[0].content == prompts.kinds[dialogue.kind].system, dialogue.id


@pytest.mark.parametrize("dialogue", DIALOGUES, ids=lambda d: d.id)
def test_fence_conventions(dialogue: SeedDialogue) -> None:
    for message in dialogue.messages[1:]:
        allowed = ASSISTANT_FENCES if message.role == "assistant" else USER_FENCES
        infos = {f.info for f in fences(message.content)}
        assert infos <= allowed, f"{dialogue.id}: unexpected fences {infos - allowed}"
        assert message.content.count("```") % 2 == 0, f"{dialogue.id}: unbalanced fence"
    for text in _assistant_texts(dialogue):
        for program in programs(text):
            top_level = [line for line in program.code.splitlines() if line and not line[0].isspace()]
            assert top_level[-1].startswith("main ="), f"{dialogue.id}: main must be last"
    if dialogue.kind in ("fix", "review", "explain"):
        assert _user_code(dialogue), f"{dialogue.id}: the user shows code"
    if dialogue.kind == "fix" or (dialogue.kind == "review" and dialogue.meta.get("verdict") != "good"):
        first = _assistant_texts(dialogue)[0]
        assert any(f.info == "sno quoted" for f in fences(first)), f"{dialogue.id}: quote the user's code"
        assert programs(first), f"{dialogue.id}: propose a program"


@pytest.mark.parametrize("dialogue", DIALOGUES, ids=lambda d: d.id)
def test_quoted_code_is_copied_from_the_user(dialogue: SeedDialogue) -> None:
    user_lines = {line.strip() for code in _user_code(dialogue) for line in code.splitlines()}
    for text in _assistant_texts(dialogue):
        for fence in fences(text):
            if fence.info != "sno quoted":
                continue
            foreign = [
                line for line in fence.body.splitlines() if line.strip() and line.strip() not in user_lines
            ]
            assert not foreign, f"{dialogue.id}: quoted lines not in the user's code: {foreign}"


@pytest.mark.parametrize("dialogue", DIALOGUES, ids=lambda d: d.id)
def test_proposed_programs_run_and_print_what_they_say(dialogue: SeedDialogue) -> None:
    _needs_checker()
    stdin = dialogue.meta.get("stdin")
    for text in _assistant_texts(dialogue):
        for program in programs(text):
            result = run_program(program.code, stdin)
            assert result.ok, f"{dialogue.id}:\n{program.code}\nfailed: {result.error}"
            assert result.stdout == program.output, f"{dialogue.id}:\n{program.code}"


@pytest.mark.parametrize("dialogue", [d for d in DIALOGUES if "user_code" in d.meta], ids=lambda d: d.id)
def test_user_code_behaves_as_stated(dialogue: SeedDialogue) -> None:
    _needs_checker()
    expected = dialogue.meta["user_code"]
    code = _user_code(dialogue)[0]
    result = run_program(code, dialogue.meta.get("stdin"))
    if expected["status"] == "runs":
        assert result.ok, f"{dialogue.id}: {result.error}"
        assert result.stdout == expected["output"], dialogue.id
        return
    assert expected["status"] == "fails", dialogue.id
    assert result.error is not None, f"{dialogue.id}: expected a failure, got {result.stdout!r}"
    assert result.error["code"] == expected["error_code"], dialogue.id
    assert error_line(result.error) == expected.get("line"), dialogue.id
    if "message" in expected:
        assert result.error["message"] == expected["message"], dialogue.id
    if dialogue.kind == "fix":
        assert f"`{expected['error_code']}`" in _assistant_texts(dialogue)[0], (
            f"{dialogue.id}: name the error"
        )
    for message in dialogue.messages:
        if message.role == "user" and "error[" in message.content:
            assert f"error[{expected['error_code']}]" in message.content, dialogue.id
