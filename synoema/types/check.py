"""Entry point: type-check a resolved unit against the (cached) prelude environment.

The prelude is parsed, resolved and checked once per process; user programs start from a copy of
its environment. Nothing here raises: deep nesting becomes a `limit_exceeded` diagnostic and an
internal failure a warning, so a program is never blocked by a bug of the checker.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic
from ..parser import parse
from ..resolve import Unit, resolve
from .core import Type
from .env import Env, add_typedefs, builtin_types, shape
from .infer import Checker
from .printer import format_type
from .unify import has_error

PRELUDE_PATH = Path(__file__).resolve().parent.parent / "prelude.sno"


@dataclass
class TypeReport:
    """What the checker found: printed signatures in source order, schemes, diagnostics."""

    signatures: list[tuple[str, str]] = field(default_factory=list)
    schemes: dict[str, Type] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    expr_types: dict[int, Type] = field(default_factory=dict)  # id(expr) -> type, when asked for
    prop_types: dict[int, list[str]] = field(default_factory=dict)  # id(Prop) -> printed variable types

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def type_of(self, name: str) -> str | None:
        """The printed type of a top-level definition (None when unknown or wrong)."""
        for n, t in self.signatures:
            if n == name:
                return t
        return None

    def expr_type(self, expr: object) -> str | None:
        t = self.expr_types.get(id(expr))
        return None if t is None else format_type(t)


@dataclass
class _Prelude:
    env: Env
    report: TypeReport


_lock = threading.Lock()
_prelude: _Prelude | None = None


def prelude_unit() -> Unit:
    source = PRELUDE_PATH.read_text(encoding="utf-8")
    unit = resolve(parse(source, str(PRELUDE_PATH)).program)
    unit.is_prelude = True
    return unit


def _build_prelude() -> _Prelude:
    unit = prelude_unit()
    env = Env()
    sink: list[Diagnostic] = []
    add_typedefs(env, unit, sink.append)
    env.builtins = builtin_types(env)
    checker = Checker(unit, env)
    checker.run()
    report = _report(checker, unit)
    report.diagnostics = sink + report.diagnostics
    env.prelude_globals = {fd.name: checker.globals[fd.name] for fd in unit.funcs if fd.name in checker.globals}
    env.prelude_shapes = {name: (shape(td), env.tycons[id(td)]) for name, td in unit.typedefs.items()}
    return _Prelude(env, report)


def prelude() -> _Prelude:
    """The prelude's environment, built on first use."""
    global _prelude
    if _prelude is None:
        with _lock:
            if _prelude is None:
                _prelude = _build_prelude()
    return _prelude


def prelude_report() -> TypeReport:
    """Signatures and diagnostics of the prelude itself."""
    return prelude().report


def _child_env(base: Env) -> Env:
    return Env(
        tycons=dict(base.tycons),
        tycon_names=dict(base.tycon_names),
        con_types=dict(base.con_types),
        builtins=base.builtins,
        prelude_globals=base.prelude_globals,
        prelude_shapes=base.prelude_shapes,
        aliases={},
        traits={},
        instances=dict(base.instances),
    )


def _source_order(unit: Unit) -> list:
    """The unit's functions file by file (imports first, as resolved), each file in source order
    (the resolver checks modules before the rest of their file)."""
    files: dict[str | None, list] = {}
    for fd in unit.funcs:
        info = unit.globals.get(fd.name)
        files.setdefault(info.file if info is not None else None, []).append(fd)
    out: list = []
    main = files.pop(unit.main_file, None)
    for group in [*files.values(), main or []]:
        out += sorted(group, key=lambda fd: (fd.span.line, fd.span.col))
    return out


def _report(checker: Checker, unit: Unit) -> TypeReport:
    sigs: list[tuple[str, str]] = []
    schemes: dict[str, Type] = {}
    funcs = _source_order(unit)
    for fd in funcs:
        if fd.name in checker.failed:
            continue
        t = checker.globals.get(fd.name)
        if t is None:
            continue
        schemes[fd.name] = t
        if not has_error(t):  # a type with an unknown part (an unresolved name) is not printed
            sigs.append((fd.name, format_type(t)))
    diags = checker.diags + checker.warnings
    diags.sort(key=lambda d: (d.span.line, d.span.col) if d.span else (0, 0))
    props = {k: [format_type(t, constraints=False) for t in v] for k, v in checker.prop_types.items()}
    return TypeReport(sigs, schemes, diags, checker.types or {}, props)


def check_unit(unit: Unit, record_types: bool = False) -> TypeReport:
    """Type-check a resolved unit. Never raises.

    Deeply nested programs need a deep stack: `synoema.api.check_source` calls this in a guarded
    thread with its own recursion limit (`synoema.guard`); here a RecursionError is a diagnostic.
    """
    try:
        base = prelude().env
        env = _child_env(base)
        sink: list[Diagnostic] = []
        add_typedefs(env, unit, sink.append)
        checker = Checker(unit, env, record_types=record_types)
        for d in sink:
            checker.report(d)
            checker.reported = False
        checker.run()
        report = _report(checker, unit)
    except RecursionError:
        return TypeReport(diagnostics=[Diagnostic(
            "limit_exceeded", "the program is nested too deeply (type checking stopped)", None,
            llm_hint="Split deeply nested expressions into named parts.", fixability="medium",
            data={"limit": "depth", "stage": "types"},
        )])
    except Exception as exc:  # a bug of the checker must not block the program
        return TypeReport(diagnostics=[Diagnostic(
            "internal_error", f"the type checker failed ({type(exc).__name__}: {exc}); types were not checked",
            None, severity="warning",
        )])
    return report
