"""The one output-block rule and the fence helpers."""

from __future__ import annotations

import synoema
from synoema.fences import output_matches, output_text, program_block, quoted_block


def test_output_block_is_what_synoema_run_prints() -> None:
    report = synoema.check("main = print 6")
    assert report.stdout == "6\n()\n"
    assert output_text(report.stdout) == "6\n()"
    assert program_block("main = print 6", report.stdout) == "```sno\nmain = print 6\n```\n```output\n6\n()\n```"


def test_output_matches_ignores_trailing_blanks_only() -> None:
    assert output_matches("6\n()", "6\n()\n")
    assert output_matches("a  \nb", "a\nb\n")
    assert not output_matches("6", "6\n()\n")
    assert output_matches("", "")


def test_fence_grows_past_backticks_in_body() -> None:
    block = quoted_block('main = print "```"')
    assert block.startswith("````sno quoted\n") and block.endswith("\n````")
