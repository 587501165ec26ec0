"""The final text of a reply (repaired code in place, real output under each program) and the
plain-text rendering with verdict lines, on real reply texts."""

from __future__ import annotations

from dataclasses import replace

from assistant.engine.compose import rebuild
from assistant.verdict import Repair, Verdict, render_with_verdicts
from synoema.snippets import extract_snippets, segments

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


def test_rebuild_corrects_the_output_block_and_keeps_the_claim() -> None:
    quoted, proposed = extract_snippets(REPLY)
    vq = Verdict(quoted.index, quoted.code, status="fails", quoted=True)
    vp = Verdict(proposed.index, proposed.code, status="runs", stdout="6\n")
    text, (fq, fp) = rebuild(REPLY, [vq, vp])
    assert "```output\n6\n```" in text and "```output\n7\n```" not in text
    assert fp.claimed_output == "7\n" and fp.expected_output == "6\n" and fp.output_matched is True
    assert fq.output_matched is None and fq.quoted
    assert [s.index for s in segments(text) if s.numbered] == [0, 1, 2]  # block numbers stay


def test_rebuild_inserts_a_missing_output_block_after_repaired_code() -> None:
    reply = "Try this:\n\n```sno\nmain = sum [1, 2]\n```\n\nDone.\n"
    (block,) = extract_snippets(reply)
    verdict = Verdict(0, "main = sum [1 2]\n", status="runs", stdout="3\n", repair=Repair(block.code, ("commas",)))
    text, (final,) = rebuild(reply, [verdict])
    assert text == "Try this:\n\n```sno\nmain = sum [1 2]\n```\n```output\n3\n```\n\nDone.\n"
    assert final.expected_output == "3\n" and final.output_matched


def test_a_program_that_prints_matches_its_unit_line() -> None:
    reply = "```sno\nmain = print 6\n```\n```output\n6\n()\n```\n"
    verdict = Verdict(0, "main = print 6\n", status="runs", stdout="6\n()\n")
    text, (final,) = rebuild(reply, [verdict])
    assert text == reply and final.output_matched is True and final.claimed_output is None
    wrong, (corrected,) = rebuild(reply.replace("6\n()\n```\n", "6\n```\n"), [verdict])
    assert "```output\n6\n()\n```" in wrong and corrected.claimed_output == "6\n"


def test_render_puts_verdict_lines_after_the_output_block() -> None:
    reply = "```sno\nmain = 6\n```\n```output\n6\n```\nEnd.\n"
    verdict = Verdict(0, "main = 6\n", status="runs", stdout="6\n", expected_output="6\n")
    shown = render_with_verdicts(reply, [verdict])
    assert shown == ("```sno\nmain = 6\n```\n```output\n6\n```\n» ✓ runs: 6\n"
                     "»   ✓ the output block shows what the program prints\nEnd.\n")
    assert render_with_verdicts(reply, [replace(verdict, expected_output="7\n")]).count("differs") == 1
