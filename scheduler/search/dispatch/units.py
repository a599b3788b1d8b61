"""Units in the hand dispatch: how many of a unit's cadres are away at each moment of its hours (``max_away``)."""

from __future__ import annotations

from models.instance import Instance
from scheduler.model.calendar import MINUTES_PER_DAY, Calendar, Slot, clock_minutes, period_minutes, unit_workday

# --------------------------------------------------------------------------- units


class Units:
    """``max_away``: how many of each unit's cadres hold a duty or standby in each slot."""

    def __init__(self, instance: Instance, calendar: Calendar) -> None:
        self.calendar = calendar
        self.limits = {unit.id: unit.max_away for unit in instance.units if unit.max_away is not None}
        self.away: dict[tuple[str, int, str], int] = {}
        self.hours: dict[str, tuple[int, int, set[int]]] = {}
        for unit in instance.units:
            if unit.max_away is None:
                continue
            workdays = {day for day in range(-1, calendar.days + 1) if unit_workday(unit, calendar.date_of(day))}
            self.hours[unit.id] = (clock_minutes(unit.hours.start), period_minutes(unit.hours.start, unit.hours.end),
                                   workdays)
        self._moments: dict[tuple[str, int], list[tuple[int, list[Slot]]]] = {}

    def _moments_of(self, unit_id: str, workday: int) -> list[tuple[int, list[Slot]]]:
        """The moments of one unit workday where the count of cadres away can rise, each with the slots
        that cover it: the start of the hours and every shift start inside them."""
        key = (unit_id, workday)
        known = self._moments.get(key)
        if known is None:
            opens, length, _ = self.hours[unit_id]
            start = workday * MINUTES_PER_DAY + opens
            end = start + length
            near = [slot for (day, _), slot in self.calendar.slots.items() if workday - 1 <= day <= workday + 1]
            moments = sorted({start} | {slot.start for slot in near if start < slot.start < end})
            known = [(moment, [slot for slot in near if slot.start <= moment < slot.end]) for moment in moments]
            self._moments[key] = known
        return known

    def fits(self, unit_id: str | None, slot: Slot) -> bool:
        if unit_id is None or unit_id not in self.limits:
            return True
        limit = self.limits[unit_id]
        workdays = self.hours[unit_id][2]
        for workday in (slot.day - 1, slot.day, slot.day + 1):
            if workday not in workdays:
                continue
            for moment, covering in self._moments_of(unit_id, workday):
                if not slot.start <= moment < slot.end:
                    continue
                away = sum(self.away.get((unit_id, other.day, other.shift), 0) for other in covering)
                if away + 1 > limit:
                    return False
        return True

    def change(self, unit_id: str | None, slot: Slot, sign: int) -> None:
        if unit_id is not None and unit_id in self.limits:
            key = (unit_id, slot.day, slot.shift)
            self.away[key] = self.away.get(key, 0) + sign
