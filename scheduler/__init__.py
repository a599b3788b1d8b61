"""schedule: rosters for sunk cadres in community epidemic control, with OR-Tools CP-SAT.

The public Python API (everything else is private by convention)::

    import scheduler
    instance = scheduler.load_instance("instances/tiny.json")
    roster = scheduler.solve(instance, time_limit=10)
    assert scheduler.check(instance, roster).ok
    scheduler.assignments_frame(roster)      # duties as a DataFrame
    scheduler.shortfalls_frame(roster)       # what could not be covered, and why
    scheduler.cadre_metrics_frame(roster)    # per-cadre load, nights, streaks, ...
    scheduler.write_roster(roster, "roster.json")

The names are loaded on first use, so that ``import scheduler.checker`` (the
independent checker) never loads OR-Tools.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.api import (
        assignments_frame,
        cadre_metrics_frame,
        check,
        load_instance,
        parse_instance,
        shortfalls_frame,
        solve,
        standby_frame,
        write_roster,
    )
    from scheduler.search.options import SolveOptions
    from scheduler.search.settings import SearchSettings

_PUBLIC = {
    "assignments_frame": "scheduler.api",
    "cadre_metrics_frame": "scheduler.api",
    "check": "scheduler.api",
    "load_instance": "scheduler.api",
    "parse_instance": "scheduler.api",
    "shortfalls_frame": "scheduler.api",
    "solve": "scheduler.api",
    "standby_frame": "scheduler.api",
    "write_roster": "scheduler.api",
    "SolveOptions": "scheduler.search.options",
    "SearchSettings": "scheduler.search.settings",
}

__all__ = [
    "SearchSettings",
    "SolveOptions",
    "assignments_frame",
    "cadre_metrics_frame",
    "check",
    "load_instance",
    "parse_instance",
    "shortfalls_frame",
    "solve",
    "standby_frame",
    "write_roster",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
