"""Files that survive a kill: atomic replacement and append-only JSONL with torn-tail recovery.

Every file the project writes for a user (configs, exports, corpus records, dialogue rows,
generations, training data) goes through here, so there is one durability model to reason about:

- ``write_atomic`` writes a temp file beside the target, fsyncs it and renames it over the target,
  so a reader sees the old content or the new one, never half of either.
- ``append_jsonl`` / ``JsonlAppender`` add each record as one complete line in a single ``write``
  followed by ``fsync``. Before the first append the tail of the file is checked: a last line
  without its newline (a writer killed mid-write) is moved aside to ``<name>.torn`` and reported,
  so the next record always starts on a line of its own and no completed record is merged with it.
  Both happen under an advisory lock, so two writers of one file never cut each other's line.
- ``read_jsonl`` reads the complete lines back, skipping (and reporting) a torn last line and
  lines that are not JSON objects, so a reader can resume from what is really there.

It lives in ``synoema`` because that package is the bottom layer every other package may import;
it depends only on the standard library.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "JsonlAppender",
    "JsonlContents",
    "TornTail",
    "append_jsonl",
    "read_jsonl",
    "recover_torn_tail",
    "write_atomic",
]

_TAIL_PROBE = 1 << 16  # bytes read back from the end to find the start of a torn line


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, mode: int = 0o644) -> Path:
    """Replace ``path`` with ``data`` atomically (temp file in the same folder, fsync, rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class TornTail:
    """A last line without its newline, found when a JSONL file was opened."""

    path: Path
    offset: int  # where the torn line started; the file was cut back to this length
    data: bytes  # the partial line
    moved_to: Path | None  # where the partial line was saved, when it was moved aside

    def describe(self) -> str:
        where = f"; kept in {self.moved_to}" if self.moved_to else ""
        return f"{self.path}: an incomplete last line ({len(self.data)} bytes) was set aside{where}"


def _torn_start(fd: int, size: int) -> int | None:
    """Offset of the last line when the file does not end with a newline, else None."""
    if size == 0:
        return None
    os.lseek(fd, size - 1, os.SEEK_SET)
    if os.read(fd, 1) == b"\n":
        return None
    pos = size
    while pos > 0:
        step = min(_TAIL_PROBE, pos)
        os.lseek(fd, pos - step, os.SEEK_SET)
        chunk = os.read(fd, step)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            return pos - step + cut + 1
        pos -= step
    return 0


def recover_torn_tail(path: str | os.PathLike[str], *, keep: bool = True) -> TornTail | None:
    """Cut a torn last line off ``path`` (saving it to ``<name>.torn`` when ``keep``); None if intact."""
    target = Path(path)
    try:
        fd = os.open(target, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        with _locked(fd):
            return _recover(fd, target, keep)
    finally:
        os.close(fd)


def _recover(fd: int, target: Path, keep: bool) -> TornTail | None:
    size = os.fstat(fd).st_size
    start = _torn_start(fd, size)
    if start is None:
        return None
    os.lseek(fd, start, os.SEEK_SET)
    data = os.read(fd, size - start)
    moved: Path | None = None
    if keep:
        moved = target.with_name(target.name + ".torn")
        with open(moved, "ab") as aside:
            aside.write(data + b"\n")
            aside.flush()
            os.fsync(aside.fileno())
    os.ftruncate(fd, start)
    os.fsync(fd)
    return TornTail(target, start, data, moved)


@contextlib.contextmanager
def _locked(fd: int) -> Iterator[None]:
    """An exclusive advisory lock on the file while its tail is checked or a line is written, so two
    writers (two app windows) never cut each other's line in progress; a killed holder's lock goes
    with it."""
    try:
        import fcntl
    except ImportError:  # no advisory locks here: a single writer is still safe
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _line(record: Any) -> bytes:
    text = json.dumps(record, ensure_ascii=False, separators=(", ", ": "))
    if "\n" in text:  # json.dumps escapes newlines in strings; a raw one means a custom encoder
        raise ValueError("a JSONL record must serialise to one line")
    return (text + "\n").encode("utf-8")


class JsonlAppender:
    """Appends records to one JSONL file, one fsync'd line per record.

    Opening recovers a torn tail first (see ``recovered``). Use as a context manager, or call
    ``close``. ``sync=False`` skips the fsync per line (for bulk writes that fsync on close).
    """

    def __init__(self, path: str | os.PathLike[str], *, sync: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._sync = sync
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            with _locked(self._fd):
                self.recovered: TornTail | None = _recover(self._fd, self.path, keep=True)
        except BaseException:
            os.close(self._fd)
            raise
        self.count = 0

    def append(self, record: Any) -> None:
        if self._fd is None:
            raise ValueError(f"{self.path} is closed")
        data = _line(record)
        with _locked(self._fd):
            written = os.write(self._fd, data)
            while written < len(data):  # a short write on a regular file is rare, but finish the line
                written += os.write(self._fd, data[written:])
            if self._sync:
                os.fsync(self._fd)
        self.count += 1

    def extend(self, records: Iterable[Any]) -> None:
        for record in records:
            self.append(record)

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def append_jsonl(path: str | os.PathLike[str], record: Any) -> TornTail | None:
    """Append one record as one fsync'd line; returns the torn tail that was set aside, if any."""
    with JsonlAppender(path) as out:
        out.append(record)
        return out.recovered


@dataclass
class JsonlContents:
    """What ``read_jsonl`` found: the records, and the lines it could not use (1-based numbers)."""

    records: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)
    torn: bool = False  # the last line had no newline (a writer was killed mid-line)

    def problems(self) -> list[str]:
        out = [f"line {n}: {why}" for n, why in self.bad_lines]
        if self.torn:
            out.append("the last line is incomplete (the writer was interrupted)")
        return out


def iter_jsonl_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, raw line without newline, complete?) for each line of ``path``."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            complete = raw.endswith(b"\n")
            yield number, raw.rstrip(b"\r\n") if complete else raw, complete


def read_jsonl(path: str | os.PathLike[str], *, missing_ok: bool = True) -> JsonlContents:
    """The JSON objects of ``path``, one per complete line; blank lines are skipped."""
    found = JsonlContents()
    if missing_ok and not Path(path).exists():
        return found
    for number, raw, complete in iter_jsonl_lines(path):
        if not complete:
            found.torn = True
            continue
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            found.bad_lines.append((number, f"not JSON ({exc})"))
            continue
        if not isinstance(value, dict):
            found.bad_lines.append((number, f"a JSON {type(value).__name__}, not an object"))
            continue
        found.records.append(value)
    return found
