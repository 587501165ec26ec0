"""Compiled units: what the compiler produces and the runtime (and the disk cache) consume.

Kept apart from the compiler so that running a cached program does not import the compiler.
"""

from __future__ import annotations

from ._record import Factory, record
from .diagnostics import Span

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Any


@record
class GlobalFn:
    name: str  # Synoema global name
    arity: int  # 0 for constants
    py: str  # implementation name (F_x) or getter (K_x) for constants
    effectful: bool = False


@record
class Line:
    indent: int
    text: str
    spans: list[tuple[Span, str, str]] = Factory(list)  # type: ignore[assignment]  # (span, kind, detail)


@record
class CompiledUnit:
    source: str
    line_spans: list[list[tuple[Span, str, str]]]  # per generated line (1-based index - 1)
    globals: dict[str, GlobalFn]
    filename: str
    code: Any = None  # code object


