"""Warnings before a solve: demand that cannot be met whatever the roster.

These are warnings, not errors: the solve still runs and reports shortfalls.
"""

from __future__ import annotations

from models.instance import Instance
from scheduler.checker import fixed_warnings
from scheduler.compose.capacity import capacity_warnings
from scheduler.model.calendar import Calendar


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


def presolve_warnings(instance: Instance, lang: str = "en") -> list[str]:
    calendar = Calendar(instance)
    return (
        skill_warnings(instance, calendar)
        + capacity_warnings(instance, calendar, lang)  # the sound LP bound of scheduler.compose.capacity
        + minimum_hours_warnings(instance, calendar)
        + fixed_warnings(instance)
    )
