"""Rewrites of constructs that span lines: if/then/else, def/return, let/in, where, case/of, guards,
statement `if`s, Haskell headers, and a missing `main`.

These keep the user's text for every expression and only move or re-indent lines, so a repaired
program reads like the original.
"""

from __future__ import annotations

import re

from ..edits import TextEdit, apply_edits
from ..lexer import LOWER, UPPER
from ..parser import split_top_level
from .base import Ctx, Fix
from .syntax import ATOM_END, atoms, split_commas
from .text import ATOM_KINDS, OPENERS, Tok, Tokens, diff_edit, paren

# ── if / then / else ─────────────────────────────────────────────────────────────────────────


def fix_if_then_else(ctx: Ctx) -> list[Fix]:
    """`if c then a else b` -> `? c -> a : b`; Python's `a if c else b` too."""
    t = ctx.tokens
    text = ctx.source
    fixes: list[Fix] = []
    stack: list[list[int | None]] = []
    for m, k in enumerate(t.toks):
        if k.word("if") and not _statement_if(t, m):
            stack.append([m, None])
        elif k.word("then") and stack and stack[-1][1] is None:
            stack[-1][1] = m
        elif k.word("else") and stack:
            i, th = stack.pop()
            assert i is not None
            if th is not None:
                fixes.append(_if_fix(t, text, i, th, m))
            else:
                fix = _ternary_fix(t, text, i, m)
                if fix is not None:
                    fixes.append(fix)
    return fixes


def _statement_if(t: Tokens, i: int) -> bool:
    """`if c:` ending its line (a Python statement; another rule rewrites it)."""
    k = t.toks[i]
    if not k.first:
        return False
    line = [j for j in t.line_tokens(k.line)]
    return t.toks[line[-1]].kind == ":"


def _joins(t: Tokens, text: str, lo: int, hi: int) -> list[TextEdit]:
    """Join the lines of tokens lo..hi into one line (unless a comment sits in between)."""
    edits: list[TextEdit] = []
    for m in range(lo + 1, min(hi, len(t.toks) - 1) + 1):
        a, b = t.toks[m - 1], t.toks[m]
        gap = text[a.end:b.start]
        if "\n" in gap and "--" not in gap:
            edits.append(TextEdit(a.end, b.start, " "))
    return edits


def _if_fix(t: Tokens, text: str, i: int, th: int, el: int) -> Fix:
    edits = [
        TextEdit(t.toks[i].start, t.toks[i].end, "?"),
        TextEdit(t.toks[th].start, t.toks[th].end, "->"),
        TextEdit(t.toks[el].start, t.toks[el].end, ":"),
    ]
    after = el + 1 if el + 1 < len(t.toks) else el
    edits += _joins(t, text, i, after)
    prev = t.toks[i - 1] if i > 0 else None
    if prev is not None and prev.line == t.toks[i].line and prev.kind in ATOM_END and not _keyword(prev):
        end = _expr_end(t, el + 1)
        edits += [TextEdit(t.toks[i].start, t.toks[i].start, "("), TextEdit(t.toks[end].end, t.toks[end].end, ")")]
    return Fix("if_then_else", "conditionals are written `? cond -> then : else`", edits)


KEYWORDS_FROM_ELSEWHERE = frozenset({"if", "then", "else", "return", "in", "of", "do", "where", "let"})


def _keyword(k: Tok) -> bool:
    return k.kind == LOWER and k.value in KEYWORDS_FROM_ELSEWHERE


def _expr_end(t: Tokens, start: int) -> int:
    """Last index of the expression starting at `start`: before an unmatched closer, a comma, or a new line."""
    if start >= len(t.toks):
        return len(t.toks) - 1
    depth = t.toks[start].depth
    line = t.toks[start].line
    last = start
    for m in range(start, len(t.toks)):
        k = t.toks[m]
        if k.depth < depth or (k.depth == depth and k.kind in (",", ")", "]", "}")):
            break
        if k.line != line and k.first and k.depth == depth:
            break
        last = m
    return last


def _expr_begin(t: Tokens, end: int) -> int:
    """First index of the expression ending at `end` (back to `=`, an opener, a comma or the line start);
    a bracket group ending there is taken whole."""
    if t.toks[end].kind in (")", "]", "}") and end in t.pair:
        end_group = t.pair[end]
        depth = t.toks[end_group].depth
    else:
        end_group = end
        depth = t.toks[end].depth
    first = end_group
    if t.toks[end_group].first:
        return first
    m = end_group - 1
    while m >= 0:
        k = t.toks[m]
        if k.kind in (")", "]", "}") and m in t.pair and k.depth == depth:
            first = t.pair[m]
            if t.toks[first].first:
                break
            m = first - 1
            continue
        if k.depth < depth:
            break
        if k.depth == depth and (k.kind in ("=", ",", "->", "(", "[", "{", "?", "<-", ":") or k.word("return")):
            break
        first = m
        if k.first:
            break
        m -= 1
    return first


def _ternary_fix(t: Tokens, text: str, i: int, el: int) -> Fix | None:
    if i == 0:
        return None
    a0 = _expr_begin(t, i - 1)
    b1 = _expr_end(t, el + 1)
    if a0 >= i or b1 <= el:
        return None
    a = text[t.toks[a0].start:t.toks[i - 1].end].strip()
    c = text[t.toks[i].end:t.toks[el].start].strip()
    b = text[t.toks[el].end:t.toks[b1].end].strip()
    new = f"? {c} -> {_guard_cons(a)} : {b}"
    prev = t.toks[a0 - 1] if a0 > 0 else None
    if prev is not None and prev.kind in ATOM_END and prev.line == t.toks[a0].line and not _keyword(prev):
        new = f"({new})"
    return Fix("if_then_else", "conditionals are written `? cond -> then : else`",
               [TextEdit(t.toks[a0].start, t.toks[b1].end, new)])


def _guard_cons(branch: str) -> str:
    """A then-branch with a cons needs parentheses: `? c -> (x:xs) : rest`."""
    depth = 0
    for ch in branch:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == ":" and depth == 0:
            return f"({branch})"
    return branch


def fix_ternary(ctx: Ctx) -> list[Fix]:
    """C and JavaScript's `cond ? a : b` -> `? cond -> a : b`."""
    t = ctx.tokens
    text = ctx.source
    fixes: list[Fix] = []
    for q, k in enumerate(t.toks):
        if k.kind != "?" or q == 0:
            continue
        prev = t.toks[q - 1]
        line = t.line_tokens(k.line)
        if prev.kind not in ATOM_END or _keyword(prev) or (line and t.toks[line[0]].word("impl")):
            continue
        colon = arrow = None
        m = q
        while m + 1 < len(t.toks):
            m += 1
            o = t.toks[m]
            if o.kind in OPENERS and m in t.pair:
                m = t.pair[m]  # a bracket group, whole
                continue
            if o.depth < k.depth or (o.depth == k.depth and o.kind in (",", ")", "]", "}", "=")):
                break
            if o.depth == k.depth and o.kind == "->":
                arrow = m
                break
            if o.depth == k.depth and o.kind == "?":
                break  # a nested ternary: the inner one goes first
            if o.depth == k.depth and o.kind == ":":
                colon = m
                break
        if arrow is not None or colon is None or colon == q + 1:
            continue
        a0 = _expr_begin(t, q - 1)
        b1 = _expr_end(t, colon + 1)
        if a0 >= q or b1 <= colon:
            continue
        cond = text[t.toks[a0].start:prev.end].strip()
        then = " ".join(text[t.toks[q].end:t.toks[colon].start].split())
        other = " ".join(text[t.toks[colon].end:t.toks[b1].end].split())
        new = f"? {cond} -> {_guard_cons(then)} : {other}"
        before = t.toks[a0 - 1] if a0 > 0 else None
        if before is not None and before.kind in ATOM_END and before.line == t.toks[a0].line and not _keyword(before):
            new = f"({new})"
        fixes.append(Fix("if_then_else", "conditionals are written `? cond -> then : else`",
                         [TextEdit(t.toks[a0].start, t.toks[b1].end, new)]))
    return fixes


# ── Python statement ifs ─────────────────────────────────────────────────────────────────────


def fix_statement_if(ctx: Ctx) -> list[Fix]:
    """Python's `if c:` / `elif c:` / `else:` with one-line branches -> a `? ->` chain."""
    t = ctx.tokens
    text = ctx.source
    lines = text.split("\n")
    fixes: list[Fix] = []
    n = len(lines)
    li = 0
    while li < n:
        m = re.match(r"^(\s*)if\s+(.+?):\s*(.*)$", lines[li])
        if not m or not _code_line(t, li + 1):
            li += 1
            continue
        ind = m.group(1)
        chain: list[tuple[str | None, str]] = []  # (condition or None for else, branch)
        cond, inline = m.group(2), m.group(3)
        j = li + 1
        ok = True
        while True:
            if inline.strip():
                branch = inline.strip()
            else:
                if j >= n or _indent(lines[j]) <= len(ind) or not lines[j].strip():
                    ok = False
                    break
                branch = lines[j].strip()
                j += 1
                if j < n and lines[j].strip() and _indent(lines[j]) > len(ind):
                    ok = False  # a multi-line branch: not ours
                    break
            chain.append((cond, branch))
            if cond is None or j >= n:
                break
            nxt = lines[j]
            # `elif c:`, or Python's run of guard `if c: return a` lines before the last `return`
            me = re.match(r"^" + re.escape(ind) + r"(?:elif|if)\s+(.+?):\s*(.*)$", nxt)
            ms = re.match(r"^" + re.escape(ind) + r"else\s*:\s*(.*)$", nxt)
            if me:
                cond, inline = me.group(1), me.group(2)
                j += 1
            elif ms:
                cond, inline = None, ms.group(1)
                j += 1
            elif _indent(nxt) == len(ind) and nxt.strip() and (j + 1 >= n or _indent(lines[j + 1]) < len(ind)
                                                              or not lines[j + 1].strip()):
                # `if c: return a` followed by the last line of the block: that line is the else
                chain.append((None, nxt.strip()))
                j += 1
                break
            else:
                ok = False
                break
        if not ok or not chain or chain[-1][0] is not None:
            li += 1
            continue
        out = []
        for k, (c, b) in enumerate(chain):
            if c is None:
                out.append(f"{ind}: {b}")
            else:
                out.append(f"{ind}{'' if k == 0 else ': '}? {c} -> {b}")
        start = sum(len(x) + 1 for x in lines[:li])
        end = sum(len(x) + 1 for x in lines[:j]) - 1
        fixes.append(Fix("if_statement", "conditionals are expressions: `? cond -> a : b`",
                         [TextEdit(start, min(end, len(text)), "\n".join(out))]))
        li = j
    return fixes


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _code_line(t: Tokens, line: int) -> bool:
    idx = t.line_tokens(line)
    return bool(idx) and t.toks[idx[0]].word("if")


# ── def / return ─────────────────────────────────────────────────────────────────────────────

_DEF_RE = re.compile(
    r"^(?P<ind>[ \t]*)(?P<kw>def|fn|fun|func|function)\s+(?P<name>[a-z_][A-Za-z0-9_']*)\s*"
    r"(?:\((?P<params>[^()]*(?:\([^()]*\)[^()]*)*)\))?\s*(?:->\s*[^:=]+?)?\s*(?P<term>:|=|\{)?\s*(?P<rest>.*)$"
)


def fix_def_return(ctx: Ctx) -> list[Fix]:
    """`def f(x, y):` -> `f x y =`; `return e` -> `e`."""
    t = ctx.tokens
    fixes: list[Fix] = []
    for line in range(1, len(t.starts) + 1):
        idx = t.line_tokens(line)
        if not idx or not t.toks[idx[0]].word("def", "fn", "fun", "func", "function"):
            continue
        if len(idx) < 2 or t.toks[idx[1]].kind != LOWER:
            continue
        src_line = t.line_text(line)
        m = _DEF_RE.match(src_line)
        if not m:
            continue
        start = t.line_start(line)
        name = m.group("name")
        term = m.group("term")
        rest = m.group("rest").rstrip()
        if m.group("params") is not None:
            params = _py_params(m.group("params"))
            head = " ".join([name, *params])
            edits: list[TextEdit] = []
            if term == "{":
                if rest.endswith("}"):
                    rest = rest[:-1].strip().rstrip(";").strip()
                else:
                    close = _closing_brace_line(t, line, len(m.group("ind")))
                    if close is None:
                        continue
                    a = t.line_start(close)
                    edits.append(TextEdit(a, min(t.line_end(close) + 1, len(t.text)), ""))
            new = f"{m.group('ind')}{head} =" + (f" {rest}" if rest else "")
            edits.append(TextEdit(start, start + len(src_line), new))
            fixes.append(Fix("def_return", "a function is defined as `name params = body`, without `def`", edits))
        else:
            kw = t.toks[idx[0]]
            fixes.append(Fix("def_return", "a function is defined as `name params = body`, without `def`",
                             [TextEdit(kw.start, t.toks[idx[1]].start, "")]))
    for i, k in enumerate(t.toks):
        if k.word("return") and i + 1 < len(t.toks) and t.toks[i + 1].line == k.line:
            nxt = t.toks[i + 1]
            fixes.append(Fix("def_return", "there is no `return`: the last expression is the value",
                             [TextEdit(k.start, nxt.start, "")]))
    return fixes


def _closing_brace_line(t: Tokens, line: int, indent: int) -> int | None:
    for ln in range(line + 1, len(t.starts) + 1):
        raw = t.line_text(ln)
        if raw.strip() in ("}", "};") and _indent(raw) == indent:
            return ln
        if raw.strip() and _indent(raw) <= indent:
            return None
    return None


def _py_params(text: str) -> list[str]:
    out = []
    depth = 0
    cur = ""
    for ch in text + ",":
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            p = cur.strip()
            cur = ""
            if not p or p in ("self", "*", "/"):
                continue
            p = re.split(r"\s*[:=]\s*", p, maxsplit=1)[0].lstrip("*&").strip()
            if p:
                out.append(p)
            continue
        cur += ch
    return out


# ── let / in ─────────────────────────────────────────────────────────────────────────────────


def fix_let_in(ctx: Ctx) -> list[Fix]:
    """`let x = e in body` -> bindings on the lines of a block; a statement `let x = e` -> `x = e`."""
    t = ctx.tokens
    text = ctx.source
    fixes: list[Fix] = []
    # `let a = 1 in let b = 2 in r` is one `let` with two bindings
    chain = [TextEdit(k.start, t.toks[m + 1].end, ";") for m, k in enumerate(t.toks[:-1])
             if k.word("in") and t.toks[m + 1].word("let") and t.toks[m + 1].line == k.line]
    if chain:
        merged = apply_edits(text, chain)
        if merged is None:
            return []
        inner = fix_let_in(Ctx(merged, ctx.assessment))
        final = apply_edits(merged, [e for f in inner[:1] for e in f.edits]) if inner else None
        if final is None:
            return []
        return [Fix("let_in", "`let a = 1 in let b = 2 in r` is a block: the bindings on their lines, then the result",
                    [diff_edit(text, final)])]
    pairs: list[tuple[int, int | None]] = []
    stack: list[int] = []
    for m, k in enumerate(t.toks):
        if k.word("let", "var", "const", "val") and m + 1 < len(t.toks) and t.toks[m + 1].kind == LOWER:
            stack.append(m)
        elif k.word("in") and stack:
            pairs.append((stack.pop(), m))
    pairs += [(m, None) for m in stack]
    for let, inn in sorted(pairs, key=lambda p: t.toks[p[0]].start, reverse=False):
        k = t.toks[let]
        if inn is None:
            if t.toks[let].word("let", "var", "const", "val"):
                fixes.append(Fix("let_in", "bindings are written `x = value`, without `let`",
                                 [TextEdit(k.start, t.toks[let + 1].start, "")]))
            continue
        fix = _let_block(t, text, let, inn)
        if fix is not None:
            fixes.append(fix)
    return fixes


def _bindings(text: str) -> list[str]:
    """Split the bindings of a let at `;` and at lines that start at the first binding's column."""
    lines = text.split("\n")
    first = lines[0]
    col = len(first) - len(first.lstrip())
    out: list[str] = []
    for i, ln in enumerate(lines):
        if i > 0 and ln.strip() and _indent(ln) > col and out:
            out[-1] += " " + ln.strip()
            continue
        for part in _split_semis(ln):
            if part.strip():
                out.append(part.strip())
    return [_lambda_binding(b) for b in out]


def _decl_last_line(t: Tokens, line: int, n: int) -> int:
    """The last non-empty line of the top-level declaration starting on `line`."""
    last = line
    for ln in range(line + 1, n + 1):
        j = t.line_tokens(ln)
        if j and t.toks[j[0]].col == 1:
            break
        if j:
            last = ln
    return last


def _split_semis(line: str) -> list[str]:
    return split_top_level(line, ";")


def _lambda_binding(b: str) -> str:
    """`f x y = e` inside a block -> `f = \\x y -> e` (local functions are lambdas)."""
    m = re.match(r"^([a-z_][A-Za-z0-9_]*)\s+([^=]+?)\s*=(?!=)\s*(.*)$", b)
    if not m or any(op in m.group(2) for op in ("<", ">", "!", "+", "*")):
        return b
    return f"{m.group(1)} = \\{m.group(2)} -> {m.group(3)}"


def _let_block(t: Tokens, text: str, let: int, inn: int) -> Fix | None:
    k, kin = t.toks[let], t.toks[inn]
    first_col = t.toks[let + 1].col - 1
    binds = _bindings(" " * first_col + text[t.toks[let + 1].start:kin.start].rstrip())
    if not binds or any("=" not in b for b in binds):
        return None
    after_in = text[kin.end:t.line_end(kin.line)].strip()
    prev = t.toks[let - 1] if let > 0 else None
    reason = "Synoema has no `let ... in`: write the bindings on the lines of a block"
    if k.first or (prev is not None and prev.kind == "=" and prev.line == k.line):
        if k.first:
            ind = " " * (k.col - 1)
            region_start = t.line_start(k.line)
        else:
            ind = " " * (t.line_indent(k.line) + 2)
            region_start = prev.end  # type: ignore[union-attr]
        lines = [ind + b for b in binds]
        body_lines: list[str] = []
        region_end = t.line_end(kin.line)
        if after_in:
            body_lines.append(ind + after_in)
        else:
            # the body is on the following lines: re-indent them to the block
            ln = kin.line + 1
            base = None
            while ln <= len(t.starts):
                raw = t.line_text(ln)
                if raw.strip():
                    if _indent(raw) < len(ind) and not (base is None and _indent(raw) >= len(ind) - 2 and k.first):
                        break
                    base = _indent(raw) if base is None else base
                    if _indent(raw) < base:
                        break
                    body_lines.append(ind + raw[base:])
                else:
                    body_lines.append("")
                region_end = t.line_end(ln)
                ln += 1
            while body_lines and not body_lines[-1].strip():
                body_lines.pop()
            if not body_lines:
                return None
            region_end = _end_of_lines(t, kin.line, len(body_lines))
        new = "\n".join(lines + body_lines)
        if not k.first:
            new = "\n" + new
        return Fix("let_in", reason, [TextEdit(region_start, region_end, new)])
    # inside an expression: a lambda applied to the value keeps the meaning
    if not after_in or kin.line != k.line:
        return None
    end = _expr_end(t, inn + 1)
    body = text[kin.end:t.toks[end].end].strip()
    for b in reversed(binds):
        name, _, value = b.partition("=")
        body = f"(\\{name.strip()} -> {body}) {paren(value.strip())}"
    return Fix("let_in", reason, [TextEdit(k.start, t.toks[end].end, f"({body})")])


def _end_of_lines(t: Tokens, line: int, count: int) -> int:
    return t.line_end(min(line + count, len(t.starts)))


# ── where ────────────────────────────────────────────────────────────────────────────────────


def fix_where(ctx: Ctx) -> list[Fix]:
    """`body where x = e` -> the bindings first, in a block (or indented under a one-line body)."""
    t = ctx.tokens
    text = ctx.source
    fixes: list[Fix] = []
    for i, k in enumerate(t.toks):
        if not k.word("where") or (i > 0 and t.toks[i - 1].kind == UPPER and t.toks[0].kind == "mod"):
            continue
        head_line = k.line
        while head_line > 1 and (t.line_indent(head_line) > 0 or not t.line_text(head_line).strip()
                                 or (head_line == k.line and k.first)):
            head_line -= 1
        head_ind = t.line_indent(head_line)
        # the bindings: after `where` on its line, then deeper lines
        first_bind = text[k.end:t.line_end(k.line)]
        bind_lines: list[str] = []
        if first_bind.strip():
            col = k.end - t.line_start(k.line) + (len(first_bind) - len(first_bind.lstrip()))
            bind_lines.append(" " * col + first_bind.strip())
        ln = k.line + 1
        last = k.line
        while ln <= len(t.starts):
            raw = t.line_text(ln)
            if raw.strip() and _indent(raw) <= head_ind:
                break
            bind_lines.append(raw)
            if raw.strip():
                last = ln
            ln += 1
        bind_lines = bind_lines[: max(0, last - k.line + (1 if first_bind.strip() else 0))] if last > k.line \
            else bind_lines[:1]
        binds, lifted = _group_bindings(bind_lines, _head_params(t, head_line))
        if not binds and not lifted:
            continue
        binds = _order_bindings(binds)
        before_where = text[t.line_start(head_line):k.start].rstrip()
        body_lines = before_where.split("\n")
        if len(body_lines) == 1:
            ind = " " * (head_ind + 2)
            new_lines = [body_lines[0]] + [ind + b for b in binds]
        else:
            block = [ln_ for ln_ in body_lines[1:] if ln_.strip()]
            ind = " " * (min(_indent(b) for b in block) if block else head_ind + 2)
            new_lines = [body_lines[0]] + [ind + b for b in binds] + body_lines[1:]
        if not binds:
            new_lines = body_lines
        region_end = t.line_end(last)
        new = "\n".join(x.rstrip() for x in new_lines)
        if lifted:
            # functions with several equations live at the top level, above their user
            new = "\n".join(lifted) + "\n" + new
        fixes.append(Fix("where_block", "Synoema has no `where`: bindings go in the block before the result",
                         [TextEdit(t.line_start(head_line), region_end, new)]))
        break  # one where at a time: regions of several may overlap
    return fixes


def _head_params(t: Tokens, line: int) -> set[str]:
    idx = t.line_tokens(line)
    eq = next((i for i in idx if t.toks[i].kind == "=" and t.toks[i].depth == 0), None)
    if eq is None:
        return set()
    return {str(t.toks[i].value) for i in idx if i < eq and t.toks[i].kind == LOWER} - {str(t.toks[idx[0]].value)}


def _group_bindings(lines: list[str], outer: set[str]) -> tuple[list[str], list[str]]:
    """Binding lines (with continuation lines) as binding texts, `f x = e` as lambdas; functions with
    several equations that use no outer parameter come back separately, to be lifted to the top level."""
    real = [ln for ln in lines if ln.strip()]
    if not real:
        return [], []
    col = min(_indent(ln) for ln in real)
    out: list[str] = []
    for ln in real:
        if _indent(ln) > col and out:
            out[-1] += "\n" + ln
        else:
            out.extend(p.strip() for p in _split_semis(ln.strip()) if p.strip())
    heads = [re.match(r"([a-z_][A-Za-z0-9_]*)\s+[^=]*?=(?!=)", b) for b in out]
    names = [m.group(1) for m in heads if m]
    multi = {n for n in names if names.count(n) > 1}
    fixed: list[str] = []
    lifted: list[str] = []
    for b, m in zip(out, heads):
        head, _, rest = b.partition("\n")
        if m and m.group(1) in multi:
            body_words = set(re.findall(r"[a-z_][A-Za-z0-9_]*", b))
            params = set(re.findall(r"[a-z_][A-Za-z0-9_]*", m.group(0)))
            if not (body_words - params) & outer:
                lifted.append(head + ("\n" + _reindent(rest, 2) if rest else ""))
                continue
        fixed.append(_lambda_binding(head) + ("\n" + _reindent(rest, 2) if rest else ""))
    return fixed, lifted


def _reindent(block: str, extra: int) -> str:
    lines = block.split("\n")
    base = min((_indent(x) for x in lines if x.strip()), default=0)
    return "\n".join(" " * extra + x[base:] for x in lines)


def _order_bindings(binds: list[str]) -> list[str]:
    """Define before use: a binding that uses another comes after it (Haskell's where has no order)."""
    names = [re.match(r"\s*([a-z_][A-Za-z0-9_]*)", b) for b in binds]
    keys = [m.group(1) if m else "" for m in names]
    deps = {i: {j for j, n in enumerate(keys) if n and j != i and re.search(rf"\b{re.escape(n)}\b",
                                                                            binds[i].split("=", 1)[-1])}
            for i in range(len(binds))}
    order: list[int] = []
    placed: set[int] = set()
    for _ in range(len(binds) + 1):
        for i in range(len(binds)):
            if i not in placed and deps[i] <= placed:
                order.append(i)
                placed.add(i)
    order += [i for i in range(len(binds)) if i not in placed]
    return [binds[i] for i in order]


# ── case / of ────────────────────────────────────────────────────────────────────────────────


def fix_case_of(ctx: Ctx) -> list[Fix]:
    """`f x = case x of p -> e ...` -> one equation per alternative (or a helper function)."""
    t = ctx.tokens
    text = ctx.source
    for i, k in enumerate(t.toks):
        if not k.word("case", "match"):
            continue
        of = next((m for m in range(i + 1, len(t.toks))
                   if t.toks[m].word("of", "with") and t.toks[m].depth == k.depth), None)
        if of is None or of == i + 1:
            continue
        alts, end_off = _alternatives(t, text, of)
        if not alts:
            continue
        fix = _case_fix(t, text, i, of, alts, end_off)
        if fix is not None:
            return [fix]
    return []


def _alternatives(t: Tokens, text: str, of: int) -> tuple[list[tuple[str, str]], int]:
    """The `pattern -> body` alternatives after `of`, and the offset where they end."""
    kof = t.toks[of]
    rest_of_line = text[kof.end:t.line_end(kof.line)]
    chunks: list[str] = []
    end = t.line_end(kof.line)
    if rest_of_line.strip():
        inner = rest_of_line.strip()
        if inner.startswith("{") and inner.endswith("}"):
            inner = inner[1:-1]
        # same-line alternatives end at an unmatched closer
        depth = 0
        cut = len(inner)
        for p, ch in enumerate(inner):
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    cut = p
                    break
                depth -= 1
        if cut < len(inner):
            end = kof.end + rest_of_line.index(inner) + cut
            inner = inner[:cut]
        chunks = [c for c in _split_semis(inner) if c.strip()]
        if "|" in inner and not chunks[1:]:
            chunks = [c for c in re.split(r"\s\|\s", " " + inner) if c.strip()]
    else:
        base_ind = t.line_indent(kof.line)
        ln = kof.line + 1
        col = None
        while ln <= len(t.starts):
            raw = t.line_text(ln)
            if not raw.strip():
                ln += 1
                continue
            ind = _indent(raw)
            if ind <= base_ind and not (col is None and ind == base_ind and raw.strip().startswith("|")) \
                    and (col is None or ind < col):
                break
            if col is None:
                col = ind
            if ind < col:
                break
            if ind == col:
                chunks.append(raw.strip())
            else:
                chunks[-1] += "\n" + raw
            end = t.line_end(ln)
            ln += 1
    alts = []
    for c in chunks:
        c = c.strip().lstrip("|").strip()
        head, arrow, body = _split_arrow(c)
        if not arrow:
            return [], end
        alts.append((head.strip(), body.strip("\n ")))
    return alts, end


def _split_arrow(c: str) -> tuple[str, str, str]:
    depth = 0
    in_str = False
    for p in range(len(c) - 1):
        ch = c[p]
        if ch == '"':
            in_str = not in_str
        if in_str:
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and c.startswith("->", p):
            return c[:p], "->", c[p + 2:]
        elif depth == 0 and c.startswith("=>", p):
            return c[:p], "=>", c[p + 2:]
    return c, "", ""


def _pattern(p: str) -> str:
    p = p.strip()
    if p in ("True", "False"):
        p = p.lower()
    if re.fullmatch(r"[a-z_][A-Za-z0-9_]*|-?\d+(\.\d+)?|\"[^\"]*\"|'.'|\[\]|[A-Z][A-Za-z0-9_]*|true|false", p):
        return f"({p})" if p.startswith("-") else p
    if p.startswith("(") and p.endswith(")") and _balanced(p):
        return p
    if p.startswith("[") and p.endswith("]") and _balanced(p):
        return p
    return f"({p})"


def _balanced(p: str) -> bool:
    depth = 0
    for i, ch in enumerate(p):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and i < len(p) - 1:
            return False
    return True


def _case_fix(t: Tokens, text: str, ci: int, of: int, alts: list[tuple[str, str]], end_off: int) -> Fix | None:
    kc = t.toks[ci]
    scrut = text[kc.end:t.toks[of].start].strip()
    # the enclosing top-level equation
    head_line = kc.line
    while head_line > 1 and t.line_indent(head_line) > 0:
        head_line -= 1
    hidx = t.line_tokens(head_line)
    if not hidx or t.toks[hidx[0]].kind != LOWER:
        return None
    eq = next((m for m in hidx if t.toks[m].kind == "=" and t.toks[m].depth == 0), None)
    if eq is None:
        return None
    fname = str(t.toks[hidx[0]].value)
    params = [text[t.toks[a].start:t.toks[b].end] for a, b in atoms(t, hidx[0] + 1, eq)]
    body_start = t.toks[eq + 1].start if eq + 1 < len(t.toks) else len(text)
    whole_body = body_start == kc.start
    reason = "Synoema has no `case ... of`: each alternative becomes an equation"
    rest_after = text[end_off:].split("\n", 1)[0].strip() if end_off < len(text) else ""
    if whole_body and not rest_after and scrut in params and re.fullmatch(r"[a-z_][A-Za-z0-9_]*", scrut):
        k = params.index(scrut)
        eqs = []
        for pat, body in alts:
            pat_s = _pattern(pat)
            ps = list(params)
            extra = ""
            if re.fullmatch(r"[a-z_][A-Za-z0-9_]*", pat.strip()) and pat.strip() != scrut:
                if re.search(rf"\b{re.escape(scrut)}\b", body):
                    extra = f"{pat.strip()} = {scrut}"
                else:
                    ps[k] = pat.strip()
            elif pat.strip() == "_" and re.search(rf"\b{re.escape(scrut)}\b", body):
                pass
            else:
                ps[k] = pat_s
            head = " ".join([fname, *ps])
            if "\n" in body or extra:
                lines = ([f"  {extra}"] if extra else []) + ["  " + x for x in _reindent(body, 0).split("\n")]
                eqs.append(f"{head} =\n" + "\n".join(lines))
            else:
                eqs.append(f"{head} = {body}")
        return Fix("case_of", reason, [TextEdit(t.line_start(head_line), end_off, "\n".join(eqs))])
    # a helper function that takes the names the alternatives use
    helper = f"{fname}_case"
    n = 2
    while re.search(rf"\b{helper}\b", text):
        helper = f"{fname}_case{n}"
        n += 1
    scope = [p for p in params if re.fullmatch(r"[a-z_][A-Za-z0-9_]*", p)]
    scope += re.findall(r"^\s+([a-z_][A-Za-z0-9_]*)\s*=(?!=)", text[t.line_start(head_line):kc.start], re.M)
    scope += re.findall(r"\\([a-z_][A-Za-z0-9_ ]*)->", text[t.line_start(head_line):kc.start])
    names: list[str] = []
    for s in scope:
        for nm in s.split():
            if nm not in names and any(re.search(rf"\b{re.escape(nm)}\b", b) for _, b in alts):
                names.append(nm)
    eqs = []
    for pat, body in alts:
        head = " ".join([helper, *names, _pattern(pat)])
        if "\n" in body:
            eqs.append(f"{head} =\n" + "\n".join("  " + x for x in _reindent(body, 0).split("\n")))
        else:
            eqs.append(f"{head} = {body}")
    call = " ".join([helper, *names, paren(scrut)])
    prev = t.toks[ci - 1] if ci > 0 else None
    if prev is not None and prev.kind not in ("=", "->") and not kc.first:
        call = f"({call})"
    insert_at = t.line_start(head_line)
    sig_line = head_line - 1
    if sig_line >= 1:
        sidx = t.line_tokens(sig_line)
        if len(sidx) > 1 and t.toks[sidx[0]].value == fname and t.toks[sidx[1]].kind == ":":
            insert_at = t.line_start(sig_line)
    return Fix("case_of", reason, [TextEdit(insert_at, insert_at, "\n".join(eqs) + "\n"),
                                   TextEdit(kc.start, end_off, call)])


# ── guards ───────────────────────────────────────────────────────────────────────────────────


def fix_guards(ctx: Ctx) -> list[Fix]:
    """Haskell guards `f x | c = a | otherwise = b` -> `f x = ? c -> a : b`."""
    t = ctx.tokens
    text = ctx.source
    fixes: list[Fix] = []
    for line in range(1, len(t.starts) + 1):
        idx = t.line_tokens(line)
        if not idx or t.toks[idx[0]].kind != LOWER or t.toks[idx[0]].col != 1:
            continue
        bar = next((m for m in idx if t.toks[m].kind == "|" and t.toks[m].depth == 0), None)
        eq = next((m for m in idx if t.toks[m].kind == "=" and t.toks[m].depth == 0), None)
        if (eq is not None and (bar is None or eq < bar)) or (bar is None and idx[-1] + 1 < len(t.toks)
                                                               and t.toks[idx[-1] + 1].kind != "|"):
            continue
        head = text[t.toks[idx[0]].start:t.toks[bar].start if bar is not None else t.toks[idx[-1]].end].rstrip()
        region_end = t.line_end(line)
        guards_text = text[t.toks[bar].start:region_end] if bar is not None else ""
        ln = line + 1
        while ln <= len(t.starts) and t.line_text(ln).strip().startswith("|") and t.line_indent(ln) > 0:
            guards_text += "\n" + t.line_text(ln)
            region_end = t.line_end(ln)
            ln += 1
        parts = [p.strip() for p in re.split(r"(?:^|\s)\|(?!\|)\s", " " + guards_text.replace("\n", " ")) if p.strip()]
        chain = []
        for p in parts:
            c, eq_, body = _split_eq(p)
            if not eq_:
                chain = []
                break
            chain.append((c.strip(), body.strip()))
        if not chain:
            continue
        out = []
        for k, (c, b) in enumerate(chain):
            last = k == len(chain) - 1
            if c in ("otherwise", "true", "True") or (last and c in ("_", "else")):
                out.append(f"  : {b}" if k else f"  {b}")
                break
            out.append(f"  {': ' if k else ''}? {c} -> {b}")
        else:
            out.append('  : error "no guard matched"')
        fixes.append(Fix("guards", "guards are written as a conditional: `? c -> a : b`",
                         [TextEdit(t.line_start(line), region_end, f"{head} =\n" + "\n".join(out))]))
    return fixes


def _split_eq(p: str) -> tuple[str, str, str]:
    for m in re.finditer(r"(?<![=!<>])=(?![=>])", p):
        return p[:m.start()], "=", p[m.end():]
    return p, "", ""


# ── headers from other languages ─────────────────────────────────────────────────────────────


def fix_headers(ctx: Ctx) -> list[Fix]:
    """`module M where`, `import X`, `data T =`, `deriving`, `f :: T`, `main :: IO ()`."""
    t = ctx.tokens
    text = ctx.source
    fixes: list[Fix] = []
    for line in range(1, len(t.starts) + 1):
        raw = t.line_text(line)
        start, end = t.line_start(line), t.line_end(line)
        full_end = min(end + 1, len(text))
        if re.match(r"^module\s+[A-Z][\w.]*.*\bwhere\s*$", raw) or re.match(r"^import\s+(qualified\s+)?[A-Z][\w.]*", raw) \
                or re.match(r"^(from\s+\w+\s+)?import\s+[a-z_][\w.]*(\s+as\s+\w+)?\s*$", raw) \
                or re.match(r"^\s*(#include|using namespace|package\s)", raw) \
                or re.match(r"^if\s+__name__\s*==", raw):
            fixes.append(Fix("headers", "Synoema needs no module header or imports for this",
                             [TextEdit(start, full_end, "")]))
            if raw.startswith("if __name__"):
                ln = line + 1
                while ln <= len(t.starts) and (t.line_indent(ln) > 0 or not t.line_text(ln).strip()):
                    ln += 1
                fixes[-1] = Fix("headers", "Synoema runs `main`; no `if __name__` block",
                                [TextEdit(start, t.line_start(ln) if ln <= len(t.starts) else len(text), "")])
            continue
        m = re.match(r"^(\s*)([a-z_][A-Za-z0-9_']*)\s*::\s*(.*)$", raw)
        if m:
            ty = m.group(3)
            if re.search(r"\bIO\b", ty):
                fixes.append(Fix("type_signature", "Synoema has no IO type; the signature is not needed",
                                 [TextEdit(start, full_end, "")]))
            else:
                ty = re.sub(r"\bInteger\b", "Int", ty)
                ty = re.sub(r"\bDouble\b", "Float", ty)
                fixes.append(Fix("type_signature", "type signatures use one colon: `f : Int -> Int`",
                                 [TextEdit(start, end, f"{m.group(1)}{m.group(2)} : {ty}")]))
            continue
        m = re.match(r"^(data|newtype)\s+", raw)
        if m:
            fixes.append(Fix("data_decl", "a type is declared as `T = A | B`, without `data`",
                             [TextEdit(start, start + m.end(), "")]))
        m = re.search(r"\bderiving\s*(\(([^)]*)\)|([A-Z]\w*))", raw)
        if m:
            names = m.group(2) if m.group(2) is not None else m.group(3)
            a = start + m.start()
            fixes.append(Fix("data_decl", "derived traits are written `derive (Show, Eq)`",
                             [TextEdit(a, start + m.end(), f"derive ({names})")]))
    for k in t.toks:
        if k.word("otherwise"):
            fixes.append(Fix("booleans", "`otherwise` is `true`", [TextEdit(k.start, k.end, "true")]))
    return fixes


# ── a missing main ───────────────────────────────────────────────────────────────────────────

DECL_STARTS = frozenset({"type", "trait", "impl", "mod", "use", "import", "test", "prop", "derive"})


def fix_missing_main(ctx: Ctx) -> list[Fix]:
    """Top-level expressions (a REPL habit) -> `main = ...` at the end."""
    t = ctx.tokens
    text = ctx.source
    chunks: list[tuple[int, int, bool]] = []  # (first line, last line, is expression)
    line = 1
    n = len(t.starts)
    has_main = False
    while line <= n:
        idx = t.line_tokens(line)
        if not idx or t.toks[idx[0]].col != 1:
            line += 1
            continue
        last = _decl_last_line(t, line, n)
        toks = [i for i in range(len(t.toks)) if line <= t.toks[i].line <= last]
        first = t.toks[toks[0]]
        has_eq = any(t.toks[i].kind == "=" and t.toks[i].depth == 0 for i in toks)
        is_sig = len(toks) > 1 and first.kind == LOWER and t.toks[toks[1]].kind == ":"
        is_decl = first.kind in DECL_STARTS or (first.kind == LOWER and first.value in ("def", "data", "module"))
        if first.kind == LOWER and first.value == "main" and has_eq:
            has_main = True
        chunks.append((line, last, not (has_eq or is_sig or is_decl)))
        line = last + 1
    exprs = [c for c in chunks if c[2]]
    if not exprs:
        return []
    edits: list[TextEdit] = []
    bodies: list[str] = []
    for first, last, _ in exprs:
        a = t.line_start(first)
        b = t.line_end(last)
        body = text[a:b].rstrip()
        if re.fullmatch(r"main\s*(\(\s*\))?", body.strip()):
            body = ""
        if body:
            bodies.append(body)
        edits.append(TextEdit(a, min(b + 1, len(text)), ""))
    if has_main:
        if bodies:
            return []
        return [Fix("missing_main", "`main` runs by itself; no call is needed", edits)]
    if not bodies:
        return []
    if len(bodies) == 1 and "\n" not in bodies[0]:
        main = f"main = {bodies[0].strip()}"
    else:
        lines = []
        for k, b in enumerate(bodies):
            last = k == len(bodies) - 1
            b1 = b
            if not last and not re.match(r"^print\b", b1.strip()):
                b1 = f"print {paren(b1.strip())}" if "\n" not in b1 else b1
            lines.append("\n".join("  " + x for x in _reindent(b1, 0).split("\n")))
        main = "main =\n" + "\n".join(lines)
    tail = text.rstrip("\n")
    edits.append(TextEdit(len(text), len(text), ("" if text.endswith("\n") or not tail else "\n") + main + "\n"))
    return [Fix("missing_main", "a program runs `main`: the final expression becomes `main = ...`", edits)]


# ── multi-equation local functions ───────────────────────────────────────────────────────────


def fix_local_equations(ctx: Ctx) -> list[Fix]:
    """Local functions with several equations move to the top level (when they use no outer names)."""
    fixes: list[Fix] = []
    for d in ctx.errors_with("unexpected_token", contains="local functions are bound to lambdas"):
        t = ctx.tokens
        if d.span is None:
            continue
        line = d.span.line
        ind = t.line_indent(line)
        idx = t.line_tokens(line)
        if not idx or t.toks[idx[0]].kind != LOWER:
            continue
        name = str(t.toks[idx[0]].value)
        first = line
        while first > 1 and _starts_with(t, first - 1, name, ind):
            first -= 1
        last = line
        while last < len(t.starts) and (_starts_with(t, last + 1, name, ind)
                                        or (t.line_indent(last + 1) > ind and t.line_text(last + 1).strip())):
            last += 1
        head = first
        while head > 1 and t.line_indent(head) > 0:
            head -= 1
        block = "\n".join(t.line_text(ln)[ind:] for ln in range(first, last + 1))
        a, b = t.line_start(first), min(t.line_end(last) + 1, len(ctx.source))
        fixes.append(Fix("local_equations", "functions with several equations are defined at the top level",
                         [TextEdit(t.line_start(head), t.line_start(head), block + "\n"), TextEdit(a, b, "")]))
        break
    return fixes


def _starts_with(t: Tokens, line: int, name: str, ind: int) -> bool:
    idx = t.line_tokens(line)
    return bool(idx) and t.line_indent(line) == ind and t.toks[idx[0]].kind == LOWER and t.toks[idx[0]].value == name


__all__ = [
    "ATOM_KINDS",
    "OPENERS",
    "fix_case_of",
    "fix_def_return",
    "fix_guards",
    "fix_headers",
    "fix_if_then_else",
    "fix_let_in",
    "fix_local_equations",
    "fix_missing_main",
    "fix_statement_if",
    "fix_where",
    "split_commas",
]


# ── define before use ────────────────────────────────────────────────────────────────────────


def _top_chunks(t: Tokens) -> list[tuple[int, int, str]]:
    """Top-level chunks (first line, last line, first word), with comment lines above joined in."""
    out: list[tuple[int, int, str]] = []
    n = len(t.starts)
    line = 1
    pending = None  # first line of comments right above a definition
    while line <= n:
        idx = t.line_tokens(line)
        raw = t.line_text(line)
        if not idx:
            if raw.strip().startswith("--") and not raw.startswith(" "):
                pending = pending or line
            else:
                pending = None
            line += 1
            continue
        if t.toks[idx[0]].col != 1:
            line += 1
            continue
        last = _decl_last_line(t, line, n)
        out.append((pending or line, last, str(t.toks[idx[0]].value)))
        pending = None
        line = last + 1
    return out


def fix_definition_order(ctx: Ctx) -> list[Fix]:
    """A definition used above it moves up, right before its first user (define before use)."""
    t = ctx.tokens
    text = ctx.source
    for d in ctx.errors_with("unbound_variable", contains="before its definition"):
        m = re.search(r"`([^`]+)`", d.message)
        if m is None or d.span is None:
            continue
        name = m.group(1)
        chunks = _top_chunks(t)
        user = next((c for c in chunks if c[0] <= d.span.line <= c[1]), None)
        mine = [k for k, c in enumerate(chunks) if c[2] == name]
        if user is None or not mine:
            continue
        # its signature (`name : T`) is a chunk with the same first word: all of them move together
        first_k, last_k = mine[0], mine[-1]
        if any(k not in mine for k in range(first_k, last_k + 1)):
            continue
        a = t.line_start(chunks[first_k][0])
        b = t.line_end(chunks[last_k][1])
        b = min(b + 1, len(text))
        block = text[a:b]
        if not block.endswith("\n"):
            block += "\n"
        at = t.line_start(user[0])
        if at >= a:
            continue
        return [Fix("definition_order", f"`{name}` must be defined before it is used (define before use)",
                    [TextEdit(at, at, block), TextEdit(a, b, "")])]
    return []
