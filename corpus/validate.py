"""Validation: parse, type-check and run each candidate under limits, output compared byte for byte.

`synoema.check_many` does the work in parallel (the sandboxed worker pool). Every candidate keeps
a `Verdict` with the failure kind of the taxonomy and the diagnostic codes:

    syntax        the program does not parse
    type          it parses but does not type-check
    runtime       it stops with a runtime error (division by zero, `head []`, `error`, ...)
    limit         it ran out of time, memory, depth or output
    refused       it needs files, network, processes or the environment, which the sandbox denies
    no_main       it defines things but has no `main` to run
    wrong_output  it runs, but prints something else than the expected output
    no_program    (model generators) the answer holds no ```sno block
    generator_error  no candidate at all: a request failed for good, or a synth family raised
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from synoema.execute import Limits

FAILURE_KINDS: tuple[str, ...] = ("syntax", "type", "runtime", "limit", "refused", "no_main", "wrong_output", "no_program", "generator_error")
GATE_KINDS: tuple[str, ...] = ("duplicate", "near_duplicate", "contaminated", "too_long")
DEFAULT_LIMITS = Limits(timeout=10.0)


@dataclass(frozen=True)
class Verdict:
    """The outcome of running one candidate against its expected output."""

    ok: bool
    kind: str | None = None  # a FAILURE_KINDS entry when not ok
    codes: tuple[str, ...] = ()
    message: str = ""  # the first error, as one line
    stdout: str = ""
    diagnostics: tuple[dict[str, Any], ...] = field(default=(), compare=False)  # for the repair prompt

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "kind": self.kind, "codes": list(self.codes), "message": self.message}


NO_PROGRAM = Verdict(False, "no_program", ("no_program",), "the answer has no ```sno block")


def classify(report: Any, expected: str) -> Verdict:
    """The verdict for a `CheckReport`: which stage stopped it, or whether the output differs."""
    errors = [d for d in report.diagnostics if d.is_error]
    codes = tuple(dict.fromkeys(d.code for d in errors))
    first = errors[0] if errors else None
    where = f"line {first.line}: " if first is not None and first.line else ""
    message = f"{where}{first.code}: {first.message}" if first is not None else ""
    diags = tuple(
        {"code": d.code, "message": d.message, "line": d.line, "hint": d.llm_hint or ""} for d in errors[:3]
    )
    stages = report.stages
    if stages.get("parse") == "failed":
        return Verdict(False, "syntax", codes, message, "", diags)
    if stages.get("types") == "failed":
        return Verdict(False, "type", codes, message, "", diags)
    if report.shape != "program":
        return Verdict(False, "no_main", ("no_main",), "the program has no `main`", "", diags)
    if stages.get("run") == "skipped":
        refused = [d for d in report.diagnostics if d.code == "permission_denied"]
        return Verdict(False, "refused", ("permission_denied",), refused[0].message if refused else "not run", "", diags)
    if report.limit_exceeded:
        return Verdict(False, "limit", codes or ("limit_exceeded",), message, report.stdout, diags)
    if stages.get("run") == "failed" or report.crashed:
        return Verdict(False, "runtime", codes or ("runtime_error",), message, report.stdout, diags)
    if report.stdout != expected:
        return Verdict(False, "wrong_output", ("wrong_output",), _difference(report.stdout, expected), report.stdout, diags)
    return Verdict(True, None, (), "", report.stdout)


def _difference(got: str, expected: str) -> str:
    g, e = got.split("\n"), expected.split("\n")
    for i, (a, b) in enumerate(zip(g, e), start=1):
        if a != b:
            return f"output line {i} is {a!r}, expected {b!r}"
    return f"prints {len(g) - 1} lines, expected {len(e) - 1}"


@dataclass(frozen=True)
class Check:
    source: str
    expected: str
    stdin: str = ""


class Validator:
    """Runs candidates through `synoema.check_many` with the corpus's limits."""

    def __init__(self, jobs: int | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        self.jobs = jobs
        self.limits = limits

    def many(self, items: Sequence[Check], progress: Callable[[int, int], None] | None = None) -> list[Verdict]:
        import synoema

        if not items:
            return []
        reports = synoema.check_many(
            [{"source": c.source, "stdin": c.stdin} for c in items],
            jobs=self.jobs,
            limits=self.limits,
            progress=(lambda done, total, _r: progress(done, total)) if progress else None,
        )
        return [classify(r, c.expected) for r, c in zip(reports, items)]

    def one(self, item: Check) -> Verdict:
        import synoema

        return classify(synoema.check(item.source, stdin=item.stdin, limits=self.limits), item.expected)
