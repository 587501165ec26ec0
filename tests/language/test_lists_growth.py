"""Idiomatic list programs do linear work: counted (calls, bytes allocated), never timed.

Each program runs at n and 10n under a profile hook on the run thread. At every call/return event
the hook adds up what was allocated since the previous event (tracemalloc's peak above the last
current size), so a copy of the list per step (`(x:xs)` by slicing, `x : xs` by copying) shows as
~100x growth; the representation of `synoema.lists` must show ~10x for both counts.
"""

from __future__ import annotations

import threading
import tracemalloc

import pytest

from synoema.api import run_source
from synoema.execute import UNLIMITED

N = 300  # tracemalloc walks the whole stack on each allocation: deep recursions stay short

PROGRAMS = {
    "non-tail recursion over a range": "len [] = 0\nlen (x:xs) = 1 + len xs\nmain = len [100001..100000 + {n}]\n",
    "tail loop over a list built by an accumulator":
        "build 0 acc = acc\nbuild k acc = build (k - 1) (k : acc)\n"
        "go acc [] = acc\ngo acc (x:xs) = go (acc + x) xs\nmain = go 0 (build {n} [])\n",
    "building with : (non-tail) then walking":
        "gen 0 = []\ngen k = (k * 7 % 1000) : gen (k - 1)\n"
        "count [] = 0\ncount (x:xs) = ? x > 500 -> 1 + count xs : count xs\nmain = count (gen {n})\n",
    "[x] ++ recursion, pairs and builtins":
        "dup [] = []\ndup (x:xs) = [x x] ++ dup xs\n"
        "pairs acc [] = acc\npairs acc [a] = acc + a\npairs acc (a:b:rest) = pairs (acc + a - b) rest\n"
        "main = pairs 0 (0 : dup (map (\\x -> x * 2) (filter (\\x -> x % 3 != 0) [1000..1000 + {n} / 3]))) + sum (dup [1000..1000 + {n} / 3])\n",
    "words filtered and joined":
        "words 0 = []\nwords k = (\"w\" ++ show k) : words (k - 1)\n"
        "keep [] = []\nkeep (w:ws) = ? str_len w > 3 -> (w : keep ws) : keep ws\n"
        "main = str_len (str_join \" \" (keep (words {n})))\n",
}


def measure(src: str) -> tuple[int, int]:
    """(profile events, bytes allocated) of one run of `src`, compiled beforehand."""
    assert run_source(src, limits=UNLIMITED).ok
    events = allocated = 0
    last = 0

    def hook(frame: object, event: str, arg: object) -> None:
        nonlocal events, allocated, last
        current, peak = tracemalloc.get_traced_memory()
        allocated += max(peak - last, 0)
        events += 1
        tracemalloc.reset_peak()
        last = current

    tracemalloc.start()
    last = tracemalloc.get_traced_memory()[0]
    threading.setprofile(hook)
    try:
        result = run_source(src, limits=UNLIMITED)
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
        tracemalloc.stop()
    assert result.ok, result.diagnostics
    return events, allocated


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_work_grows_linearly(name: str) -> None:
    program = PROGRAMS[name]
    small = measure(program.format(n=N))
    large = measure(program.format(n=10 * N))
    calls, allocated = large[0] / small[0], large[1] / small[1]
    # a copy per step grows both ~100x; small ints (cached by CPython) make the small run cheaper
    assert calls < 13, f"{name}: calls grew {calls:.1f}x for 10x the elements"
    assert 5 < allocated < 25, f"{name}: allocation grew {allocated:.1f}x for 10x the elements"
