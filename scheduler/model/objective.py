"""The objective of DESIGN.md section 5, assembled in one place from labelled parts.

Each part is an integer CP-SAT expression and a divisor: ``expr / divisor`` is
the part in the units of docs/SEMANTICS.md. Weights from the instance are
scaled by :data:`WEIGHT_SCALE` and rounded before they reach CP-SAT, so no
float ever enters the model. The roster file reports parts recomputed from
the roster by the checker, never the solver's objective value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.model.calendar import fairness_group, standby_wanted
from scheduler.model.variables import Expr

if TYPE_CHECKING:
    from models.instance import DemandRule, Instance
    from scheduler.model.roster_model import RosterModel

WEIGHT_SCALE = 100
LOAD_SCALE = 100  # load units: 1/100 weighted minute per available day
DEVIATION_STEPS = 3  # a cadre's load deviation weighs 1, 2, 3, 4 past 0, 1/4, 2/4, 3/4 of the group mean
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
    expr: Expr
    divisor: int
    most: int | None = None  # the largest value ``expr`` can take, where known (a tie-break's scale)


@dataclass
class ObjectiveStage:
    """A lexicographic stage (or the single weighted stage): an integer objective, built when its turn comes."""

    name: str
    make: Callable[[], Part]
    divisor: int  # expr / divisor is the stage value in reported units
    _part: Part | None = None

    def build(self) -> Expr:
        """The stage's objective, added to the model on the first call only."""
        return self.part().expr

    def part(self) -> Part:
        if self._part is None:
            self._part = self.make()
        return self._part

    @property
    def most(self) -> int | None:
        """The largest value the stage's objective can take, where known (built on first use)."""
        return self.part().most


def coverage(roster: RosterModel) -> Part:
    """Shortfall below ``min`` plus missing skills, weighted by the checkpoint's risk."""
    model = roster.cp
    risk_weights = roster.instance.objective.risk_weights
    cadres = {cadre.id: cadre for cadre in roster.instance.cadres}
    terms: list[Expr] = []
    most = 0
    for cell, rule in roster.calendar.demand.items():
        checkpoint_id, day, shift = cell
        weight = scaled(getattr(risk_weights, roster.calendar.checkpoints[checkpoint_id].risk))
        holders = roster.vars.duty_by_cell.get(cell, [])
        needs = [(None, rule.min)] + [(skill, count) for skill, count in rule.skills.items()]
        for skill, need in needs:
            if need <= 0:
                continue
            most += weight * need
            counted = [variable for cadre_id, variable in holders if skill is None or skill in cadres[cadre_id].skills]
            if not counted:
                terms.append(weight * need)
                continue
            missing = model.new_int_var(0, need, f"missing[{checkpoint_id},{day},{shift},{skill or 'min'}]")
            model.add(sum(counted) + missing >= need)
            terms.append(weight * missing)
    return Part("coverage", sum(terms), WEIGHT_SCALE, most)


def standby(roster: RosterModel) -> Part:
    """Standby cadres missing per community, day and shift."""
    calendar = roster.calendar
    terms: list[Expr] = []
    most = 0
    for community in roster.instance.communities:
        for day, when in enumerate(calendar.dates):
            for shift in calendar.shift_ids:
                wanted = standby_wanted(roster.instance.standby, community.id, when, shift)
                if wanted <= 0:
                    continue
                holders = [variable for _, variable in roster.vars.standby_by_cell.get((community.id, day, shift), [])]
                # never more than wanted (rules.standby_limits), so this is the shortfall
                terms.append(wanted - sum(holders))
                most += wanted
    return Part("standby", sum(terms), 1, most)


def target(roster: RosterModel) -> Part:
    """Distance from ``target``: ``under_weight`` per cadre below, ``over_weight`` per cadre above."""
    model = roster.cp
    terms: list[Expr] = []
    most = 0
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
            most += under_weight * rule.target
        if over_weight and len(holders) > rule.target:
            over = model.new_int_var(0, len(holders) - rule.target, f"over[{label}]")
            model.add(over >= on_duty - rule.target)
            terms.append(over_weight * over)
            most += over_weight * (len(holders) - rule.target)
    return Part("target", sum(terms), WEIGHT_SCALE, most)


def target_cost(rule: DemandRule, count: int) -> int:
    """What :func:`target` charges a cell of ``rule`` with ``count`` cadres on duty (scaled weights):
    for a search that changes counts by hand and must not let the target part grow."""
    under, over = scaled(rule.under_weight), scaled(rule.over_weight)
    return under * max(rule.target - count, 0) + over * max(count - rule.target, 0)


@dataclass(frozen=True)
class LoadWeights:
    """The instance's load weights as exact fractions: a duty's minutes are multiplied by ``night``
    on a night shift and by ``high_risk`` at a high-risk checkpoint, a standby's by ``standby``."""

    night: Fraction
    high_risk: Fraction
    standby: Fraction

    @classmethod
    def of(cls, instance: Instance) -> LoadWeights:
        weights = instance.objective.load_weights
        return cls(exact(weights.night), exact(weights.high_risk), exact(instance.standby.load_factor))

    def duty(self, minutes: int, night: bool, high_risk: bool, available_days: int) -> int:
        """A duty's load units for a cadre with ``available_days``."""
        factor = (self.night if night else Fraction(1)) * (self.high_risk if high_risk else Fraction(1))
        return round_half_up(minutes * factor * LOAD_SCALE / available_days)

    def standby_load(self, minutes: int, available_days: int) -> int:
        """A standby's load units for a cadre with ``available_days``."""
        return round_half_up(minutes * self.standby * LOAD_SCALE / available_days)


def load_coefficients(roster: RosterModel, cadre_id: str) -> list[tuple[int, cp_model.IntVar]]:
    """A cadre's load in load units as (coefficient, variable) pairs (see docs/SEMANTICS.md)."""
    available = roster.facts(cadre_id).available_days
    weights = LoadWeights.of(roster.instance)
    pairs: list[tuple[int, cp_model.IntVar]] = []
    for key, variable in roster.vars.duties_of_cadre(cadre_id):
        slot = roster.calendar.slots[(key.day, key.shift)]
        high = roster.calendar.checkpoints[key.checkpoint].risk == "high"
        pairs.append((weights.duty(slot.minutes, slot.night, high, available), variable))
    for standby_key, variable in roster.vars.standbys_of_cadre(cadre_id):
        slot = roster.calendar.slots[(standby_key.day, standby_key.shift)]
        pairs.append((weights.standby_load(slot.minutes, available), variable))
    return pairs


def fairness(roster: RosterModel) -> Part:
    """Spread of load within each group, plus each unit's distance from its fair share of duty.

    A cadre's distance from its group's mean load weighs more the further it is (1, then 2, 3 and 4
    past each quarter of the mean: a convex spread, so that evening out the extremes pays). Each
    group's spread is multiplied by its size weight (:func:`group_weights`), so that a small group
    counts by its cadres' average spread, not by how few they are.

    Written with linear constraints only (no division or abs constraints over
    long sums, which make presolve crawl): ``mean`` is pinned to the floor of
    the average by ``n*mean <= sum < n*(mean+1)``, deviations are bounded from
    below and minimised.
    """
    model = roster.cp
    terms: list[Expr] = []
    most = 0
    groups: dict[str, list[str]] = {}
    for cadre in roster.instance.cadres:
        if roster.facts(cadre.id).available_days > 0:
            groups.setdefault(fairness_group(cadre), []).append(cadre.id)
    weight_of = group_weights({group: len(members) for group, members in groups.items()})
    for group, members in groups.items():
        weight = weight_of[group]
        pairs_of = {cadre_id: load_coefficients(roster, cadre_id) for cadre_id in members}
        if len(members) < 2 or not any(pairs_of.values()):
            continue
        highest = max(sum(coefficient for coefficient, _ in pairs) for pairs in pairs_of.values())
        loads = {}
        for cadre_id, pairs in pairs_of.items():
            load = model.new_int_var(0, sum(coefficient for coefficient, _ in pairs), f"load[{cadre_id}]")
            model.add(load == cp_model.LinearExpr.weighted_sum([v for _, v in pairs], [c for c, _ in pairs]))
            loads[cadre_id] = load
        size = len(members)
        total = cp_model.LinearExpr.sum(list(loads.values()))
        mean = model.new_int_var(0, highest, f"load_mean[{group}]")
        model.add(size * mean <= total)
        model.add(total <= size * mean + size - 1)
        for cadre_id, load in loads.items():
            deviation = model.new_int_var(0, highest, f"load_deviation[{cadre_id}]")
            model.add(deviation >= load - mean)
            model.add(deviation >= mean - load)
            terms.append(weight * deviation)
            most += weight * highest
            # each quarter of the mean further away weighs one more: minimised, a step is
            # max(0, ceil(deviation - quarters * mean / 4)); a sum of |load - mean| alone is flat to
            # a duty moved from a cadre below the mean to another one, which widens the spread
            for quarters in range(1, DEVIATION_STEPS + 1):
                step = model.new_int_var(0, highest, f"load_deviation_step[{cadre_id},{quarters}]")
                model.add(4 * step >= 4 * deviation - quarters * mean)
                terms.append(weight * step)
                most += weight * highest
    unit_terms, unit_most = _unit_spread(roster, groups)
    expr = cp_model.LinearExpr.sum(terms + unit_terms) if terms or unit_terms else 0
    return Part("fairness", expr, 1, most + unit_most)


def group_weights(sizes: dict[str, int]) -> dict[str, int]:
    """Each fairness group's weight: the largest group's size over its own, rounded half up (the
    largest weighs 1). A group's spread is a sum over its cadres; weighed so, every group counts by
    its cadres' average distance from its mean, and the few dual cadres are not drowned by the
    many seconded ones."""
    largest = max(sizes.values(), default=1)
    return {group: (2 * largest + size) // (2 * size) for group, size in sizes.items() if size > 0}


def _unit_spread(roster: RosterModel, groups: dict[str, list[str]]) -> tuple[list[Expr], int]:
    """Per group and unit: ``floor(|n*H_u - n_u*H| / n)`` minutes away from the unit's fair share;
    (the terms, the most they can add up to)."""
    model = roster.cp
    terms: list[Expr] = []
    largest = 0
    unit_of = {cadre.id: cadre.unit for cadre in roster.instance.cadres}
    for group in ("seconded", "dual"):
        members = [cadre_id for cadre_id in groups.get(group, []) if unit_of[cadre_id] is not None]
        by_unit: dict[str, list[str]] = {}
        for cadre_id in members:
            by_unit.setdefault(str(unit_of[cadre_id]), []).append(cadre_id)
        if len(by_unit) < 2:
            continue
        minutes: dict[str, Expr] = {}
        most = 0
        for cadre_id in members:
            duties = roster.vars.duties_of_cadre(cadre_id)
            lengths = [roster.calendar.slots[(key.day, key.shift)].minutes for key, _ in duties]
            most += sum(lengths)
            minutes[cadre_id] = cp_model.LinearExpr.weighted_sum([v for _, v in duties], lengths)
        group_minutes = model.new_int_var(0, most, f"duty_minutes[{group}]")
        model.add(group_minutes == cp_model.LinearExpr.sum(list(minutes.values())))
        size = len(members)
        for unit_id, unit_members in by_unit.items():
            unit_minutes = cp_model.LinearExpr.sum([minutes[cadre_id] for cadre_id in unit_members])
            gap_expr = size * unit_minutes - len(unit_members) * group_minutes
            gap = model.new_int_var(0, size * most, f"unit_gap[{group},{unit_id}]")
            model.add(gap >= gap_expr)
            model.add(gap >= -gap_expr)
            share_gap = model.new_int_var(0, most, f"unit_share_gap[{group},{unit_id}]")
            model.add(size * share_gap >= gap - (size - 1))  # minimised: floor(gap / size)
            terms.append(share_gap)
            largest += most
    return terms, largest


def requests(roster: RosterModel) -> Part:
    """Weights of requests not granted (duty only)."""
    terms: list[Expr] = []
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
                    granted = roster.cp.new_bool_var(f"request_on[{cadre.id},{index}]")
                    roster.cp.add(granted <= sum(duties))
                    terms.append(weight * (1 - granted))
    return Part("requests", sum(terms), WEIGHT_SCALE)


def continuity(roster: RosterModel) -> Part:
    """Checkpoints beyond the first that a cadre serves (residents know the face)."""
    model = roster.cp
    terms: list[Expr] = []
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


PART_BUILDERS: dict[str, Callable[[RosterModel], Part]] = {
    "coverage": coverage,
    "standby": standby,
    "target": target,
    "fairness": fairness,
    "requests": requests,
    "continuity": continuity,
}


def _combined(roster: RosterModel, weights: dict[str, int]) -> Expr:
    """``sum(weight * part)`` on the common scale ``WEIGHT_SCALE**2 * value``; zero-weight parts are not built."""
    terms: list[Expr] = []
    for name, weight in weights.items():
        if weight == 0:
            continue
        part = PART_BUILDERS[name](roster)
        terms.append(weight * (WEIGHT_SCALE // part.divisor) * part.expr)
    return sum(terms)


def plan_stages(roster: RosterModel) -> list[ObjectiveStage]:
    """The stages to solve: five lexicographic ones, or one weighted sum.

    A stage's parts (their auxiliary variables and constraints) are added to
    the model only when the stage comes, so earlier stages search a smaller
    model.
    """
    objective = roster.instance.objective
    if objective.mode == "weighted":
        weights = {name: scaled(objective.weights.get(name, 0)) for name in PART_BUILDERS}  # type: ignore[call-overload]
        scale = WEIGHT_SCALE * WEIGHT_SCALE
        return [ObjectiveStage("weighted", lambda: Part("weighted", _combined(roster, weights), scale), scale)]

    def single(name: str) -> ObjectiveStage:
        divisor = WEIGHT_SCALE if name in ("coverage", "target", "requests") else 1
        return ObjectiveStage(name, lambda: PART_BUILDERS[name](roster), divisor)

    last_weights = {
        "requests": scaled(objective.weights.get("requests", 1)),
        "continuity": scaled(objective.weights.get("continuity", 1)),
    }
    return [
        single("coverage"),
        single("standby"),
        single("target"),
        single("fairness"),
        ObjectiveStage(
            "requests+continuity",
            lambda: Part("requests+continuity", _combined(roster, last_weights), WEIGHT_SCALE * WEIGHT_SCALE),
            WEIGHT_SCALE * WEIGHT_SCALE,
        ),
    ]
