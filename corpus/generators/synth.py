"""`synth`: programs from parameterised families, no model and no network.

Each slot draws one family of its category (by weight, in turns) and samples it with the slot's
own random generator, so the same seed always yields the same candidates. The family's Python
oracle says what the program must print; validation runs the program and compares. A rejected
synth candidate therefore means the oracle or the interpreter is wrong, and is worth a bug report.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..families import by_category
from ..families.core import Family, OracleError
from ..schedule import RoundRobin, Slot, within
from ..schema import CATEGORIES, Task
from ..validate import Check, Validator, Verdict
from .base import Outcome

SIGNATURE_RATE = 0.4  # share of programs that get type signatures on their top-level functions
_TYPE_CHARS = re.compile(r"[A-Za-z0-9 ()>-]+")
_TYPE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def _simple(t: str) -> bool:
    return bool(_TYPE_CHARS.fullmatch(t)) and all(w[0].isupper() for w in _TYPE_WORD.findall(t))


def annotate(source: str) -> str:
    """The program with `name : Type` above each top-level definition whose inferred type is
    simple (no type variables, constraints or open records), as a careful author would write it."""
    from synoema.api import check_source

    checked = check_source(source)
    if not checked.ok:
        return source
    sigs = {n: t for n, t in checked.signatures if n != "main" and "." not in n and _simple(t)}
    if not sigs:
        return source
    out: list[str] = []
    done: set[str] = set()
    for line in source.split("\n"):
        head = line.split(" ", 1)[0] if line and not line[0].isspace() else ""
        if head in sigs and head not in done and not line.startswith(f"{head} :"):
            out.append(f"{head} : {sigs[head]}")
            done.add(head)
        out.append(line)
    return "\n".join(out)


class SynthGenerator:
    name = "synth"

    def __init__(self, seed: int, categories: Sequence[str] = CATEGORIES) -> None:
        cats = by_category()
        self.seed = seed
        self.families = {c: cats[c] for c in categories if c in cats}
        self._turns: dict[str, RoundRobin[Family]] = {
            c: within(seed, c, fams, [f.weight for f in fams]) for c, fams in self.families.items()
        }

    def plan(self) -> dict[str, list[str]]:
        return {c: [f.name for f in fams] for c, fams in self.families.items()}

    def settings(self) -> dict[str, Any]:
        names = sorted(f"{f.name}:{f.weight}" for fams in self.families.values() for f in fams)
        return {"families": len(names), "family_digest": hashlib.sha1("\n".join(names).encode()).hexdigest()[:12]}

    def run(self, slots: Sequence[Slot], validator: Validator) -> list[Outcome]:
        drafts: list[tuple[Slot, Family, Any]] = []
        for slot in slots:
            fam = self._turns[slot.category][slot.rank]
            try:
                sample = fam.sample(slot.rng())
                if random.Random(f"synoema-corpus-sig:{self.seed}:{slot.index}").random() < SIGNATURE_RATE:
                    sample = replace(sample, source=annotate(sample.source))
                drafts.append((slot, fam, sample))
            except (OracleError, ValueError, IndexError, KeyError, ZeroDivisionError) as exc:  # a family bug
                drafts.append((slot, fam, exc))
        checks = [Check(d.source, d.expected_output, d.stdin) for _, _, d in drafts if not isinstance(d, Exception)]
        verdicts = iter(validator.many(checks))
        out: list[Outcome] = []
        for slot, fam, d in drafts:
            if isinstance(d, Exception):
                task = Task(f"{fam.name}-s{slot.index}", slot.category, "", "", fam.tags, family=fam.name)
                verdict = Verdict(False, "generator_error", ("oracle_error",), f"{type(d).__name__}: {d}")
                out.append(Outcome(slot, task, fam.name, "", verdict, error=verdict.message))
                continue
            task = Task(f"{fam.name}-s{slot.index}", slot.category, d.prompt, d.expected_output, d.tags, d.stdin, fam.name)
            out.append(Outcome(slot, task, fam.name, d.source, next(verdicts), d.style, d.approach))
        return out

    def close(self) -> None:
        pass
