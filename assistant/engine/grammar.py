"""GBNF grammars for constrained decoding: Synoema code inside a ```sno fence.

`synoema/synoema.gbnf` describes a program; a reply also needs its fence, so the program grammar is
wrapped: the model then answers with exactly one ```sno block that our parser accepts.
"""

from __future__ import annotations

from pathlib import Path


def program_grammar() -> str | None:
    """The language layer's program grammar, or None when this build has no grammar file."""
    from synoema.grammar import load_grammar

    try:
        return load_grammar()
    except OSError:
        return None


def fenced(program: str) -> str:
    """Wrap a grammar whose `root` is a program so that it produces one ```sno block."""
    renamed = program.replace("root ::=", "program ::=", 1)
    return f'root ::= "```sno\\n" program "\\n```\\n"\n{renamed}'


def write_grammars(source: str | Path | None = None) -> dict[str, str]:
    """Grammars for `Engine(grammars=...)`: write requests and repair rounds, fenced.

    `source` is a GBNF file of a program grammar; None means the built-in Synoema grammar.
    Returns {} when no grammar is available.
    """
    text = Path(source).read_text(encoding="utf-8") if source is not None else program_grammar()
    if not text:
        return {}
    wrapped = fenced(text)
    return {"write": wrapped, "repair": wrapped}
