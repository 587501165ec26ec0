"""Helpers shared by the engine tests (a module of its own: conftest files cannot be imported)."""

from __future__ import annotations

from pathlib import Path

from assistant.backends.config import GGUFOptions
from assistant.config import Config


def fenced_grammar(text: str) -> str:
    """A GBNF grammar that makes the model produce exactly `text` (the backend still samples it)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'root ::= "{escaped}"\n'


# A random model under this grammar writes one ```sno block of lowercase words: it never compiles.
GARBAGE_GRAMMAR = 'root ::= "Here:\\n```sno\\nzq" [a-z ]{2,24} "\\n```\\n"\n'


def gguf_config(
    model: Path, *, max_tokens: int = 24, repair_rounds: int = 2, n_ctx: int = 2048, budget: int = 1300
) -> Config:
    """A config for the tiny GGUF: short answers and prompts so the tests stay quick."""
    config = Config()
    config.engine.context_budget_tokens = budget
    config.backend.kind = "gguf"
    config.backend.options["gguf"] = GGUFOptions(model_path=str(model), n_ctx=n_ctx, n_threads=2)
    config.engine.max_tokens = max_tokens
    config.engine.repair_rounds = repair_rounds
    config.engine.temperature = 0.0
    return config


