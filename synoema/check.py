"""`check`: one call that says whether a snippet parses, type-checks and runs, and what it printed.

A snippet comes in one of three shapes: a whole program with `main` (run it), definitions without
`main` (check them, run nothing), or a bare expression (evaluate it, like `synoema eval`). With
`isolate=True` (the default) the whole check — parsing, type checking and the run — happens in a
sandbox worker process under `limits`, so a hostile or broken program can neither hang, grow nor
crash the caller; with `isolate=False` it happens here, each stage in a guarded thread under the same
limits (`synoema.guard`). Nothing here raises for a bad program: every problem is a diagnostic.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from . import ast as A
from .api import check_source, eval_source, run_source, warm
from .diagnostics import Diagnostic, Span, capped_all, with_defaults
from .execute import Limits, timeout_diagnostic, with_deadline
from .parser import parse_expression

if TYPE_CHECKING:
    from .sandbox import RunOutcome

Shape = Literal["program", "definitions", "expression"]
StageStatus = Literal["passed", "failed", "skipped"]
Status = Literal["runs", "types", "parses", "fails"]
STAGES = ("parse", "types", "run")
DEFAULT_LIMITS = Limits()
MAX_SOURCE = 2_000_000  # characters; parsing and type checking run in the caller's process


@dataclass
class CheckReport:
    """The verdict on one snippet: how far it got, why it stopped, what it printed."""

    source: str
    shape: Shape = "program"
    stages: dict[str, StageStatus] = field(default_factory=lambda: dict.fromkeys(STAGES, "skipped"))
    diagnostics: list[Diagnostic] = field(default_factory=list)
    signatures: list[tuple[str, str]] = field(default_factory=list)
    stdout: str = ""  # exactly what `synoema run` (or `eval`) would print
    output: str = ""  # the text printed by `print` calls
    value: str | None = None  # display of main's value, or of the expression
    value_type: str | None = None  # type of main or of the expression, when known
    matched: bool | None = None  # stdout against `expect_output`; None when not asked or not run
    expected: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    limit_exceeded: bool = False
    crashed: bool = False
    isolated: bool = False  # the run happened in a sandbox worker
    filename: str | None = None
    peak_memory: int = 0  # peak resident growth of the sandbox worker while it checked this, in bytes

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def first_error(self) -> Diagnostic | None:
        errs = self.errors
        return errs[0] if errs else None

    @property
    def ok(self) -> bool:
        """No stage failed, no error, and the output matched when an expectation was given."""
        return (
            not any(s == "failed" for s in self.stages.values())
            and not self.errors
            and self.matched is not False
        )

    @property
    def status(self) -> Status:
        """The highest stage reached: runs > types > parses > fails."""
        if self.stages.get("run") == "passed":
            return "runs"
        if self.stages.get("types") == "passed":
            return "types"
        if self.stages.get("parse") == "passed":
            return "parses"
        return "fails"

    def summary(self) -> str:
        """One line for a UI: the verdict, then the first problem or what it printed."""
        if self.ok:
            if self.shape == "definitions":
                names = ", ".join(n for n, _ in self.signatures[:4]) or "nothing"
                more = "…" if len(self.signatures) > 4 else ""
                return f"types check ({names}{more}); no main, nothing run"
            if self.stages.get("run") == "skipped":
                return "types check; not run"
            lines = self.stdout.count("\n")
            shown = "matches the expected output" if self.matched else f"prints {lines} line{'s' if lines != 1 else ''}"
            return f"runs; {shown}"
        first = self.first_error
        if self.matched is False:
            return "runs, but the output differs from the expected output"
        stage = next((s for s in STAGES if self.stages.get(s) == "failed"), "check")
        words = {"parse": "does not parse", "types": "does not type-check", "run": "fails when run"}
        where = f"line {first.span.line}: " if first and first.span and first.span.line else ""
        msg = f"{first.code}: {first.message}" if first else "failed"
        return f"{words.get(stage, 'fails')}: {where}{msg}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "status": self.status,
            "shape": self.shape,
            "stages": dict(self.stages),
            "signatures": [{"name": n, "type": t} for n, t in self.signatures],
            "value_type": self.value_type,
            "diagnostics": [d.as_dict() for d in self.diagnostics],
            "stdout": self.stdout,
            "output": self.output,
            "value": self.value,
            "matched": self.matched,
            "limit_exceeded": self.limit_exceeded,
            "crashed": self.crashed,
            "isolated": self.isolated,
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
        }

    to_dict = as_dict


# ── shapes ───────────────────────────────────────────────────────────────────────────────────


def _has_main(program: A.Program | None) -> bool:
    return program is not None and program.find("main") is not None


def _looks_like_definitions(source: str) -> bool:
    """A snippet that failed to parse: does any top-level line define something?"""
    for line in source.split("\n"):
        if not line or line[0] in " \t" or line.lstrip().startswith("--"):
            continue
        depth = 0
        prev = ""
        for i, ch in enumerate(line):
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == '"':
                break
            elif ch == "=" and depth == 0:
                nxt = line[i + 1] if i + 1 < len(line) else ""
                if prev not in ("=", "!", "<", ">") and nxt not in ("=", ">"):
                    return True
            prev = ch
        head = line.split(None, 1)[0] if line.split() else ""
        if head in ("def", "fn", "fun", "function", "let", "data", "type", "trait", "impl", "mod", "use", "import"):
            return True
    return False


# ── expressions ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Wrapped:
    """A bare expression as the program `main = expr`, and how to map positions back."""

    program: str
    expr: str
    multiline: bool

    @staticmethod
    def of(expr: str) -> _Wrapped:
        text = expr.strip("\n")
        lines = text.split("\n")
        if len(lines) == 1:
            return _Wrapped(f"main = {lines[0]}\n", expr, False)
        return _Wrapped("main =\n" + "\n".join("  " + ln for ln in lines) + "\n", expr, True)

    def span_back(self, span: Span | None) -> Span | None:
        if span is None or span.line <= 0:
            return span
        lead = len(self.expr) - len(self.expr.lstrip("\n"))
        base_line = self.expr[:lead].count("\n")
        if self.multiline:
            line, col, eline, ecol = span.line - 1, span.col - 2, span.end_line - 1, span.end_col - 2
        else:
            line, col, eline, ecol = span.line, span.col - 7, span.end_line, span.end_col - 7
        line, eline = max(line, 1) + base_line, max(eline, 1) + base_line
        col, ecol = max(col, 1), max(ecol, 1)
        return Span(line, col, eline, ecol, _offset(self.expr, line, col), _offset(self.expr, eline, ecol))


def _offset(text: str, line: int, col: int) -> int:
    pos = 0
    for _ in range(line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return min(pos + col - 1, len(text))


def _remap(diags: list[Diagnostic], wrapped: _Wrapped) -> list[Diagnostic]:
    out = []
    for d in diags:
        d = d.replace(span=wrapped.span_back(d.span), notes=list(d.notes), data=dict(d.data))
        d.notes = [n for n in d.notes if n != "in the definition of `main`"]
        d.data.pop("definition", None)
        out.append(d)
    return out


def _expr_remap_eval(diags: list[Diagnostic], expr: str) -> list[Diagnostic]:
    """`eval_source` already shifts lines and columns; recompute the offsets in the expression."""
    lead = len(expr) - len(expr.lstrip("\n"))
    base_line = expr[:lead].count("\n")
    out = []
    for d in diags:
        s = d.span
        if s is not None and s.line > 0:
            line, eline = s.line + base_line, s.end_line + base_line
            s = Span(line, s.col, eline, s.end_col, _offset(expr, line, s.col), _offset(expr, eline, s.end_col))
            d = d.replace(span=s)
        out.append(d)
    return out


# ── running ──────────────────────────────────────────────────────────────────────────────────


def _run(kind: str, source: str, filename: str | None, stdin: str, limits: Limits, allow_io: bool) -> RunOutcome:
    """Run in this process (a sandbox worker runs whole checks through here)."""
    if kind == "expression":
        res = eval_source(source, limits=limits, allow_io=allow_io, stdin=stdin)
    else:
        res = run_source(source, filename=filename, stdin=stdin, allow_io=allow_io, limits=limits)
    from .sandbox import RunOutcome, cap_output

    out = RunOutcome(res.stdout, res.output, res.value, res.exit_code, list(res.diagnostics), dict(res.timings))
    cap_output(out, limits)
    out.limit_exceeded = any(d.code == "limit_exceeded" for d in out.diagnostics)
    return out


def _check_isolated(source: str, filename: str | None, run: bool, stdin: str, expect_output: str | None,
                    limits: Limits, allow_io: bool) -> CheckReport | Diagnostic:
    """The whole check (parse, types, run) in a sandbox worker, so this process never grows with the
    input; a `Diagnostic` when no worker can be started here."""
    from .sandbox import RunRequest, SandboxUnavailable, get_pool

    req = RunRequest(source, "check", filename, stdin, allow_io, limits, run=run, expect_output=expect_output)
    try:
        out = get_pool().run(req)
    except SandboxUnavailable as e:
        return Diagnostic("sandbox_unavailable", f"checked in-process: {e}", None, severity="warning")
    if out.report is not None:
        report = out.report
        report.source = source
        report.isolated = True
        if "roundtrip" in out.timings:
            report.timings["roundtrip"] = out.timings["roundtrip"]
        return report
    # the worker was killed at a deadline or died: the verdict names the stage it was in
    report = CheckReport(source, filename=filename, expected=expect_output, isolated=True)
    report.shape = "program" if "main" in _defined_names(source) else "definitions"
    stage = out.stage or "parse"
    if stage in ("parse", "check"):
        report.stages["parse"] = "failed"
    elif stage in ("resolve", "types"):
        report.stages.update(parse="passed", types="failed")
    else:
        report.stages.update(parse="passed", types="passed", run="failed")
    report.diagnostics = list(out.diagnostics)
    report.limit_exceeded = out.limit_exceeded
    report.crashed = out.crashed
    report.peak_memory = out.peak_memory
    report.timings.update(out.timings)
    if expect_output is not None:
        report.matched = False
    return report


def _guard_deadline(run: RunOutcome, limits: Limits) -> None:
    """A run that outlived its deadline yet reports success was cut short by the watchdog."""
    spent = run.timings.get("run", 0.0)
    if run.exit_code == 0 and limits.timeout is not None and spent > limits.timeout:
        run.exit_code = 1
        run.limit_exceeded = True
        run.stdout = ""
        run.value = None
        run.diagnostics.append(timeout_diagnostic(limits))


def same_output(actual: str, expected: str) -> bool:
    """Outputs compare line by line, ignoring trailing blanks and CRs (a reply's block loses its last newline)."""

    def norm(s: str) -> list[str]:
        return [ln.rstrip() for ln in s.replace("\r\n", "\n").rstrip().split("\n")]

    return norm(actual) == norm(expected)


# ── the entry point ──────────────────────────────────────────────────────────────────────────


def check(
    source: str,
    *,
    filename: str | None = None,
    run: bool = True,
    stdin: str = "",
    expect_output: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    isolate: bool = True,
    allow_io: bool = False,
) -> CheckReport:
    """Parse, type-check and (for a program or an expression) run `source`. Never raises."""
    started = time.perf_counter()
    if len(source) > MAX_SOURCE:
        report = CheckReport(source, filename=filename)
        report.stages["parse"] = "failed"
        report.diagnostics.append(Diagnostic(
            "limit_exceeded", f"the snippet has {len(source)} characters, more than {MAX_SOURCE} this checker reads",
            None, fixability="medium", data={"limit": "source"}))
        report.timings["total"] = time.perf_counter() - started
        return report
    note: Diagnostic | None = None
    if isolate:
        got = _check_isolated(source, filename, run, stdin, expect_output, limits, allow_io)
        if isinstance(got, CheckReport):
            got.timings["total"] = time.perf_counter() - started
            return got
        note = got
    warm(source, filename)  # the prelude (trusted) loads outside this snippet's budget
    try:
        report = _check(source, filename, run, stdin, expect_output, with_deadline(limits), allow_io)
    except Exception as e:  # a bug of ours must come back as a verdict, not a traceback
        report = CheckReport(source, filename=filename)
        report.stages["parse"] = "failed"
        report.diagnostics.append(Diagnostic("internal_error", f"the checker failed: {type(e).__name__}: {e}", None))
    if note is not None:
        report.diagnostics.insert(0, note)
    report.diagnostics = capped_all(report.diagnostics)
    report.timings["total"] = time.perf_counter() - started
    return report


def _check(source: str, filename: str | None, run: bool, stdin: str, expect_output: str | None, limits: Limits,
           allow_io: bool) -> CheckReport:
    report = CheckReport(source, filename=filename, expected=expect_output)
    t0 = time.perf_counter()
    checked = check_source(source, filename, limits=limits)
    if checked.unit is None and not checked.ok:
        # did not parse as a program: perhaps it is a bare expression
        expr, expr_diags = parse_expression(source) if source.strip() else (None, [])
        if expr is not None and not any(d.is_error for d in expr_diags) and not _looks_like_definitions(source):
            return _check_expression(report, source, run, stdin, expect_output, limits, allow_io, t0)
        if _looks_like_definitions(source) or not expr_diags:
            report.shape = "program" if "main" in _defined_names(source) else "definitions"
            report.diagnostics = list(checked.diagnostics)
        else:
            report.shape = "expression"
            report.diagnostics = [with_defaults(d) for d in expr_diags]
        report.stages["parse"] = "failed"
        report.timings["check"] = time.perf_counter() - t0
        return report
    report.stages["parse"] = "passed"
    report.diagnostics = list(checked.diagnostics)
    report.signatures = list(checked.signatures)
    report.shape = "program" if _has_main(checked.program) else "definitions"
    report.value_type = dict(report.signatures).get("main") if report.shape == "program" else None
    report.stages["types"] = "passed" if checked.ok else "failed"
    report.timings["check"] = time.perf_counter() - t0
    if not checked.ok or report.shape == "definitions" or not run:
        return report
    _attach_run(report, _run("program", source, filename, stdin, limits, allow_io), limits, expect_output)
    return report


def _defined_names(source: str) -> set[str]:
    names = set()
    for line in source.split("\n"):
        if line and line[0].isalpha():
            head = line.split("=", 1)[0].split()
            if head and "=" in line:
                names.add(head[0])
    return names


def _check_expression(report: CheckReport, expr: str, run: bool, stdin: str, expect_output: str | None,
                      limits: Limits, allow_io: bool, t0: float) -> CheckReport:
    report.shape = "expression"
    report.stages["parse"] = "passed"
    wrapped = _Wrapped.of(expr)
    checked = check_source(wrapped.program, limits=limits)
    report.diagnostics = _remap(list(checked.diagnostics), wrapped)
    report.value_type = dict(checked.signatures).get("main")
    report.stages["types"] = "passed" if checked.ok else "failed"
    report.timings["check"] = time.perf_counter() - t0
    if not checked.ok or not run:
        return report
    result = _run("expression", expr, None, stdin, limits, allow_io)
    result.diagnostics = _expr_remap_eval(result.diagnostics, expr)
    _attach_run(report, result, limits, expect_output)
    return report


def _attach_run(report: CheckReport, result: RunOutcome, limits: Limits, expect_output: str | None) -> None:
    _guard_deadline(result, limits)
    refused = next((d for d in result.diagnostics if d.is_error), None)
    if refused is not None and refused.code == "permission_denied":
        # Valid code that needs files, network, processes or the environment: the sandbox did not run
        # it. That is a property of where it runs, not an error of the program.
        report.diagnostics.append(refused.replace(severity="info", message=refused.message + "; not run"))
        report.stages["run"] = "skipped"
        return
    seen = {(d.code, d.line, d.message) for d in report.diagnostics}
    report.diagnostics += [d for d in result.diagnostics if (d.code, d.line, d.message) not in seen]
    report.stdout = result.stdout
    report.output = result.output
    report.value = result.value
    report.limit_exceeded = result.limit_exceeded
    report.crashed = result.crashed
    report.isolated = result.isolated
    for k, v in result.timings.items():
        report.timings[k] = v
    report.stages["run"] = "passed" if result.exit_code == 0 else "failed"
    if expect_output is not None and result.exit_code == 0:
        report.matched = same_output(result.stdout, expect_output)
    elif expect_output is not None:
        report.matched = False


# ── batches ──────────────────────────────────────────────────────────────────────────────────

Item = str | Mapping[str, Any]
Progress = Callable[[int, int, CheckReport], None]
_ITEM_KEYS = {"source", "filename", "run", "stdin", "expect_output", "limits", "isolate", "allow_io"}


def check_many(
    items: Iterable[Item],
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    **defaults: Any,
) -> list[CheckReport]:
    """Check many snippets concurrently (`jobs` sandbox workers); reports come back in input order.

    An item is a source string or a mapping with `source` and any of `stdin`, `expect_output`,
    `filename`, `run`, `limits`, `allow_io`, `isolate`; `defaults` apply to every item.
    `progress(done, total, report)` is called once per finished item, from one thread at a time.
    """
    unknown = set(defaults) - _ITEM_KEYS
    if unknown:
        raise TypeError(f"check_many: unknown option(s) {sorted(unknown)}")
    work: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, str):
            work.append({**defaults, "source": item})
        else:
            extra = {k: v for k, v in item.items() if k in _ITEM_KEYS}
            work.append({**defaults, **extra})
    total = len(work)
    if total == 0:
        return []
    from .sandbox import default_size, get_pool

    n = max(1, jobs or default_size())
    if any(w.get("isolate", True) for w in work):
        with contextlib.suppress(Exception):  # check() itself falls back and says so
            get_pool(min_size=n)
    results: list[CheckReport | None] = [None] * total
    lock = threading.Lock()
    done = 0

    def one(i: int) -> None:
        nonlocal done
        w = work[i]
        report = check(w.pop("source"), **w)
        results[i] = report
        if progress is not None:
            with lock:
                done += 1
                with contextlib.suppress(Exception):  # a broken callback must not stop the batch
                    progress(done, total, report)

    if n == 1:
        for i in range(total):
            one(i)
    else:
        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="synoema-check") as ex:
            list(ex.map(one, range(total)))
    return [r for r in results if r is not None]


# ── `synoema.check` is both this module and the function ─────────────────────────────────────


class _CallableModule(types.ModuleType):
    """Importing `synoema.check` makes the package attribute `check` this module; calling it checks."""

    def __call__(self, source: str, **kwargs: Any) -> CheckReport:
        return check(source, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
