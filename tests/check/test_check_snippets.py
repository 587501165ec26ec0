"""Snippet extraction from replies and Markdown: what counts as Synoema, positions, quoted vs proposed,
and the streaming extractor giving the same snippets as soon as each fence closes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from synoema.snippets import (
    Segment,
    SegmentStream,
    block_count,
    extract_snippets,
    is_synoema,
    output_after,
    segments,
)

REPLY = '''**Problem:** `type_mismatch` — your code joins strings with `+`.

Your code:

```sno quoted
main = "a" + "b"
```

Here is the fixed version:

```sno
main = "a" ++ "b"
```

```output
ab
```
'''


def test_tagged_fences_with_positions_and_roles() -> None:
    got = extract_snippets(REPLY)
    assert [s.code for s in got] == ['main = "a" + "b"\n', 'main = "a" ++ "b"\n']
    assert [s.quoted for s in got] == [True, False]
    assert [s.index for s in got] == [0, 1]
    for s in got:
        block = REPLY[s.start:s.end]
        assert block.startswith("```sno") and block.endswith("```")
        assert s.code in block and s.closed and s.fenced and s.lang == "sno"
    assert got[0].info == "sno quoted"


def test_output_and_other_languages_are_not_snippets() -> None:
    text = "```python\nprint(1)\n```\n\n```output\n[1 2 3]\n```\n\n```haskell\nmain = print 1\n```\n"
    assert extract_snippets(text) == []


def test_untagged_fences_are_kept_only_when_they_are_synoema() -> None:
    text = ("```\ndouble x = x * 2\nmain = double 4\n```\n\n```\npip install synoema\n```\n\n"
            "```\n42\n```\n\n```\nmap (\\x -> x + 1) [1 2]\n```\n\n```\nmain = [1, 2]\n```\n")
    got = extract_snippets(text)
    assert [s.code.split("\n")[0] for s in got] == ["double x = x * 2", "map (\\x -> x + 1) [1 2]", "main = [1, 2]"]
    assert all(s.lang == "sno" and s.info == "" for s in got)


def test_is_synoema() -> None:
    assert is_synoema("sq x = x * x\n")
    assert is_synoema("[1 2 3] |> map (\\x -> x * 2)")
    assert not is_synoema("ls -la")
    assert not is_synoema("hello world")
    assert not is_synoema("import os\nprint(os.getcwd())\n")
    assert not is_synoema("")


def test_indented_blocks() -> None:
    text = "Try this:\n\n    main = map (\\x -> x * 2) [1 2]\n\nand a list item:\n\n1. step\n\n    more text of the item\n"
    got = extract_snippets(text)
    assert len(got) == 1 and not got[0].fenced
    assert got[0].code == "main = map (\\x -> x * 2) [1 2]\n"
    assert text[got[0].start:got[0].end] == "    main = map (\\x -> x * 2) [1 2]"


def test_quoted_and_proposed_from_the_prose() -> None:
    cases = [
        ("The broken version:\n\n```sno\nmain = 1\n```\n", True),
        ("Before:\n```sno\nmain = 1\n```\n", True),
        ("You wrote\n```sno\nmain = 1\n```\n", True),
        ("After:\n```sno\nmain = 1\n```\n", False),
        ("The corrected program:\n```sno\nmain = 1\n```\n", False),
        ("Here is the fix:\n```sno\nmain = 1\n```\n", False),
        ("A program:\n```sno\nmain = 1\n```\n", False),
        ("Your code had a bug. Here is the fixed version:\n```sno\nmain = 1\n```\n", False),
        ("```sno before\nmain = 1\n```\n", True),
        ("Your code:\n```sno fixed\nmain = 1\n```\n", False),
    ]
    for text, quoted in cases:
        (s,) = extract_snippets(text)
        assert s.quoted is quoted, text


def test_prose_of_an_earlier_block_does_not_leak() -> None:
    text = "Your code:\n```sno\nmain = 1\n```\n```sno\nmain = 2\n```\n"
    a, b = extract_snippets(text)
    assert a.quoted and not b.quoted


def test_unclosed_fence_and_indentation_inside_lists() -> None:
    text = "1. Fix it:\n   ```sno\n   main =\n     1 + 2\n   ```\n2. Then:\n```sno\nmain = 3\n"
    a, b = extract_snippets(text)
    assert a.code == "main =\n  1 + 2\n" and a.closed
    assert b.code == "main = 3\n" and not b.closed and b.end == len(text)


def test_tildes_and_longer_fences() -> None:
    text = "~~~synoema\nmain = 1\n~~~\n````sno\nmain = \"```\"\n````\n"
    a, b = extract_snippets(text)
    assert a.code == "main = 1\n" and a.lang == "synoema"
    assert b.code == 'main = "```"\n'


def _synoema(found: list[Segment]) -> list[Segment]:
    return [s for s in found if s.is_synoema]


def test_stream_yields_each_snippet_when_its_fence_closes() -> None:
    stream = SegmentStream()
    assert _synoema(stream.feed("Your code:\n\n```sno quo")) == []
    assert _synoema(stream.feed("ted\nmain = 1\n")) == [] and stream.in_code
    tail = stream.tail()
    assert tail is not None and not tail.closed and tail.text == "main = 1\n"
    first = _synoema(stream.feed("```\nnow the fix:\n```sno\nmain = 2\n"))
    assert [s.code for s in first] == ["main = 1\n"] and first[0].quoted
    assert _synoema(stream.feed("```")) == []  # the closing line is not complete yet
    rest = _synoema(stream.close())
    assert [s.code for s in rest] == ["main = 2\n"] and rest[0].closed


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=80))
def test_stream_matches_batch_for_any_chunking(cuts: list[int]) -> None:
    text = REPLY + "\n    sq x = x * x\n\nend\n- one\n- two\n```\nmain = [1 2]\n```\n```python\nx = 1\n```\n```sno\nmain = unfinished"
    stream = SegmentStream()
    got: list[Segment] = []
    pos = 0
    for n in cuts:
        got += stream.feed(text[pos:pos + n])
        pos += n
        assert stream.done <= len(stream.text)
    got += stream.feed(text[pos:])
    got += stream.close()
    assert got == segments(text)


def test_segments_number_every_block_but_output() -> None:
    text = ("Intro.\n\n```sno quoted\nmain = 1\n```\n\n```python\nprint(1)\n```\n"
            "```sno\nmain = print 2\n```\n```output\n2\n()\n```\n- item one\n- item two\n")
    found = segments(text)
    assert [s.kind for s in found] == ["prose", "quoted", "foreign", "code", "output", "prose", "prose"]
    assert [s.index for s in found if s.numbered] == [0, 1, 2]
    assert block_count(text) == 3
    code = found[3]
    out = output_after(found, code)
    assert out is not None and out.text == "2\n()\n"
    assert output_after(found, found[1]) is None
    assert found[-1].text == "- item two\n"  # each list item is its own prose segment
