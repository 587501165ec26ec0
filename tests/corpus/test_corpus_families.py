"""The synth families and their oracle: registry, determinism, display rules, features, normalisation."""

from __future__ import annotations

import random

import pytest

from corpus.families import REGISTRY, by_category
from corpus.families.core import Con, idiv, imod, lit, show
from corpus.features import REQUIRED, detect
from corpus.normalize import ast_shape, fingerprint, normalized_tokens, parse_program
from corpus.schema import CATEGORIES, RECIPE, quotas


def test_every_category_has_at_least_25_families() -> None:
    cats = by_category()
    assert set(cats) == set(CATEGORIES)
    for c, fams in cats.items():
        assert len(fams) >= 25, (c, len(fams))


def test_every_family_samples_deterministically() -> None:
    for fam in REGISTRY.values():
        for seed in range(3):
            a = fam.sample(random.Random(f"t:{seed}"))
            b = fam.sample(random.Random(f"t:{seed}"))
            assert a == b, fam.name
            assert a.prompt and a.source.endswith("\n") and a.expected_output.endswith("\n"), fam.name
            assert "main" in a.source, fam.name


def test_quotas_follow_the_recipe() -> None:
    q = quotas(5000)
    assert sum(q.values()) == 5000
    total = sum(RECIPE.values())
    for c in CATEGORIES:
        assert abs(q[c] - 5000 * RECIPE[c] / total) < 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "3"), (-3, "-3"), (2.5, "2.5"), (3.0, "3.0"), (True, "true"), ("a b", "a b"), ([1, -2], "[1 -2]"),
        (["x", ""], "[x ]"), ({"x": 1, "y": [2]}, "{x = 1, y = [2]}"), (Con("Just", Con("Just", 2)), "Just (Just 2)"),
        (Con("Just", -1), "Just -1"), ([Con("Just", 1), Con("None")], "[Just 1 None]"), (Con("Ok", [1, 2]), "Ok [1 2]"),
        (Con("MkPair", "a", Con("JNum", 1)), "MkPair a (JNum 1)"),
    ],
)
def test_oracle_display(value: object, text: str) -> None:
    assert show(value) == text


def test_literals_parenthesise_what_needs_it() -> None:
    assert lit([1, -2, Con("Just", 3), Con("None")]) == "[1 (-2) (Just 3) None]"
    assert lit('say "hi" $x') == '"say \\"hi\\" \\$x"'
    assert lit({"a": -1}) == "{a = -1}"


def test_integer_division_truncates_like_synoema() -> None:
    assert (idiv(-7, 2), imod(-7, 2), idiv(7, -2), imod(7, -2)) == (-3, -1, -3, 1)


def test_alpha_renaming_makes_renamed_programs_identical() -> None:
    a = "double x = x * 2\n\nmain = print (map double [1 2 3])\n"
    b = "twice value = value * 2\n\nmain = print (map twice [1 2 3])\n"
    c = "twice value = value * 3\n\nmain = print (map twice [1 2 3])\n"
    assert normalized_tokens(a) == normalized_tokens(b)
    assert fingerprint(normalized_tokens(a)) != fingerprint(normalized_tokens(c))
    assert "map" in normalized_tokens(a) and "print" in normalized_tokens(a)  # language names stay
    assert ast_shape(parse_program(a)) == ast_shape(parse_program(c))  # literals are not structure


def test_features_are_read_from_the_tree() -> None:
    src = (
        "mod M\n  sq x = x * x\n\nuse M (sq)\n\n"
        "trait Pretty a\n  pretty : a -> String\n\nBox a = Box a | Empty derive (Show, Eq)\n\n"
        "impl Pretty Int\n  pretty n = show n\n\n"
        "f 0 _ = 1\nf n [a b] = a\nf n (x:rest) = x\nf n [] = 0\n\n"
        "g {x, y} = x + y\n\nh (Box v) = v\nh Empty = 0\n\n"
        "k n =\n  m = n + 1\n  ? m > 2 -> m : 0\n\n"
        "main =\n  p = {x = 1, y = 2}\n  q = {...p, x = 3}\n  r = map_insert 1 2 map_empty\n"
        '  j = json_parse "[1]"\n  print ([1..3] |> map sq)\n  print ((sq >> sq) 2)\n'
        "  print [v | v <- [1 2], v > 1]\n  print (str_len \"ab\")\n  Ok (g q)\n"
    )
    feats = set(detect(parse_program(src)))
    missing = set(REQUIRED) - feats
    assert not missing, missing


def test_shipped_task_solutions_print_their_expected_output() -> None:
    import synoema
    from corpus.tasks import load_tasks

    tasks = load_tasks()
    reports = synoema.check_many([{"source": t.solution or "", "stdin": t.stdin} for t in tasks])
    wrong = [t.id for t, r in zip(tasks, reports) if r.stdout != t.expected_output]
    assert not wrong, wrong
