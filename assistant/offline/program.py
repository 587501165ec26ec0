"""Checking and running the user's code for the offline strategies, under small limits.

Checking goes through `synoema.api.prepare` in this process (cached by content; every stage in a
guarded thread under `CHECK_LIMITS`, so a hostile program cannot hang or grow the app); running goes
to the sandbox's worker processes (`synoema.sandbox`: rlimits, a parent that kills on the deadline),
in-process only where no worker can start. Programs never get file, network, process or environment
access here, and nothing in this module raises for a bad program.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.safetext import strip_control
from synoema import ast as A
from synoema.api import CheckResult, RunResult, prepare, run_source
from synoema.diagnostics import Diagnostic
from synoema.execute import Limits
from synoema.lint.astinfo import iter_funcs

LIMITS = Limits(timeout=2.0, max_depth=100_000, max_output=64 * 1024, max_memory=512 << 20, max_range=2_000_000)
CHECK_LIMITS = Limits(timeout=2.0, max_memory=256 << 20)  # checking happens in this (the app's) process


def check(source: str) -> CheckResult:
    """Parse, resolve and type-check (cached by content)."""
    try:
        return prepare(source, limits=CHECK_LIMITS)[0]
    except Exception as exc:  # the language layer promises not to raise; belt and braces for users
        return CheckResult(diagnostics=[Diagnostic("internal_error", f"the checker failed: {type(exc).__name__}")])


def run(source: str, stdin: str = "") -> RunResult:
    """Run `main` the way `synoema run` does, without IO permissions, in a sandbox worker."""
    from synoema.sandbox import RunRequest, SandboxUnavailable, get_pool

    try:
        try:
            out = get_pool().run(RunRequest(source, stdin=stdin, limits=LIMITS))
        except SandboxUnavailable:
            return run_source(source, stdin=stdin, allow_io=False, limits=LIMITS)
        for d in out.diagnostics:
            d.message = strip_control(d.message)
        value = None if out.value is None else strip_control(out.value)
        return RunResult(strip_control(out.stdout), out.exit_code, out.diagnostics, output=strip_control(out.output),
                         value=value, timings=out.timings)
    except Exception as exc:
        return RunResult("", 1, [Diagnostic("internal_error", f"the runner failed: {type(exc).__name__}")])


def shown_output(result: RunResult) -> str:
    """The text of an output block: exactly what `synoema run` prints (`synoema.fences`)."""
    return result.stdout


def errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.is_error]


def warnings(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if not d.is_error]


def run_problem(result: RunResult, checked: CheckResult) -> Diagnostic | None:
    """The diagnostic that stopped a run (not the compile-time ones already in `checked`)."""
    known = {(d.code, d.line, d.message) for d in checked.diagnostics}
    for d in result.diagnostics:
        if d.is_error and (d.code, d.line, d.message) not in known:
            return d
    return None


def reads_stdin(program: A.Program | None) -> bool:
    """Does the program call `readline` anywhere (so its output depends on the input)?"""
    if program is None:
        return False
    for func in iter_funcs(program.decls):
        for eq in func.equations:
            if any(isinstance(n, A.Var) and n.name == "readline" for n in A.walk(eq.body)):
                return True
    return False


@dataclass
class Analysed:
    """The user's code with what the compiler says about it and, when it compiles, its run."""

    source: str
    checked: CheckResult
    result: RunResult | None = None
    stdin: str = ""

    @property
    def compiles(self) -> bool:
        return self.checked.ok and self.checked.program is not None

    @property
    def has_main(self) -> bool:
        unit = self.checked.unit
        return unit is not None and unit.func("main") is not None

    @property
    def runs(self) -> bool:
        return self.result is not None and self.result.ok


def analyse(source: str, *, execute: bool = True, stdin: str = "") -> Analysed:
    checked = check(source)
    out = Analysed(source, checked, stdin=stdin)
    if execute and out.compiles and out.has_main:
        out.result = run(source, stdin)
    return out
