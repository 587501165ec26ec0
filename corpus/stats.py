"""`synoema-corpus stats`: distribution, pass rates, failure taxonomy, diversity and feature coverage.

Everything is computed from the files of the corpus folder, so it describes what is really there.
The near-duplicate rate is measured again on the accepted programs (MinHash LSH candidates,
confirmed by exact Jaccard), not taken from the build's own bookkeeping.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from synoema.durable import write_atomic

from .features import ALL as ALL_FEATURES
from .features import MIN_PROGRAMS, REQUIRED
from .gates import THRESHOLD, count_near_duplicates
from .normalize import fingerprint, normalized_tokens, shingles
from .schema import CATEGORIES, RECIPE
from .store import CorpusDir
from .validate import FAILURE_KINDS, GATE_KINDS


def near_duplicates(sources: list[str], threshold: float = THRESHOLD) -> tuple[int, int]:
    """(programs with an earlier near-duplicate, exact duplicates after renaming)."""
    tokens = [normalized_tokens(src) for src in sources]
    exact = len(tokens) - len({fingerprint(toks) for toks in tokens})
    return count_near_duplicates((shingles(toks) for toks in tokens), threshold), exact


def compute(folder: str | Path, *, diversity: bool = True) -> dict[str, Any]:
    corpus = CorpusDir(Path(folder))
    manifest = corpus.require()
    acc = corpus.raw_programs()
    rej = corpus.raw_rejected()
    threshold = float(manifest.get("gates", {}).get("threshold", THRESHOLD))
    n_acc, n_rej = len(acc), len(rej)
    total = n_acc + n_rej
    failures = sum(1 for r in rej if r.get("kind") not in GATE_KINDS)
    cats = [c for c in CATEGORIES if any(r["category"] == c for r in acc + rej)]
    recipe_total = sum(RECIPE[c] for c in cats) or 1
    per_cat: dict[str, Any] = {}
    for c in cats:
        a = [r for r in acc if r["category"] == c]
        j = [r for r in rej if r["category"] == c]
        share = len(a) / n_acc if n_acc else 0.0
        target = RECIPE[c] / recipe_total
        per_cat[c] = {
            "accepted": len(a),
            "share": round(share, 4),
            "recipe_share": round(target, 4),
            "share_error": round((share - target) / target, 4) if target else 0.0,
            "families": len({r.get("family") for r in a}),
            "shapes": len({r.get("shape") for r in a if r.get("shape")}),
            "styles": len({(r.get("family"), r.get("style")) for r in a}),
            "rejected": dict(Counter(r.get("kind", "?") for r in j)),
            "pass_rate": round(len(a) / (len(a) + len(j)), 4) if a or j else 1.0,
        }
    tags: dict[str, dict[str, int]] = defaultdict(lambda: {"accepted": 0, "rejected": 0})
    for r in acc:
        for t in r.get("tags", []):
            tags[t]["accepted"] += 1
    for r in rej:
        for t in r.get("tags", []):
            tags[t]["rejected"] += 1
    taxonomy: dict[str, dict[str, Any]] = {}
    for kind in (*FAILURE_KINDS, *GATE_KINDS):
        rows = [r for r in rej if r.get("kind") == kind]
        if rows:
            taxonomy[kind] = {
                "count": len(rows),
                "by_category": dict(Counter(r["category"] for r in rows)),
                "codes": dict(Counter(code for r in rows for code in r.get("codes", [])).most_common(8)),
                "by_family": dict(Counter(r.get("family", "") for r in rows).most_common(8)),
            }
    feats = Counter(f for r in acc for f in r.get("features", []))
    features = {f: {"programs": feats[f], "required": f in REQUIRED, "ok": f not in REQUIRED or feats[f] >= MIN_PROGRAMS} for f in ALL_FEATURES}
    model_rows = [r for r in acc + rej if r.get("model")]
    usage = Counter[str]()
    for r in acc + rej:
        for k, v in (r.get("usage") or {}).items():
            usage[k] += v
    out: dict[str, Any] = {
        "folder": str(corpus.path),
        "generator": manifest.get("generator", ""),
        "seed": manifest.get("seed"),
        "accepted": n_acc,
        "rejected": n_rej,
        "candidates": total,
        "accept_rate": round(n_acc / total, 4) if total else 1.0,
        "validation_pass_rate": round((total - failures) / total, 4) if total else 1.0,
        "categories": per_cat,
        "tags": dict(sorted(tags.items())),
        "taxonomy": taxonomy,
        "features": features,
        "families": len({r.get("family") for r in acc}),
        "shapes": len({r.get("shape") for r in acc if r.get("shape")}),
        "tokens": {"mean": round(sum(r.get("tokens", 0) for r in acc) / n_acc, 1) if n_acc else 0.0,
                   "max": max((r.get("tokens", 0) for r in acc), default=0)},
        "splits": dict(Counter(r.get("split", "train") for r in acc)),
        "usage": {k: (round(v, 6) if k == "cost" else int(v)) for k, v in usage.items()},
    }
    if model_rows:
        finals = [r for r in model_rows if r.get("kind") in (None, *GATE_KINDS)]  # validated, whatever the gates said
        out["model"] = {
            "candidates": len(model_rows),
            "first_try_pass_rate": round(sum(1 for r in model_rows if _first_ok(r)) / len(model_rows), 4),
            "after_repair_pass_rate": round(len(finals) / len(model_rows), 4),
            "mean_rounds": round(sum(r.get("rounds", 0) for r in model_rows) / len(model_rows), 3),
        }
    if diversity and acc:
        near, exact = near_duplicates([r["source"] for r in acc], threshold)
        out["near_duplicates"] = {"programs": near, "rate": round(near / n_acc, 4), "exact": exact, "threshold": threshold}
    return out


def _first_ok(row: dict[str, Any]) -> bool:
    """Passed on the first answer: an accepted record with no repair round, or an attempt log saying so."""
    attempts = row.get("attempts")
    if attempts:
        return attempts[0].get("kind") is None
    return "kind" not in row and row.get("rounds", 0) == 0


def show(stats: dict[str, Any], console: Any = None) -> None:
    """Print the stats as rich tables."""
    from rich.console import Console
    from rich.table import Table

    con = console or Console()
    con.print(
        f"[bold]{stats['folder']}[/]: {stats['accepted']} accepted of {stats['candidates']} candidates "
        f"({stats['accept_rate']:.1%}; validation passed {stats['validation_pass_rate']:.1%}), generator {stats['generator']}, seed {stats['seed']}"
    )
    t = Table(title="Categories", show_lines=False)
    for col in ("category", "accepted", "share", "recipe", "error", "families", "shapes", "styles", "pass rate", "rejected"):
        t.add_column(col, justify="right" if col not in ("category", "rejected") else "left")
    for c, s in stats["categories"].items():
        rej = ", ".join(f"{k} {v}" for k, v in sorted(s["rejected"].items())) or "-"
        t.add_row(c, str(s["accepted"]), f"{s['share']:.1%}", f"{s['recipe_share']:.1%}", f"{s['share_error']:+.1%}",
                  str(s["families"]), str(s["shapes"]), str(s["styles"]), f"{s['pass_rate']:.1%}", rej)
    con.print(t)
    t = Table(title="Tags")
    for col in ("tag", "accepted", "rejected", "pass rate"):
        t.add_column(col, justify="left" if col == "tag" else "right")
    for tag, s in stats["tags"].items():
        n = s["accepted"] + s["rejected"]
        t.add_row(tag, str(s["accepted"]), str(s["rejected"]), f"{s['accepted'] / n:.1%}" if n else "-")
    con.print(t)
    if stats["taxonomy"]:
        t = Table(title="Why candidates were rejected")
        for col in ("kind", "count", "by category", "diagnostic codes", "families"):
            t.add_column(col)
        for kind, s in stats["taxonomy"].items():
            t.add_row(kind, str(s["count"]), ", ".join(f"{k} {v}" for k, v in s["by_category"].items()),
                      ", ".join(f"{k} {v}" for k, v in s["codes"].items()), ", ".join(f"{k} {v}" for k, v in s["by_family"].items()))
        con.print(t)
    t = Table(title=f"Feature coverage (required: at least {MIN_PROGRAMS} programs)")
    for col in ("feature", "programs", "required", "ok"):
        t.add_column(col, justify="left" if col == "feature" else "right")
    for f, s in stats["features"].items():
        t.add_row(f, str(s["programs"]), "yes" if s["required"] else "", "[green]ok[/]" if s["ok"] else "[red]LOW[/]")
    con.print(t)
    div = stats.get("near_duplicates")
    lines = [f"families {stats['families']}, distinct AST shapes {stats['shapes']}, tokens per example mean {stats['tokens']['mean']} max {stats['tokens']['max']}",
             "splits: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["splits"].items()))]
    if div:
        lines.append(f"near-duplicates after dedup: {div['programs']} ({div['rate']:.2%}) at Jaccard {div['threshold']}, exact duplicates {div['exact']}")
    if "model" in stats:
        m = stats["model"]
        lines.append(f"model: first try {m['first_try_pass_rate']:.1%}, after repair {m['after_repair_pass_rate']:.1%}, mean rounds {m['mean_rounds']}")
    if stats["usage"].get("requests"):
        u = stats["usage"]
        lines.append(f"usage: {u.get('requests', 0)} requests, {u.get('prompt_tokens', 0)} prompt + {u.get('completion_tokens', 0)} completion tokens, cost {u.get('cost', 0):.4f}")
    for line in lines:
        con.print(line)


def plot(stats: dict[str, Any], path: str | Path) -> Path:
    """A PNG with the category distribution against the recipe, pass rates, and feature coverage."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from .schema import CorpusError

        raise CorpusError("the stats picture needs matplotlib: pip install 'synoema-assistant[corpus]'") from None
    cats = list(stats["categories"])
    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    ax = axes[0]
    xs = range(len(cats))
    ax.bar([x - 0.2 for x in xs], [stats["categories"][c]["share"] * 100 for c in cats], 0.4, label="corpus")
    ax.bar([x + 0.2 for x in xs], [stats["categories"][c]["recipe_share"] * 100 for c in cats], 0.4, label="recipe")
    ax.set_xticks(list(xs), cats, rotation=20)
    ax.set_ylabel("% of programs")
    ax.set_title(f"Distribution ({stats['accepted']} programs)")
    ax.legend()
    ax = axes[1]
    kinds = sorted({k for c in cats for k in stats["categories"][c]["rejected"]})
    bottom = [stats["categories"][c]["accepted"] for c in cats]
    ax.bar(cats, bottom, label="accepted")
    for k in kinds:
        vals = [stats["categories"][c]["rejected"].get(k, 0) for c in cats]
        ax.bar(cats, vals, bottom=bottom, label=k)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_title(f"Candidates (accept rate {stats['accept_rate']:.1%})")
    ax.tick_params(axis="x", rotation=20)
    ax.legend(fontsize=8)
    ax = axes[2]
    feats = list(stats["features"])
    counts = [stats["features"][f]["programs"] for f in feats]
    colors = ["tab:red" if not stats["features"][f]["ok"] else ("tab:blue" if stats["features"][f]["required"] else "tab:gray") for f in feats]
    ax.barh(feats, counts, color=colors)
    ax.axvline(MIN_PROGRAMS, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title("Feature coverage (programs)")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return write_atomic(path, buf.getvalue())
