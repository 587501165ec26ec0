"""The offline answer engine: explain, fix, ask and review Synoema code without a language model.

    from assistant.offline import OfflineEngine
    engine = OfflineEngine()
    for chunk in engine.answer("explain", "```sno\nmain = 1 + 2\n```"):
        print(chunk, end="")

Every answer is grounded in our compiler: types from the checker, output from real runs, rewrites
verified to print the same as the original.
"""

from .context import Knowledge
from .engine import OfflineEngine

__all__ = ["Knowledge", "OfflineEngine"]
