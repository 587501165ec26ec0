"""The program corpus: synth families and model generators, validation, gates, splits and export.

The API other packages use to read a corpus (`synoema-corpus build --out DIR` writes it):

    from corpus import load_programs
    records = load_programs("DIR")                 # every accepted ProgramRecord, in build order
    train = load_programs("DIR", split="train")    # one split (by family)

Imports are lazy so that `import corpus` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CATEGORIES", "RECIPE", "SCHEMA_VERSION", "CorpusError", "ProgramRecord", "Task", "load_programs", "load_tasks"]

_LAZY = {
    "CATEGORIES": "corpus.schema",
    "RECIPE": "corpus.schema",
    "SCHEMA_VERSION": "corpus.schema",
    "CorpusError": "corpus.schema",
    "ProgramRecord": "corpus.schema",
    "Task": "corpus.schema",
    "load_programs": "corpus.store",
    "load_tasks": "corpus.tasks",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'corpus' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
