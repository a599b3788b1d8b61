"""A first roster built cadre by cadre, each cadre's own CP-SAT model on the demand left over.

Almost every rule binds one cadre at a time: rest, runs, weekends, total
hours, shift types. On long horizons the whole model can still be too large
for CP-SAT to find any roster within the time limit, while each cadre's own
part of it (the instance with that cadre alone) solves in a fraction of a
second. So cadres are taken one after another in the instance's order; each
one's model sees the demand that the cadres before it left over (a cell's
``min``, ``target``, ``max`` and skill counts drop by the duties already
held there) and minimises the first stage's objective. The union of their
duties keeps every single-cadre rule, and demand ``max`` too; only
``max_away`` of a unit, which binds several cadres, is not looked after, so
the solver checks the union in the whole model before using it (see
:mod:`scheduler.solver`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from ortools.sat.python import cp_model

from models.instance import DemandRule, Instance
from scheduler.model.calendar import Calendar
from scheduler.model.objective import plan_stages
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import DutyKey
from scheduler.search.budget import Budget

logger = logging.getLogger(__name__)

Cell = tuple[str, int, str]  # checkpoint, day, shift


class SideModelSolver(Protocol):
    """Solves a cadre's own model within a budget (scheduler.search.runner.CpSatRunner does)."""

    interrupted: bool

    def solve_side_model(self, model: cp_model.CpModel, budget: Budget) -> cp_model.CpSolver | None: ...


@dataclass
class Construction:
    duties: list[DutyKey] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # cadres whose own model found no roster in time
    seconds: float = 0.0


def left_over(rule: DemandRule, holders: list[str], skills_of: dict[str, set[str]]) -> DemandRule:
    """The demand of a cell once ``holders`` are on duty there."""
    held = len(holders)
    skill_counts = Counter(skill for cadre_id in holders for skill in skills_of[cadre_id])
    return rule.model_copy(
        update={
            "min": max(rule.min - held, 0),
            "target": max(rule.target - held, 0),
            "max": None if rule.max is None else max(rule.max - held, 0),
            "skills": {skill: max(count - skill_counts[skill], 0) for skill, count in rule.skills.items()},
        }
    )


def construct(
    instance: Instance, calendar: Calendar, solver: SideModelSolver, budget: Budget
) -> Construction:
    """Duties for every cadre, built one cadre at a time on the demand left over (see the module doc).

    ``budget`` is shared out evenly among the cadres still to do; building each cadre's model counts
    too, unless the budget is in deterministic units. Stops early (the cadres left count as
    unplaced) once ``solver.interrupted`` or the budget is spent.
    """
    started = time.monotonic()
    construction = Construction()
    skills_of = {cadre.id: set(cadre.skills) for cadre in instance.cadres}
    holders: dict[Cell, list[str]] = {}
    demand = dict(calendar.demand)
    for position, cadre in enumerate(instance.cadres):
        cadres_left = len(instance.cadres) - position
        if solver.interrupted or budget.expired():
            construction.unplaced.extend(other.id for other in instance.cadres[position:])
            break
        share = budget.share(1 / cadres_left)  # its clock counts building the cadre's model too
        alone = instance.model_copy(update={"cadres": [cadre]})
        roster_model = RosterModel.build(alone, calendar=Calendar(alone, demand=demand))
        if not roster_model.vars.duties:
            continue
        roster_model.cp.minimize(plan_stages(roster_model)[0].build())
        solved = solver.solve_side_model(roster_model.cp, share)
        if solved is None:
            construction.unplaced.append(cadre.id)
            continue
        for key, variable in roster_model.vars.duties.items():
            if solved.value(variable):
                construction.duties.append(key)
                cell = (key.checkpoint, key.day, key.shift)
                holders.setdefault(cell, []).append(cadre.id)
                demand[cell] = left_over(calendar.demand[cell], holders[cell], skills_of)
    construction.seconds = time.monotonic() - started
    logger.info(
        "built a first roster cadre by cadre: %d duties, %d cadres without one, %.1f s",
        len(construction.duties),
        len(construction.unplaced),
        construction.seconds,
    )
    return construction
