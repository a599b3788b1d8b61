"""Public API of the checker: evaluate a roster, check a roster file, explain why a duty cannot be added."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.instance import Instance
from models.roster import Assignment, Roster, Shortfall, StandbyAssignment, StandbyShortfall
from scheduler.checker.callability import callability_findings, new_findings, standby_callable
from scheduler.checker.conflicts import judge_conflict
from scheduler.checker.context import Context, context_for
from scheduler.checker.coverage import compute_coverage
from scheduler.checker.findings import Finding
from scheduler.checker.metrics import compute_metrics
from scheduler.checker.objective import PART_NAMES, compute_objective
from scheduler.checker.rules import CADRE_RULES, cadre_findings, max_away
from scheduler.checker.timeline import (
    DutyEntry,
    RosterIndex,
    StandbyEntry,
    Timeline,
    build_timeline,
    index_roster,
)

logger = logging.getLogger(__name__)

REL_TOL = 1e-6
ABS_TOL = 1e-9


@dataclass(frozen=True)
class Violation:
    """A hard rule the roster breaks, in plain words."""

    rule: str
    cadre: str | None
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass
class Evaluation:
    """Everything the checker recomputes from an instance and a roster."""

    violations: list[Violation]
    parts: dict[str, float]
    stage_values: list[float]
    weighted_total: float
    shortfalls: list[Shortfall]
    standby_shortfalls: list[StandbyShortfall]
    metrics: dict[str, Any]
    load_units: dict[str, int] = field(default_factory=dict)
    load_spread: int = 0
    unit_spread: int = 0
    # The same figures with every weight rounded to hundredths, as the solver's model sees them: the
    # units of the solver's stage values and bounds.
    solver_stage_values: list[float] = field(default_factory=list)
    solver_weighted_total: float = 0.0

    def total(self, mode: str) -> float | list[float]:
        """``objective.total`` as a roster reports it in ``mode``."""
        return list(self.stage_values) if mode == "lexicographic" else self.weighted_total

    def solver_total(self, mode: str) -> float | list[float]:
        """The same with the weights rounded as the solver's model has them (the units of its bounds)."""
        return list(self.solver_stage_values) if mode == "lexicographic" else self.solver_weighted_total


@dataclass
class CheckReport:
    """The verdict on a roster file: rule violations and every figure or claim that disagrees with the
    checker (failures); ``warnings`` (claims the checker cannot confirm) and ``notes`` (information, such
    as the solver's rounding of weights) do not fail a check."""

    evaluation: Evaluation
    violations: list[Violation]
    mismatches: list[str]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations and not self.mismatches

    def lines(self) -> list[str]:
        return [str(violation) for violation in self.violations] + [f"[mismatch] {text}" for text in self.mismatches]

    def advice(self) -> list[str]:
        """Warnings and notes, one line each."""
        return [f"[warning] {text}" for text in self.warnings] + [f"[note] {text}" for text in self.notes]


def _violation(finding: Finding) -> Violation:
    return Violation(finding.rule, finding.cadre, finding.message)


def _timelines(ctx: Context, roster: RosterIndex) -> dict[str, Timeline]:
    return {
        cadre_id: build_timeline(ctx, facts, roster.of(cadre_id).duties, roster.of(cadre_id).standbys)
        for cadre_id, facts in ctx.cadres.items()
    }


def evaluate(instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment]) -> Evaluation:
    """Judge a roster against every hard rule and recompute shortfalls, objective parts and metrics."""
    ctx = context_for(instance)
    roster = index_roster(ctx, assignments, standby)
    timelines = _timelines(ctx, roster)
    findings: list[Finding] = list(roster.problems)
    at_limit: set[str] = set()
    for cadre_id, timeline in timelines.items():
        found, reached = cadre_findings(ctx, timeline)
        faults = [finding for finding in found if not finding.fixed_only]
        findings.extend(faults)
        if reached:
            at_limit.add(cadre_id)
        if timeline.standbys:
            known = {finding.identity for finding in faults}
            findings.extend(callability_findings(ctx, timeline, known, timelines))
    for unit_id in ctx.units:
        findings.extend(max_away(ctx, unit_id, timelines))
    coverage = compute_coverage(ctx, roster)
    findings.extend(coverage.findings)
    objective = compute_objective(ctx, roster, coverage)
    metrics = compute_metrics(ctx, roster, timelines, coverage, objective.load_units, at_limit)
    logger.debug("evaluated %d assignments, %d standbys: %d violations", len(assignments), len(standby),
                 len(findings))
    return Evaluation(
        violations=[_violation(finding) for finding in findings],
        parts={name: float(objective.parts[name]) for name in PART_NAMES},
        stage_values=[float(value) for value in objective.stage_values],
        weighted_total=float(objective.weighted_total),
        shortfalls=coverage.shortfalls,
        standby_shortfalls=coverage.standby_shortfalls,
        metrics=metrics,
        load_units=objective.load_units,
        load_spread=objective.load_spread,
        unit_spread=objective.unit_spread,
        solver_stage_values=[float(value) for value in objective.solver_stage_values],
        solver_weighted_total=float(objective.solver_weighted_total),
    )


def _close(first: float, second: float) -> bool:
    return math.isclose(first, second, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def compare_values(path: str, expected: Any, reported: Any, out: list[str]) -> None:
    """Recursively compare the checker's ``expected`` with the roster's ``reported``; floats within 1e-6."""
    if isinstance(expected, dict) and isinstance(reported, dict):
        for key in expected:
            if key not in reported:
                out.append(f"{path}.{key} is missing from the roster (checker: {expected[key]!r})")
        for key in reported:
            if key not in expected:
                out.append(f"{path}.{key} is in the roster but the checker has no such figure")
        for key in expected:
            if key in reported:
                compare_values(f"{path}.{key}", expected[key], reported[key], out)
        return
    if isinstance(expected, list) and isinstance(reported, list):
        if len(expected) != len(reported):
            out.append(f"{path} has {len(reported)} entries in the roster, the checker finds {len(expected)}")
            return
        for position, (mine, theirs) in enumerate(zip(expected, reported, strict=True)):
            compare_values(f"{path}[{position}]", mine, theirs, out)
        return
    numbers = (int, float)
    if (isinstance(expected, numbers) and isinstance(reported, numbers)
            and not isinstance(expected, bool) and not isinstance(reported, bool)):
        if not _close(float(expected), float(reported)):
            out.append(f"{path} is {reported!r} in the roster, the checker finds {expected!r}")
        return
    if expected != reported:
        out.append(f"{path} is {reported!r} in the roster, the checker finds {expected!r}")


def _compare_shortfalls(evaluation: Evaluation, roster: Roster, out: list[str]) -> None:
    mine = {(item.checkpoint, item.date, item.shift): item for item in evaluation.shortfalls}
    theirs: dict[tuple[str, date, str], Shortfall] = {}
    for item in roster.shortfalls:
        key = (item.checkpoint, item.date, item.shift)
        if key in theirs:
            out.append(f"shortfall {item.checkpoint} {item.date.isoformat()} {item.shift} is listed twice")
        theirs[key] = item
    for key, item in mine.items():
        name = f"{key[0]} on {key[1].isoformat()} shift {key[2]}"
        if key not in theirs:
            out.append(f"hidden shortfall: {name} has {item.assigned} on duty for min {item.min}"
                       + (f", skills missing {item.skills_missing}" if item.skills_missing else "")
                       + " but the roster does not list it")
            continue
        other = theirs[key]
        for attribute in ("min", "target", "assigned", "skills_missing"):
            if getattr(item, attribute) != getattr(other, attribute):
                out.append(f"shortfall {name}: {attribute} is {getattr(other, attribute)!r} in the roster, the "
                           f"checker finds {getattr(item, attribute)!r}")
    for key in theirs:
        if key not in mine:
            out.append(f"invented shortfall: {key[0]} on {key[1].isoformat()} shift {key[2]} is listed but its "
                       "minimum and skills are met (or no demand rule applies)")


def _compare_standby_shortfalls(evaluation: Evaluation, roster: Roster, out: list[str]) -> None:
    mine = {(item.community, item.date, item.shift): item for item in evaluation.standby_shortfalls}
    theirs: dict[tuple[str, date, str], StandbyShortfall] = {}
    for item in roster.standby_shortfalls:
        key = (item.community, item.date, item.shift)
        if key in theirs:
            out.append(f"standby shortfall {item.community} {item.date.isoformat()} {item.shift} is listed twice")
        theirs[key] = item
    for key, item in mine.items():
        name = f"{key[0]} on {key[1].isoformat()} shift {key[2]}"
        if key not in theirs:
            out.append(f"hidden standby shortfall: {name} has {item.assigned} on standby for {item.count} wanted "
                       "but the roster does not list it")
            continue
        other = theirs[key]
        for attribute in ("count", "assigned"):
            if getattr(item, attribute) != getattr(other, attribute):
                out.append(f"standby shortfall {name}: {attribute} is {getattr(other, attribute)!r} in the roster, "
                           f"the checker finds {getattr(item, attribute)!r}")
    for key in theirs:
        if key not in mine:
            out.append(f"invented standby shortfall: {key[0]} on {key[1].isoformat()} shift {key[2]} is listed "
                       "but enough cadres stand by")


def _compare_objective(instance: Instance, evaluation: Evaluation, roster: Roster, out: list[str]) -> None:
    objective = roster.objective
    mode = instance.objective.mode
    if objective.mode != mode:
        out.append(f"objective.mode is {objective.mode!r} in the roster but the instance asks for {mode!r}")
    for name in PART_NAMES:
        if name not in objective.parts:
            out.append(f"objective part {name} is missing (checker: {evaluation.parts[name]:g})")
        elif not _close(evaluation.parts[name], objective.parts[name]):
            out.append(f"objective part {name} is {objective.parts[name]:g} in the roster, the checker finds "
                       f"{evaluation.parts[name]:g}")
    for name in objective.parts:
        if name not in PART_NAMES:
            out.append(f"objective part {name} is not a part the checker knows")
    expected = evaluation.total(mode)
    total = objective.total
    if isinstance(expected, list):
        if not isinstance(total, list) or len(total) != len(expected) or not all(
                _close(mine, theirs) for mine, theirs in zip(expected, total, strict=True)):
            out.append(f"objective.total is {total!r} in the roster, the checker finds the stage values {expected!r}")
    elif isinstance(total, list) or total is None or not _close(expected, total):
        out.append(f"objective.total is {total!r} in the roster, the checker finds the weighted total {expected:g}")


STAGE_PARTS: tuple[str, ...] = ("coverage", "standby", "target", "fairness", "requests+continuity")


def _tolerance(first: float, second: float) -> float:
    return max(ABS_TOL, REL_TOL * max(abs(first), abs(second)))


def _bound_claims(label: str, status: str, solver_value: float, bound: float | None, out: list[str]) -> None:
    """A value below its bound is impossible (every stage minimises); 'optimal' means value == bound."""
    if bound is None:
        if status == "optimal":
            out.append(f"{label} is said to be optimal but gives no bound that proves it")
        return
    tolerance = _tolerance(solver_value, bound)
    if solver_value < bound - tolerance:
        out.append(f"{label}: the recomputed value {solver_value:g} (weights rounded to hundredths, as the solver "
                   f"has them) is below its bound {bound:g}, which is impossible: no roster beats a proven bound")
    elif status == "optimal" and solver_value > bound + tolerance:
        out.append(f"{label} is said to be optimal, but its recomputed value {solver_value:g} (weights rounded to "
                   f"hundredths, as the solver has them) is above its bound {bound:g}")


def _rounding_note(label: str, value: float, solver_value: float, notes: list[str]) -> None:
    if not _close(value, solver_value):
        notes.append(f"{label}: with the weights as written the value is {value:g}; the solver, which rounds "
                     f"every weight to hundredths, optimised {solver_value:g} (difference {value - solver_value:+g})")


def _compare_claims(instance: Instance, evaluation: Evaluation, roster: Roster, out: list[str],
                    notes: list[str]) -> None:
    """The status, stage values and bounds the roster claims, against the values recomputed from it."""
    objective = roster.objective
    lexicographic = instance.objective.mode == "lexicographic"
    values = evaluation.stage_values if lexicographic else [evaluation.weighted_total]
    solver_values = evaluation.solver_stage_values if lexicographic else [evaluation.solver_weighted_total]
    names = STAGE_PARTS if lexicographic else ("weighted",)
    if isinstance(objective.bound, list):
        bounds: list[float | None] = list(objective.bound)
    else:
        bounds = [objective.bound]
    if len(bounds) != len(names) and objective.bound is not None:
        out.append(f"objective.bound has {len(bounds)} entries, the {instance.objective.mode} objective has "
                   f"{len(names)} stages")
        bounds = [None] * len(names)
    if objective.bound is None:
        bounds = [None] * len(names)
    stages = objective.stages
    if stages and len(stages) != len(names):
        out.append(f"objective.stages has {len(stages)} stages, the {instance.objective.mode} objective has "
                   f"{len(names)}")
        stages = []
    for index, name in enumerate(names):
        label = f"stage {name}"
        status: str = roster.status if roster.status == "optimal" else "feasible"
        bound = bounds[index]
        if stages:
            stage = stages[index]
            if stage.part != name:
                out.append(f"objective.stages[{index}] is {stage.part!r}, the checker expects {name!r}")
            if not _close(stage.value, values[index]):
                out.append(f"{label}: its value is {stage.value:g} in the roster, the checker recomputes "
                           f"{values[index]:g} from the roster")
            if objective.bound is not None and stage.bound != bound and not (
                    stage.bound is not None and bound is not None and _close(stage.bound, bound)):
                out.append(f"{label}: its bound {stage.bound!r} differs from objective.bound's {bound!r}")
            bound = stage.bound
            if roster.status == "optimal" and stage.status != "optimal":
                out.append(f"the roster is said to be optimal, but {label} is {stage.status}")
            status = stage.status
        _bound_claims(label, status, solver_values[index], bound, out)
        _rounding_note(label, values[index], solver_values[index], notes)
    if roster.status == "optimal" and not stages and objective.bound is None:
        out.append("the roster is said to be optimal but gives no bound that proves it")


def _confirm_conflicts(instance: Instance, roster: Roster, mismatches: list[str], warnings: list[str],
                       notes: list[str]) -> None:
    ctx = context_for(instance)
    for conflict in roster.conflicts:
        verdict = judge_conflict(ctx, conflict)
        if verdict.wrong:
            mismatches.append(verdict.message)
        elif verdict.confirmed:
            notes.append(verdict.message)
        else:
            warnings.append(verdict.message)


def check(instance: Instance, roster: Roster) -> CheckReport:
    """Evaluate ``roster`` and compare every figure and claim it reports with the checker's own."""
    mismatches: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []
    if roster.instance is not None and instance.name is not None and roster.instance != instance.name:
        mismatches.append(f"the roster names instance {roster.instance!r}, the instance is {instance.name!r}")
    evaluation = evaluate(instance, roster.assignments, roster.standby)
    if roster.status == "infeasible":
        if roster.assignments or roster.standby:
            mismatches.append("an infeasible roster must have no assignments and no standby")
        if roster.shortfalls or roster.standby_shortfalls:
            mismatches.append("an infeasible roster must have empty shortfall lists")
        if not roster.conflicts:
            mismatches.append("an infeasible roster must name at least one conflict")
        _confirm_conflicts(instance, roster, mismatches, warnings, notes)
        # The empty roster's own faults (e.g. min_total_hours) are what the conflicts explain.
        return CheckReport(evaluation, [], mismatches, warnings, notes)
    if roster.status == "unknown" and not roster.assignments and not roster.standby:
        # No roster was found in time: nothing to judge but the shape.
        if roster.shortfalls or roster.standby_shortfalls or roster.conflicts:
            mismatches.append("a roster with status unknown and no assignments must list nothing else")
        return CheckReport(evaluation, [], mismatches)
    if roster.conflicts:
        mismatches.append(f"a {roster.status} roster lists {len(roster.conflicts)} conflicts")
    _compare_shortfalls(evaluation, roster, mismatches)
    _compare_standby_shortfalls(evaluation, roster, mismatches)
    _compare_objective(instance, evaluation, roster, mismatches)
    _compare_claims(instance, evaluation, roster, mismatches, notes)
    compare_values("metrics", evaluation.metrics, roster.metrics, mismatches)
    return CheckReport(evaluation, evaluation.violations, mismatches, warnings, notes)


class Explainer:
    """Answers "why can this cadre not take this duty (or standby)?" for one roster, many times.

    Build it once per roster; each question then only rebuilds one cadre's timeline."""

    def __init__(self, instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment]) -> None:
        self.ctx = context_for(instance)
        self.roster = index_roster(self.ctx, assignments, standby)
        self.timelines = _timelines(self.ctx, self.roster)
        self._known: dict[str, set[tuple[object, ...]]] = {}
        self._breaks: dict[tuple[str, int, str], tuple[str, list[str]]] = {}
        self._on_duty: dict[tuple[str, int, str], int] = {}
        for entries in self.roster.by_cadre.values():
            for duty in entries.duties:
                cell = (duty.checkpoint, duty.day, duty.shift)
                self._on_duty[cell] = self._on_duty.get(cell, 0) + 1

    def _known_faults(self, cadre_id: str) -> set[tuple[object, ...]]:
        if cadre_id not in self._known:
            found, _ = cadre_findings(self.ctx, self.timelines[cadre_id], CADRE_RULES)
            self._known[cadre_id] = {finding.identity for finding in found if not finding.fixed_only}
        return self._known[cadre_id]

    def _common(self, cadre_id: str, when: date, shift_id: str) -> tuple[list[str], int]:
        ctx = self.ctx
        reasons = []
        if cadre_id not in ctx.cadres:
            reasons.append(f"there is no cadre {cadre_id}")
        if shift_id not in ctx.shifts:
            reasons.append(f"there is no shift {shift_id}")
        day = ctx.day_of(when)
        if not ctx.in_horizon(day):
            reasons.append(f"{when.isoformat()} is outside the horizon")
        if reasons:
            return reasons, day
        facts = ctx.cadres[cadre_id]
        if day in facts.wholly_unavailable:
            reasons.append(f"{cadre_id} is unavailable all day on {when.isoformat()}")
        elif (day, shift_id) in facts.blocked:
            reasons.append(f"{cadre_id} is unavailable for shift {shift_id} on {when.isoformat()}")
        timeline = self.timelines[cadre_id]
        for duty in timeline.duties:
            if (duty.day, duty.shift) == (day, shift_id):
                reasons.append(f"{cadre_id} is already on duty at {duty.checkpoint} on that shift")
        for entry in timeline.standbys:
            if (entry.day, entry.shift) == (day, shift_id):
                reasons.append(f"{cadre_id} is already on standby for {entry.community} on that shift")
        return reasons, day

    def _new_rule_breaks(self, cadre_id: str, changed: Timeline) -> list[str]:
        timeline = self.timelines[cadre_id]
        broken = new_findings(self.ctx, timeline, changed, self._known_faults(cadre_id), self.timelines)
        skip = {"placement", "unavailable", "one_per_shift", "communities", "vulnerable", "demand"}
        return [finding.message for finding in broken if finding.rule not in skip]

    def why_not(self, cadre_id: str, when: date, shift_id: str, checkpoint_id: str) -> list[str]:
        """Plain-words reasons why adding that one duty would break a rule or is impossible ([] if it is fine)."""
        reasons, day = self._common(cadre_id, when, shift_id)
        if not self._may_be_placed(reasons, cadre_id, when, day, shift_id, checkpoint_id):
            return reasons
        timeline = self.timelines[cadre_id]
        if any(duty == DutyEntry(day, shift_id, checkpoint_id) for duty in timeline.duties):
            return reasons
        reasons.extend(self._duty_rule_breaks(cadre_id, day, shift_id, checkpoint_id))
        return list(dict.fromkeys(reasons))

    def _may_be_placed(
        self, reasons: list[str], cadre_id: str, when: date, day: int, shift_id: str, checkpoint_id: str,
        leaving: int = 0,
    ) -> bool:
        """Add to ``reasons`` what the checkpoint, its community, its risk and its demand rule say
        against the duty (``leaving`` cadres leave the checkpoint then, in the same change); False if
        the duty cannot even be named (nothing more to check)."""
        ctx = self.ctx
        if checkpoint_id not in ctx.checkpoints:
            reasons.append(f"there is no checkpoint {checkpoint_id}")
        if any(reason.startswith("there is no") or "outside the horizon" in reason for reason in reasons):
            return False
        checkpoint = ctx.checkpoints[checkpoint_id]
        cadre = ctx.cadres[cadre_id].cadre
        if checkpoint.community not in cadre.communities:
            reasons.append(f"{cadre_id} may not serve community {checkpoint.community}")
        if cadre.vulnerable and checkpoint.risk == "high":
            reasons.append(f"{cadre_id} is vulnerable and {checkpoint_id} is a high-risk checkpoint")
        rule = ctx.demand.get((checkpoint_id, day, shift_id))
        if rule is None:
            reasons.append(f"no demand rule of {checkpoint_id} matches {when.isoformat()} shift {shift_id}")
        elif rule.max is not None and self._on_duty.get((checkpoint_id, day, shift_id), 0) - leaving >= rule.max:
            reasons.append(f"{checkpoint_id} already has its maximum of {rule.max} on duty then")
        return True

    def _duty_rule_breaks(self, cadre_id: str, day: int, shift_id: str, checkpoint_id: str) -> list[str]:
        """Rule breaks of one added duty. The rules do not depend on which checkpoint the duty is at, so
        the answer for one (cadre, day, shift) serves every checkpoint, with the checkpoint named anew."""
        key = (cadre_id, day, shift_id)
        if key not in self._breaks:
            timeline = self.timelines[cadre_id]
            duties = [*timeline.duties, DutyEntry(day, shift_id, checkpoint_id)]
            changed = build_timeline(self.ctx, timeline.facts, duties, timeline.standbys)
            self._breaks[key] = (checkpoint_id, self._new_rule_breaks(cadre_id, changed))
        asked, messages = self._breaks[key]
        if asked == checkpoint_id:
            return messages
        return [message.replace(f" at {asked}", f" at {checkpoint_id}") for message in messages]

    def why_not_instead(
        self, cadre_id: str, when: date, shift_id: str, checkpoint_id: str, leaving: int = 0
    ) -> list[str]:
        """As :meth:`why_not`, with whatever the cadre holds in that shift (a standby to be called, a duty
        elsewhere to be moved) given up first, and ``leaving`` cadres leaving that checkpoint then;
        [] if the cadre can take the duty that way."""
        ctx = self.ctx
        reasons, day = self._common(cadre_id, when, shift_id)
        reasons = [reason for reason in reasons if "is already on" not in reason]
        if not self._may_be_placed(reasons, cadre_id, when, day, shift_id, checkpoint_id, leaving):
            return reasons
        timeline = self.timelines[cadre_id]
        duties = [duty for duty in timeline.duties if (duty.day, duty.shift) != (day, shift_id)]
        standbys = [entry for entry in timeline.standbys if (entry.day, entry.shift) != (day, shift_id)]
        changed = build_timeline(ctx, timeline.facts, [*duties, DutyEntry(day, shift_id, checkpoint_id)], standbys)
        reasons.extend(self._new_rule_breaks(cadre_id, changed))
        if not reasons and standbys:
            # the cadre's own standby must stay callable with the new duty (why_not leaves this out)
            known = {finding.identity for finding in cadre_findings(ctx, changed, CADRE_RULES)[0]}
            with_change = {**self.timelines, cadre_id: changed}
            for entry in standbys:
                finding = standby_callable(ctx, changed, entry, known, with_change)
                if finding is not None:
                    reasons.append(finding.message)
                    break
        return list(dict.fromkeys(reasons))

    def standby_why_not(self, cadre_id: str, when: date, shift_id: str, community_id: str) -> list[str]:
        """Plain-words reasons why adding that one standby would break a rule or is impossible."""
        ctx = self.ctx
        reasons, day = self._common(cadre_id, when, shift_id)
        if community_id not in ctx.communities:
            reasons.append(f"there is no community {community_id}")
        if any(reason.startswith("there is no") or "outside the horizon" in reason for reason in reasons):
            return reasons
        facts = ctx.cadres[cadre_id]
        if community_id not in facts.cadre.communities:
            reasons.append(f"{cadre_id} may not serve community {community_id}")
            return reasons
        timeline = self.timelines[cadre_id]
        entry = StandbyEntry(day, shift_id, community_id)
        if entry in timeline.standbys:
            return reasons
        changed = build_timeline(ctx, facts, timeline.duties, [*timeline.standbys, entry])
        reasons.extend(self._new_rule_breaks(cadre_id, changed))
        if (day, shift_id) not in facts.blocked:
            known = {finding.identity for finding in cadre_findings(ctx, changed, CADRE_RULES)[0]}
            finding = standby_callable(ctx, changed, entry, known, {**self.timelines, cadre_id: changed})
            if finding is not None:
                reasons.append(finding.message)
        return list(dict.fromkeys(reasons))


def why_not(instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment], cadre_id: str,
            when: date, shift_id: str, checkpoint_id: str) -> list[str]:
    """Why adding duty (cadre, date, shift, checkpoint) to the roster would break a rule; [] if it would not.

    For many questions about one roster build an :class:`Explainer` once instead."""
    return Explainer(instance, assignments, standby).why_not(cadre_id, when, shift_id, checkpoint_id)


def standby_why_not(instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment],
                    cadre_id: str, when: date, shift_id: str, community_id: str) -> list[str]:
    """Why adding standby (cadre, date, shift, community) to the roster would break a rule; [] if it would not."""
    return Explainer(instance, assignments, standby).standby_why_not(cadre_id, when, shift_id, community_id)


def fixed_warnings(instance: Instance) -> list[str]:
    """Fixed facts (history, unit hours, busy periods) that by themselves break a limit: instance warnings."""
    ctx = context_for(instance)
    warnings: list[str] = []
    for facts in ctx.cadres.values():
        timeline = build_timeline(ctx, facts, [], [])
        found, _ = cadre_findings(ctx, timeline, CADRE_RULES)
        warnings.extend(finding.message for finding in found if finding.fixed_only)
    return list(dict.fromkeys(warnings))
