"""The user's side of a turn: the code they mean, and the compiler's real verdict on it.

A debug-fix answer must be grounded in the actual diagnostic, not in what the model guesses, so the
engine compiles the user's code first and appends the report to the message the model sees.
"""

from __future__ import annotations

from assistant.engine.checking import CheckOutcome
from assistant.engine.snippets import classify, iter_fences
from assistant.engine.types import Kind

DEFAULT_REQUEST: dict[Kind, str] = {
    Kind.EXPLAIN: "Explain this code.",
    Kind.FIX: "This code does not work as it should. Find the problem and fix it.",
    Kind.REVIEW: "Review this code.",
    Kind.ASK: "",
    Kind.WRITE: "",
}
CODE_KINDS = frozenset({Kind.EXPLAIN, Kind.FIX, Kind.REVIEW})


def code_in_text(text: str) -> str | None:
    """The first Synoema fence of a message (tagged ```sno, or untagged and parsing as Synoema)."""
    for fence in iter_fences(text):
        if fence.closed and classify(fence.info, fence.body):
            return fence.body
    return None


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


def compiler_report(outcome: CheckOutcome) -> str:
    """The compiler's verdict on the user's code, as a note appended to the model's prompt."""
    if outcome.status == "fails":
        lines = ["Compiler output for this code:"]
        for d in [d for d in outcome.diagnostics if d.severity == "error"][:5]:
            where = f" line {d.line}" if d.line else ""
            lines.append(f"error[{d.code}]{where}: {d.message}")
            if d.hint:
                lines.append(f"  hint: {d.hint}")
        return "\n".join(lines)
    if outcome.status == "runs":
        out = outcome.stdout.rstrip("\n")
        return f"Compiler output for this code: it compiles and runs; it prints:\n```output\n{out}\n```"
    sigs = ", ".join(f"{n} : {t}" for n, t in outcome.signatures[:8])
    return f"Compiler output for this code: it type-checks ({sigs})." if sigs else "It parses."
