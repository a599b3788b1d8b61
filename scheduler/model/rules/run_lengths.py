"""Shortest runs: ``min_consecutive_days_off`` and ``min_consecutive_work_days``.

Counting duty and standby days only: a run of days without duty or standby
that has such a day on both sides inside the horizon lasts at least
``min_consecutive_days_off`` days; a run of duty/standby days with a free day
on both sides inside the horizon lasts at least ``min_consecutive_work_days``.
Runs touching the horizon's ends are exempt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def _forbid_short_runs(roster: RosterModel, cadre_id: str, shortest: int, *, of_work: bool) -> None:
    days = roster.calendar.days
    rostered = [roster.vars.rostered_day(cadre_id, day) for day in range(days)]
    for length in range(1, shortest):
        for first in range(1, days - length):
            before, after = first - 1, first + length
            inside = rostered[first:after]
            # the pattern: border days of one kind, the run of the other kind
            border_value = 0 if of_work else 1
            run_value = 1 - border_value
            if any(isinstance(v, int) and v != border_value for v in (rostered[before], rostered[after])):
                continue
            if any(isinstance(v, int) and v != run_value for v in inside):
                continue
            literals = []
            for value in (rostered[before], rostered[after]):
                if not isinstance(value, int):
                    literals.append(value if border_value == 0 else value.Not())
            for value in inside:
                if not isinstance(value, int):
                    literals.append(value.Not() if run_value == 1 else value)
            if not literals:
                continue  # a fixed pattern cannot happen: open days are never forced
            roster.cp.add_bool_or(literals)


def apply(roster: RosterModel) -> None:
    for cadre in roster.instance.cadres:
        if cadre.id not in roster.vars.slots_of_cadre:
            continue
        rules = roster.facts(cadre.id).rules
        if rules.min_consecutive_days_off and rules.min_consecutive_days_off > 1:
            _forbid_short_runs(roster, cadre.id, rules.min_consecutive_days_off, of_work=False)
        if rules.min_consecutive_work_days and rules.min_consecutive_work_days > 1:
            _forbid_short_runs(roster, cadre.id, rules.min_consecutive_work_days, of_work=True)
