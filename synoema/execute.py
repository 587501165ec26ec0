"""Run compiled code under limits: wall time, recursion depth, output size, memory.

The program runs in its own thread with a large stack; a watchdog in the calling thread raises an
exception inside it when time or memory run out, so a runaway program ends with a `limit_exceeded`
diagnostic instead of hanging or crashing the host. Capabilities (files, network, processes,
environment) are off unless the caller allows them.
"""

from __future__ import annotations

import os
import sys
import time

from . import runtime as R
from ._record import Factory, record
from .diagnostics import Diagnostic, Span, cap_text
from .guard import RUN_STACK, MemoryOut, Stop, guarded
from .stdlib import BUILTINS, DERIVED, IO

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Any

    from .compiled import CompiledUnit

STACK_SIZE = RUN_STACK


@record
class Limits:
    """Resource limits of one run. `None` disables a limit."""

    timeout: float | None = 5.0  # seconds of wall time
    max_depth: int = 200_000  # nested calls
    max_output: int = 1 << 20  # bytes printed
    max_memory: int | None = 1 << 30  # bytes of process memory growth
    max_range: int = 20_000_000  # elements of one range literal
    # When this check or run must end, as a time.perf_counter() value: set by `with_deadline`, so that all
    # stages of one request (parse, types, compile, run) share one `timeout`. Never sent to another process.
    deadline: float | None = None


def with_deadline(limits: Limits) -> Limits:
    """The limits of a request that starts now: its stages share one deadline `timeout` from now."""
    if limits.timeout is None or limits.deadline is not None:
        return limits
    return limits.replace(deadline=time.perf_counter() + limits.timeout)  # type: ignore[no-any-return]


def time_left(limits: Limits) -> float | None:
    """Seconds left before the request's deadline (None: no time limit)."""
    if limits.timeout is None:
        return None
    if limits.deadline is None:
        return limits.timeout
    return max(limits.deadline - time.perf_counter(), 0.0)


UNLIMITED = Limits(timeout=None, max_memory=None)
DEFAULT_LIMITS = Limits()


@record
class Execution:
    output: str = ""
    value: Any = None
    value_text: str | None = None
    diagnostic: Diagnostic | None = None
    duration: float = 0.0


def base_namespace() -> dict[str, Any]:
    """Runtime helpers and builtins every compiled unit refers to by name."""
    ns: dict[str, Any] = {
        "Con": R.Con,
        "Record": R.Record,
        "NoMatch": R.NoMatch,
        "SynoemaError": R.SynoemaError,
        "curry": R.curry,
        "partial": R.partial,
        "con_fn": R.con_fn,
        "compose": R.compose,
        "rng": R.rng,
        "wrap": R.wrap,
        "add": R.add,
        "sub": R.sub,
        "mul": R.mul,
        "neg": R.neg,
        "div": R.div,
        "mod": R.mod,
        "power": R.power,
        "update_record": R.update_record,
        "UNSET": _UNSET,
        "CON_TYPES": {},
        "type_name": type_name,
        "undefined_global": _undefined_global,
        "RANGE_LIMIT": 20_000_000,
        **R.L.CODEGEN_NAMES,
    }
    for name, b in {**BUILTINS, **DERIVED}.items():
        fn = R.UNCURRIED[name]
        ns[f"B_{name}"] = fn
        ns[f"RB_{name}"] = fn
        if b.arity > 0:
            ns[f"BV_{name}"] = R.curry(fn, b.arity)
    return ns


class _Unset:
    __slots__ = ()


_UNSET = _Unset()


def _undefined_global(name: str) -> Any:
    raise R.SynoemaError("unbound_variable", f"`{name}` is not defined")


def type_name(v: Any, con_types: dict[str, str]) -> str:
    t = type(v)
    if t is bool:
        return "Bool"
    if t is int:
        return "Int"
    if t is float:
        return "Float"
    if t is str:
        return "String"
    if t is tuple:  # a Synoema list (synoema.lists)
        return "List"
    if v is None:
        return "Unit"
    if t is R.Record:
        return "Record"
    if t is R.Con:
        return con_types.get(v.tag, "?")
    return "Function"


def execute(
    units: list[tuple[CompiledUnit, dict[str, Any]]],
    entry: str | None,
    limits: Limits = DEFAULT_LIMITS,
    ctx: R.Context | None = None,
    user_files: tuple[str, ...] = (),
    call: Any = None,
) -> Execution:
    """Exec `units` (compiled code, namespace) in order, then call `entry` (a getter name) in the last.

    Never raises: errors of the program become `result.diagnostic`. The run happens in a guarded
    thread (`synoema.guard`): its own recursion limit of `limits.max_depth` frames, stopped at the
    deadline or when the process grows by more than `limits.max_memory`.
    """
    ctx = ctx or R.Context()
    ctx.max_output = limits.max_output
    result = Execution()

    def body() -> None:
        R.set_ctx(ctx)
        try:
            _run_body()
        finally:
            R.set_ctx(None)

    def _run_body() -> None:
        try:
            value = None
            for unit, ns in units:
                ns["RANGE_LIMIT"] = limits.max_range
                if unit.code is not None:
                    exec(unit.code, ns)
            if call is not None:
                value = call(units[-1][1])
            elif entry is not None:
                value = units[-1][1][entry]()
            result.value = value
            if entry is not None or call is not None:
                text = R.display(value)
                if ctx.out_bytes + len(text) + 1 > limits.max_output:
                    raise R.LimitExceeded(
                        f"the program's output (with main's value) is larger than {limits.max_output} bytes",
                        "output",
                    )
                result.value_text = text
        except R.SynoemaError as e:
            result.diagnostic = _from_error(e, units, user_files)
        except RecursionError:
            result.diagnostic = Diagnostic(
                "limit_exceeded",
                f"recursion deeper than the limit ({limits.max_depth} nested calls)",
                _innermost_span(sys.exc_info()[2], units, user_files),
                llm_hint="Check that the recursion reaches its base case; make the recursive call the last "
                "thing the function does (a tail call runs in constant space), or use foldl.",
                fixability="medium",
                data={"limit": "depth"},
            )
        except (Stop, MemoryError):
            raise
        except Exception as e:  # a type error the checker let through, or a bug of ours
            result.diagnostic = Diagnostic(
                "runtime_error",
                cap_text(f"internal runtime error: {type(e).__name__}: {e}"),
                _innermost_span(sys.exc_info()[2], units, user_files),
                llm_hint="The program did something its types should have prevented; check the types.",
                fixability="hard",
            )

    g = guarded(body, timeout=time_left(limits), max_memory=limits.max_memory, depth=limits.max_depth + 200,
                stack_size=RUN_STACK, name="synoema-run")
    if g.stopped is not None or isinstance(g.error, Stop | MemoryError):
        # a limit fired; whatever the thread managed to record after that does not count
        memory = g.stopped == "memory" or isinstance(g.error, MemoryOut | MemoryError)
        result.diagnostic = memory_diagnostic(limits) if memory else timeout_diagnostic(limits)
        result.value_text = None
    elif g.error is not None:  # KeyboardInterrupt, SystemExit: the run did not finish
        result.diagnostic = Diagnostic("runtime_error", f"the run was interrupted ({type(g.error).__name__})",
                                       None, fixability="hard")
    result.duration = g.duration
    result.output = "".join(ctx.out)
    return result


def memory_diagnostic(limits: Limits | None = None) -> Diagnostic:
    cap = limits.max_memory if limits is not None else None
    return Diagnostic(
        "limit_exceeded",
        f"the program used more memory than allowed ({_mib(cap)})" if cap else "the program used more memory than allowed",
        None,
        llm_hint="Build smaller lists or check the recursion's base case.",
        fixability="medium",
        data={"limit": "memory"},
    )


def _mib(n: int | None) -> str:
    return f"{n / (1 << 20):g} MiB" if n else "no limit"


def timeout_diagnostic(limits: Limits) -> Diagnostic:
    return Diagnostic(
        "limit_exceeded",
        f"the program ran longer than {limits.timeout:g} s",
        None,
        llm_hint="Check for a loop that never reaches its base case.",
        fixability="medium",
        data={"limit": "time"},
    )


class LineReader:
    """A program's standard input read a line at a time, only when `readline` asks (`synoema run`).

    It reads the file descriptor itself, waiting in short `select` steps, so the run's time limit can
    stop a program blocked on an input that never comes (an open pipe): a plain blocking read could
    not be interrupted.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""
        self.eof = False

    def readline(self, limit: int = -1) -> str:
        import select

        while b"\n" not in self.buffer and not self.eof and (limit < 0 or len(self.buffer) < limit):
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.05)
            except (OSError, ValueError):
                ready = [self.fd]
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                self.eof = True
            self.buffer += chunk
        cut = self.buffer.find(b"\n")
        end = cut + 1 if cut >= 0 else len(self.buffer)
        if limit >= 0:
            end = min(end, limit)
        line, self.buffer = self.buffer[:end], self.buffer[end:]
        return line.decode("utf-8", "replace")


STAGE_WORDS = {"parse": "parsing", "resolve": "resolving names", "types": "type checking",
               "compile": "compiling", "check": "checking", "run": "running"}


def stage_limit_diagnostic(stage: str, kind: str, limits: Limits) -> Diagnostic:
    """`limit_exceeded` for a stage before the run: `kind` is time, memory or depth (nesting)."""
    word = STAGE_WORDS.get(stage, stage)
    if kind == "time":
        message = f"{word} the program took longer than {limits.timeout:g} s"
        hint = ("The program's types grow too fast (a function that doubles a type, used again and again)."
                if stage == "types" else "The program is very long or deeply nested; split it into smaller definitions.")
    elif kind == "memory":
        message = f"{word} the program used more memory than allowed ({_mib(limits.max_memory)})"
        hint = "The program's types or definitions grow too large; simplify the code."
    else:
        message = f"the program is nested too deeply ({word} stopped)"
        hint = "Split deeply nested expressions into named parts (local bindings or helper functions)."
    return Diagnostic("limit_exceeded", message, None, llm_hint=hint, fixability="medium",
                      data={"limit": kind, "stage": stage})


# ── mapping Python tracebacks back to Synoema source ────────────────────────────────────────


def _frames(tb: Any, units: list[tuple[CompiledUnit, dict[str, Any]]]) -> list[tuple[CompiledUnit, int]]:
    by_name = {u.filename: u for u, _ in units}
    out: list[tuple[CompiledUnit, int]] = []
    import traceback

    for frame, lineno in traceback.walk_tb(tb):
        unit = by_name.get(frame.f_code.co_filename)
        if unit is not None:
            out.append((unit, lineno))
    return out


def _innermost_span(tb: Any, units: list[tuple[CompiledUnit, dict[str, Any]]], user_files: tuple[str, ...]) -> Span | None:
    for unit, lineno in reversed(_frames(tb, units)):
        if user_files and unit.filename not in user_files:
            continue
        spans = unit.line_spans[lineno - 1] if 0 < lineno <= len(unit.line_spans) else []
        if spans:
            return spans[0][0]
    return None


def _from_error(e: R.SynoemaError, units: list[tuple[CompiledUnit, dict[str, Any]]], user_files: tuple[str, ...]) -> Diagnostic:
    frames = _frames(e.__traceback__, units)
    span: Span | None = None
    want = getattr(e, "fname", None)
    # the innermost frame in the user's code, then the note on that line that explains the error
    for i, (unit, lineno) in enumerate(reversed(frames)):
        if user_files and unit.filename not in user_files:
            continue
        notes = unit.line_spans[lineno - 1] if 0 < lineno <= len(unit.line_spans) else []
        if e.code == "no_match" and i == 0 and any(k == "nomatch" for _, k, _ in notes):
            continue  # the raise inside the function: point at the call instead
        span = _pick(notes, e, want)
        if span is not None:
            break
    diag = Diagnostic(e.code, e.message, span, llm_hint=e.hint)
    if isinstance(e, R.LimitExceeded):
        diag.data["limit"] = e.kind or "limit"
    from .diagnostics import with_defaults

    return with_defaults(diag)


def _pick(notes: list[tuple[Span, str, str]], e: R.SynoemaError, want: str | None) -> Span | None:
    if not notes:
        return None
    if e.code == "division_by_zero":
        for span, kind, _ in notes:
            if kind == "div":
                return span
    if want:
        for span, kind, detail in notes:
            if kind == "call" and detail.split(".")[-1] == want.split(".")[-1]:
                return span
    msg = e.message
    for span, kind, detail in notes:
        if kind == "call" and detail and (detail in msg or (e.code == "index_out_of_bounds" and detail == "index")):
            return span
    for span, kind, detail in notes:
        if kind == "call" and detail in ("head", "tail", "error", "unwrap", "index"):
            return span
    return notes[0][0]


def allow_set(io: bool = True, files: bool = False, network: bool = False, processes: bool = False,
              environment: bool = False) -> frozenset[str]:
    from .stdlib import ENV, FILE, NET, PROC

    caps = set()
    if io:
        caps.add(IO)
    if files:
        caps.add(FILE)
    if network:
        caps.add(NET)
    if processes:
        caps.add(PROC)
    if environment:
        caps.add(ENV)
    return frozenset(caps)


@record
class Prepared:
    """Everything needed to run a program again without recompiling."""

    units: list[tuple[CompiledUnit, dict[str, Any]]] = Factory(list)  # type: ignore[assignment]
