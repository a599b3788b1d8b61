"""The objective parts of docs/SEMANTICS.md, recomputed with exact integer and Fraction arithmetic."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from scheduler.checker.context import Context
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
    parts: dict[str, Fraction]
    load_units: dict[str, int]
    load_spread: int
    unit_spread: int
    stage_values: list[Fraction]
    weighted_total: Fraction


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
            total += round_half_up(shift.minutes * weight * 100 / available)
        for entry in entries.standbys:
            total += round_half_up(ctx.shifts[entry.shift].minutes * factor * 100 / available)
        loads[cadre_id] = total
    return loads


def duty_minutes(ctx: Context, roster: RosterIndex, cadre_id: str) -> int:
    return sum(ctx.shifts[duty.shift].minutes for duty in roster.of(cadre_id).duties)


def fairness(ctx: Context, roster: RosterIndex, loads: dict[str, int]) -> tuple[int, int]:
    """(load_spread, unit_spread) over cadres with available days > 0."""
    load_spread = 0
    unit_spread = 0
    for group in FAIRNESS_GROUPS:
        members = [cadre_id for cadre_id in loads if ctx.cadres[cadre_id].cadre.group == group]
        if not members:
            continue
        mean = sum(loads[cadre_id] for cadre_id in members) // len(members)
        load_spread += sum(abs(loads[cadre_id] - mean) for cadre_id in members)
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


def requests_part(ctx: Context, roster: RosterIndex) -> Fraction:
    """Sum of the (scaled) weights of requests inside the horizon not granted."""
    total = 0
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
                total += scaled(request.weight)
    return Fraction(total, 100)


def continuity_part(roster: RosterIndex) -> int:
    return sum(max(0, len({duty.checkpoint for duty in entries.duties}) - 1) for entries in roster.by_cadre.values())


def compute_objective(ctx: Context, roster: RosterIndex, coverage: Coverage) -> ObjectiveParts:
    """Every part, the five lexicographic stage values and the weighted total."""
    objective = ctx.instance.objective
    risk_weights = {"low": scaled(objective.risk_weights.low), "medium": scaled(objective.risk_weights.medium),
                    "high": scaled(objective.risk_weights.high)}
    coverage_total = 0
    target_total = 0
    for cell in coverage.cells:
        rule = cell.rule
        missing = max(0, rule.min - cell.assigned) + sum(cell.skills_missing.values())
        coverage_total += risk_weights[ctx.checkpoints[cell.checkpoint].risk] * missing
        target_total += scaled(rule.under_weight) * max(0, rule.target - cell.assigned)
        target_total += scaled(rule.over_weight) * max(0, cell.assigned - rule.target)
    standby_total = sum(max(0, cell.wanted - cell.rostered) for cell in coverage.standby_cells)
    loads = load_units(ctx, roster)
    load_spread, unit_spread = fairness(ctx, roster, loads)
    parts: dict[str, Fraction] = {
        "coverage": Fraction(coverage_total, 100),
        "standby": Fraction(standby_total),
        "target": Fraction(target_total, 100),
        "fairness": Fraction(load_spread + unit_spread),
        "requests": requests_part(ctx, roster),
        "continuity": Fraction(continuity_part(roster)),
    }
    weights = objective.weights
    last_stage = (parts["requests"] * Fraction(scaled(weights.get("requests", 1)), 100)
                  + parts["continuity"] * Fraction(scaled(weights.get("continuity", 1)), 100))
    stages = [parts["coverage"], parts["standby"], parts["target"], parts["fairness"], last_stage]
    weighted = sum((parts[name] * Fraction(scaled(weight), 100) for name, weight in weights.items()), Fraction(0))
    return ObjectiveParts(parts, loads, load_spread, unit_spread, stages, weighted)
