"""Units keep enough people: ``max_away``.

At any moment inside a unit's hours on a unit workday, at most ``max_away``
of its cadres (any mode) are on duty or standby. The count can only rise at
the start of the unit hours or at a shift start, so those moments suffice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.model.calendar import MINUTES_PER_DAY, clock_minutes, period_minutes, unit_workday

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def apply(roster: RosterModel) -> None:
    calendar = roster.calendar
    variables = roster.vars
    for unit in roster.instance.units:
        if unit.max_away is None:
            continue
        members = [cadre.id for cadre in roster.instance.cadres if cadre.unit == unit.id]
        if len(members) <= unit.max_away:
            continue
        slots_by_day: dict[int, list] = {}
        for cadre_id in members:
            for slot in variables.slots_of_cadre.get(cadre_id, []):
                slots_by_day.setdefault(slot.day, []).append((cadre_id, slot))
        length = period_minutes(unit.hours.start, unit.hours.end)
        for day in range(-1, calendar.days):
            if not unit_workday(unit, calendar.date_of(day)):
                continue
            opens = day * MINUTES_PER_DAY + clock_minutes(unit.hours.start)
            closes = opens + length
            # shifts are at most a day long: only those of the day before to the day after can meet
            member_slots = [item for near in (day - 1, day, day + 1) for item in slots_by_day.get(near, [])]
            moments = {opens} | {slot.start for _, slot in member_slots if opens < slot.start < closes}
            for moment in sorted(moments):
                away = [
                    variable
                    for cadre_id, slot in member_slots
                    if slot.start <= moment < slot.end
                    for variable in variables.duty_in_slot(cadre_id, slot.day, slot.shift)
                    + variables.standby_in_slot(cadre_id, slot.day, slot.shift)
                ]
                if len(away) > unit.max_away:
                    roster.cp.add(sum(away) <= unit.max_away)
