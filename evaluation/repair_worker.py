"""A worker process of `score`: rule repair of a batch of programs (JSON list in, JSON list out).

Repair parses and type-checks but never runs code; it runs here only so that a large batch uses
every core. Each result is `[repaired source, [rule, ...]]`, in input order.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    from evaluation.scoring import _repair

    codes = json.load(sys.stdin)
    out = []
    for code in codes:
        fixed = _repair(str(code))
        out.append([fixed.code, list(fixed.rules)])
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
