"""Diagnostics as values: every failure of the language layer is a `Diagnostic`, never an exception.

Codes follow the reference implementation's names so that tools and models trained on its output
recognise them (`unexpected_token`, `type_mismatch`, `no_match`, ...).
"""

from __future__ import annotations

from collections import namedtuple

from ._record import Factory, record

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Any, Literal, NamedTuple

    Severity = Literal["error", "warning", "info"]
    Fixability = Literal["trivial", "easy", "medium", "hard"]

    class _SpanFields(NamedTuple):
        line: int
        col: int
        end_line: int
        end_col: int
        offset: int = 0
        end_offset: int = 0
else:
    _SpanFields = namedtuple("Span", "line col end_line end_col offset end_offset", defaults=(0, 0))


class Span(_SpanFields):
    """A region of source text; lines and columns are 1-based, `end_col` is exclusive."""

    __slots__ = ()

    def to(self, other: Span) -> Span:
        """The span from the start of `self` to the end of `other`."""
        return Span(self.line, self.col, other.end_line, other.end_col, self.offset, other.end_offset)

    def as_dict(self) -> dict[str, int]:
        return {"line": self.line, "col": self.col, "end_line": self.end_line, "end_col": self.end_col}

    @staticmethod
    def point(line: int, col: int, offset: int = 0) -> Span:
        return Span(line, col, line, col + 1, offset, offset + 1)


NO_SPAN = Span(0, 0, 0, 0)


@record
class Diagnostic:
    """One problem found in a program, with everything a person or a model needs to fix it."""

    code: str
    message: str
    span: Span | None = None
    severity: Severity = "error"
    notes: list[str] = Factory(list)  # type: ignore[assignment]
    llm_hint: str | None = None
    fixability: Fixability | None = None
    did_you_mean: str | None = None
    file: str | None = None
    data: dict[str, Any] = Factory(dict)  # type: ignore[assignment]

    @property
    def line(self) -> int:
        return self.span.line if self.span else 0

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.file:
            out["file"] = self.file
        if self.span is not None and self.span.line > 0:
            out["span"] = self.span.as_dict()
        out["notes"] = list(self.notes)
        if self.llm_hint:
            out["llm_hint"] = self.llm_hint
        if self.fixability:
            out["fixability"] = self.fixability
        if self.did_you_mean:
            out["did_you_mean"] = self.did_you_mean
        if self.data:
            out["data"] = self.data
        return out

    def to_json(self) -> str:
        import json  # not at import: `synoema run` of a correct program never needs it

        return json.dumps(self.as_dict(), ensure_ascii=False)

    def short(self) -> str:
        """One line: `line:col: code: message`."""
        where = f"{self.span.line}:{self.span.col}: " if self.span and self.span.line else ""
        return f"{where}{self.code}: {self.message}"


# Default hints and fixability per code, used when a producer gives none.
DEFAULTS: dict[str, tuple[Fixability, str]] = {
    "unexpected_token": ("trivial", "Check the syntax at this position against the Synoema grammar."),
    "unexpected_char": ("trivial", "Remove or replace this character; Synoema source is ASCII outside strings."),
    "unterminated_string": ("trivial", "Add the closing double quote on the same line."),
    "unknown_escape": ("trivial", r"Use one of the escapes \n \t \r \\ \" \$ \0."),
    "invalid_number": ("trivial", "Integers are 64-bit: write a smaller literal or use a Float."),
    "indentation": (
        "easy",
        "Synoema uses the offside rule: indent a block further than the line that opens it, "
        "2 spaces per level, and keep lines of one block at the same column.",
    ),
    "unbound_variable": (
        "easy",
        "Check the spelling, add a parameter, or define the name above its first use (define before use).",
    ),
    "import_not_found": ("easy", "Check the path: imports are relative to the importing file."),
    "import_cycle": ("medium", "Break the cycle: move the shared definitions into a third file."),
    "duplicate_definition": ("easy", "Keep all equations of a function together and define each name once."),
    "type_mismatch": ("trivial", "Change the expression so that it has the expected type."),
    "arity_mismatch": ("trivial", "Add or remove arguments so that the counts match."),
    "infinite_type": ("hard", "A value is used as if it contained itself; wrap it in an ADT constructor."),
    "pattern_mismatch": ("easy", "Check constructor names and the number of their arguments."),
    "missing_field": ("easy", "Add the field to the record or fix the field name."),
    "missing_impl": ("medium", "Add an `impl` of the trait for this type, or `derive` it."),
    "no_match": ("easy", "Add an equation for the missing case or a catch-all `_` pattern."),
    "division_by_zero": ("trivial", "Guard the division: `? d == 0 -> fallback : n / d`."),
    "index_out_of_bounds": ("easy", "Check the index against `length xs` before calling `index`."),
    "runtime_error": ("medium", "The program called `error` or a partial function on a bad value."),
    "limit_exceeded": ("medium", "The program ran too long, too deep or printed too much; check the base case."),
    "permission_denied": ("easy", "This builtin touches files, network, processes or the environment."),
}


def with_defaults(diag: Diagnostic) -> Diagnostic:
    """Fill fixability and llm_hint from the code's defaults where the producer left them empty."""
    default = DEFAULTS.get(diag.code)
    if default is not None:
        if diag.fixability is None:
            diag.fixability = default[0]
        if diag.llm_hint is None:
            diag.llm_hint = default[1]
    return diag


def render_human(diag: Diagnostic, source: str | None = None, filename: str | None = None) -> str:
    """Render like a good compiler: `file:line:col: error[code]: message`, the line, a caret, the hint."""
    name = diag.file or filename or "<input>"
    sev = diag.severity
    out: list[str] = []
    if diag.span is not None and diag.span.line > 0:
        out.append(f"{name}:{diag.span.line}:{diag.span.col}: {sev}[{diag.code}]: {diag.message}")
        if source is not None:
            lines = source.split("\n")
            if 0 < diag.span.line <= len(lines):
                text = lines[diag.span.line - 1].rstrip("\r")
                gutter = str(diag.span.line)
                out.append(f"{' ' * len(gutter)} |")
                out.append(f"{gutter} | {text.expandtabs(1)}")
                start = max(diag.span.col - 1, 0)
                if diag.span.end_line == diag.span.line:
                    width = max(diag.span.end_col - diag.span.col, 1)
                else:
                    width = max(len(text) - start, 1)
                width = min(width, max(len(text) - start, 1))
                out.append(f"{' ' * len(gutter)} | {' ' * start}{'^' * width}")
    else:
        out.append(f"{name}: {sev}[{diag.code}]: {diag.message}")
    for note in diag.notes:
        out.append(f"  = note: {note}")
    if diag.did_you_mean:
        out.append(f"  = did you mean: {diag.did_you_mean}")
    if diag.llm_hint:
        out.append(f"  = hint: {diag.llm_hint}")
    return "\n".join(out)


def render_json(diags: list[Diagnostic]) -> str:
    import json

    return json.dumps([d.as_dict() for d in diags], ensure_ascii=False, indent=2)
