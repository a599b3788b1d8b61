"""Demand maximum: at most ``max`` cadres on duty at a checkpoint, day and shift.

(Duty only where a demand rule applies is ensured when variables are made.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def apply(roster: RosterModel) -> None:
    for cell, holders in roster.vars.duty_by_cell.items():
        rule = roster.calendar.demand[cell]
        if rule.max is not None and len(holders) > rule.max:
            roster.cp.add(sum(variable for _, variable in holders) <= rule.max)
