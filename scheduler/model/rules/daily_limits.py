"""Daily limits: ``max_hours_per_day`` and ``max_duty_shifts_per_day``.

Duty + unit + busy hours of the periods that belong to one day stay within
``max_hours_per_day``; duty shifts starting on one day stay within
``max_duty_shifts_per_day`` (default 1). A standby must stay callable: the
day's duty plus that standby turned into duty still keeps both limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.model.calendar import hours_to_minutes

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def apply(roster: RosterModel) -> None:
    from scheduler.model.roster_model import remaining

    variables = roster.vars
    for cadre in roster.instance.cadres:
        facts = roster.facts(cadre.id)
        daily_minutes = hours_to_minutes(facts.rules.max_hours_per_day)
        daily_shifts = facts.rules.max_duty_shifts_per_day
        for day in range(roster.calendar.days):
            slots = variables.slots_on(cadre.id, day)
            if not slots:
                continue
            standbys = variables.standby_on(cadre.id, day)
            exclusive = roster.exclusive_day(cadre.id, day)
            if daily_minutes is not None:
                allowed = remaining(daily_minutes, facts.fixed_minutes.get(day, 0))
                if exclusive and max(slot.minutes for slot in slots) <= allowed:
                    pass  # one shift at most, and it fits
                else:
                    duty_minutes = variables.duty_minutes_on(cadre.id, day)
                    roster.cp.add(duty_minutes <= allowed)
                    for slot, standby in standbys:
                        roster.cp.add(duty_minutes + slot.minutes * standby <= allowed)
            if daily_shifts is not None and not (exclusive and daily_shifts >= 1):
                duty_count = variables.duty_count_on(cadre.id, day)
                roster.cp.add(duty_count <= daily_shifts)
                standby_any = variables.any_of(f"standby_on[{cadre.id},{day}]", [standby for _, standby in standbys])
                roster.cp.add(duty_count + standby_any <= daily_shifts)
