"""Train / validation / test by family, so the test split holds families the model never saw.

Within each category the families are ordered by a hash of their name (not of the seed: a family
stays in the same split in every corpus you build) and the first ones go to test, the next to
validation, the rest to train, in the given ratios (at least one family each in categories with
three or more families).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from synoema.durable import write_atomic

from .schema import SPLITS, CorpusError
from .store import CorpusDir, jsonl_text

DEFAULT_RATIOS: tuple[float, float, float] = (0.8, 0.1, 0.1)


def check_ratios(ratios: Sequence[float]) -> tuple[float, float, float]:
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-6:
        raise CorpusError("split ratios are three non-negative numbers (train validation test) that add up to 1")
    return (float(ratios[0]), float(ratios[1]), float(ratios[2]))


def _order_key(family: str) -> str:
    return hashlib.sha1(f"synoema-corpus-split:{family}".encode()).hexdigest()


def assign(plan: Mapping[str, Sequence[str]], ratios: Sequence[float] = DEFAULT_RATIOS) -> dict[str, str]:
    """Family → split for every family of every category in `plan`."""
    _, val, test = check_ratios(ratios)
    out: dict[str, str] = {}
    for families in plan.values():
        fams = sorted(set(families), key=_order_key)
        n = len(fams)
        n_test = max(1 if n >= 3 and test > 0 else 0, round(n * test))
        n_val = max(1 if n >= 3 and val > 0 else 0, round(n * val))
        for i, fam in enumerate(fams):
            out[fam] = "test" if i < n_test else "validation" if i < n_test + n_val else "train"
    return out


def split_corpus(folder: CorpusDir, ratios: Sequence[float] | None = None) -> dict[str, dict[str, int]]:
    """Write `train/validation/test.jsonl` (re-assigning families first when `ratios` change);
    returns counts per split and category."""
    manifest = folder.require()
    rows = folder.raw_programs()
    current = manifest.get("splits", {})
    plan = manifest.get("plan") or {}
    if ratios is not None and tuple(check_ratios(ratios)) != tuple(current.get("ratios", DEFAULT_RATIOS)):
        if not plan:
            plan = {}
            for r in rows:
                plan.setdefault(r["category"], []).append(r.get("family", r["id"]))
        assignment = assign(plan, ratios)
        for r in rows:
            r["split"] = assignment.get(r.get("family", r["id"]), "train")
        write_atomic(folder.programs, jsonl_text(rows))
        manifest["splits"] = {"ratios": list(check_ratios(ratios)), "assignment": assignment}
        folder.write_manifest(manifest)
    counts: dict[str, dict[str, int]] = {s: {} for s in SPLITS}
    for s in SPLITS:
        chosen = [r for r in rows if r.get("split", "train") == s]
        for r in chosen:
            counts[s][r["category"]] = counts[s].get(r["category"], 0) + 1
        write_atomic(folder.split_file(s), jsonl_text(chosen))
    return counts
