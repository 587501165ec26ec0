"""Second rounds of a conversation: "why?", "what's the type of f?", "now for Floats", "make it
shorter". Each answer is a checker fact or a program that was run; a follow-up that does not
apply to the program (no Float variant type-checks, no rewrite is shorter) is not offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from synoema import ast as A

from ..facts import ProgramFacts, run
from ..wording import Wording
from .base import answer_program


@dataclass(frozen=True)
class FollowUp:
    name: str
    turns: list[tuple[str, str]]


def pick(w: Wording, f: ProgramFacts, record: Any, allowed: Sequence[str]) -> FollowUp | None:
    """One follow-up of `allowed` that applies to the program, chosen at random."""
    order = list(allowed)
    w.rng.shuffle(order)
    for name in order:
        got = MAKERS[name](w, f)
        if got is not None:
            return got
    return None


def why_unit(w: Wording, f: ProgramFacts) -> FollowUp | None:
    if not f.ends_with_print:
        return None
    return FollowUp("why_unit", [("user", w.say("follow.why_unit.ask")), ("assistant", w.say("follow.why_unit.answer"))])


def type_of(w: Wording, f: ProgramFacts) -> FollowUp | None:
    funcs = f.functions()
    if not funcs:
        return None
    d = w.rng.choice(funcs)
    answer = w.say("follow.type.answer", name=d.name, sig=d.signature)
    if len(d.sentences) > 1:
        answer += " " + d.sentences[0]
    return FollowUp("type", [("user", w.say("follow.type.ask", name=d.name)), ("assistant", answer)])


def _int_literals(source: str, only_lists: bool) -> list[A.Lit]:
    from synoema.parser import parse

    program = parse(source).program
    if program is None:
        return []
    found: list[A.Lit] = []
    for node in A.walk(program):
        if only_lists and isinstance(node, A.ListLit):
            for item in node.items:
                inner = item.expr if isinstance(item, A.Paren) else item
                inner = inner.expr if isinstance(inner, A.Neg) else inner
                if isinstance(inner, A.Lit) and inner.kind == "int":
                    found.append(inner)
        elif not only_lists and isinstance(node, A.Lit) and node.kind == "int":
            found.append(node)
    return found


@lru_cache(maxsize=4096)
def float_variant(source: str, stdin: str) -> tuple[str, str] | None:
    """The program with its Int literals written as Floats, when that still runs and prints
    something else (all literals first, then only the list items)."""
    for only_lists in (False, True):
        lits = _int_literals(source, only_lists)
        if not lits:
            continue
        text = source
        for lit in sorted(lits, key=lambda n: -n.span.offset):
            s = lit.span
            raw = text[s.offset:s.end_offset]
            if not raw.isdigit():
                break
            text = text[:s.offset] + raw + ".0" + text[s.end_offset:]
        else:
            ok, stdout, _ = run(text, stdin)
            if ok and "." in stdout:
                return text, stdout
    return None


def floats(w: Wording, f: ProgramFacts) -> FollowUp | None:
    got = float_variant(f.source, f.stdin)
    if got is None:
        return None
    text, stdout = got
    answer = w.say("follow.floats.answer") + "\n\n" + answer_program(text, stdout)
    return FollowUp("floats", [("user", w.say("follow.floats.ask")), ("assistant", answer)])


@lru_cache(maxsize=4096)
def shorter_variant(source: str) -> tuple[str, str, int, int] | None:
    """The offline review's verified rewrite, when it saves tokens: (source, stdout, before, after)."""
    from assistant.offline.review import review

    r = review(source)
    if r.revised is None or r.tokens is None or r.revised_tokens is None or r.saving <= 0:
        return None
    return r.revised, r.revised_output, r.tokens.tokens, r.revised_tokens.tokens


def shorter(w: Wording, f: ProgramFacts) -> FollowUp | None:
    if f.stdin:
        return None
    got = shorter_variant(f.source)
    if got is None:
        return None
    text, stdout, before, after = got
    answer = w.say("follow.shorter.answer", before=before, after=after) + "\n\n" + answer_program(text, stdout)
    return FollowUp("shorter", [("user", w.say("follow.shorter.ask")), ("assistant", answer)])


MAKERS = {"why_unit": why_unit, "type": type_of, "floats": floats, "shorter": shorter}
