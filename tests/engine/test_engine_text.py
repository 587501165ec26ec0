"""Streaming fence detection and the final text composition, on real reply texts."""

from __future__ import annotations

from assistant.engine.compose import rebuild, render_with_verdicts
from assistant.engine.snippets import CodeBlock, FenceWatcher, extract_blocks, iter_fences
from assistant.engine.types import SnippetVerdict

REPLY = """**Problem:** `unexpected_token`: list items are separated by spaces.

```sno quoted
xs = [1, 2, 3]
```

**Fix:**

```sno
xs = [1 2 3]

main = sum xs
```
```output
7
```

A Python block is left alone:

```python
print([1, 2, 3])
```
"""


def stream_all(text: str, size: int) -> tuple[str, list[CodeBlock], list[str | CodeBlock]]:
    watcher = FenceWatcher()
    pieces: list[str | CodeBlock] = []
    for i in range(0, len(text), size):
        pieces += watcher.feed(text[i : i + size])
    pieces += watcher.finish()
    blocks = [p for p in pieces if isinstance(p, CodeBlock)]
    return "".join(p for p in pieces if isinstance(p, str)), blocks, pieces


def test_extract_finds_synoema_blocks_only_with_quoted_flag() -> None:
    blocks = extract_blocks(REPLY)
    assert [b.quoted for b in blocks] == [True, False]
    assert blocks[0].code.strip() == "xs = [1, 2, 3]"
    assert "main = sum xs" in blocks[1].code
    for b in blocks:
        assert REPLY[b.start :].startswith("```sno")
        assert REPLY[: b.end].endswith("```\n")


def test_watcher_gives_the_same_blocks_for_every_chunking() -> None:
    expected = [(b.start, b.end, b.code, b.quoted) for b in extract_blocks(REPLY)]
    for size in (1, 2, 3, 7, 16, 64, len(REPLY)):
        text, blocks, pieces = stream_all(REPLY, size)
        assert text == REPLY
        assert [(b.start, b.end, b.code, b.quoted) for b in blocks] == expected
        # each block is announced right after the text that closes its fence
        released = 0
        for piece in pieces:
            if isinstance(piece, str):
                released += len(piece)
            else:
                assert released == piece.end


def test_unclosed_fence_at_the_end_is_reported_open() -> None:
    text = "Here:\n\n```sno\nmain = 1 +"
    _, blocks, _ = stream_all(text, 4)
    assert len(blocks) == 1 and blocks[0].closed is False
    assert blocks[0].code.strip() == "main = 1 +"


def verdict_for(block: CodeBlock, index: int, **fields: object) -> SnippetVerdict:
    return SnippetVerdict(index=index, code=block.code, start=block.start, end=block.end, **fields)  # type: ignore[arg-type]


def test_rebuild_replaces_code_and_corrects_the_output_block() -> None:
    quoted, proposed = extract_blocks(REPLY)
    vq = verdict_for(quoted, 0, quoted=True, status="fails")
    vp = verdict_for(proposed, 1, status="runs", output="6\n")
    vp.code = "xs = [1 2 3]\n\nmain = sum xs\n"
    text = rebuild(REPLY, [(quoted, vq), (proposed, vp)])
    assert "```output\n6\n```" in text and "```output\n7\n```" not in text
    assert vp.expected_output == "7" and vp.output_matched is False
    assert text[vq.start : vq.end].startswith("```sno quoted") and "[1, 2, 3]" in text[vq.start : vq.end]
    assert text[vp.start : vp.end].startswith("```sno\n") and text[vp.start : vp.end].endswith("```\n")


def test_rebuild_inserts_a_missing_output_block_after_repaired_code() -> None:
    reply = "Try this:\n\n```sno\nmain = sum [1, 2]\n```\n\nDone.\n"
    (block,) = extract_blocks(reply)
    verdict = verdict_for(block, 0, status="runs", output="3\n", repaired=True)
    verdict.code = "main = sum [1 2]\n"
    text = rebuild(reply, [(block, verdict)])
    assert text == "Try this:\n\n```sno\nmain = sum [1 2]\n```\n```output\n3\n```\n\nDone.\n"
    assert text[verdict.start : verdict.end] == "```sno\nmain = sum [1 2]\n```\n"
    assert [f.lang for f in iter_fences(text)] == ["sno", "output"]


def test_render_puts_verdict_lines_after_the_output_block() -> None:
    reply = "```sno\nmain = 6\n```\n```output\n6\n```\nEnd.\n"
    (block,) = extract_blocks(reply)
    verdict = verdict_for(block, 0, status="runs", output="6\n")
    shown = render_with_verdicts(reply, [verdict])
    assert shown == "```sno\nmain = 6\n```\n```output\n6\n```\n» ✓ runs: 6\nEnd.\n"
