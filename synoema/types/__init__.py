"""Type checking for Synoema: Hindley–Milner inference with ADTs, row-polymorphic records, type
classes (numeric and `++` overloading, Eq/Ord, user traits), aliases, signatures and
exhaustiveness warnings.

    from synoema.types import check_unit
    report = check_unit(unit)          # unit from synoema.resolve.resolve(...)
    report.signatures                  # [("fac", "Int -> Int"), ...] in source order
    report.diagnostics                 # type errors and non_exhaustive warnings
"""

from .check import TypeReport, check_unit, prelude_report, prelude_unit
from .printer import format_type

__all__ = ["TypeReport", "check_unit", "format_type", "prelude_report", "prelude_unit"]
