"""The assistant engine: prompts, answer sources, live checking, repair and history behind one class."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.engine.types import (
    DiagnosticInfo,
    Done,
    Event,
    Failed,
    Kind,
    RepairRound,
    Reply,
    SnippetChecked,
    Stats,
    TextChunk,
    Turn,
    Verdict,
)

if TYPE_CHECKING:
    from assistant.engine.core import Engine

__all__ = [
    "DiagnosticInfo",
    "Done",
    "Engine",
    "Event",
    "Failed",
    "Kind",
    "RepairRound",
    "Reply",
    "SnippetChecked",
    "Stats",
    "TextChunk",
    "Turn",
    "Verdict",
]


def __getattr__(name: str) -> Any:
    """`Engine` is imported on first use, so importing the data types stays cheap for UIs."""
    if name == "Engine":
        from assistant.engine.core import Engine

        return Engine
    raise AttributeError(f"module 'assistant.engine' has no attribute {name!r}")
