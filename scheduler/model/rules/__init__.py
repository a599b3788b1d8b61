"""The rule families of the CP-SAT model, in the order they are added.

Each module states its rule in plain words in its docstring and has
``apply(roster_model)`` that adds the rule's constraints, including what the
rule means for standby callability. The objective parts are in
:mod:`scheduler.model.objective`.
"""

from __future__ import annotations

from scheduler.model.rules import (
    daily_limits,
    demand_limits,
    night_limits,
    one_place_at_a_time,
    run_lengths,
    shift_types,
    standby_limits,
    successions,
    total_hours,
    unit_presence,
    weekends,
    weekly_limits,
    work_day_runs,
)

RULES = [
    one_place_at_a_time,
    demand_limits,
    standby_limits,
    daily_limits,
    weekly_limits,
    work_day_runs,
    night_limits,
    total_hours,
    weekends,
    run_lengths,
    shift_types,
    successions,
    unit_presence,
]
