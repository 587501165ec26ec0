"""The fence conventions of answers and training data, written once.

Every place that shows, writes or checks a program with its output — the prompts, the engine, the
offline engine, the app, the CLI, the seed dialogues, the corpus export, the dialogue builders and
the evaluation — uses these names and this one output-block rule:

    An ```output block shows exactly what ``synoema run`` prints for the program above it
    (``CheckReport.stdout``): the lines ``print`` wrote, then the display of ``main``'s value,
    which is ``()`` when ``main`` ends with a ``print``.

So a user can check any output block by running the program. The block's text is that output
without its final newline; an empty output is an empty block.
"""

from __future__ import annotations

SYNOEMA_LANGS: frozenset[str] = frozenset({"sno", "synoema"})  # fence languages that hold Synoema
CODE_INFO = "sno"  # a complete program the assistant proposes: compiled and run before it is shown
QUOTED_INFO = "sno quoted"  # the user's code quoted back: never run, never offered as the answer
OUTPUT_INFO = "output"  # exactly what `synoema run` prints for the program right above it


def output_text(stdout: str) -> str:
    """The body of an ```output block for a program whose run printed ``stdout``."""
    return stdout[:-1] if stdout.endswith("\n") else stdout


def output_matches(block_text: str, stdout: str) -> bool:
    """Whether an ```output block's body shows ``stdout`` (trailing blanks of lines are ignored)."""

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.rstrip("\n").split("\n")] if text.strip("\n") else []

    return lines(block_text) == lines(stdout)


def fence(info: str, body: str) -> str:
    """A fenced block; the fence grows past any run of backticks inside ``body``."""
    longest = run = 0
    for ch in body:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    ticks = "`" * max(3, longest + 1)
    body = body if body.endswith("\n") or not body else body + "\n"
    return f"{ticks}{info}\n{body}{ticks}"


def program_block(code: str, stdout: str | None) -> str:
    """A proposed program, followed by its output block when it was run."""
    block = fence(CODE_INFO, code.rstrip("\n"))
    if stdout is None:
        return block
    return block + "\n" + fence(OUTPUT_INFO, output_text(stdout))


def quoted_block(code: str) -> str:
    """The user's code quoted back, copied exactly."""
    return fence(QUOTED_INFO, code.rstrip("\n"))
