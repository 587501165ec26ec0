"""string_ops."""

from __future__ import annotations
