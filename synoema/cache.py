"""On-disk cache of compiled programs and of the prelude, like Python's .pyc files.

Entries are keyed by the program text and the implementation's own files (size + mtime), so any
change to the language code invalidates them. Writes are atomic (temp file + rename); a corrupt or
unreadable entry is ignored and rebuilt. Set SYNOEMA_CACHE_DIR to relocate it, or SYNOEMA_NO_CACHE=1
to disable it.

An entry is one `marshal` payload: code objects are native to it, and the few records it holds
(`GlobalFn`, `Diagnostic`, `Span`) are written as tagged tuples. Reading an entry is what every
`synoema run` does first, so this path imports neither `pickle` nor OpenSSL's `hashlib` (together
about a tenth of a whole `synoema run` of `main = 42`).
"""

from __future__ import annotations

import contextlib
import marshal
import os

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Any

try:  # the built-in SHA-256: no OpenSSL to load (hashlib's import does that)
    from _sha256 import sha256  # type: ignore[import-not-found]  # CPython <= 3.11
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]  # CPython >= 3.12
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

_version: str | None = None
FORMAT = 4
_TAG = "\0synoema-record"  # first item of an encoded record; no program value is a str tuple like it


def digest(*parts: str) -> str:
    """A hex SHA-256 of the parts (separated, so ("ab", "c") != ("a", "bc"))."""
    h = sha256()
    for p in parts:
        h.update(b"\0")
        h.update(p.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def cache_dir() -> str | None:
    if os.environ.get("SYNOEMA_NO_CACHE"):
        return None
    base = os.environ.get("SYNOEMA_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "synoema")
    return base


def implementation_version() -> str:
    """A fingerprint of this implementation's files (stat only: cheap)."""
    global _version
    if _version is None:
        here = os.path.dirname(os.path.abspath(__file__))
        h = sha256(str(FORMAT).encode())
        for root, dirs, files in os.walk(here):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")  # never list the .pyc folders
            for name in sorted(files):
                if name.endswith((".py", ".sno")):
                    st = os.stat(os.path.join(root, name))
                    h.update(f"{root}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
        _version = h.hexdigest()[:16]
    return _version


def key(*parts: str) -> str:
    return digest(implementation_version(), *parts)[:32]


def exists(name: str) -> bool:
    d = cache_dir()
    return d is not None and os.path.exists(os.path.join(d, name + ".bin"))


# ── records as marshal-able tuples ───────────────────────────────────────────────────────────


_CLASSES: dict[str, type] = {}


def _classes() -> dict[str, type]:
    if not _CLASSES:
        from .compiled import GlobalFn
        from .diagnostics import Diagnostic, Span

        _CLASSES.update({"GlobalFn": GlobalFn, "Diagnostic": Diagnostic, "Span": Span})
    return _CLASSES


def encode(v: Any) -> Any:
    """`v` with its records replaced by tagged tuples, ready for marshal."""
    t = type(v)
    if t in (str, int, float, bool, bytes) or v is None:
        return v
    if t is list:
        return [encode(x) for x in v]
    if t is dict:
        return {k: encode(x) for k, x in v.items()}
    fields = getattr(t, "__record_fields__", None) or getattr(t, "_fields", None)
    if fields is not None and t.__name__ in _classes():
        return (_TAG, t.__name__, tuple(encode(getattr(v, f)) for f in fields))
    if t is tuple:
        return tuple(encode(x) for x in v)
    return v  # code objects and whatever else marshal takes (it refuses the rest: nothing stored)


def decode(v: Any, classes: dict[str, type] | None = None) -> Any:
    t = type(v)
    if t is list:
        classes = classes or _classes()
        return [decode(x, classes) for x in v]
    if t is dict:
        classes = classes or _classes()
        return {k: decode(x, classes) for k, x in v.items()}
    if t is tuple:
        classes = classes or _classes()
        if len(v) == 3 and v[0] == _TAG:
            cls = classes[v[1]]
            args = [decode(x, classes) for x in v[2]]
            return cls(*args)
        return tuple(decode(x, classes) for x in v)
    return v


# ── entries ──────────────────────────────────────────────────────────────────────────────────


def load(name: str) -> Any | None:
    d = cache_dir()
    if d is None:
        return None
    try:
        with open(os.path.join(d, name + ".bin"), "rb") as fh:
            payload = marshal.load(fh)
        if type(payload) is not dict or payload.get("format") != FORMAT:
            return None
        return decode(payload)
    except Exception:
        return None


def store(name: str, payload: dict[str, Any]) -> None:
    d = cache_dir()
    if d is None:
        return
    try:
        data = marshal.dumps({**encode(payload), "format": FORMAT})
        import tempfile

        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, os.path.join(d, name + ".bin"))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except Exception:
        return
