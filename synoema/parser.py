"""Hand-written recursive-descent / Pratt parser producing `synoema.ast` with exact spans.

Errors are values: `parse()` returns the program and a list of diagnostics, recovering at the next
top-level definition so several independent mistakes are reported at once. Mistakes that models
bring from other languages (commas in lists, if/then/else, def/return, let/in, case/of, where,
lambdas without a backslash, operator sections) get a message that says what to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import ast as A
from .diagnostics import Diagnostic, Span
from .layout import apply_layout
from .lexer import (
    CHAR,
    DEDENT,
    EOF,
    FLOAT,
    INDENT,
    INT,
    ISTR,
    LOWER,
    NEWLINE,
    STR,
    UPPER,
    InterpPart,
    Token,
    lex,
)

# Binary operators: (left binding power, right binding power). Equal powers make an operator
# right-associative. Application binds at 20, field access at 22, prefix minus at 21.
BINOPS: dict[str, tuple[int, int]] = {
    ";": (0, 1),
    "|>": (2, 3),
    "||": (4, 5),
    "&&": (6, 7),
    "==": (8, 9),
    "!=": (8, 9),
    "<": (10, 11),
    ">": (10, 11),
    "<=": (10, 11),
    ">=": (10, 11),
    "++": (12, 12),
    ":": (13, 13),
    "+": (14, 15),
    "-": (14, 15),
    "*": (16, 17),
    "/": (16, 17),
    "%": (16, 17),
    "**": (17, 17),
    ">>": (18, 18),
}
APP_BP = 20
NEG_BP = 21
FIELD_BP = 22
ATOM_START = frozenset({INT, FLOAT, STR, ISTR, CHAR, LOWER, UPPER, "true", "false", "(", "[", "{"})
PATTERN_ATOM_START = frozenset({INT, FLOAT, STR, CHAR, LOWER, UPPER, "true", "false", "(", "[", "{", "_"})
# Operators that may begin a continuation line of an expression (`  |> map f`).
CONTINUATION_OPS = frozenset(BINOPS) - {":"}
DEF_KEYWORDS = frozenset({"def", "fn", "fun", "func", "function", "let", "var", "const", "val"})
MISTAKE_WORDS = frozenset({"if", "return", "let", "case", "where", "match"})


class ParseError(Exception):
    def __init__(self, diag: Diagnostic) -> None:
        super().__init__(diag.message)
        self.diag = diag


@dataclass(slots=True)
class ParseResult:
    program: A.Program
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


class Parser:
    def __init__(self, tokens: list[Token], source: str = "", filename: str | None = None) -> None:
        self.toks = tokens
        self.i = 0
        self.source = source
        self.filename = filename
        self.no_cons = False  # inside the then-branch of `?`, a bare `:` ends the branch
        self.in_cond = False  # inside the condition of `?`, `->` ends it
        self.diags: list[Diagnostic] = []
        self.list_kinds: dict[int, str] | None = None  # see `list_kind`

    # ── token helpers ────────────────────────────────────────────────────────────────────────

    def peek(self, k: int = 0) -> Token:
        try:
            return self.toks[self.i + k]
        except IndexError:
            return self.toks[-1]

    @property
    def kind(self) -> str:
        return self.toks[self.i].kind

    def advance(self) -> Token:
        tok = self.toks[self.i]
        if self.i < len(self.toks) - 1:
            self.i += 1
        return tok

    def at(self, kind: str) -> bool:
        return self.toks[self.i].kind == kind

    def eat(self, kind: str) -> Token | None:
        if self.toks[self.i].kind == kind:
            return self.advance()
        return None

    def expect(self, kind: str, what: str | None = None, **hints: Any) -> Token:
        tok = self.peek()
        if tok.kind == kind:
            return self.advance()
        want = what or f"`{kind}`"
        raise self.error(f"expected {want}, found {self.found(tok)}", tok, **hints)

    def found(self, tok: Token) -> str:
        if tok.kind == INDENT:
            return "an indented line (a more-indented line opens a block; Synoema has no line continuation)"
        return tok.describe()

    def error(self, message: str, tok: Token | Span | None = None, code: str = "unexpected_token", **kw: object) -> ParseError:
        if tok is None:
            tok = self.peek()
        span = tok if isinstance(tok, Span) else tok.span
        if span.end_offset <= span.offset:
            span = Span(span.line, span.col, span.line, span.col + 1, span.offset, span.offset + 1)
        if code == "unexpected_token" and isinstance(tok, Token) and tok.kind in (INDENT, DEDENT):
            code = "indentation"
            kw.setdefault(
                "llm_hint",
                "A line indented deeper than the one before opens a block. Put the whole expression on "
                "one line, or bind parts to names on separate lines of a block.",
            )
        kw.setdefault("fixability", "trivial")
        return ParseError(Diagnostic(code, message, span, **kw))  # type: ignore[arg-type]

    def text(self, start: Token, end: Token) -> str:
        return self.source[start.span.offset : end.span.end_offset]

    def line_text_from(self, tok: Token) -> str:
        end = self.source.find("\n", tok.span.offset)
        return self.source[tok.span.offset : end if end >= 0 else len(self.source)]

    def skip_newlines(self) -> None:
        while self.toks[self.i].kind == NEWLINE:
            self.advance()

    def after_dedent(self) -> bool:
        """The previous token closed a block: the next token starts a new line at this level."""
        return self.i > 0 and self.toks[self.i - 1].kind == DEDENT

    def binding_ahead(self, k: int = 0) -> bool:
        return self.peek(k).kind == LOWER and self.peek(k + 1).kind == "="

    # ── program ──────────────────────────────────────────────────────────────────────────────

    def parse_program(self) -> list[A.Decl]:
        decls: list[A.Decl] = []
        self.skip_newlines()
        while not self.at(EOF):
            start = self.i
            try:
                decl = self.parse_decl()
                decls.append(decl)
                if not self.at(EOF) and not self.eat(NEWLINE) and self.i > 0 and self.toks[self.i - 1].kind != DEDENT:
                    raise self.error(f"unexpected {self.found(self.peek())} after the definition")
            except ParseError as e:
                self.diags.append(e.diag)
                self.recover(start)
            self.skip_newlines()
        return decls

    def recover(self, start: int) -> None:
        """Skip to the start of the next top-level line."""
        depth = 0
        for j in range(start, self.i):
            k = self.toks[j].kind
            if k == INDENT:
                depth += 1
            elif k == DEDENT:
                depth -= 1
        if self.i == start:
            self.advance()
            if self.toks[start].kind == INDENT:
                depth += 1
        while not self.at(EOF):
            tok = self.advance()
            if tok.kind == INDENT:
                depth += 1
            elif tok.kind == DEDENT:
                depth -= 1
                if depth <= 0:
                    return
            elif tok.kind == NEWLINE and depth <= 0:
                return

    # ── declarations ─────────────────────────────────────────────────────────────────────────

    def parse_decl(self) -> A.Decl:
        tok = self.peek()
        doc = tok.doc or []
        k = tok.kind
        if k == "import":
            return self.parse_import()
        if k == "mod":
            return self.parse_module(doc)
        if k == "use":
            return self.parse_use()
        if k == "test":
            return self.parse_test()
        if k == "trait":
            return self.parse_trait(doc)
        if k == "impl":
            return self.parse_impl()
        if k == "type":
            return self.parse_alias(doc)
        if k == UPPER:
            return self.parse_typedef(doc)
        if k == LOWER:
            if tok.value in DEF_KEYWORDS and self.peek(1).kind == LOWER:
                raise self.def_keyword_error(tok)
            if self.is_type_sig():
                return self.parse_sig()
            fd = self.parse_funcdef()
            fd.doc = doc
            return fd
        if k == INDENT:
            raise self.error(
                "unexpected indentation: this line is indented but no definition above opens a block",
                tok,
                code="indentation",
            )
        raise self.error(f"expected a definition, found {self.found(tok)}", tok, llm_hint=(
            "A top-level line is a definition `name args = body`, a type `Name = A | B`, a signature "
            "`name : Type`, or `mod`/`use`/`import`/`trait`/`impl`/`type`/`test`."
        ))

    def def_keyword_error(self, tok: Token) -> ParseError:
        word = str(tok.value)
        name_tok = self.peek(1)
        # def f(x, y): / fn f x = / let x = 5
        j = 2
        params: list[str] = []
        while self.peek(j).kind not in (NEWLINE, EOF, INDENT, "=", ":", "->", "{"):
            t = self.peek(j)
            if t.kind == LOWER or t.kind == "_":
                params.append(str(t.value))
            j += 1
        head = " ".join([str(name_tok.value), *params])
        return self.error(
            f"Synoema has no `{word}` keyword",
            tok,
            llm_hint=f"Define with `name args = body` (no `{word}`, no parentheses around parameters, "
            "no `return`: the body's last expression is the result).",
            did_you_mean=f"{head} = ...",
        )

    def is_type_sig(self) -> bool:
        """`name : Type` — a `:` at bracket depth 0 directly after the name."""
        return self.peek(1).kind == ":"

    def parse_import(self) -> A.ImportDecl:
        kw = self.advance()
        tok = self.peek()
        if tok.kind != STR:
            raise self.error("expected a file path in double quotes after `import`", tok,
                             did_you_mean='import "file.sno"')
        self.advance()
        return A.ImportDecl(str(tok.value), kw.span.to(tok.span))

    def parse_use(self) -> A.UseDecl:
        kw = self.advance()
        mod = self.expect(UPPER, "a module name")
        self.expect("(", "`(` and the names to use", did_you_mean=f"use {mod.value} (name1 name2)")
        names: list[str] = []
        if self.eat("*"):
            names = ["*"]
        else:
            while not self.at(")"):
                t = self.peek()
                if t.kind == LOWER:
                    names.append(str(self.advance().value))
                elif t.kind == ",":
                    raise self.error("names in `use` are separated by spaces, not commas", t,
                                     did_you_mean=f"use {mod.value} ({' '.join(names)} ...)")
                else:
                    raise self.error(f"expected a name or `)`, found {self.found(t)}", t)
        end = self.expect(")")
        return A.UseDecl(str(mod.value), names, kw.span.to(end.span))

    def parse_module(self, doc: list[str]) -> A.ModuleDecl:
        kw = self.advance()
        name = self.expect(UPPER, "a module name (capitalised)")
        if not self.eat(INDENT):
            raise self.error(f"expected the indented body of module {name.value} on the next lines", self.peek(),
                             code="indentation")
        body: list[A.Decl] = []
        self.skip_newlines()
        while not self.at(DEDENT) and not self.at(EOF):
            d = self.parse_decl()
            if isinstance(d, A.FuncDef):
                d.doc = d.doc or []
            body.append(d)
            if not self.at(DEDENT) and not self.at(EOF) and not self.eat(NEWLINE) and self.toks[self.i - 1].kind != DEDENT:
                raise self.error(f"unexpected {self.found(self.peek())} after the definition")
            self.skip_newlines()
        end = self.peek()
        self.eat(DEDENT)
        return A.ModuleDecl(str(name.value), group_equations(body, self.diags), kw.span.to(end.span), doc)

    def parse_test(self) -> A.TestDecl:
        kw = self.advance()
        name = self.peek()
        if name.kind != STR:
            raise self.error("expected the test's name as a string", name, did_you_mean='test "name" = expr')
        self.advance()
        self.expect("=")
        body = self.parse_body()
        return A.TestDecl(str(name.value), body, kw.span.to(self.prev_span()))

    def prev_span(self) -> Span:
        j = self.i - 1
        while j > 0 and self.toks[j].kind in (NEWLINE, INDENT, DEDENT):
            j -= 1
        return self.toks[max(j, 0)].span

    def parse_constraints(self) -> list[A.Constraint]:
        """`Show a` or `Show a, Eq b` or `(Show a, Eq b)`."""
        out: list[A.Constraint] = []
        paren = self.eat("(")
        while True:
            tr = self.expect(UPPER, "a trait name")
            var = self.expect(LOWER, "a type variable")
            out.append(A.Constraint(str(tr.value), str(var.value), tr.span.to(var.span)))
            if not self.eat(","):
                break
        if paren:
            self.expect(")")
        return out

    def parse_trait(self, doc: list[str]) -> A.TraitDecl:
        kw = self.advance()
        name = self.expect(UPPER, "a trait name")
        var = self.expect(LOWER, "the trait's type variable", did_you_mean=f"trait {name.value} a")
        supers = self.parse_constraints() if self.eat("?") else []
        if not self.eat(INDENT):
            raise self.error(f"expected the indented method signatures of trait {name.value}", self.peek(),
                             code="indentation")
        methods: list[A.TypeSig] = []
        self.skip_newlines()
        while not self.at(DEDENT) and not self.at(EOF):
            if not (self.at(LOWER) and self.is_type_sig()):
                raise self.error("a trait body holds method signatures `name : Type`", self.peek())
            methods.append(self.parse_sig())
            self.skip_newlines()
        end = self.peek()
        self.eat(DEDENT)
        return A.TraitDecl(str(name.value), str(var.value), methods, kw.span.to(end.span), supers, doc)

    def parse_impl(self) -> A.ImplDecl:
        kw = self.advance()
        trait = self.expect(UPPER, "a trait name")
        ty = self.parse_type_atom()
        cons = self.parse_constraints() if self.eat("?") else []
        if not self.eat(INDENT):
            raise self.error(f"expected the indented method definitions of `impl {trait.value}`", self.peek(),
                             code="indentation")
        methods: list[A.Decl] = []
        self.skip_newlines()
        while not self.at(DEDENT) and not self.at(EOF):
            if not self.at(LOWER):
                raise self.error("an impl body holds method definitions `name args = body`", self.peek())
            if self.is_type_sig():
                self.parse_sig()  # signatures inside impls are documentation
            else:
                methods.append(self.parse_funcdef())
            if not self.at(DEDENT) and not self.at(EOF) and not self.eat(NEWLINE) and self.toks[self.i - 1].kind != DEDENT:
                raise self.error(f"unexpected {self.found(self.peek())} after the method")
            self.skip_newlines()
        end = self.peek()
        self.eat(DEDENT)
        grouped = [d for d in group_equations(methods, self.diags) if isinstance(d, A.FuncDef)]
        return A.ImplDecl(str(trait.value), ty, cons, grouped, kw.span.to(end.span))

    def parse_alias(self, doc: list[str]) -> A.TypeAlias:
        kw = self.advance()
        name = self.expect(UPPER, "the alias name (capitalised)")
        params: list[str] = []
        while self.at(LOWER):
            params.append(str(self.advance().value))
        self.expect("=")
        body = self.parse_type()
        return A.TypeAlias(str(name.value), params, body, kw.span.to(body.span), doc)

    def parse_typedef(self, doc: list[str]) -> A.TypeDef:
        name = self.advance()
        params: list[str] = []
        while self.at(LOWER):
            params.append(str(self.advance().value))
        if not self.at("="):
            tok = self.peek()
            hint = None
            if tok.kind in (UPPER, "(", "."):
                hint = ("A line starting with a capitalised name defines a type: `Shape = Circle Float | Square Float`. "
                        "Expressions cannot stand alone at the top level; bind them: `main = ...`.")
            raise self.error(f"expected `=` in the definition of type {name.value}, found {self.found(tok)}", tok,
                             llm_hint=hint)
        self.advance()
        indented = False
        if self.at(INDENT) and self.peek(1).kind in (UPPER, "|"):
            self.advance()
            indented = True
            self.eat("|")
        variants = [self.parse_variant()]
        derives: list[str] = []
        while True:
            if self.eat("|"):
                variants.append(self.parse_variant())
                continue
            if (self.at(NEWLINE) or self.at(INDENT)) and self.peek(1).kind in ("|", "derive"):
                if self.at(INDENT):
                    indented = True
                self.advance()
                continue
            break
        if self.at("derive"):
            self.advance()
            self.expect("(", "`(` and the traits to derive", did_you_mean="derive (Show, Eq, Ord)")
            while True:
                derives.append(str(self.expect(UPPER, "a trait name").value))
                if not self.eat(","):
                    break
            self.expect(")")
        end = self.prev_span()
        if indented:
            self.skip_newlines()
            if not self.eat(DEDENT):
                raise self.error(f"unexpected {self.found(self.peek())} in the definition of type {name.value}")
        return A.TypeDef(str(name.value), params, variants, derives, name.span.to(end), doc)

    def parse_variant(self) -> A.Variant:
        tok = self.peek()
        if tok.kind != UPPER:
            raise self.error(f"expected a constructor name (capitalised), found {self.found(tok)}", tok,
                             llm_hint="Variants are `Name Field1 Field2`, separated by `|`: `Maybe a = Just a | None`.")
        self.advance()
        fields: list[A.TypeExpr] = []
        while self.kind in (UPPER, LOWER, "(", "[", "{"):
            fields.append(self.parse_type_atom())
        end = fields[-1].span if fields else tok.span
        return A.Variant(str(tok.value), fields, tok.span.to(end))

    def parse_sig(self) -> A.TypeSig:
        name = self.advance()
        self.expect(":")
        constraints: list[A.Constraint] = []
        # `Ord a => ...` or `(Ord a, Show b) => ...`
        j = self.i
        depth = 0
        while self.toks[j].kind not in (NEWLINE, EOF, INDENT, DEDENT):
            k = self.toks[j].kind
            if k in "([{":
                depth += 1
            elif k in ")]}":
                depth -= 1
            elif k == "=>" and depth == 0:
                constraints = self.parse_constraints()
                self.expect("=>")
                break
            elif k == "=" and depth == 0:
                raise self.error(
                    "a signature `name : Type` stands on its own line, before the equations", self.toks[j],
                    llm_hint="If this was meant as an equation with a cons pattern, parenthesise it: `f (x:xs) = ...`.",
                )
            j += 1
        ty = self.parse_type()
        return A.TypeSig(str(name.value), ty, constraints, name.span.to(ty.span), name.span)

    # ── types ────────────────────────────────────────────────────────────────────────────────

    def parse_type(self) -> A.TypeExpr:
        t = self.parse_btype()
        if self.eat("->"):
            r = self.parse_type()
            return A.TFun(t, r, t.span.to(r.span))
        return t

    def parse_btype(self) -> A.TypeExpr:
        head = self.parse_type_atom()
        args: list[A.TypeExpr] = []
        while self.kind in (UPPER, LOWER, "(", "[", "{"):
            args.append(self.parse_type_atom())
        if args:
            return A.TApp(head, args, head.span.to(args[-1].span))
        return head

    def parse_type_atom(self) -> A.TypeExpr:
        tok = self.peek()
        k = tok.kind
        if k == UPPER:
            self.advance()
            return A.TCon(str(tok.value), tok.span)
        if k == LOWER:
            self.advance()
            return A.TVar(str(tok.value), tok.span)
        if k == "(":
            self.advance()
            if self.at(")"):
                end = self.advance()
                return A.TUnit(tok.span.to(end.span))
            t = self.parse_type()
            if self.eat(","):
                t2 = self.parse_type()
                if self.at(","):
                    raise self.error("only pairs exist as tuples; use a record for more fields", self.peek())
                end = self.expect(")")
                return A.TPair(t, t2, tok.span.to(end.span))
            end = self.expect(")")
            t.span = tok.span.to(end.span) if isinstance(t, A.TApp | A.TFun) else t.span
            return t
        if k == "[":
            self.advance()
            t = self.parse_type()
            end = self.expect("]")
            return A.TList(t, tok.span.to(end.span))
        if k == "{":
            self.advance()
            fields: list[tuple[str, A.TypeExpr]] = []
            while not self.at("}"):
                fname = self.expect(LOWER, "a field name")
                self.expect(":", "`:` and the field's type")
                fields.append((str(fname.value), self.parse_type()))
                if not self.eat(","):
                    break
            end = self.expect("}")
            return A.TRecord(fields, tok.span.to(end.span))
        raise self.error(f"expected a type, found {self.found(tok)}", tok)

    # ── function definitions ─────────────────────────────────────────────────────────────────

    def parse_funcdef(self) -> A.FuncDef:
        name = self.advance()
        params: list[A.Pattern] = []
        while not self.at("="):
            t = self.peek()
            if t.kind == ":":
                raise self.error(
                    "a cons pattern must be in parentheses",
                    t,
                    llm_hint="Write `f (x:xs) = ...`; a bare `x:xs` in a parameter list is not a pattern.",
                    did_you_mean=self.cons_paren_suggestion(name),
                )
            if t.kind in (NEWLINE, EOF, DEDENT, INDENT):
                raise self.error(f"expected `=` in the definition of `{name.value}`, found {self.found(t)}", t,
                                 llm_hint="Definitions are `name params = body`.")
            if t.kind == "(" and not t.spaced and self.peek(1).kind in (LOWER, "_") and self.looks_like_call_params():
                raise self.error(
                    "parameters are separated by spaces, not written in parentheses with commas",
                    t,
                    did_you_mean=self.call_params_suggestion(name),
                    llm_hint="Define `f x y = body`, not `f(x, y) = body`.",
                )
            if t.kind not in PATTERN_ATOM_START and t.kind != "-":
                raise self.error(f"expected a parameter pattern or `=`, found {self.found(t)}", t)
            params.append(self.parse_pattern_atom())
        self.advance()  # '='
        body = self.parse_body()
        eq = A.Equation(params, body, name.span.to(self.prev_span()))
        return A.FuncDef(str(name.value), [eq], eq.span, name.span)

    def looks_like_call_params(self) -> bool:
        """`(x, y)` in parameter position followed by `=` or `:` — C-style parameter lists."""
        depth = 0
        j = self.i
        saw_comma = False
        while True:
            k = self.toks[j].kind
            if k == "(":
                depth += 1
            elif k == ")":
                depth -= 1
                if depth == 0:
                    break
            elif k == "," and depth == 1:
                saw_comma = True
            elif k in (NEWLINE, EOF, INDENT):
                return False
            j += 1
        after = self.toks[j + 1].kind
        return saw_comma and after in ("=", ":")

    def call_params_suggestion(self, name: Token) -> str:
        names: list[str] = []
        j = self.i + 1
        while self.toks[j].kind not in (")", NEWLINE, EOF):
            if self.toks[j].kind in (LOWER, "_"):
                names.append(str(self.toks[j].value))
            j += 1
        return f"{name.value} {' '.join(names)} = ..."

    def cons_paren_suggestion(self, name: Token) -> str | None:
        line = self.line_text_from(name)
        head, sep, rest = line.partition("=")
        if not sep:
            return None
        parts = head.split()
        out: list[str] = []
        for p in parts[1:]:
            out.append(f"({p})" if ":" in p and not p.startswith("(") else p)
        return f"{parts[0]} {' '.join(out)} ={rest}".rstrip()

    def parse_body(self) -> A.Expr:
        """The right-hand side of `=`: an inline expression (with optional where-lines) or a block."""
        if self.at(INDENT):
            self.advance()
            return self.parse_block()
        expr = self.parse_expr()
        if self.at(INDENT) and self.binding_ahead(1):
            expr = self.parse_where(expr)
        return expr

    def parse_where(self, expr: A.Expr) -> A.Expr:
        """Bindings on the lines after a one-line expression (evaluated before it): after the INDENT that
        opens them, or after a NEWLINE inside an already open continuation block."""
        self.advance()  # INDENT or NEWLINE
        stmts: list[A.Stmt] = []
        while True:
            self.skip_newlines()
            if self.eat(DEDENT) or self.at(EOF):
                break
            if not self.binding_ahead():
                raise self.error(
                    f"expected a binding `name = value` in the lines after the body, found {self.found(self.peek())}",
                    self.peek(),
                    llm_hint="Lines indented under a one-line body are where-bindings `name = value`. To write "
                    "a block, start the body on the next line after `=`.",
                )
            stmts.append(self.parse_let(where=False))
            if not self.at(NEWLINE) and not self.at(DEDENT) and not self.at(EOF) and not self.after_dedent():
                raise self.error(f"unexpected {self.found(self.peek())} after the binding")
        if not stmts:
            return expr
        return A.Block(stmts, expr, expr.span.to(self.prev_span()), where_style=True)

    def parse_let(self, where: bool = True) -> A.Let:
        name = self.advance()
        self.advance()  # '='
        if where:
            value = self.parse_body()
        elif self.at(INDENT):
            self.advance()
            value = self.parse_block()
        else:
            value = self.parse_expr()
        return A.Let(str(name.value), value, name.span.to(value.span), name.span)

    def parse_block(self) -> A.Expr:
        """After INDENT: statements, the last one an expression; ends at the matching DEDENT."""
        first = self.peek()
        stmts: list[A.Stmt] = []
        while True:
            self.skip_newlines()
            if self.at(DEDENT):
                self.advance()
                break
            if self.at(EOF):
                break
            stmts.append(self.parse_stmt())
            k = self.kind
            if k not in (NEWLINE, DEDENT, EOF) and not self.after_dedent():
                raise self.error(f"unexpected {self.found(self.peek())} after the statement", self.peek())
        if not stmts:
            raise self.error("empty block", first)
        last = stmts[-1]
        if not isinstance(last, A.ExprStmt):
            raise self.error(
                "a block must end with an expression (its value)",
                last.span,
                llm_hint="Add the result expression as the block's last line, e.g. the name you just bound.",
                did_you_mean=last.name if isinstance(last, A.Let | A.Bind) else None,
            )
        stmts.pop()
        if not stmts:
            return last.expr
        return A.Block(stmts, last.expr, first.span.to(last.span))

    def parse_stmt(self) -> A.Stmt:
        tok = self.peek()
        if tok.kind == LOWER:
            nxt = self.peek(1).kind
            if nxt == "=":
                return self.parse_let(where=False)
            if nxt == "<-":
                self.advance()
                self.advance()
                value = self.parse_expr()
                return A.Bind(str(tok.value), value, tok.span.to(value.span), tok.span)
            if tok.value in DEF_KEYWORDS and self.peek(1).kind == LOWER:
                raise self.def_keyword_error(tok)
            if self.local_function_ahead():
                raise self.local_function_error(tok)
        expr = self.parse_expr()
        return A.ExprStmt(expr, expr.span)

    def local_function_ahead(self) -> bool:
        """`go n acc = ...` inside a block: parameters then `=` on the same line."""
        j = self.i + 1
        depth = 0
        while True:
            k = self.toks[j].kind
            if k in (NEWLINE, EOF, INDENT, DEDENT):
                return False
            if k in "([{":
                depth += 1
            elif k in ")]}":
                depth -= 1
            elif k == "=" and depth == 0:
                return j > self.i + 1
            elif depth == 0 and k not in PATTERN_ATOM_START:
                return False
            j += 1

    def local_function_error(self, tok: Token) -> ParseError:
        params: list[str] = []
        j = self.i + 1
        while self.toks[j].kind != "=":
            t = self.toks[j]
            params.append(self.text(t, t))
            j += 1
        rest = self.line_text_from(self.toks[j])[1:].strip()
        return self.error(
            "local functions are bound to lambdas inside a block",
            tok,
            llm_hint="Multi-equation definitions are top-level only. Inside a block write "
            "`go = \\n acc -> body`; a local binding cannot call itself, so define recursive helpers "
            "at the top level.",
            did_you_mean=f"{tok.value} = \\{' '.join(params)} -> {rest}",
        )

    # ── expressions ──────────────────────────────────────────────────────────────────────────

    def parse_expr(self, min_bp: int = 0) -> A.Expr:
        lhs = self.parse_prefix()
        cont = 0  # open continuation lines (`  |> f` under an expression)
        while True:
            tok = self.peek()
            k = tok.kind
            bp = BINOPS.get(k)
            if bp is not None:
                if k == ":" and self.no_cons:
                    break
                lbp, rbp = bp
                if lbp < min_bp:
                    break
                self.advance()
                rhs = self.parse_expr(rbp)
                lhs = A.BinOp(k, lhs, rhs, lhs.span.to(rhs.span), tok.span)
                continue
            if k == ".":
                if min_bp > FIELD_BP:
                    break
                self.advance()
                name = self.peek()
                if name.kind != LOWER:
                    raise self.error(f"expected a field name after `.`, found {self.found(name)}", name)
                self.advance()
                lhs = A.Field(lhs, str(name.value), lhs.span.to(name.span), name.span)
                continue
            if k in ATOM_START:
                if min_bp > APP_BP:
                    break
                arg = self.parse_atom()
                if isinstance(lhs, A.App):
                    lhs.args.append(arg)
                    lhs.span = lhs.span.to(arg.span)
                else:
                    lhs = A.App(lhs, [arg], lhs.span.to(arg.span))
                continue
            if k == "when":
                if min_bp > 3:
                    break
                self.advance()
                cond = self.parse_expr(3)
                lhs = A.When(lhs, cond, lhs.span.to(cond.span))
                continue
            nxt = self.peek(1).kind
            if (k == INDENT or (k == NEWLINE and cont > 0)) and nxt in CONTINUATION_OPS and BINOPS[nxt][0] >= min_bp:
                self.advance()
                if k == INDENT:
                    cont += 1
                continue
            if k == "->" and not self.in_cond and self.lambda_without_backslash(lhs):
                raise self.error(
                    "a lambda starts with a backslash",
                    tok,
                    llm_hint="Write `\\x -> body` (and `\\x y -> body` for two parameters).",
                    did_you_mean=f"\\{self.source[lhs.span.offset:lhs.span.end_offset]} -> ...",
                )
            if k == LOWER and tok.value == "then":
                raise self.error(
                    "`then` is not Synoema syntax",
                    tok,
                    llm_hint="Conditionals are `? cond -> then_value : else_value`.",
                    did_you_mean="? cond -> a : b",
                )
            break
        while cont > 0:
            if self.at(DEDENT):
                self.advance()
            elif self.at(NEWLINE) and self.binding_ahead(1):
                lhs = self.parse_where(lhs)
            elif self.at(EOF):
                pass
            else:
                raise self.error(f"unexpected {self.found(self.peek())} in a continued expression", self.peek())
            cont -= 1
        return lhs

    def lambda_without_backslash(self, lhs: A.Expr) -> bool:
        if isinstance(lhs, A.Var):
            return True
        return isinstance(lhs, A.App) and isinstance(lhs.fn, A.Var) and all(isinstance(a, A.Var) for a in lhs.args)

    def parse_prefix(self) -> A.Expr:
        tok = self.peek()
        k = tok.kind
        if k == "-":
            self.advance()
            e = self.parse_expr(NEG_BP)
            return A.Neg(e, tok.span.to(e.span))
        if k == "\\":
            return self.parse_lambda()
        if k == "?":
            return self.parse_cond()
        if k == "prop":
            self.advance()
            names: list[str] = []
            while not self.at("->"):
                names.append(str(self.expect(LOWER, "a variable name").value))
            self.advance()
            body = self.parse_expr()
            return A.Prop(names, body, tok.span.to(body.span))
        if k in ("scope", "spawn", "lazy"):
            raise self.error(f"`{k}` is reserved and not supported by this implementation", tok,
                             code="unsupported", fixability="medium")
        if k == LOWER:
            mistake = self.keyword_mistake(tok)
            if mistake is not None:
                raise mistake
        return self.parse_atom()

    def keyword_mistake(self, tok: Token) -> ParseError | None:
        """Python/Haskell/JS keywords at the start of an expression, with the Synoema spelling."""
        word = tok.value
        if word not in MISTAKE_WORDS:
            return None
        line = self.line_text_from(tok)
        if word == "if":
            rest = line[2:]
            if " then " in rest or rest.rstrip().endswith(":") or " else " in rest:
                cond, _, after = rest.partition(" then ")
                if _:
                    then_part, _, else_part = after.partition(" else ")
                    dym = f"? {cond.strip()} -> {then_part.strip()} : {else_part.strip() or '...'}"
                else:
                    dym = f"? {rest.strip().rstrip(':')} -> ... : ..."
                return self.error(
                    "Synoema has no `if`; conditionals are written `? cond -> a : b`",
                    tok,
                    llm_hint="Replace `if c then a else b` with `? c -> a : b` (both branches are required).",
                    did_you_mean=dym,
                )
        elif word == "return" and self.peek(1).kind in ATOM_START | {"-", "\\", "?"}:
            return self.error(
                "Synoema has no `return`: the last expression of a body is its value",
                tok,
                llm_hint="Delete `return` and keep the expression.",
                did_you_mean=line[6:].strip(),
            )
        elif word == "let" and self.peek(1).kind == LOWER and self.peek(2).kind == "=":
            return self.error(
                "Synoema has no `let ... in`: bind names on the lines of an indented block",
                tok,
                llm_hint="Write the binding `x = value` on its own line inside an indented block, then the "
                "expression that uses it on the last line.",
                did_you_mean=line[3:].split(" in ")[0].strip(),
            )
        elif word == "case" and " of" in line:
            return self.error(
                "Synoema has no `case ... of`: match with several equations of a function",
                tok,
                llm_hint="Define a helper with one equation per pattern, e.g. `area (Circle r) = ...` and "
                "`area (Rect w h) = ...`, and call it.",
            )
        elif word == "where" and self.peek(1).kind in (NEWLINE, INDENT, LOWER):
            return self.error(
                "Synoema has no `where` keyword",
                tok,
                llm_hint="Write the bindings as indented `name = value` lines directly under the body, without `where`.",
            )
        elif word == "match" and self.peek(1).kind == LOWER:
            return self.error(
                "Synoema has no `match`: match with several equations of a function",
                tok,
                llm_hint="Define a helper with one equation per pattern and call it.",
            )
        return None

    def parse_lambda(self) -> A.Expr:
        start = self.advance()
        params: list[A.Pattern] = []
        while not self.at("->"):
            t = self.peek()
            if t.kind == "." or t.kind == ":":
                raise self.error("lambda parameters are followed by `->`", t, did_you_mean="\\x -> body")
            if t.kind not in PATTERN_ATOM_START and t.kind != "-":
                raise self.error(f"expected a lambda parameter or `->`, found {self.found(t)}", t)
            params.append(self.parse_pattern_atom())
        if not params:
            raise self.error("a lambda needs at least one parameter", self.peek(), did_you_mean="\\_ -> body")
        self.advance()
        saved = self.no_cons, self.in_cond
        self.in_cond = False
        body = self.parse_expr()
        self.no_cons, self.in_cond = saved
        return A.Lambda(params, body, start.span.to(body.span))

    def parse_cond(self) -> A.Expr:
        q = self.advance()
        outer = self.no_cons
        outer_in_cond = self.in_cond
        self.no_cons = False
        self.in_cond = True
        cond = self.parse_expr()
        self.in_cond = outer_in_cond
        if not self.at("->"):
            raise self.error(
                f"expected `->` after the condition, found {self.found(self.peek())}",
                self.peek(),
                llm_hint="Conditionals are `? cond -> then_value : else_value`.",
            )
        self.advance()
        self.no_cons = True
        then = self.parse_expr()
        self.no_cons = outer
        if self.at(INDENT) and self.binding_ahead(1):
            then = self.parse_where(then)
        colon_first = self.at(":") and self.after_dedent()
        ate_indent = False
        if self.at(NEWLINE) and self.peek(1).kind == ":":
            self.advance()
            colon_first = True
        elif self.at(INDENT) and self.peek(1).kind == ":":
            self.advance()
            colon_first = ate_indent = True
        if not self.at(":"):
            raise self.error(
                f"expected `:` and the else branch, found {self.found(self.peek())}",
                self.peek(),
                llm_hint="Every `?` needs both branches: `? cond -> a : b`. A cons in the then-branch needs "
                "parentheses: `? c -> (x : xs) : ys`.",
            )
        self.advance()
        if self.at(INDENT):
            self.advance()
            else_ = self.parse_block()
        elif colon_first and self.binding_ahead():
            name = self.advance()
            self.advance()
            if self.at(INDENT):
                self.advance()
                value = self.parse_block()
            else:
                value = self.parse_expr()
            let = A.Let(str(name.value), value, name.span.to(value.span), name.span)
            if not self.at(INDENT):
                raise self.error(
                    "a binding after `:` must be followed by the branch's expression on an indented line",
                    self.peek(),
                )
            self.advance()
            rest = self.parse_block()
            if isinstance(rest, A.Block):
                else_ = A.Block([let, *rest.stmts], rest.result, let.span.to(rest.span))
            else:
                else_ = A.Block([let], rest, let.span.to(rest.span))
        else:
            else_ = self.parse_expr()
            if colon_first and self.at(INDENT) and self.binding_ahead(1):
                else_ = self.parse_where(else_)
        result: A.Expr = A.Cond(cond, then, else_, q.span.to(else_.span))
        if ate_indent:
            if self.at(DEDENT):
                self.advance()
            elif self.at(NEWLINE) and self.binding_ahead(1):
                result = self.parse_where(result)
        return result

    def parse_atom(self) -> A.Expr:
        tok = self.peek()
        k = tok.kind
        if k == INT:
            self.advance()
            return A.Lit("int", tok.value, tok.span)
        if k == FLOAT:
            self.advance()
            return A.Lit("float", tok.value, tok.span)
        if k == STR:
            self.advance()
            return A.Lit("str", tok.value, tok.span)
        if k == CHAR:
            self.advance()
            return A.Lit("char", tok.value, tok.span)
        if k == "true" or k == "false":
            self.advance()
            return A.Lit("bool", k == "true", tok.span)
        if k == LOWER:
            self.advance()
            return A.Var(str(tok.value), tok.span)
        if k == UPPER:
            self.advance()
            return A.Con(str(tok.value), tok.span)
        if k == ISTR:
            self.advance()
            return self.parse_interp(tok)
        saved = self.no_cons, self.in_cond
        self.no_cons = self.in_cond = False
        try:
            if k == "(":
                return self.parse_paren()
            if k == "[":
                return self.parse_list()
            if k == "{":
                return self.parse_record()
        finally:
            self.no_cons, self.in_cond = saved
        if k == "-":
            raise self.error(
                "a negative number here must be in parentheses",
                tok,
                llm_hint="List elements and arguments are atoms: write `(-1)`, e.g. `[1 (-2) 3]` or `f (-1)`.",
                did_you_mean=f"(-{self.peek(1).value})" if self.peek(1).kind in (INT, FLOAT) else None,
            )
        if k == "\\":
            raise self.error(
                "a lambda used as an argument must be in parentheses",
                tok,
                did_you_mean="(\\x -> ...)",
            )
        raise self.error(f"expected an expression, found {self.found(tok)}", tok)

    def parse_interp(self, tok: Token) -> A.Expr:
        parts: list[str | A.Expr] = []
        for part in tok.value:  # type: ignore[attr-defined]
            if isinstance(part, str):
                parts.append(part)
                continue
            assert isinstance(part, InterpPart)
            if len(part.tokens) == 1:
                raise self.error("empty interpolation `${}`", part.span)
            sub = Parser(part.tokens, self.source, self.filename)
            expr = sub.parse_expr()
            if not sub.at(EOF):
                raise sub.error(f"unexpected {sub.found(sub.peek())} in the interpolation", sub.peek())
            parts.append(expr)
        return A.Interp(parts, tok.span)

    def parse_paren(self) -> A.Expr:
        open_ = self.advance()
        if self.at(")"):
            close = self.advance()
            return A.Lit("unit", None, open_.span.to(close.span))
        k = self.kind
        if k in BINOPS and k != "-" and (self.peek(1).kind == ")" or self.peek(2).kind == ")"):
            op = str(self.peek().value)
            raise self.error(
                f"operator sections like `({op})` are not supported",
                self.peek(),
                llm_hint="Use a lambda instead of an operator section.",
                did_you_mean=f"(\\a b -> a {op} b)",
            )
        if self.at(INDENT):
            raise self.error("Synoema has no line continuation inside parentheses", self.peek(), code="indentation",
                             llm_hint="Put the parenthesised expression on one line, or bind parts to names first.")
        e = self.parse_expr()
        if self.at(","):
            self.advance()
            e2 = self.parse_expr()
            if self.at(","):
                raise self.error(
                    "only pairs exist as tuples",
                    self.peek(),
                    llm_hint="Use a record for more than two values: `{a = 1, b = 2, c = 3}`.",
                )
            close = self.expect(")", "`)`")
            return A.Pair(e, e2, open_.span.to(close.span))
        if not self.at(")"):
            raise self.error(f"expected `)`, found {self.found(self.peek())}", self.peek())
        close = self.advance()
        return A.Paren(e, open_.span.to(close.span))

    def list_kind(self) -> str:
        """What the `[` just before the current token opens: a list, a comprehension or a range."""
        if self.list_kinds is None:
            self.list_kinds = _list_kinds(self.toks)
        return self.list_kinds.get(self.i, "list")

    def parse_list(self) -> A.Expr:
        open_ = self.advance()
        if self.at("]"):
            close = self.advance()
            return A.ListLit([], open_.span.to(close.span))
        kind = self.list_kind()
        if kind == "comp":
            body = self.parse_expr()
            self.expect("|", "`|`")
            quals: list[A.Generator | A.Guard] = []
            while True:
                quals.append(self.parse_qual())
                if not self.eat(","):
                    break
            close = self.expect("]", "`]` or `,` and another generator or guard")
            return A.ListComp(body, quals, open_.span.to(close.span))
        if kind == "range":
            start = self.parse_expr()
            self.expect("..", "`..`")
            end = self.parse_expr()
            close = self.expect("]", "`]`")
            return A.Range(start, end, open_.span.to(close.span))
        items: list[A.Expr] = []
        while not self.at("]"):
            t = self.peek()
            if t.kind == ",":
                raise self.comma_in_list_error(open_, t)
            if t.kind in (INDENT, NEWLINE, DEDENT, EOF):
                raise self.error(
                    "a list literal must be closed on the line where it starts" if t.kind != EOF else "unclosed `[`",
                    t if t.kind != EOF else open_,
                    code="indentation" if t.kind != EOF else "unexpected_token",
                    llm_hint="Synoema has no line continuation: keep the list on one line or build it with `++`.",
                )
            if t.kind in BINOPS and t.kind != "-" and items:
                raise self.error(
                    f"list elements are atoms: `{t.kind}` cannot appear between elements",
                    t,
                    llm_hint="Parenthesise compound elements: `[(a + b) c]`. `[f x]` is a two-element list; "
                    "`[(f x)]` has one element.",
                )
            items.append(self.parse_atom())
        close = self.advance()
        return A.ListLit(items, open_.span.to(close.span))

    def comma_in_list_error(self, open_: Token, comma: Token) -> ParseError:
        depth = 0
        j = self.i
        while True:
            k = self.toks[j].kind
            if k in "([{":
                depth += 1
            elif k in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif k in (NEWLINE, EOF, INDENT):
                break
            j += 1
        end = self.toks[j]
        text = self.source[open_.span.offset : end.span.end_offset]
        fixed = None
        if end.kind == "]":
            inner = text[1:-1]
            parts = [p.strip() for p in split_top_level_commas(inner)]
            fixed = "[" + " ".join(p if is_simple_atom(p) else f"({p})" for p in parts) + "]"
        return self.error(
            "list elements are separated by spaces, not commas",
            comma,
            llm_hint="Write `[1 2 3]`, not `[1, 2, 3]`; parenthesise compound elements: `[(a + 1) b]`.",
            did_you_mean=fixed,
        )

    def parse_qual(self) -> A.Generator | A.Guard:
        # generator when `<-` appears before the next top-level `,` or `]`
        j = self.i
        depth = 0
        is_gen = False
        while True:
            k = self.toks[j].kind
            if k in "([{":
                depth += 1
            elif k in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and k == ",":
                break
            elif depth == 0 and k == "<-":
                is_gen = True
                break
            elif k in (EOF, NEWLINE, INDENT):
                break
            j += 1
        if is_gen:
            start = self.peek()
            pat = self.parse_pattern()
            self.expect("<-")
            src = self.parse_expr()
            return A.Generator(pat, src, start.span.to(src.span))
        cond = self.parse_expr()
        return A.Guard(cond, cond.span)

    def parse_record(self) -> A.Expr:
        open_ = self.advance()
        self.skip_newlines()
        if self.at("..."):
            self.advance()
            base = self.parse_expr()
            fields: list[A.RecordField] = []
            if self.eat(","):
                self.skip_newlines()
                while not self.at("}"):
                    fields.append(self.parse_record_field(allow_pun=False))
                    self.eat(",")
                    self.skip_newlines()
            close = self.expect("}", "`}`")
            return A.RecordUpdate(base, fields, open_.span.to(close.span))
        fields = []
        while not self.at("}"):
            if self.at(INDENT):
                raise self.error("Synoema has no line continuation inside a record literal", self.peek(),
                                 code="indentation",
                                 llm_hint="Keep the record on one line (or start each continuation line at the "
                                 "column of the line that opened it).")
            fields.append(self.parse_record_field(allow_pun=True))
            self.eat(",")
            self.skip_newlines()
        close = self.advance()
        seen: set[str] = set()
        for f in fields:
            if f.name in seen:
                raise self.error(f"field `{f.name}` is given twice", f.span, code="duplicate_field")
            seen.add(f.name)
        return A.Record(fields, open_.span.to(close.span))

    def parse_record_field(self, allow_pun: bool) -> A.RecordField:
        name = self.peek()
        if name.kind != LOWER:
            raise self.error(f"expected a field name, found {self.found(name)}", name)
        self.advance()
        if self.at(":"):
            raise self.error(
                "record fields are written `name = value`",
                self.peek(),
                did_you_mean=f"{name.value} = ...",
                llm_hint="Use `=` between a field name and its value: `{x = 1, y = 2}`.",
            )
        if self.eat("="):
            value = self.parse_expr()
            return A.RecordField(str(name.value), value, name.span.to(value.span))
        if not allow_pun:
            raise self.error("expected `=` and the field's new value", self.peek())
        return A.RecordField(str(name.value), A.Var(str(name.value), name.span), name.span, punned=True)

    # ── patterns ─────────────────────────────────────────────────────────────────────────────

    def parse_pattern(self) -> A.Pattern:
        """A full pattern (inside parentheses or lists): constructors take arguments."""
        tok = self.peek()
        if tok.kind == UPPER:
            self.advance()
            args: list[A.Pattern] = []
            while self.kind in PATTERN_ATOM_START:
                args.append(self.parse_pattern_atom())
            end = args[-1].span if args else tok.span
            return A.PCon(str(tok.value), args, tok.span.to(end))
        return self.parse_pattern_atom()

    def parse_pattern_atom(self) -> A.Pattern:
        tok = self.peek()
        k = tok.kind
        if k == "_":
            self.advance()
            return A.PWild(tok.span)
        if k == LOWER:
            self.advance()
            return A.PVar(str(tok.value), tok.span)
        if k == UPPER:
            self.advance()
            return A.PCon(str(tok.value), [], tok.span)
        if k == INT:
            self.advance()
            return A.PLit("int", tok.value, tok.span)
        if k == FLOAT:
            self.advance()
            return A.PLit("float", tok.value, tok.span)
        if k == STR:
            self.advance()
            return A.PLit("str", tok.value, tok.span)
        if k == CHAR:
            self.advance()
            return A.PLit("char", tok.value, tok.span)
        if k == "true" or k == "false":
            self.advance()
            return A.PLit("bool", k == "true", tok.span)
        if k == "(":
            return self.parse_paren_pattern()
        if k == "[":
            self.advance()
            items: list[A.Pattern] = []
            while not self.at("]"):
                if self.at(","):
                    raise self.error("list pattern elements are separated by spaces, not commas", self.peek(),
                                     did_you_mean="[a b]")
                if self.kind not in PATTERN_ATOM_START:
                    raise self.error(f"expected a pattern or `]`, found {self.found(self.peek())}", self.peek())
                items.append(self.parse_pattern())
            close = self.advance()
            return A.PList(items, tok.span.to(close.span))
        if k == "{":
            self.advance()
            fields: list[tuple[str, A.Pattern]] = []
            while not self.at("}"):
                fname = self.expect(LOWER, "a field name")
                if self.eat("="):
                    fields.append((str(fname.value), self.parse_pattern()))
                else:
                    fields.append((str(fname.value), A.PVar(str(fname.value), fname.span)))
                self.eat(",")
            close = self.advance()
            return A.PRecord(fields, tok.span.to(close.span))
        if k == ISTR:
            raise self.error("an interpolated string cannot be a pattern", tok)
        raise self.error(f"expected a pattern, found {self.found(tok)}", tok)

    def parse_paren_pattern(self) -> A.Pattern:
        open_ = self.advance()
        if self.at(")"):
            close = self.advance()
            return A.PLit("unit", None, open_.span.to(close.span))
        if self.at("-") and self.peek(1).kind in (INT, FLOAT):
            self.advance()
            num = self.advance()
            close = self.expect(")")
            kind = "int" if num.kind == INT else "float"
            return A.PLit(kind, -num.value, open_.span.to(close.span))  # type: ignore[operator]
        p = self.parse_pattern()
        if self.at(":"):
            heads = [p]
            while self.eat(":"):
                heads.append(self.parse_pattern())
            close = self.expect(")", "`)` to close the cons pattern")
            pat = heads[-1]
            for h in reversed(heads[:-1]):
                pat = A.PCons(h, pat, h.span.to(pat.span))
            pat.span = open_.span.to(close.span)
            return pat
        if self.eat(","):
            p2 = self.parse_pattern()
            if self.at(","):
                raise self.error("only pairs exist as tuples", self.peek())
            close = self.expect(")")
            return A.PPair(p, p2, open_.span.to(close.span))
        close = self.expect(")", "`)`")
        if isinstance(p, A.PCon):
            p.parenthesized = True
            p.span = open_.span.to(close.span)
        return p


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def _list_kinds(toks: list[Token]) -> dict[int, str]:
    """For every `[`, keyed by the index of the token after it: "comp" when a `|` comes first at its
    own level, "range" for `..`, else "list". One pass (scanning ahead per bracket is quadratic)."""
    kinds: dict[int, str] = {}
    stack: list[tuple[int, bool]] = []  # (index after an opening bracket, is it `[`)
    for j, tok in enumerate(toks):
        k = tok.kind
        if k in "([{":
            stack.append((j + 1, k == "["))
        elif k in ")]}":
            if stack:
                start, square = stack.pop()
                if square:
                    kinds.setdefault(start, "list")
        elif (k == "|" or k == "..") and stack and stack[-1][1] and stack[-1][0] not in kinds:
            kinds[stack[-1][0]] = "comp" if k == "|" else "range"
        elif k == EOF:
            break
    return kinds


def split_top_level(text: str, sep: str) -> list[str]:
    """Split at `sep` outside brackets and string literals; empty parts are kept."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    in_str = False
    for ch in text:
        if ch == '"':
            in_str = not in_str
        if not in_str:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == sep and depth == 0:
                parts.append("".join(cur))
                cur = []
                continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def split_top_level_commas(text: str) -> list[str]:
    return [p for p in split_top_level(text, ",") if p.strip()]


def is_simple_atom(text: str) -> bool:
    t = text.strip()
    if not t:
        return True
    if t[0] in "([{\"'" and t[-1] in ")]}\"'":
        return True
    return " " not in t and not t.startswith("-")


def group_equations(decls: list[A.Decl], diags: list[Diagnostic]) -> list[A.Decl]:
    """Merge consecutive equations of one function, attach signatures, check arities and duplicates."""
    out: list[A.Decl] = []
    defined: dict[str, A.FuncDef] = {}
    pending_sig: A.TypeSig | None = None
    for d in decls:
        if isinstance(d, A.FuncDef):
            prev = out[-1] if out else None
            if isinstance(prev, A.FuncDef) and prev.name == d.name:
                eq = d.equations[0]  # arities are compared by the resolver, after `f Just x` regrouping
                prev.equations.append(eq)
                prev.span = prev.span.to(eq.span)
                continue
            if d.name in defined:
                first = defined[d.name]
                diags.append(
                    Diagnostic(
                        "duplicate_definition",
                        f"`{d.name}` is already defined on line {first.span.line}",
                        d.name_span,
                        llm_hint="Keep all equations of a function together, one after another, and define "
                        "each name once.",
                        fixability="easy",
                    )
                )
                continue
            if pending_sig is not None and pending_sig.name == d.name:
                d.sig = pending_sig
                pending_sig = None
            defined[d.name] = d
            out.append(d)
            continue
        if isinstance(d, A.TypeSig):
            if pending_sig is not None:
                diags.append(orphan_sig(pending_sig))
            pending_sig = d
            continue
        if pending_sig is not None:
            diags.append(orphan_sig(pending_sig))
            pending_sig = None
        out.append(d)
    if pending_sig is not None:
        diags.append(orphan_sig(pending_sig))
    return out


def orphan_sig(sig: A.TypeSig) -> Diagnostic:
    return Diagnostic(
        "unbound_variable",
        f"the signature for `{sig.name}` is not followed by its definition",
        sig.name_span,
        llm_hint=f"Put the equations of `{sig.name}` directly under its signature.",
        fixability="easy",
    )


def parse(source: str, filename: str | None = None) -> ParseResult:
    """Lex, lay out and parse `source`. Never raises; problems come back as diagnostics."""
    lexed = lex(source)
    tokens, layout_diags = apply_layout(lexed.tokens)
    parser = Parser(tokens, source, filename)
    try:
        decls = parser.parse_program()
    except RecursionError:
        parser.diags.append(
            Diagnostic("limit_exceeded", "the program is nested too deeply (parsing stopped)", None,
                       fixability="medium", data={"limit": "depth", "stage": "parse"})
        )
        decls = []
    diags = lexed.diagnostics + layout_diags
    # A lexical error usually causes a parse error at the same place: keep the clearer one.
    lex_lines = {d.span.line for d in diags if d.span}
    diags += [d for d in parser.diags if not (d.span and d.span.line in lex_lines and d.code == "unexpected_token")]
    grouped = group_equations(decls, diags)
    for d in diags:
        if filename and d.file is None:
            d.file = filename
    diags.sort(key=lambda d: (d.span.line, d.span.col) if d.span else (0, 0))
    return ParseResult(A.Program(grouped, filename, source), diags)


def parse_expression(source: str) -> tuple[A.Expr | None, list[Diagnostic]]:
    """Parse a bare expression (for `synoema eval` and snippets that are just an expression)."""
    lexed = lex(source)
    tokens, layout_diags = apply_layout(lexed.tokens)
    parser = Parser(tokens, source)
    diags = lexed.diagnostics + layout_diags
    try:
        parser.skip_newlines()
        if parser.at(INDENT):
            parser.advance()
            expr = parser.parse_block()
        else:
            expr = parser.parse_expr()
        parser.skip_newlines()
        while parser.at(DEDENT):
            parser.advance()
        if not parser.at(EOF):
            raise parser.error(f"unexpected {parser.found(parser.peek())} after the expression")
        return (expr if not diags else None), diags
    except ParseError as e:
        return None, [*diags, e.diag]
    except RecursionError:
        return None, [*diags, Diagnostic("limit_exceeded", "the expression is nested too deeply (parsing stopped)", None,
                                          data={"limit": "depth", "stage": "parse"})]
