"""What the checker says about a program, gathered once for the builders: its output, the inferred
type of every definition, what each definition does (read off the syntax tree by the offline
engine's describer), the language features it uses, and which display rules its output shows.

Nothing here is written by hand about a particular program: every sentence a builder says about
one comes from these facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from synoema import ast as A
from synoema.execute import Limits

# Programs the builders make (mutations, rewrites, variants) run in-process under these limits;
# the final validation runs every snippet again in the sandbox.
LIMITS = Limits(timeout=2.0, max_depth=100_000, max_output=64 * 1024, max_memory=512 << 20, max_range=2_000_000)

# Corpus feature names (corpus.features) in words.
FEATURE_WORDS: dict[str, str] = {
    "pattern_literal": "literal patterns",
    "pattern_wildcard": "the `_` pattern",
    "pattern_constructor": "constructor patterns",
    "pattern_cons": "cons patterns `(x:xs)`",
    "pattern_list": "list patterns like `[]`",
    "pattern_record": "record patterns",
    "conditional": "the conditional `? c -> a : b`",
    "local_block": "an indented block of local names",
    "record": "records",
    "record_update": "record update",
    "record_punning": "field punning",
    "adt": "an algebraic data type",
    "adt_param": "a type with a parameter",
    "derive": "`derive`",
    "trait_impl": "a trait with an `impl`",
    "comprehension": "a list comprehension",
    "pipe": "the pipe `|>`",
    "compose": "composition `>>`",
    "result": "the `Result` type",
    "map": "a `Map`",
    "json": "the JSON functions",
    "string_builtins": "the string builtins",
    "print_sequence": "a sequence of `print`s",
    "module": "a module",
    "lambda": "lambdas",
    "recursion": "recursion",
    "foldl": "`foldl`",
    "range": "a range `[a..b]`",
    "interpolation": "string interpolation `${}`",
    "semicolon": "`;` to sequence steps",
    "type_signature": "type signatures",
    "stdin": "`readline`",
    "pair": "pairs",
    "partial_application": "partial application",
}


@dataclass(frozen=True)
class Definition:
    """One top-level definition (or a member of a module or impl), with what the checker knows."""

    name: str
    line: int
    what: str  # function | type | module | use | trait | impl | alias | test | import
    signature: str | None
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class ProgramFacts:
    source: str
    stdin: str
    stdout: str  # exactly what `synoema run` prints
    printed: str  # what `print` wrote
    value: str | None
    value_type: str | None
    signatures: tuple[tuple[str, str], ...]
    definitions: tuple[Definition, ...]

    @property
    def lines(self) -> list[str]:
        return self.stdout.rstrip("\n").split("\n") if self.stdout.strip("\n") else []

    @property
    def ends_with_print(self) -> bool:
        return self.value == "()"

    @property
    def signature_map(self) -> dict[str, str]:
        return dict(self.signatures)

    def functions(self) -> list[Definition]:
        return [d for d in self.definitions if d.what == "function" and d.signature and d.name != "main"]

    def display_notes(self) -> list[str]:
        """Template keys of the display rules the output shows (`display.*`)."""
        notes: list[str] = []
        vt = self.value_type or ""
        if self.ends_with_print:
            notes.append("display.unit")
        elif self.printed:
            notes.append("display.value_after_print")
        else:
            notes.append("display.value_only")
        out = self.stdout
        if "String" in vt and "List" in vt:
            notes.append("display.strings")
        if re.search(r"(^|\s)\[", out):
            notes.append("display.lists")
        if "Float" in vt:
            notes.append("display.float")
        if re.search(r"\{[a-z_]\w* = ", out):
            notes.append("display.records")
        if vt.split(" ")[0] in ("Result",) or re.search(r"^(Ok|Err) ", out, re.M):
            notes.append("display.constructors")
        if vt == "Bool" or vt == "List Bool":
            notes.append("display.bool")
        if re.search(r"(^|[\s\[])-\d", out):
            notes.append("display.negative")
        return notes


def _definitions(source: str, program: A.Program, sigs: dict[str, str]) -> list[Definition]:
    from assistant.offline.describe import describe_function, describe_typedef
    from synoema.lint.astinfo import iter_funcs

    user_names = {f.name for f in iter_funcs(program.decls)}
    out: list[Definition] = []

    def func(fd: A.FuncDef, prefix: str = "") -> Definition:
        name = prefix + fd.name
        return Definition(name, fd.span.line, "function", sigs.get(name) or sigs.get(fd.name),
                          tuple(describe_function(source, fd, user_names)))

    for d in program.decls:
        if isinstance(d, A.FuncDef):
            out.append(func(d))
        elif isinstance(d, A.TypeDef):
            out.append(Definition(d.name, d.span.line, "type", None, (describe_typedef(source, d),)))
        elif isinstance(d, A.ModuleDecl):
            members = [m for m in d.body if isinstance(m, A.FuncDef)]
            names = ", ".join(f"`{d.name}.{m.name}`" for m in members)
            out.append(Definition(d.name, d.span.line, "module", None,
                                  (f"A module that groups {names or 'nothing'}; outside the module they carry the `{d.name}.` prefix.",)))
            out += [func(m, d.name + ".") for m in members]
        elif isinstance(d, A.UseDecl):
            what = "every member" if d.names == ["*"] else ", ".join(f"`{n}`" for n in d.names)
            out.append(Definition(d.module, d.span.line, "use", None,
                                  (f"`use {d.module}` brings {what} of `{d.module}` into scope without the prefix.",)))
        elif isinstance(d, A.TraitDecl):
            methods = ", ".join(f"`{source[m.span.offset:m.span.end_offset].strip()}`" for m in d.methods)
            out.append(Definition(d.name, d.span.line, "trait", None,
                                  (f"A trait that declares {methods or 'no methods'}.",)))
        elif isinstance(d, A.ImplDecl):
            target = source[d.type.span.offset:d.type.span.end_offset]
            names = ", ".join(f"`{m.name}`" for m in d.methods)
            out.append(Definition(f"impl {d.trait} {target}", d.span.line, "impl", None,
                                  (f"It defines {names} of `{d.trait}` for `{target}`.",)))
        elif isinstance(d, A.TypeAlias):
            body = source[d.body.span.offset:d.body.span.end_offset]
            out.append(Definition(d.name, d.span.line, "alias", None, (f"A type alias for `{body}`.",)))
    return out


@lru_cache(maxsize=8192)
def analyse(source: str, stdin: str = "") -> ProgramFacts | None:
    """The facts of a program that runs, or None (it fails, or has no `main`)."""
    import synoema
    from synoema.parser import parse

    report = synoema.check(source, stdin=stdin, isolate=False, limits=LIMITS)
    if not report.ok or report.shape != "program" or report.stages.get("run") != "passed":
        return None
    program = parse(source).program
    if program is None:
        return None
    sigs = dict(report.signatures)
    return ProgramFacts(source, stdin, report.stdout, report.output, report.value, report.value_type,
                        tuple(report.signatures), tuple(_definitions(source, program, sigs)))


def run(source: str, stdin: str = "") -> tuple[bool, str, object]:
    """(runs, stdout, report) of a program the builders made, in-process under `LIMITS`."""
    import synoema

    report = synoema.check(source, stdin=stdin, isolate=False, limits=LIMITS)
    ok = report.ok and report.shape == "program" and report.stages.get("run") == "passed"
    return ok, report.stdout, report
