"""The objective of DESIGN.md section 5, assembled in one place from labelled parts.

Each part is an integer CP-SAT expression and a divisor: ``expr / divisor`` is
the part in the units of docs/SEMANTICS.md. Weights from the instance are
scaled by :data:`WEIGHT_SCALE` and rounded before they reach CP-SAT, so no
float ever enters the model. The roster file reports parts recomputed from
the roster by the checker, never the solver's objective value.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from scheduler.model import RosterModel

WEIGHT_SCALE = 100
LOAD_SCALE = 100  # load units: 1/100 weighted minute per available day
STAGE_ORDER: tuple[str, ...] = ("coverage", "standby", "target", "fairness", "requests+continuity")


def scaled(weight: float) -> int:
    """A weight as an integer number of hundredths."""
    return round(weight * WEIGHT_SCALE)


def round_half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)) // 1)


def exact(weight: float) -> Fraction:
    """The decimal value of a weight as written (1.25 -> 5/4), not its binary float."""
    return Fraction(str(weight))


@dataclass
class Part:
    """One labelled part of the objective: ``expr / divisor`` in reported units."""

    name: str
    expr: cp_model.LinearExprT
    divisor: int


@dataclass
class Stage:
    """A lexicographic stage (or the single weighted stage): an integer objective."""

    name: str
    expr: cp_model.LinearExprT
    divisor: int


def coverage(roster: RosterModel) -> Part:
    """Shortfall below ``min`` plus missing skills, weighted by the checkpoint's risk."""
    model = roster.model
    risk_weights = roster.instance.objective.risk_weights
    cadres = {cadre.id: cadre for cadre in roster.instance.cadres}
    terms: list[cp_model.LinearExprT] = []
    for cell, rule in roster.calendar.demand.items():
        checkpoint_id, day, shift = cell
        weight = scaled(getattr(risk_weights, roster.calendar.checkpoints[checkpoint_id].risk))
        holders = roster.vars.duty_by_cell.get(cell, [])
        needs = [(None, rule.min)] + [(skill, count) for skill, count in rule.skills.items()]
        for skill, need in needs:
            if need <= 0:
                continue
            counted = [variable for cadre_id, variable in holders if skill is None or skill in cadres[cadre_id].skills]
            if not counted:
                terms.append(weight * need)
                continue
            missing = model.new_int_var(0, need, f"missing[{checkpoint_id},{day},{shift},{skill or 'min'}]")
            model.add(sum(counted) + missing >= need)
            terms.append(weight * missing)
    return Part("coverage", sum(terms), WEIGHT_SCALE)


def standby(roster: RosterModel) -> Part:
    """Standby cadres missing per community, day and shift (never more than asked for)."""
    calendar = roster.calendar
    terms: list[cp_model.LinearExprT] = []
    for community in roster.instance.communities:
        for day, when in enumerate(calendar.dates):
            for shift in calendar.shift_ids:
                wanted = roster.instance.standby.wanted(community.id, when, shift)
                if wanted <= 0:
                    continue
                holders = [variable for _, variable in roster.vars.standby_by_cell.get((community.id, day, shift), [])]
                if len(holders) > wanted:
                    roster.model.add(sum(holders) <= wanted)
                terms.append(wanted - sum(holders))
    return Part("standby", sum(terms), 1)


def target(roster: RosterModel) -> Part:
    """Distance from ``target``: ``under_weight`` per cadre below, ``over_weight`` per cadre above."""
    model = roster.model
    terms: list[cp_model.LinearExprT] = []
    for cell, rule in roster.calendar.demand.items():
        holders = [variable for _, variable in roster.vars.duty_by_cell.get(cell, [])]
        on_duty = sum(holders)
        label = ",".join(str(part) for part in cell)
        under_weight, over_weight = scaled(rule.under_weight), scaled(rule.over_weight)
        if under_weight and rule.target > 0:
            if holders:
                under = model.new_int_var(0, rule.target, f"under[{label}]")
                model.add(on_duty + under >= rule.target)
                terms.append(under_weight * under)
            else:
                terms.append(under_weight * rule.target)
        if over_weight and len(holders) > rule.target:
            over = model.new_int_var(0, len(holders) - rule.target, f"over[{label}]")
            model.add(over >= on_duty - rule.target)
            terms.append(over_weight * over)
    return Part("target", sum(terms), WEIGHT_SCALE)


def load_coefficients(roster: RosterModel, cadre_id: str) -> list[tuple[int, cp_model.IntVar]]:
    """A cadre's load in load units as (coefficient, variable) pairs (see docs/SEMANTICS.md)."""
    facts = roster.facts(cadre_id)
    weights = roster.instance.objective.load_weights
    night_weight, risk_weight = exact(weights.night), exact(weights.high_risk)
    standby_weight = exact(roster.instance.standby.load_factor)
    available = facts.available_days
    pairs: list[tuple[int, cp_model.IntVar]] = []
    for key, variable in roster.vars.duties_of_cadre(cadre_id):
        slot = roster.calendar.slots[(key.day, key.shift)]
        factor = Fraction(1)
        if slot.night:
            factor *= night_weight
        if roster.calendar.checkpoints[key.checkpoint].risk == "high":
            factor *= risk_weight
        pairs.append((round_half_up(slot.minutes * factor * LOAD_SCALE / available), variable))
    for standby_key, variable in roster.vars.standbys_of_cadre(cadre_id):
        slot = roster.calendar.slots[(standby_key.day, standby_key.shift)]
        pairs.append((round_half_up(slot.minutes * standby_weight * LOAD_SCALE / available), variable))
    return pairs


def fairness(roster: RosterModel) -> Part:
    """Spread of load within each group, plus each unit's distance from its fair share of duty."""
    model = roster.model
    terms: list[cp_model.LinearExprT] = []
    groups: dict[str, list[str]] = {}
    for cadre in roster.instance.cadres:
        if roster.facts(cadre.id).available_days > 0:
            groups.setdefault(cadre.group, []).append(cadre.id)
    for group, members in groups.items():
        loads = {cadre_id: load_coefficients(roster, cadre_id) for cadre_id in members}
        if len(members) < 2 or not any(loads.values()):
            continue
        highest = max(sum(coefficient for coefficient, _ in pairs) for pairs in loads.values())
        total = model.new_int_var(0, highest * len(members), f"load_sum[{group}]")
        model.add(total == sum(coefficient * variable for pairs in loads.values() for coefficient, variable in pairs))
        mean = model.new_int_var(0, highest, f"load_mean[{group}]")
        model.add_division_equality(mean, total, len(members))
        for cadre_id, pairs in loads.items():
            deviation = model.new_int_var(0, highest, f"load_deviation[{cadre_id}]")
            model.add_abs_equality(deviation, sum(c * v for c, v in pairs) - mean)
            terms.append(deviation)
    terms += _unit_spread(roster)
    return Part("fairness", sum(terms), 1)


def _unit_spread(roster: RosterModel) -> list[cp_model.LinearExprT]:
    model = roster.model
    terms: list[cp_model.LinearExprT] = []
    for group in ("seconded", "dual"):
        members = [cadre for cadre in roster.instance.cadres if cadre.mode == group and cadre.unit is not None]
        by_unit: dict[str, list[str]] = {}
        for cadre in members:
            assert cadre.unit is not None
            by_unit.setdefault(cadre.unit, []).append(cadre.id)
        if len(by_unit) < 2:
            continue
        minutes_of = {
            cadre.id: sum(
                roster.calendar.slots[(key.day, key.shift)].minutes * variable
                for key, variable in roster.vars.duties_of_cadre(cadre.id)
            )
            for cadre in members
        }
        most = {
            cadre.id: sum(
                roster.calendar.slots[(key.day, key.shift)].minutes for key, _ in roster.vars.duties_of_cadre(cadre.id)
            )
            for cadre in members
        }
        group_minutes = sum(minutes_of.values())
        group_most = sum(most.values())
        size = len(members)
        for unit_id, unit_members in by_unit.items():
            unit_minutes = sum(minutes_of[cadre_id] for cadre_id in unit_members)
            bound = size * group_most
            gap = model.new_int_var(0, bound, f"unit_gap[{group},{unit_id}]")
            model.add_abs_equality(gap, size * unit_minutes - len(unit_members) * group_minutes)
            share_gap = model.new_int_var(0, group_most, f"unit_share_gap[{group},{unit_id}]")
            model.add_division_equality(share_gap, gap, size)
            terms.append(share_gap)
    return terms


def requests(roster: RosterModel) -> Part:
    """Weights of requests not granted (duty only)."""
    terms: list[cp_model.LinearExprT] = []
    calendar = roster.calendar
    for cadre in roster.instance.cadres:
        for index, request in enumerate(cadre.requests):
            day = calendar.day_of(request.date)
            if not 0 <= day < calendar.days:
                continue
            weight = scaled(request.weight)
            if request.shift is not None:
                duties = roster.vars.duty_in_slot(cadre.id, day, request.shift)
            else:
                duties = [
                    v
                    for slot in roster.vars.slots_on(cadre.id, day)
                    for v in roster.vars.duty_in_slot(cadre.id, day, slot.shift)
                ]
            if request.kind == "off":
                if request.shift is not None:
                    terms.append(weight * sum(duties))
                elif duties:
                    terms.append(weight * roster.vars.any_of(f"request_off[{cadre.id},{index}]", duties))
            else:
                if request.shift is not None or len(duties) <= 1:
                    terms.append(weight * (1 - sum(duties)))
                else:
                    granted = roster.model.new_bool_var(f"request_on[{cadre.id},{index}]")
                    roster.model.add(granted <= sum(duties))
                    terms.append(weight * (1 - granted))
    return Part("requests", sum(terms), WEIGHT_SCALE)


def continuity(roster: RosterModel) -> Part:
    """Checkpoints beyond the first that a cadre serves (residents know the face)."""
    model = roster.model
    terms: list[cp_model.LinearExprT] = []
    for cadre in roster.instance.cadres:
        by_checkpoint: dict[str, list[cp_model.IntVar]] = {}
        for key, variable in roster.vars.duties_of_cadre(cadre.id):
            by_checkpoint.setdefault(key.checkpoint, []).append(variable)
        if len(by_checkpoint) < 2:
            continue
        uses = [
            roster.vars.any_of(f"uses[{cadre.id},{checkpoint}]", duties) for checkpoint, duties in by_checkpoint.items()
        ]
        served = model.new_bool_var(f"serves[{cadre.id}]")
        model.add(served <= sum(uses))
        terms.append(sum(uses) - served)
    return Part("continuity", sum(terms), 1)


PART_BUILDERS = (coverage, standby, target, fairness, requests, continuity)


def build_parts(roster: RosterModel) -> dict[str, Part]:
    return {part.name: part for part in (builder(roster) for builder in PART_BUILDERS)}


def stages(roster: RosterModel, parts: dict[str, Part]) -> list[Stage]:
    """The stages to solve: five lexicographic ones, or one weighted sum."""
    objective = roster.instance.objective
    # every part brought to a common integer scale: WEIGHT_SCALE * value
    common = {name: (part.expr * (WEIGHT_SCALE // part.divisor)) for name, part in parts.items()}
    if objective.mode == "weighted":
        total = sum(scaled(objective.weights.get(name, 0)) * common[name] for name in parts)  # type: ignore[call-overload]
        return [Stage("weighted", total, WEIGHT_SCALE * WEIGHT_SCALE)]
    last = (
        scaled(objective.weights.get("requests", 1)) * common["requests"]
        + scaled(objective.weights.get("continuity", 1)) * common["continuity"]
    )
    return [
        Stage("coverage", parts["coverage"].expr, parts["coverage"].divisor),
        Stage("standby", parts["standby"].expr, parts["standby"].divisor),
        Stage("target", parts["target"].expr, parts["target"].divisor),
        Stage("fairness", parts["fairness"].expr, parts["fairness"].divisor),
        Stage("requests+continuity", last, WEIGHT_SCALE * WEIGHT_SCALE),
    ]
