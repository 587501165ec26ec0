"""Units: code extraction, text normalisation, BM25F, token counting, edits."""

from __future__ import annotations

from assistant.offline.bm25 import BM25F, Doc, FieldSpec
from assistant.offline.extract import code_from, extract
from assistant.offline.markdown import fence, inline
from assistant.offline.rewrite import TextEdit, apply_edits
from assistant.offline.textnorm import query_concepts, raw_tokens, stem, terms
from assistant.offline.tokens import count_tokens, estimate


def test_extract_fenced_bare_and_history() -> None:
    found = extract("look:\n```sno\nmain = 1\n```\nthanks")
    assert found.code == "main = 1\n" and found.fenced and "look:" in found.prose
    found = extract("```\nf x = x\n```")
    assert found.code == "f x = x\n"
    found = extract("this fails:\nmain = [1, 2]\n")
    assert found.code == "main = [1, 2]\n" and found.prose == "this fails:"
    assert extract("how do I write x = 1?").code is None
    assert extract("what is a fold").code is None
    assert extract("```python\nprint(1)\n```").code is None
    history = [("user", "```sno\nmain = 2\n```"), ("assistant", "```sno\nmain = 3\n```")]
    assert code_from("and now?", history).code == "main = 2\n"


def test_stemming_and_synonyms() -> None:
    assert stem("mapping") == "map" and stem("lists") == "list" and stem("string") == "string"
    assert stem("handling") == stem("handle") and stem("automatically") == "automatic"
    assert "pipe" in raw_tokens("what does |> do") and "concat" in raw_tokens("a ++ b")
    assert terms("How do I concatenate the lists?") == [stem("concatenate"), "list"]
    concepts = query_concepts("if")
    assert concepts[0][1]["if"] == 1.0 and concepts[0][1][stem("conditional")] < 1.0
    assert "tostring" in raw_tokens("turn a number into a string")
    assert "parse" in raw_tokens("convert a string to an int")


def test_bm25f_prefers_title_and_never_sums_synonyms() -> None:
    specs = {"title": FieldSpec(3.0), "text": FieldSpec(1.0)}
    index = BM25F(specs).build([
        Doc("a", {"title": ["join"], "text": ["string"]}),
        Doc("b", {"title": ["other"], "text": ["join", "concat", "append", "glue"]}),
        Doc("c", {"title": ["unrelated"], "text": ["word"]}),
    ])
    hits = index.search([(1.0, {"join": 1.0, "concat": 0.4, "append": 0.4, "glue": 0.4})])
    assert hits[0][0] == "a" and [k for k, _ in hits] == ["a", "b"]
    assert index.search([]) == []


def test_token_counting() -> None:
    code = "double xs = map (\\x -> x * 2) xs\n\nmain = double [1 2 3]\n"
    count = count_tokens(code)
    assert count.tokens > 5
    approx = estimate(code)
    if count.exact:
        assert abs(approx - count.tokens) <= max(3, count.tokens // 3)


def test_markdown_helpers() -> None:
    assert fence("sno", "main = 1") == "```sno\nmain = 1\n```\n"
    assert fence("output", "a ``` b\n").startswith("````output\n")
    assert inline("a `b`") == "`` a `b` ``"
    assert inline("x" * 100, 10).endswith("…`")


def test_apply_edits() -> None:
    src = "abcdef"
    assert apply_edits(src, [TextEdit(0, 1, "X"), TextEdit(3, 5, "")]) == "Xbcf"
    assert TextEdit(0, 2, "").overlaps(TextEdit(1, 3, ""))
    assert not TextEdit(0, 2, "").overlaps(TextEdit(2, 3, ""))
