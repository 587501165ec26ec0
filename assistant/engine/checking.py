"""The engine's door to the language layer: check a block into a `Verdict`, repair a block.

`synoema.check` checks and runs snippets in its sandboxed worker pool (`isolate=True`, what the
engine always uses: snippets are untrusted) or in-process in guarded threads (`isolate=False`); `synoema.repair`
applies the rule-based fixes. Neither raises for bad code: every problem is a diagnostic.
"""

from __future__ import annotations

from assistant.verdict import Verdict
from synoema.check import CheckReport, check
from synoema.repair import RepairResult, repair


def check_code(code: str, *, stdin: str = "", isolate: bool = True) -> CheckReport:
    """Check (and run, bounded) one snippet."""
    return check(code, stdin=stdin, isolate=isolate)


def verdict_of(code: str, index: int = 0, *, quoted: bool = False, stdin: str = "", isolate: bool = True) -> Verdict:
    """The verdict on `code` as block `index` of its message."""
    return Verdict.from_report(check_code(code, stdin=stdin, isolate=isolate), index, quoted=quoted)


def repair_code(code: str) -> RepairResult:
    """The rule-based repair of `code` (its `source` is `code` itself when nothing applies)."""
    return repair(code)
