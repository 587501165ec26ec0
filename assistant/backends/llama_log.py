"""Route llama.cpp's C-level log into Python logging instead of stderr.

llama-cpp-python prints llama.cpp errors straight to stderr, which would scribble over the terminal
UI; here they go to the ``assistant.llama_cpp`` logger, and recent error lines are kept so that an
error message (say, a grammar parse error) can quote them.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

logger = logging.getLogger("assistant.llama_cpp")
# Without a handler of its own, a warning (llama.cpp's "n_ctx_seq > n_ctx_train") would reach the
# terminal through logging's last-resort stderr handler; with this one it goes only where the app's
# log configuration sends it (the log file).
logger.addHandler(logging.NullHandler())

# ggml_log_level: NONE=0, DEBUG=1, INFO=2, WARN=3, ERROR=4, CONT=5 (continues the previous line).
_LEVELS = {0: logging.DEBUG, 1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}
_recent_errors: collections.deque[str] = collections.deque(maxlen=20)
_state: dict[str, Any] = {"callback": None, "last_level": logging.DEBUG}
_lock = threading.Lock()


def install() -> None:
    """Replace llama.cpp's log callback once per process (the callback must stay referenced)."""
    with _lock:
        if _state["callback"] is not None:
            return
        import llama_cpp

        @llama_cpp.llama_log_callback
        def callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            py_level = _LEVELS.get(level, _state["last_level"])
            _state["last_level"] = py_level
            message = text.decode("utf-8", "replace")
            if py_level >= logging.ERROR:
                _recent_errors.append(message)
            if logger.isEnabledFor(py_level):
                logger.log(py_level, "%s", message.rstrip("\n"))

        llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))
        _state["callback"] = callback


def take_errors() -> str:
    """Error text logged since the last call, joined; clears the buffer."""
    lines: list[str] = []
    while _recent_errors:
        lines.append(_recent_errors.popleft())
    return "".join(lines).strip()


@contextlib.contextmanager
def capture_stderr() -> Iterator[list[str]]:
    """Capture what C code writes to file descriptor 2 (some llama.cpp errors bypass the log callback).

    Use only around short calls: anything else written to stderr meanwhile is captured too.
    The captured text is appended to the yielded list on exit.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        captured: list[str] = []
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.append(sink.read().decode("utf-8", "replace"))
