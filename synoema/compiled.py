"""Compiled units: what the compiler produces and the runtime (and the disk cache) consume.

Kept apart from the compiler so that running a cached program does not import the compiler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Span


@dataclass(slots=True)
class GlobalFn:
    name: str  # Synoema global name
    arity: int  # 0 for constants
    py: str  # implementation name (F_x) or getter (K_x) for constants
    effectful: bool = False


@dataclass(slots=True)
class Line:
    indent: int
    text: str
    spans: list[tuple[Span, str, str]] = field(default_factory=list)  # (span, kind, detail)


@dataclass
class CompiledUnit:
    source: str
    line_spans: list[list[tuple[Span, str, str]]]  # per generated line (1-based index - 1)
    globals: dict[str, GlobalFn]
    filename: str
    code: Any = None  # code object


