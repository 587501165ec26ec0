"""`synoema-dialogue stats`: how many rows of each kind, where they came from, and how varied they are.

Variety is measured on the rows themselves, not taken from the builders' bookkeeping:

- distinct templates used per kind (`meta.templates`), and the most used one's share of rows;
- distinct programs and facts the rows are built on;
- the share of multi-turn rows and of user messages that paste an error or show bare code;
- the near-duplicate rate: rows whose conversation text (system prompt left out) has Jaccard
  similarity >= 0.85 on word 3-grams with an earlier row (MinHash LSH candidates from datasketch,
  confirmed by exact Jaccard), across all kinds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from .format import Row

NEAR_THRESHOLD = 0.85


def near_duplicates(texts: Sequence[str], threshold: float = NEAR_THRESHOLD) -> int:
    """How many texts have an earlier near-duplicate."""
    from corpus.gates import count_near_duplicates
    from corpus.normalize import text_shingles
    from corpus.schema import CorpusError

    try:
        return count_near_duplicates((text_shingles(t) for t in texts), threshold)
    except CorpusError:  # datasketch is missing
        raise ValueError("measuring near duplicates needs datasketch: pip install 'synoema-assistant[corpus]' "
                         "(or pass --no-diversity)") from None


def _user_style(text: str) -> str:
    if "error[" in text or "```text" in text:
        return "pasted error"
    if "```" not in text:
        return "no fence"
    return "fenced"


def compute(rows: Sequence[Row], *, diversity: bool = True) -> dict[str, Any]:
    kinds: dict[str, dict[str, Any]] = {}
    for kind in sorted({r.kind for r in rows}):
        mine = [r for r in rows if r.kind == kind]
        templates: Counter[str] = Counter(t for r in mine for t in r.meta.get("templates", ()))
        slots = {t.split("#")[0] for t in templates}
        top = templates.most_common(1)
        styles = Counter(_user_style(r.users[0]) for r in mine)
        kinds[kind] = {
            "rows": len(mine),
            "sources": dict(Counter(r.source or "?" for r in mine)),
            "splits": dict(Counter(r.split or "-" for r in mine)),
            "categories": dict(Counter(str(r.meta.get("category", "-")) for r in mine)),
            "templates": len(templates),
            "slots": len(slots),
            "top_template_share": round(top[0][1] / len(mine), 3) if top else 0.0,
            "programs": len({r.meta["program"] for r in mine if r.meta.get("program")}),
            "facts": len({r.meta["fact"] for r in mine if r.meta.get("fact")}),
            "builders": dict(Counter(str(r.meta.get("builder", "-")) for r in mine)),
            "multi_turn": round(sum(r.rounds > 1 for r in mine) / len(mine), 3),
            "user_styles": dict(styles),
        }
    out: dict[str, Any] = {"rows": len(rows), "kinds": kinds}
    if diversity and rows:
        near = near_duplicates([r.text() for r in rows])
        out["near_duplicates"] = {"rows": near, "rate": round(near / len(rows), 4), "threshold": NEAR_THRESHOLD}
        out["exact_duplicates"] = len(rows) - len({r.content_key() for r in rows})
    return out


def show(stats: dict[str, Any], console: Any = None) -> None:
    """Print the stats as rich tables."""
    from rich.console import Console
    from rich.table import Table

    con = console or Console()
    t = Table(title=f"Dialogues: {stats['rows']} rows")
    for col in ("kind", "rows", "templates", "top tpl", "programs", "facts", "multi-turn"):
        t.add_column(col, justify="left" if col == "kind" else "right")
    for kind, s in stats["kinds"].items():
        t.add_row(kind, str(s["rows"]), str(s["templates"]), f"{s['top_template_share']:.0%}", str(s["programs"]),
                  str(s["facts"]), f"{s['multi_turn']:.0%}")
    con.print(t)
    for kind, s in stats["kinds"].items():
        con.print(f"{kind}: user turns {_counts(s['user_styles'])}; splits {_counts(s['splits'])}; "
                  f"sources {_counts(s['sources'])}", highlight=False)
    near = stats.get("near_duplicates")
    if near:
        con.print(f"near-duplicate rows (Jaccard >= {near['threshold']} on word 3-grams, MinHash LSH): "
                  f"{near['rows']} ({near['rate']:.2%}); exact duplicates: {stats['exact_duplicates']}")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def show_validation(summary: dict[str, Any], console: Any = None) -> None:
    """The validation report (`dialogue.validate.summarize`) as a table and the common reasons."""
    from rich.console import Console
    from rich.table import Table

    con = console or Console()
    t = Table(title="Validation")
    for col in ("kind", "rows", "passed", "pass rate", "programs run", "claims checked"):
        t.add_column(col, justify="left" if col == "kind" else "right")
    for kind, s in summary["kinds"].items():
        rate = s["passed"] / s["rows"] if s["rows"] else 1.0
        t.add_row(kind, str(s["rows"]), str(s["passed"]), f"{rate:.1%}", str(s["programs"]), str(s["claims"]))
    con.print(t)
    for reason, n in summary["reasons"].items():
        con.print(f"  {n:>5}  {reason}")
