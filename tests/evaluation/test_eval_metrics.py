"""pass@k against hand-computed values, the bootstrap interval and the paired test."""

from __future__ import annotations

import math

import pytest

from evaluation.metrics import bootstrap_ci, ks_for, paired_test, pass_at_k


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (5, 2, 1, 2 / 5),
        (5, 2, 2, 1 - 3 / 10),  # 1 - C(3,2)/C(5,2)
        (10, 3, 5, 1 - 21 / 252),  # 1 - C(7,5)/C(10,5)
        (10, 1, 10, 1.0),
        (10, 0, 5, 0.0),
        (4, 4, 1, 1.0),
        (20, 5, 10, 1 - 3003 / 184756),  # 1 - C(15,10)/C(20,10)
        (3, 1, 2, 1 - 1 / 3),  # 1 - C(2,2)/C(3,2)
    ],
)
def test_pass_at_k_matches_hand_computed_values(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_k_is_the_binomial_ratio_everywhere() -> None:
    for n in range(1, 13):
        for c in range(n + 1):
            for k in range(1, n + 1):
                exact = 1 - math.comb(n - c, k) / math.comb(n, k)
                assert pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-12)


def test_pass_at_k_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError):
        pass_at_k(3, 4, 1)
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 4)


def test_reported_ks_stop_at_the_number_of_samples() -> None:
    assert ks_for(1) == (1,) and ks_for(10) == (1, 5, 10) and ks_for(7) == (1, 5)


def test_bootstrap_interval_brackets_the_mean_and_is_reproducible() -> None:
    values = [0.0, 0.1, 0.5, 1.0, 1.0, 0.2, 0.0, 0.9]
    a, b = bootstrap_ci(values), bootstrap_ci(values)
    assert a == b
    assert a.low < a.estimate < a.high and a.estimate == pytest.approx(sum(values) / len(values))
    assert bootstrap_ci([0.5, 0.5]).low == bootstrap_ci([0.5, 0.5]).high == 0.5


def test_paired_test_is_exact_for_few_tasks() -> None:
    same = paired_test([0.2, 0.4], [0.2, 0.4])
    assert same.p_value == 1.0 and same.difference == 0.0
    # B better on all 10 tasks: only the all-plus and all-minus sign patterns are as extreme
    better = paired_test([0.0] * 10, [1.0] * 10)
    assert better.exact and better.p_value == pytest.approx(2 / 1024) and better.better == 10
    # one task better, one worse by the same amount: no evidence either way
    assert paired_test([0.0, 1.0], [1.0, 0.0]).p_value == 1.0


def test_paired_test_samples_flips_for_many_tasks_and_finds_a_real_lift() -> None:
    a = [0.0] * 20 + [0.5] * 10
    b = [0.3] * 20 + [0.5] * 10
    test = paired_test(a, b)
    assert not test.exact and test.p_value < 0.001 and test.difference == pytest.approx(0.2)
    assert test.low == pytest.approx(0.2, abs=0.15) and test.significant()
