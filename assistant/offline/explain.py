"""The offline `explain` answer: every definition with its inferred type and what it does, then what
the program prints, all taken from our compiler (types from the checker, output from a real run).
"""

from __future__ import annotations

from collections.abc import Iterator

from synoema import ast as A
from synoema.parser import parse_expression

from . import program as P
from .context import Knowledge
from .describe import describe_function, describe_typedef
from .markdown import diagnostic_line, inline, join_names, output_block, plural


def _signature_map(analysed: P.Analysed) -> dict[str, str]:
    return dict(analysed.checked.signatures)


def _func_item(source: str, fd: A.FuncDef, sigs: dict[str, str], user_names: set[str], prefix: str = "") -> str:
    sig = sigs.get(fd.name)
    head = f"`{fd.name} : {sig}`" if sig is not None else f"`{fd.name}`"
    sentences = describe_function(source, fd, user_names)
    if fd.doc:
        sentences.insert(0, "Its doc comment says: " + " ".join(line.strip() for line in fd.doc) + ".")
    return f"- {prefix}**{head}** (line {fd.span.line}): " + " ".join(sentences) + "\n"


def _decl_items(source: str, decls: list[A.Decl], sigs: dict[str, str], user_names: set[str]) -> Iterator[str]:
    for d in decls:
        if isinstance(d, A.FuncDef):
            yield _func_item(source, d, sigs, user_names)
        elif isinstance(d, A.TypeDef):
            yield f"- **`{d.name}`** (type, line {d.span.line}): {describe_typedef(source, d)}\n"
        elif isinstance(d, A.TypeAlias):
            body = source[d.body.span.offset : d.body.span.end_offset]
            yield f"- **`{d.name}`** (line {d.span.line}): a type alias for {inline(body, 60)}.\n"
        elif isinstance(d, A.ModuleDecl):
            members = [m for m in d.body if isinstance(m, A.FuncDef)]
            names = join_names([f"`{m.name}`" for m in members]) or "no functions"
            yield f"- **`mod {d.name}`** (line {d.span.line}): a module grouping {names}; outside it they are `{d.name}.name`.\n"
            for m in members:
                yield "  " + _func_item(source, m, sigs, user_names)
        elif isinstance(d, A.UseDecl):
            what = "every member" if d.names == ["*"] else join_names([f"`{n}`" for n in d.names])
            yield f"- **`use {d.module}`** (line {d.span.line}): brings {what} of `{d.module}` into scope unqualified.\n"
        elif isinstance(d, A.TraitDecl):
            methods = join_names([inline(source[m.span.offset : m.span.end_offset], 50) for m in d.methods])
            yield f"- **`trait {d.name} {d.param}`** (line {d.span.line}): declares {methods or 'no methods'}.\n"
        elif isinstance(d, A.ImplDecl):
            target = source[d.type.span.offset : d.type.span.end_offset]
            names = join_names([f"`{m.name}`" for m in d.methods])
            yield f"- **`impl {d.trait} {target}`** (line {d.span.line}): defines {names} for `{target}`.\n"
            for m in d.methods:
                yield "  " + _func_item(source, m, sigs, user_names)
        elif isinstance(d, A.TestDecl):
            yield f"- **`test {d.name}`** (line {d.span.line}): a test, run by `synoema test`.\n"
        elif isinstance(d, A.ImportDecl):
            yield f"- **`import {d.path}`** (line {d.span.line}): loads definitions from another file.\n"


def _counts(decls: list[A.Decl]) -> str:
    funcs = P.iter_funcs(decls)
    types = [d for d in decls if isinstance(d, A.TypeDef)]
    parts = []
    named = [f"`{f.name}`" for f in funcs][:6]
    if funcs:
        more = "" if len(funcs) <= 6 else f" and {len(funcs) - 6} more"
        parts.append(f"{plural(len(funcs), 'definition')} ({join_names(named)}{more})")
    if types:
        parts.append(plural(len(types), "type"))
    return join_names(parts) or "no definitions"


def _run_summary(analysed: P.Analysed) -> str:
    r = analysed.result
    if r is None:
        return "it has no `main`, so running it prints nothing" if analysed.compiles else ""
    if not r.ok:
        stop = P.run_problem(r, analysed.checked)
        return f"running it stops with `{stop.code}`" if stop else "running it fails"
    lines = P.shown_output(r).splitlines()
    if not lines:
        return "running it prints nothing"
    last = inline(lines[-1], 40)
    return f"running it prints {plural(len(lines), 'line')}, ending with {last}"


def _as_program(source: str) -> str | None:
    """A bare expression (`map show [1 2]`) as the program `main = ...`, when it parses as one."""
    try:
        expr, diags = parse_expression(source)
    except Exception:  # the parser promises diagnostics, never exceptions
        return None
    if expr is None or any(d.is_error for d in diags):
        return None
    lines = source.strip("\n").split("\n")
    if len(lines) == 1:
        return f"main = {lines[0].strip()}\n"
    return "main =\n" + "\n".join("  " + line for line in lines) + "\n"


def explain_answer(knowledge: Knowledge, source: str) -> Iterator[str]:
    analysed = P.analyse(source)
    if not analysed.compiles and P.errors(analysed.checked.diagnostics) and all(
            d.code in ("unexpected_token", "indentation") for d in P.errors(analysed.checked.diagnostics)):
        wrapped = _as_program(source)
        if wrapped is not None and P.check(wrapped).ok:
            yield f"This is an expression; here it is as the program {inline(wrapped.strip(), 60)}.\n\n"
            source, analysed = wrapped, P.analyse(wrapped)
    checked = analysed.checked
    program = checked.program
    if not analysed.compiles:
        yield from _not_compiling(knowledge, analysed)
        return
    assert program is not None
    sigs = _signature_map(analysed)
    user_names = {f.name for f in P.iter_funcs(program.decls)}
    yield f"**What it does:** this program has {_counts(program.decls)}; {_run_summary(analysed)}.\n\n"
    yield "**Definitions**, in order:\n\n"
    yield from _decl_items(source, program.decls, sigs, user_names)
    notes = P.warnings(checked.diagnostics)
    if notes:
        yield "\n**Notes from the checker:**\n\n"
        for d in notes:
            yield diagnostic_line(d)
    yield from _output_section(knowledge, analysed)


def _output_section(knowledge: Knowledge, analysed: P.Analysed) -> Iterator[str]:
    r = analysed.result
    yield "\n**What it prints**"
    if r is None:
        yield ": nothing by itself — there is no `main`. Add `main = ...` as the last definition to run it.\n"
        return
    stdin_note = " (run here with empty standard input, since it reads `readline`)" if P.reads_stdin(
        analysed.checked.program) else ""
    if r.ok:
        shown = P.shown_output(r)
        if not shown:
            yield f"{stdin_note}: nothing — `main` is `()` and nothing is printed.\n"
            return
        value_note = ""
        if r.value is not None and r.value != "()":
            value_note = " The last line is the value of `main`; the lines before it come from `print`." if r.output else \
                " This is the value of `main`, displayed by `show` rules (strings without quotes)."
        yield f"{stdin_note}:\n\n" + output_block(knowledge, shown) + value_note.strip() + ("\n" if value_note else "")
        return
    stop = P.run_problem(r, analysed.checked)
    yield f"{stdin_note}: it stops with a runtime error.\n\n"
    if r.output:
        yield "Before stopping it prints:\n\n" + output_block(knowledge, r.output)
    if stop is not None:
        yield diagnostic_line(stop)
    yield "\nAsk `/fix` for a corrected version.\n"


def _not_compiling(knowledge: Knowledge, analysed: P.Analysed) -> Iterator[str]:
    errs = P.errors(analysed.checked.diagnostics)
    yield (f"**This code does not compile** ({plural(len(errs), 'error')}), so it has no types or output "
           "to explain yet:\n\n")
    for d in errs[:8]:
        yield diagnostic_line(d)
    yield "\nUse `/fix` to repair it; once it compiles, `/explain` walks through it with its types and output.\n"
