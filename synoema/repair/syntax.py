"""Token-level rewrites of habits from other languages: comments, commas, lambdas, calls, indexing.

Each rule looks at the tokens of the current source (and sometimes at a diagnostic's position) and
proposes text edits; the engine keeps a fix only when the source checks better with it.
"""

from __future__ import annotations

import re

from ..edits import TextEdit
from ..lexer import FLOAT, INT, LOWER, STR, UPPER
from ..stdlib import BUILTINS
from .base import Ctx, Fix
from .text import ATOM_KINDS, CLOSERS, OPENERS, Tok, Tokens, paren

# Tokens after which an expression starts (so a call there needs no parentheses).
EXPR_START_AFTER = frozenset({"=", "(", "[", ",", "->", "?", ":", "|>", "++", "+", "-", "*", "/", "%", "**", "==",
                              "!=", "<", ">", "<=", ">=", "&&", "||", ";", "{", ">>", "<-", "\\"})
ATOM_END = frozenset({LOWER, UPPER, INT, FLOAT, STR, "ISTR", "CHAR", ")", "]", "}", "true", "false", "_"})


def known_arities(t: Tokens) -> dict[str, int]:
    """Parameters of the functions the source defines at top level, and of the builtins."""
    arity = {name: b.arity for name, b in BUILTINS.items()}
    for line in range(1, len(t.starts) + 1):
        idx = [i for i in t.line_tokens(line)]
        if not idx or t.toks[idx[0]].col != 1 or t.toks[idx[0]].kind != LOWER:
            continue
        eq = next((i for i in idx if t.toks[i].kind == "=" and t.toks[i].depth == 0), None)
        if eq is None:
            continue
        arity[str(t.toks[idx[0]].value)] = len(atoms(t, idx[0] + 1, eq))
    return arity


def atoms(t: Tokens, lo: int, hi: int) -> list[tuple[int, int]]:
    """Split tokens lo..hi-1 into atoms (a token, or a bracket group), as (first, last) index pairs."""
    out: list[tuple[int, int]] = []
    i = lo
    while i < hi:
        j = t.group_end(i)
        if j >= hi:
            j = hi - 1
        out.append((i, j))
        i = j + 1
    return out


def split_commas(t: Tokens, lo: int, hi: int) -> list[tuple[int, int]] | None:
    """Split tokens lo..hi-1 (inside one bracket) at the commas of that level; None if any part is empty."""
    if lo >= hi:
        return []
    depth = t.toks[lo].depth
    parts: list[tuple[int, int]] = []
    start = lo
    for i in range(lo, hi):
        k = t.toks[i]
        if k.kind == "," and k.depth == depth:
            if i == start:
                return None
            parts.append((start, i - 1))
            start = i + 1
    if start < hi:
        parts.append((start, hi - 1))
    return parts


def wrap_if_needed(t: Tokens, first: int, last: int) -> list[TextEdit]:
    """Parentheses around tokens first..last unless they already form one atom."""
    if first == last or t.group_end(first) == last:
        return []
    return [TextEdit(t.toks[first].start, t.toks[first].start, "("), TextEdit(t.toks[last].end, t.toks[last].end, ")")]


# ── comments ─────────────────────────────────────────────────────────────────────────────────

_OPERAND_AFTER = re.compile(r"^\s*(\d+(?:\.\d+)?|[a-z_][A-Za-z0-9_]*|\([^()\n]*\))\s*($|[-+*/%)\]]|\|>|==|!=|<|>|&&|\|\|)")


def fix_comments(ctx: Ctx) -> list[Fix]:
    """`//`, `#`, `/* */`, Haskell's `{- -}` and Python docstrings become `--` comments (`a // b`
    becomes division)."""
    t = ctx.tokens
    text = ctx.source
    names = {str(k.value) for k in t.flat if k.kind == LOWER}
    fixes: list[Fix] = []
    for d in t.lex_diags:
        if d.span is None or "comment" not in d.message:
            continue
        o = d.span.offset
        eol = text.find("\n", o)
        eol = len(text) if eol < 0 else eol
        if text.startswith("//", o):
            before = text[text.rfind("\n", 0, o) + 1:o]
            rest = text[o + 2:eol]
            m = _OPERAND_AFTER.match(rest)
            operand = m.group(1) if m else ""
            division = bool(
                before.strip() and re.search(r"[\w)\]]\s*$", before) and m
                and (operand[0].isdigit() or operand[0] == "(" or (operand in names and rest.count(operand) < 2))
            )
            if division:
                fixes.append(Fix("floor_division", "integer division is `/` (Ints divide exactly to an Int)",
                                 [TextEdit(o, o + 2, "/")]))
            else:
                fixes.append(Fix("comment_syntax", "comments start with `--`, not `//`", [TextEdit(o, o + 2, "--")]))
        elif text.startswith("#", o):
            fixes.append(Fix("comment_syntax", "comments start with `--`, not `#`", [TextEdit(o, o + 1, "--")]))
    for m in re.finditer(r'/\*.*?\*/|\{-.*?-\}|"""[\s\S]*?"""', text, re.S):
        if _inside_token(t, m.start(), string_ok=m.group().startswith('"')):
            continue
        inner = m.group()[3:-3] if m.group().startswith('"') else m.group()[2:-2]
        lines = [ln.strip().lstrip("*").strip() for ln in inner.strip("\n").split("\n")]
        start_col = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        pad = "\n" + " " * start_col
        new = pad.join(f"-- {ln}".rstrip() for ln in lines) if any(lines) else "--"
        fixes.append(Fix("comment_syntax", "comments start with `--`", [TextEdit(m.start(), m.end(), new)]))
    return fixes


def _inside_token(t: Tokens, offset: int, string_ok: bool = False) -> bool:
    for k in t.toks:
        if k.start < offset < k.end:
            return not (string_ok and k.kind == STR)
        if k.start > offset:
            break
    return False


# ── lists ────────────────────────────────────────────────────────────────────────────────────


def fix_list_commas(ctx: Ctx) -> list[Fix]:
    """`[1, 2, 3]` -> `[1 2 3]`, parenthesising elements that are not atoms."""
    fixes: list[Fix] = []
    for t in ctx.tokens.streams():
        fixes += _list_commas(ctx, t)
    t = ctx.tokens
    for d in ctx.errors_with("unexpected_token", contains="negative number"):
        i = t.index_at(d.span.offset) if d.span else None
        if i is not None and t.toks[i].kind == "-" and i + 1 < len(t.toks) and not t.toks[i + 1].spaced:
            nxt = t.toks[i + 1]
            fixes.append(Fix("negative_element", "a negative element needs parentheses: `(-1)`",
                             [TextEdit(t.toks[i].start, t.toks[i].start, "("), TextEdit(nxt.end, nxt.end, ")")]))
    return fixes


def _list_commas(ctx: Ctx, t: Tokens) -> list[Fix]:
    fixes: list[Fix] = []
    for i, k in enumerate(t.toks):
        if k.kind != "[" or i not in t.pair:
            continue
        j = t.pair[i]
        level = [m for m in range(i + 1, j) if t.toks[m].depth == k.depth + 1]
        kinds = {t.toks[m].kind for m in level}
        if "," not in kinds or kinds & {"|", "..", "<-"}:
            continue
        edits: list[TextEdit] = []
        commas = [m for m in level if t.toks[m].kind == ","]
        parts: list[tuple[int, int]] = []
        start = i + 1
        for c in [*commas, j]:
            if c > start:
                parts.append((start, c - 1))
            start = c + 1
        for first, last in parts:
            edits += wrap_if_needed(t, first, last)
        for c in commas:
            tok = t.toks[c]
            nxt = ctx.source[tok.end:tok.end + 1]
            trailing = c + 1 == j or t.toks[c + 1].kind == ","
            edits.append(TextEdit(tok.start, tok.end, "" if nxt in (" ", "\n", "") or trailing else " "))
        fixes.append(Fix("list_commas", "lists use spaces, not commas: `[1 2 3]`", edits,
                         region=(k.start, t.toks[j].end)))
    return fixes


# ── lambdas ──────────────────────────────────────────────────────────────────────────────────

PARAM_KINDS = frozenset({LOWER, "_"})


def _param_run_before(t: Tokens, arrow: int) -> int | None:
    """Index of the first parameter of a run of patterns right before `arrow`, or None."""
    j = arrow - 1
    first = None
    while j >= 0:
        k = t.toks[j]
        if k.kind in PARAM_KINDS and k.depth == t.toks[arrow].depth:
            first = j
            j -= 1
            continue
        if k.kind == ")" and j in t.pair and k.depth == t.toks[arrow].depth:
            opener = t.pair[j]
            inner = {t.toks[m].kind for m in range(opener + 1, j)}
            if inner and inner <= {LOWER, "_", ",", UPPER, ":", "(", ")"}:
                first = opener
                j = opener - 1
                continue
        break
    return first


def fix_lambdas(ctx: Ctx) -> list[Fix]:
    """`(x -> e)`, `x => e`, `lambda x: e`, `fun x -> e` -> `\\x -> e`."""
    fixes: list[Fix] = []
    sigs = _signature_lines(ctx.tokens)
    for t in ctx.tokens.streams():
        fixes += _lambdas(ctx, t, sigs)
    return fixes


def _signature_lines(t: Tokens) -> set[int]:
    out = set()
    for line in range(1, len(t.starts) + 1):
        idx = t.line_tokens(line)
        if len(idx) > 1 and t.toks[idx[0]].kind == LOWER and t.toks[idx[1]].kind == ":" \
                and not any(t.toks[i].kind == "=" for i in idx):
            out.add(line)
    return out


def _lambdas(ctx: Ctx, t: Tokens, sigs: set[int]) -> list[Fix]:
    text = ctx.source
    fixes: list[Fix] = []
    reason = "a lambda starts with a backslash: `\\x -> body`"
    for a, k in enumerate(t.toks):
        if k.kind in ("->", "=>") and k.line not in sigs:
            first = _param_run_before(t, a)
            if first is None:
                continue
            if t.toks[first].word("fun", "fn", "func", "function") and first < a - 1:
                first += 1  # OCaml's `fun x -> e`: the keyword is not a parameter
            prev = t.toks[first - 1] if first > 0 else None
            if prev is not None and prev.kind == "\\":
                if k.kind == "=>":
                    fixes.append(Fix("lambda_backslash", reason, [TextEdit(k.start, k.end, "->")]))
                continue
            fun_kw = prev is not None and prev.word("fun", "fn", "func", "function")
            if k.kind == "->" and not fun_kw and (prev is None or prev.kind not in ("(", "=", ",", "|>", "[")):
                continue
            if k.kind == "=>" and prev is not None and prev.kind not in ("(", "=", ",", "|>", "[") and not fun_kw:
                continue
            params = _lambda_params(t, first, a, js=k.kind == "=>")
            edits = [TextEdit(t.toks[first].start, t.toks[a - 1].end, "\\" + params)]
            if fun_kw and prev is not None:
                edits = [TextEdit(prev.start, t.toks[a - 1].end, "\\" + params)]
            if k.kind == "=>":
                edits.append(TextEdit(k.start, k.end, "->"))
            fixes.append(Fix("lambda_backslash", reason, edits))
        elif k.word("lambda"):
            colon = next((m for m in range(a + 1, len(t.toks)) if t.toks[m].kind == ":" and t.toks[m].depth == k.depth),
                         None)
            if colon is None or colon == a + 1:
                continue
            names = [t.src(m, m) for m in range(a + 1, colon) if t.toks[m].kind != ","]
            sep = "" if text[t.toks[colon].end:t.toks[colon].end + 1] == " " else " "
            fixes.append(Fix("lambda_backslash", reason,
                             [TextEdit(k.start, t.toks[colon].end, "\\" + " ".join(names) + " ->" + sep)]))
    return fixes


def _lambda_params(t: Tokens, first: int, arrow: int, js: bool = False) -> str:
    """The parameter text, turning a JS-style `(a, b)` list into `a b`."""
    if t.toks[first].kind == "(" and t.pair.get(first) == arrow - 1:
        inner = range(first + 1, arrow - 1)
        kinds = [t.toks[m].kind for m in inner]
        if kinds and all(kd in (LOWER, "_", ",") for kd in kinds):
            names = [t.src(m, m) for m in inner if t.toks[m].kind != ","]
            if "," in kinds and (len(names) > 2 or js):
                return " ".join(names)
            if "," not in kinds:
                return " ".join(names)
    return t.src(first, arrow - 1)


# ── cons patterns ────────────────────────────────────────────────────────────────────────────


def fix_cons_patterns(ctx: Ctx) -> list[Fix]:
    """`f x:xs = ...` -> `f (x:xs) = ...` (also in lambda parameters)."""
    t = ctx.tokens
    fixes: list[Fix] = []
    reason = "a cons pattern needs parentheses: `(x:xs)`"
    for line in range(1, len(t.starts) + 1):
        idx = t.line_tokens(line)
        if not idx or t.toks[idx[0]].kind != LOWER:
            continue
        eq = next((i for i in idx if t.toks[i].kind == "=" and t.toks[i].depth == t.toks[idx[0]].depth), None)
        if eq is None:
            continue
        edits = _wrap_cons_runs(t, idx[0] + 1, eq)
        if edits:
            fixes.append(Fix("cons_pattern", reason, edits))
    for i, k in enumerate(t.toks):
        if k.kind != "\\":
            continue
        arrow = next((m for m in range(i + 1, len(t.toks)) if t.toks[m].kind == "->" and t.toks[m].depth == k.depth),
                     None)
        if arrow is not None:
            edits = _wrap_cons_runs(t, i + 1, arrow)
            if edits:
                fixes.append(Fix("cons_pattern", reason, edits))
    return fixes


def _wrap_cons_runs(t: Tokens, lo: int, hi: int) -> list[TextEdit]:
    parts = atoms(t, lo, hi)
    edits: list[TextEdit] = []
    p = 0
    while p < len(parts):
        if p + 2 < len(parts) and t.toks[parts[p + 1][0]].kind == ":":
            q = p + 2
            while q + 2 < len(parts) and t.toks[parts[q + 1][0]].kind == ":":
                q += 2
            a, b = t.toks[parts[p][0]], t.toks[parts[q][1]]
            edits += [TextEdit(a.start, a.start, "("), TextEdit(b.end, b.end, ")")]
            p = q + 1
        else:
            p += 1
    return edits


# ── calls and indexing ───────────────────────────────────────────────────────────────────────


def fix_call_syntax(ctx: Ctx) -> list[Fix]:
    """`f(a, b)` -> `f a b` and `f()` -> `f`, for functions that take several arguments."""
    arity = known_arities(ctx.tokens)
    fixes: list[Fix] = []
    for t in ctx.tokens.streams():
        fixes += _calls(ctx, t, arity)
    return fixes


def _call_at(t: Tokens, i: int, arity: dict[str, int]) -> tuple[int, list[tuple[int, int]]] | None:
    """If tokens at `i` are a call written `f(a, b)` or `f()`, its closing index and argument ranges."""
    if i + 1 >= len(t.toks):
        return None
    k, op = t.toks[i], t.toks[i + 1]
    if k.kind not in (LOWER, UPPER) or op.kind != "(" or op.spaced or (i + 1) not in t.pair:
        return None
    close = t.pair[i + 1]
    if close == i + 2:
        return close, []
    parts = split_commas(t, i + 2, close)
    if not parts or len(parts) < 2:
        return None
    if k.kind == LOWER and arity.get(str(k.value), 99) < 2:
        return None
    return close, parts


def _render(ctx: Ctx, t: Tokens, a: int, b: int, arity: dict[str, int]) -> str:
    """Source text of tokens a..b with every call inside rewritten (innermost first, in one go)."""
    out: list[str] = []
    pos = t.toks[a].start
    m = a
    while m <= b:
        call = _call_at(t, m, arity)
        if call is not None and call[0] <= b:
            close, parts = call
            out.append(ctx.source[pos:t.toks[m].start])
            out.append(_call_text(ctx, t, m, close, parts, arity))
            pos = t.toks[close].end
            m = close + 1
            continue
        m += 1
    out.append(ctx.source[pos:t.toks[b].end])
    return "".join(out)


def _call_text(ctx: Ctx, t: Tokens, i: int, close: int, parts: list[tuple[int, int]], arity: dict[str, int]) -> str:
    name = str(t.toks[i].value)
    if not parts:
        return name
    args = " ".join(paren(_render(ctx, t, a, b, arity)) for a, b in parts)
    new = f"{name} {args}"
    prev = t.toks[i - 1] if i > 0 else None
    if prev is not None and prev.line == t.toks[i].line and prev.kind in ATOM_END:
        new = f"({new})"
    return new


def _calls(ctx: Ctx, t: Tokens, arity: dict[str, int]) -> list[Fix]:
    fixes: list[Fix] = []
    i = 0
    while i < len(t.toks) - 1:
        call = _call_at(t, i, arity)
        if call is None:
            i += 1
            continue
        close, parts = call
        k = t.toks[i]
        if i > 0 and t.toks[i - 1].word("def", "function", "func", "fn"):
            i = close + 1  # a definition's header: `fix_def_return` rewrites it
            continue
        if parts:
            reason = "arguments follow the function, separated by spaces: `f a b`"
        else:
            reason = "a function is applied without parentheses: `f`, not `f()`"
        fixes.append(Fix("call_syntax", reason,
                         [TextEdit(k.start, t.toks[close].end, _call_text(ctx, t, i, close, parts, arity))]))
        i = close + 1  # calls inside were rewritten with this one
    return fixes


def fix_indexing(ctx: Ctx) -> list[Fix]:
    """`xs[i]` -> `index i xs` (or `str_slice` for strings), slices `xs[a:b]` -> take/drop."""
    arity = known_arities(ctx.tokens)
    fixes: list[Fix] = []
    for t in ctx.tokens.streams():
        fixes += _indexing(ctx, t, arity)
    # every subscript at once, as lists (`p[0] + p[1]`: one alone may not move the first error)
    lists = [f for f in fixes if not f.edits[0].new.startswith("(str_slice")]
    outer = [f for f in lists if not any(g is not f and g.edits[0].start <= f.edits[0].start
                                         and f.edits[0].end <= g.edits[0].end for g in lists)]
    if len(outer) > 1:
        fixes.insert(0, Fix("indexing", outer[0].reason, [f.edits[0] for f in outer], group="index@all"))
    return fixes


def _indexing(ctx: Ctx, t: Tokens, arity: dict[str, int]) -> list[Fix]:
    fixes: list[Fix] = []
    for i, k in enumerate(t.toks):
        if k.kind != "[" or k.spaced or i == 0 or i not in t.pair:
            continue
        prev = t.toks[i - 1]
        if prev.end != k.start or prev.kind not in (LOWER, ")", "]", STR):
            continue
        if prev.kind == LOWER and arity.get(str(prev.value), 0) > 0 and str(prev.value) not in ("args",):
            continue
        first = i - 1
        if prev.kind in (")", "]"):
            first = t.pair.get(i - 1, i - 1)
            if first > 0 and t.toks[first - 1].kind == LOWER and t.toks[first - 1].end == t.toks[first].start:
                first -= 1
        while first >= 2 and t.toks[first - 1].kind == "." and t.toks[first - 1].start == t.toks[first - 2].end:
            if t.toks[first - 2].kind == LOWER:
                first -= 2
            elif t.toks[first - 2].kind == ")" and (first - 2) in t.pair:
                first = t.pair[first - 2]  # `(norm q).front[0]`
            else:
                break
        close = t.pair[i]
        subject = paren(ctx.source[t.toks[first].start:prev.end])
        inner_idx = [m for m in range(i + 1, close) if t.toks[m].depth == k.depth + 1]
        colons = [m for m in inner_idx if t.toks[m].kind == ":"]
        src = ctx.source
        if len(colons) > 1 or close == i + 1:
            continue
        group = f"index@{k.start}"
        region = (t.toks[first].start, t.toks[close].end)
        if colons:
            c = colons[0]
            lo = src[k.end:t.toks[c].start].strip()
            hi = src[t.toks[c].end:t.toks[close].start].strip()
            lo_p, hi_p = paren(lo) if lo else "0", paren(hi) if hi else ""
            if lo and hi:
                as_list = f"(take ({hi} - {lo}) (drop {lo_p} {subject}))"
                as_str = f"(str_slice {subject} {lo_p} {hi_p})"
            elif hi:
                as_list = f"(take {hi_p} {subject})"
                as_str = f"(str_slice {subject} 0 {hi_p})"
            elif lo:
                as_list = f"(drop {lo_p} {subject})"
                as_str = f"(str_slice {subject} {lo_p} (str_len {subject}))"
            else:
                continue
            reason = "slices are written with take/drop (lists) or str_slice (strings)"
        else:
            expr = src[k.end:t.toks[close].start].strip()
            neg = re.fullmatch(r"-\s*(\d+)", expr)
            if neg:
                n = neg.group(1)
                as_list = f"(index (length {subject} - {n}) {subject})"
                as_str = f"(str_slice {subject} (str_len {subject} - {n}) (str_len {subject} - {n} + 1))"
            else:
                e = paren(expr)
                as_list = f"(index {e} {subject})"
                as_str = f"(str_slice {subject} {e} ({expr} + 1))"
            reason = "elements are read with `index i xs` (strings: `str_slice s i (i + 1)`)"
        for new in (as_list, as_str):
            fixes.append(Fix("indexing", reason, [TextEdit(region[0], region[1], new)], group=group))
    return fixes


# ── small operator and literal habits ────────────────────────────────────────────────────────


def fix_operators(ctx: Ctx) -> list[Fix]:
    """`!x`, `&`, `===`, `$`, `` `mod` ``, `mod a b`, 'strings', trailing `;`, `True`/`False`."""
    t = ctx.tokens
    text = ctx.source
    fixes: list[Fix] = []
    for d in t.lex_diags:
        if d.span is None:
            continue
        o = d.span.offset
        if d.code == "unexpected_char" and text.startswith("!!", o):
            fix = _bang_bang(t, text, o)
            if fix is not None:
                fixes.append(fix)
        elif d.code == "unexpected_char" and o > 0 and text.startswith("!!", o - 1):
            continue  # the second `!` of `!!`
        elif d.code == "unexpected_char" and text.startswith("!", o) and d.did_you_mean == "not":
            j = t.index_covering(o + 1)
            if j is None or t.toks[j].start != o + 1 or t.toks[j].kind == "==":
                if text.startswith("!==", o):
                    fixes.append(Fix("operators", "inequality is `!=`", [TextEdit(o, o + 3, "!=")]))
                continue
            last = _application_end(t, j)
            operand = text[t.toks[j].start:t.toks[last].end]
            fixes.append(Fix("operators", "negation is `not x`",
                             [TextEdit(o, t.toks[last].end, f"not {paren(operand)}")]))
        elif d.code == "unexpected_char" and text.startswith("&", o) and not text.startswith("&&", o):
            fixes.append(Fix("operators", "logical and is `&&`", [TextEdit(o, o + 1, "&&")]))
        elif d.code == "unterminated_string" and d.did_you_mean and text.startswith("'", o) \
                and not (o > 0 and (text[o - 1].isalnum() or text[o - 1] == "_")):
            fixes.append(Fix("string_quotes", "strings use double quotes",
                             [TextEdit(o, d.span.end_offset, d.did_you_mean)]))
        elif d.code == "unexpected_char" and text.startswith("`", o):
            m = re.match(r"`(\w+)`", text[o:])
            ops = {"mod": "%", "rem": "%", "div": "/", "quot": "/"}
            if m and m.group(1) in ops:
                fixes.append(Fix("operators", f"`{m.group(1)}` is the operator `{ops[m.group(1)]}`",
                                 [TextEdit(o, o + m.end(), ops[m.group(1)])]))
        elif d.code == "unexpected_char" and text.startswith("$", o) and not text.startswith("${", o):
            end = _expr_end_on_line(t, text, o)
            rest = text[o + 1:end].strip()
            if rest:
                fixes.append(Fix("operators", "Synoema has no `$`: use parentheses",
                                 [TextEdit(o, end, f"({rest})")]))
    for i, k in enumerate(t.toks):
        if k.kind == "==" and i + 1 < len(t.toks) and t.toks[i + 1].kind == "=" and t.toks[i + 1].start == k.end:
            fixes.append(Fix("operators", "equality is `==`", [TextEdit(k.start, k.end + 1, "==")]))
        elif k.kind == "!=" and i + 1 < len(t.toks) and t.toks[i + 1].kind == "=" and t.toks[i + 1].start == k.end:
            fixes.append(Fix("operators", "inequality is `!=`", [TextEdit(k.start, k.end + 1, "!=")]))
        elif k.kind == "mod" and not k.first and i + 2 < len(t.toks):
            a1 = i + 1
            if t.toks[a1].kind not in ATOM_KINDS and t.toks[a1].kind not in OPENERS:
                continue
            e1 = t.group_end(a1)
            if e1 + 1 >= len(t.toks) or (t.toks[e1 + 1].kind not in ATOM_KINDS and t.toks[e1 + 1].kind not in OPENERS):
                continue
            e2 = t.group_end(e1 + 1)
            x, y = t.src(a1, e1), t.src(e1 + 1, e2)
            fixes.append(Fix("operators", "the remainder is the operator `%`",
                             [TextEdit(k.start, t.toks[e2].end, f"({x} % {y})")]))
        elif k.kind == ";" and (i + 1 == len(t.toks) or t.toks[i + 1].line != k.line):
            fixes.append(Fix("operators", "lines do not end with `;`", [TextEdit(k.start, k.end, "")]))
        elif k.kind == UPPER and k.value in ("True", "False"):
            fixes.append(Fix("booleans", "booleans are `true` and `false`",
                             [TextEdit(k.start, k.end, str(k.value).lower())]))
    return fixes


def _bang_bang(t: Tokens, text: str, o: int) -> Fix | None:
    """Haskell's `xs !! i` -> `index i xs` (the operands: the atoms on either side)."""
    after = next((m for m, k in enumerate(t.toks) if k.start >= o + 2), None)
    if after is None or after == 0:
        return None
    left_last = after - 1
    if t.toks[left_last].end > o:
        return None
    left_first = t.pair.get(left_last, left_last) if t.toks[left_last].kind in (")", "]") else left_last
    if t.toks[left_first].kind not in ATOM_KINDS and t.toks[left_first].kind not in OPENERS:
        return None
    right_last = t.group_end(after)
    if t.toks[after].kind not in ATOM_KINDS and t.toks[after].kind not in OPENERS:
        return None
    xs = text[t.toks[left_first].start:t.toks[left_last].end]
    i = text[t.toks[after].start:t.toks[right_last].end]
    return Fix("indexing", "elements are read with `index i xs`",
               [TextEdit(t.toks[left_first].start, t.toks[right_last].end, f"(index {i} {xs})")])


def _application_end(t: Tokens, j: int) -> int:
    """Last index of the application starting at `j` (a run of atoms on one line)."""
    last = t.group_end(j)
    m = last + 1
    while m < len(t.toks) and t.toks[m].line == t.toks[j].line and (t.toks[m].kind in ATOM_KINDS
                                                                     or t.toks[m].kind in OPENERS):
        last = t.group_end(m)
        m = last + 1
    return last


def _expr_end_on_line(t: Tokens, text: str, offset: int) -> int:
    """Where the expression starting after `offset` ends: an unmatched closer or the end of the line."""
    depth = 0
    for k in t.toks:
        if k.start <= offset:
            continue
        if text.find("\n", offset, k.start) >= 0:
            break
        if k.kind in OPENERS:
            depth += 1
        elif k.kind in CLOSERS:
            if depth == 0:
                return k.start
            depth -= 1
    eol = text.find("\n", offset)
    return len(text) if eol < 0 else eol


def first_token_of_line(t: Tokens, line: int) -> Tok | None:
    idx = t.line_tokens(line)
    return t.toks[idx[0]] if idx else None


# ── Python comprehensions, operator sections, `do`, method calls ─────────────────────────────


def fix_comprehensions(ctx: Ctx) -> list[Fix]:
    """`[e for x in xs if c]` -> `[e | x <- xs, c]`."""
    fixes: list[Fix] = []
    for t in ctx.tokens.streams():
        for i, k in enumerate(t.toks):
            if k.kind != "[" or i not in t.pair:
                continue
            j = t.pair[i]
            level = [m for m in range(i + 1, j) if t.toks[m].depth == k.depth + 1]
            fors = [m for m in level if t.toks[m].word("for")]
            if not fors:
                continue
            edits: list[TextEdit] = []
            for n, f in enumerate(fors):
                ins = next((m for m in level if m > f and t.toks[m].word("in")), None)
                if ins is None:
                    edits = []
                    break
                pattern = ctx.source[t.toks[f].end:t.toks[ins].start].strip()
                if "," in pattern and not pattern.startswith("("):
                    pattern = f"({pattern})"
                edits.append(TextEdit(t.toks[f].start, t.toks[ins].end, f"{'|' if n == 0 else ','} {pattern} <-"))
            for m in level:
                if t.toks[m].word("if") and fors and m > fors[0]:
                    edits.append(TextEdit(t.toks[m].start, t.toks[m].end, ","))
            if edits:
                fixes.append(Fix("comprehension", "list comprehensions are written `[e | x <- xs, cond]`", edits,
                                 region=(k.start, t.toks[j].end)))
    return fixes


SECTION_OPS = frozenset({"+", "-", "*", "/", "%", "**", "++", "==", "!=", "<", ">", "<=", ">=", "&&", "||"})


def fix_sections(ctx: Ctx) -> list[Fix]:
    """Operator sections: `(+)` -> `(\\a b -> a + b)`, `(* 2)` -> `(\\x -> x * 2)`, `(1 +)` -> `(\\x -> 1 + x)`."""
    fixes: list[Fix] = []
    reason = "Synoema has no operator sections: write a lambda"
    for t in ctx.tokens.streams():
        for i, k in enumerate(t.toks):
            if k.kind != "(" or i not in t.pair:
                continue
            j = t.pair[i]
            inner = list(range(i + 1, j))
            if not inner:
                continue
            first, last = t.toks[inner[0]], t.toks[inner[-1]]
            a, b = k.start, t.toks[j].end
            if len(inner) == 1 and first.kind in SECTION_OPS:
                fixes.append(Fix("section", reason, [TextEdit(a, b, f"(\\a b -> a {first.kind} b)")]))
            elif first.kind in SECTION_OPS and first.kind != "-" and len(inner) > 1:
                rest = ctx.source[t.toks[inner[1]].start:last.end]
                fixes.append(Fix("section", reason, [TextEdit(a, b, f"(\\x -> x {first.kind} {paren(rest)})")]))
            elif last.kind in SECTION_OPS and len(inner) > 1:
                rest = ctx.source[first.start:t.toks[inner[-2]].end]
                fixes.append(Fix("section", reason, [TextEdit(a, b, f"(\\x -> {paren(rest)} {last.kind} x)")]))
    return fixes


def fix_do(ctx: Ctx) -> list[Fix]:
    """Haskell's `main = do` block: the block needs no `do`."""
    t = ctx.tokens
    fixes: list[Fix] = []
    for i, k in enumerate(t.toks):
        if k.word("do") and i > 0 and t.toks[i - 1].kind in ("=", "->"):
            nxt = t.toks[i + 1] if i + 1 < len(t.toks) else None
            if nxt is None or nxt.line != k.line:
                edit = TextEdit(t.toks[i - 1].end, k.end, "")  # `main = do` at the end of its line
            else:
                edit = TextEdit(k.start, nxt.start, "")
            fixes.append(Fix("do_block", "a block needs no `do`: its lines run in order", [edit]))
    return fixes


# method -> template; {s} is the subject, {0} {1} the arguments; several templates are alternatives
METHODS: dict[str, tuple[str, ...]] = {
    "map": ("map {0} {s}",),
    "filter": ("filter {0} {s}",),
    "reduce": ("foldl {0} {1} {s}",),
    "forEach": ("for_each {0} {s}",),
    "join": ("str_join {0} {s}", "str_join {s} {0}"),
    "split": ("split {0} {s}",),
    "upper": ("upper {s}",),
    "toUpperCase": ("upper {s}",),
    "lower": ("lower {s}",),
    "toLowerCase": ("lower {s}",),
    "strip": ("str_trim {s}",),
    "trim": ("str_trim {s}",),
    "startswith": ("str_starts_with {s} {0}",),
    "startsWith": ("str_starts_with {s} {0}",),
    "length": ("length {s}", "str_len {s}"),
    "len": ("length {s}", "str_len {s}"),
    "size": ("length {s}", "str_len {s}"),
    "count": ("length {s}", "str_len {s}"),
    "reverse": ("reverse {s}",),
    "sum": ("sum {s}",),
    "includes": ("elem {0} {s}",),
    "contains": ("elem {0} {s}",),
    "indexOf": ("str_find {s} {0} 0",),
    "find": ("str_find {s} {0} 0",),
    "slice": ("str_slice {s} {0} {1}", "take ({1} - {0}) (drop {0} {s})"),
    "substring": ("str_slice {s} {0} {1}",),
    "concat": ("{s} ++ {0}",),
    "append": ("{s} ++ [{0}]",),
    "push": ("{s} ++ [{0}]",),
    "toString": ("show {s}",),
    "head": ("head {s}",),
    "tail": ("tail {s}",),
}
MODULES = frozenset({"functools", "math", "itertools", "operator", "builtins"})
STANDALONE = {("console", "log"): "print", ("System", "out"): "", ("Math", "sqrt"): "sqrt", ("Math", "abs"): "abs",
              ("math", "sqrt"): "sqrt"}


def fix_method_calls(ctx: Ctx) -> list[Fix]:
    """`xs.map(f)` -> `map f xs`, `s.upper()` -> `upper s`, `console.log(x)` -> `print x`."""
    fixes: list[Fix] = []
    known = {str(k.value) for k in ctx.tokens.toks if k.first and k.col == 1 and k.kind == LOWER}
    for t in ctx.tokens.streams():
        for i, k in enumerate(t.toks):
            if k.kind != "." or i == 0 or i + 1 >= len(t.toks):
                continue
            name_tok, subj_end = t.toks[i + 1], t.toks[i - 1]
            if name_tok.kind != LOWER or name_tok.start != k.end or subj_end.end != k.start:
                continue
            method = str(name_tok.value)
            subj_first = t.pair.get(i - 1, i - 1) if subj_end.kind in (")", "]") else i - 1
            if subj_end.kind not in (LOWER, UPPER, STR, INT, FLOAT, ")", "]"):
                continue
            subject = ctx.source[t.toks[subj_first].start:subj_end.end]
            if subject in MODULES and subject not in known:
                continue  # `functools.reduce(...)`, `math.sqrt(x)`: a function, not a method (see calls.py)
            args: list[str] = []
            last = i + 1
            has_call = i + 2 < len(t.toks) and t.toks[i + 2].kind == "(" and not t.toks[i + 2].spaced \
                and (i + 2) in t.pair
            if has_call:
                close = t.pair[i + 2]
                parts = split_commas(t, i + 3, close) or []
                args = [paren(ctx.source[t.toks[a].start:t.toks[b].end]) for a, b in parts]
                last = close
            key = (subject, method)
            group = f"method@{t.toks[subj_first].start}"
            if key in STANDALONE and subject not in known:
                repl = STANDALONE[key]
                if repl:
                    fixes.append(Fix("method_call", f"`{subject}.{method}` is `{repl}` in Synoema",
                                     [TextEdit(t.toks[subj_first].start, name_tok.end, repl)]))
                continue
            if method not in METHODS or (not has_call and method not in ("length", "size", "count")):
                continue
            if subject in known and not has_call:
                continue  # a record field read of the program's own value
            for template in METHODS[method]:
                try:
                    text = template.format(*args, s=paren(subject))
                except IndexError:
                    continue
                fixes.append(Fix("method_call", f"Synoema calls functions, not methods: `{method} x`, not `x.{method}()`",
                                 [TextEdit(t.toks[subj_first].start, t.toks[last].end, f"({text})")], group))
    return fixes


# ── literals and names from other languages ──────────────────────────────────────────────────


def code_mask(text: str) -> list[bool]:
    """True for characters outside double-quoted strings and `--` comments (the lexer's view can be
    thrown off by a stray `'`, so this is a plain scan)."""
    mask = [True] * len(text)
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            for k in range(i, min(j + 1, n)):
                mask[k] = False
            i = j + 1
            continue
        if text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                mask[k] = False
            i = j
            continue
        i += 1
    return mask


_PRIMED = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)('+)")
PRIMED_BUILTINS = {"foldl'": "foldl", "foldr'": "foldr"}


def fix_primes(ctx: Ctx) -> list[Fix]:
    """Haskell's primed names (`x'`, `go'`, `foldl'`): Synoema names have no `'`."""
    text = ctx.source
    mask = code_mask(text)
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    edits: list[TextEdit] = []
    renamed: dict[str, str] = {}
    for m in _PRIMED.finditer(text):
        if not mask[m.start()] or not mask[m.start(2)]:
            continue
        after = text[m.end():m.end() + 1]
        if after.isalnum() and len(m.group(2)) == 1 and text[m.end() + 1:m.end() + 2] == "'":
            continue  # `f'a'`: a name followed by a character literal
        primed = m.group(0)
        if primed not in renamed:
            new = PRIMED_BUILTINS.get(primed) or m.group(1) + "_" * len(m.group(2))
            while new in names and primed not in PRIMED_BUILTINS:
                new += "_"
            renamed[primed] = new
        edits.append(TextEdit(m.start(), m.end(), renamed[primed]))
    if not edits:
        return []
    return [Fix("primed_names", "names cannot contain `'`: " + ", ".join(f"`{a}` -> `{b}`" for a, b in renamed.items()),
                edits)]


def fix_string_styles(ctx: Ctx) -> list[Fix]:
    """f-strings and JS template literals -> interpolation `"${x}"`; `` a `f` b `` -> `f a b`."""
    t = ctx.tokens
    text = ctx.source
    fixes: list[Fix] = []
    for i, k in enumerate(t.toks[:-1]):
        nxt = t.toks[i + 1]
        if k.word("f") and nxt.kind == STR and nxt.start == k.end:
            body = text[nxt.start + 1:nxt.end - 1]
            body = re.sub(r"(?<![{$]){(?!{)", "${", body).replace("{{", "{").replace("}}", "}")
            fixes.append(Fix("f_string", 'strings interpolate with `"${x}"`', [TextEdit(k.start, nxt.end, f'"{body}"')]))
    mask = code_mask(text)
    for m in re.finditer(r"`([^`\n]*)`", text):
        if not mask[m.start()]:
            continue
        inner = m.group(1)
        if re.fullmatch(r"[a-z_][A-Za-z0-9_]*", inner):
            fix = _backtick_infix(t, text, m.start(), m.end(), inner)
            if fix is not None:
                fixes.append(fix)
            continue
        body = _escape_outside_holes(inner)
        fixes.append(Fix("template_string", 'strings use double quotes and interpolate with `"${x}"`',
                         [TextEdit(m.start(), m.end(), f'"{body}"')]))
    return fixes


def _backtick_infix(t: Tokens, text: str, start: int, end: int, name: str) -> Fix | None:
    if name in ("mod", "rem", "div", "quot"):
        return None  # `fix_operators` turns these into `%` and `/`
    i = t.index_at(start + 1)
    if i is None or i == 0 or i + 1 >= len(t.toks):
        return None
    left_end = t.toks[i - 1]
    left_first = t.pair.get(i - 1, i - 1) if left_end.kind in (")", "]", "}") else i - 1
    right_last = t.group_end(i + 1)
    if t.toks[left_first].kind not in ATOM_KINDS and t.toks[left_first].kind not in OPENERS:
        return None
    if t.toks[i + 1].kind not in ATOM_KINDS and t.toks[i + 1].kind not in OPENERS:
        return None
    a = text[t.toks[left_first].start:left_end.end]
    b = text[t.toks[i + 1].start:t.toks[right_last].end]
    return Fix("backtick_infix", f"functions are applied prefix: `{name} a b`, not ``a `{name}` b``",
               [TextEdit(t.toks[left_first].start, t.toks[right_last].end, f"({name} {paren(a)} {paren(b)})")])


def fix_word_operators(ctx: Ctx) -> list[Fix]:
    """Python's `a and b` / `a or b` -> `&&` / `||`; Haskell's `/=` and ML's `<>` -> `!=`."""
    t = ctx.tokens
    defined = {str(k.value) for k in t.toks if k.first and k.col == 1 and k.kind == LOWER}
    fixes: list[Fix] = []
    for s in t.streams():
        for i, k in enumerate(s.toks):
            if k.word("and", "or") and str(k.value) not in defined and 0 < i < len(s.toks) - 1:
                before, after = s.toks[i - 1], s.toks[i + 1]
                if before.kind in ATOM_END and (after.kind in ATOM_KINDS or after.kind in OPENERS or after.kind == "-"):
                    op = "&&" if k.value == "and" else "||"
                    fixes.append(Fix("word_operators", f"logical `{k.value}` is `{op}`", [TextEdit(k.start, k.end, op)]))
            elif k.kind == "/" and i + 1 < len(s.toks) and s.toks[i + 1].kind == "=" and s.toks[i + 1].start == k.end:
                fixes.append(Fix("word_operators", "inequality is `!=`", [TextEdit(k.start, k.end + 1, "!=")]))
            elif k.kind == "<" and i + 1 < len(s.toks) and s.toks[i + 1].kind == ">" and s.toks[i + 1].start == k.end:
                # ML, SQL and Pascal's inequality, or Haskell's `<>` joining two Strings: the types decide
                lo, hi = k.start, s.toks[i + 1].end
                fixes.append(Fix("word_operators", "inequality is `!=`", [TextEdit(lo, hi, "!=")], f"ne@{k.start}"))
                fixes.append(Fix("string_concat", "strings and lists are joined with `++`", [TextEdit(lo, hi, "++")],
                                 f"ne@{k.start}"))
    return fixes


def _escape_outside_holes(text: str) -> str:
    """Escape `"` in literal text but not inside `${...}` holes (they hold code)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("${", i):
            depth = 0
            j = i + 1
            while j < len(text):
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out.append(text[i:j + 1])
            i = j + 1
            continue
        out.append('\\"' if text[i] == '"' else text[i])
        i += 1
    return "".join(out)
