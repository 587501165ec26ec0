"""The language as a library: parse, check and run Synoema programs; diagnostics as values.

`run_source` is what `synoema run` does: parse, resolve, type-check, compile, run under limits, and
return what would be printed. Nothing here raises for a bad program.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from . import cache
from . import runtime as R
from ._record import Factory, record
from .diagnostics import Diagnostic, cap_text, capped_all, with_defaults
from .execute import (
    Execution,
    Limits,
    allow_set,
    base_namespace,
    execute,
    stage_limit_diagnostic,
    time_left,
    with_deadline,
)
from .guard import CHECK_DEPTH, Guarded, MemoryOut, Stop, guarded

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Any, TextIO

    from . import ast as A
    from .compiled import CompiledUnit, GlobalFn
    from .resolve import ImportMode, Loader, Unit


def default_loader(path: str) -> str | None:
    """The user's own files (regular files up to the size cap); see `synoema.resolve.read_import`."""
    from .resolve import default_loader as load

    return load(path)

PRELUDE_FILE = "<prelude>"
DEFAULT_LIMITS = Limits()
# Told the name of each stage as it starts (parse, resolve, types, compile, run); a sandbox worker
# sets it so that its parent knows which stage it was in if it has to kill it.
STAGE_HOOK: Callable[[str], None] | None = None


def _enter(stage: str, into: list[str] | None = None) -> None:
    if into is not None:
        into[0] = stage
    hook = STAGE_HOOK
    if hook is not None:
        hook(stage)


@record
class RunResult:
    """What `synoema run` would print, and why it stopped."""

    stdout: str
    exit_code: int
    diagnostics: list[Diagnostic] = Factory(list)  # type: ignore[assignment]
    output: str = ""  # text printed by `print` calls
    value: str | None = None  # display of main's value
    timings: dict[str, float] = Factory(dict)  # type: ignore[assignment]

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


@record
class CheckResult:
    """Parse + resolve + types, without running."""

    signatures: list[tuple[str, str]] = Factory(list)  # type: ignore[assignment]
    diagnostics: list[Diagnostic] = Factory(list)  # type: ignore[assignment]
    unit: Unit | None = None
    program: A.Program | None = None
    types: Any = None  # the type checker's report, when it ran

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


# ── prelude ──────────────────────────────────────────────────────────────────────────────────


@record
class _Prelude:
    unit: Unit
    compiled: CompiledUnit
    namespace: dict[str, Any]
    globals: dict[str, GlobalFn]
    types: Any = None


_prelude: _Prelude | None = None
_prelude_lock = threading.Lock()


def prelude_source() -> str:
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "prelude.sno"), encoding="utf-8") as fh:
        return fh.read()


_runtime: tuple[dict[str, Any], dict[str, GlobalFn]] | None = None


def prelude_runtime() -> tuple[dict[str, Any], dict[str, GlobalFn]]:
    """The prelude's executed namespace and its globals, from the disk cache when possible.

    Running an already-compiled program needs only this, not the parser, resolver or type checker.
    """
    global _runtime
    if _prelude is not None:
        return _prelude.namespace, _prelude.globals
    if _runtime is not None:
        return _runtime
    with _prelude_lock:
        if _runtime is None:
            entry = cache.load("prelude-" + cache.key(prelude_source()))
            if entry is not None:
                ns = base_namespace()
                exec(entry["code"], ns)
                for name, idx in entry["constructors"].items():
                    R._JSON_CONS[name] = (name, idx)
                _runtime = (ns, entry["globals"])
    if _runtime is not None:
        return _runtime
    p = load_prelude()
    return p.namespace, p.globals


def load_prelude() -> _Prelude:
    """Parse, resolve, type-check and compile the prelude once per process."""
    global _prelude
    if _prelude is not None:
        return _prelude
    from .compiler import Compiler
    from .parser import parse
    from .resolve import resolve

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
        exec(compiled.code, ns)
        for info in unit.constructors.values():
            R._JSON_CONS[info.name] = (info.name, info.index)
        _prelude = _Prelude(unit, compiled, ns, dict(compiled.globals))
        name = "prelude-" + cache.key(prelude_source())
        if not cache.exists(name):
            cache.store(
            name,
            {"code": compiled.code, "globals": _prelude.globals,
             "constructors": {c.name: c.index for c in unit.constructors.values()}},
            )
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


@record
class _CheckerFailure:
    error: Exception
    signatures: list[tuple[str, str]] = Factory(list)  # type: ignore[assignment]
    diagnostics: list[Diagnostic] = Factory(list)  # type: ignore[assignment]


# ── checking ─────────────────────────────────────────────────────────────────────────────────


def check_source(source: str, filename: str | None = None, *, loader: Loader | None = None,
                 types: bool = True, imports: ImportMode = "confined", limits: Limits = DEFAULT_LIMITS) -> CheckResult:
    """Parse, resolve and type-check `source`. Never raises.

    The stages run in a guarded thread (`synoema.guard`) under `limits` (one deadline for all of
    them, `limits.timeout` from the start of the request, and `limits.max_memory`), so a hostile
    program ends with a `limit_exceeded` diagnostic that names the stage. Imports follow `imports`
    (see `synoema.resolve.read_import`) unless a `loader` is given.
    """
    from .resolve import import_loader

    if loader is None:
        loader = import_loader(imports, filename)
    _warm_checker()
    limits = with_deadline(limits)
    stage = ["parse"]
    g = guarded(lambda: _check(source, filename, loader, types, stage), timeout=time_left(limits),
                max_memory=limits.max_memory, depth=CHECK_DEPTH, name="synoema-check")
    problem = _stage_problem(g, stage[0], limits)
    if problem is not None:
        return CheckResult(diagnostics=[problem])
    return g.value


def preload(source: str, filename: str | None, *, types: bool = True) -> None:
    """Load what running `source` will need (from the disk cache when it is there), so that a worker
    forked after this starts with it: nothing trusted is then loaded inside the program's budget."""
    if cache.exists("prog-" + cache.key(str(filename), str(types), source)):
        prelude_runtime()
    else:
        _warm_checker()


def warm(source: str, filename: str | None, *, types: bool = True) -> None:
    """`preload`, and the compiled prelude a run needs: called before a request's deadline starts."""
    preload(source, filename, types=types)
    prelude_runtime()


def _warm_checker() -> None:
    """The prelude (parsed, resolved, type-checked) is built once, outside any program's budget."""
    load_prelude()
    try:
        from .types.check import prelude
    except ImportError:
        return
    prelude()


def _stage_problem(g: Guarded, stage: str, limits: Limits) -> Diagnostic | None:
    """The diagnostic for a guarded stage that did not finish normally, or None when it did."""
    if g.stopped is not None or isinstance(g.error, Stop | MemoryError):
        kind = g.stopped or ("memory" if isinstance(g.error, MemoryError | MemoryOut) else "time")
        return stage_limit_diagnostic(stage, kind, limits)
    if isinstance(g.error, RecursionError):
        return stage_limit_diagnostic(stage, "depth", limits)
    if g.error is not None:
        e = g.error
        return Diagnostic("internal_error", cap_text(f"the {stage} stage failed: {type(e).__name__}: {e}"), None)
    return None


def _check(source: str, filename: str | None, loader: Loader, types: bool, stage: list[str]) -> CheckResult:
    from .parser import parse
    from .resolve import resolve

    prelude = load_prelude()
    _enter("parse", stage)
    parsed = parse(source, filename)
    result = CheckResult(program=parsed.program, diagnostics=list(parsed.diagnostics))
    if not parsed.ok:
        return _finish(result, filename)
    _enter("resolve", stage)
    unit = resolve(parsed.program, prelude.unit, loader)
    result.unit = unit
    result.diagnostics += unit.diagnostics
    if not unit.ok or not types:
        return _finish(result, filename)
    _enter("types", stage)
    report = _typecheck(unit)
    if report is not None:
        result.types = report
        result.signatures = [(n, cap_text(t)) for n, t in report.signatures]
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
    result.diagnostics = capped_all(out)
    return result


def check_file(path: str, *, types: bool = True, imports: ImportMode = "confined") -> CheckResult:
    source = _read(path)
    if isinstance(source, Diagnostic):
        return CheckResult(diagnostics=[source])
    return check_source(source, path, types=types, imports=imports)


# ── compiling and running ────────────────────────────────────────────────────────────────────

_cache: OrderedDict[str, tuple[CheckResult, CompiledUnit | None]] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 256


def prepare(source: str, filename: str | None = None, *, loader: Loader | None = None,
            types: bool = True, use_disk_cache: bool = False, imports: ImportMode = "confined",
            limits: Limits = DEFAULT_LIMITS) -> tuple[CheckResult, CompiledUnit | None]:
    """Check and compile `source` (cached by content). The compiled unit is None when it has errors.

    With `use_disk_cache`, programs without imports are also cached on disk (like .pyc files).
    Checking and compiling run under `limits` (time and memory; see `check_source`).
    """
    limits = with_deadline(limits)
    key = cache.digest(str(filename), str(types), imports, source)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and not _has_imports(hit[0]):
            _cache.move_to_end(key)
            return hit
    disk_key = "prog-" + cache.key(str(filename), str(types), source)
    stored = cache.load(disk_key) if use_disk_cache else None
    if stored is not None:
        from .compiled import CompiledUnit

        checked = CheckResult(signatures=stored["signatures"], diagnostics=stored["diagnostics"])
        compiled = CompiledUnit("", stored["line_spans"], stored["globals"], stored["filename"], stored["code"])
        return checked, compiled
    checked = check_source(source, filename, loader=loader, types=types, imports=imports, limits=limits)
    compiled: CompiledUnit | None = None
    if checked.ok and checked.unit is not None:
        compiled = _compile(checked, filename, limits)
    if _ran_out(checked):  # time and memory depend on the limits and the machine: check again next time
        return checked, compiled
    with _cache_lock:
        _cache[key] = (checked, compiled)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    if use_disk_cache and compiled is not None and not _has_imports(checked):
        cache.store(disk_key, {
            "signatures": checked.signatures, "diagnostics": checked.diagnostics, "code": compiled.code,
            "line_spans": compiled.line_spans, "globals": compiled.globals, "filename": compiled.filename,
        })
    return checked, compiled


def _compile(checked: CheckResult, filename: str | None, limits: Limits) -> CompiledUnit | None:
    """Compile a checked unit to Python bytecode in a guarded thread; a failure is a diagnostic."""
    from .compiler import Compiler

    prelude = load_prelude()
    unit = checked.unit
    assert unit is not None

    def build() -> CompiledUnit:
        _enter("compile")
        compiled = Compiler(unit, prelude.globals, module_id=filename or "main").compile_unit()
        compiled.code = compile(compiled.source, compiled.filename, "exec")
        return compiled

    g = guarded(build, timeout=time_left(limits), max_memory=limits.max_memory, depth=CHECK_DEPTH,
                name="synoema-check")
    if isinstance(g.error, SyntaxError):  # Python's own parser refused the nesting we could not flatten
        g.error = RecursionError(str(g.error))
    problem = _stage_problem(g, "compile", limits)
    if problem is not None:
        checked.diagnostics.append(with_defaults(problem))
        return None
    return g.value


def _ran_out(checked: CheckResult) -> bool:
    return any(d.code == "limit_exceeded" and d.data.get("limit") in ("time", "memory") for d in checked.diagnostics)


def _has_imports(checked: CheckResult) -> bool:
    from . import ast as A

    return checked.program is not None and any(isinstance(d, A.ImportDecl) for d in checked.program.decls)


def run_source(
    source: str,
    *,
    filename: str | None = None,
    stdin: str | TextIO = "",
    args: Sequence[str] = (),
    allow_io: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    types: bool = True,
    loader: Loader | None = None,
    entry: str = "main",
    use_disk_cache: bool = False,
    imports: ImportMode = "confined",
) -> RunResult:
    """Run a program the way `synoema run` does. `allow_io` enables files, network, processes and env.

    `stdin` is the program's input: a string, or a file object read a line at a time when the
    program calls `readline` (what `synoema run` passes). Imports follow `imports`.
    """
    warm(source, filename, types=types)  # the prelude (trusted) loads outside the program's budget
    limits = with_deadline(limits)  # checking, compiling and running share one deadline
    checked, compiled = prepare(source, filename, loader=loader, types=types, use_disk_cache=use_disk_cache,
                                imports=imports, limits=limits)
    diags = list(checked.diagnostics)
    if compiled is None:
        return RunResult("", 1, diags)
    g = compiled.globals.get(entry)
    if g is None:
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
    ns = dict(prelude_runtime()[0])
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
    _enter("run")
    ex: Execution = execute([(compiled, ns)], getter, limits, ctx, user_files=(compiled.filename,))
    if ex.diagnostic is not None:
        d = ex.diagnostic
        if d.file is None:
            d.file = filename
        diags.append(with_defaults(d))
        return RunResult("", 1, diags, output=ex.output, timings={"run": ex.duration})
    stdout = ex.output + (ex.value_text or "") + "\n"
    return RunResult(stdout, 0, diags, output=ex.output, value=ex.value_text, timings={"run": ex.duration})


def run_file(path: str, *, stdin: str | TextIO = "", args: Sequence[str] = (), allow_io: bool = True,
             limits: Limits = DEFAULT_LIMITS, types: bool = True, imports: ImportMode = "own") -> RunResult:
    """Run the user's own file (imports may reach their other files: `imports="own"`)."""
    source = _read(path)
    if isinstance(source, Diagnostic):
        return RunResult("", 1, [source])
    return run_source(source, filename=path, stdin=stdin, args=args, allow_io=allow_io, limits=limits, types=types,
                      imports=imports)


def eval_source(expr: str, *, limits: Limits = DEFAULT_LIMITS, allow_io: bool = False, stdin: str = "") -> RunResult:
    """Evaluate a bare expression (what `synoema eval` does)."""
    from .parser import parse_expression

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
                              max(d.span.end_col - shift, 1), max(d.span.offset - shift, 0),
                              max(d.span.end_offset - shift, 0))
            else:
                # "main =\n" then each line indented by two spaces
                def back(line: int, col: int) -> int:
                    return sum(len(ln) + 1 for ln in lines[: max(line - 2, 0)]) + max(col - 3, 0)

                d.span = Span(d.span.line - 1, max(d.span.col - 2, 1), d.span.end_line - 1,
                              max(d.span.end_col - 2, 1), back(d.span.line, d.span.col),
                              back(d.span.end_line, d.span.end_col))
    return result


def _read(path: str) -> str | Diagnostic:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return Diagnostic("file_not_found", f"no such file: {path}", None, fixability="easy")
    except (OSError, UnicodeDecodeError) as e:
        return Diagnostic("io_error", f"cannot read {path}: {e}", None)
