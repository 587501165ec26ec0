"""Type classes: which types satisfy `Num`, `Concat`, `Eq`, `Ord`, `Show` and user traits.

Built-in classes are decided by the type's head; user traits and `Ord` on ADTs by instances from
`derive` and `impl`. An instance says which classes its type arguments must satisfy in turn
(`impl Show (Maybe a) ? Show a`, or every parameter for a derived instance).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .core import BOOL_C, CHAR_C, FLOAT_C, INT_C, LIST_C, STRING_C, UNIT_C, TyCon, Type

NUM, CONCAT, EQ, ORD, SHOW = "Num", "Concat", "Eq", "Ord", "Show"
BUILTIN_CLASSES = frozenset({NUM, CONCAT, EQ, ORD})

NUMERIC = frozenset({INT_C, FLOAT_C})
CONCATENABLE = frozenset({STRING_C, LIST_C})
ORDERED = frozenset({INT_C, FLOAT_C, STRING_C, CHAR_C, BOOL_C, UNIT_C})


@dataclass(slots=True)
class Instance:
    """`impl Trait (T a b) ? C a`: per argument, the classes it must satisfy, or a fixed type."""

    trait: str
    head: TyCon | str
    arg_classes: list[frozenset[str]]
    arg_types: list[Type | None] = field(default_factory=list)
    source: object = None  # the ImplDecl or TypeDef it came from


def normalize(classes: frozenset[str]) -> frozenset[str]:
    """Drop classes implied by others: Num gives Eq and Ord, Ord gives Eq."""
    if NUM in classes and (EQ in classes or ORD in classes):
        classes = classes - {EQ, ORD}
    if ORD in classes and EQ in classes:
        classes = classes - {EQ}
    return classes


def entails(given: frozenset[str], wanted: str) -> bool:
    """Does a signature's constraint set `given` provide `wanted` for a rigid variable?"""
    if wanted in given or wanted in (EQ, SHOW):
        return True  # `==` and `show` work on every value a signature variable can stand for
    return wanted == ORD and NUM in given


def conflict(classes: frozenset[str]) -> bool:
    """No type is both a number and something `++` joins."""
    return NUM in classes and CONCAT in classes
