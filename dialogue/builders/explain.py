"""explain: what a corpus program prints, each definition with its inferred type and what it does,
the language features it uses, and why the output looks as it does (the display rules).

Every sentence about the program comes from `dialogue.facts` (the checker's types and output, the
offline describer's reading of the syntax tree, the corpus's feature list and approach line).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any

from ..facts import FEATURE_WORDS, ProgramFacts, analyse
from ..wording import Wording, code, join_words, plural
from . import followups
from .base import Draft, Item, output, program_items, show_code

MAX_DEFINITIONS = 7  # longer programs make answers past the training length
MAX_SENTENCES = 3  # per definition


def summary_fields(f: ProgramFacts, record: Any) -> dict[str, str]:
    funcs = [d for d in f.definitions if d.what in ("function", "type")]
    names = [f"`{d.name}`" for d in funcs][:5]
    more = f" and {len(funcs) - 5} more" if len(funcs) > 5 else ""
    defs = f"{plural(len(funcs), 'definition')} ({join_words(names)}{more})"
    last = f.lines[-1] if f.lines else ""
    return {"defs": defs, "defs_cap": defs[0].upper() + defs[1:], "lines": plural(len(f.lines), "line"),
            "last": code(last), "approach": getattr(record, "approach", "")}


def definition_items(w: Wording, f: ProgramFacts) -> list[str]:
    out = []
    for d in f.definitions:
        if d.what in ("use",):
            continue
        sentences = list(d.sentences)
        if d.what == "function" and len(sentences) > MAX_SENTENCES:
            keep = sentences[:1] + w.rng.sample(sentences[1:], MAX_SENTENCES - 1)
            sentences = [s for s in sentences if s in keep]
        text = " ".join(sentences)
        if d.signature:
            out.append(w.say("explain.item", name=d.name, sig=d.signature, line=d.line, text=text))
        else:
            out.append(w.say("explain.item_untyped", name=d.name, line=d.line, text=text))
    return out


def display_section(w: Wording, f: ProgramFacts) -> str:
    notes = f.display_notes()
    first, rest = notes[0], notes[1:]
    w.rng.shuffle(rest)
    said = [w.say(first, type=f.value_type or "")] + [w.say(n) for n in rest[:2]]
    return " ".join(said)


class ExplainBuilder:
    kind = "explain"

    def __init__(self, followup_rate: float = 0.35) -> None:
        self.followup_rate = followup_rate

    def items(self, programs: Sequence[Any], rng: random.Random) -> Iterator[Item]:
        return program_items(programs, rng)

    def build(self, item: Item, w: Wording) -> Draft | None:
        record = item.program
        f = analyse(record.source, record.stdin)
        if f is None or not f.lines:
            return None
        if sum(1 for d in f.definitions if d.what in ("function", "type")) > MAX_DEFINITIONS:
            return None
        funcs = f.functions()
        focus = w.rng.choice(funcs).name if funcs else "main"
        fields = summary_fields(f, record)
        user = show_code(w, "explain", record.source, fields={"last": f.lines[-1], "name": focus})
        parts = [w.say("explain.intro", **fields)]
        if fields["approach"] and w.chance(0.7):
            parts[0] += " " + w.say("explain.idea", approach=fields["approach"])
        parts.append(w.say("explain.defs") + "\n\n" + "\n".join(definition_items(w, f)))
        features = [FEATURE_WORDS[x] for x in record.features if x in FEATURE_WORDS]
        if features and w.chance(0.75):
            picked = features if len(features) <= 4 else w.rng.sample(features, 4)
            parts.append(w.say("explain.features", features=join_words(picked)))
        parts.append(w.say("explain.output") + "\n\n" + output(f.stdout) + "\n\n" + display_section(w, f))
        turns = [("user", user), ("assistant", "\n\n".join(parts))]
        meta: dict[str, Any] = {"user_code": {"status": "runs", "output": f.stdout}}
        if w.chance(self.followup_rate):
            more = followups.pick(w, f, record, ("why_unit", "type", "floats", "shorter"))
            if more is not None:
                turns += more.turns
                meta["followup"] = more.name
        return Draft(turns, meta)
