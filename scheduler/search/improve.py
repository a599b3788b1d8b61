"""A whole roster made better one cadre at a time: each cadre's duties re-chosen, the others' held.

A built roster keeps every rule but is far from cheap: from runs (scheduler.search.runs), the
runs are chosen by a few simple scores, not by what they cost; cadre by cadre (scheduler.search.cadre_by_cadre),
each cadre saw only what the cadres before it left. On long horizons the whole model is too large
for CP-SAT to improve it much in the time left, while each cadre's own model (the instance with
that cadre alone) solves in a fraction of a second. So each cadre in turn gets its
own model on the demand the other cadres leave over (scheduler.search.cadre_by_cadre.left_over): its
objective is then what its own duties add to the roster's, the places its duties fill or
overfill and its own requests. Its current duties are first completed in that model with the
duties fixed, which gives their value and a complete solution; the search starts from that
solution, so it never returns worse, and the cadre takes the new duties only when they are
strictly cheaper. Every step keeps every single-cadre rule and each cell's demand ``max``, so the
roster stays whole; the solver still checks the result in the whole model and keeps it only if
the whole model ranks it better (see :mod:`scheduler.solver`). The cadres are taken in the
instance's order, pass after pass, until the budget is spent or a whole pass changes nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from models.instance import Instance
from scheduler.model.calendar import Calendar
from scheduler.model.objective import plan_stages
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import DutyKey
from scheduler.search.budget import Budget
from scheduler.search.cadre_by_cadre import SideModelSolver, left_over
from scheduler.search.settings import SETTINGS

logger = logging.getLogger(__name__)

Cell = tuple[str, int, str]  # checkpoint, day, shift


@dataclass
class Improvement:
    duties: list[DutyKey]
    changed: int = 0  # steps in which a cadre took cheaper duties
    steps: int = 0  # cadre models solved
    passes: int = 0  # passes over all cadres begun
    seconds: float = 0.0


def _cadre_model(
    instance: Instance,
    cadre_index: int,
    calendar: Calendar,
    holders: dict[Cell, list[str]],
    skills_of: dict[str, set[str]],
) -> RosterModel:
    """The model of the cadre alone on the demand the other cadres leave over, its objective the first stage's."""
    cadre = instance.cadres[cadre_index]
    demand = {}
    for cell, rule in calendar.demand.items():
        others = [holder for holder in holders.get(cell, []) if holder != cadre.id]
        demand[cell] = left_over(rule, others, skills_of) if others else rule
    alone = instance.model_copy(update={"cadres": [cadre]})
    roster_model = RosterModel.build(alone, calendar=Calendar(alone, demand=demand))
    roster_model.cp.minimize(plan_stages(roster_model)[0].build())
    return roster_model


def _with_duties_fixed(roster_model: RosterModel, duties: set[DutyKey]) -> cp_model.CpModel:
    """A copy of the cadre's model whose duty variables are fixed to ``duties``."""
    fixed = roster_model.cp.clone()
    for key, variable in roster_model.vars.duties.items():
        fixed.add(fixed.get_bool_var_from_proto_index(variable.index) == (1 if key in duties else 0))
    return fixed


def improve(
    instance: Instance,
    calendar: Calendar,
    duties: list[DutyKey],
    solver: SideModelSolver,
    budget: Budget,
    least_cadre_search: float = SETTINGS.least_cadre_search,
) -> Improvement:
    """``duties`` (a whole roster) made cheaper cadre by cadre (see the module doc).

    ``budget`` (unlimited: until a pass changes nothing) is shared out evenly among the cadres left
    in the pass, half for completing the current duties and half for the search, but never less than
    ``least_cadre_search`` each; building each model counts too unless the budget is in deterministic
    units. No step is begun when less is left than the steps so far took on average.
    """
    started = time.monotonic()
    least = least_cadre_search
    own: dict[str, set[DutyKey]] = {cadre.id: set() for cadre in instance.cadres}
    holders: dict[Cell, list[str]] = {}
    for key in duties:
        own[key.cadre].add(key)
        holders.setdefault((key.checkpoint, key.day, key.shift), []).append(key.cadre)
    result = Improvement(duties=list(duties))
    skills_of = {cadre.id: set(cadre.skills) for cadre in instance.cadres}
    changed_in_pass = True
    while changed_in_pass:
        changed_in_pass = False
        result.passes += 1
        for position, cadre in enumerate(instance.cadres):
            average = budget.spent() / result.steps if result.steps else 0.0
            left = budget.left()
            if solver.interrupted or budget.expired() or (left is not None and left < average):
                result.seconds = time.monotonic() - started
                return _finish(result, own)
            share = None if left is None else max(left / (len(instance.cadres) - position) / 2, least)
            roster_model = _cadre_model(instance, position, calendar, holders, skills_of)
            current = own[cadre.id]
            completed = solver.solve_side_model(_with_duties_fixed(roster_model, current), budget.part(share))
            # only a proven value of the current duties makes "cheaper" mean cheaper
            if completed is not None and completed.response_proto.status == cp_model.OPTIMAL:
                proto = roster_model.cp.proto
                proto.clear_solution_hint()
                proto.solution_hint.vars.extend(range(len(proto.variables)))
                proto.solution_hint.values.extend(completed.response_proto.solution)
                current_value = round(completed.objective_value)
                better = solver.solve_side_model(roster_model.cp, budget.part(share))
                if better is not None and round(better.objective_value) < current_value:
                    chosen = {key for key, variable in roster_model.vars.duties.items() if better.value(variable)}
                    for key in current:
                        holders[(key.checkpoint, key.day, key.shift)].remove(cadre.id)
                    for key in chosen:
                        holders.setdefault((key.checkpoint, key.day, key.shift), []).append(cadre.id)
                    own[cadre.id] = chosen
                    result.changed += 1
                    changed_in_pass = True
            result.steps += 1
    result.seconds = time.monotonic() - started
    return _finish(result, own)


def _finish(result: Improvement, own: dict[str, set[DutyKey]]) -> Improvement:
    held = (key for duties in own.values() for key in duties)
    result.duties = sorted(held, key=lambda key: (key.cadre, key.day, key.shift, key.checkpoint))
    logger.info(
        "improved cadre by cadre: %d of %d steps took cheaper duties (%d passes begun), %.1f s",
        result.changed,
        result.steps,
        result.passes,
        result.seconds,
    )
    return result
