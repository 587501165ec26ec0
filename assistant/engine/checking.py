"""One door to the language layer: check a snippet, repair a snippet, flatten diagnostics.

Uses `synoema.check` (isolated workers, three snippet shapes) and `synoema.repair.repair` when they
are installed, and falls back to the in-process `synoema.api` otherwise, so the engine works with
whichever language layer is present. Nothing here raises for bad code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.engine.types import DiagnosticInfo, Status

_STATUSES = ("runs", "types", "parses", "fails", "skipped")


@dataclass
class CheckOutcome:
    """What the engine needs from one check, whatever produced it."""

    status: Status
    shape: str = "program"
    signatures: list[tuple[str, str]] = field(default_factory=list)
    stdout: str = ""
    diagnostics: list[DiagnosticInfo] = field(default_factory=list)
    matched: bool | None = None
    limit_exceeded: bool = False
    crashed: bool = False

    @property
    def ok(self) -> bool:
        return self.status != "fails" and not any(d.severity == "error" for d in self.diagnostics)


@dataclass
class RepairOutcome:
    """Rule-based repair: the code after it, one note per edit, and whether anything changed."""

    code: str
    notes: list[str] = field(default_factory=list)
    changed: bool = False


def flatten(diag: Any) -> DiagnosticInfo:
    """A language-layer `Diagnostic` (or anything shaped like it) as a plain `DiagnosticInfo`."""
    if isinstance(diag, DiagnosticInfo):
        return diag
    span = getattr(diag, "span", None)
    hint = getattr(diag, "llm_hint", None) or getattr(diag, "hint", None)
    return DiagnosticInfo(
        code=str(getattr(diag, "code", "error")),
        message=str(getattr(diag, "message", diag)),
        line=int(getattr(span, "line", 0) or 0),
        col=int(getattr(span, "col", 0) or 0),
        end_line=int(getattr(span, "end_line", 0) or 0),
        end_col=int(getattr(span, "end_col", 0) or 0),
        severity=str(getattr(diag, "severity", "error") or "error"),
        hint=str(hint) if hint else None,
        did_you_mean=(str(d) if (d := getattr(diag, "did_you_mean", None)) else None),
    )


def _flat_all(diags: Iterable[Any]) -> list[DiagnosticInfo]:
    return [flatten(d) for d in diags]


def check_code(
    code: str, *, run: bool = True, stdin: str = "", expect_output: str | None = None, isolate: bool = True
) -> CheckOutcome:
    """Check (and by default run, bounded) one snippet; never raises.

    `isolate` runs the program in the language layer's sandbox workers; False runs it in-process
    under the watchdog (no worker start-up: what a one-shot command wants).
    """
    layer_check = _layer_check()
    try:
        if layer_check is not None:
            report = layer_check(code, run=run, stdin=stdin, expect_output=expect_output, isolate=isolate)
            return _from_report(report)
        return _fallback_check(code, run, stdin, expect_output)
    except Exception as exc:  # the checker failing is reported as a verdict, never as a crash
        return CheckOutcome(
            status="fails",
            diagnostics=[DiagnosticInfo("internal_error", f"the checker failed: {exc}")],
            crashed=True,
        )


def _layer_check() -> Any:
    """`synoema.check` when the language layer has it (a function, or a module holding one)."""
    try:
        from synoema import check as found  # type: ignore[attr-defined]
    except ImportError:
        return None
    if not callable(found):
        found = getattr(found, "check", None)
    return found if callable(found) else None


def _status_from_stages(stages: Any) -> Status:
    if not isinstance(stages, dict):
        return "fails"
    state = {str(k): str(getattr(v, "value", v)).lower() for k, v in stages.items()}
    if any(v == "failed" for v in state.values()):
        return "fails"
    if state.get("run") == "passed":
        return "runs"
    if state.get("types") == "passed":
        return "types"
    if state.get("parse") == "passed":
        return "parses"
    return "skipped"


def _from_report(report: Any) -> CheckOutcome:
    status = str(getattr(report, "status", "") or "")
    if status not in _STATUSES:
        status = _status_from_stages(getattr(report, "stages", None))
    limit = bool(getattr(report, "limit_exceeded", False))
    crashed = bool(getattr(report, "crashed", False))
    stages = getattr(report, "stages", None) or {}
    failed = any(str(v) == "failed" for v in stages.values()) if isinstance(stages, dict) else False
    errors = [d for d in getattr(report, "diagnostics", None) or [] if getattr(d, "is_error", True)]
    if limit or crashed or failed or errors:
        status = "fails"  # the layer reports the highest stage reached; a verdict says whether it works
    shape = str(getattr(getattr(report, "shape", "program"), "value", getattr(report, "shape", "program")))
    stdout = getattr(report, "stdout", "") or ""
    if not stdout and shape == "expression" and getattr(report, "value", None) is not None:
        stdout = f"{report.value}\n"
    return CheckOutcome(
        status=status,  # type: ignore[arg-type]
        shape=shape,
        signatures=[(str(n), str(t)) for n, t in (getattr(report, "signatures", None) or [])],
        stdout=stdout,
        diagnostics=_flat_all(getattr(report, "diagnostics", None) or []),
        matched=getattr(report, "matched", None),
        limit_exceeded=limit,
        crashed=crashed,
    )


def _fallback_check(code: str, run: bool, stdin: str, expect_output: str | None) -> CheckOutcome:
    """The in-process path of `synoema.api`, with the three shapes the language layer knows."""
    from synoema import api
    from synoema.parser import parse, parse_expression

    parsed = parse(code, None)
    if not parsed.ok:
        expr, expr_diags = parse_expression(code)
        if expr is None or any(d.is_error for d in expr_diags):
            return CheckOutcome("fails", diagnostics=_flat_all(parsed.diagnostics))
        if not run:
            return CheckOutcome("parses", shape="expression")
        result = api.eval_source(code, stdin=stdin)
        if result.exit_code != 0:
            return CheckOutcome("fails", shape="expression", diagnostics=_flat_all(result.diagnostics))
        return _matched(CheckOutcome("runs", shape="expression", stdout=result.stdout), expect_output)
    checked = api.check_source(code)
    signatures = list(checked.signatures)
    if not checked.ok:
        return CheckOutcome("fails", signatures=signatures, diagnostics=_flat_all(checked.diagnostics))
    typed: Status = "types" if checked.types is not None else "parses"
    warnings = _flat_all(checked.diagnostics)
    if parsed.program.find("main") is None:
        return CheckOutcome(typed, shape="definitions", signatures=signatures, diagnostics=warnings)
    if not run:
        return CheckOutcome(typed, signatures=signatures, diagnostics=warnings)
    result = api.run_source(code, stdin=stdin)
    if result.exit_code != 0:
        return CheckOutcome(
            "fails",
            signatures=signatures,
            stdout=result.output,
            diagnostics=_flat_all(result.diagnostics),
            limit_exceeded=any(d.code == "limit_exceeded" for d in result.diagnostics),
        )
    return _matched(
        CheckOutcome(
            "runs", signatures=signatures, stdout=result.stdout, diagnostics=_flat_all(result.diagnostics)
        ),
        expect_output,
    )


def _matched(outcome: CheckOutcome, expect_output: str | None) -> CheckOutcome:
    if expect_output is not None:
        outcome.matched = same_output(outcome.stdout, expect_output)
    return outcome


def same_output(actual: str, expected: str) -> bool:
    """Outputs compare line by line, ignoring trailing blanks (a reply's block loses its last newline)."""
    return [ln.rstrip() for ln in actual.rstrip().splitlines()] == [
        ln.rstrip() for ln in expected.rstrip().splitlines()
    ]


def repair_code(code: str) -> RepairOutcome:
    """Rule-based repair from the language layer; without it, the code comes back unchanged."""
    try:
        from synoema.repair import repair
    except ImportError:
        return RepairOutcome(code)
    try:
        result = repair(code)
    except Exception:  # a repair bug must not lose the reply
        return RepairOutcome(code)
    fixed = str(getattr(result, "source", code))
    notes = [_edit_note(edit) for edit in getattr(result, "edits", None) or []]
    return RepairOutcome(fixed, notes, bool(getattr(result, "changed", fixed != code)))


def _edit_note(edit: Any) -> str:
    reason = str(getattr(edit, "reason", "") or getattr(edit, "rule", "edit"))
    line = getattr(getattr(edit, "span", None), "line", 0)
    return f"line {line}: {reason}" if line else reason


def language_layer() -> dict[str, bool]:
    """Which optional parts of the language layer are installed (for `doctor`)."""
    import importlib.util

    def present(name: str) -> bool:
        try:
            return importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            return False

    checker = False
    try:
        import synoema

        checker = callable(getattr(synoema, "check", None)) or present("synoema.check")
    except ImportError:
        pass
    return {"check": checker, "snippets": present("synoema.snippets"), "repair": present("synoema.repair")}
