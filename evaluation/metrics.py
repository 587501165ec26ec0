"""pass@k, confidence intervals and the paired test, in plain Python.

- `pass_at_k(n, c, k)`: the unbiased estimator of Chen et al. (HumanEval): 1 - C(n-c, k) / C(n, k),
  the chance that at least one of k samples drawn without replacement from n is correct.
- `bootstrap_ci`: a percentile interval for the mean over tasks, resampling tasks (the unit a
  figure generalises over) with a fixed seed, so a report is reproducible.
- `paired_test`: a sign-flip permutation test of the mean per-task difference between two runs
  (exact for up to 16 differing tasks, else 20,000 random flips), two-sided.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

BOOTSTRAP_RESAMPLES = 2000
PERMUTATIONS = 20_000
EXACT_LIMIT = 16
SEED = 20250101


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one task with n samples of which c are correct (k <= n)."""
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got n={n}, c={c}")
    if k < 1 or k > n:
        raise ValueError(f"need 1 <= k <= n, got k={k}, n={n}")
    if n - c < k:
        return 1.0
    # 1 - prod_{i=n-c+1}^{n} (1 - k/i): the numerically stable form of the binomial ratio
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def ks_for(n: int) -> tuple[int, ...]:
    """The k values reported for n samples per task."""
    return tuple(k for k in (1, 5, 10, 20, 50, 100) if k <= n)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"estimate": round(self.estimate, 6), "low": round(self.low, 6), "high": round(self.high, 6)}


def bootstrap_ci(values: Sequence[float], *, level: float = 0.95, resamples: int = BOOTSTRAP_RESAMPLES,
                 seed: int = SEED) -> Interval:
    """Percentile bootstrap interval of the mean of `values` (one value per task)."""
    if not values:
        return Interval(0.0, 0.0, 0.0)
    estimate = mean(values)
    if len(set(values)) == 1:
        return Interval(estimate, estimate, estimate)
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    tail = (1 - level) / 2
    low = means[max(0, math.floor(tail * resamples))]
    high = means[min(resamples - 1, math.ceil((1 - tail) * resamples) - 1)]
    return Interval(estimate, low, high)


@dataclass(frozen=True)
class PairedTest:
    """B minus A over paired tasks."""

    tasks: int
    difference: float  # mean of b - a
    low: float  # bootstrap interval of the difference
    high: float
    p_value: float
    better: int  # tasks where B scored higher
    worse: int  # tasks where B scored lower
    exact: bool

    def significant(self, alpha: float = 0.05) -> bool:
        return self.p_value < alpha

    def as_dict(self) -> dict[str, float | int | bool]:
        return {
            "tasks": self.tasks,
            "difference": round(self.difference, 6),
            "low": round(self.low, 6),
            "high": round(self.high, 6),
            "p_value": round(self.p_value, 6),
            "better": self.better,
            "worse": self.worse,
            "exact": self.exact,
        }


def paired_test(a: Sequence[float], b: Sequence[float], *, seed: int = SEED) -> PairedTest:
    """Sign-flip permutation test of mean(b - a) = 0 against 'different', pairing a[i] with b[i]."""
    if len(a) != len(b):
        raise ValueError("paired samples must have the same length")
    diffs = [y - x for x, y in zip(a, b)]
    n = len(diffs)
    interval = bootstrap_ci(diffs, seed=seed)
    nonzero = [d for d in diffs if d != 0]
    better = sum(1 for d in diffs if d > 0)
    worse = sum(1 for d in diffs if d < 0)
    if not nonzero:
        return PairedTest(n, 0.0, 0.0, 0.0, 1.0, 0, 0, True)
    observed = abs(sum(nonzero))
    eps = 1e-12 * max(1.0, observed)
    m = len(nonzero)
    if m <= EXACT_LIMIT:
        hits = 0
        for mask in range(1 << m):
            total = sum(-d if mask >> i & 1 else d for i, d in enumerate(nonzero))
            hits += abs(total) >= observed - eps
        p = hits / (1 << m)
        exact = True
    else:
        rng = random.Random(seed)
        hits = 0
        for _ in range(PERMUTATIONS):
            total = sum(d if rng.random() < 0.5 else -d for d in nonzero)
            hits += abs(total) >= observed - eps
        p = (hits + 1) / (PERMUTATIONS + 1)
        exact = False
    return PairedTest(n, mean(diffs), interval.low, interval.high, min(1.0, p), better, worse, exact)
