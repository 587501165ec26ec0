"""Q&A: questions about syntax, semantics, the standard library, errors and idioms, answered
directly with a verified minimal example, in many phrasings per fact.

The facts come from five places, interleaved so that even a small build covers them all:

- the knowledge passages (`assistant.knowledge`), each example program run again;
- the library: every function's type from the checker (builtins and the prelude's inferred
  signatures), an example expression evaluated;
- names from other languages (`len`, `toString`, ...): confirmed absent from the library, with the
  Synoema function that is;
- error codes: a small snippet that really fails with the code, and the version that runs;
- expressions taken from corpus programs: their value and type, evaluated by the checker (these
  keep the corpus split of their program).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from synoema import ast as A

from ..facts import LIMITS, run
from ..wording import Wording, code
from . import qa_data as Q
from .base import Draft, Item, answer_program, text_block

IO_NAMES = frozenset({"print", "readline", "for_each", "env", "env_or", "args", "file_read", "fd_open", "fd_open_write",
                      "fd_popen", "fd_readline", "fd_write", "fd_close", "tcp_accept", "tcp_listen", "error"})
SPLIT_RATIOS = (0.8, 0.1, 0.1)
MAX_EXPRESSIONS_PER_PROGRAM = 2
VALUE_PHRASINGS = 3  # questions per library example expression


def fact_split(key: str) -> str:
    """A deterministic split for a fact that is not a corpus program (by a hash of its key)."""
    h = int(hashlib.sha1(f"synoema-dialogue-split:{key}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if h < SPLIT_RATIOS[2] else "validation" if h < SPLIT_RATIOS[2] + SPLIT_RATIOS[1] else "train"


@dataclass(frozen=True)
class Fact:
    kind: str  # passage | library | foreign | code | value | expr_type
    name: str  # passage id, function name, foreign name, error code, or the expression
    question: str
    extra: Any = None


@cache
def _passages() -> dict[str, Any]:
    from assistant.knowledge import load_passages

    return {p.id: p for p in load_passages()}


@cache
def _eval_questions() -> list[set[str]]:
    """Word trigrams of the retrieval evaluation's questions: dialogue questions must not copy them."""
    from assistant.knowledge import load_qa_eval
    from corpus.normalize import text_shingles

    return [text_shingles(item.question) for item in load_qa_eval()]


def too_close_to_evaluation(question: str) -> bool:
    from corpus.normalize import text_shingles

    mine = text_shingles(question)
    return any(theirs and len(theirs & mine) / len(theirs) >= 0.8 for theirs in _eval_questions())


def _doc(name: str) -> str:
    return Q.LIBRARY_DOCS.get(name, "").rstrip(".")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = _cap(text.strip())
    return text if text.endswith((".", "?", "!")) else text + "."


# ── expressions from corpus programs ─────────────────────────────────────────────────────────


def _shape_key(expr: str) -> str:
    return re.sub(r'"[^"]*"|\b\d+(\.\d+)?\b', "#", expr)


def closed_expressions(source: str) -> list[str]:
    """Sub-expressions of a program that use only the library and literals (no names of its own)."""
    from synoema.library import library_names
    from synoema.lint.astinfo import iter_funcs
    from synoema.parser import parse

    program = parse(source).program
    if program is None:
        return []
    lib = library_names()
    found: list[str] = []
    for fd in iter_funcs(program.decls):
        for eq in fd.equations:
            for n in A.walk(eq.body):
                if not isinstance(n, A.App | A.BinOp):
                    continue
                text = source[n.span.offset:n.span.end_offset]
                if "\n" in text or not 8 <= len(text) <= 70:
                    continue
                names = [m.name for m in A.walk(n) if isinstance(m, A.Var)]
                cons = [m.name for m in A.walk(n) if isinstance(m, A.Con)]
                if not names or any(x not in lib or x in IO_NAMES for x in names):
                    continue
                if any(c not in ("Ok", "Err", "MkPair") for c in cons):
                    continue
                if any(isinstance(m, A.Lambda | A.Block | A.Interp) for m in A.walk(n)) and len(text) > 50:
                    continue
                found.append(text)
    return found


def _evaluate(expr: str) -> tuple[str, str] | None:
    """(value, type) of a closed expression, or None."""
    import synoema

    report = synoema.check(expr, isolate=False, limits=LIMITS)
    if not report.ok or report.shape != "expression" or report.value is None or not report.value_type:
        return None
    return report.value, report.value_type


def _type_of(expr: str) -> str | None:
    import synoema

    report = synoema.check(expr, isolate=False, run=False, limits=LIMITS)
    if not report.ok or report.shape != "expression" or not report.value_type:
        return None
    return report.value_type


class AskBuilder:
    kind = "ask"

    def __init__(self, followup_rate: float = 0.2) -> None:
        self.followup_rate = followup_rate

    # --- candidates ---------------------------------------------------------------------------

    def items(self, programs: Sequence[Any], rng: random.Random) -> Iterator[Item]:
        from synoema.library import library_names

        from ..claims import library_types

        pools: dict[str, list[Item]] = {k: [] for k in ("passage", "library", "foreign", "code", "value", "corpus")}
        for pid, questions in Q.PASSAGE_QUESTIONS.items():
            if pid in _passages():
                for n, q in enumerate(questions):
                    pools["passage"].append(Item(f"passage:{pid}:{n}", fact=Fact("passage", pid, q), split=fact_split(f"passage:{pid}")))
        types = library_types()
        # every phrasing of a fact is its own row; all of them share the fact's split
        for name in sorted(types):
            if (name in IO_NAMES and not Q.LIBRARY_EXAMPLES.get(name)) or not _doc(name):
                continue
            for n, q in enumerate(Q.TYPE_QUESTIONS):
                pools["library"].append(Item(f"library:{name}:{n}", fact=Fact("library", name, q.format(name=name)),
                                             split=fact_split(f"library:{name}")))
        lib = library_names()
        for name, instead in sorted(Q.FOREIGN_FUNCTIONS.items()):
            if name not in lib and instead in lib:
                for n, q in enumerate(Q.FOREIGN_QUESTIONS):
                    pools["foreign"].append(Item(f"foreign:{name}:{n}", fact=Fact("foreign", name, q.format(name=name), instead),
                                                 split=fact_split(f"library:{instead}")))
        for err, examples in sorted(Q.CODE_EXAMPLES.items()):
            for n, example in enumerate(examples):
                for m, q in enumerate(Q.CODE_QUESTIONS):
                    pools["code"].append(Item(f"code:{err}:{n}:{m}", fact=Fact("code", err, q.format(code=err), example),
                                              split=fact_split(f"code:{err}")))
        for name, exprs in sorted(Q.LIBRARY_EXAMPLES.items()):
            for expr in exprs:
                for m in range(VALUE_PHRASINGS):
                    pools["value"].append(Item(f"value:lib:{expr}:{m}", fact=Fact("value", expr, "", m),
                                               split=fact_split(f"library:{name}")))
        seen: set[str] = set()
        shuffled = list(programs)
        rng.shuffle(shuffled)
        for p in shuffled:
            taken = 0
            for expr in closed_expressions(p.source):
                key = _shape_key(expr)
                if key in seen or taken >= MAX_EXPRESSIONS_PER_PROGRAM:
                    continue
                seen.add(key)
                taken += 1
                pools["corpus"].append(Item(f"value:{p.id}:{hashlib.sha1(expr.encode()).hexdigest()[:8]}",
                                           program=p, fact=Fact("value", expr, ""), split=p.split))
        for pool in pools.values():
            rng.shuffle(pool)
        order = list(pools)
        while any(pools.values()):
            rng.shuffle(order)
            for k in order:
                if pools[k]:
                    yield pools[k].pop()

    # --- answers ------------------------------------------------------------------------------

    def build(self, item: Item, w: Wording) -> Draft | None:
        fact: Fact = item.fact
        make = {"passage": self._passage, "library": self._library, "foreign": self._foreign, "code": self._code,
                "value": self._value}[fact.kind]
        got = make(fact, w)
        if got is None:
            return None
        question, answer, topics = got
        if too_close_to_evaluation(question):
            return None
        meta: dict[str, Any] = {"topics": topics, "fact": f"{fact.kind}:{fact.name}", "builder": f"ask.{fact.kind}"}
        if fact.kind == "passage" and _passages()[fact.name].stdin:
            meta["stdin"] = _passages()[fact.name].stdin
        return Draft([("user", question), ("assistant", answer)], meta)

    @staticmethod
    def _phrasing(w: Wording, key: str, options: Sequence[str], fact: Fact) -> str:
        """A question for the fact; the phrasings of one fact (`fact.extra` = 0, 1, ...) all differ."""
        if not isinstance(fact.extra, int):
            return w.choose(key, options)
        start = int(hashlib.sha1(fact.name.encode()).hexdigest()[:6], 16)
        n = (start + fact.extra) % len(options)
        w.used.append(f"{key}#{n}")
        return options[n]

    def _example(self, w: Wording, expr: str) -> str | None:
        program = f"main = {expr}\n"
        ok, stdout, _ = run(program)
        if not ok:
            return None
        return w.say("ask.example") + "\n\n" + answer_program(program, stdout)

    def _passage(self, fact: Fact, w: Wording) -> tuple[str, str, list[str]] | None:
        p = _passages()[fact.name]
        parts = [w.say("ask.passage_lead", text=p.text)]
        if p.code:
            ok, stdout, _ = run(p.code, p.stdin or "")
            if not ok:
                return None
            parts.append(w.say("ask.example") + "\n\n" + answer_program(p.code, stdout))
        return fact.question, "\n\n".join(parts), [p.id]

    def _library(self, fact: Fact, w: Wording) -> tuple[str, str, list[str]] | None:
        from ..claims import library_types

        name = fact.name
        typ = library_types()[name]
        doc = _doc(name)
        if not doc:
            return None
        parts = [w.say("ask.type_answer", name=name, type=typ, doc=_sentence(f"It {doc}"), doc_lc=f"it {doc}.")]
        examples = list(Q.LIBRARY_EXAMPLES.get(name, ()))
        w.rng.shuffle(examples)
        for expr in examples[:1]:
            got = self._example(w, expr)
            if got is None:
                return None
            parts.append(got)
        return fact.question, "\n\n".join(parts), []

    def _foreign(self, fact: Fact, w: Wording) -> tuple[str, str, list[str]] | None:
        instead: str = fact.extra
        doc = _doc(instead)
        if not doc:
            return None
        parts = [w.say("ask.no_such", name=fact.name, instead=instead, doc=_sentence(f"It {doc}"), doc_lc=f"it {doc}.")]
        examples = Q.LIBRARY_EXAMPLES.get(instead, ())
        if examples:
            got = self._example(w, w.rng.choice(examples))
            if got is None:
                return None
            parts.append(got)
        return fact.question, "\n\n".join(parts), []

    def _code(self, fact: Fact, w: Wording) -> tuple[str, str, list[str]] | None:
        bad, fixed = fact.extra
        ok, _, report = run(bad + "\n")
        first = report.first_error  # type: ignore[attr-defined]
        if ok or first is None or first.code != fact.name:
            return None  # the example must fail with exactly this code
        ok, stdout, _ = run(fixed)
        if not ok:
            return None
        meaning = Q.CODE_MEANINGS.get(fact.name, first.message)
        hint = first.llm_hint or ""
        lead = w.say("ask.code_meaning", code=fact.name, meaning=meaning, meaning_lc=meaning[0].lower() + meaning[1:],
                     hint=hint, hint_lc=hint[:1].lower() + hint[1:])
        shown = code(bad) if "\n" not in bad else "this"
        example = w.say("ask.code_example", bad=bad if "\n" not in bad else "", code=fact.name)
        if "\n" in bad:
            example = text_block(bad) + "\n\n" + w.say("ask.code_example_block", code=fact.name)
        elif "``" in shown:
            return None
        return fact.question, "\n\n".join([lead, example + "\n\n" + answer_program(fixed, stdout)]), ["error-codes"]

    def _value(self, fact: Fact, w: Wording) -> tuple[str, str, list[str]] | None:
        expr = fact.name
        got = _evaluate(expr)
        if got is None:
            typ = _type_of(expr)
            if typ is None or "->" not in typ:
                return None
            question = self._phrasing(w, "ask.expr_type_q", Q.EXPR_TYPE_QUESTIONS, fact).format(expr=expr)
            return question, w.say("ask.expr_type_answer", type=typ), []
        value, typ = got
        if "MkMap" in value:
            return None  # a Map's display is its internal form: not worth a question
        question = self._phrasing(w, "ask.value_q", Q.VALUE_QUESTIONS, fact).format(expr=expr)
        parts = [w.say("ask.value_answer", value=value, type=typ)]
        if w.chance(0.6) or re.fullmatch(r"[a-z_][A-Za-z0-9_' ]*", value):
            example = self._example(w, expr)
            if example is not None:
                parts.append(example)
        return question, "\n\n".join(parts), []
