"""The objective parts of docs/SEMANTICS.md, recomputed with exact integer and Fraction arithmetic.

Weights are used as written (their decimal value, exactly). The solver's model rounds every weight to
hundredths; the same figures with that rounding (``solver_*``) are what its stage values and bounds
are in, so that a claimed bound can be checked, and the difference reported as information."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from scheduler.checker.context import Context, group_of
from scheduler.checker.coverage import Coverage
from scheduler.checker.timeline import RosterIndex

PART_NAMES: tuple[str, ...] = ("coverage", "standby", "target", "fairness", "requests", "continuity")
FAIRNESS_GROUPS: tuple[str, ...] = ("seconded", "dual", "none")


def scaled(weight: float) -> int:
    """A weight as CP-SAT sees it: ``round(weight * 100)``."""
    return round(weight * 100)


def exact(weight: float) -> Fraction:
    """A weight's decimal value, exactly (``Fraction(str(weight))``)."""
    return Fraction(str(weight))


def round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


@dataclass
class ObjectiveParts:
    """Every part and total with the weights as written (``parts``, ``stage_values``, ``weighted_total``),
    and the same with every weight rounded to hundredths as the solver's CP-SAT model sees it
    (``solver_*``): the solver's stage values and bounds are in those units."""

    parts: dict[str, Fraction]
    load_units: dict[str, int]
    load_spread: int
    unit_spread: int
    stage_values: list[Fraction]
    weighted_total: Fraction
    solver_parts: dict[str, Fraction]
    solver_stage_values: list[Fraction]
    solver_weighted_total: Fraction


Weigh = Callable[[float], Fraction]


def solver_weight(weight: float) -> Fraction:
    """A weight as the solver's model uses it: ``round(weight * 100) / 100``."""
    return Fraction(scaled(weight), 100)


def load_units(ctx: Context, roster: RosterIndex) -> dict[str, int]:
    """Load of every cadre with available days, in load units (1/100 weighted minute per available day)."""
    weights = ctx.instance.objective.load_weights
    night_weight = exact(weights.night)
    risk_weight = exact(weights.high_risk)
    factor = exact(ctx.instance.standby.load_factor)
    loads = {}
    for cadre_id, facts in ctx.cadres.items():
        available = facts.available_days
        if available == 0:
            continue
        entries = roster.of(cadre_id)
        total = 0
        for duty in entries.duties:
            shift = ctx.shifts[duty.shift]
            weight = Fraction(1)
            if shift.night:
                weight *= night_weight
            if ctx.checkpoints[duty.checkpoint].risk == "high":
                weight *= risk_weight
            total += round_half_up(ctx.shift_minutes[duty.shift] * weight * 100 / available)
        for entry in entries.standbys:
            total += round_half_up(ctx.shift_minutes[entry.shift] * factor * 100 / available)
        loads[cadre_id] = total
    return loads


def duty_minutes(ctx: Context, roster: RosterIndex, cadre_id: str) -> int:
    return sum(ctx.shift_minutes[duty.shift] for duty in roster.of(cadre_id).duties)


def fairness(ctx: Context, roster: RosterIndex, loads: dict[str, int]) -> tuple[int, int]:
    """(load_spread, unit_spread) over cadres with available days > 0."""
    load_spread = 0
    unit_spread = 0
    members_of = {group: [cadre_id for cadre_id in loads if group_of(ctx.cadres[cadre_id].cadre) == group]
                  for group in FAIRNESS_GROUPS}
    largest = max((len(members) for members in members_of.values()), default=0)
    for group in FAIRNESS_GROUPS:
        members = members_of[group]
        if not members:
            continue
        mean = sum(loads[cadre_id] for cadre_id in members) // len(members)
        # the largest group's size over this one's, rounded half up: each group counts by its
        # cadres' average spread
        weight = (2 * largest + len(members)) // (2 * len(members))
        load_spread += weight * sum(_spread_of(abs(loads[cadre_id] - mean), mean) for cadre_id in members)
        if group == "none":
            continue
        count = len(members)
        group_minutes = 0
        by_unit: dict[str, list[int]] = {}
        for cadre_id in members:
            minutes = duty_minutes(ctx, roster, cadre_id)
            group_minutes += minutes
            unit_tally = by_unit.setdefault(ctx.cadres[cadre_id].cadre.unit or "", [0, 0])
            unit_tally[0] += 1
            unit_tally[1] += minutes
        for unit_count, unit_minutes in by_unit.values():
            unit_spread += abs(count * unit_minutes - unit_count * group_minutes) // count
    return load_spread, unit_spread


def _spread_of(deviation: int, mean: int) -> int:
    """A deviation from the mean weighed 1, 2, 3, 4 past 0, 1/4, 2/4 and 3/4 of the mean (its
    part beyond each quarter rounded up): sum over q = 0..3 of max(0, ceil(deviation - q * mean / 4))."""
    return sum(max(0, -((quarter * mean - 4 * deviation) // 4)) for quarter in range(4))


def requests_part(ctx: Context, roster: RosterIndex, weigh: Weigh = exact) -> Fraction:
    """Sum of the weights of requests inside the horizon not granted."""
    total = Fraction(0)
    for cadre_id, facts in ctx.cadres.items():
        duties = {(duty.day, duty.shift) for duty in roster.of(cadre_id).duties}
        duty_days = {day for day, _ in duties}
        for request in facts.cadre.requests:
            day = ctx.day_of(request.date)
            if not ctx.in_horizon(day):
                continue
            on_duty = (day, request.shift) in duties if request.shift is not None else day in duty_days
            granted = not on_duty if request.kind == "off" else on_duty
            if not granted:
                total += weigh(request.weight)
    return total


def continuity_part(roster: RosterIndex) -> int:
    return sum(max(0, len({duty.checkpoint for duty in entries.duties}) - 1) for entries in roster.by_cadre.values())


def _weighed_parts(ctx: Context, roster: RosterIndex, coverage: Coverage, fairness_value: int,
                   continuity: int, weigh: Weigh) -> dict[str, Fraction]:
    """Every part with each weight read through ``weigh``."""
    objective = ctx.instance.objective
    risk_weights = {"low": weigh(objective.risk_weights.low), "medium": weigh(objective.risk_weights.medium),
                    "high": weigh(objective.risk_weights.high)}
    coverage_total = Fraction(0)
    target_total = Fraction(0)
    for cell in coverage.cells:
        rule = cell.rule
        missing = max(0, rule.min - cell.assigned) + sum(cell.skills_missing.values())
        coverage_total += risk_weights[ctx.checkpoints[cell.checkpoint].risk] * missing
        target_total += weigh(rule.under_weight) * max(0, rule.target - cell.assigned)
        target_total += weigh(rule.over_weight) * max(0, cell.assigned - rule.target)
    standby_total = sum(max(0, cell.wanted - cell.rostered) for cell in coverage.standby_cells)
    return {
        "coverage": coverage_total,
        "standby": Fraction(standby_total),
        "target": target_total,
        "fairness": Fraction(fairness_value),
        "requests": requests_part(ctx, roster, weigh),
        "continuity": Fraction(continuity),
    }


def _totals(parts: dict[str, Fraction], weights: dict[str, float], weigh: Weigh) -> tuple[list[Fraction], Fraction]:
    """The five lexicographic stage values and the weighted total of ``parts``."""
    last_stage = (parts["requests"] * weigh(weights.get("requests", 1))
                  + parts["continuity"] * weigh(weights.get("continuity", 1)))
    stages = [parts["coverage"], parts["standby"], parts["target"], parts["fairness"], last_stage]
    weighted = sum((parts[name] * weigh(weight) for name, weight in weights.items()), Fraction(0))
    return stages, weighted


def compute_objective(ctx: Context, roster: RosterIndex, coverage: Coverage) -> ObjectiveParts:
    """Every part, the five lexicographic stage values and the weighted total, with the weights as written
    and as the solver rounds them."""
    weights: dict[str, float] = {str(name): weight for name, weight in ctx.instance.objective.weights.items()}
    loads = load_units(ctx, roster)
    load_spread, unit_spread = fairness(ctx, roster, loads)
    continuity = continuity_part(roster)
    parts = _weighed_parts(ctx, roster, coverage, load_spread + unit_spread, continuity, exact)
    stages, weighted = _totals(parts, weights, exact)
    solver_parts = _weighed_parts(ctx, roster, coverage, load_spread + unit_spread, continuity, solver_weight)
    solver_stages, solver_weighted = _totals(solver_parts, weights, solver_weight)
    return ObjectiveParts(parts, loads, load_spread, unit_spread, stages, weighted, solver_parts, solver_stages,
                          solver_weighted)
