"""Declaring settings once: a dataclass field carries its env var, help text and limits, and one
validator turns TOML values, env vars and flags into typed values with readable messages.

Used by the user config's sections (`assistant.config`) and by every backend's `Options`
(`assistant.backends.config`), so a setting is described, documented and checked in one place.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def setting(default: Any, env: str, help: str, **extra: Any) -> Any:
    """A dataclass field carrying its env var, help text and validation rules."""
    return field(default=default, metadata={"env": env, "help": help, **extra})


@dataclass(frozen=True)
class FieldSpec:
    """One setting: where it lives, its type and how to validate it."""

    section: str
    name: str
    type: type
    optional: bool
    default: Any
    env: str
    help: str
    choices: tuple[str, ...] = ()
    label: str = ""
    minimum: float | None = None
    maximum: float | None = None
    path: bool = False

    @property
    def key(self) -> str:
        """Dotted name, e.g. ``backend.kind`` or ``backend.gguf.n_ctx``."""
        return f"{self.section}.{self.name}"


def _split_optional(hint: Any) -> tuple[type, bool]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0], True
    return hint, False


def specs_of(cls: type, section: str) -> list[FieldSpec]:
    """The settings of a dataclass declared with `setting`, in declaration order."""
    namespace = vars(sys.modules[cls.__module__])
    specs: list[FieldSpec] = []
    for f in dataclasses.fields(cls):
        if "env" not in f.metadata:
            continue
        hint = eval(f.type, namespace) if isinstance(f.type, str) else f.type  # postponed annotations
        base, optional = _split_optional(hint)
        meta = dict(f.metadata)
        specs.append(
            FieldSpec(
                section=section,
                name=f.name,
                type=base,
                optional=optional,
                default=f.default,
                env=meta.pop("env"),
                help=meta.pop("help"),
                **meta,
            )
        )
    return specs


class Invalid(ValueError):
    """A value that fails validation; the message is user-facing."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def close_match(word: str, options: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def suggest(word: str, options: Iterable[str]) -> str:
    match = close_match(word, options)
    return f" (did you mean {match!r}?)" if match else ""


def coerce(spec: FieldSpec, value: Any, *, from_text: bool) -> Any:
    """Check and convert one value; ``from_text`` allows parsing strings (env vars, flags)."""
    if spec.optional and (value is None or value == ""):
        return None
    if spec.type is bool:
        if isinstance(value, bool):
            return value
        if from_text and isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise Invalid(f"{spec.key} must be true or false, got {value!r}")
    if spec.type is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return _check_range(spec, value)
        parsed = _parse_text(value, int) if from_text else None
        if parsed is not None:
            return _check_range(spec, parsed)
        raise Invalid(f"{spec.key} must be a whole number, got {value!r}")
    if spec.type is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _check_range(spec, float(value))
        parsed = _parse_text(value, float) if from_text else None
        if parsed is not None:
            return _check_range(spec, parsed)
        raise Invalid(f"{spec.key} must be a number, got {value!r}")
    if not isinstance(value, str):
        raise Invalid(f"{spec.key} must be a string, got {value!r}")
    if spec.choices:
        word = value.strip().lower()
        if word not in spec.choices:
            hint = suggest(word, spec.choices) or f" (expected one of: {', '.join(spec.choices)})"
            raise Invalid(f"unknown {spec.label or spec.key} {value!r}{hint}")
        return word
    if spec.path:
        return os.path.expanduser(value)
    return value


def _parse_text(value: Any, kind: type[int] | type[float]) -> int | float | None:
    """``value`` parsed as ``kind`` when it is text that reads as one, else None."""
    if not isinstance(value, str):
        return None
    try:
        return kind(value.strip())
    except ValueError:
        return None


def _check_range(spec: FieldSpec, value: int | float) -> int | float:
    if value != value:  # NaN
        raise Invalid(f"{spec.key} must be a number, got nan")
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None and not low <= value <= high:
        raise Invalid(f"{spec.key} must be between {low:g} and {high:g}, got {value:g}")
    if low is not None and value < low:
        raise Invalid(f"{spec.key} must be at least {low:g}, got {value:g}")
    if high is not None and value > high:
        raise Invalid(f"{spec.key} must be at most {high:g}, got {value:g}")
    return value
