"""The one error type of the GGUF exporter, and the small readers every part of it shares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class ExportError(Exception):
    """The checkpoint cannot be exported faithfully; the message says why and what to do."""


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``; a missing or broken file is an ``ExportError`` naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ExportError(f"{path} is missing") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ExportError(f"{path} does not hold a JSON object")
    return data
