"""`@record`: the dataclass features these modules use, without importing `dataclasses`.

Importing `dataclasses` (and `inspect` with it) costs ~15 ms, a large share of `synoema run`'s
start-up; the classes on the run path are simple records, so a small generator suffices. Fields are
the class annotations in order; a class attribute is the default; `Factory(list)` gives a fresh
default per instance. Generated: `__init__`, `__repr__`, `__eq__` and `replace(**changes)`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing (and the re it imports) stays off the `synoema run` path
if TYPE_CHECKING:
    from typing import Any


class Factory:
    __slots__ = ("make",)

    def __init__(self, make: Any) -> None:
        self.make = make


_MISSING = object()


if TYPE_CHECKING:  # type checkers read `record` as a dataclass (fields, `__init__`): `dataclass_transform`
    from collections.abc import Callable
    from typing import TypeVar, dataclass_transform, overload

    _C = TypeVar("_C", bound=type)

    @overload
    def record(cls: _C, *, eq: bool = True) -> _C: ...

    @overload
    def record(cls: None = None, *, eq: bool = True) -> Callable[[_C], _C]: ...

    @dataclass_transform()
    def record(cls: type | None = None, *, eq: bool = True) -> Any: ...

else:

    def record(cls: type | None = None, *, eq: bool = True) -> Any:
        """Decorate a class as a record; `@record(eq=False)` keeps identity equality and hashing."""
        if cls is None:
            return lambda c: _build(c, eq)
        return _build(cls, eq)


def _build(cls: type, eq: bool) -> type:
    names: list[str] = []
    for klass in reversed(cls.__mro__[:-1]):
        for name in klass.__dict__.get("__annotations__", {}):  # noqa: RUF063 - no inspect import
            if name not in names and not name.startswith("_"):
                names.append(name)
    defaults = {n: cls.__dict__.get(n, _MISSING) for n in names}
    params: list[str] = []
    body: list[str] = []
    env: dict[str, Any] = {}
    for n in names:
        d = defaults[n]
        if d is _MISSING:
            params.append(n)
            body.append(f"    self.{n} = {n}")
        elif isinstance(d, Factory):
            env[f"_f_{n}"] = d.make
            params.append(f"{n}=None")
            body.append(f"    self.{n} = _f_{n}() if {n} is None else {n}")
        else:
            env[f"_d_{n}"] = d
            params.append(f"{n}=_d_{n}")
            body.append(f"    self.{n} = {n}")
    src = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(src, env)
    cls.__init__ = env["__init__"]  # type: ignore[misc]
    for n in names:  # instance attributes shadow class-level defaults; drop them so Factory objects vanish
        if isinstance(defaults[n], Factory):
            delattr(cls, n)
    fields = tuple(names)

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in fields)
        return f"{type(self).__name__}({inner})"

    def __eq__(self: Any, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in fields)

    def replace(self: Any, **changes: Any) -> Any:
        values = {n: getattr(self, n) for n in fields}
        values.update(changes)
        return type(self)(**values)

    cls.__repr__ = __repr__  # type: ignore[method-assign]
    if eq:
        cls.__eq__ = __eq__  # type: ignore[method-assign]
        cls.__hash__ = None  # type: ignore[assignment]
    cls.replace = replace  # type: ignore[attr-defined]
    cls.__record_fields__ = fields  # type: ignore[attr-defined]
    cls.__match_args__ = fields  # type: ignore[attr-defined]
    return cls
