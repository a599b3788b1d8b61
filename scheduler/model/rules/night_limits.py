"""Night duty: ``max_night_shifts_per_7_days`` and ``max_consecutive_nights``.

Night duty shifts in every 7-day window ending inside the horizon stay
within ``max_night_shifts_per_7_days`` (history nights count); no run of days
with a night duty is longer than ``max_consecutive_nights``. A night standby
stays callable: turned into duty alone, it keeps both limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def _nights_per_window(roster: RosterModel, cadre_id: str, limit: int) -> None:
    from scheduler.model.roster_model import remaining

    variables = roster.vars
    facts = roster.facts(cadre_id)
    for last in range(roster.calendar.days):
        window = range(max(last - 6, 0), last + 1)
        nights = [variables.duty_count_on(cadre_id, day, night_only=True) for day in window]
        night_standbys = [
            standby for day in window for _, standby in variables.standby_on(cadre_id, day, night_only=True)
        ]
        possible = sum(
            len(variables.duty_in_slot(cadre_id, day, slot.shift)) > 0
            for day in window
            for slot in variables.slots_on(cadre_id, day)
            if slot.night
        )
        fixed = sum(facts.history_nights.get(day, 0) for day in range(last - 6, last + 1))
        allowed = remaining(limit, fixed)
        if possible + (1 if night_standbys else 0) <= allowed:
            continue
        standby_any = variables.any_of(f"night_standby7[{cadre_id},{last}]", night_standbys)
        roster.cp.add(sum(nights) + standby_any <= allowed)


def _night_runs(roster: RosterModel, cadre_id: str, longest: int) -> None:
    """Every window of ``longest + 1`` days holds at most ``longest`` night days."""
    from scheduler.model.roster_model import remaining

    variables = roster.vars
    facts = roster.facts(cadre_id)
    night_day = {}
    night_standby_day = {}
    for day in range(roster.calendar.days):
        if variables.has_duty_on(cadre_id, day, night_only=True):
            night_day[day] = variables.any_of(
                f"night_day[{cadre_id},{day}]",
                [
                    v
                    for slot in variables.slots_on(cadre_id, day)
                    if slot.night
                    for v in variables.duty_in_slot(cadre_id, day, slot.shift)
                ],
            )
        standbys = [standby for _, standby in variables.standby_on(cadre_id, day, night_only=True)]
        if standbys:
            night_standby_day[day] = variables.any_of(f"night_standby_day[{cadre_id},{day}]", standbys)
    length = longest + 1
    for last in range(roster.calendar.days):
        days = range(last - length + 1, last + 1)
        fixed = sum(1 for day in days if facts.history_nights.get(day, 0) > 0)
        allowed = remaining(longest, fixed)
        in_window = [day for day in days if day in night_day]
        if len(in_window) > allowed:
            roster.cp.add(sum(night_day[day] for day in in_window) <= allowed)
        for day in days:
            if day in night_standby_day:
                others = [night_day[other] for other in in_window if other != day]
                if len(others) + 1 > allowed:
                    roster.cp.add(sum(others) + night_standby_day[day] <= allowed)


def apply(roster: RosterModel) -> None:
    for cadre in roster.instance.cadres:
        if cadre.id not in roster.vars.slots_of_cadre:
            continue
        rules = roster.facts(cadre.id).rules
        if rules.max_night_shifts_per_7_days is not None:
            _nights_per_window(roster, cadre.id, rules.max_night_shifts_per_7_days)
        if rules.max_consecutive_nights is not None:
            _night_runs(roster, cadre.id, rules.max_consecutive_nights)
