"""Shift types: ``max_shifts_by_type`` ({shift: n}) duty shifts of each type over the horizon.

A standby of that shift stays callable: turned into duty alone, the count
keeps the limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def apply(roster: RosterModel) -> None:
    variables = roster.vars
    for cadre in roster.instance.cadres:
        limits = roster.facts(cadre.id).rules.max_shifts_by_type or {}
        if not limits:
            continue
        days_of_shift: dict[str, list[int]] = {}  # one pass over the cadre's slots, not one per type
        for slot in variables.slots_of_cadre.get(cadre.id, []):
            days_of_shift.setdefault(slot.shift, []).append(slot.day)
        for shift_id, limit in limits.items():
            days = days_of_shift.get(shift_id, [])
            duties = [variable for day in days for variable in variables.duty_in_slot(cadre.id, day, shift_id)]
            standbys = [variable for day in days for variable in variables.standby_in_slot(cadre.id, day, shift_id)]
            if len(duties) + (1 if standbys else 0) <= limit:
                continue
            standby_any = variables.any_of(f"standby_of_type[{cadre.id},{shift_id}]", standbys)
            roster.cp.add(cp_model.LinearExpr.sum(duties) + standby_any <= limit)
