"""A sound lower bound on the fairness part, from a linear programme over loads.

The fairness part (docs/SEMANTICS.md) is a convex spread of each cadre's load
around its group's mean, each group weighed by its size weight, plus the units'
spread. Where some communities ask more of their cadres than others, no roster
can even the loads out, and the spread has a floor that counting alone does not
see. This LP relaxes the roster to loads:

- per cadre and *class* of demand (a community's cells of one shift, length,
  risk and under-weight), how many duties the cadre holds there, at most one a
  day where a duty is possible for it at all, never at high risk for a
  vulnerable cadre; per cadre and community standby class, how many standby;
- each cadre's duties at most its duty capacity, their minutes at most its duty
  minutes capacity, duties and standby together at most its work-period
  capacity (all counted by :mod:`scheduler.search.stage_bounds`);
- per class at most the cells' ``max`` (where every rule has one); the minimum
  persons left uncovered, weighted by risk, at most the coverage held; the
  targets' under-weighted shortfall, summed per class, at most the target
  held; standby at most what is asked, and at least what is asked less the
  standby held;
- a cadre's load is its classes' exact load coefficients times its counts;
  the group mean is the floor of the average relaxed to
  ``n * mean <= sum <= n * mean + n - 1``; each deviation and its steps past
  a quarter, a half and three quarters of the mean are bounded from below as
  in the model.

Every roster whose earlier stages are at most their held values is a point of
this LP with an objective at most its fairness value (the rounding up of each
step and the units' spread, both at least 0, are left out), so the LP optimum,
less the solver's tolerance and rounded up (every fairness value is an integer),
is a bound. Successions, unit hours,
runs and the other rules only take rosters away and are left out.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from models.instance import Instance
from scheduler.model.calendar import CadreFacts, Calendar, Slot, fairness_group, standby_wanted
from scheduler.model.objective import DEVIATION_STEPS, LoadWeights, group_weights, scaled

logger = logging.getLogger(__name__)

# The LP optimum is taken this much lower (relative, plus a little) before rounding up to the integer
# every fairness value is: GLOP solves in floating point, and a bound above a roster's value would be a
# false claim.
RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-4


@dataclass
class _DutyClass:
    """A community's cells of one shift, length, risk and under-weight."""

    community: str
    minutes: int
    night: bool
    high: bool
    risk_weight: int  # scaled
    under_weight: int  # scaled
    minimum: int = 0
    target: int = 0
    most: int | None = 0  # None: some rule has no max
    slots: set[tuple[int, str]] = field(default_factory=set)  # (day, shift)


@dataclass
class _StandbyClass:
    community: str
    minutes: int
    asked: int = 0
    days: int = 0


def fairness_bound(
    calendar: Calendar,
    capacity_of: Callable[[CadreFacts], tuple[int, int]],
    minutes_of: Callable[[CadreFacts], int],
    usable: Callable[[CadreFacts, Slot], bool],
    held: dict[str, int],
    seconds: float | None = None,
) -> int:
    """The least fairness value (load spread, its integer units) of any roster whose coverage, standby
    and target parts are at most ``held`` (solver units); 0 where the LP is not solved in ``seconds``."""
    started = time.monotonic()
    instance = calendar.instance
    cadres = [calendar.cadre_facts[cadre.id] for cadre in instance.cadres]
    cadres = [facts for facts in cadres if facts.available_days > 0]
    groups: dict[str, list[CadreFacts]] = defaultdict(list)
    for facts in cadres:
        groups[fairness_group(facts.cadre)].append(facts)
    if not any(len(members) > 1 for members in groups.values()):
        return 0
    weights = group_weights({group: len(members) for group, members in groups.items()})
    duty_classes, standby_classes = _classes(instance, calendar)

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return 0
    infinity = solver.infinity()
    load_weights = LoadWeights.of(instance)
    class_duties: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    class_standby: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    loads: dict[str, pywraplp.LinearExpr] = {}
    duty_classes_of: dict[str, list[int]] = defaultdict(list)
    for index, duty_class in enumerate(duty_classes):
        duty_classes_of[duty_class.community].append(index)
    standby_classes_of: dict[str, list[int]] = defaultdict(list)
    for index, standby_class in enumerate(standby_classes):
        standby_classes_of[standby_class.community].append(index)
    for facts in cadres:
        if seconds is not None and time.monotonic() - started > seconds:
            return 0
        cadre = facts.cadre
        duty_most, period_most = capacity_of(facts)
        duty_terms, standby_terms, load_terms, minute_terms = [], [], [], []
        for index in (index for community in cadre.communities for index in duty_classes_of[community]):
            duty_class = duty_classes[index]
            if duty_class.high and cadre.vulnerable:
                continue
            days = sum(1 for key in duty_class.slots if usable(facts, calendar.slots[key]))
            if not days:
                continue
            count = solver.NumVar(0, days, "")
            coefficient = load_weights.duty(duty_class.minutes, duty_class.night, duty_class.high,
                                            facts.available_days)
            class_duties[index].append(count)
            duty_terms.append(count)
            minute_terms.append(duty_class.minutes * count)
            load_terms.append(coefficient * count)
        for index in (index for community in cadre.communities for index in standby_classes_of[community]):
            standby_class = standby_classes[index]
            count = solver.NumVar(0, standby_class.days, "")
            coefficient = load_weights.standby_load(standby_class.minutes, facts.available_days)
            class_standby[index].append(count)
            standby_terms.append(count)
            load_terms.append(coefficient * count)
        if duty_terms:
            solver.Add(solver.Sum(duty_terms) <= duty_most)
            solver.Add(solver.Sum(minute_terms) <= minutes_of(facts))
        if duty_terms or standby_terms:
            solver.Add(solver.Sum(duty_terms + standby_terms) <= period_most)
        loads[cadre.id] = solver.Sum(load_terms) if load_terms else solver.Sum([])

    # what the earlier stages, held at their values, ask of the duties and standby
    uncovered, under = [], []
    for index, duty_class in enumerate(duty_classes):
        held_duties = solver.Sum(class_duties[index]) if class_duties[index] else solver.Sum([])
        if duty_class.most is not None:
            solver.Add(held_duties <= duty_class.most)
        if duty_class.minimum:
            left = solver.NumVar(0, duty_class.minimum, "")
            solver.Add(held_duties + left >= duty_class.minimum)
            uncovered.append(duty_class.risk_weight * left)
        if duty_class.under_weight and duty_class.target:
            under.append(duty_class.under_weight * (duty_class.target - held_duties))
    if "coverage" in held and uncovered:
        solver.Add(solver.Sum(uncovered) <= held["coverage"])
    if "target" in held and under:
        solver.Add(solver.Sum(under) <= held["target"])
    standing = []
    for index, standby_class in enumerate(standby_classes):
        if class_standby[index]:
            solver.Add(solver.Sum(class_standby[index]) <= standby_class.asked)
            standing.extend(class_standby[index])
    if "standby" in held:
        asked = sum(standby_class.asked for standby_class in standby_classes)
        solver.Add(solver.Sum(standing) >= asked - held["standby"])

    spread = []
    for group, members in groups.items():
        if len(members) < 2:
            continue
        size = len(members)
        total = solver.Sum([loads[facts.cadre.id] for facts in members])
        mean = solver.NumVar(0, infinity, "")
        solver.Add(size * mean <= total)
        solver.Add(total <= size * mean + size - 1)
        for facts in members:
            load = loads[facts.cadre.id]
            deviation = solver.NumVar(0, infinity, "")
            solver.Add(deviation >= load - mean)
            solver.Add(deviation >= mean - load)
            spread.append(weights[group] * deviation)
            for quarters in range(1, DEVIATION_STEPS + 1):
                step = solver.NumVar(0, infinity, "")
                solver.Add(4 * step >= 4 * deviation - quarters * mean)
                spread.append(weights[group] * step)
    solver.Minimize(solver.Sum(spread))
    if seconds is not None:
        left = seconds - (time.monotonic() - started)
        if left <= 0:
            return 0
        solver.SetTimeLimit(max(int(left * 1000), 1))
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        logger.info("fairness bound: LP not solved (status %d), bound 0", status)
        return 0
    value = solver.Objective().Value()
    bound = max(0, math.ceil(value - abs(value) * RELATIVE_TOLERANCE - ABSOLUTE_TOLERANCE))
    logger.info("fairness bound %d (LP %.1f, %d cadres) in %.2f s", bound, value, len(cadres),
                time.monotonic() - started)
    return bound


def _classes(instance: Instance, calendar: Calendar) -> tuple[list[_DutyClass], list[_StandbyClass]]:
    """The demand cells grouped by community, shift, length, risk and under-weight; standby by
    community, shift and length."""
    risk_weights = instance.objective.risk_weights
    duty_classes: dict[tuple[object, ...], _DutyClass] = {}
    for (checkpoint_id, day, shift), rule in calendar.demand.items():
        if not 0 <= day < calendar.days:
            continue
        checkpoint = calendar.checkpoints[checkpoint_id]
        slot = calendar.slots[(day, shift)]
        under_weight = scaled(rule.under_weight)
        key = (checkpoint.community, shift, slot.minutes, checkpoint.risk, under_weight)
        duty_class = duty_classes.get(key)
        if duty_class is None:
            duty_class = _DutyClass(checkpoint.community, slot.minutes, slot.night, checkpoint.risk == "high",
                                    scaled(getattr(risk_weights, checkpoint.risk)), under_weight)
            duty_classes[key] = duty_class
        duty_class.minimum += rule.min
        duty_class.target += rule.target
        duty_class.most = None if duty_class.most is None or rule.max is None else duty_class.most + rule.max
        duty_class.slots.add((day, shift))
    standby_classes: dict[tuple[str, str, int], _StandbyClass] = {}
    for community in instance.communities:
        for day, when in enumerate(calendar.dates):
            for shift in calendar.shift_ids:
                asked = standby_wanted(instance.standby, community.id, when, shift)
                if not asked:
                    continue
                minutes = calendar.slots[(day, shift)].minutes
                standby_class = standby_classes.setdefault((community.id, shift, minutes),
                                                           _StandbyClass(community.id, minutes))
                standby_class.asked += asked
                standby_class.days += 1
    return list(duty_classes.values()), list(standby_classes.values())


__all__ = ["fairness_bound"]
