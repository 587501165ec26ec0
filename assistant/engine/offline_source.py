"""Where answers come from when no model is configured: `assistant.offline.OfflineEngine`.

When that package is not installed (or fails to load), a minimal grounded answer is built from
the compiler alone, so the assistant still says something true about the user's code.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from assistant.engine.checking import check_code, repair_code
from assistant.engine.types import Kind

AnswerFn = Callable[[str, str, Sequence[Any]], Iterator[str]]


def load_offline(config: Any) -> tuple[Any | None, str | None]:
    """(OfflineEngine instance, None) or (None, why it is unavailable)."""
    try:
        try:
            from assistant.offline import OfflineEngine  # type: ignore[attr-defined]
        except ImportError:
            from assistant.offline.engine import OfflineEngine
    except ImportError as exc:
        return None, f"the offline engine is not installed ({exc})"
    except Exception as exc:  # a broken module must not stop the assistant
        return None, f"the offline engine failed to load ({exc})"
    try:
        params = inspect.signature(OfflineEngine).parameters
        accepts_config = "config" in params or any(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
            for p in params.values()
        )
        return (OfflineEngine(config) if accepts_config else OfflineEngine()), None
    except Exception as exc:
        return None, f"the offline engine failed to start ({exc})"


def answer_stream(
    engine: Any | None, kind: Kind, text: str, history: Sequence[Any], code: str | None
) -> Iterator[str]:
    """Chunks of the offline answer: the offline engine's, or the compiler-only fallback."""
    if engine is not None:
        yield from engine.answer(kind.value, text, history)
        return
    yield minimal_answer(kind, code)


def minimal_answer(kind: Kind, code: str | None) -> str:
    """A short answer from the compiler alone (used only when the offline engine is missing)."""
    head = "The built-in offline engine is not available in this installation"
    if code is None:
        return (
            f"{head}, and this request needs it or a model.\n\n"
            "Configure a model (`synoema-assistant doctor` shows what is usable), or install the offline engine."
        )
    outcome = check_code(code)
    lines = [f"{head}; here is what the compiler says about your code."]
    if outcome.signatures:
        lines += ["", "Inferred types:", ""] + [f"- `{n} : {t}`" for n, t in outcome.signatures]
    if outcome.status == "runs":
        lines += ["", "It runs and prints:", "", "```output", outcome.stdout.rstrip("\n"), "```"]
    elif outcome.status == "fails":
        lines += ["", "It does not compile or run:", ""]
        for d in outcome.diagnostics[:5]:
            where = f" line {d.line}" if d.line else ""
            lines.append(f"- `{d.code}`{where}: {d.message}" + (f" ({d.hint})" if d.hint else ""))
        if kind in (Kind.FIX, Kind.REVIEW):
            fixed = repair_code(code)
            if fixed.changed:
                lines += ["", "**Fix:** the rule-based repair changes:", ""]
                lines += [f"- {note}" for note in fixed.notes]
                lines += ["", "```sno", fixed.code.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"
