"""Compare our Synoema implementation with the reference interpreter on the reference's own programs.

Usage: python scripts/compare_reference.py REF_REPO_DIR

REF_REPO_DIR is a checkout of the reference repository (for example extracted with
`git --git-dir=MIRROR archive HEAD | tar -x -C DIR`). Every `lang/examples/*.sno` that defines
`main` and every `benchmarks/tasks/*/*.sno` is run with `synoema-ref run` and with
`python -m synoema run`; a table says same / differs / reference fails, followed by a diff for
each difference. The reference evaluates the LAST top-level definition rather than `main`, so
files whose last definition is not `main` are marked. Nothing is written anywhere.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 60
DEF_RE = re.compile(r"^([a-z][A-Za-z0-9_]*)\b[^\n]*?(?<![=!<>])=(?!=)")
NOT_DEFS = {"mod", "use", "import", "trait", "impl", "type", "test"}


@dataclass(frozen=True)
class Outcome:
    """What one interpreter did with one file."""

    exit_code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Comparison:
    """Both interpreters' outcomes for one file, and a verdict."""

    path: Path
    label: str
    reference: Outcome
    ours: Outcome
    last_definition: str | None

    @property
    def status(self) -> str:
        if self.reference.exit_code != 0:
            return "reference fails"
        if self.ours.exit_code == 0 and self.ours.stdout == self.reference.stdout:
            return "same"
        return "differs"


def last_top_level_definition(source: str) -> str | None:
    """Name of the last top-level value definition (what the reference evaluates)."""
    name = None
    for line in source.splitlines():
        match = DEF_RE.match(line)
        if match and match.group(1) not in NOT_DEFS and not line.lstrip().startswith("--"):
            name = match.group(1)
    return name


def defines_main(source: str) -> bool:
    return any((m := DEF_RE.match(line)) and m.group(1) == "main" for line in source.splitlines())


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Outcome:
    try:
        proc = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return Outcome(124, "", f"timed out after {TIMEOUT_S}s")
    except OSError as exc:
        return Outcome(127, "", str(exc))
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def collect(ref_dir: Path) -> list[Path]:
    examples = [
        p for p in sorted((ref_dir / "lang" / "examples").glob("*.sno")) if defines_main(p.read_text())
    ]
    tasks = sorted((ref_dir / "benchmarks" / "tasks").glob("*/*.sno"))
    return examples + tasks


def compare(path: Path, ref_dir: Path) -> Comparison:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")]))
    # Examples open files relative to lang/ (e.g. examples/factorial.sno); tasks are self-contained.
    cwd = ref_dir / "lang" if path.parent.name == "examples" else path.parent
    reference = run(["synoema-ref", "run", str(path)], cwd=cwd)
    ours = run([sys.executable, "-m", "synoema", "run", str(path)], cwd=cwd, env=env)
    return Comparison(
        path=path,
        label=str(path.relative_to(ref_dir)),
        reference=reference,
        ours=ours,
        last_definition=last_top_level_definition(path.read_text()),
    )


def first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0][:100] if lines else ""


def render(results: list[Comparison]) -> str:
    width = max((len(r.label) for r in results), default=10)
    out = [f"{'file'.ljust(width)}  {'status':<16} note", "-" * (width + 40)]
    for r in results:
        notes = []
        if r.last_definition not in (None, "main"):
            notes.append(f"ends with `{r.last_definition}`, not main (reference evaluates it)")
        if r.status == "reference fails":
            notes.append(f"ref: {first_line(r.reference.stderr)}")
        out.append(f"{r.label.ljust(width)}  {r.status:<16} {'; '.join(notes)}")
    counts = {s: sum(1 for r in results if r.status == s) for s in ("same", "differs", "reference fails")}
    out.append("")
    out.append(", ".join(f"{n} {s}" for s, n in counts.items()) + f" ({len(results)} files)")
    for r in results:
        if r.status != "differs":
            continue
        out.append("")
        out.append(f"=== {r.label} (ours exit {r.ours.exit_code})")
        diff = difflib.unified_diff(
            r.reference.stdout.splitlines(),
            r.ours.stdout.splitlines(),
            fromfile="synoema-ref",
            tofile="synoema",
            lineterm="",
        )
        out.extend(diff)
        if r.ours.exit_code != 0:
            out.append(f"ours stderr: {first_line(r.ours.stderr)}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref_repo_dir", type=Path, help="checkout of the reference repository")
    options = parser.parse_args(argv)
    ref_dir: Path = options.ref_repo_dir.resolve()
    if not (ref_dir / "lang" / "examples").is_dir():
        print(
            f"error: {ref_dir} has no lang/examples; give a checkout of the reference repository",
            file=sys.stderr,
        )
        return 2
    if shutil.which("synoema-ref") is None:
        print("error: synoema-ref is not on PATH", file=sys.stderr)
        return 2
    results = [compare(path, ref_dir) for path in collect(ref_dir)]
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
