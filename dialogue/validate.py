"""Every row checked against the compiler before anyone trains on it.

A row passes when:

- its shape is the dialogue format (`dialogue.format`), the system message the app's prompt;
- every block of an assistant turn is read by the app's scanner (`synoema.snippets`) as what its
  info string says: a ```sno block is a proposed program, a ```sno quoted block the user's code;
- every ```sno block is a complete program (`main` last) that parses, type-checks and runs in the
  sandbox (`synoema.check_many`), followed directly by an ```output block showing exactly what it
  prints (`synoema.fences.output_matches`);
- every ```sno quoted block is copied from the user's messages, line for line;
- the user's code behaves as `meta.user_code` says (status, error code, line, output), and a pasted
  `error[code]` is the error the code really gives;
- in a fix row whose code fails, the first answer names that error code first; fix rows and review
  rows with changes quote the user's code and propose a program; a review rewrite marked
  `meta.rewrite = "same_output"` prints what the user's code prints;
- every checkable claim of the prose holds (`dialogue.claims`).

A bad row is reported with every reason found, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from synoema.fences import CODE_INFO, OUTPUT_INFO, QUOTED_INFO, output_matches
from synoema.snippets import Segment, output_after, segments

from . import claims as C
from .format import Row, code_behaviour

CODE_KINDS = frozenset({"explain", "fix", "review"})  # the user shows code
_PASTED_ERROR = re.compile(r"\b(?:error|warning)\[([a-z_]+)\]")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowReport:
    """What validation found for one row."""

    id: str
    kind: str
    source: str
    problems: tuple[str, ...] = ()
    programs: int = 0  # ```sno blocks compiled and run
    claims: int = 0  # checkable claims checked

    @property
    def ok(self) -> bool:
        return not self.problems

    def reason(self) -> str:
        return "; ".join(self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "source": self.source, "ok": self.ok,
                "problems": list(self.problems), "programs": self.programs, "claims": self.claims}


@dataclass
class _Plan:
    row: Row
    stdin: str
    user_code: str | None
    user_fenced: bool
    turns: list[list[Segment]] = field(default_factory=list)  # segments per assistant turn
    programs: list[tuple[int, Segment]] = field(default_factory=list)  # (assistant turn, block)


def user_code(row: Row) -> tuple[str | None, bool]:
    """The user's code as the app finds it (first user turn that has code), and whether it was fenced."""
    from assistant.offline.extract import extract

    for text in row.users:
        found = extract(text)
        if found.code is not None:
            return found.code, found.fenced
    return None, False


def prose_of(text: str, found: list[Segment]) -> str:
    """The text without its blocks (the prose the claims are read from)."""
    out, pos = [], 0
    for s in found:
        if s.kind != "prose":
            out.append(text[pos:s.start])
            pos = s.end
    out.append(text[pos:])
    return "\n".join(out)


def _is_main_last(source: str) -> bool:
    from synoema.parser import parse

    program = parse(source).program
    if program is None or not program.decls:
        return False
    last = program.decls[-1]
    return getattr(last, "name", None) == "main"


class Validator:
    """Checks rows in batches: every program of every row goes through one `check_many` call."""

    def __init__(self, *, jobs: int | None = None, isolate: bool = True) -> None:
        self.jobs = jobs
        self.isolate = isolate

    def validate(self, rows: Sequence[Row], progress: Progress | None = None) -> list[RowReport]:
        import synoema

        plans = [self._plan(r) for r in rows]
        wanted: dict[tuple[str, str], int] = {}
        for p in plans:
            if p.user_code is not None:
                wanted.setdefault((p.user_code, p.stdin), len(wanted))
            for _, block in p.programs:
                wanted.setdefault((block.code, p.stdin), len(wanted))
        keys = list(wanted)

        def tick(done: int, total: int, _report: Any) -> None:
            if progress is not None:
                progress(done, total)

        reports = synoema.check_many(
            [{"source": src, "stdin": stdin, "isolate": self.isolate} for src, stdin in keys],
            jobs=self.jobs, progress=tick,
        )
        results = dict(zip(keys, reports))
        return [self._judge(p, results) for p in plans]

    def validate_one(self, row: Row) -> RowReport:
        return self.validate([row])[0]

    # --- planning ---------------------------------------------------------------------------

    def _plan(self, row: Row) -> _Plan:
        stdin = row.meta.get("stdin") or ""
        code, fenced = user_code(row)
        plan = _Plan(row, stdin if isinstance(stdin, str) else "", code, fenced)
        for k, text in enumerate(row.assistants):
            found = segments(text)
            plan.turns.append(found)
            plan.programs += [(k, s) for s in found if s.kind == "code" and s.closed]
        return plan

    # --- judging ----------------------------------------------------------------------------

    def _judge(self, plan: _Plan, results: dict[tuple[str, str], Any]) -> RowReport:
        row = plan.row
        problems: list[str] = []
        user_report = results.get((plan.user_code, plan.stdin)) if plan.user_code is not None else None
        sigs: dict[str, list[str]] = {}
        for report in [user_report, *(results[(b.code, plan.stdin)] for _, b in plan.programs)]:
            for name, typ in getattr(report, "signatures", None) or ():
                sigs.setdefault(name, []).append(typ)
        user_lines = {ln.strip() for text in row.users for ln in text.split("\n") if ln.strip()}
        sources = [text for text in row.users] + [b.code for _, b in plan.programs]
        names = C.code_names(sources + [s.code for found in plan.turns for s in found if s.kind == "quoted"])

        outputs = {ln.strip() for r in [user_report, *(results[(b.code, plan.stdin)] for _, b in plan.programs)]
                   if r is not None for ln in r.stdout.split("\n") if ln.strip()}
        said = {c.text for text in row.users for c in C.inline_code(text)} | user_lines
        problems += self._user_side(plan, user_report)
        n_claims = 0
        for k, found in enumerate(plan.turns):
            where = f"assistant turn {k + 1}" if len(plan.turns) > 1 else "the answer"
            problems += self._blocks(where, found, plan, results, user_lines, user_report)
            prose = prose_of(row.assistants[k], found)
            got, n = self._claims(where, prose, sigs, names, outputs, said)
            problems += got
            n_claims += n
        problems += self._kind_rules(plan, user_report, results)
        return RowReport(row.id, row.kind, row.source, tuple(problems), len(plan.programs), n_claims)

    def _user_side(self, plan: _Plan, report: Any) -> list[str]:
        row = plan.row
        out: list[str] = []
        meta = row.meta.get("user_code")
        if row.kind in CODE_KINDS and plan.user_code is None:
            out.append("the user shows no code, but an explain, fix or review dialogue is about the user's code")
        if plan.user_code is None:
            if isinstance(meta, dict):
                out.append("`meta.user_code` describes code the user's messages do not contain")
            return out
        actual = code_behaviour(report)
        if isinstance(meta, dict):
            if meta.get("status") != actual["status"]:
                out.append(f"`meta.user_code` says the user's code {meta.get('status')}, but it {actual['status']}"
                           + (f" ({report.summary()})" if actual["status"] == "fails" else ""))
            elif actual["status"] == "runs" and "output" in meta and not output_matches(str(meta["output"]), actual["output"]):
                out.append(f"`meta.user_code.output` is {meta['output']!r}, but the user's code prints {actual['output']!r}")
            elif actual["status"] == "fails":
                if meta.get("error_code") not in (None, actual.get("error_code")):
                    out.append(f"`meta.user_code` says `{meta.get('error_code')}`, but the checker reports "
                               f"`{actual.get('error_code')}`")
                if "line" in meta and actual.get("line") and meta["line"] != actual["line"]:
                    out.append(f"`meta.user_code` says line {meta['line']}, but the error is on line {actual['line']}")
        elif meta is not None:
            out.append("`meta.user_code` must be an object")
        for text in row.users:
            for code in _PASTED_ERROR.findall(text):
                if actual["status"] != "fails":
                    out.append(f"the user pastes `error[{code}]`, but the code runs")
                elif code != actual.get("error_code"):
                    out.append(f"the user pastes `error[{code}]`, but the code fails with `{actual.get('error_code')}`")
        return out

    def _blocks(self, where: str, found: list[Segment], plan: _Plan, results: dict[tuple[str, str], Any],
                user_lines: set[str], user_report: Any) -> list[str]:
        out: list[str] = []
        for s in found:
            name = f"{where}, block {s.index + 1}" if s.index >= 0 else f"{where}, an output block"
            if not s.closed:
                out.append(f"{name}: the fence is never closed")
                continue
            info = s.info.strip()
            if s.kind == "code":
                if not s.fenced:
                    out.append(f"{name}: Synoema code must be in a ```{CODE_INFO} block, not indented")
                elif info != CODE_INFO:
                    out.append(f"{name}: a proposed program goes in a ```{CODE_INFO} block, not ```{info}")
                report = results[(s.code, plan.stdin)]
                if report.shape != "program":
                    out.append(f"{name}: a ```{CODE_INFO} block holds a complete program with `main`; this is "
                               f"{'an expression' if report.shape == 'expression' else 'definitions without main'}")
                elif not report.ok:
                    out.append(f"{name} does not run: {report.summary()}")
                elif not _is_main_last(s.code):
                    out.append(f"{name}: `main` must be the last definition")
                shown = output_after(found, s)
                if shown is None:
                    out.append(f"{name}: no ```{OUTPUT_INFO} block right after the program")
                elif report.ok and not output_matches(shown.text, report.stdout):
                    out.append(f"{name}: the ```{OUTPUT_INFO} block shows {shown.text.rstrip(chr(10))!r}, but the "
                               f"program prints {report.stdout.rstrip(chr(10))!r}")
            elif s.kind == "quoted":
                if info != QUOTED_INFO:
                    out.append(f"{name}: the app reads this block as the user's code quoted back (from the prose "
                               f"before it); write it as ```{QUOTED_INFO}, or reword the sentence before a proposed program")
                foreign = [ln for ln in s.code.split("\n") if ln.strip() and ln.strip() not in user_lines]
                if foreign:
                    out.append(f"{name}: quoted lines that are not in the user's messages: {foreign[:3]}")
            elif s.kind == "output":
                before = [b for b in found if b.kind == "code" and output_after(found, b) is s]
                if before:
                    continue
                # what the user's own code prints (an explain answer shows it without repeating the code)
                actual = code_behaviour(user_report) if plan.user_code is not None else None
                if actual is None or actual["status"] != "runs":
                    out.append(f"{name}: an ```{OUTPUT_INFO} block follows a ```{CODE_INFO} program directly, "
                               "or shows what the user's code prints")
                elif not output_matches(s.text, actual["output"]):
                    out.append(f"{name}: the ```{OUTPUT_INFO} block shows {s.text.rstrip(chr(10))!r}, but the user's "
                               f"code prints {actual['output'].rstrip(chr(10))!r}")
        return out

    def _claims(self, where: str, prose: str, sigs: dict[str, list[str]], names: set[str], outputs: set[str],
                said: set[str]) -> tuple[list[str], int]:
        out: list[str] = []
        n = 0
        library = C.library_types()
        known = C.known_words()
        spans = C.inline_code(prose)
        # arguments written after a known function in a span (`str_find s needle start`) are its parameters
        # names a span introduces as arguments or operands (`str_find s needle start`, `x : xs`): placeholders
        params = {a for c in spans if not re.fullmatch(r"[A-Za-z_][\w.']*", c.text)
                  for a in re.findall(r"\b[a-z_][A-Za-z0-9_']*\b", c.text) if a != C.function_name(c)}
        for code in spans:
            claim = C.signature_claim(code)
            if claim is not None:
                name, typ = claim
                stated = C.TypeText.parse(typ)
                if name in sigs:
                    n += 1
                    inferred = [C.TypeText.parse(t) for t in sigs[name]]
                    if stated is None or not any(i is not None and stated.agrees(i) for i in inferred):
                        out.append(f"{where}: states `{name} : {typ}`, but the checker infers `{sigs[name][-1]}`")
                elif name in library:
                    n += 1
                    lib = C.TypeText.parse(library[name])
                    if stated is None or lib is None or not stated.agrees(lib):
                        out.append(f"{where}: states `{name} : {typ}`, but the library's `{name}` is `{library[name]}`")
                continue  # a signature of a name nothing defines is a placeholder (`name : Type`)
            fn = C.function_name(code)
            if fn is None or code.denied or code.naming or len(fn) == 1:
                continue  # a one-letter name is a placeholder (`f x`), not a claim
            if code.text in outputs or code.text in said:
                continue  # a line of output, or the user's own words: not a name
            n += 1
            if fn in known or fn in names or fn in sigs or fn in params:
                continue
            if "." in fn and fn.split(".")[-1] in names:
                continue
            out.append(f"{where}: names `{fn}`, which is neither in the standard library nor in the dialogue's code")
        return out, n

    def _kind_rules(self, plan: _Plan, user_report: Any, results: dict[tuple[str, str], Any]) -> list[str]:
        row = plan.row
        out: list[str] = []
        first = plan.turns[0] if plan.turns else []
        quotes = [s for s in first if s.kind == "quoted"]
        proposals = [s for s in first if s.kind == "code"]
        actual = code_behaviour(user_report) if plan.user_code is not None else None
        if row.kind == "fix":
            if not quotes:
                out.append("a fix answer quotes the offending lines in a ```sno quoted block")
            if not proposals:
                out.append("a fix answer gives the corrected program in a ```sno block")
            if actual is not None and actual["status"] == "fails":
                named = C.named_codes(prose_of(row.assistants[0], first))
                if not named:
                    out.append(f"the answer does not name the error code `{actual.get('error_code')}`")
                elif named[0] != actual.get("error_code"):
                    out.append(f"the answer names `{named[0]}`, but the user's code fails with `{actual.get('error_code')}`")
        elif row.kind == "review" and row.meta.get("verdict") != "good":
            if not quotes and "`" not in prose_of(row.assistants[0], first):
                out.append("a review quotes the lines of each finding")
            if not proposals:
                out.append("a review that recommends changes gives the revised program in a ```sno block")
        elif row.kind == "write" and not proposals:
            out.append("a write answer gives the program in a ```sno block")
        if row.meta.get("rewrite") == "same_output" and actual is not None and proposals:
            mine = results[(proposals[-1].code, plan.stdin)]
            if actual["status"] != "runs" or not mine.ok or mine.stdout != actual["output"]:
                out.append("the revised program must print exactly what the user's code prints")
        return out


def summarize(reports: Sequence[RowReport]) -> dict[str, Any]:
    """Counts per kind: rows, passed, programs run, claims checked; the most common reasons."""
    by_kind: dict[str, dict[str, int]] = {}
    reasons: dict[str, int] = {}
    for r in reports:
        k = by_kind.setdefault(r.kind, {"rows": 0, "passed": 0, "programs": 0, "claims": 0})
        k["rows"] += 1
        k["passed"] += int(r.ok)
        k["programs"] += r.programs
        k["claims"] += r.claims
        for p in r.problems:
            key = re.sub(r"block \d+|turn \d+|`[^`]*`|'[^']*'|\"[^\"]*\"|\[.*\]|line \d+", "…", p)[:90]
            reasons[key] = reasons.get(key, 0) + 1
    return {"kinds": by_kind, "reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])[:12])}
