"""Why the minimum cannot be covered, and the smallest changes that would cover it (``schedule explain``).

The capacity bound of :mod:`scheduler.compose.capacity` guides every search
here (it is fast and, on the field's instances, close to what a solve
reaches); nothing is claimed on the bound's word alone. What binds and every
fix are settled by solving the changed instance with a short time limit and
judging that roster with the independent checker:

- **what binds**: a minimal set of rule families whose lifting (for every
  cadre) lets the whole minimum be covered, found by a deletion filter (lift
  them all, then put back each one whose lifting is not needed); and a minimal
  set of communities whose minimum, once dropped, lets the rest be covered;
- **fixes**: add cadres to the short communities; let the cadres of a
  community with room also serve a short one; lift one limit for the named
  cadres who serve the short communities; lower minimums at checkpoint
  shifts. Each fix is applied to the instance and solved; it reports the
  minimum coverage that solve reached.

A fix's ``size`` counts its elementary changes: cadres added, cadres given a
community, cadres whose limit is lifted (times the steps), or checkpoint
shifts whose minimum is lowered by one on every day. Fixes that cover the
whole minimum come first, smallest first, and those that keep the minimum
before those that lower it; then partial ones, by coverage.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from models.instance import Instance, Rules
from models.loading import parse_instance
from models.roster import Assignment
from scheduler.checker import evaluate
from scheduler.compose.capacity import CapacityBound, capacity_report, demand_cells
from scheduler.i18n import text
from scheduler.model.calendar import Calendar, demand_rule_matches, horizon_dates
from scheduler.solver import SolveOptions, solve

logger = logging.getLogger(__name__)

# Rule families that can hold coverage back, the way each is lifted by one step, and whether a step
# is in hours (one step = the longest shift). None as a step: the family is only lifted as a whole.
LIFTABLE: dict[str, tuple[int | None, bool]] = {
    "max_duty_shifts_per_day": (1, False),
    "min_days_off_per_7_days": (-1, False),
    "max_consecutive_work_days": (1, False),
    "max_hours_per_7_days": (1, True),
    "max_duty_hours_per_7_days": (1, True),
    "max_hours_per_day": (1, True),
    "max_night_shifts_per_7_days": (1, False),
    "max_consecutive_nights": (1, False),
    "min_rest_hours": (-1, False),
    "max_total_hours": (1, True),
    "max_weekends": (1, False),
    "forbidden_successions": (None, False),
    "max_shifts_by_type": (None, False),
    "min_consecutive_days_off": (None, False),
    "min_consecutive_work_days": (None, False),
    "min_total_hours": (None, False),
}
# Seconds kept back from the time limit: a solve overruns its limit a little, and the words come after.
FINISH_MARGIN = 4.0
# The most steps tried when lifting one limit.
MOST_STEPS = 4
# The most cadres added to one community.
MOST_ADDED = 200


@dataclass
class Measured:
    """The minimum coverage of one roster, as the independent checker counts it."""

    demand: int  # minimum cadre-shifts asked (persons) plus skill places asked
    uncovered: int  # of those, left uncovered
    shortfalls: int  # checkpoint-day-shifts short
    seconds: float = 0.0
    short_by_community: dict[str, int] = field(default_factory=dict)
    infeasible: bool = False  # no roster at all: fixed facts contradict the rules (min_total_hours)

    @property
    def complete(self) -> bool:
        return self.shortfalls == 0

    @property
    def coverage(self) -> float:
        return 1.0 if self.demand == 0 else (self.demand - self.uncovered) / self.demand

    def to_json(self) -> dict[str, Any]:
        return {
            "demand": self.demand,
            "uncovered": self.uncovered,
            "coverage": round(self.coverage, 4),
            "shortfalls": self.shortfalls,
            "complete": self.complete,
            "infeasible": self.infeasible,
            "seconds": round(self.seconds, 2),
        }


def measure(instance: Instance, assignments: list[Assignment], seconds: float = 0.0) -> Measured:
    """Minimum coverage of ``assignments``; the roster must pass the checker (else it is a bug, raised)."""
    evaluation = evaluate(instance, assignments, [])
    if evaluation.violations:
        raise RuntimeError(f"a verifying roster breaks rules: {evaluation.violations[0].message}")
    community_of = {checkpoint.id: checkpoint.community for checkpoint in instance.checkpoints}
    asked = 0
    for rule in Calendar(instance).demand.values():
        asked += rule.min + sum(rule.skills.values())
    uncovered = 0
    by_community: dict[str, int] = defaultdict(int)
    for shortfall in evaluation.shortfalls:
        missing = max(shortfall.min - shortfall.assigned, 0) + sum(shortfall.skills_missing.values())
        uncovered += missing
        by_community[community_of[shortfall.checkpoint]] += missing
    return Measured(asked, uncovered, len(evaluation.shortfalls), seconds, dict(by_community))


def coverage_only(data: dict[str, Any]) -> dict[str, Any]:
    """The instance with minimum coverage as its only objective and no standby asked: a verifying solve
    stops once the minimum is proven covered. Standby comes after coverage in every objective, so a
    roster that covers the minimum without standby shows the minimum can be covered."""
    changed = copy.deepcopy(data)
    changed["objective"] = {"mode": "weighted", "weights": {"coverage": 1}}
    changed["standby"] = {}
    return changed


def verify(data: dict[str, Any], seconds: float, workers: int) -> Measured:
    """Solve the instance ``data`` for minimum coverage alone within ``seconds`` and measure the roster."""
    started = time.monotonic()
    instance = parse_instance(coverage_only(data), "changed instance")
    result = solve(instance, SolveOptions(time_limit=max(seconds, 1.0), workers=workers, seed=0))
    if result.status == "infeasible" or (not result.assignments and result.status == "unknown"):
        # no roster: nothing of the minimum is shown covered
        cells = [rule for rule in Calendar(instance).demand.values() if rule.min or rule.skills]
        asked = sum(rule.min + sum(rule.skills.values()) for rule in cells)
        return Measured(asked, asked, max(len(cells), 1), time.monotonic() - started,
                        infeasible=result.status == "infeasible")
    return measure(instance, result.assignments, time.monotonic() - started)


def baseline_seconds(explainer: Explainer, time_limit: float) -> float:
    """Seconds for the roster solved first when none is given: its shortfalls only order the searches,
    so a sixth of the budget (at most one verifying solve's time) is enough."""
    return max(min(explainer.solve_seconds * 0.6, time_limit / 6), 1.0)


# -- changes to an instance (JSON level, so that a fix applied is an instance file as the planner wrote it) --


def instance_json(instance: Instance) -> dict[str, Any]:
    """The instance as JSON, keeping only what was set (a null limit lifts a rule, so nulls are kept)."""
    return instance.model_dump(mode="json", exclude_unset=True)


def _add_cadres(data: dict[str, Any], community: str, count: int, skills: list[str]) -> None:
    taken = {member["id"] for member in data["cadres"]}
    number = 0
    for _ in range(count):
        number += 1
        while f"new-{community}-{number}" in taken:
            number += 1
        cadre_id = f"new-{community}-{number}"
        taken.add(cadre_id)
        member: dict[str, Any] = {"id": cadre_id, "name": f"new cadre {number} for {community}",
                                  "communities": [community]}
        if skills:
            member["skills"] = list(skills)
        data["cadres"].append(member)


def _share(data: dict[str, Any], cadre_ids: list[str], community: str) -> None:
    wanted = set(cadre_ids)
    for member in data["cadres"]:
        if member["id"] in wanted and community not in member["communities"]:
            member["communities"].append(community)


def _set_limit(data: dict[str, Any], cadre_ids: list[str], rule: str, value: Any) -> None:
    wanted = set(cadre_ids)
    for member in data["cadres"]:
        if member["id"] in wanted:
            limits = member.get("limits") or {}
            limits[rule] = value
            member["limits"] = limits


def _lower_minimum(data: dict[str, Any], checkpoint_id: str, shift_id: str, by: int) -> None:
    """Lower ``min`` by ``by`` on the checkpoint's demand rules where they match ``shift_id`` (a rule that
    also covers other shifts is split, so those keep their minimum)."""
    every_shift = [shift["id"] for shift in data["shifts"]]
    for checkpoint in data["checkpoints"]:
        if checkpoint["id"] != checkpoint_id:
            continue
        rules: list[dict[str, Any]] = []
        for rule in checkpoint.get("demand", []):
            shifts = rule.get("shifts", every_shift)
            if shift_id not in shifts:
                rules.append(rule)
                continue
            others = [other for other in shifts if other != shift_id]
            if others:
                rules.append({**rule, "shifts": others})
            lowered = {**rule, "shifts": [shift_id], "min": max(rule["min"] - by, 0)}
            lowered["skills"] = {skill: min(count, lowered["min"]) for skill, count in rule.get("skills", {}).items()}
            if not lowered["skills"]:
                del lowered["skills"]
            rules.append(lowered)
        checkpoint["demand"] = rules


@dataclass
class Fix:
    """One change to the instance, as the planner would make it, and what its verifying solve reached."""

    kind: str  # add_cadres, share, lift_limit, lower_minimum
    size: int
    details: dict[str, Any]
    measured: Measured | None = None

    def apply(self, data: dict[str, Any]) -> dict[str, Any]:
        changed = copy.deepcopy(data)
        if self.kind == "add_cadres":
            for community, count in self.details["add"].items():
                _add_cadres(changed, community, count, self.details["skills"].get(community, []))
        elif self.kind == "share":
            _share(changed, self.details["cadres"], self.details["to"])
        elif self.kind == "lift_limit":
            for rule, value in self.details["values"].items():
                _set_limit(changed, self.details["cadres"], rule, value)
        elif self.kind == "lower_minimum":
            for place in self.details["lower"]:
                _lower_minimum(changed, place["checkpoint"], place["shift"], place["by"])
        else:  # pragma: no cover - the kinds above are all there are
            raise ValueError(self.kind)
        return changed

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "size": self.size, **self.details,
                "verified": None if self.measured is None else self.measured.to_json()}


@dataclass
class Explanation:
    """What binds and what would fix it, for one instance (and the roster it was judged by)."""

    before: Measured
    capacity_demand: int
    capacity_bound: int
    binding_rules: list[str] | None  # None: lifting every rule family still leaves the minimum uncovered
    binding_communities: list[str]
    fixes: list[Fix]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    rules_settled: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before.to_json(),
            "capacity": {"minimum": self.capacity_demand, "bound": self.capacity_bound,
                         "short_at_least": self.capacity_demand - self.capacity_bound},
            "binding": {"rules": self.binding_rules, "rules_settled": self.rules_settled,
                        "communities": self.binding_communities},
            "fixes": [fix.to_json() for fix in self.fixes],
            "notes": self.notes,
            "seconds": round(self.seconds, 2),
        }


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def left(self) -> float:
        return self.until - time.monotonic()


class Explainer:
    """Runs the searches of the module docstring on one instance within a time budget."""

    def __init__(self, instance: Instance, *, time_limit: float = 60.0, workers: int = 1,
                 solve_seconds: float = 10.0) -> None:
        self.instance = instance
        self.data = instance_json(instance)
        self.deadline = _Deadline(time_limit)
        self.workers = workers
        self.solve_seconds = solve_seconds
        self.notes: list[str] = []
        self.rules_settled = True  # False: time ran out before the binding rules were known

    # -- helpers -----------------------------------------------------------
    def _out_of_time(self) -> bool:
        """Whether too little time is left for another step that ends in a verifying solve."""
        return self.deadline.left() < FINISH_MARGIN + 2

    def _verify(self, data: dict[str, Any], longer: float = 1.0) -> Measured | None:
        """A verifying solve, or None when the time budget is spent."""
        left = self.deadline.left() - FINISH_MARGIN  # the solve overruns its limit a little; words come after
        if left < 1.0:
            return None
        return verify(data, min(self.solve_seconds * longer, left), self.workers)

    @staticmethod
    def _lp_short(data: dict[str, Any]) -> int:
        return capacity_report(parse_instance(data, "changed instance")).short

    def _short_communities(self, before: Measured) -> list[str]:
        return [community for community, _ in sorted(before.short_by_community.items(), key=lambda kv: -kv[1])]

    # -- what binds --------------------------------------------------------
    def active_rules(self) -> list[str]:
        """Rule families that limit somebody (``max_duty_shifts_per_day`` does by default)."""
        active = []
        for rule in LIFTABLE:
            for cadre_id in self._cadre_ids():
                value = getattr(self._rules_of(cadre_id), rule)
                if value is None or value == [] or value == {} or (rule.startswith("min_") and value == 0):
                    continue  # no limit, or a minimum of 0 that asks nothing
                active.append(rule)
                break
        return active

    def _cadre_ids(self) -> list[str]:
        return [cadre.id for cadre in self.instance.cadres]

    def _rules_of(self, cadre_id: str) -> Rules:
        return self.calendar.cadre_facts[cadre_id].rules

    @property
    def calendar(self) -> Calendar:
        if not hasattr(self, "_calendar"):
            self._calendar = Calendar(self.instance)
        return self._calendar

    def _lifted(self, rules: list[str]) -> dict[str, Any]:
        changed = copy.deepcopy(self.data)
        general = changed.setdefault("rules", {})
        for rule in rules:
            general[rule] = None
            for member in changed["cadres"]:
                if member.get("limits") and rule in member["limits"]:
                    member["limits"][rule] = None
        return changed

    def binding_rules(self) -> list[str] | None:
        """A minimal set of rule families whose lifting lets the minimum be covered (deletion filter)."""
        candidates = self.active_rules()
        if not candidates:
            return None
        everything = self._lifted(candidates)
        if self._lp_short(everything) > 0:
            return None  # even with every rule lifted the cadres are too few
        measured = self._verify(everything)
        if measured is None:
            self.rules_settled = False
            self.notes.append("no time was left to settle which rules bind")
            return None
        if not measured.complete:
            return None
        needed = list(candidates)
        for rule in candidates:
            if self._out_of_time():
                self.notes.append("time ran out while narrowing the binding rules: the set may not be minimal")
                break
            trial = [other for other in needed if other != rule]
            relaxed = self._lifted(trial)
            if self._lp_short(relaxed) > 0:
                continue  # the bound proves this family is needed: no solve
            measured = self._verify(relaxed)
            if measured is None:
                self.notes.append("time ran out while narrowing the binding rules: the set may not be minimal")
                break
            if measured.complete:
                needed = trial
        return needed

    def _dropped(self, communities: list[str]) -> dict[str, Any]:
        changed = copy.deepcopy(self.data)
        dropped = set(communities)
        for checkpoint in changed["checkpoints"]:
            if checkpoint["community"] in dropped:
                for rule in checkpoint.get("demand", []):
                    rule["min"] = 0
                    rule.pop("skills", None)
        return changed

    def binding_communities(self, before: Measured) -> list[str]:
        """A minimal set of communities whose minimum, dropped, lets the rest be covered."""
        order = self._short_communities(before)
        chosen: list[str] = []
        for community in order:  # grow until the rest is coverable by the bound's word, then by a solve
            if self._out_of_time():
                self.notes.append("no time was left to narrow the binding communities: all short ones are named")
                return order
            chosen.append(community)
            if self._lp_short(self._dropped(chosen)) == 0:
                break
        measured = self._verify(self._dropped(chosen))
        if measured is not None and not measured.complete:
            return order  # the short solve could not cover even the rest: name every short community
        needed = list(chosen)
        for community in reversed(chosen):
            trial = [other for other in needed if other != community]
            if not trial or self._out_of_time():
                break
            if self._lp_short(self._dropped(trial)) > 0:
                continue
            measured = self._verify(self._dropped(trial))
            if measured is None:
                break
            if measured.complete:
                needed = trial
        return needed

    # -- fixes --------------------------------------------------------------
    def _skills_asked(self) -> dict[str, list[str]]:
        asked: dict[str, set[str]] = defaultdict(set)
        for checkpoint in self.instance.checkpoints:
            for rule in checkpoint.demand:
                asked[checkpoint.community].update(skill for skill, count in rule.skills.items() if count > 0)
        return {community: sorted(skills) for community, skills in asked.items()}

    def add_cadres_fix(self) -> Fix | None:
        """Cadres added where the bound's optimal cover leaves the minimum unmet (or a skill short), each
        holding the skills asked there, until the bound has room; then verified by a solve."""
        fix = self.estimate_added_cadres()
        if fix is None:
            return None
        skills = self._skills_asked()
        # the fix most planners take: its verifying solves get half as long again
        return self._settle(fix, lambda measured: self._more_cadres(fix, measured, skills), longer=1.5)

    def estimate_added_cadres(self) -> Fix | None:
        """The add-cadres fix by the bound alone (not verified): None when the bound finds no such fix."""
        skills = self._skills_asked()
        added: Counter[str] = Counter()
        fix = Fix("add_cadres", 0, {"add": {}, "skills": {}})
        capacity: dict[str, float] = {}
        for _ in range(12):
            if self._out_of_time():
                return None
            fix.details = {"add": dict(sorted(added.items())), "skills": {c: skills.get(c, []) for c in sorted(added)}}
            loaded = parse_instance(fix.apply(self.data), "changed instance")
            report = capacity_report(loaded)
            if report.short == 0 and not report.shortages:
                break
            unfilled = self._unfilled(loaded)
            for item in report.shortages:  # a skill short: one more holder in each community of the group
                if item.scope == "skill":
                    for community in item.communities:
                        unfilled[community] = max(unfilled.get(community, 0.0), 1.0)
            grew = False
            for community, missing in sorted(unfilled.items()):
                if missing <= 1e-6:
                    continue
                if community not in capacity:
                    capacity[community] = self._new_cadre_capacity(community, skills.get(community, []))
                if capacity[community] <= 0:
                    continue
                added[community] += max(1, math.ceil(missing / capacity[community] - 1e-6))
                grew = True
            if not grew or sum(added.values()) > MOST_ADDED:
                return None
        fix.size = self._size(fix)
        return fix

    @staticmethod
    def _unfilled(loaded: Instance) -> dict[str, float]:
        """Per community, the minimum an optimal cover of the capacity LP leaves unmet."""
        calendar = Calendar(loaded)
        minimum = demand_cells(calendar, lambda k, d, s: calendar.demand[(k, d, s)].min)
        unfilled: dict[str, float] = {}
        CapacityBound(loaded, calendar).bound(minimum, [cadre.id for cadre in loaded.cadres], unfilled)
        return unfilled

    def _new_cadre_capacity(self, community: str, skills: list[str]) -> float:
        """What one new cadre (general rules, no history) could give ``community`` at most."""
        probe = copy.deepcopy(self.data)
        _add_cadres(probe, community, 1, skills)
        loaded = parse_instance(probe, "changed instance")
        calendar = Calendar(loaded)
        cells = demand_cells(calendar, lambda k, d, s: calendar.demand[(k, d, s)].min)
        own = {cell: asked for cell, asked in cells.items() if cell[0] == community}
        return CapacityBound(loaded, calendar).bound(own, [loaded.cadres[-1].id])

    def _more_cadres(self, fix: Fix, measured: Measured, skills: dict[str, list[str]]) -> bool:
        """After a verifying solve fell short: one more cadre where shortfalls remain."""
        if not measured.short_by_community:
            return False
        for community in measured.short_by_community:
            # a tenth more (at least one): a short solve finds a full cover sooner with a little room
            count = fix.details["add"].get(community, 0)
            fix.details["add"][community] = count + max(1, math.ceil(count / 10))
            fix.details["skills"][community] = skills.get(community, [])
        return True

    def _settle(self, fix: Fix, grow: Any, tries: int = 3, longer: float = 1.0) -> Fix | None:
        """Verify ``fix``; while the solve falls short and ``grow`` can enlarge it, try again. The fix
        returned is always the one its measurement belongs to."""
        settled: Fix | None = None
        for _ in range(tries):
            fix.size = self._size(fix)
            measured = self._verify(fix.apply(self.data), longer)
            if measured is None:
                break
            fix.measured = measured
            settled = Fix(fix.kind, fix.size, copy.deepcopy(fix.details), measured)
            logger.info("fix %s of size %d: %.1f %% covered", fix.kind, fix.size, 100 * measured.coverage)
            if measured.complete or not grow(measured):
                break
        return settled

    @staticmethod
    def _size(fix: Fix) -> int:
        if fix.kind == "add_cadres":
            return sum(fix.details["add"].values())
        if fix.kind == "share":
            return len(fix.details["cadres"])
        if fix.kind == "lift_limit":
            return len(fix.details["cadres"]) * fix.details["steps"]
        return sum(place["by"] for place in fix.details["lower"])

    def share_fixes(self, short: list[str]) -> list[Fix]:
        """Cadres of a community that has room also serve a short one (the best pair by the bound)."""
        if self._out_of_time():
            return []
        report = capacity_report(self.instance, self.calendar)
        short_set = set(short)
        roomy = [place.id for place in self.instance.communities if place.id not in short_set]
        if not roomy:
            return []
        best: list[tuple[int, str, str]] = []
        for target in short[:3]:
            if self._out_of_time():
                break
            for source in roomy:
                cadre_ids = [cadre.id for cadre in self.instance.cadres if source in cadre.communities
                             and target not in cadre.communities]
                if not cadre_ids:
                    continue
                trial = Fix("share", len(cadre_ids), {"from": source, "to": target, "cadres": cadre_ids})
                gain = report.short - self._lp_short(trial.apply(self.data))
                if gain > 0:
                    best.append((-gain, source, target))
        fixes = []
        for _, source, target in sorted(best)[:2]:
            cadre_ids = [cadre.id for cadre in self.instance.cadres if source in cadre.communities
                         and target not in cadre.communities]
            settled = self._settle(Fix("share", len(cadre_ids), {"from": source, "to": target, "cadres": cadre_ids}),
                                   lambda measured: False)
            if settled is not None:
                fixes.append(settled)
        return fixes

    def lift_fixes(self, rules: list[str], short: list[str]) -> list[Fix]:
        """One limit lifted by the fewest steps the bound asks for, for the cadres serving short communities."""
        if self._out_of_time():
            return []
        short_set = set(short)
        cadre_ids = [cadre.id for cadre in self.instance.cadres if short_set & set(cadre.communities)]
        longest_hours = max((slot.minutes for slot in self.calendar.slots.values()), default=60) / 60
        base_short = capacity_report(self.instance, self.calendar).short
        fixes = []
        for rule in rules:
            if self._out_of_time():
                break
            step, in_hours = LIFTABLE[rule]
            if step is None:
                continue
            current = {cadre_id: getattr(self._rules_of(cadre_id), rule) for cadre_id in cadre_ids}
            values = {value for value in current.values() if value is not None}
            if len(values) != 1:
                continue  # personal values differ: lifting "by n" would mean different things
            (value,) = values
            named = [cadre_id for cadre_id, held in current.items() if held is not None]
            chosen: Fix | None = None
            best_short = base_short
            for steps in range(1, MOST_STEPS + 1):
                if self._out_of_time():
                    break
                amount = step * steps * (longest_hours if in_hours else 1)
                new_value = value + amount
                if new_value < 0:
                    break
                if isinstance(value, int) and not in_hours:
                    new_value = int(new_value)
                trial = Fix("lift_limit", 0, {"rule": rule, "from": value, "to": new_value, "steps": steps,
                                              "cadres": named, "values": {rule: new_value}})
                lp_short = self._lp_short(trial.apply(self.data))
                if lp_short < best_short:
                    chosen, best_short = trial, lp_short
                if lp_short == 0:
                    break
            if chosen is None:
                continue
            settled = self._settle(chosen, lambda measured: False)
            if settled is not None:
                fixes.append(settled)
        return fixes

    def lower_minimum_fix(self) -> Fix | None:
        """Minimums lowered by one at a time, at the checkpoint shift asking most in the community the
        bound's optimal cover leaves shortest, until the bound has room; then verified by a solve."""
        lowered: Counter[tuple[str, str]] = Counter()
        fix = Fix("lower_minimum", 0, {"lower": []})
        minimum_of = self._minimum_per_place()
        for _ in range(100):
            if self._out_of_time():
                return None
            loaded = parse_instance(fix.apply(self.data), "changed instance")
            if capacity_report(loaded).short == 0:
                break
            unfilled = self._unfilled(loaded)
            grew = False
            for community in sorted(unfilled):  # each community left short: its largest minimum, one lower
                places = [(minimum_of[p] - lowered[p], p) for p in minimum_of
                          if p[0] in self._checkpoints_of((community,)) and minimum_of[p] > lowered[p]]
                if places and unfilled[community] > 1e-6:
                    lowered[max(places)[1]] += 1
                    grew = True
            if not grew:
                return None
            fix.details = {"lower": [{"checkpoint": k, "shift": s, "by": n} for (k, s), n in sorted(lowered.items())]}
        return self._settle(fix, lambda measured: False)

    def _checkpoints_of(self, communities: tuple[str, ...]) -> set[str]:
        return {checkpoint.id for checkpoint in self.instance.checkpoints if checkpoint.community in communities}

    def _minimum_per_place(self) -> dict[tuple[str, str], int]:
        """The largest undated minimum per checkpoint and shift (what lowering by one can take away)."""
        most: dict[tuple[str, str], int] = defaultdict(int)
        dates = horizon_dates(self.instance.horizon)
        for checkpoint in self.instance.checkpoints:
            for rule in checkpoint.demand:
                for shift in self.instance.shifts:
                    if any(demand_rule_matches(rule, when, shift.id) for when in dates):
                        most[(checkpoint.id, shift.id)] = max(most[(checkpoint.id, shift.id)], rule.min)
        return dict(most)

    # -- the whole explanation ---------------------------------------------------
    def explain(self, before: Measured) -> Explanation:
        started = time.monotonic()
        report = capacity_report(self.instance, self.calendar)
        if before.complete:
            return Explanation(before, report.demand, report.bound, [], [], [], time.monotonic() - started)
        short = self._short_communities(before) or report.binding_communities()
        fixes: list[Fix] = []
        if before.infeasible:  # no roster at all: only minimum hours can do that (see solver.explain_infeasibility)
            owing = [cadre.id for cadre in self.instance.cadres if self._rules_of(cadre.id).min_total_hours]
            if owing:
                lifted = Fix("lift_limit", len(owing), {
                    "rule": "min_total_hours", "from": self.instance.rules.min_total_hours, "to": None, "steps": 1,
                    "cadres": owing, "values": {"min_total_hours": None}})
                settled = self._settle(lifted, lambda measured: False)
                if settled is not None:
                    fixes.append(settled)
        # the fix most likely to cover everything first, then what binds: the time budget may end the later ones
        added = self.add_cadres_fix()
        if added is not None:
            fixes.append(added)
        rules = self.binding_rules()
        communities = self.binding_communities(before)
        skipped = []
        if self._out_of_time():
            skipped.append("lower_minimum")
        lowered = self.lower_minimum_fix()
        if lowered is not None:
            fixes.append(lowered)
        if self._out_of_time():
            skipped.append("lift_limit")
        fixes.extend(self.lift_fixes(rules if rules else self.active_rules(), short))
        if self._out_of_time():
            skipped.append("share")
        fixes.extend(self.share_fixes(short))
        if skipped:
            self.notes.append(f"no time was left to search these fixes: {', '.join(skipped)} (a longer "
                              "--time-limit gives them time)")
        verified = [fix for fix in fixes if fix.measured is not None]
        if len(verified) < len(fixes):
            self.notes.append(f"{len(fixes) - len(verified)} fix(es) left out: no time left to verify them")
        verified.sort(key=_rank)
        return Explanation(before, report.demand, report.bound, rules, communities, verified,
                           time.monotonic() - started, self.notes, self.rules_settled)


def _rank(fix: Fix) -> tuple[int, int, float]:
    """Fixes that cover the whole minimum first, smallest first, those that keep the minimum before those
    that lower it (lowering the minimum gives protection up: the last resort); then the others, most
    coverage first."""
    measured = fix.measured
    if measured is not None and measured.complete:
        return (0 if fix.kind != "lower_minimum" else 1, fix.size, 0.0)
    return (2, 0, -(measured.coverage if measured is not None else 0.0))


# -- in words (the command line and the report) -----------------------------------------------------------

# Cadre ids a fix names in words before it summarises the rest (the JSON lists them all).
NAMED = 8


def _names(cadre_ids: list[str], lang: str) -> str:
    shown = ", ".join(cadre_ids[:NAMED])
    if len(cadre_ids) > NAMED:
        shown += " " + text(lang, "fix_more", count=len(cadre_ids) - NAMED)
    return shown


def describe_fix(fix: dict[str, Any], lang: str) -> str:
    """A fix (its JSON form) in words."""
    kind = fix["kind"]
    if kind == "add_cadres":
        parts = []
        for community, count in fix["add"].items():
            skills = fix["skills"].get(community, [])
            if skills:
                parts.append(text(lang, "fix_add_skills", count=count, community=community, skills=", ".join(skills)))
            else:
                parts.append(text(lang, "fix_add", count=count, community=community))
        return text(lang, "fix_add_cadres", parts="; ".join(parts))
    if kind == "share":
        return text(lang, "fix_share", count=len(fix["cadres"]), source=fix["from"], target=fix["to"])
    if kind == "lift_limit":
        return text(lang, "fix_lift", rule=fix["rule"], old=_number(fix["from"]), new=_number(fix["to"]),
                    count=len(fix["cadres"]), names=_names(fix["cadres"], lang))
    places = [text(lang, "fix_lower_place", **place) for place in fix["lower"]]
    return text(lang, "fix_lower", places="; ".join(places))


def _number(value: Any) -> str:
    if value is None:
        return "null"  # no limit, as the instance file writes it
    return f"{value:g}" if isinstance(value, float) else str(value)


def explanation_lines(explained: dict[str, Any], lang: str) -> list[str]:
    """The explanation (its JSON form) in words, one line each."""
    before = explained["before"]
    if before["complete"]:
        return [text(lang, "explain_nothing")]
    capacity = explained["capacity"]
    lines = [
        text(lang, "explain_before", coverage=100 * before["coverage"], uncovered=before["uncovered"],
             demand=before["demand"], shortfalls=before["shortfalls"]),
    ]
    if before.get("infeasible"):
        lines.append(text(lang, "explain_infeasible"))
    if capacity["short_at_least"] > 0:
        lines.append(text(lang, "explain_bound", bound=capacity["bound"], demand=capacity["minimum"],
                          short=capacity["short_at_least"]))
    rules = explained["binding"]["rules"]
    if rules:
        lines.append(text(lang, "explain_rules", rules=", ".join(rules)))
    elif explained["binding"].get("rules_settled", True):
        lines.append(text(lang, "explain_rules_none"))
    if explained["binding"]["communities"]:
        lines.append(text(lang, "explain_communities", communities=", ".join(explained["binding"]["communities"])))
    if explained["fixes"]:
        lines.append(text(lang, "explain_fixes"))
        for index, fix in enumerate(explained["fixes"], start=1):
            verified = fix["verified"]
            lines.append("  " + text(
                lang, "explain_fix", index=index, what=describe_fix(fix, lang), coverage=100 * verified["coverage"],
                whole=text(lang, "explain_whole") if verified["complete"] else "", seconds=verified["seconds"],
            ))
    else:
        lines.append(text(lang, "explain_no_fixes"))
    lines.extend(text(lang, "explain_note", note=note) for note in explained["notes"])
    return lines
