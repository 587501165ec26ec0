"""Quality gates: exact and near duplicates after renaming, decontamination, the length limit."""

from __future__ import annotations

import json
import random
from pathlib import Path

from corpus_support import build_synth

from corpus import load_programs
from corpus.gates import Decontaminator, Deduplicator, Fingerprint, Gates, LengthGate
from corpus.generators.synth import SIGNATURE_RATE, SynthGenerator
from corpus.normalize import language_names
from corpus.schedule import Schedule
from corpus.schema import CATEGORIES
from synoema.durable import read_jsonl
from synoema.lexer import lex

BIG = (
    "Shape = Circle Int | Rect Int Int\n\narea (Circle r) = 3 * r * r\narea (Rect w h) = w * h\n\n"
    "label n =\n  ? n % 15 == 0 -> \"FizzBuzz\"\n  : ? n % 3 == 0 -> \"Fizz\"\n  : show n\n\n"
    "main =\n  shapes = [(Circle 2) (Rect 3 4)]\n  print (map area shapes)\n  print (map label [1 2 3 4 5 6 7 8 9 10 11 12 13 14 15])\n  sum (map area shapes)\n"
)


def rename(source: str, prefix: str = "q_") -> str:
    """Alpha-rename every identifier the program defines (a real rename, through the lexer's spans)."""
    known = language_names()
    toks = [t for t in lex(source).tokens if t.kind in ("LOWER", "UPPER") and t.value not in known]
    out = source
    for t in sorted(toks, key=lambda t: t.span.offset, reverse=True):
        new = (prefix + str(t.value)) if t.kind == "LOWER" else ("Q" + str(t.value))
        out = out[: t.span.offset] + new + out[t.span.end_offset :]
    return out


def test_renamed_programs_are_duplicates_and_small_edits_near_duplicates() -> None:
    d = Deduplicator()
    fp = Fingerprint.of(BIG)
    verdict, m = d.check(fp)
    assert verdict.kind is None
    d.add("a", fp, m)
    assert d.check(Fingerprint.of(rename(BIG)))[0].kind == "duplicate"
    near = d.check(Fingerprint.of(BIG.replace("[(Circle 2) (Rect 3 4)]", "[(Circle 5) (Rect 3 4)]")))[0]
    assert near.kind == "near_duplicate" and near.other == "a" and near.similarity >= 0.85
    other = "fact 0 = 1\nfact n = n * fact (n - 1)\n\nmain = print (map fact [1 2 3 4 5])\n"
    assert d.check(Fingerprint.of(other))[0].kind is None


def test_decontamination_matches_prompts_and_renamed_solutions(tmp_path: Path) -> None:
    evals = tmp_path / "eval.jsonl"
    rows = [
        {"id": "e1", "category": "fundamentals", "tags": [], "terse": False, "prompt": "Print the FizzBuzz labels for 1 to 15 and the shape areas.",
         "expected_output": "", "solution": rename(BIG, "z_")},
        {"id": "e2", "category": "fundamentals", "tags": [], "terse": True, "prompt": "Write a function that counts the vowels of a string.",
         "expected_output": "", "solution": "main = 1\n"},
    ]
    evals.write_text("".join(json.dumps(r) + "\n" for r in rows))
    d = Decontaminator.from_files([evals])
    assert d.check("anything", Fingerprint.of(BIG)).other == "e1"
    hit = d.check("Write a function that counts the vowels of a string!", Fingerprint.of("main = 2\n"))
    assert hit.kind == "contaminated" and hit.other == "e2"
    assert d.check("Reverse a list.", Fingerprint.of("main = 2\n")).kind is None


def test_length_gate() -> None:
    gate = LengthGate(lambda text: len(text.split()), "words", limit=3)
    assert gate.check(3).kind is None and gate.check(4).kind == "too_long"


def test_build_keeps_evaluation_tasks_out(tmp_path: Path) -> None:
    """Slots whose program (renamed) or prompt is an evaluation task are rejected as contaminated."""
    seed = 5
    gen = SynthGenerator(seed)
    schedule = Schedule(seed, CATEGORIES)
    picked = []
    for i in range(40):
        slot = schedule.slot(i)
        sample = gen._turns[slot.category][slot.rank].sample(slot.rng())
        plain = random.Random(f"synoema-corpus-sig:{seed}:{i}").random() >= SIGNATURE_RATE
        if plain and "${" not in sample.source:
            picked.append((i, sample))
        if len(picked) == 2:
            break
    (i1, s1), (i2, s2) = picked
    evals = tmp_path / "eval.jsonl"
    evals.write_text(
        json.dumps({"id": "sol", "category": "fundamentals", "tags": [], "prompt": "unrelated words here", "expected_output": "", "solution": rename(s1.source)}) + "\n"
        + json.dumps({"id": "prm", "category": "fundamentals", "tags": [], "prompt": s2.prompt, "expected_output": "", "solution": "main = 0\n"}) + "\n"
    )
    out = tmp_path / "c"
    build_synth(out, target=30, seed=seed, eval_files=(evals,))
    rejected = {r["slot"]: r for r in read_jsonl(out / "rejected.jsonl").records}
    assert rejected[i1]["kind"] == "contaminated" and rejected[i1]["other"] == "sol"
    assert rejected[i2]["kind"] == "contaminated" and rejected[i2]["other"] == "prm"
    assert len(load_programs(out)) == 30
    manifest = json.loads((out / "build.json").read_text())
    assert manifest["gates"]["decontamination"]["files"] == [str(evals)]


def test_gates_create_with_a_tokenizer_file(tmp_path: Path) -> None:
    import pytest

    tokenizers = pytest.importorskip("tokenizers")
    from tokenizers import models, pre_tokenizers

    tok = tokenizers.Tokenizer(models.WordLevel({"[UNK]": 0, "a": 1}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.save(str(tmp_path / "tokenizer.json"))
    gates = Gates.create(tokenizer=str(tmp_path), max_tokens=2)
    assert gates.length.count("a b c") == 3 and "tokenizer" in gates.length.name
