"""The language as a library: parse, check and run Synoema programs; diagnostics as values.

`run_source` is what `synoema run` does: parse, resolve, type-check, compile, run under limits, and
return what would be printed. Nothing here raises for a bad program.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from . import ast as A
from . import runtime as R
from .compiler import CompiledUnit, Compiler, GlobalFn
from .diagnostics import Diagnostic, with_defaults
from .execute import Execution, Limits, allow_set, base_namespace, execute
from .parser import parse, parse_expression
from .resolve import Loader, Unit, default_loader, resolve

PRELUDE_FILE = "<prelude>"


@dataclass
class RunResult:
    """What `synoema run` would print, and why it stopped."""

    stdout: str
    exit_code: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    output: str = ""  # text printed by `print` calls
    value: str | None = None  # display of main's value
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


@dataclass
class CheckResult:
    """Parse + resolve + types, without running."""

    signatures: list[tuple[str, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unit: Unit | None = None
    program: A.Program | None = None
    types: Any = None  # the type checker's report, when it ran

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


# ── prelude ──────────────────────────────────────────────────────────────────────────────────


@dataclass
class _Prelude:
    unit: Unit
    compiled: CompiledUnit
    namespace: dict[str, Any]
    globals: dict[str, GlobalFn]
    types: Any = None


_prelude: _Prelude | None = None
_prelude_lock = threading.Lock()


def prelude_source() -> str:
    return resources.files("synoema").joinpath("prelude.sno").read_text(encoding="utf-8")


def load_prelude() -> _Prelude:
    """Parse, resolve, type-check and compile the prelude once per process."""
    global _prelude
    if _prelude is not None:
        return _prelude
    with _prelude_lock:
        if _prelude is not None:
            return _prelude
        parsed = parse(prelude_source(), PRELUDE_FILE)
        unit = resolve(parsed.program)
        unit.is_prelude = True
        problems = parsed.diagnostics + unit.diagnostics
        if any(d.is_error for d in problems):
            raise RuntimeError("the prelude does not compile: " + "; ".join(d.short() for d in problems))
        compiled = Compiler(unit, module_id="prelude").compile_unit()
        compiled.code = compile(compiled.source, compiled.filename, "exec")
        ns = base_namespace()
        exec(compiled.code, ns)  # noqa: S102 - our own generated code
        for info in unit.constructors.values():
            R._JSON_CONS[info.name] = (info.name, info.index)
        _prelude = _Prelude(unit, compiled, ns, dict(compiled.globals))
        return _prelude


def _typecheck(unit: Unit) -> Any:
    try:
        from . import types as T
    except ImportError:
        return None
    try:
        return T.check_unit(unit)
    except Exception as e:  # the checker must never take the run down with it
        return _CheckerFailure(e)


@dataclass
class _CheckerFailure:
    error: Exception
    signatures: list[tuple[str, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


# ── checking ─────────────────────────────────────────────────────────────────────────────────


def check_source(source: str, filename: str | None = None, *, loader: Loader = default_loader,
                 types: bool = True) -> CheckResult:
    """Parse, resolve and type-check `source`. Never raises."""
    try:
        return _check(source, filename, loader, types)
    except RecursionError:
        return CheckResult(diagnostics=[Diagnostic("limit_exceeded", "the program is nested too deeply", None)])


def _check(source: str, filename: str | None, loader: Loader, types: bool) -> CheckResult:
    prelude = load_prelude()
    parsed = parse(source, filename)
    result = CheckResult(program=parsed.program, diagnostics=list(parsed.diagnostics))
    if not parsed.ok:
        return _finish(result, filename)
    unit = resolve(parsed.program, prelude.unit, loader)
    result.unit = unit
    result.diagnostics += unit.diagnostics
    if not unit.ok or not types:
        return _finish(result, filename)
    report = _typecheck(unit)
    if report is not None:
        result.types = report
        result.signatures = list(report.signatures)
        result.diagnostics += list(report.diagnostics)
    return _finish(result, filename)


def _finish(result: CheckResult, filename: str | None) -> CheckResult:
    seen: set[tuple[str, int, int, str]] = set()
    out: list[Diagnostic] = []
    for d in result.diagnostics:
        if d.file is None and filename:
            d.file = filename
        key = (d.code, d.line, d.span.col if d.span else 0, d.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(with_defaults(d))
    result.diagnostics = out
    return result


def check_file(path: str, *, types: bool = True) -> CheckResult:
    source = _read(path)
    if isinstance(source, Diagnostic):
        return CheckResult(diagnostics=[source])
    return check_source(source, path, types=types)


# ── compiling and running ────────────────────────────────────────────────────────────────────

_cache: OrderedDict[str, tuple[CheckResult, CompiledUnit | None]] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 256


def prepare(source: str, filename: str | None = None, *, loader: Loader = default_loader,
            types: bool = True) -> tuple[CheckResult, CompiledUnit | None]:
    """Check and compile `source` (cached by content). The compiled unit is None when it has errors."""
    key = hashlib.sha256(f"{filename}\0{types}\0{source}".encode("utf-8", "surrogatepass")).hexdigest()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and not _has_imports(hit[0]):
            _cache.move_to_end(key)
            return hit
    checked = check_source(source, filename, loader=loader, types=types)
    compiled: CompiledUnit | None = None
    if checked.ok and checked.unit is not None:
        prelude = load_prelude()
        try:
            compiled = Compiler(checked.unit, prelude.globals, module_id=filename or "main").compile_unit()
            compiled.code = compile(compiled.source, compiled.filename, "exec")
        except RecursionError:
            checked.diagnostics.append(Diagnostic("limit_exceeded", "the program is nested too deeply", None))
            compiled = None
    with _cache_lock:
        _cache[key] = (checked, compiled)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return checked, compiled


def _has_imports(checked: CheckResult) -> bool:
    return checked.program is not None and any(isinstance(d, A.ImportDecl) for d in checked.program.decls)


def run_source(
    source: str,
    *,
    filename: str | None = None,
    stdin: str = "",
    args: Sequence[str] = (),
    allow_io: bool = False,
    limits: Limits = Limits(),
    types: bool = True,
    loader: Loader = default_loader,
    entry: str = "main",
) -> RunResult:
    """Run a program the way `synoema run` does. `allow_io` enables files, network, processes and env."""
    checked, compiled = prepare(source, filename, loader=loader, types=types)
    diags = list(checked.diagnostics)
    if compiled is None:
        return RunResult("", 1, diags)
    g = compiled.globals.get(entry)
    unit = checked.unit
    if g is None or unit is None or unit.func(entry) is None:
        diags.append(
            Diagnostic(
                "unbound_variable",
                f"the program has no `{entry}` definition",
                None,
                file=filename,
                llm_hint="Add `main = ...` as the last definition: `run` prints main's value.",
                fixability="easy",
            )
        )
        return RunResult("", 1, diags)
    prelude = load_prelude()
    ns = dict(prelude.namespace)
    ctx = R.Context(
        stdin=stdin,
        args=list(args),
        allow=allow_set(io=True, files=allow_io, network=allow_io, processes=allow_io, environment=allow_io),
        base_dir=os.path.dirname(os.path.abspath(filename)) if filename and os.path.exists(filename) else ".",
    )
    getter = g.py if g.arity == 0 else None
    if getter is None:
        diags.append(Diagnostic("runtime_error", f"`{entry}` takes parameters; it must be a value", None,
                                file=filename, fixability="easy"))
        return RunResult("", 1, diags)
    ex: Execution = execute([(compiled, ns)], getter, limits, ctx, user_files=(compiled.filename,))
    if ex.diagnostic is not None:
        d = ex.diagnostic
        if d.file is None:
            d.file = filename
        diags.append(with_defaults(d))
        return RunResult("", 1, diags, output=ex.output, timings={"run": ex.duration})
    stdout = ex.output + (ex.value_text or "") + "\n"
    return RunResult(stdout, 0, diags, output=ex.output, value=ex.value_text, timings={"run": ex.duration})


def run_file(path: str, *, stdin: str = "", args: Sequence[str] = (), allow_io: bool = True,
             limits: Limits = Limits(), types: bool = True) -> RunResult:
    source = _read(path)
    if isinstance(source, Diagnostic):
        return RunResult("", 1, [source])
    return run_source(source, filename=path, stdin=stdin, args=args, allow_io=allow_io, limits=limits, types=types)


def eval_source(expr: str, *, limits: Limits = Limits(), allow_io: bool = False, stdin: str = "") -> RunResult:
    """Evaluate a bare expression (what `synoema eval` does)."""
    parsed, diags = parse_expression(expr)
    if parsed is None:
        return RunResult("", 1, [with_defaults(d) for d in diags])
    lines = expr.strip("\n").split("\n")
    if len(lines) == 1:
        program = f"main = {lines[0]}\n"
    else:
        program = "main =\n" + "\n".join("  " + ln for ln in lines) + "\n"
    result = run_source(program, filename=None, limits=limits, allow_io=allow_io, stdin=stdin)
    # shift positions back to the expression's own coordinates
    for d in result.diagnostics:
        if d.span is not None and d.span.line >= 1:
            from .diagnostics import Span

            if len(lines) == 1:
                shift = len("main = ")
                d.span = Span(d.span.line, max(d.span.col - shift, 1), d.span.end_line,
                              max(d.span.end_col - shift, 1), d.span.offset, d.span.end_offset)
            else:
                d.span = Span(d.span.line - 1, max(d.span.col - 2, 1), d.span.end_line - 1,
                              max(d.span.end_col - 2, 1), d.span.offset, d.span.end_offset)
    return result


def _read(path: str) -> str | Diagnostic:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return Diagnostic("file_not_found", f"no such file: {path}", None, fixability="easy")
    except (OSError, UnicodeDecodeError) as e:
        return Diagnostic("io_error", f"cannot read {path}: {e}", None)
