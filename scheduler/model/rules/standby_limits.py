"""Standby never beyond what is asked: at most the wanted number of standby cadres per community, day and shift.

(Standby is wanted per community, day and shift by ``standby.per_community``
and its overrides; more would only add load. Variables exist only where
some standby is wanted.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.model.calendar import standby_wanted

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def apply(roster: RosterModel) -> None:
    calendar = roster.calendar
    for (community, day, shift), holders in roster.vars.standby_by_cell.items():
        wanted = standby_wanted(roster.instance.standby, community, calendar.date_of(day), shift)
        if len(holders) > wanted:
            roster.cp.add(sum(variable for _, variable in holders) <= wanted)
