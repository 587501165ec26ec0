"""The verdict on one code block, written once: built from `synoema.check.CheckReport`, frozen, and
described the same way by the app, the CLI, the REPL, `--json`, the history and the dialogue tools.

A verdict knows its block by `index`, the block's number in its message from `synoema.snippets`, so
nobody pairs verdicts with blocks by guessing. It is immutable: the engine makes a new one (with
`dataclasses.replace`) when a repair or the answer's ```output block adds something, and events
carry these snapshots across threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, cast

from assistant.safetext import strip_control
from synoema.fences import output_matches

if TYPE_CHECKING:
    from synoema.check import CheckReport
    from synoema.diagnostics import Diagnostic

Status = Literal["runs", "types", "parses", "fails", "skipped"]
STATUSES: tuple[Status, ...] = ("runs", "types", "parses", "fails", "skipped")
ICONS: dict[str, str] = {"runs": "✓", "types": "✓", "parses": "✓", "fails": "✗", "skipped": "·"}
MAX_OUTPUT_LINES = 6
MAX_SIGNATURES = 4


@dataclass(frozen=True)
class DiagnosticInfo:
    """A diagnostic flattened for display, storage and threads (no span objects, nothing mutable)."""

    code: str
    message: str
    line: int = 0
    col: int = 0
    end_line: int = 0
    end_col: int = 0
    severity: str = "error"
    hint: str | None = None
    did_you_mean: str | None = None
    limit: str | None = None  # for `limit_exceeded`: which limit (time, memory, output, depth)

    @classmethod
    def of(cls, diag: Diagnostic) -> DiagnosticInfo:
        span = diag.span
        limit = diag.data.get("limit") if diag.data else None
        return cls(
            code=diag.code,
            message=strip_control(diag.message),  # a program's `error` text reaches the screen: no escapes
            line=span.line if span else 0,
            col=span.col if span else 0,
            end_line=span.end_line if span else 0,
            end_col=span.end_col if span else 0,
            severity=diag.severity,
            hint=strip_control(diag.llm_hint) if diag.llm_hint else diag.llm_hint,
            did_you_mean=strip_control(diag.did_you_mean) if diag.did_you_mean else diag.did_you_mean,
            limit=str(limit) if limit else None,
        )

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def headline(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{self.code} {where}{self.message}"


@dataclass(frozen=True)
class Repair:
    """How the code shown came about when it is not what the model wrote."""

    original_code: str
    notes: tuple[str, ...] = ()  # one line per edit, for the user


@dataclass(frozen=True)
class VerdictLines:
    """A verdict as plain lines: a headline and indented details (signatures, output, hints)."""

    status: str
    headline: str
    details: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return [self.headline, *(f"  {line}" for line in self.details)]


@dataclass(frozen=True)
class Verdict:
    """The live check of one code block of a message."""

    index: int  # the block's number in its message (synoema.snippets), from 0
    code: str
    status: Status = "skipped"  # runs > types > parses; fails when any stage failed
    shape: str = "program"  # program | definitions | expression
    quoted: bool = False  # the user's code shown back: checked, never repaired
    signatures: tuple[tuple[str, str], ...] = ()
    stdout: str = ""  # exactly what `synoema run` prints (CheckReport.stdout)
    diagnostics: tuple[DiagnosticInfo, ...] = ()
    expected_output: str | None = None  # the ```output block right after the block, as shown
    claimed_output: str | None = None  # the answer's own output block, when the engine corrected it
    repair: Repair | None = None  # set when the code shown was repaired
    model_rounds: int = 0  # times the model was sent the diagnostics again
    run_skipped: str | None = None  # why a program that checks was not run (IO it may not do here)
    failed_stage: str | None = None  # "parse", "types" or "run": the first stage that failed
    extra: Mapping[str, Any] = field(default_factory=dict)  # fields of a newer version, kept on round trips

    # --- building -------------------------------------------------------------------------------

    @classmethod
    def from_report(cls, report: CheckReport, index: int, *, quoted: bool = False) -> Verdict:
        """The verdict of `synoema.check` on a block; a limit, a crash or any error makes it `fails`."""
        failed = report.limit_exceeded or report.crashed or any(s == "failed" for s in report.stages.values())
        errors = any(d.is_error for d in report.diagnostics)
        status: Status = "fails" if failed or errors else report.status
        skipped = next((d for d in report.diagnostics if d.code == "permission_denied" and not d.is_error), None)
        stdout = report.stdout
        if not stdout and report.shape == "expression" and report.value is not None:
            stdout = report.value + "\n"
        stdout = strip_control(stdout)  # what a program prints reaches the screen: no terminal escapes
        return cls(
            index=index,
            code=report.source,
            status=status,
            shape=report.shape,
            quoted=quoted,
            signatures=tuple((str(n), str(t)) for n, t in report.signatures),
            stdout=stdout,
            diagnostics=tuple(DiagnosticInfo.of(d) for d in report.diagnostics),
            run_skipped=skipped.message if skipped is not None else None,
            failed_stage=next((stage for stage in ("parse", "types", "run") if report.stages.get(stage) == "failed"),
                              "run" if report.limit_exceeded or report.crashed else None),
        )

    def with_output_block(self, text: str | None) -> Verdict:
        """This verdict beside the ```output block (its body) that follows the block, or none."""
        return replace(self, expected_output=text)

    # --- reading --------------------------------------------------------------------------------

    @property
    def errors(self) -> list[DiagnosticInfo]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def first_error(self) -> DiagnosticInfo | None:
        return next((d for d in self.diagnostics if d.is_error), None)

    @property
    def ok(self) -> bool:
        return self.status in ("runs", "types", "parses") and not self.errors

    @property
    def repaired(self) -> bool:
        return self.repair is not None

    @property
    def stopped_by(self) -> str | None:
        """The limit that stopped the run (time, memory, output, depth), if one did."""
        return next((d.limit for d in self.diagnostics if d.code == "limit_exceeded" and d.limit), None)

    @property
    def output_matched(self) -> bool | None:
        """Whether the ```output block after the block shows what the program prints (None: nothing to compare)."""
        if self.expected_output is None or self.status != "runs" or self.quoted:
            return None
        return output_matches(self.expected_output, self.stdout)

    @property
    def wants_output_block(self) -> bool:
        """A proposed program that ran: its answer shows an ```output block under it."""
        return self.status == "runs" and not self.quoted and self.shape == "program"

    def summary(self) -> str:
        """One line for the row under the block."""
        if self.status == "runs":
            out = self.stdout.rstrip("\n").split("\n") if self.stdout.strip("\n") else []
            if not out:
                return "✓ runs, prints nothing"
            if len(out) == 1:
                return f"✓ runs: {out[0]}"
            return f"✓ runs, prints {len(out)} lines"
        if self.status == "types":
            if self.run_skipped:
                return "✓ types; not run here: it needs IO permissions"
            if self.shape == "definitions":
                names = ", ".join(n for n, _ in self.signatures[:3])
                return f"✓ types ({names}{'…' if len(self.signatures) > 3 else ''}); no main, nothing run" if names \
                    else "✓ types; no main, nothing run"
            sigs = ", ".join(f"{n} : {t}" for n, t in self.signatures[:3])
            return f"✓ types{': ' + sigs if sigs else ''}"
        if self.status == "parses":
            return "✓ parses"
        if self.status == "skipped":
            return "· not checked"
        stopped = self.stopped_by
        error = self.first_error
        if stopped is not None and error is not None:
            return f"✗ stopped: {error.message}"
        return f"✗ {error.headline()}" if error is not None else "✗ fails"

    def describe(self) -> VerdictLines:
        """The headline and everything a user needs to act on it; the one wording of every UI."""
        details: list[str] = []
        if self.quoted:
            details.append("your code, quoted: checked, never run as the answer")
        if self.status in ("runs", "types") and self.signatures:
            details.extend(f"{name} : {sig}" for name, sig in self.signatures[:MAX_SIGNATURES])
            if len(self.signatures) > MAX_SIGNATURES:
                details.append(f"… {len(self.signatures) - MAX_SIGNATURES} more signatures")
        if self.status == "runs":
            out = self.stdout.rstrip("\n").split("\n") if self.stdout.strip("\n") else []
            if len(out) > 1:
                details.append("output:")
                details.extend(f"  {line}" for line in out[:MAX_OUTPUT_LINES])
                if len(out) > MAX_OUTPUT_LINES:
                    details.append(f"  … {len(out) - MAX_OUTPUT_LINES} more lines")
        if self.status == "fails":
            error = self.first_error
            if error is not None:
                if error.hint:
                    details.append(f"hint: {error.hint}")
                if error.did_you_mean:
                    details.append(f"did you mean {error.did_you_mean}?")
            others = [d for d in self.errors if d is not error]
            details.extend(f"also {d.headline()}" for d in others[:3])
        details.extend(f"warning {d.headline()}" for d in self.diagnostics if d.severity == "warning")
        matched = self.output_matched
        if matched is True:
            details.append("✓ the output block shows what the program prints")
        elif matched is False:
            details.append("✗ the output block differs from what the program prints")
        if self.claimed_output is not None:
            claim = " / ".join(self.claimed_output.rstrip("\n").split("\n")[:3])
            details.append(f"the answer's output block said {claim!r}; it now shows the real output")
        if self.repair is not None:
            edits = len(self.repair.notes)
            details.append(f"repaired automatically ({edits} edit{'s' if edits != 1 else ''}):")
            details.extend(f"  • {note}" for note in self.repair.notes[:6])
        if self.model_rounds:
            rounds = self.model_rounds
            details.append(f"sent back to the model {rounds} time{'s' if rounds != 1 else ''} with its diagnostics")
        return VerdictLines(self.status, ("quoted · " if self.quoted else "") + self.summary(), tuple(details))

    # --- JSON -----------------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON: every field, plus `ok`, `summary` and `output_matched` for readers."""
        data: dict[str, Any] = {
            "index": self.index,
            "code": self.code,
            "status": self.status,
            "shape": self.shape,
            "quoted": self.quoted,
            "signatures": [[n, t] for n, t in self.signatures],
            "stdout": self.stdout,
            "diagnostics": [_diag_dict(d) for d in self.diagnostics],
            "expected_output": self.expected_output,
            "claimed_output": self.claimed_output,
            "repair": None if self.repair is None else
            {"original_code": self.repair.original_code, "notes": list(self.repair.notes)},
            "model_rounds": self.model_rounds,
            "run_skipped": self.run_skipped,
            "failed_stage": self.failed_stage,
            "ok": self.ok,
            "summary": self.summary(),
            "output_matched": self.output_matched,
        }
        return {**dict(self.extra), **data}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """Read `as_dict` output back (unknown keys are kept in `extra`, derived ones dropped)."""
        known = {"index", "code", "status", "shape", "quoted", "signatures", "stdout", "diagnostics",
                 "expected_output", "claimed_output", "repair", "model_rounds", "run_skipped", "failed_stage"}
        derived = {"ok", "summary", "output_matched"}
        status = str(data.get("status", "skipped"))
        repair = data.get("repair")
        return cls(
            index=int(data.get("index", 0)),
            code=str(data.get("code", "")),
            status=cast(Status, status if status in STATUSES else "skipped"),
            shape=str(data.get("shape", "program")),
            quoted=bool(data.get("quoted", False)),
            signatures=tuple((str(p[0]), str(p[1])) for p in data.get("signatures", ()) if len(p) == 2),
            stdout=str(data.get("stdout", "")),
            diagnostics=tuple(_diag_from(d) for d in data.get("diagnostics", ()) if isinstance(d, Mapping)),
            expected_output=_opt_str(data.get("expected_output")),
            claimed_output=_opt_str(data.get("claimed_output")),
            repair=Repair(str(repair.get("original_code", "")), tuple(str(n) for n in repair.get("notes", ())))
            if isinstance(repair, Mapping) else None,
            model_rounds=int(data.get("model_rounds", 0) or 0),
            run_skipped=_opt_str(data.get("run_skipped")),
            failed_stage=_opt_str(data.get("failed_stage")),
            extra={k: v for k, v in data.items() if k not in known | derived},
        )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _diag_dict(d: DiagnosticInfo) -> dict[str, Any]:
    return {k: v for k, v in d.__dict__.items() if v not in (None, 0) or k in ("code", "message")}


def _diag_from(data: Mapping[str, Any]) -> DiagnosticInfo:
    return DiagnosticInfo(
        code=str(data.get("code", "error")),
        message=str(data.get("message", "")),
        line=int(data.get("line", 0) or 0),
        col=int(data.get("col", 0) or 0),
        end_line=int(data.get("end_line", 0) or 0),
        end_col=int(data.get("end_col", 0) or 0),
        severity=str(data.get("severity", "error")),
        hint=_opt_str(data.get("hint")),
        did_you_mean=_opt_str(data.get("did_you_mean")),
        limit=_opt_str(data.get("limit")),
    )


def render_with_verdicts(text: str, verdicts: Sequence[Verdict], *, prefix: str = "» ") -> str:
    """A reply as plain text with each verdict's lines under its block (after its output block)."""
    from synoema.snippets import output_after, segments

    found = segments(text)
    by_index = {v.index: v for v in verdicts}
    inserts: list[tuple[int, str]] = []
    for segment in found:
        verdict = by_index.get(segment.index) if segment.is_synoema else None
        if verdict is None:
            continue
        shown = output_after(found, segment)
        at = (shown or segment).end
        at += 1 if text[at : at + 1] == "\n" else 0
        lead = "" if at == 0 or text[at - 1 : at] == "\n" else "\n"
        inserts.append((at, lead + "\n".join(prefix + line for line in verdict.describe().lines()) + "\n"))
    out: list[str] = []
    cursor = 0
    for at, piece in sorted(inserts, key=lambda x: x[0]):
        out += [text[cursor:at], piece]
        cursor = at
    out.append(text[cursor:])
    return "".join(out)
