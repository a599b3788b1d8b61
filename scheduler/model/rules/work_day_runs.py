"""Work days and days off: ``max_consecutive_work_days`` and ``min_days_off_per_7_days``.

A work day is a day on which any work period starts: duty, standby, unit
hours (dual cadres on unit workdays), busy periods, history shifts. No run
of work days is longer than ``max_consecutive_work_days``; every 7-day
window ending inside the horizon holds at least ``min_days_off_per_7_days``
days off. Windows reach back before the horizon using the fixed facts. A
window that the fixed facts already break may get no added work day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def _limit_work_days(roster: RosterModel, cadre_id: str, length: int, most_work_days: int) -> None:
    """In every window of ``length`` days ending inside the horizon, at most ``most_work_days`` work days."""
    from scheduler.model.roster_model import remaining

    facts = roster.facts(cadre_id)
    for last in range(roster.calendar.days):
        days = range(last - length + 1, last + 1)
        fixed = sum(1 for day in days if day in facts.fixed_work_days)
        open_days = [
            roster.vars.rostered_day(cadre_id, day) for day in days if day >= 0 and day not in facts.fixed_work_days
        ]
        open_days = [day for day in open_days if not isinstance(day, int)]
        allowed = remaining(most_work_days, fixed)
        if len(open_days) > allowed:
            roster.cp.add(sum(open_days) <= allowed)


def apply(roster: RosterModel) -> None:
    for cadre in roster.instance.cadres:
        if cadre.id not in roster.vars.slots_of_cadre:
            continue
        rules = roster.facts(cadre.id).rules
        if rules.max_consecutive_work_days is not None:
            longest = rules.max_consecutive_work_days
            _limit_work_days(roster, cadre.id, longest + 1, longest)
        if rules.min_days_off_per_7_days is not None:
            _limit_work_days(roster, cadre.id, 7, 7 - rules.min_days_off_per_7_days)
