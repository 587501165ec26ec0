"""The user's side of a turn: the code they mean, and the compiler's real verdict on it.

A debug-fix answer must be grounded in the actual diagnostic, not in what the model guesses, so the
engine compiles the user's code first and appends the report to the message the model sees.
"""

from __future__ import annotations

from assistant.kinds import CODE_KINDS, Kind
from assistant.verdict import Verdict
from synoema.fences import OUTPUT_INFO, fence, output_text
from synoema.snippets import segments

DEFAULT_REQUEST: dict[Kind, str] = {
    Kind.EXPLAIN: "Explain this code.",
    Kind.FIX: "This code does not work as it should. Find the problem and fix it.",
    Kind.REVIEW: "Review this code.",
    Kind.ASK: "",
    Kind.WRITE: "",
}


def code_in_text(text: str) -> str | None:
    """The first Synoema block of a message (tagged ```sno, or untagged and parsing as Synoema)."""
    return next((s.code for s in segments(text) if s.is_synoema and s.closed and s.fenced), None)


def bare_code(text: str) -> bool:
    """Whether a whole message is a Synoema program (pasted without a fence)."""
    stripped = text.strip()
    if "\n" not in stripped and "=" not in stripped:
        return False
    from synoema.parser import parse

    try:
        parsed = parse(stripped + "\n", None)
    except RecursionError:
        return False
    return parsed.ok and bool(parsed.program.decls)


def split_request(text: str, code: str | None, kind: Kind) -> tuple[str, str | None]:
    """(request text, user code): code given apart, fenced in the text, or the whole text itself."""
    if code is not None and code.strip():
        return text.strip() or DEFAULT_REQUEST[kind], code
    found = code_in_text(text)
    if found is not None:
        return text.strip(), found
    if kind in CODE_KINDS and bare_code(text):
        return DEFAULT_REQUEST[kind], text.strip("\n")
    return text.strip(), None


def user_message(request: str, code: str | None, *, code_in_request: bool) -> str:
    """What is stored and shown as the user's message: the request with the code fenced once."""
    if code is None or code_in_request:
        return request
    body = code.rstrip("\n")
    return f"{request}\n\n```sno\n{body}\n```" if request else f"```sno\n{body}\n```"


def compiler_report(verdict: Verdict) -> str:
    """The compiler's verdict on the user's code, as a note appended to the model's prompt."""
    if verdict.status == "fails":
        lines = ["Compiler output for this code:"]
        for d in verdict.errors[:5]:
            where = f" line {d.line}" if d.line else ""
            lines.append(f"error[{d.code}]{where}: {d.message}")
            if d.hint:
                lines.append(f"  hint: {d.hint}")
        return "\n".join(lines)
    if verdict.status == "runs":
        shown = fence(OUTPUT_INFO, output_text(verdict.stdout))
        return f"Compiler output for this code: it compiles and runs; `synoema run` prints:\n{shown}"
    sigs = ", ".join(f"{n} : {t}" for n, t in verdict.signatures[:8])
    return f"Compiler output for this code: it type-checks ({sigs})." if sigs else "It parses."


def title_for(request: str, code: str | None, kind: Kind) -> str:
    """A conversation's title: the user's own words, else the first line of their code."""
    if request and request != DEFAULT_REQUEST.get(kind):
        source = request
    else:
        source = code or request
    for raw in source.splitlines():
        line = raw.strip().removeprefix("--").strip()  # a leading comment says what the code is for
        if line and not line.startswith("```"):
            return line if len(line) <= 60 else line[:59].rstrip() + "…"
    return ""
