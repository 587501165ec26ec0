"""debug-fix: a correct corpus program broken the way people break it, the real diagnostic, the
offending lines quoted, the fixed program with its output, and the rule to remember.

Two kinds of broken program:

- compile errors: one or two habits from Python, Haskell and JavaScript injected by the repair
  engine's injectors (`synoema.repair.mistakes`); the code, line and message are the checker's, and
  with two mistakes each one's diagnostic is checked on its own;
- wrong output: a logic slip (`dialogue.builders.bugs`) that still runs; the user says what they
  expected (the corpus's output) and what they got (the checker's run).

The fix is always the corpus program itself, so it changes only what the mistake broke.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from synoema.diagnostics import render_human
from synoema.edits import TextEdit, apply_edits

from ..facts import run
from ..wording import Wording, code
from . import bugs as B
from .base import (
    LANGS,
    Draft,
    Item,
    answer_program,
    changed_lines,
    lines_of,
    program_items,
    quoted,
    show_code,
    text_block,
)
from .mistakes import BUGS, HABITS, Habit

OUTPUT_SHARE = 0.35  # of fix dialogues that are wrong-output bugs
TWO_MISTAKES = 0.3
MAX_TRIES = 6


@dataclass(frozen=True)
class _Mistake:
    habit: str  # key of HABITS
    edits: tuple[TextEdit, ...]
    fields: dict[str, str]


@dataclass(frozen=True)
class _Failure:
    code: str
    line: int
    message: str
    hint: str | None
    diagnostic: Any


def _first_failure(source: str, stdin: str) -> _Failure | None:
    ok, _, report = run(source, stdin)
    if ok:
        return None
    first = report.first_error  # type: ignore[attr-defined]
    if first is None or first.code in ("internal_error", "limit_exceeded") or first.span is None or first.span.line < 1:
        return None
    message = first.message.rstrip(".")
    return _Failure(first.code, first.span.line, message, first.llm_hint, first)


# The repair injectors behind each habit this builder has words for (keys of HABITS). Named here
# rather than taken from `mistakes.INJECTORS`, whose classes group several habits under one name.
_HABIT_INJECTORS: dict[str, str] = {  # habit -> the injector's name in synoema.repair.mistakes
    habit: habit for habit in (
        "list_commas", "if_then_else", "def_return", "let_in", "where", "case_of", "lambda_backslash",
        "comments", "string_plus", "indexing", "foreign_names", "cons_pattern", "call_syntax", "missing_main",
    )
} | {"foldr": "foldr_habit"}


def _inject(source: str, kind: str, rng: random.Random) -> _Mistake | None:
    from synoema.repair import mistakes as M

    prog = M.load(source)
    if prog is None:
        return None
    edits = getattr(M, _HABIT_INJECTORS[kind])(prog, rng)
    if not edits:
        return None
    habit, fields = kind, {}
    if habit == "foreign_names":
        e = edits[0]
        old = source[e.start:e.end]
        habit = "foreign_names" if e.new in M.FOREIGN.get(old, []) else "typo"
        fields = {"bad": e.new, "good": old}
    return _Mistake(habit, tuple(edits), fields)


def _single_line(source: str, edits: Sequence[TextEdit]) -> bool:
    return all("\n" not in e.new and "\n" not in source[e.start:e.end] for e in edits)


def _say(options: tuple[str, ...], w: Wording, key: str, fields: dict[str, str]) -> str:
    n = w.rng.randrange(len(options))
    w.used.append(f"{key}#{n}")
    return options[n].format(**fields) if fields else options[n]


class FixBuilder:
    kind = "fix"

    def __init__(self, output_share: float = OUTPUT_SHARE, followup_rate: float = 0.3) -> None:
        self.output_share = output_share
        self.followup_rate = followup_rate

    def items(self, programs: Sequence[Any], rng: random.Random) -> Iterator[Item]:
        return program_items(programs, rng)

    def build(self, item: Item, w: Wording) -> Draft | None:
        record = item.program
        order = [self._output_bug, self._compile_error]
        if not w.chance(self.output_share):
            order.reverse()
        for make in order:
            draft = make(record, w)
            if draft is not None:
                return draft
        return None

    # --- compile errors -----------------------------------------------------------------------

    def _compile_error(self, record: Any, w: Wording) -> Draft | None:
        source, stdin = record.source, record.stdin
        kinds = list(_HABIT_INJECTORS)
        w.rng.shuffle(kinds)
        for _ in range(MAX_TRIES):
            if not kinds:
                return None
            first = _inject(source, kinds.pop(), w.rng)
            if first is None:
                continue
            broken = apply_edits(source, first.edits)
            if broken is None or broken == source:
                continue
            fail = _first_failure(broken, stdin)
            if fail is None:
                continue
            mistakes = [(first, fail)]
            if w.chance(TWO_MISTAKES) and _single_line(source, first.edits):
                second = self._second(source, stdin, first, fail, kinds, w)
                if second is not None:
                    mistakes, broken = second
            return self._compile_draft(record, broken, mistakes, w)
        return None

    def _second(self, source: str, stdin: str, first: _Mistake, fail: _Failure, kinds: list[str],
                w: Wording) -> tuple[list[tuple[_Mistake, _Failure]], str] | None:
        """Two mistakes whose diagnostics are checked apart: the first error of the program with both
        is the earlier one's; the later one is reported with its own diagnostic."""
        for kind in list(kinds)[:4]:
            other = _inject(source, kind, w.rng)
            if other is None or not _single_line(source, other.edits):
                continue
            if any(a.overlaps(b) or a.start == b.start for a in first.edits for b in other.edits):
                continue
            alone = apply_edits(source, other.edits)
            both = apply_edits(source, [*first.edits, *other.edits])
            if alone is None or both is None:
                continue
            fail2 = _first_failure(alone, stdin)
            both_fail = _first_failure(both, stdin)
            if fail2 is None or both_fail is None or fail2.line == fail.line:
                continue
            pairs = sorted([(first, fail), (other, fail2)], key=lambda p: p[1].line)
            if (both_fail.code, both_fail.line) != (pairs[0][1].code, pairs[0][1].line):
                continue
            kinds.remove(kind)
            return [(pairs[0][0], both_fail), pairs[1]], both
        return None

    def _compile_draft(self, record: Any, broken: str, mistakes: list[tuple[_Mistake, _Failure]],
                       w: Wording) -> Draft:
        (m1, f1) = mistakes[0]
        h1 = HABITS[m1.habit]
        lang = w.rng.choice(h1.langs)
        extra = ""
        paste = w.choose("fix.paste", ("none", "line", "block"))
        if paste == "line":
            extra = w.say("user.pasted", code=f1.code, line=f1.line, message=f1.message)
        elif paste == "block":
            extra = w.say("user.pasted_block") + "\n\n" + text_block(render_human(f1.diagnostic, broken, "main.sno"))
        user = show_code(w, "fix", broken, fields={"lang": lang}, extra=extra)
        cause1 = _say(h1.causes, w, f"habit.{m1.habit}.cause", m1.fields)
        problem = w.say("fix.problem", code=f1.code, line=f1.line, message=f1.message, cause=cause1)
        fixes = [_say(h1.fixes, w, f"habit.{m1.habit}.fix", m1.fields)]
        if len(mistakes) > 1:
            m2, f2 = mistakes[1]
            h2 = HABITS[m2.habit]
            cause2 = _say(h2.causes, w, f"habit.{m2.habit}.cause", m2.fields)
            problem += " " + w.say("fix.second", line=f2.line, cause=f"`{f2.code}`. {cause2}", lang=w.rng.choice(h2.langs))
            fixes.append(_say(h2.fixes, w, f"habit.{m2.habit}.fix", m2.fields))
        lines = changed_lines(record.source, broken)
        excerpt = lines_of(broken, lines) or lines_of(broken, [f1.line])
        quote = w.say("fix.quote", lines="line" if excerpt.count("\n") == 0 else "lines") + "\n\n" + quoted(excerpt)
        if len(fixes) == 1:
            fix = w.say("fix.fix", fix=fixes[0])
        else:
            fix = w.say("fix.fix2", fix=fixes[0], fix2=fixes[1])
        fix += "\n\n" + answer_program(record.source, record.expected_output)
        rule = _say(h1.rules, w, f"habit.{m1.habit}.rule", m1.fields)
        answer = "\n\n".join([problem, quote, fix, w.say("fix.rule", rule=rule)])
        turns = [("user", user), ("assistant", answer)]
        meta: dict[str, Any] = {
            "user_code": {"status": "fails", "error_code": f1.code, "line": f1.line, "message": f1.diagnostic.message},
            "mistakes": [m.habit for m, _ in mistakes],
            "builder": "fix.compile",
        }
        if f1.hint and w.chance(self.followup_rate):
            turns += [("user", w.say("follow.why_fix.ask")),
                      ("assistant", w.say("follow.why_fix.answer", rule=_sentence(rule), rule_lc=_lower(_sentence(rule)),
                                          hint=f1.hint, code=f1.code))]
            meta["followup"] = "why"
        return Draft(turns, meta)

    # --- wrong output -------------------------------------------------------------------------

    def _output_bug(self, record: Any, w: Wording) -> Draft | None:
        source, stdin, expected = record.source, record.stdin, record.expected_output
        for bug in B.candidates(source, w.rng)[:MAX_TRIES]:
            mutated = apply_edits(source, [bug.edit])
            if mutated is None:
                continue
            ok, got, _ = run(mutated, stdin)
            if ok and got != expected and got.strip():
                return self._output_draft(record, mutated, got, bug, w)
        return None

    def _output_draft(self, record: Any, mutated: str, got: str, bug: B.Bug, w: Wording) -> Draft:
        expected = record.expected_output
        habit: Habit = BUGS[bug.name]
        fields = {"old": bug.old, "new": bug.new}
        got_lines, exp_lines = got.rstrip("\n").split("\n"), expected.rstrip("\n").split("\n")
        short = len(got_lines) == len(exp_lines) == 1 and len(got) + len(expected) < 90
        if short:
            question = w.say("user.wrong_output_short", got=got_lines[0], expected=exp_lines[0])
        else:
            question = w.say("user.wrong_output", got=got.rstrip("\n"), expected=expected.rstrip("\n"))
        user = show_code(w, "fix", mutated, question=question)
        diff = next((i for i, (a, b) in enumerate(zip(got_lines, exp_lines)) if a != b), min(len(got_lines), len(exp_lines)))
        got_desc = code(got_lines[diff]) if diff < len(got_lines) else "fewer lines"
        exp_desc = code(exp_lines[diff]) if diff < len(exp_lines) else "fewer lines"
        if not short and diff < len(got_lines) and diff < len(exp_lines) and len(got_lines) > 1:
            got_desc = f"{got_desc} on output line {diff + 1}"
        cause = _say(habit.causes, w, f"bug.{bug.name}.cause", fields)
        problem = w.say("fix.output_problem", cause=cause, line=bug.line, got=got_desc, expected=exp_desc)
        quote = w.say("fix.quote", lines="line") + "\n\n" + quoted(lines_of(mutated, [bug.line]))
        fix = w.say("fix.output_fix", fix=_say(habit.fixes, w, f"bug.{bug.name}.fix", fields))
        fix += "\n\n" + answer_program(record.source, expected)
        rule = _say(habit.rules, w, f"bug.{bug.name}.rule", fields)
        answer = "\n\n".join([problem, quote, fix, w.say("fix.rule", rule=rule)])
        meta = {"user_code": {"status": "runs", "output": got}, "expected": expected, "bug": bug.name,
                "builder": "fix.output"}
        return Draft([("user", user), ("assistant", answer)], meta)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[0].upper() + text[1:] if text and text[0].isalpha() else text
    return text if text.endswith((".", "!", "?")) else text + "."


def _lower(text: str) -> str:
    return text[0].lower() + text[1:] if text and text[0].isupper() else text


__all__ = ["LANGS", "FixBuilder"]
