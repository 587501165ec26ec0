"""`synoema` command line: run, check, eval, test, fix.

Exit codes: 0 ok, 1 the program has an error, 2 usage error. Human errors look like a compiler's
(file:line:col, the source line, a caret, the hint); `--errors json` prints machine-readable diagnostics
on stderr.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Sequence

from .diagnostics import Diagnostic, render_human

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from .api import RunResult
    from .execute import Limits


def _read_input(path: str) -> tuple[str, str | None] | None:
    if path == "-":
        return sys.stdin.read(), None
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read(), path
    except FileNotFoundError:
        print(f"synoema: no such file: {path}", file=sys.stderr)
    except (OSError, UnicodeDecodeError) as e:
        print(f"synoema: cannot read {path}: {e}", file=sys.stderr)
    return None


def _report(diags: list[Diagnostic], source: str | None, fmt: str, filename: str | None) -> None:
    if not diags:
        return
    if fmt == "json":
        import json

        print(json.dumps([d.as_dict() for d in diags], ensure_ascii=False, indent=2), file=sys.stderr)
        return
    sources: dict[str | None, str | None] = {filename: source}
    for d in diags:
        src = sources.get(d.file, source if d.file in (None, filename) else None)
        if src is None and d.file and d.file not in sources:
            from .resolve import ImportRefused, read_import

            try:  # an imported file: only what its import could read (a regular file, size-capped)
                src = read_import(d.file, root=None, confined=False)
            except ImportRefused:
                src = None
            sources[d.file] = src
        print(render_human(d, src, filename or "<stdin>"), file=sys.stderr)


def _run_limits(ns: argparse.Namespace, contained: bool) -> Limits:
    """Limits of `run` from its flags: the library defaults in a sandbox, none of time and memory
    otherwise (the user's own program), each flag overriding (0 turns a limit off)."""
    from .execute import Limits

    base = Limits() if contained else Limits(timeout=None, max_memory=None)

    def pick(value: float | None, default: float | None) -> float | None:
        return default if value is None else (None if value <= 0 else value)

    memory = pick(ns.memory, None if base.max_memory is None else base.max_memory / (1 << 20))
    return Limits(
        timeout=pick(ns.timeout, base.timeout),
        max_memory=None if memory is None else int(memory * (1 << 20)),
        max_output=ns.max_output if ns.max_output else base.max_output,
        max_depth=ns.max_depth if ns.max_depth else base.max_depth,
        max_range=base.max_range,
    )


def cmd_run(ns: argparse.Namespace) -> int:
    from .api import run_source

    got = _read_input(ns.file)
    if got is None:
        return 2
    source, filename = got
    # limits come from a worker process with rlimits and a parent that kills it on the deadline
    contained = ns.sandbox or ns.timeout is not None or ns.memory is not None
    limits = _run_limits(ns, contained)
    if contained:
        result = _run_contained(source, filename, ns, limits)
        if result is None:
            return 2
    else:
        from .execute import LineReader

        stdin: Any = io.StringIO("") if ns.file == "-" or sys.stdin is None else LineReader(sys.stdin.fileno())
        result = run_source(source, filename=filename, stdin=stdin, args=ns.args, allow_io=True, limits=limits,
                            use_disk_cache=True, imports="own")
    sys.stdout.write(result.stdout)
    sys.stdout.flush()
    _report(result.diagnostics, source, ns.errors, filename)
    return result.exit_code


def _run_contained(source: str, filename: str | None, ns: argparse.Namespace, limits: Limits) -> RunResult | None:
    """Run in a worker process of its own: `--sandbox` (no files, network, processes or environment;
    imports only inside the program's folder) or just under limits (`--timeout`, `--memory`)."""
    from .api import RunResult
    from .sandbox import RunRequest, _ForkedWorker, _Worker

    stream = ns.file != "-" and sys.stdin is not None
    where = os.path.abspath(filename) if filename else None
    try:
        if hasattr(os, "fork"):
            from .api import preload

            preload(source, where)  # the prelude (trusted) loads here, outside the program's budget
            worker: _Worker = _ForkedWorker(own_dir=ns.sandbox, keep_env=not ns.sandbox)
        else:
            worker = _Worker(stdin=sys.stdin.fileno() if stream and sys.stdin is not None else None, warm=False, own_dir=ns.sandbox,
                             keep_env=not ns.sandbox)
    except OSError as e:
        print(f"synoema: cannot start the sandbox worker: {e}", file=sys.stderr)
        return None
    try:
        if not worker.wait_ready():
            print(f"synoema: cannot start the sandbox worker: {worker.failure}", file=sys.stderr)
            return None
        req = RunRequest(source, "program", where, allow_io=not ns.sandbox, limits=limits, args=tuple(ns.args),
                         imports="confined" if ns.sandbox else "own", stdin_stream=stream, use_disk_cache=True)
        out = worker.exchange(req)
    finally:
        worker.kill()  # it has answered: no need to wait for a clean exit
    for d in out.diagnostics:
        if where is not None and d.file == where:
            d.file = filename
    return RunResult(out.stdout, out.exit_code, out.diagnostics, output=out.output, value=out.value,
                     timings=out.timings)


def cmd_check(ns: argparse.Namespace) -> int:
    from .check import check

    got = _read_input(ns.file)
    if got is None:
        return 2
    source, filename = got
    run = bool(getattr(ns, "run", False))
    stdin = ""
    expected: str | None = None
    for flag, path in (("--stdin", getattr(ns, "stdin", None)), ("--expect", getattr(ns, "expect", None))):
        if path is None:
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            print(f"synoema: cannot read {flag} file {path}: {e}", file=sys.stderr)
            return 2
        if flag == "--stdin":
            stdin = text
        else:
            expected = text
    report = check(source, filename=filename, run=run or expected is not None, stdin=stdin,
                   expect_output=expected, isolate=False)
    if ns.json:
        import json

        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0 if report.ok else 1
    for name, ty in report.signatures:
        print(f"{name} : {ty}")
    if report.shape == "expression" and report.value_type:
        print(f"it : {report.value_type}")
    if report.stages.get("run") != "skipped":
        sys.stdout.write(report.stdout)
        if report.matched is False:
            print("synoema: the output differs from the expected output", file=sys.stderr)
    _report(report.diagnostics, source, ns.errors, filename)
    return 0 if report.ok else 1


def cmd_eval(ns: argparse.Namespace) -> int:
    from .api import eval_source

    expr = " ".join(ns.expr)
    if expr == "-":
        expr = sys.stdin.read()
    result = eval_source(expr)
    if result.ok:
        print(result.value)
    _report(result.diagnostics, expr, ns.errors, "<eval>")
    return result.exit_code


def cmd_test(ns: argparse.Namespace) -> int:
    from .testing import run_tests

    return run_tests(ns.paths, fmt=ns.errors, verbose=ns.verbose)


def cmd_fix(ns: argparse.Namespace) -> int:
    try:
        from .repair import repair
    except ImportError:
        print("synoema: `fix` is not available in this build", file=sys.stderr)
        return 2
    if ns.write and ns.file == "-":
        print("synoema: --write needs a file, not standard input", file=sys.stderr)
        return 2
    got = _read_input(ns.file)
    if got is None:
        return 2
    source, filename = got
    result = repair(source, filename=filename)
    name = filename or "<stdin>"
    for edit in result.edits:
        change = ""
        if "\n" not in edit.before and "\n" not in edit.after and len(edit.before) + len(edit.after) < 80:
            change = f" (`{edit.before}` -> `{edit.after}`)" if edit.before else f" (added `{edit.after}`)"
        print(f"{name}:{edit.span.line}:{edit.span.col}: {edit.rule}: {edit.reason}{change}", file=sys.stderr)
    if ns.write:
        if result.changed:
            import os
            import tempfile

            target = filename or ns.file
            directory = os.path.dirname(os.path.abspath(target))
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".synoema-fix-", suffix=".sno")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(result.source)
                    fh.flush()
                    os.fsync(fh.fileno())
                with contextlib.suppress(OSError):  # keep the file's permissions
                    os.chmod(tmp, os.stat(target).st_mode & 0o7777)
                os.replace(tmp, target)
            except OSError as e:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                print(f"synoema: cannot write {target}: {e}", file=sys.stderr)
                return 2
            print(f"{name}: {len(result.edits)} edit{'s' if len(result.edits) != 1 else ''} written", file=sys.stderr)
        elif not result.edits:
            print(f"{name}: nothing to fix" if result.ok else f"{name}: no automatic fix found", file=sys.stderr)
    else:
        sys.stdout.write(result.source)
    _report(result.diagnostics, result.source, ns.errors, filename)
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(prog="synoema", description="The Synoema language: run, check and test programs.")
    p.add_argument("--errors", choices=["human", "json"], default="human", help="diagnostic format (on stderr)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("run", help="run a program and print main's value")
    r.add_argument("file", help="a .sno file, or - for standard input")
    r.add_argument("args", nargs="*", help="arguments after --, available as `args`")
    r.add_argument("--sandbox", action="store_true",
                   help="run untrusted code: no files, network, processes or environment, imports only inside "
                   "the program's folder, and limits (default 5 s, 1024 MiB, 1 MiB of output)")
    r.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="wall-time limit in seconds for each stage (0: none); enforced by a worker process")
    r.add_argument("--memory", type=float, default=None, metavar="MIB",
                   help="memory limit in MiB (0: none); enforced by a worker process")
    r.add_argument("--max-output", type=int, default=None, metavar="BYTES", help="most bytes the program may print")
    r.add_argument("--max-depth", type=int, default=None, metavar="N", help="most nested calls")
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("check", help="parse and type-check; print each definition's type")
    c.add_argument("file")
    c.add_argument("--json", action="store_true", help="print signatures and diagnostics as JSON")
    c.add_argument("--run", action="store_true", help="also run main (or evaluate an expression) and report it")
    c.add_argument("--stdin", metavar="FILE", help="standard input for --run, read from FILE")
    c.add_argument("--expect", metavar="FILE", help="expected stdout (implies --run); report whether it matches")
    c.set_defaults(func=cmd_check)

    e = sub.add_parser("eval", help="evaluate an expression")
    e.add_argument("expr", nargs="+")
    e.set_defaults(func=cmd_eval)

    t = sub.add_parser("test", help="run test declarations, properties and doc examples")
    t.add_argument("paths", nargs="+", help="files or directories")
    t.add_argument("-v", "--verbose", action="store_true")
    t.set_defaults(func=cmd_test)

    f = sub.add_parser("fix", help="repair common mistakes and print (or --write) the result")
    f.add_argument("file")
    f.add_argument("--write", action="store_true", help="rewrite the file in place")
    f.set_defaults(func=cmd_fix)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `--errors json` may come anywhere; `--` separates program arguments
    prog_args: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, prog_args = argv[:i], argv[i + 1 :]
    if len(argv) == 2 and argv[0] == "run" and (argv[1] == "-" or not argv[1].startswith("-")):
        # `synoema run FILE`, the common case, without building the argparse parser (a fifth of
        # a `main = 42` run's start-up)
        from types import SimpleNamespace

        ns = SimpleNamespace(errors="human", command="run", file=argv[1], args=prog_args, timeout=None,
                             sandbox=False, memory=None, max_output=None, max_depth=None)
        return _call(cmd_run, ns)
    parser = build_parser()
    try:
        ns = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code not in (0, None) else 0
    if ns.command is None:
        parser.print_help()
        return 2
    if ns.command == "run":
        ns.args = list(ns.args) + prog_args
    return _call(ns.func, ns)


def _call(func: object, ns: object) -> int:
    try:
        return int(func(ns))  # type: ignore[operator]
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
