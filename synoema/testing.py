"""`synoema test`: run `test` declarations, `prop` properties and `--- example:` doctests.

Each test becomes an ordinary definition appended to the program (`__test_3 = body`,
`__prop_4 x xs = body`), so tests are parsed, type-checked and compiled exactly like the program
itself; properties get 100 random inputs generated from their inferred parameter types, with a
fixed seed so failures reproduce.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import ast as A
from . import runtime as R
from .diagnostics import NO_SPAN, Diagnostic, render_human
from .execute import Limits, execute
from .layout import apply_layout
from .lexer import lex
from .lists import from_array
from .parser import Parser, parse

TRIALS = 100
TEST_LIMITS = Limits(timeout=10.0)


@dataclass
class TestCase:
    name: str
    kind: str  # test | prop | doc
    line: int
    passed: bool = False
    message: str = ""
    trials: int = 0


@dataclass
class FileReport:
    path: str
    cases: list[TestCase] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if not c.passed) + (1 if any(d.is_error for d in self.diagnostics) else 0)


@dataclass
class _Pending:
    case: TestCase
    entry: str
    vars: list[str]


def collect_tests(source: str, filename: str | None = None) -> tuple[str, list[_Pending], list[Diagnostic]]:
    """Append one definition per test to `source`; return the new source and what to call."""
    parsed = parse(source, filename)
    if not parsed.ok:
        return source, [], parsed.diagnostics
    extra: list[str] = []
    pending: list[_Pending] = []
    n = 0

    def body_text(node: A.Expr) -> str:
        return source[node.span.offset : node.span.end_offset]

    def add(case: TestCase, expr_text: str, prop_vars: list[str] | None) -> None:
        nonlocal n
        n += 1
        if prop_vars is None:
            entry = f"__test_{n}"
            extra.append(f"{entry} = {expr_text}")
        else:
            entry = f"__prop_{n}"
            extra.append(f"{entry} {' '.join(prop_vars)} = {expr_text}")
        pending.append(_Pending(case, entry, prop_vars or []))

    for decl in _all_decls(parsed.program.decls):
        if isinstance(decl, A.TestDecl):
            body = decl.body
            if isinstance(body, A.Prop):
                add(TestCase(decl.name, "prop", decl.span.line), _one_line(body_text(body.body)), body.vars)
            else:
                add(TestCase(decl.name, "test", decl.span.line), _one_line(body_text(body)), None)
        elif isinstance(decl, A.FuncDef):
            for line in decl.doc:
                text = line.strip()
                if text.startswith("example:"):
                    expr = text[len("example:") :].strip()
                    add(TestCase(f"example: {expr}", "doc", decl.span.line), expr, None)
    if not extra:
        return source, [], []
    sep = "" if source.endswith("\n") else "\n"
    return source + sep + "\n".join(extra) + "\n", pending, []


def _all_decls(decls: list[A.Decl]) -> list[A.Decl]:
    out: list[A.Decl] = []
    for d in decls:
        out.append(d)
        if isinstance(d, A.ModuleDecl):
            out += _all_decls(d.body)
    return out


def _one_line(text: str) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return "\n" + "\n".join("  " + ln for ln in lines)


def run_file_tests(path: str, source: str | None = None, limits: Limits = TEST_LIMITS) -> FileReport:
    from .api import prepare

    report = FileReport(path)
    if source is None:
        try:
            with open(path, encoding="utf-8") as fh:
                source = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            report.diagnostics.append(Diagnostic("io_error", f"cannot read {path}: {e}", None))
            return report
    full, pending, diags = collect_tests(source, path)
    report.diagnostics += diags
    if not pending:
        return report
    checked, compiled = prepare(full, path, imports="own")  # `synoema test`: the user's own files
    report.diagnostics += [d for d in checked.diagnostics if d.is_error]
    if compiled is None:
        for p in pending:
            p.case.message = "the program does not compile"
            report.cases.append(p.case)
        return report
    sigs = dict(checked.signatures)
    from .api import load_prelude

    prelude_ns = load_prelude().namespace
    for p in pending:
        case = p.case
        report.cases.append(case)
        g = compiled.globals.get(p.entry)
        if g is None:
            case.message = "internal: test was not compiled"
            continue
        ns = dict(prelude_ns)
        if not p.vars:
            ex = execute([(compiled, ns)], g.py, limits, R.Context(), user_files=(compiled.filename,))
            _judge(case, ex)
            continue
        gens = _generators(sigs.get(p.entry, ""), len(p.vars))
        rng = random.Random(42)
        fn_name = g.py

        def run_trials(ns: dict[str, Any], gens: list = gens, rng: random.Random = rng, fn_name: str = fn_name,
                       case: TestCase = case, p: _Pending = p) -> Any:
            fn = ns[fn_name]
            ran = 0
            for _ in range(TRIALS):
                args = [gen(rng) for gen in gens]
                result = fn(*args)
                if result is None:  # `when` condition false: discarded
                    continue
                ran += 1
                if result is not True:
                    shown = ", ".join(f"{v} = {R.display(a) if not isinstance(a, str) else repr(a)}"
                                      for v, a in zip(p.vars, args))
                    return f"counterexample: {shown}"
            case.trials = ran
            return True

        ex = execute([(compiled, ns)], None, limits, R.Context(), user_files=(compiled.filename,), call=run_trials)
        _judge(case, ex)
    return report


def _judge(case: TestCase, ex: Any) -> None:
    if ex.diagnostic is not None:
        case.message = f"{ex.diagnostic.code}: {ex.diagnostic.message}"
        return
    if ex.value is True:
        case.passed = True
    elif ex.value is False:
        case.message = "returned false"
    elif isinstance(ex.value, str) and ex.value.startswith("counterexample"):
        case.message = ex.value
    else:
        case.message = f"returned {ex.value_text} (expected true or false)"


# ── random values from types ─────────────────────────────────────────────────────────────────


def _generators(sig: str, count: int) -> list:
    params: list[A.TypeExpr] = []
    if sig:
        if "=>" in sig:
            sig = sig.split("=>", 1)[1]
        toks, _ = apply_layout(lex(sig).tokens)
        try:
            t = Parser(toks, sig).parse_type()
            while isinstance(t, A.TFun) and len(params) < count:
                params.append(t.arg)
                t = t.result
        except Exception:
            params = []
    while len(params) < count:
        params.append(A.TCon("Int", NO_SPAN))
    return [_gen_for(p) for p in params]


def _gen_for(t: A.TypeExpr) -> Any:
    match t:
        case A.TCon(name="Int") | A.TVar():
            return lambda r: r.randint(-10, 10) if r.random() < 0.6 else r.randint(-1000, 1000)
        case A.TCon(name="Float"):
            return lambda r: round(r.uniform(-100, 100), 3)
        case A.TCon(name="Bool"):
            return lambda r: r.random() < 0.5
        case A.TCon(name="String"):
            return lambda r: "".join(r.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(r.randint(0, 8)))
        case A.TCon(name="Char"):
            return lambda r: r.choice("abcdefghijklmnopqrstuvwxyz")
        case A.TUnit():
            return lambda r: None
        case A.TList(elem=e) | A.TApp(fn=A.TCon(name="List"), args=[e]):
            inner = _gen_for(e)
            return lambda r: from_array([inner(r) for _ in range(r.randint(0, 10))])
        case A.TRecord(fields=fields):
            gens = [(n, _gen_for(x)) for n, x in fields]
            return lambda r: R.Record({n: g(r) for n, g in gens})
        case A.TPair(first=a, second=b):
            ga, gb = _gen_for(a), _gen_for(b)
            return lambda r: R.Record({"fst": ga(r), "snd": gb(r)})
    return lambda r: r.randint(-100, 100)


# ── command line ─────────────────────────────────────────────────────────────────────────────


def _files(paths: Sequence[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, _dirs, files in os.walk(p):
                out += [os.path.join(root, f) for f in files if f.endswith(".sno")]
        else:
            out.append(p)
    return sorted(out)


def run_tests(paths: Sequence[str], fmt: str = "human", verbose: bool = False) -> int:
    files = _files(paths)
    if not files:
        print("synoema test: no .sno files found", file=sys.stderr)
        return 2
    total = failed = 0
    for path in files:
        report = run_file_tests(path)
        if not report.cases and not report.diagnostics:
            continue
        print(path)
        for d in report.diagnostics:
            print(render_human(d, None, path), file=sys.stderr)
        for c in report.cases:
            total += 1
            if c.passed:
                extra = f" ({c.trials} cases)" if c.kind == "prop" else ""
                print(f"  ✓ {c.name}{extra}")
            else:
                failed += 1
                print(f"  ✗ {c.name} (line {c.line}): {c.message}")
        if any(d.is_error for d in report.diagnostics) and not report.cases:
            failed += 1
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0
