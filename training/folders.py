"""Output folders that appear only when complete: written beside the target, then renamed into place.

A run folder's ``adapter/``, ``model/``, ``merged/`` and ``base/`` are what later steps test for
(``synoema-train all`` skips a step whose output exists), so a step killed half-way must leave no
folder that looks finished.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path


def partial(target: Path, *, clear: bool = True) -> Path:
    """The temp folder beside ``target`` that becomes it on ``commit`` (emptied unless ``clear=False``)."""
    tmp = target.with_name(f".{target.name}.partial")
    if clear:
        shutil.rmtree(tmp, ignore_errors=True)
    return tmp


def commit(tmp: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    tmp.replace(target)
    return target


def write_folder(out: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on an empty temp folder beside ``out``, then replace ``out`` with it."""
    target = Path(out)
    tmp = partial(target)
    tmp.mkdir(parents=True)
    write(tmp)
    return commit(tmp, target)
