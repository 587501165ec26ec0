"""The model-prompt reference: both sizes load, cover the language, fit their token budgets, and
every example program runs and prints what the text says."""

from __future__ import annotations

import pytest
from kn_support import Program, check_command, count_tokens, programs, run_program

from assistant.knowledge import KnowledgeError, load_reference

TARGETS = {"full": 1800, "compact": 900}
# An exact cl100k_base count must be within 12% of the target; the words*1.3 estimate undercounts
# code-heavy text by about a quarter, so it only gets a coarse check.
TOLERANCE = {True: 0.12, False: 0.35}
MUST_MENTION = [
    "[1 2 3]",
    "? c -> a : b",
    "++",
    "(x:xs)",
    "[(f x)]",
    "def",
    "return",
    "let",
    "where",
    "case",
    "|>",
    ">>",
    "**",
    "[1..5]",
    "<-",
    "{...p",
    "derive",
    "trait",
    "impl",
    "mod ",
    "use ",
    "${",
    "print",
    ";",
    "readline",
    "show",
    "Result",
    "Maybe",
    "map_insert",
    "json_parse",
    "env",
    "args",
    "str_join",
    "foldl",
    "before use",
    "Int and Float",
]
COMPACT_MUST_MENTION = ["[1 2 3]", "? c -> a : b", "++", "(x:xs)", "[(f x)]", "readline", "Result", "${"]


def _examples(size: str) -> list[Program]:
    return programs(load_reference(size))  # type: ignore[arg-type]


def _stdin_for(size: str, program: Program) -> str | None:
    text = load_reference(size)  # type: ignore[arg-type]
    before = text[: text.index(program.code)]
    marker = "With `"
    last = before.rfind(marker)
    if last != -1 and before[last:].count("```") == 1 and "on stdin" in before[last:]:
        return before[last + len(marker) : before.index("`", last + len(marker))] + "\n"
    return None


@pytest.mark.parametrize("size", ["full", "compact"])
def test_reference_loads_and_fits_budget(size: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = load_reference(size)  # type: ignore[arg-type]
    count = count_tokens(text)
    with capsys.disabled():
        print(f"\nreference_{size}.md: {count.tokens} tokens ({count.method}), {len(text.split())} words")
    target, tolerance = TARGETS[size], TOLERANCE[count.exact]
    assert abs(count.tokens - target) <= target * tolerance


def test_unknown_size_is_rejected() -> None:
    with pytest.raises(KnowledgeError):
        load_reference("huge")  # type: ignore[arg-type]


def test_full_reference_covers_the_language() -> None:
    text = load_reference("full")
    missing = [item for item in MUST_MENTION if item not in text]
    assert not missing, f"reference_full.md does not mention {missing}"


def test_compact_reference_covers_the_overrides() -> None:
    text = load_reference("compact")
    missing = [item for item in COMPACT_MUST_MENTION if item not in text]
    assert not missing


def test_full_reference_has_four_to_six_examples_with_main_last() -> None:
    examples = _examples("full")
    assert 4 <= len(examples) <= 6
    for example in examples:
        lines = [line for line in example.code.splitlines() if line and not line[0].isspace()]
        assert lines[-1].startswith("main ="), example.code


@pytest.mark.parametrize("size", ["full", "compact"])
def test_reference_examples_run_and_print_what_they_say(size: str) -> None:
    if check_command() is None:
        pytest.skip("no Synoema checker on PATH")
    examples = _examples(size)
    assert examples
    for example in examples:
        result = run_program(example.code, _stdin_for(size, example))
        assert result.ok, f"{example.code}\nfailed: {result.error}"
        assert result.stdout == example.output, example.code
