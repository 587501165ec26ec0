"""Name resolution: imports, modules, `use`, define-before-use, constructors.

Produces a `Unit`: the flat, ordered list of definitions the type checker and the compiler consume,
with every `Var` marked local / global / prelude / builtin and module members renamed to their
qualified names (`Math.square`). Unknown names get a did-you-mean from the names in scope and from
the table of names models carry over from other languages.
"""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

from . import ast as A
from .diagnostics import Diagnostic, Span
from .parser import parse
from .stdlib import BUILTINS, DERIVED, FOREIGN_CONSTRUCTORS, FOREIGN_NAMES

KNOWN_DERIVES = ("Show", "Eq", "Ord")
BUILTIN_TYPES = ("Int", "Float", "Bool", "String", "Char", "Unit")  # `List` may be redefined


@dataclass(slots=True)
class ConInfo:
    name: str
    type_name: str
    arity: int
    index: int
    typedef: A.TypeDef


@dataclass(slots=True)
class GlobalInfo:
    name: str  # global name (qualified for module members)
    scope: str  # global | prelude | builtin
    line: int = 0
    file: str | None = None


@dataclass(slots=True)
class Unit:
    """A resolved program: everything downstream passes need, in evaluation order."""

    funcs: list[A.FuncDef] = field(default_factory=list)
    typedefs: dict[str, A.TypeDef] = field(default_factory=dict)
    aliases: dict[str, A.TypeAlias] = field(default_factory=dict)
    constructors: dict[str, ConInfo] = field(default_factory=dict)
    traits: dict[str, A.TraitDecl] = field(default_factory=dict)
    impls: list[A.ImplDecl] = field(default_factory=list)
    tests: list[A.TestDecl] = field(default_factory=list)
    derived: set[str] = field(default_factory=set)  # "eq" / "cmp" when some type derives Eq / Ord
    globals: dict[str, GlobalInfo] = field(default_factory=dict)  # visible top-level names
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    main_file: str | None = None
    is_prelude: bool = False

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    def func(self, name: str) -> A.FuncDef | None:
        for f in self.funcs:
            if f.name == name:
                return f
        return None


Loader = Callable[[str], str | None]
TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Literal

    ImportMode = Literal["confined", "own"]
MAX_IMPORT_BYTES = 1 << 20  # largest file an `import` reads


class ImportRefused(Exception):
    """A loader's refusal: `str(e)` says why, and never quotes the file's contents."""


def read_import(path: str, *, root: str | None, confined: bool, max_bytes: int = MAX_IMPORT_BYTES) -> str | None:
    """The text of the file an `import` names, under the capability rules; None when it does not exist.

    Confined (the library API, the assistant, `run --sandbox`): only `.sno` files inside `root` (the
    main program's folder), symlinks resolved before the check, so no absolute path or `..` leads out.
    Always: regular files only (no devices, FIFOs, folders), at most `max_bytes`, UTF-8 text.
    Raises `ImportRefused` otherwise.
    """
    if confined:
        if root is None:
            raise ImportRefused("a program without a file cannot import; save it in a folder with what it imports")
        if not path.endswith(".sno"):
            raise ImportRefused("it is not a .sno file; imports read Synoema source files only")
        real_root = os.path.realpath(root)
        real = os.path.realpath(path)
        if os.path.commonpath([real_root, real]) != real_root:
            raise ImportRefused("it is outside the program's folder; imports stay inside it")
        path = real
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ImportRefused(f"it cannot be read ({e.strerror or type(e).__name__})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImportRefused("it is not a regular file (a device, a pipe or a folder)")
    if info.st_size > max_bytes:
        raise ImportRefused(f"it is larger than {max_bytes // 1024} KiB")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ImportRefused(f"it cannot be read ({e.strerror or type(e).__name__})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the check
            raise ImportRefused("it is not a regular file (a device, a pipe or a folder)")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise ImportRefused(f"it is larger than {max_bytes // 1024} KiB")
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise ImportRefused("it is not UTF-8 text") from None


def import_loader(mode: ImportMode, main_file: str | None) -> Loader:
    """The loader for `mode`: "confined" to the folder of `main_file`, or "own" (the user's files)."""
    root = os.path.dirname(os.path.abspath(main_file)) if main_file else None

    def load(path: str) -> str | None:
        return read_import(path, root=root, confined=mode == "confined")

    return load


def default_loader(path: str) -> str | None:
    """The user's own files (what `synoema run` reads): regular files up to the size cap."""
    return read_import(path, root=None, confined=False)


class _Scope:
    """Lexical scope for locals: a chain of dicts."""

    __slots__ = ("names", "parent")

    def __init__(self, parent: _Scope | None = None) -> None:
        self.names: set[str] = set()
        self.parent = parent

    def has(self, name: str) -> bool:
        s: _Scope | None = self
        while s is not None:
            if name in s.names:
                return True
            s = s.parent
        return False

    def all(self) -> set[str]:
        out: set[str] = set()
        s: _Scope | None = self
        while s is not None:
            out |= s.names
            s = s.parent
        return out


class Resolver:
    def __init__(self, base: Unit | None, loader: Loader) -> None:
        self.base = base
        self.loader = loader
        self.unit = Unit()
        if base is not None:
            self.unit.typedefs.update(base.typedefs)
            self.unit.aliases.update(base.aliases)
            self.unit.constructors.update(base.constructors)
            self.unit.traits.update(base.traits)
            self.unit.derived |= base.derived
            for name, g in base.globals.items():
                self.unit.globals[name] = GlobalInfo(g.name, "prelude" if g.scope == "global" else g.scope, g.line, g.file)
        self.later: dict[str, int] = {}  # top-level names defined later in the file (for hints)
        self.current_file: str | None = None
        self.loading: list[str] = []
        self.loaded: set[str] = set()
        self.module_prefix = ""
        self.module_names: dict[str, dict[str, str]] = {}  # module -> member -> global name

    # ── diagnostics ──────────────────────────────────────────────────────────────────────────

    def diag(self, code: str, message: str, span: Span | None, **kw: object) -> None:
        d = Diagnostic(code, message, span, file=self.current_file, **kw)  # type: ignore[arg-type]
        self.unit.diagnostics.append(d)

    # ── files and imports ────────────────────────────────────────────────────────────────────

    def collect(self, program: A.Program, path: str | None) -> list[tuple[str | None, A.Decl]]:
        """Declarations of `program` preceded by those of its imports (each file once)."""
        out: list[tuple[str | None, A.Decl]] = []
        if path is not None:
            self.loading.append(path)
            self.loaded.add(path)
        for d in program.decls:
            if isinstance(d, A.ImportDecl):
                out += self.load_import(d, path)
        out += [(path, d) for d in program.decls if not isinstance(d, A.ImportDecl)]
        if path is not None:
            self.loading.pop()
        return out

    def load_import(self, imp: A.ImportDecl, importer: str | None) -> list[tuple[str | None, A.Decl]]:
        base_dir = os.path.dirname(importer) if importer else "."
        target = os.path.normpath(os.path.join(base_dir, imp.path))
        if target in self.loading:
            chain = " -> ".join(os.path.basename(p) for p in [*self.loading, target])
            self.current_file = importer
            self.diag("import_cycle", f"import cycle: {chain}", imp.span,
                      llm_hint="Move the shared definitions into a file that both import.")
            return []
        if target in self.loaded:
            return []
        try:
            source = self.loader(target)
        except ImportRefused as refused:
            self.current_file = importer
            self.diag("import_refused", f"cannot import `{imp.path}`: {refused}", imp.span, fixability="easy")
            return []
        if source is None:
            self.current_file = importer
            self.diag("import_not_found", f"cannot find `{imp.path}` (looked for {target})", imp.span)
            return []
        parsed = parse(source, target)
        self.unit.sources[target] = source
        self.unit.diagnostics += parsed.diagnostics
        return self.collect(parsed.program, target)

    # ── whole unit ───────────────────────────────────────────────────────────────────────────

    def run(self, program: A.Program) -> Unit:
        self.unit.main_file = program.filename
        if program.filename:
            self.unit.sources[program.filename] = program.source
        items = self.collect(program, program.filename)
        # Names defined anywhere at the top level, for "defined later" hints.
        for _f, d in items:
            if isinstance(d, A.FuncDef):
                self.later.setdefault(d.name, d.span.line)
        # Types, constructors, aliases and traits are visible everywhere.
        for f, d in items:
            self.current_file = f
            if isinstance(d, A.TypeDef):
                self.add_typedef(d)
            elif isinstance(d, A.TypeAlias):
                self.unit.aliases[d.name] = d
            elif isinstance(d, A.TraitDecl):
                self.add_trait(d)
            elif isinstance(d, A.ModuleDecl):
                for inner in d.body:
                    if isinstance(inner, A.TypeDef):
                        self.add_typedef(inner)
                    elif isinstance(inner, A.TypeAlias):
                        self.unit.aliases[inner.name] = inner
        # In file order: a module sees the definitions above it; `use` brings its names into scope.
        for f, d in items:
            self.current_file = f
            if isinstance(d, A.ModuleDecl):
                self.resolve_module(d)
            elif isinstance(d, A.UseDecl):
                self.resolve_use(d)
            elif isinstance(d, A.FuncDef):
                self.resolve_func(d, d.name)
            elif isinstance(d, A.ImplDecl):
                self.resolve_impl(d)
            elif isinstance(d, A.TestDecl):
                self.unit.tests.append(d)
        for f, d in items:
            if isinstance(d, A.TestDecl):
                self.current_file = f
                d.body = self.expr(d.body, _Scope())
        return self.unit

    # ── types ────────────────────────────────────────────────────────────────────────────────

    def add_typedef(self, td: A.TypeDef) -> None:
        old = self.unit.typedefs.get(td.name)
        if old is not None and self.base is not None and self.base.typedefs.get(td.name) is old:
            same = [(v.name, len(v.fields)) for v in old.variants] == [(v.name, len(v.fields)) for v in td.variants]
            if same:
                return  # re-declaring a prelude type with the same shape: keep the prelude's
        elif old is not None:
            self.diag("duplicate_definition", f"type `{td.name}` is already defined", td.span)
            return
        if td.name in BUILTIN_TYPES:
            self.diag("duplicate_definition", f"`{td.name}` is a built-in type", td.span)
            return
        self.unit.typedefs[td.name] = td
        for i, v in enumerate(td.variants):
            prev = self.unit.constructors.get(v.name)
            if prev is not None and prev.typedef is not td and not (
                self.base is not None and self.base.constructors.get(v.name) is prev
            ):
                self.diag(
                    "duplicate_definition",
                    f"constructor `{v.name}` already belongs to type `{prev.type_name}`",
                    v.span,
                    llm_hint="Constructor names are global: rename one of them.",
                )
                continue
            self.unit.constructors[v.name] = ConInfo(v.name, td.name, len(v.fields), i, td)
        for der in td.derives:
            if der not in KNOWN_DERIVES:
                self.diag(
                    "unknown_derive",
                    f"cannot derive `{der}` (derivable: Show, Eq, Ord)",
                    td.span,
                    fixability="easy",
                    llm_hint="Remove it, or write an `impl` for the trait.",
                )
            elif der == "Eq":
                self.unit.derived.add("eq")
            elif der == "Ord":
                self.unit.derived.add("eq")
                self.unit.derived.add("cmp")

    def add_trait(self, tr: A.TraitDecl) -> None:
        if tr.name in self.unit.traits and (self.base is None or self.base.traits.get(tr.name) is not self.unit.traits[tr.name]):
            self.diag("duplicate_definition", f"trait `{tr.name}` is already defined", tr.span)
            return
        self.unit.traits[tr.name] = tr
        for sig in tr.methods:
            if sig.name not in BUILTINS:
                self.unit.globals[sig.name] = GlobalInfo(sig.name, "global", sig.span.line, self.current_file)

    # ── modules ──────────────────────────────────────────────────────────────────────────────

    def resolve_module(self, mod: A.ModuleDecl) -> None:
        members: dict[str, str] = {}
        self.module_names[mod.name] = members
        saved = dict(self.unit.globals)
        for d in mod.body:
            if isinstance(d, A.FuncDef):
                qualified = f"{mod.name}.{d.name}"
                local = d.name
                # Inside the module, earlier members are visible unqualified.
                self.unit.globals[local] = GlobalInfo(qualified, "global", d.span.line, self.current_file)
                self.resolve_func(d, qualified, register_as=qualified)
                members[local] = qualified
            elif isinstance(d, A.ModuleDecl):
                self.resolve_module(d)
            elif isinstance(d, A.ImplDecl):
                self.resolve_impl(d)
            elif isinstance(d, A.TestDecl):
                self.unit.tests.append(d)
        # Leaving the module: unqualified member names are no longer in scope.
        unqualified = set(members)
        for name in unqualified:
            if name in saved:
                self.unit.globals[name] = saved[name]
            else:
                self.unit.globals.pop(name, None)
        for qualified in members.values():
            self.unit.globals[qualified] = GlobalInfo(qualified, "global", 0, self.current_file)

    def resolve_use(self, use: A.UseDecl) -> None:
        members = self.module_names.get(use.module)
        if members is None:
            close = difflib.get_close_matches(use.module, list(self.module_names), n=1)
            self.diag(
                "unbound_variable",
                f"unknown module `{use.module}`",
                use.span,
                did_you_mean=close[0] if close else None,
                llm_hint="Define it with `mod Name` (indented body), or import its file with `import \"file.sno\"`.",
            )
            return
        names = list(members) if use.names == ["*"] else use.names
        for name in names:
            qualified = members.get(name)
            if qualified is None:
                close = difflib.get_close_matches(name, list(members), n=1)
                self.diag(
                    "unbound_variable",
                    f"module `{use.module}` has no `{name}`",
                    use.span,
                    did_you_mean=close[0] if close else None,
                )
                continue
            self.unit.globals[name] = GlobalInfo(qualified, "global", use.span.line, self.current_file)

    # ── functions ────────────────────────────────────────────────────────────────────────────

    def resolve_func(self, fd: A.FuncDef, global_name: str, register_as: str | None = None) -> None:
        fd.name = global_name
        # A function can call itself; later definitions are not visible yet (define before use).
        self.unit.globals[register_as or global_name.split(".")[-1] if register_as else global_name] = GlobalInfo(
            global_name, "global", fd.span.line, self.current_file
        )
        self.unit.globals[global_name] = GlobalInfo(global_name, "global", fd.span.line, self.current_file)
        for eq in fd.equations:
            eq.params = self.regroup_params(eq.params)
            scope = _Scope()
            for p in eq.params:
                self.pattern(p, scope)
            eq.body = self.expr(eq.body, scope)
        self.check_arity(fd)
        self.unit.funcs.append(fd)
        self.later.pop(global_name, None)

    def check_arity(self, fd: A.FuncDef) -> None:
        first = len(fd.equations[0].params)
        for eq in fd.equations[1:]:
            if len(eq.params) != first:
                name = fd.name.split(".")[-1]
                self.diag(
                    "arity_mismatch",
                    f"`{name}` has {first} parameter{'s' if first != 1 else ''} in its first equation but "
                    f"{len(eq.params)} in this one",
                    eq.span,
                    llm_hint="Every equation of a function takes the same number of parameters; a constructor "
                    "with arguments in a parameter must be parenthesised: `f (Just x) = ...`.",
                    fixability="easy",
                )
                return

    def resolve_impl(self, impl: A.ImplDecl) -> None:
        if impl.trait not in self.unit.traits and impl.trait not in ("Show", "Eq", "Ord"):
            close = difflib.get_close_matches(impl.trait, list(self.unit.traits), n=1)
            self.diag(
                "unbound_variable",
                f"unknown trait `{impl.trait}`",
                impl.span,
                did_you_mean=close[0] if close else None,
                llm_hint="Declare it first: `trait Name a` with indented method signatures.",
            )
        for m in impl.methods:
            for eq in m.equations:
                eq.params = self.regroup_params(eq.params)
                scope = _Scope()
                for p in eq.params:
                    self.pattern(p, scope)
                eq.body = self.expr(eq.body, scope)
            self.check_arity(m)
        self.unit.impls.append(impl)

    def regroup_params(self, params: list[A.Pattern]) -> list[A.Pattern]:
        """`f Just x = ...`: a bare constructor with arguments takes the following parameters."""
        out: list[A.Pattern] = []
        i = 0
        while i < len(params):
            p = params[i]
            if isinstance(p, A.PCon) and not p.parenthesized and not p.args:
                info = self.unit.constructors.get(p.name)
                if info is not None and info.arity > 0 and i + info.arity < len(params) + 1:
                    args = params[i + 1 : i + 1 + info.arity]
                    if len(args) == info.arity:
                        out.append(A.PCon(p.name, args, p.span.to(args[-1].span)))
                        i += 1 + info.arity
                        continue
            out.append(p)
            i += 1
        return out

    # ── patterns ─────────────────────────────────────────────────────────────────────────────

    def pattern(self, p: A.Pattern, scope: _Scope) -> None:
        match p:
            case A.PVar(name=name):
                if name in scope.names:
                    self.diag("duplicate_definition", f"`{name}` is bound twice in this pattern", p.span,
                              llm_hint="Use a different name for each variable of a pattern.")
                scope.names.add(name)
            case A.PCon(name=name, args=args):
                info = self.unit.constructors.get(name)
                if info is None:
                    self.unknown_constructor(name, p.span)
                for a in args:
                    self.pattern(a, scope)
            case A.PCons(head=h, tail=t):
                self.pattern(h, scope)
                self.pattern(t, scope)
            case A.PList(items=items):
                for x in items:
                    self.pattern(x, scope)
            case A.PRecord(fields=fields):
                for _, x in fields:
                    self.pattern(x, scope)
            case A.PPair(first=a, second=b):
                self.pattern(a, scope)
                self.pattern(b, scope)

    def unknown_constructor(self, name: str, span: Span) -> None:
        hint = FOREIGN_CONSTRUCTORS.get(name)
        close = difflib.get_close_matches(name, list(self.unit.constructors), n=1)
        self.diag(
            "unbound_variable",
            f"unknown constructor `{name}`",
            span,
            did_you_mean=(hint if hint and " " not in hint else None) or (close[0] if close else None),
            llm_hint=f"Write {hint}." if hint else "Define the type first: `T = {name} ...` (constructors are capitalised).",
        )

    # ── expressions ──────────────────────────────────────────────────────────────────────────

    def expr(self, e: A.Expr, scope: _Scope) -> A.Expr:
        match e:
            case A.Var():
                self.var(e, scope)
                return e
            case A.Con(name=name):
                if name not in self.unit.constructors:
                    if name in self.module_names:
                        self.diag("unbound_variable", f"`{name}` is a module; use `{name}.member`", e.span)
                    else:
                        self.unknown_constructor(name, e.span)
                return e
            case A.Field(expr=A.Con(name=mod), name=member) if mod in self.module_names:
                qualified = self.module_names[mod].get(member)
                if qualified is None:
                    close = difflib.get_close_matches(member, list(self.module_names[mod]), n=1)
                    self.diag("unbound_variable", f"module `{mod}` has no `{member}`", e.span,
                              did_you_mean=close[0] if close else None)
                    return A.Var(f"{mod}.{member}", e.span, "global")
                return A.Var(qualified, e.span, "global")
            case A.Lit():
                return e
            case A.App():
                e.fn = self.expr(e.fn, scope)
                e.args = [self.expr(a, scope) for a in e.args]
                return e
            case A.Lambda():
                inner = _Scope(scope)
                e.params = self.regroup_params(e.params)
                for p in e.params:
                    self.pattern(p, inner)
                e.body = self.expr(e.body, inner)
                return e
            case A.BinOp():
                e.left = self.expr(e.left, scope)
                e.right = self.expr(e.right, scope)
                return e
            case A.Neg() | A.Paren():
                e.expr = self.expr(e.expr, scope)
                return e
            case A.Cond():
                e.cond = self.expr(e.cond, scope)
                e.then = self.expr(e.then, scope)
                e.else_ = self.expr(e.else_, scope)
                return e
            case A.Field():
                e.expr = self.expr(e.expr, scope)
                return e
            case A.Record() | A.RecordUpdate():
                if isinstance(e, A.RecordUpdate):
                    e.base = self.expr(e.base, scope)
                for f in e.fields:
                    f.value = self.expr(f.value, scope)
                return e
            case A.Pair():
                e.first = self.expr(e.first, scope)
                e.second = self.expr(e.second, scope)
                return e
            case A.ListLit():
                e.items = [self.expr(x, scope) for x in e.items]
                return e
            case A.Range():
                e.start = self.expr(e.start, scope)
                e.end = self.expr(e.end, scope)
                return e
            case A.ListComp():
                inner = _Scope(scope)
                for q in e.quals:
                    if isinstance(q, A.Generator):
                        q.source = self.expr(q.source, inner)
                        inner = _Scope(inner)
                        self.pattern(q.pattern, inner)
                    else:
                        q.cond = self.expr(q.cond, inner)
                e.body = self.expr(e.body, inner)
                return e
            case A.Block():
                inner = _Scope(scope)
                for st in e.stmts:
                    if isinstance(st, A.Let | A.Bind):
                        # The value cannot see its own name (no local recursion).
                        st.value = self.expr(st.value, inner)
                        inner = _Scope(inner)
                        inner.names.add(st.name)
                    else:
                        st.expr = self.expr(st.expr, inner)
                e.result = self.expr(e.result, inner)
                return e
            case A.Interp():
                e.parts = [p if isinstance(p, str) else self.expr(p, scope) for p in e.parts]
                return e
            case A.Prop():
                inner = _Scope(scope)
                inner.names.update(e.vars)
                e.body = self.expr(e.body, inner)
                return e
            case A.When():
                e.body = self.expr(e.body, scope)
                e.cond = self.expr(e.cond, scope)
                return e
        return e

    def var(self, v: A.Var, scope: _Scope) -> None:
        name = v.name
        if scope.has(name):
            v.scope = "local"
            return
        g = self.unit.globals.get(name)
        if g is not None:
            v.name = g.name
            v.scope = g.scope
            return
        if name in BUILTINS:
            v.scope = "builtin"
            return
        if name in DERIVED and name in self.unit.derived:
            v.scope = "builtin"
            return
        self.unbound(v, scope)

    def unbound(self, v: A.Var, scope: _Scope) -> None:
        name = v.name
        later = self.later.get(name)
        if later is not None:
            self.diag(
                "unbound_variable",
                f"`{name}` is used before its definition on line {later}",
                v.span,
                llm_hint=f"Synoema requires define-before-use: move the definition of `{name}` above this line "
                "(mutual recursion is not possible; merge the functions or pass one as a parameter).",
                fixability="easy",
            )
            return
        candidates = scope.all() | set(self.unit.globals) | set(BUILTINS)
        close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.75)
        foreign = FOREIGN_NAMES.get(name)
        if foreign is not None:
            self.diag(
                "unbound_variable",
                f"`{name}` is not defined in Synoema",
                v.span,
                did_you_mean=foreign,
                llm_hint=f"Synoema has no `{name}`; use {foreign}.",
                fixability="easy",
            )
            return
        self.diag(
            "unbound_variable",
            f"`{name}` is not defined",
            v.span,
            did_you_mean=close[0] if close else None,
            llm_hint="Check the spelling, add it as a parameter, or define it above this line. A local "
            "binding cannot refer to itself; recursive helpers must be top-level functions."
            if not close
            else f"Did you mean `{close[0]}`?",
            fixability="easy",
        )


def resolve(program: A.Program, base: Unit | None = None, loader: Loader = default_loader) -> Unit:
    """Resolve a parsed program against `base` (the prelude unit). Never raises."""
    r = Resolver(base, loader)
    try:
        unit = r.run(program)
    except RecursionError:
        r.unit.diagnostics.append(Diagnostic("limit_exceeded", "the program is nested too deeply (resolving stopped)",
                                             None, data={"limit": "depth", "stage": "resolve"}))
        unit = r.unit
    return unit
