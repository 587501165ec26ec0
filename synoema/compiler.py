"""Compile a resolved unit to Python source, once; running it is then plain Python.

Each Synoema function becomes a Python function with positional parameters and its equations become
`if` chains over the arguments; saturated calls to known functions are direct calls; self tail calls
become loops (constant stack); top-level constants are evaluated once, on first use (unless they
perform I/O). Every generated line remembers the spans it came from, so runtime errors point at the
user's code.
"""

from __future__ import annotations

import itertools
import keyword

from . import ast as A
from .compiled import CompiledUnit, GlobalFn, Line
from .diagnostics import Span
from .resolve import Unit
from .stdlib import BUILTINS, DERIVED, PURE

# Builtins that fail on some inputs: where a runtime error of that kind points.
PARTIAL_BUILTINS = {"head": "runtime_error", "tail": "runtime_error", "index": "index_out_of_bounds",
                    "error": "runtime_error", "unwrap": "runtime_error", "json_str": "runtime_error",
                    "json_num": "runtime_error", "json_arr": "runtime_error", "json_obj": "runtime_error"}
EFFECT_BUILTINS = frozenset(n for n, b in BUILTINS.items() if b.capability != PURE) | {"args"}
INT_LIMIT = "9223372036854775807"
INT_LOW = "-9223372036854775808"
# Python's own parser gives up on deep nesting (200 brackets, 100 indentation levels, and a MemoryError
# well before that for nested operators). Past these depths a sub-expression is compiled as a function
# of its own at module level and called in place, so nesting in the generated code stays bounded.
NEST_LIFT = 16  # nested expressions
INDENT_LIFT = 40  # nested statements


def mangle(name: str) -> str:
    return name.replace(".", "__")


class _Fn:
    """State of the Python function being generated."""

    def __init__(self, name: str | None, arity: int, params: list[str], loops: bool) -> None:
        self.name = name  # Synoema global name for self tail calls
        self.arity = arity
        self.params = params
        self.loops = loops
        self.locals: set[str] = set(params)
        self.heads: str | None = None  # `f ... = x : f ...`: the heads collected so far (a Python list)


class Compiler:
    def __init__(self, unit: Unit, known: dict[str, GlobalFn] | None = None, module_id: str = "main") -> None:
        self.unit = unit
        self.globals: dict[str, GlobalFn] = dict(known or {})
        self.lines: list[Line] = []
        self.indent = 0
        self.counter = itertools.count(1)
        self.fn: _Fn | None = None
        self.no_walrus = 0
        self.module_id = module_id
        self.pending_notes: list[tuple[Span, str, str]] = []
        self.depth = 0  # expressions being compiled inside one another
        self.nest = 0  # statement levels that captured lines will gain when spliced
        self.lifted: list[Line] = []  # module-level functions made for deep nesting (see `lift`)

    # ── emission ─────────────────────────────────────────────────────────────────────────────

    def emit(self, text: str, span: Span | None = None, kind: str = "stmt", detail: str = "") -> Line:
        line = Line(self.indent, text)
        if span is not None:
            line.spans.append((span, kind, detail))
        if self.pending_notes:
            line.spans.extend(self.pending_notes)
            self.pending_notes = []
        self.lines.append(line)
        return line

    def fresh(self, base: str = "t") -> str:
        return f"_{base}{next(self.counter)}"

    def local_name(self, name: str) -> str:
        py = f"l{next(self.counter)}_{name}"
        if self.fn is not None:
            self.fn.locals.add(py)
        return py

    class _Capture:
        def __init__(self, comp: Compiler) -> None:
            self.comp = comp
            self.lines: list[Line] = []

        def __enter__(self) -> Compiler._Capture:
            self.saved = self.comp.lines
            self.comp.lines = self.lines
            return self

        def __exit__(self, *exc: object) -> None:
            self.comp.lines = self.saved

    def capture(self) -> Compiler._Capture:
        return Compiler._Capture(self)

    def splice(self, lines: list[Line], extra_indent: int = 0) -> None:
        for ln in lines:
            ln.indent += extra_indent
            self.lines.append(ln)

    def note(self, span: Span, kind: str, detail: str = "") -> None:
        """Attach a span to the statement being generated (the next emitted line)."""
        self.pending_notes.append((span, kind, detail))

    def flush_notes(self, line: Line) -> None:
        """Notes are attached by `emit`; kept for readability at statement ends."""

    # ── unit ─────────────────────────────────────────────────────────────────────────────────

    def compile_unit(self) -> CompiledUnit:
        unit = self.unit
        # constructors
        for info in unit.constructors.values():
            if info.arity == 0:
                self.emit(f"N_{info.name} = Con({info.name!r}, {info.index}, ())")
            else:
                self.emit(f"CV_{info.name} = con_fn({info.name!r}, {info.index}, {info.arity})")
        own = {c.name: c.type_name for c in unit.constructors.values()}
        self.emit(f"CON_TYPES = {{**CON_TYPES, **{own!r}}}")
        effectful: set[str] = {g.name for g in self.globals.values() if g.effectful}
        trait_methods = self.trait_methods()
        for mname, (_trait, arity) in trait_methods.items():
            if arity > 0:
                self.globals[mname] = GlobalFn(mname, arity, f"F_{mangle(mname)}")
        for fd in unit.funcs:
            self.compile_func(fd, effectful)
        self.compile_traits(trait_methods)
        self.lines += self.lifted
        self.emit("pass")
        source = "\n".join("    " * ln.indent + ln.text for ln in self.lines) + "\n"
        spans = [ln.spans for ln in self.lines]
        return CompiledUnit(source, spans, self.globals, f"<synoema:{self.module_id}>")

    def trait_methods(self) -> dict[str, tuple[A.TraitDecl | None, int]]:
        """Methods with impls: name -> (trait, arity)."""
        out: dict[str, tuple[A.TraitDecl | None, int]] = {}
        for tr in self.unit.traits.values():
            for sig in tr.methods:
                out[sig.name] = (tr, _arrows(sig.type))
        for impl in self.unit.impls:
            for m in impl.methods:
                if m.name not in out:
                    out[m.name] = (None, m.arity)
        return out

    # ── functions ────────────────────────────────────────────────────────────────────────────

    def compile_func(self, fd: A.FuncDef, effectful: set[str]) -> None:
        name = fd.name
        eqs = fd.equations
        # `f = \x y -> body` is a function of two parameters.
        if len(eqs) == 1 and not eqs[0].params and isinstance(_strip(eqs[0].body), A.Lambda):
            lam = _strip(eqs[0].body)
            assert isinstance(lam, A.Lambda)
            eqs = [A.Equation(list(lam.params), lam.body, eqs[0].span)]
        arity = len(eqs[0].params)
        is_effectful = any(self.mentions_effect(eq.body, effectful) for eq in eqs)
        py = mangle(name)
        if name in self.globals:  # redefines a prelude name: keep earlier references on the old one
            py = f"{py}__{next(self.counter)}"
        if arity == 0:
            g = GlobalFn(name, 0, f"K_{py}", is_effectful)
            self.globals[name] = g
            if is_effectful:
                effectful.add(name)
            self.emit(f"def E_{py}():", fd.span)
            self.indent += 1
            self.fn = _Fn(None, 0, [], False)
            self.compile_tail(eqs[0].body, {})
            self.fn = None
            self.indent -= 1
            if is_effectful:
                self.emit(f"K_{py} = E_{py}")
            else:
                self.emit(f"C_{py} = UNSET")
                self.emit(f"def K_{py}():")
                self.indent += 1
                self.emit(f"global C_{py}")
                self.emit(f"if C_{py} is UNSET: C_{py} = E_{py}()")
                self.emit(f"return C_{py}")
                self.indent -= 1
            return
        g = GlobalFn(name, arity, f"F_{py}", is_effectful)
        self.globals[name] = g
        if is_effectful:
            effectful.add(name)
        self.compile_function(f"F_{py}", name, eqs, fd.span)
        self.emit(f"V_{py} = curry(F_{py}, {arity})")

    def compile_function(self, pyname: str, self_name: str | None, eqs: list[A.Equation], span: Span,
                         captures: list[str] | None = None) -> None:
        arity = len(eqs[0].params)
        params = [f"a{i}" for i in range(arity)]
        calls = [k for eq in eqs for k in _self_tail_calls(eq.body, self_name, arity)] if self_name else []
        loops = bool(calls)
        sig = ", ".join(params + [f"{c}={c}" for c in captures or []])
        self.emit(f"def {pyname}({sig}):", span, "def", self_name or "")
        self.indent += 1
        saved_fn = self.fn
        self.fn = _Fn(self_name, arity, params, loops)
        if "cons" in calls:
            # tail recursion modulo cons: `f .. = x : f ..` loops, collecting the heads, and each
            # return puts them in front of its value; constant stack, and the cells are built by C
            self.fn.heads = self.fresh("heads")
            self.emit(f"{self.fn.heads} = []")
        if loops:
            self.emit("while True:")
            self.indent += 1
        self.compile_equations(eqs, params, self_name or "<lambda>")
        if loops:
            self.indent -= 1
        self.fn = saved_fn
        self.indent -= 1

    def compile_equations(self, eqs: list[A.Equation], params: list[str], fname: str) -> None:
        known: set[str] = set()  # conditions that hold once earlier equations failed
        for eq in eqs:
            conds: list[str] = []
            binds: list[tuple[str, str]] = []
            env: dict[str, str] = {}
            for p, subj in zip(eq.params, params):
                self.match(p, subj, conds, binds, env)
            conds = [c for c in conds if c not in known]
            if len(conds) == 1 and conds[0].isidentifier():  # `f (x:xs)` failed: the list is empty
                known.add(f"not {conds[0]}")
            elif len(conds) == 1 and conds[0].startswith("not ") and conds[0][4:].isidentifier():
                known.add(conds[0][4:])  # `f []` failed: the list is not empty
            if conds:
                self.emit(f"if {' and '.join(conds)}:", eq.span)
                self.indent += 1
                self.emit_binds(binds)
                self.compile_tail(eq.body, env)
                self.indent -= 1
            else:
                self.emit_binds(binds)
                self.compile_tail(eq.body, env)
                return  # later equations are unreachable
        self.emit(f"raise NoMatch({fname!r}, ({', '.join(params)}{',' if len(params) == 1 else ''}))",
                  eqs[0].span, "nomatch", fname)

    # ── patterns ─────────────────────────────────────────────────────────────────────────────

    def match(self, p: A.Pattern, subj: str, conds: list[str], binds: list[tuple[str, str]],
              env: dict[str, str], fast: bool = True) -> None:
        """Conditions and bindings for matching `p` against `subj`.

        A bind is `(name, expr)`, or `("", statement)` when `fast` (statement context): lists are
        taken apart by unpacking their `(head, n, rest)` tuple (see `synoema.lists`).
        """
        match p:
            case A.PWild():
                return
            case A.PVar(name=name):
                if subj.isidentifier():  # a parameter: only rebound by a self tail call, after its args
                    env[name] = subj
                    return
                py = self.local_name(name)
                env[name] = py
                binds.append((py, subj))
            case A.PLit(kind=kind, value=value):
                if kind == "unit":
                    return
                if kind == "bool":
                    conds.append(f"{subj} is {value!r}")
                else:
                    conds.append(f"{subj} == {value!r}")
            case A.PCon(name=name, args=args):
                conds.append(f"{subj}.tag == {name!r}")
                for i, a in enumerate(args):
                    self.match(a, f"{subj}.args[{i}]", conds, binds, env, fast)
            case A.PCons():
                heads: list[A.Pattern] = []
                rest: A.Pattern = p
                while isinstance(rest, A.PCons):
                    heads.append(rest.head)
                    rest = rest.tail
                if isinstance(rest, A.PList):  # (x:[y]) is [x y]
                    self.match(A.PList([*heads, *rest.items], p.span), subj, conds, binds, env, fast)
                    return
                k = len(heads)
                conds.append(subj if k == 1 else f"{subj} and {subj}[1] >= {k}")
                if fast and k == 1 and subj.isidentifier() and isinstance(rest, A.PVar):
                    self.match_cons_fast(heads[0], rest, subj, conds, binds, env)
                    return
                for i, h in enumerate(heads):
                    self.match(h, _elem(subj, i), conds, binds, env, fast)
                if not isinstance(rest, A.PWild):
                    self.match(rest, f"L_TL({subj})" if k == 1 else f"L_DROP({subj}, {k})", conds, binds, env, fast)
            case A.PList(items=items):
                if not items:
                    conds.append(f"not {subj}")
                    return
                conds.append(f"{subj} and {subj}[1] == {len(items)}")
                for i, x in enumerate(items):
                    self.match(x, _elem(subj, i), conds, binds, env, fast)
            case A.PRecord(fields=fields):
                for fname, x in fields:
                    self.match(x, f"{subj}.fields[{fname!r}]", conds, binds, env, fast)
            case A.PPair(first=a, second=b):
                self.match(a, f"{subj}.fields['fst']", conds, binds, env, fast)
                self.match(b, f"{subj}.fields['snd']", conds, binds, env, fast)

    def match_cons_fast(self, head: A.Pattern, rest: A.PVar, subj: str, conds: list[str],
                        binds: list[tuple[str, str]], env: dict[str, str]) -> None:
        """`(x:xs)` on a local: one unpack, then the next view only when `subj` is an array view."""
        n = self.fresh("n")
        tail = self.local_name(rest.name)
        if isinstance(head, A.PVar | A.PWild):
            hpy = self.local_name(head.name) if isinstance(head, A.PVar) else self.fresh("w")
            if isinstance(head, A.PVar):
                env[head.name] = hpy
            binds.append(("", f"{hpy}, {n}, {tail} = {subj}"))
        else:
            self.match(head, f"{subj}[0]", conds, binds, env)
            binds.append(("", f"{n} = {subj}[1]; {tail} = {subj}[2]"))
        binds.append(("", f"if type({tail}) is list: {tail} = L_VT({n}, {tail})"))
        env[rest.name] = tail

    def emit_binds(self, binds: list[tuple[str, str]]) -> None:
        for py, expr in binds:
            self.emit(f"{py} = {expr}" if py else expr)

    # ── tail position ────────────────────────────────────────────────────────────────────────

    def compile_tail(self, e: A.Expr, env: dict[str, str]) -> None:
        """Emit statements that return the value of `e`."""
        e = _strip(e)
        fn = self.fn
        deep = self.too_deep()  # then the value is an expression (`compile_expr` lifts it)
        if isinstance(e, A.Cond) and not deep:
            c = self.compile_expr(e.cond, env)
            self.emit(f"if {c}:", e.cond.span, "expr")
            self.indent += 1
            self.compile_tail(e.then, env)
            self.indent -= 1
            self.emit("else:")
            self.indent += 1
            self.compile_tail(e.else_, env)
            self.indent -= 1
            return
        if isinstance(e, A.Block) and not deep:
            env = self.compile_stmts(e.stmts, env)
            self.compile_tail(e.result, env)
            return
        heads: list[A.Expr] = []
        if fn is not None and fn.heads is not None:
            call = e
            while isinstance(call, A.BinOp) and call.op == ":":
                heads.append(call.left)
                call = _strip(call.right)
            if heads and fn.name is not None and _is_self_call(call, fn.name, fn.arity):
                e = call
            else:
                heads = []
        if fn is not None and fn.loops and fn.name is not None and _is_self_call(e, fn.name, fn.arity):
            assert isinstance(e, A.App)
            vals = self.compile_args([*heads, *e.args], env)
            for h in vals[: len(heads)]:
                self.emit(f"{fn.heads}.append({h})", e.span, "expr")
            args = vals[len(heads) :]
            if len(args) == 1:
                self.emit(f"a0 = {args[0]}", e.span, "expr")
            else:
                self.emit(f"{', '.join(fn.params)} = {', '.join(args)}", e.span, "expr")
            self.emit("continue")
            return
        if isinstance(e, A.BinOp) and e.op == ";" and not deep:
            left = self.compile_expr(e.left, env)
            self.emit(left, e.left.span, "expr")
            self.compile_tail(e.right, env)
            return
        value = self.compile_expr(e, env)
        if fn is not None and fn.heads is not None:
            value = f"L_PRE({fn.heads}, {value})"
        line = self.emit(f"return {value}", e.span, "expr")
        self.flush_notes(line)

    def compile_stmts(self, stmts: list[A.Stmt], env: dict[str, str]) -> dict[str, str]:
        env = dict(env)
        for st in stmts:
            if isinstance(st, A.Let | A.Bind):
                value = self.compile_expr(st.value, env)
                py = self.local_name(st.name)
                line = self.emit(f"{py} = {value}", st.value.span, "expr")
                self.flush_notes(line)
                env[st.name] = py
            else:
                value = self.compile_expr(st.expr, env)
                line = self.emit(value, st.expr.span, "expr")
                self.flush_notes(line)
        return env

    # ── expressions ──────────────────────────────────────────────────────────────────────────

    def compile_args(self, args: list[A.Expr], env: dict[str, str]) -> list[str]:
        """Compile sub-expressions left to right, keeping evaluation order when some need statements."""
        out: list[str] = []
        for a in args:
            with self.capture() as cap:
                s = self.compile_expr(a, env)
            if cap.lines:
                # earlier operands must be evaluated before these statements
                for i, prev in enumerate(out):
                    if not _is_trivial(prev):
                        t = self.fresh()
                        self.emit(f"{t} = {prev}")
                        out[i] = t
                self.splice(cap.lines)
            out.append(s)
        return out

    def compile_expr(self, e: A.Expr, env: dict[str, str]) -> str:
        m = getattr(self, "x_" + type(e).__name__)
        if self.too_deep() and not isinstance(e, A.Var | A.Lit | A.Con):
            return self.lift(e, env)
        self.depth += 1
        try:
            return m(e, env)
        finally:
            self.depth -= 1

    # ── deep nesting ─────────────────────────────────────────────────────────────────────────

    def too_deep(self) -> bool:
        return self.depth >= NEST_LIFT or self.indent + self.nest >= INDENT_LIFT

    def lift(self, e: A.Expr, env: dict[str, str]) -> str:
        """Compile `e` as a module-level function of the locals in scope, and return a call to it.

        The call stands where the expression stood, so evaluation order and laziness are unchanged;
        the locals are passed by value, which is what they are (Synoema bindings never change).
        """
        free = sorted(set(env.values()))  # every local in scope (walking `e` for the used ones is quadratic)
        name = f"_n{next(self.counter)}_{''.join(c if c.isalnum() else '_' for c in self.module_id)[-24:]}"
        saved = (self.lines, self.indent, self.fn, self.depth, self.nest, self.pending_notes, self.no_walrus)
        self.lines, self.indent, self.depth, self.nest, self.pending_notes, self.no_walrus = [], 0, 0, 0, [], 0
        self.fn = _Fn(None, 0, free, False)
        try:
            self.emit(f"def {name}({', '.join(free)}):")
            self.indent = 1
            self.compile_tail(e, env)
            self.lifted += self.lines
        finally:
            self.lines, self.indent, self.fn, self.depth, self.nest, self.pending_notes, self.no_walrus = saved
        return f"{name}({', '.join(free)})"

    def x_Paren(self, e: A.Paren, env: dict[str, str]) -> str:
        return self.compile_expr(e.expr, env)

    def x_Lit(self, e: A.Lit, env: dict[str, str]) -> str:
        if e.kind == "unit":
            return "None"
        if e.kind == "int":
            v = e.value
            assert isinstance(v, int)
            if v > 2**63 - 1:
                v -= 2**64
            return str(v)
        if e.kind == "float":
            v = e.value
            assert isinstance(v, float)
            if v != v or v in (float("inf"), float("-inf")):
                return f"float({str(v)!r})"
            return repr(v)
        return repr(e.value)

    def x_Var(self, e: A.Var, env: dict[str, str]) -> str:
        name = e.name
        if e.scope == "local":
            return env[name]
        if e.scope in ("global", "prelude"):
            g = self.globals.get(name)
            if g is None:
                return f"undefined_global({name!r})"
            if g.arity == 0:
                return f"{g.py}()"
            return "V_" + g.py[2:]
        # builtin
        b = BUILTINS.get(name) or DERIVED.get(name)
        if b is not None and b.arity == 0:
            return f"B_{name}()"
        return f"BV_{name}"

    def x_Con(self, e: A.Con, env: dict[str, str]) -> str:
        info = self.unit.constructors.get(e.name)
        if info is None:
            return f"undefined_global({e.name!r})"
        return f"N_{e.name}" if info.arity == 0 else f"CV_{e.name}"

    def x_App(self, e: A.App, env: dict[str, str]) -> str:
        fn = _strip(e.fn)
        args = e.args
        if isinstance(fn, A.Var) and fn.scope in ("global", "prelude"):
            g = self.globals.get(fn.name)
            if g is not None and g.arity > 0:
                vals = self.compile_args(args, env)
                self.note(e.span, "call", fn.name)
                return _saturate(g.py, g.arity, vals)
        if isinstance(fn, A.Var) and fn.scope == "builtin":
            b = BUILTINS.get(fn.name) or DERIVED.get(fn.name)
            if b is not None and b.arity > 0:
                vals = self.compile_args(args, env)
                if fn.name in PARTIAL_BUILTINS:
                    self.note(e.span, "call", fn.name)
                return _saturate(f"B_{fn.name}", b.arity, vals)
        if isinstance(fn, A.Con):
            info = self.unit.constructors.get(fn.name)
            if info is not None and info.arity > 0:
                vals = self.compile_args(args, env)
                if len(vals) == info.arity:
                    return f"Con({fn.name!r}, {info.index}, ({', '.join(vals)},))"
                if len(vals) < info.arity:
                    return f"CV_{fn.name}" + "".join(f"({v})" for v in vals)
                head = f"Con({fn.name!r}, {info.index}, ({', '.join(vals[: info.arity])},))"
                return head + "".join(f"({v})" for v in vals[info.arity :])
        vals = self.compile_args([fn, *args], env)
        self.note(e.span, "apply", "")
        return vals[0] + "".join(f"({v})" for v in vals[1:])

    def x_Lambda(self, e: A.Lambda, env: dict[str, str]) -> str:
        simple = all(isinstance(p, A.PVar | A.PWild) for p in e.params)
        if simple:
            inner = dict(env)
            names: list[str] = []
            for p in e.params:
                py = self.local_name(p.name if isinstance(p, A.PVar) else "_")
                if isinstance(p, A.PVar):
                    inner[p.name] = py
                names.append(py)
            with self.capture() as cap:
                saved = self.fn
                self.fn = _Fn(None, 0, [], False)
                body = self.compile_expr(e.body, inner)
                self.fn = saved
            if not cap.lines:
                caps = self.loop_captures(e, env)
                text = body
                for i, n in enumerate(reversed(names)):
                    extra = "".join(f", {c}={c}" for c in caps) if i == len(names) - 1 else ""
                    text = f"(lambda {n}{extra}: {text})"
                return text
        # general case: a nested def with pattern matching, curried
        pyname = self.fresh("lam")
        caps = self.loop_captures(e, env)
        arity = len(e.params)
        saved_indent = self.indent
        self.nest += saved_indent  # compiled at indentation 0, spliced back at this one
        try:
            with self.capture() as cap:
                self.indent = 0
                self.compile_closure(pyname, e, env, caps)
        finally:
            self.nest -= saved_indent
        self.indent = saved_indent
        self.splice(cap.lines, self.indent)
        return pyname if arity == 1 else f"curry({pyname}, {arity})"

    def compile_closure(self, pyname: str, e: A.Lambda, env: dict[str, str], caps: list[str]) -> None:
        arity = len(e.params)
        params = [self.fresh("p") for _ in range(arity)]
        sig = ", ".join(params + [f"{c}={c}" for c in caps])
        self.emit(f"def {pyname}({sig}):", e.span, "def", "<lambda>")
        self.indent += 1
        saved = self.fn
        self.fn = _Fn(None, arity, params, False)
        conds: list[str] = []
        binds: list[tuple[str, str]] = []
        inner = dict(env)
        for p, subj in zip(e.params, params):
            self.match(p, subj, conds, binds, inner)
        if conds:
            self.emit(f"if not ({' and '.join(conds)}):")
            self.indent += 1
            self.emit(f"raise NoMatch('<lambda>', ({', '.join(params)},))", e.span, "nomatch", "<lambda>")
            self.indent -= 1
        self.emit_binds(binds)
        self.compile_tail(e.body, inner)
        self.fn = saved
        self.indent -= 1

    def loop_captures(self, e: A.Expr, env: dict[str, str]) -> list[str]:
        """Locals of a looping function that a closure uses: captured by value (they are rebound)."""
        fn = self.fn
        if fn is None or not fn.loops:
            return []
        used = {env[n.name] for n in A.walk(e) if isinstance(n, A.Var) and n.scope == "local" and n.name in env}
        return sorted(u for u in used if u in fn.locals)

    def x_BinOp(self, e: A.BinOp, env: dict[str, str]) -> str:
        op = e.op
        if op == "|>":
            rhs = _strip(e.right)
            if isinstance(rhs, A.App):
                return self.compile_expr(A.App(rhs.fn, [*rhs.args, e.left], e.span), env)
            return self.compile_expr(A.App(rhs, [e.left], e.span), env)
        if op == ":":
            heads: list[A.Expr] = []
            cur: A.Expr = e
            while isinstance(cur, A.BinOp) and cur.op == ":":
                heads.append(cur.left)
                cur = _strip(cur.right)
            if isinstance(cur, A.ListLit):  # x : [a b] is the literal [x a b]
                return _list_literal(self.compile_args([*heads, *cur.items], env))
            vals = self.compile_args([*heads, cur], env)
            if len(heads) > 1:  # one flat call, however many heads (no nesting for Python to parse)
                return f"L_PRE([{', '.join(vals[:-1])}], {vals[-1]})"
            return self.cons(vals[0], vals[1])
        if op == "&&" or op == "||":
            left = self.compile_expr(e.left, env)
            self.nest += 1
            try:
                with self.capture() as cap:
                    right = self.compile_expr(e.right, env)
            finally:
                self.nest -= 1
            if not cap.lines:
                return f"({left} {'and' if op == '&&' else 'or'} {right})"
            t = self.fresh()
            self.emit(f"{t} = {left}")
            self.emit(f"if {'' if op == '&&' else 'not '}{t}:")
            self.indent += 1
            self.splice(cap.lines, self.indent - cap.lines[0].indent if cap.lines else 0)
            self.emit(f"{t} = {right}")
            self.indent -= 1
            return t
        if op == ";":
            left, right = self.compile_args([e.left, e.right], env)
            return f"({left}, {right})[1]"
        left, right = self.compile_args([e.left, e.right], env)
        if op in ("+", "-", "*"):
            if self.no_walrus:
                return f"{ {'+': 'add', '-': 'sub', '*': 'mul'}[op]}({left}, {right})"
            t = self.fresh()
            return f"({t} if {INT_LOW} <= ({t} := {left} {op} {right}) <= {INT_LIMIT} else wrap({t}))"
        if op == "/":
            self.note(e.op_span, "div", "/")
            return f"div({left}, {right})"
        if op == "%":
            self.note(e.op_span, "div", "%")
            if right.isdigit() and int(right) > 0 and not self.no_walrus:  # `n % 10`: Python's % when n >= 0
                t = self.fresh()
                return f"({t} % {right} if ({t} := {left}) >= 0 else mod({t}, {right}))"
            return f"mod({left}, {right})"
        if op == "**":
            return f"power({left}, {right})"
        if op in ("==", "!=", "<", ">", "<=", ">="):
            return self.comparison(op, e.left, e.right, left, right)
        if op == "++":
            if _is_string(e.left) or _is_string(e.right):
                return f"({left} + {right})"
            return f"L_CAT({left}, {right})"
        if op == ">>":
            return f"compose({left}, {right})"
        raise AssertionError(op)

    def cons(self, head: str, tail: str) -> str:
        """`head : tail` as a cons cell `(head, n, tail)` (see `synoema.lists`)."""
        if _is_trivial(tail):
            return f"({head}, {tail}[1] + 1 if {tail} else 1, {tail})"
        if self.no_walrus:
            return f"L_CONS({head}, {tail})"
        t = self.fresh()
        return f"({head}, ({t}[1] + 1 if ({t} := {tail}) else 1), {t})"

    def comparison(self, op: str, le: A.Expr, re_: A.Expr, left: str, right: str) -> str:
        """Native operators unless an operand may be a list (a tuple: compared structurally)."""
        if _is_scalar(le) or _is_scalar(re_):
            return f"({left} {op} {right})"
        if op in ("==", "!=") and (_is_empty_list(le) or _is_empty_list(re_)):
            return f"({left} {op} {right})"  # `()` against a tuple is exact
        fn = _LIST_OPS[op]
        if _is_trivial(left) and _is_trivial(right):
            return f"({left} {op} {right} if type({left}) is not tuple else {fn}({left}, {right}))"
        if self.no_walrus or not (_is_trivial(left) or _is_trivial(right)):
            return f"{fn}({left}, {right})"
        t = self.fresh()
        if _is_trivial(left):  # a name: reading it after `right` changes nothing
            return f"({left} {op} {t} if type({t} := {right}) is not tuple else {fn}({left}, {t}))"
        return f"({t} {op} {right} if type({t} := {left}) is not tuple else {fn}({t}, {right}))"

    def x_Neg(self, e: A.Neg, env: dict[str, str]) -> str:
        inner = _strip(e.expr)
        if isinstance(inner, A.Lit) and inner.kind in ("int", "float"):
            v = -inner.value  # type: ignore[operator]
            if isinstance(v, int) and v < -(2**63):
                v += 2**64
            if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
                return f"float({str(v)!r})"  # `-1e400` is -inf, which has no literal
            return repr(v) if isinstance(v, float) else str(v)
        return f"neg({self.compile_expr(e.expr, env)})"

    def x_Cond(self, e: A.Cond, env: dict[str, str]) -> str:
        c = self.compile_expr(e.cond, env)
        self.nest += 1  # a branch that needs statements is spliced one level deeper
        try:
            with self.capture() as t_cap:
                t = self.compile_expr(e.then, env)
            with self.capture() as e_cap:
                f = self.compile_expr(e.else_, env)
        finally:
            self.nest -= 1
        if not t_cap.lines and not e_cap.lines:
            return f"({t} if {c} else {f})"
        r = self.fresh()
        base = self.indent
        self.emit(f"if {c}:", e.cond.span, "expr")
        self.splice(t_cap.lines, 1)
        self.indent = base + 1
        self.emit(f"{r} = {t}")
        self.indent = base
        self.emit("else:")
        self.splice(e_cap.lines, 1)
        self.indent = base + 1
        self.emit(f"{r} = {f}")
        self.indent = base
        return r

    def x_Field(self, e: A.Field, env: dict[str, str]) -> str:
        return f"{self.compile_expr(e.expr, env)}.fields[{e.name!r}]"

    def x_Record(self, e: A.Record, env: dict[str, str]) -> str:
        vals = self.compile_args([f.value for f in e.fields], env)
        items = ", ".join(f"{f.name!r}: {v}" for f, v in zip(e.fields, vals))
        return f"Record({{{items}}})"

    def x_RecordUpdate(self, e: A.RecordUpdate, env: dict[str, str]) -> str:
        vals = self.compile_args([e.base, *[f.value for f in e.fields]], env)
        items = ", ".join(f"{f.name!r}: {v}" for f, v in zip(e.fields, vals[1:]))
        return f"update_record({vals[0]}, {{{items}}})"

    def x_Pair(self, e: A.Pair, env: dict[str, str]) -> str:
        a, b = self.compile_args([e.first, e.second], env)
        return f"Record({{'fst': {a}, 'snd': {b}}})"

    def x_ListLit(self, e: A.ListLit, env: dict[str, str]) -> str:
        return _list_literal(self.compile_args(e.items, env))

    def x_Range(self, e: A.Range, env: dict[str, str]) -> str:
        a, b = self.compile_args([e.start, e.end], env)
        return f"rng({a}, {b}, RANGE_LIMIT)"

    def x_ListComp(self, e: A.ListComp, env: dict[str, str]) -> str:
        inner = dict(env)
        clauses: list[str] = []
        self.no_walrus += 1
        self.nest += 1  # statements inside go into a local function (`hoist_def`), one level deeper
        try:
            for q in e.quals:
                if isinstance(q, A.Generator):
                    with self.capture() as cap:
                        src = self.compile_expr(q.source, inner)
                    if cap.lines:
                        src = self.hoist_def(cap.lines, src)
                    if isinstance(q.pattern, A.PVar):
                        py = self.local_name(q.pattern.name)
                        inner[q.pattern.name] = py
                        clauses.append(f"for {py} in L_FLAT({src})")
                    else:
                        g = self.fresh("g")
                        conds: list[str] = []
                        binds: list[tuple[str, str]] = []
                        self.match(q.pattern, g, conds, binds, inner, fast=False)
                        clauses.append(f"for {g} in L_FLAT({src})")
                        if conds:
                            clauses.append(f"if {' and '.join(conds)}")
                        for py, expr in binds:
                            clauses.append(f"for {py} in ({expr},)")
                else:
                    with self.capture() as cap:
                        cond = self.compile_expr(q.cond, inner)
                    if cap.lines:
                        cond = self.hoist_def(cap.lines, cond)
                    clauses.append(f"if {cond}")
            with self.capture() as cap:
                body = self.compile_expr(e.body, inner)
            if cap.lines:
                body = self.hoist_def(cap.lines, body)
        finally:
            self.no_walrus -= 1
            self.nest -= 1
        return f"L_ARR([{body} {' '.join(clauses)}])"

    def hoist_def(self, lines: list[Line], value: str) -> str:
        """Statements inside a comprehension: wrap them in a local function called in place."""
        name = self.fresh("blk")
        self.emit(f"def {name}():")
        base = lines[0].indent if lines else self.indent
        for ln in lines:
            ln.indent = ln.indent - base + self.indent + 1
            self.lines.append(ln)
        self.indent += 1
        self.emit(f"return {value}")
        self.indent -= 1
        return f"{name}()"

    def x_Block(self, e: A.Block, env: dict[str, str]) -> str:
        inner = self.compile_stmts(e.stmts, env)
        return self.compile_expr(e.result, inner)

    def x_Interp(self, e: A.Interp, env: dict[str, str]) -> str:
        exprs = [p for p in e.parts if not isinstance(p, str)]
        vals = iter(self.compile_args(exprs, env))
        pieces = [repr(p) if isinstance(p, str) else f"B_show({next(vals)})" for p in e.parts]
        if len(pieces) == 1:
            return pieces[0]
        return "(" + " + ".join(pieces) + ")"

    def x_Prop(self, e: A.Prop, env: dict[str, str]) -> str:
        return "PROP_UNSUPPORTED"

    def x_When(self, e: A.When, env: dict[str, str]) -> str:
        body, cond = self.compile_args([e.body, e.cond], env)
        return f"(({body}) if ({cond}) else None)"

    def mentions_effect(self, e: A.Expr, effectful: set[str]) -> bool:
        for n in A.walk(e):
            if isinstance(n, A.Var):
                if n.scope == "builtin" and n.name in EFFECT_BUILTINS:
                    return True
                if n.scope in ("global", "prelude") and n.name in effectful:
                    return True
        return False

    # ── traits ───────────────────────────────────────────────────────────────────────────────

    def compile_traits(self, methods: dict[str, tuple[A.TraitDecl | None, int]]) -> None:
        """A method is a dispatcher on the runtime type of the argument the trait variable is in."""
        impls_by_method: dict[str, list[tuple[str, A.FuncDef]]] = {}
        for impl in self.unit.impls:
            tname = _type_head(impl.type)
            for m in impl.methods:
                impls_by_method.setdefault(m.name, []).append((tname, m))
        for mname, (trait, arity) in methods.items():
            impls = impls_by_method.get(mname, [])
            pos = _dispatch_position(trait, mname) if trait is not None else 0
            arity = max(arity, max((m.arity for _, m in impls), default=0))
            if arity == 0:
                continue
            table: list[str] = []
            for tname, m in impls:
                py = f"I_{mangle(tname)}_{mangle(mname)}"
                self.compile_function(py, None, m.equations, m.span)
                table.append(f"{tname!r}: {py}")
            params = [f"a{i}" for i in range(arity)]
            fallback = {"show": "RB_show", "eq": "RB_eq", "cmp": "RB_cmp"}.get(mname, "None")
            self.emit(f"D_{mangle(mname)} = {{{', '.join(table)}}}")
            self.emit(f"def F_{mangle(mname)}({', '.join(params)}):")
            self.indent += 1
            self.emit(f"impl = D_{mangle(mname)}.get(type_name(a{min(pos, arity - 1)}, CON_TYPES))")
            self.emit("if impl is None:")
            self.indent += 1
            if fallback != "None":
                self.emit(f"return {fallback}({', '.join(params)})")
            else:
                self.emit(f"raise SynoemaError('missing_impl', 'no impl of `{mname}` for ' + type_name(a{min(pos, arity - 1)}, CON_TYPES))")
            self.indent -= 1
            self.emit(f"return impl({', '.join(params)})")
            self.indent -= 1
            self.emit(f"V_{mangle(mname)} = curry(F_{mangle(mname)}, {arity})")
            self.globals[mname] = GlobalFn(mname, arity, f"F_{mangle(mname)}")
            if mname in ("show", "eq", "cmp"):
                # the builtin names dispatch too
                self.emit(f"B_{mname} = F_{mangle(mname)}")
                self.emit(f"BV_{mname} = V_{mangle(mname)}")


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def _elem(subj: str, i: int) -> str:
    """Element i of a list known to be long enough."""
    return f"{subj}[0]" if i == 0 else f"L_AT({subj}, {i})"


_LIST_OPS = {"==": "L_EQ", "!=": "L_NE", "<": "L_LT", "<=": "L_LE", ">": "L_GT", ">=": "L_GE"}
_SCALAR_TYPES = ("Int", "Float", "String", "Bool", "()")


def _list_literal(vals: list[str]) -> str:
    """A literal list: a few cons cells when short, one array otherwise."""
    if not vals:
        return "()"
    if len(vals) <= 4:
        out = "()"
        for i, v in enumerate(reversed(vals)):
            out = f"({v}, {i + 1}, {out})"
        return out
    return f"L_ARR([{', '.join(vals)}])"


def _is_scalar(e: A.Expr) -> bool:
    """An expression whose value is certainly not a list (so native comparison is exact)."""
    e = _strip(e)
    if isinstance(e, A.Lit | A.Neg | A.Interp):
        return True
    if isinstance(e, A.BinOp):
        return e.op in ("+", "-", "*", "/", "%", "**", "&&", "||", "==", "!=", "<", ">", "<=", ">=")
    if isinstance(e, A.App):
        fn = _strip(e.fn)
        if isinstance(fn, A.Var) and fn.scope == "builtin":
            b = BUILTINS.get(fn.name)
            return b is not None and len(e.args) == b.arity and b.type.rsplit("->", 1)[-1].strip() in _SCALAR_TYPES
    return False


def _is_string(e: A.Expr) -> bool:
    e = _strip(e)
    if isinstance(e, A.Lit):
        return e.kind in ("str", "char")
    if isinstance(e, A.Interp):
        return True
    if isinstance(e, A.App):
        fn = _strip(e.fn)
        if isinstance(fn, A.Var) and fn.scope == "builtin":
            b = BUILTINS.get(fn.name)
            return b is not None and len(e.args) == b.arity and b.type.rsplit("->", 1)[-1].strip() == "String"
    return False


def _is_empty_list(e: A.Expr) -> bool:
    e = _strip(e)
    return isinstance(e, A.ListLit) and not e.items


def _strip(e: A.Expr) -> A.Expr:
    while isinstance(e, A.Paren):
        e = e.expr
    return e


def _saturate(py: str, arity: int, vals: list[str]) -> str:
    if len(vals) == arity:
        return f"{py}({', '.join(vals)})"
    if len(vals) < arity:
        return f"partial({py}, {arity}, ({', '.join(vals)},))"
    head = f"{py}({', '.join(vals[:arity])})"
    return head + "".join(f"({v})" for v in vals[arity:])


def _is_trivial(s: str) -> bool:
    return s.isidentifier() or s.replace("-", "").replace(".", "").isdigit() or (s[:1] in "'\"" and s[-1:] in "'\"")


def _self_tail_calls(e: A.Expr, name: str, arity: int) -> list[str]:
    """The self calls in tail position: "call" for `f ..`, "cons" for `x : f ..`."""
    e = _strip(e)
    if isinstance(e, A.Cond):
        return _self_tail_calls(e.then, name, arity) + _self_tail_calls(e.else_, name, arity)
    if isinstance(e, A.Block):
        return _self_tail_calls(e.result, name, arity)
    if isinstance(e, A.BinOp) and e.op == ";":
        return _self_tail_calls(e.right, name, arity)
    if _is_self_call(e, name, arity):
        return ["call"]
    if isinstance(e, A.BinOp) and e.op == ":":
        while isinstance(e, A.BinOp) and e.op == ":":
            e = _strip(e.right)
        return ["cons"] if _is_self_call(e, name, arity) else []
    return []


def _is_self_call(e: A.Expr, name: str, arity: int) -> bool:
    return (
        isinstance(e, A.App)
        and isinstance(e.fn, A.Var)
        and e.fn.scope == "global"
        and e.fn.name == name
        and len(e.args) == arity
    )


def _arrows(t: A.TypeExpr) -> int:
    n = 0
    while isinstance(t, A.TFun):
        n += 1
        t = t.result
    return n


def _type_head(t: A.TypeExpr) -> str:
    match t:
        case A.TCon(name=n):
            return n
        case A.TApp(fn=f):
            return _type_head(f)
        case A.TList():
            return "List"
        case A.TRecord() | A.TPair():
            return "Record"
        case A.TUnit():
            return "Unit"
        case A.TFun():
            return "Function"
    return "?"


def _dispatch_position(trait: A.TraitDecl, method: str) -> int:
    for sig in trait.methods:
        if sig.name == method:
            t = sig.type
            i = 0
            while isinstance(t, A.TFun):
                if any(isinstance(n, A.TVar) and n.name == trait.param for n in _type_nodes(t.arg)):
                    return i
                i += 1
                t = t.result
    return 0


def _type_nodes(t: A.TypeExpr) -> list[A.TypeExpr]:
    out: list[A.TypeExpr] = [t]
    match t:
        case A.TApp(fn=f, args=args):
            for x in [f, *args]:
                out += _type_nodes(x)
        case A.TFun(arg=a, result=r):
            out += _type_nodes(a) + _type_nodes(r)
        case A.TList(elem=x):
            out += _type_nodes(x)
        case A.TRecord(fields=fs):
            for _, x in fs:
                out += _type_nodes(x)
        case A.TPair(first=a, second=b):
            out += _type_nodes(a) + _type_nodes(b)
    return out


def safe_ident(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name
