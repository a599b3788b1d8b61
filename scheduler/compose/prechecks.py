"""Warnings before a solve: demand that cannot be met whatever the roster.

These are warnings, not errors: the solve still runs and reports shortfalls.
"""

from __future__ import annotations

from collections import defaultdict

from models.instance import Instance
from scheduler.checker import fixed_warnings
from scheduler.model.calendar import Calendar, hours_to_minutes


def skill_warnings(instance: Instance, calendar: Calendar) -> list[str]:
    """A demand rule needing a skill that no cadre who may serve there holds."""
    warnings = []
    for checkpoint in instance.checkpoints:
        eligible = [
            cadre
            for cadre in instance.cadres
            if checkpoint.community in cadre.communities and not (cadre.vulnerable and checkpoint.risk == "high")
        ]
        held = {skill for cadre in eligible for skill in cadre.skills}
        for index, rule in enumerate(checkpoint.demand):
            for skill, count in rule.skills.items():
                if count > 0 and skill not in held:
                    warnings.append(
                        f"checkpoints[{checkpoint.id}].demand[{index}] needs skill {skill!r}, but no cadre who may "
                        f"serve community {checkpoint.community} holds it"
                    )
    return warnings


def capacity_warnings(instance: Instance, calendar: Calendar) -> list[str]:
    """A community whose minimum demand (in hours) exceeds what its cadres could give at most."""
    demand_minutes: dict[str, int] = defaultdict(int)
    for (checkpoint_id, day, shift_id), rule in calendar.demand.items():
        community = calendar.checkpoints[checkpoint_id].community
        demand_minutes[community] += rule.min * calendar.slots[(day, shift_id)].minutes
    longest_shift = max((slot.minutes for slot in calendar.slots.values()), default=0)
    capacity: dict[str, int] = defaultdict(int)
    for cadre in instance.cadres:
        facts = calendar.cadre_facts[cadre.id]
        per_day = facts.rules.max_duty_shifts_per_day
        most = facts.available_days * longest_shift * (per_day if per_day is not None else len(calendar.shift_ids))
        total_cap = hours_to_minutes(facts.rules.max_total_hours)
        if total_cap is not None:
            most = min(most, total_cap)
        for community_id in cadre.communities:
            capacity[community_id] += most
    warnings = []
    for place in instance.communities:
        asked = demand_minutes.get(place.id, 0)
        if asked > capacity.get(place.id, 0):
            warnings.append(
                f"community {place.id}: minimum demand is {asked / 60:g} duty hours, but its cadres could give "
                f"at most {capacity.get(place.id, 0) / 60:g} hours even with no rest rules; shortfalls are certain"
            )
    return warnings


def minimum_hours_warnings(instance: Instance, calendar: Calendar) -> list[str]:
    """A cadre owing ``min_total_hours`` who may serve no checkpoint at all: the solve will be infeasible."""
    warnings = []
    with_demand = {checkpoint_id for checkpoint_id, _, _ in calendar.demand}
    for cadre in instance.cadres:
        owed = calendar.prorated_min_total_minutes(calendar.cadre_facts[cadre.id])
        if not owed:
            continue
        servable = [
            checkpoint.id
            for checkpoint in instance.checkpoints
            if checkpoint.community in cadre.communities
            and not (cadre.vulnerable and checkpoint.risk == "high")
            and checkpoint.id in with_demand
        ]
        if not servable:
            warnings.append(
                f"cadre {cadre.id} owes {owed / 60:g} duty hours (min_total_hours) but may serve no checkpoint with "
                "demand; no roster can satisfy that"
            )
    return warnings


def presolve_warnings(instance: Instance) -> list[str]:
    calendar = Calendar(instance)
    return (
        skill_warnings(instance, calendar)
        + capacity_warnings(instance, calendar)
        + minimum_hours_warnings(instance, calendar)
        + fixed_warnings(instance)
    )
