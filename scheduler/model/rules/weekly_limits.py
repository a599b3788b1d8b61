"""Hours in every 7-day window: ``max_hours_per_7_days`` and ``max_duty_hours_per_7_days``.

Every window of 7 days that ends inside the horizon is checked; windows
reach back before the horizon, where history duty, unit hours and busy
periods count. ``max_hours_per_7_days`` counts duty + unit + busy hours;
``max_duty_hours_per_7_days`` duty hours alone. A standby stays callable:
the window's duty plus the largest single standby of the window, turned
into duty, keeps the limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.model.calendar import hours_to_minutes

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel

WINDOW = 7


def apply(roster: RosterModel) -> None:
    from scheduler.model.roster_model import remaining

    variables = roster.vars
    for cadre in roster.instance.cadres:
        facts = roster.facts(cadre.id)
        limits = [
            ("hours7", hours_to_minutes(facts.rules.max_hours_per_7_days), facts.fixed_minutes),
            ("duty_hours7", hours_to_minutes(facts.rules.max_duty_hours_per_7_days), facts.fixed_duty_minutes),
        ]
        checked = [(name, limit, fixed) for name, limit, fixed in limits if limit is not None]
        if not checked or cadre.id not in variables.slots_of_cadre:
            continue
        for last in range(roster.calendar.days):
            window = range(max(last - WINDOW + 1, 0), last + 1)
            duty_terms = [
                (slot.minutes, variable)
                for day in window
                for slot in variables.slots_on(cadre.id, day)
                for variable in variables.duty_in_slot(cadre.id, day, slot.shift)
            ]
            standby_terms = [
                (slot.minutes, standby) for day in window for slot, standby in variables.standby_on(cadre.id, day)
            ]
            if not duty_terms and not standby_terms:
                continue
            # a standby turned into duty takes a day's place like a duty, so one bound serves both
            most_possible = roster.window_most_minutes(cadre.id, range(last - WINDOW + 1, last + 1))
            duty_minutes = sum(minutes * variable for minutes, variable in duty_terms)
            for name, limit, fixed_by_day in checked:
                fixed = sum(fixed_by_day.get(day, 0) for day in range(last - WINDOW + 1, last + 1))
                allowed = remaining(limit, fixed)
                if most_possible <= allowed:
                    continue  # cannot be broken
                peak = roster.peak(f"{name}_standby_peak[{cadre.id},{last}]", standby_terms)
                roster.cp.add(duty_minutes + peak <= allowed)
