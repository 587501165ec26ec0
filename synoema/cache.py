"""On-disk cache of compiled programs and of the prelude, like Python's .pyc files.

Entries are keyed by the program text and the implementation's own files (size + mtime), so any
change to the language code invalidates them. Writes are atomic (temp file + rename); a corrupt or
unreadable entry is ignored and rebuilt. Set SYNOEMA_CACHE_DIR to relocate it, or SYNOEMA_NO_CACHE=1
to disable it.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import pickle
from typing import Any

_version: str | None = None
FORMAT = 3


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
        h = hashlib.sha256(str(FORMAT).encode())
        for root, _dirs, files in os.walk(here):
            if "__pycache__" in root:
                continue
            for name in sorted(files):
                if name.endswith((".py", ".sno")):
                    st = os.stat(os.path.join(root, name))
                    h.update(f"{root}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
        _version = h.hexdigest()[:16]
    return _version


def key(*parts: str) -> str:
    h = hashlib.sha256(implementation_version().encode())
    for p in parts:
        h.update(b"\0")
        h.update(p.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def exists(name: str) -> bool:
    d = cache_dir()
    return d is not None and os.path.exists(os.path.join(d, name + ".bin"))


def load(name: str) -> Any | None:
    d = cache_dir()
    if d is None:
        return None
    try:
        with open(os.path.join(d, name + ".bin"), "rb") as fh:
            payload = pickle.load(fh)
        if payload.get("format") != FORMAT:
            return None
        if "code" in payload and payload["code"] is not None:
            payload["code"] = marshal.loads(payload["code"])
        return payload
    except Exception:
        return None


def store(name: str, payload: dict[str, Any]) -> None:
    d = cache_dir()
    if d is None:
        return
    data = dict(payload)
    data["format"] = FORMAT
    if data.get("code") is not None:
        data["code"] = marshal.dumps(data["code"])
    try:
        import tempfile

        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, os.path.join(d, name + ".bin"))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except Exception:
        return
