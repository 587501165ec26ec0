"""`repair`: fix the mechanical mistakes models and newcomers make, and say what was changed.

Rules propose text edits (from the diagnostics of the parser, resolver and type checker, and from
their own view of the tokens); the engine keeps an edit only when the program checks better with it
(a later stage, fewer errors, or the first error further on), for a bounded number of rounds. A
program that already checks is returned untouched. Every kept edit is reported with its rule, the
span in the ORIGINAL source, a one-line reason, and the text before and after.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..diagnostics import Diagnostic, Span
from ..edits import TextEdit, apply_edits
from .base import Assessment, Ctx, Fix, RuleSpec, assess, slips
from .text import line_starts, map_back, span_of

__all__ = ["Edit", "RepairResult", "repair"]


@dataclass(frozen=True)
class Edit:
    """One change made by `repair`, for the user: what, where (in the original source) and why."""

    rule: str
    span: Span
    reason: str
    before: str
    after: str

    def note(self) -> str:
        where = f"line {self.span.line}: " if self.span.line else ""
        return f"{where}{self.reason}"


@dataclass
class RepairResult:
    source: str  # the repaired source (the input when nothing was changed)
    edits: list[Edit] = field(default_factory=list)
    changed: bool = False
    ok: bool = False  # the repaired source checks (parses and type-checks)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what remains
    report: Any = None  # the final `CheckReport`
    original: str = ""
    rounds: int = 0

    @property
    def notes(self) -> list[str]:
        return [e.note() for e in self.edits]


def _rules() -> list[RuleSpec]:
    from . import calls, names, structure, syntax, typed

    return [
        RuleSpec("primes", syntax.fix_primes),
        RuleSpec("comments", syntax.fix_comments),
        RuleSpec("string_styles", syntax.fix_string_styles),
        RuleSpec("word_operators", syntax.fix_word_operators),
        RuleSpec("headers", structure.fix_headers),
        RuleSpec("def_return", structure.fix_def_return),
        RuleSpec("statement_if", structure.fix_statement_if),
        RuleSpec("if_then_else", structure.fix_if_then_else),
        RuleSpec("ternary", structure.fix_ternary),
        RuleSpec("let_in", structure.fix_let_in, batch=False),
        RuleSpec("where", structure.fix_where, batch=False),
        RuleSpec("case_of", structure.fix_case_of, batch=False),
        RuleSpec("guards", structure.fix_guards),
        RuleSpec("do_block", syntax.fix_do),
        RuleSpec("lambdas", syntax.fix_lambdas),
        RuleSpec("comprehensions", syntax.fix_comprehensions),
        RuleSpec("sections", syntax.fix_sections),
        RuleSpec("python_calls", calls.fix_python_calls, batch=False),
        RuleSpec("method_calls", syntax.fix_method_calls, batch=False),
        RuleSpec("list_commas", syntax.fix_list_commas),
        RuleSpec("cons_patterns", syntax.fix_cons_patterns),
        RuleSpec("operators", syntax.fix_operators),
        RuleSpec("call_syntax", syntax.fix_call_syntax),
        RuleSpec("indexing", syntax.fix_indexing, batch=False),
        RuleSpec("local_equations", structure.fix_local_equations, batch=False),
        RuleSpec("missing_main", structure.fix_missing_main, batch=False),
        RuleSpec("definition_order", structure.fix_definition_order, batch=False),
        RuleSpec("reduce_order", calls.fix_reduce_order, batch=False),
        RuleSpec("names", names.fix_names, batch=False),
        RuleSpec("callee_types", names.fix_callee_types, batch=False),
        RuleSpec("string_list_mixups", names.fix_string_list_mixups, batch=False),
        RuleSpec("compare_types", typed.fix_compare_types, batch=False),
        RuleSpec("plus_strings", typed.fix_plus_strings, batch=False),
        RuleSpec("zip_pairs", typed.fix_zip_pairs),
    ]


MAX_TRIES_PER_RULE = 24
MAX_PAIR_ROUNDS = 3  # times a stuck repair tries two rules' fixes together
PAIR_FIXES_PER_RULE = 3
PAIR_CANDIDATES = 14  # at most 91 pairs per try
MAX_REPAIR_SOURCE = 200_000  # characters: every candidate edit is re-checked


@dataclass
class _State:
    text: str
    current: Assessment
    steps: list[list[TextEdit]] = field(default_factory=list)  # accepted edit lists, in order
    edits: list[Edit] = field(default_factory=list)
    original: str = ""
    seen: set[str] = field(default_factory=set)
    filename: str | None = None
    memo: dict[str, Assessment] = field(default_factory=dict)  # candidate text -> its assessment

    def assess(self, text: str) -> Assessment:
        got = self.memo.get(text)
        if got is None:
            got = self.memo[text] = assess(text, self.filename)
        return got

    def to_original(self, offset: int, extra: list[TextEdit] | None = None) -> int:
        if extra:
            offset = map_back(offset, extra)
        for step in reversed(self.steps):
            offset = map_back(offset, step)
        return offset

    def first_position(self, a: Assessment, extra: list[TextEdit] | None = None) -> int:
        first = a.first_error
        if first is None or first.span is None:
            return len(self.original) + 1
        return self.to_original(first.span.offset, extra)

    def better(self, edits: list[TextEdit], new: Assessment) -> bool:
        """Does the candidate (the current text with `edits`) check better than the current text?"""
        cur = self.current
        if new.source in self.seen:
            return False
        if new.rank != cur.rank:
            return new.rank > cur.rank
        if new.ok:
            return False
        old_pos, new_pos = self.first_position(cur), self.first_position(new, edits)
        if new_pos > old_pos:
            return True
        # the error in front was fixed and another one shows (type errors come one per definition,
        # so the next one may well sit earlier in the same definition)
        f_old, f_new = cur.first_error, new.first_error
        if f_old is None or f_new is None or f_old.span is None:
            return False
        targeted = any(e.start <= f_old.span.end_offset + 1 and f_old.span.offset - 1 <= e.end for e in edits)
        return targeted and (f_old.code, f_old.message) != (f_new.code, f_new.message)

    def accept(self, fix: Fix, new_text: str, new: Assessment) -> None:
        lo, hi = fix.bounds()
        delta = sum(len(e.new) - (e.end - e.start) for e in fix.edits)
        a, b = self.to_original(lo), self.to_original(hi)
        span = span_of(self.original, a, max(a, b), line_starts(self.original))
        self.edits.append(Edit(fix.rule, span, fix.reason, self.text[lo:hi], new_text[lo:hi + delta]))
        self.steps.append(list(fix.edits))
        self.seen.add(self.text)
        self.text = new_text
        self.current = new


def _try(state: _State, fixes: list[Fix]) -> tuple[str, Assessment] | None:
    edits = [e for f in fixes for e in f.edits]
    new_text = apply_edits(state.text, edits)
    if new_text is None or new_text == state.text or new_text in state.seen:
        return None
    return new_text, state.assess(new_text)


def _apply_rule(state: _State, spec: RuleSpec) -> bool:
    """Apply the rule's fixes while they help; True when anything was kept."""
    kept = False
    tried_batch = False
    rejected: set[tuple] = set()
    for _ in range(MAX_TRIES_PER_RULE):
        if state.current.ok:
            return kept
        fixes = spec.fn(Ctx(state.text, state.current))
        fixes = [f for f in fixes if f.edits and _key(f) not in rejected]
        if not fixes:
            return kept
        groups: dict[str, list[Fix]] = {}
        for f in fixes:
            groups.setdefault(f.group or f"#{id(f)}", []).append(f)
        if spec.batch and not tried_batch and len(groups) > 1:
            tried_batch = True
            firsts = [g[0] for g in groups.values()]
            got = _try(state, firsts)
            if got is not None and state.better([e for f in firsts for e in f.edits], got[1]):
                _accept_many(state, firsts, got)
                kept = True
                continue
        progressed = False
        for alternatives in groups.values():
            best: tuple[Fix, str, Assessment] | None = None
            for f in alternatives:
                got = _try(state, [f])
                if got is None or not state.better(f.edits, got[1]):
                    rejected.add(_key(f))
                    continue
                if best is None or _prefer(state, (f, got[1]), (best[0], best[2])):
                    best = (f, got[0], got[1])
            if best is not None:
                state.accept(best[0], best[1], best[2])
                kept = progressed = True
                break
        if not progressed:
            return kept
    return kept


def _apply_pair(state: _State, rules: list[RuleSpec], expression: bool) -> bool:
    """When no rule helps alone: two fixes of different rules at once (`map(\\i -> xs[i], ys)` needs
    both the call and the subscript rewritten before the first error moves). True when kept."""
    candidates: list[tuple[str, Fix]] = []
    for spec in rules:
        if expression and spec.name == "missing_main":
            continue
        fixes = [f for f in spec.fn(Ctx(state.text, state.current)) if f.edits]
        candidates += [(spec.name, f) for f in fixes[:PAIR_FIXES_PER_RULE]]
    candidates = candidates[:PAIR_CANDIDATES]
    for (rule_a, a), (rule_b, b) in combinations(candidates, 2):
        if rule_a == rule_b:
            continue
        got = _try(state, [a, b])
        if got is not None and state.better(a.edits + b.edits, got[1]):
            _accept_many(state, [a, b], got)
            return True
    return False


def _prefer(state: _State, a: tuple[Fix, Assessment], b: tuple[Fix, Assessment]) -> bool:
    """Of two helpful alternatives, the one that checks further; on a tie the earlier, more usual one
    (where the next error shows up says little about which alternative was meant)."""
    return a[1].rank > b[1].rank


def _accept_many(state: _State, fixes: list[Fix], got: tuple[str, Assessment]) -> None:
    """Record a batch as one step, but one `Edit` per fix so each gets its own reason and span."""
    text_before = state.text
    for f in fixes:
        lo, hi = f.bounds()
        shift = sum(len(e.new) - (e.end - e.start) for g in fixes if g is not f for e in g.edits if e.end <= lo)
        delta = sum(len(e.new) - (e.end - e.start) for e in f.edits)
        a, b = state.to_original(lo), state.to_original(hi)
        span = span_of(state.original, a, max(a, b), line_starts(state.original))
        state.edits.append(Edit(f.rule, span, f.reason, text_before[lo:hi], got[0][lo + shift:hi + shift + delta]))
    state.steps.append([e for f in fixes for e in f.edits])
    state.seen.add(state.text)
    state.text, state.current = got


def _key(f: Fix) -> tuple:
    return (f.rule, tuple((e.start, e.end, e.new) for e in f.edits))


# ── bare expressions ─────────────────────────────────────────────────────────────────────────


def _wrap_expression(text: str) -> list[TextEdit]:
    lines = text.split("\n")
    real = [i for i, ln in enumerate(lines) if ln.strip()]
    if len(real) == 1:
        offset = sum(len(ln) + 1 for ln in lines[: real[0]])
        return [TextEdit(offset, offset, "main = ")]
    edits = [TextEdit(0, 0, "main =\n")]
    pos = 0
    for ln in lines:
        if ln.strip():
            edits.append(TextEdit(pos, pos, "  "))
        pos += len(ln) + 1
    return edits


def _unwrap_expression(text: str) -> str | None:
    """The expression back out of `main = ...`, when nothing else was added around it."""
    stripped = text.strip("\n")
    if stripped.startswith("main = ") and "\n" not in stripped:
        return stripped[len("main = "):] + "\n"
    if stripped.startswith("main =\n"):
        body = stripped[len("main =\n"):].split("\n")
        if all(not ln.strip() or ln.startswith("  ") for ln in body):
            return "\n".join(ln[2:] for ln in body) + "\n"
    return None


def slips_of(source: str, filename: str | None) -> list[Diagnostic]:
    """What a program that checks still gets wrong (see `base.slips`)."""
    a = assess(source, filename)
    return slips(source, a.checked)


# ── the entry point ──────────────────────────────────────────────────────────────────────────


def repair(source: str, *, filename: str | None = None, max_rounds: int = 40) -> RepairResult:
    """Repair `source` until it checks or no rule helps (at most `max_rounds` passes, each ending
    with the first rule whose fixes were kept). Never raises."""
    from ..check import check

    initial = check(source, filename=filename, run=False)
    if initial.ok and (initial.shape == "expression" or not slips_of(source, filename)):
        return RepairResult(source, [], False, True, list(initial.diagnostics), initial, source, 0)
    if len(source) > MAX_REPAIR_SOURCE:
        note = Diagnostic("limit_exceeded", f"repair reads snippets of at most {MAX_REPAIR_SOURCE} characters", None,
                          severity="warning", data={"limit": "source"})
        return RepairResult(source, [], False, False, [*initial.diagnostics, note], initial, source, 0)
    try:
        return _repair(source, filename, max_rounds, initial)
    except Exception as e:  # a bug in a rule must not lose the user's code
        note = Diagnostic("internal_error", f"repair stopped: {type(e).__name__}: {e}", None, severity="warning")
        return RepairResult(source, [], False, False, [*initial.diagnostics, note], initial, source, 0)


def _repair(source: str, filename: str | None, max_rounds: int, initial: Any) -> RepairResult:
    from ..check import check

    expression = initial.shape == "expression"
    state = _State(source, assess(source, filename), original=source, filename=filename)
    if expression:
        wrap = _wrap_expression(source)
        wrapped = apply_edits(source, wrap)
        if wrapped is not None:
            state.text = wrapped
            state.current = assess(wrapped, filename)
            state.steps.append(wrap)
    rules = _rules()
    rounds = pair_rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - reported below
        progressed = False
        for spec in rules:
            if state.current.ok:
                break
            if expression and spec.name == "missing_main":
                continue
            if _apply_rule(state, spec):
                # start over: with this mistake gone, an earlier rule may now see (and prove) its fix,
                # before a later, looser rule takes the next error for one of its own
                progressed = True
                break
        if state.current.ok:
            break
        if not progressed:
            if pair_rounds < MAX_PAIR_ROUNDS and _apply_pair(state, rules, expression):
                pair_rounds += 1
                continue
            break
    text = state.text
    if expression:
        unwrapped = _unwrap_expression(text)
        if unwrapped is not None:
            unwrapped = unwrapped if source.endswith("\n") else unwrapped.rstrip("\n")
            # lines that only run as a block (`print a` then `print b`) stay under `main =`
            if not state.current.ok or check(unwrapped, filename=filename, run=False).ok:
                text = unwrapped
            else:
                state.edits.insert(0, Edit("missing_main", span_of(source, 0, 0),
                                           "lines that run one after another are the body of `main =`", "", "main =\n"))
    changed = text != source and bool(state.edits)
    if not changed:
        return RepairResult(source, [], False, False, list(initial.diagnostics), initial, source, rounds)
    final = check(text, filename=filename, run=False)
    ok = final.ok and (final.shape == "expression" or not slips_of(text, filename))
    return RepairResult(text, state.edits, True, ok, list(final.diagnostics), final, source, rounds)


class _CallableModule(types.ModuleType):
    """Importing `synoema.repair` makes the package attribute `repair` this package; calling it repairs."""

    def __call__(self, source: str, **kwargs: Any) -> RepairResult:
        return repair(source, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
