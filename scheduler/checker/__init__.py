"""Independent roster checker: recomputes every rule, coverage, objective part and metric of a roster.

It shares nothing with the CP-SAT model but the data contract (:mod:`models`) and
``docs/SEMANTICS.md``; it never imports ortools. The public entry points are in
:mod:`scheduler.checker.api`.
"""

from scheduler.checker.api import (
    CheckReport,
    Evaluation,
    Explainer,
    Violation,
    check,
    evaluate,
    fixed_warnings,
    standby_why_not,
    why_not,
)

__all__ = [
    "CheckReport",
    "Evaluation",
    "Explainer",
    "Violation",
    "check",
    "evaluate",
    "fixed_warnings",
    "standby_why_not",
    "why_not",
]
