"""Runtime of compiled Synoema: value representation, display, arithmetic, builtins.

Values map onto fast Python objects: Int -> int (wrapped to 64 bits), Float -> float, Bool -> bool,
String and Char -> str, unit -> None, List -> `()` or a `(head, n, rest)` tuple (see `synoema.lists`:
cons cells and array views), records -> `Record`, constructors -> `Con`, functions -> one-argument
Python callables (curried). Equality and ordering are structural (`lists.eq`, `lists.seq_order`).
"""

from __future__ import annotations

import contextlib
import math
import operator
import os
import threading
from collections.abc import Callable

from . import lists as L
from .lists import flat, from_array, seq_eq, seq_order
from .stdlib import ENV, FILE, IO, NET, PROC

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Any, TextIO

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


class SynoemaError(Exception):
    """A runtime error of the Synoema program (not of this implementation)."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


class LimitExceeded(SynoemaError):
    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__("limit_exceeded", message)
        self.kind = kind


# ── values ────────────────────────────────────────────────────────────────────────────────────


class Con:
    """A constructor value. `idx` is the constructor's position in its type (for ordering)."""

    __slots__ = ("args", "idx", "tag")

    def __init__(self, tag: str, idx: int, args: tuple) -> None:
        self.tag = tag
        self.idx = idx
        self.args = args

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Con) and self.tag == other.tag and seq_eq(self.args, other.args)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((self.tag, self.args))

    def _key(self, other: Con) -> tuple[int, int]:
        return self.idx, other.idx

    def __lt__(self, other: Con) -> bool:
        if self.idx != other.idx:
            return self.idx < other.idx
        return seq_order(self.args, other.args, operator.lt)

    def __le__(self, other: Con) -> bool:
        return self == other or self < other

    def __gt__(self, other: Con) -> bool:
        return other < self

    def __ge__(self, other: Con) -> bool:
        return self == other or other < self

    def __repr__(self) -> str:
        return display(self)


class Record:
    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record) or self.fields.keys() != other.fields.keys():
            return False
        a, b = self._values(other)
        return seq_eq(a, b)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(tuple(self.fields.items()))

    def _values(self, other: Record) -> tuple[list, list]:
        keys = list(self.fields)
        return [self.fields[k] for k in keys], [other.fields[k] for k in keys]

    def __lt__(self, other: Record) -> bool:
        a, b = self._values(other)
        return seq_order(a, b, operator.lt)

    def __le__(self, other: Record) -> bool:
        a, b = self._values(other)
        return seq_order(a, b, operator.le)

    def __gt__(self, other: Record) -> bool:
        a, b = self._values(other)
        return seq_order(a, b, operator.gt)

    def __ge__(self, other: Record) -> bool:
        a, b = self._values(other)
        return seq_order(a, b, operator.ge)

    def __repr__(self) -> str:
        return display(self)


def pair(a: Any, b: Any) -> Record:
    return Record({"fst": a, "snd": b})


# ── display ───────────────────────────────────────────────────────────────────────────────────


def format_float(x: float) -> str:
    """Whole floats with `.0`, others in the shortest round-trip form, never in exponent form."""
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "-inf"
    if x == int(x):
        return f"{int(x)}.0"
    r = repr(x)
    if "e" in r or "E" in r:
        from decimal import Decimal

        r = format(Decimal(r), "f")
    return r


def display(v: Any) -> str:
    """The text `show` and `print` produce: strings unquoted, lists space-separated."""
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is bool:
        return "true" if v else "false"
    if t is float:
        return format_float(v)
    if t is tuple:
        return "[" + " ".join([display(x) for x in flat(v)]) + "]"
    if v is None:
        return "()"
    if t is Con:
        if not v.args:
            return v.tag
        parts = [v.tag]
        for a in v.args:
            s = display(a)
            parts.append(f"({s})" if type(a) is Con and a.args else s)
        return " ".join(parts)
    if t is Record:
        return "{" + ", ".join(f"{k} = {display(x)}" for k, x in v.fields.items()) + "}"
    if callable(v):
        return "<function>"
    return str(v)


# ── arithmetic ────────────────────────────────────────────────────────────────────────────────


def wrap(r: Any) -> Any:
    """Bring an out-of-range Int back into 64-bit two's complement; floats pass through."""
    if type(r) is int:
        return ((r + 2**63) % 2**64) - 2**63
    return r


def add(a: Any, b: Any) -> Any:
    r = a + b
    return r if INT_MIN <= r <= INT_MAX else wrap(r)


def sub(a: Any, b: Any) -> Any:
    r = a - b
    return r if INT_MIN <= r <= INT_MAX else wrap(r)


def mul(a: Any, b: Any) -> Any:
    r = a * b
    return r if INT_MIN <= r <= INT_MAX else wrap(r)


def neg(a: Any) -> Any:
    r = -a
    return r if INT_MIN <= r <= INT_MAX else wrap(r)


def div(a: Any, b: Any) -> Any:
    if type(a) is int:
        if b == 0:
            raise SynoemaError("division_by_zero", "division by zero")
        q = abs(a) // abs(b)
        if (a < 0) != (b < 0):
            q = -q
        return q if INT_MIN <= q <= INT_MAX else wrap(q)
    if b == 0:
        raise SynoemaError("division_by_zero", "division by zero")
    return a / b


def mod(a: Any, b: Any) -> Any:
    if b == 0:
        raise SynoemaError("division_by_zero", "modulo by zero")
    if type(a) is int:
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    return math.fmod(a, b)


def power(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        if b < 0:
            raise SynoemaError("runtime_error", "** needs a non-negative exponent for Int")
        if b > 64 and a not in (0, 1, -1):
            return wrap(pow(a, b, 2**64))
        return wrap(a**b)
    try:
        r = float(a) ** float(b)
    except (OverflowError, ZeroDivisionError):
        raise SynoemaError("runtime_error", f"{display(a)} ** {display(b)} is not a number") from None
    if isinstance(r, complex):
        return math.nan
    return r


def compare(a: Any, b: Any) -> int:
    return -1 if L.lt(a, b) else (1 if L.gt(a, b) else 0)


# ── run context ───────────────────────────────────────────────────────────────────────────────


class Context:
    """Per-run state: buffered output, stdin, args, permissions and limits."""

    def __init__(self, stdin: str | TextIO = "", args: list[str] | None = None, allow: frozenset[str] = frozenset({IO}),
                 max_output: int = 1 << 20, base_dir: str = ".") -> None:
        self.stdin = stdin
        self.args = list(args or [])
        self.allow = allow
        self.max_output = max_output
        self.base_dir = base_dir
        self.out: list[str] = []
        self.out_bytes = 0
        self.stdin_pos = 0
        self.handles: dict[int, Any] = {}
        self.next_handle = 100


_state = threading.local()


def ctx() -> Context:
    c = getattr(_state, "ctx", None)
    if c is None:
        c = Context()
        _state.ctx = c
    return c


def set_ctx(c: Context | None) -> None:
    """Enter (`c`) or leave (`None`) a run on this thread."""
    _state.ctx = c
    running = getattr(_state, "running", False)
    if c is not None and not running:
        _state.running = True
        _run_gc(+1)
    elif c is None:
        L.clear_cache()  # arrays of chains the finished run indexed
        if running:
            _state.running = False
            _run_gc(-1)


# Synoema values are immutable and acyclic: reference counting frees them, and the cycle collector
# only finds the few cycles of function objects. At its default threshold (700) it rescans the
# young cells of a deep recursion over a list every 700 allocations (a third of the time of a
# 100,000-deep `len (x:xs)`), so runs raise the threshold and put it back when the last one ends.
RUN_GC_THRESHOLD = (100_000, 20, 20)
_gc_lock = threading.Lock()
_gc_runs = [0]
_gc_saved: list[tuple[int, ...]] = []


def _run_gc(delta: int) -> None:
    import gc

    with _gc_lock:
        _gc_runs[0] += delta
        if delta > 0 and _gc_runs[0] == 1:
            _gc_saved[:] = [gc.get_threshold()]
            gc.set_threshold(*RUN_GC_THRESHOLD)
        elif delta < 0 and _gc_runs[0] == 0 and _gc_saved:
            gc.set_threshold(*_gc_saved[0])


def need(cap: str, name: str) -> Context:
    c = ctx()
    if cap not in c.allow:
        what = {FILE: "files", NET: "the network", PROC: "processes", ENV: "the environment", IO: "I/O"}[cap]
        raise SynoemaError(
            "permission_denied",
            f"`{name}` needs access to {what}, which is not allowed here",
            "This code runs in a sandbox; allow the capability to run it.",
        )
    return c


# ── builtins (uncurried; `CURRIED` holds their function values) ──────────────────────────────


def b_print(v: Any) -> None:
    c = ctx()
    s = display(v) + "\n"
    c.out_bytes += len(s.encode("utf-8", "surrogatepass"))
    if c.out_bytes > c.max_output:
        raise LimitExceeded(f"the program printed more than {c.max_output} bytes", "output")
    c.out.append(s)
    return None


b_show = display


MAX_LINE = 1 << 20  # characters `readline` takes from a stream in one call


def b_readline() -> str:
    c = need(IO, "readline")
    data = c.stdin
    if not isinstance(data, str):  # a stream (`synoema run`): read the line only now, at most 1 MiB of it
        line = data.readline(MAX_LINE)
        line = line[:-1] if line.endswith("\n") else line
        return line[:-1] if line.endswith("\r") else line
    if c.stdin_pos >= len(data):
        return ""
    end = data.find("\n", c.stdin_pos)
    if end < 0:
        line = data[c.stdin_pos :]
        c.stdin_pos = len(data)
    else:
        line = data[c.stdin_pos : end]
        c.stdin_pos = end + 1
    return line[:-1] if line.endswith("\r") else line


def b_length(xs: tuple) -> int:
    return xs[1] if xs else 0


def b_head(xs: tuple) -> Any:
    if not xs:
        raise SynoemaError("runtime_error", "head of an empty list", "Match `[]` first or check `length xs > 0`.")
    return xs[0]


def b_tail(xs: tuple) -> tuple:
    if not xs:
        raise SynoemaError("runtime_error", "tail of an empty list", "Match `[]` first or check `length xs > 0`.")
    return L.tail(xs)


def b_even(n: int) -> bool:
    return n % 2 == 0


def b_odd(n: int) -> bool:
    return n % 2 != 0


def b_not(b: bool) -> bool:
    return not b


def b_sum(xs: tuple) -> Any:
    items = flat(xs)
    if items and type(items[0]) is int:  # exact in C, then wrapped once: 64-bit addition is modular
        return wrap(sum(items))
    total = 0
    for x in items:  # floats added left to right, as the language says
        total += x
    return total


def b_map(f: Callable, xs: tuple) -> tuple:
    return from_array([f(x) for x in flat(xs)])


def b_filter(f: Callable, xs: tuple) -> tuple:
    return from_array([x for x in flat(xs) if f(x)])


def b_foldl(f: Callable, acc: Any, xs: tuple) -> Any:
    for x in flat(xs):
        acc = f(acc)(x)
    return acc


def b_concatMap(f: Callable, xs: tuple) -> tuple:
    out: list = []
    for x in flat(xs):
        out.extend(flat(f(x)))
    return from_array(out)


def b_zip(xs: tuple, ys: tuple) -> tuple:
    return from_array([(a, 2, (b, 1, ())) for a, b in zip(flat(xs), flat(ys))])


def b_index(i: int, xs: tuple) -> Any:
    n = xs[1] if xs else 0
    if i < 0 or i >= n:
        raise SynoemaError(
            "index_out_of_bounds",
            f"index {i} out of bounds (length {n})",
            "Check the index against `length xs` first.",
        )
    return L.at(xs, i)


def b_take(n: int, xs: tuple) -> tuple:
    return L.take(xs, n)


def b_drop(n: int, xs: tuple) -> tuple:
    return L.drop(xs, n)


def b_reverse(xs: tuple) -> tuple:
    return L.reverse(xs)


def b_sqrt(x: Any) -> float:
    if x < 0:
        return math.nan
    return math.sqrt(x)


def b_floor(x: float) -> float:
    return float(math.floor(x)) if math.isfinite(x) else x


def b_ceil(x: float) -> float:
    return float(math.ceil(x)) if math.isfinite(x) else x


def b_round(x: float) -> float:
    if not math.isfinite(x):
        return x
    a = abs(x)
    r = math.floor(a)
    if a - r >= 0.5:
        r += 1
    return float(-r if x < 0 else r)


def b_abs(x: Any) -> Any:
    r = abs(x)
    return r if type(r) is not int or r <= INT_MAX else wrap(r)


b_str_len = len  # C functions where the builtin is exactly one: no Python frame per call


def b_str_slice(s: str, start: int, end: int) -> str:
    n = len(s)
    a = min(max(start, 0), n)
    b = max(min(max(end, 0), n), a)
    return s[a:b]


def b_str_find(s: str, sub_: str, start: int) -> int:
    a = min(max(start, 0), len(s))
    return s.find(sub_, a)


b_str_starts_with = str.startswith
b_str_trim = str.strip


def b_str_join(sep: str, parts: tuple) -> str:
    items = flat(parts)
    try:
        return sep.join(items)
    except TypeError:  # not strings (only when types were not checked)
        return sep.join([p if type(p) is str else display(p) for p in items])


def b_json_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


_JSON_CONS: dict[str, tuple[str, int]] = {}  # filled by the prelude loader: tag -> (tag, idx)


def _json_con(tag: str, *args: Any) -> Con:
    info = _JSON_CONS.get(tag)
    idx = info[1] if info else 0
    return Con(tag, idx, args)


def _to_json_value(v: Any) -> Con:
    if v is None:
        return _json_con("JNull")
    if isinstance(v, bool):
        return _json_con("JBool", v)
    if isinstance(v, int):
        return _json_con("JNum", wrap(v))
    if isinstance(v, float):
        return _json_con("JNum", v)
    if isinstance(v, str):
        return _json_con("JStr", v)
    if isinstance(v, list):
        return _json_con("JArr", from_array([_to_json_value(x) for x in v]))
    items = sorted(v.items(), key=lambda kv: kv[0])
    return _json_con("JObj", from_array([Con("MkPair", 0, (k, _to_json_value(x))) for k, x in items]))


def b_json_parse(s: str) -> Con:
    import json as _json

    try:
        value = _json.loads(s)
    except _json.JSONDecodeError as e:
        return Con("Err", 1, (f"invalid JSON: {e.msg} at position {e.pos}",))
    except ValueError as e:  # e.g. an integer longer than Python converts
        return Con("Err", 1, (f"invalid JSON: {e}",))
    except RecursionError:
        return Con("Err", 1, ("invalid JSON: nested too deeply",))
    return Con("Ok", 0, (_to_json_value(value),))


def b_error(msg: Any) -> Any:
    raise SynoemaError("runtime_error", msg if isinstance(msg, str) else display(msg))


def b_file_read(path: str) -> str:
    c = need(FILE, "file_read")
    try:
        with open(os.path.join(c.base_dir, path), encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as e:
        raise SynoemaError("io_error", f"file_read: {path}: {e.strerror if isinstance(e, OSError) else e}") from None


def _new_handle(c: Context, obj: Any) -> int:
    h = c.next_handle
    c.next_handle += 1
    c.handles[h] = obj
    return h


def b_fd_open(path: str) -> int:
    c = need(FILE, "fd_open")
    try:
        fh = open(os.path.join(c.base_dir, path), encoding="utf-8")  # noqa: SIM115 - closed by fd_close
    except OSError as e:
        raise SynoemaError("io_error", f"fd_open: {path}: {e.strerror}") from None
    return _new_handle(c, fh)


def b_fd_open_write(path: str) -> int:
    c = need(FILE, "fd_open_write")
    try:
        fh = open(os.path.join(c.base_dir, path), "w", encoding="utf-8")  # noqa: SIM115 - closed by fd_close
    except OSError as e:
        raise SynoemaError("io_error", f"fd_open_write: {path}: {e.strerror}") from None
    return _new_handle(c, fh)


def b_fd_readline(h: int) -> str:
    c = ctx()
    fh = c.handles.get(h)
    if fh is None or not hasattr(fh, "readline"):
        return ""
    try:
        line = fh.readline()
    except (OSError, ValueError):
        return ""
    if isinstance(line, bytes):
        line = line.decode("utf-8", "replace")
    return line.rstrip("\n").rstrip("\r")


def b_fd_write(h: int, s: str) -> None:
    c = ctx()
    fh = c.handles.get(h)
    if fh is not None and hasattr(fh, "write"):
        try:
            if hasattr(fh, "sendall"):
                fh.sendall(s.encode())
            else:
                fh.write(s)
                fh.flush()
        except (OSError, ValueError):
            pass
    return None


def b_fd_close(h: int) -> None:
    c = ctx()
    fh = c.handles.pop(h, None)
    if fh is not None:
        with contextlib.suppress(OSError, ValueError):
            fh.close()
    return None


def b_fd_popen(cmd: str) -> int:
    import subprocess

    c = need(PROC, "fd_popen")
    try:
        proc = subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE, text=True)
    except OSError as e:
        raise SynoemaError("io_error", f"fd_popen: {e.strerror}") from None
    return _new_handle(c, proc.stdout)


def b_tcp_listen(port: int) -> int:
    import socket

    c = need(NET, "tcp_listen")
    try:
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", port))
        srv.listen()
    except OSError as e:
        raise SynoemaError("io_error", f"tcp_listen({port}): {e.strerror}") from None
    return _new_handle(c, srv)


def b_tcp_accept(h: int) -> int:
    c = need(NET, "tcp_accept")
    srv = c.handles.get(h)
    if srv is None:
        raise SynoemaError("io_error", f"tcp_accept: bad handle {h}")
    conn, _ = srv.accept()
    return _new_handle(c, _SocketFile(conn))


class _SocketFile:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.reader = conn.makefile("r", encoding="utf-8", newline="")

    def readline(self) -> str:
        return self.reader.readline()

    def sendall(self, data: bytes) -> None:
        self.conn.sendall(data)

    def write(self, s: str) -> None:
        self.conn.sendall(s.encode())

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.reader.close()
        self.conn.close()


def b_env(name: str) -> str:
    need(ENV, "env")
    return os.environ.get(name, "")


def b_env_or(name: str, default: str) -> str:
    need(ENV, "env_or")
    return os.environ.get(name, default)


def b_args() -> tuple:
    return from_array(list(ctx().args))


def b_eq(a: Any, b: Any) -> bool:
    return L.eq(a, b)


def b_cmp(a: Any, b: Any) -> int:
    return compare(a, b)


UNCURRIED: dict[str, Callable] = {
    name[2:]: fn for name, fn in list(globals().items()) if name.startswith("b_") and callable(fn)
}


def curry(fn: Callable, arity: int) -> Callable:
    """A one-argument-at-a-time function value for an n-ary Python function."""
    if arity <= 1:
        return fn
    if arity == 2:
        return lambda a: lambda b: fn(a, b)
    if arity == 3:
        return lambda a: lambda b: lambda c: fn(a, b, c)

    def collect(args: tuple) -> Callable:
        def step(x: Any) -> Any:
            got = (*args, x)
            return fn(*got) if len(got) == arity else collect(got)

        return step

    return collect(())


def partial(fn: Callable, arity: int, args: tuple) -> Callable:
    """Apply an n-ary function to fewer than n arguments."""
    missing = arity - len(args)
    if missing == 1:
        return lambda x: fn(*args, x)
    if missing == 2:
        return lambda x: lambda y: fn(*args, x, y)

    def collect(got: tuple) -> Callable:
        def step(x: Any) -> Any:
            more = (*got, x)
            return fn(*more) if len(more) == arity else collect(more)

        return step

    return collect(args)


def con_fn(tag: str, idx: int, arity: int) -> Callable:
    """A constructor used as a function value."""
    if arity == 1:
        return lambda a: Con(tag, idx, (a,))
    return curry(lambda *xs: Con(tag, idx, xs), arity)


def compose(f: Callable, g: Callable) -> Callable:
    return lambda x: g(f(x))


def rng(a: int, b: int, limit: int) -> tuple:
    n = b - a + 1
    if n > limit:
        raise LimitExceeded(f"the range [{a}..{b}] has {n} elements, more than the memory limit allows", "memory")
    return from_array(list(range(a, b + 1)))


class NoMatch(SynoemaError):
    def __init__(self, fname: str, args: tuple) -> None:
        shown = " ".join(_arg(a) for a in args)
        super().__init__(
            "no_match",
            f"no equation of `{fname}` matches {fname} {shown}".rstrip(),
            f"Add an equation of `{fname}` for this case or a catch-all `_` pattern.",
        )
        self.fname = fname


def _arg(v: Any) -> str:
    s = display(v)
    if len(s) > 60:
        s = s[:57] + "..."
    if type(v) is str:
        import json as _json

        return _json.dumps(v)
    if (type(v) is Con and v.args) or (type(v) in (int, float) and v < 0):  # type: ignore[operator]
        return f"({s})"
    return s


def field_of(v: Any, name: str) -> Any:
    try:
        return v.fields[name]
    except (AttributeError, KeyError):
        raise SynoemaError("runtime_error", f"value has no field `{name}`: {display(v)}") from None


def update_record(base: Any, updates: dict[str, Any]) -> Record:
    if type(base) is not Record:
        raise SynoemaError("runtime_error", "record update on a value that is not a record")
    fields = dict(base.fields)
    fields.update(updates)
    return Record(fields)
