"""Weekends: ``max_weekends``.

A weekend is a Saturday and the following Sunday inside the horizon (a
Sunday on day 0 counts alone, as does a Saturday on the last day). A weekend
counts when the cadre has a duty on either day; at most ``max_weekends``
count. A weekend standby stays callable: turned into duty alone, it keeps
the limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def apply(roster: RosterModel) -> None:
    variables = roster.vars
    weekends = roster.calendar.weekends()
    for cadre in roster.instance.cadres:
        limit = roster.facts(cadre.id).rules.max_weekends
        if limit is None or cadre.id not in variables.slots_of_cadre:
            continue
        worked = []
        standby_on_weekend = []
        for index, days in enumerate(weekends):
            duties = [
                variable
                for day in days
                for slot in variables.slots_on(cadre.id, day)
                for variable in variables.duty_in_slot(cadre.id, day, slot.shift)
            ]
            worked.append(variables.any_of(f"weekend[{cadre.id},{index}]", duties))
            standbys = [standby for day in days for _, standby in variables.standby_on(cadre.id, day)]
            standby_on_weekend.append(variables.any_of(f"weekend_standby[{cadre.id},{index}]", standbys))
        possible = sum(1 for flag in worked if not isinstance(flag, int))
        if possible > limit:
            roster.cp.add(sum(worked) <= limit)
        for index, standby_flag in enumerate(standby_on_weekend):
            if isinstance(standby_flag, int):
                continue
            others = [flag for other, flag in enumerate(worked) if other != index and not isinstance(flag, int)]
            if len(others) + 1 > limit:
                roster.cp.add(sum(others) + standby_flag <= limit)
