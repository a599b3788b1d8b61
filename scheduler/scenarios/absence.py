"""Absence simulation: cadres fall sick, standby substitutes are called, the checker judges every call.

One trial, on a solved roster:

1. **Draw.** Each cadre is absent on each horizon day with probability ``p``. The draw of (cadre, day)
   depends on the seed, the trial number, the cadre id and the day only, so every scenario of a sweep
   sees the same absences (common random numbers) and a cadre dropped by a headcount cut does not
   shift anybody else's draw.
2. **Absences.** The trial's instance marks each absence as a wholly unavailable day (a sick person is
   at neither the checkpoint nor the unit; ``min_total_hours`` is pro-rated accordingly), and the
   roster loses every duty and standby of an absent cadre on that day.
3. **Activation.** Lost duties are taken in order of day, shift, checkpoint risk (high first) and
   checkpoint id. For each, the standby cadres of that checkpoint's community on that day and shift
   (present, not yet called) are tried in order of fewest calls so far, then id; the first whose
   standby, turned into that duty, adds no rule fault for the cadre (its rules, and the callability of
   its remaining standbys, recomputed by the independent checker) takes it over; a standby of the same
   cadre that the call makes uncallable (e.g. the week's duty hours are now used up) is released, when
   releasing it breaks nothing either. Other cadres'
   timelines and the units' ``max_away`` cannot change (the same shift, a duty instead of a standby),
   and a checkpoint never gets more than it had.
4. **Verdict.** The whole activated roster is evaluated by the checker; a violation that the roster
   with absences alone did not have would be a bug of step 3, so the trial is then redone calling
   standbys only when a full evaluation agrees (``strict``), and the fallback is logged.

Coverage is reported before activation (absences only) and after it.
"""

from __future__ import annotations

import hashlib
import logging
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from models.instance import Instance, Unavailability
from models.roster import Assignment, StandbyAssignment
from scheduler.checker import Violation, evaluate
from scheduler.checker.callability import callability_findings
from scheduler.checker.context import context_for
from scheduler.checker.rules import CADRE_RULES, cadre_findings
from scheduler.checker.timeline import DutyEntry, StandbyEntry, Timeline, build_timeline, index_roster

logger = logging.getLogger(__name__)

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}


def is_absent(seed: int, trial: int, cadre_id: str, day: date, probability: float) -> bool:
    """Whether ``cadre_id`` is absent on ``day`` in ``trial`` (a uniform draw from a hash of the four)."""
    if probability <= 0:
        return False
    digest = hashlib.sha256(f"{seed}\x1f{trial}\x1f{cadre_id}\x1f{day.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:7], "big") / float(1 << 56) < probability


def draw_absences(instance: Instance, probability: float, seed: int, trial: int) -> set[tuple[str, date]]:
    """Every (cadre, date) absent in ``trial``."""
    start = instance.horizon.start
    days = [start + timedelta(days=offset) for offset in range(instance.horizon.days)]
    return {
        (cadre.id, day)
        for cadre in instance.cadres
        for day in days
        if is_absent(seed, trial, cadre.id, day, probability)
    }


def with_absences(instance: Instance, absences: set[tuple[str, date]]) -> Instance:
    """A copy of ``instance`` in which every absence is a wholly unavailable day."""
    by_cadre: dict[str, list[date]] = {}
    for cadre_id, day in absences:
        by_cadre.setdefault(cadre_id, []).append(day)
    cadres = []
    for cadre in instance.cadres:
        days = by_cadre.get(cadre.id)
        if not days:
            cadres.append(cadre)
            continue
        extra = [Unavailability(date=day) for day in sorted(days)]
        cadres.append(cadre.model_copy(update={"unavailable": [*cadre.unavailable, *extra]}))
    return instance.model_copy(update={"cadres": cadres})


@dataclass
class TrialResult:
    """One trial: what was lost, what the standbys took over, coverage before and after."""

    trial: int
    absences: int  # absent cadre-days
    lost_duties: int
    promoted: int
    min_coverage_before: float
    min_coverage_after: float
    target_coverage_after: float
    new_violations: list[Violation] = field(default_factory=list)
    strict: bool = False
    assignments: list[Assignment] = field(default_factory=list)
    standby: list[StandbyAssignment] = field(default_factory=list)
    instance: Instance | None = None


@dataclass
class AbsenceSummary:
    """The trials of one roster, summed up for a sweep row."""

    probability: float
    trials: list[TrialResult]

    def row(self) -> dict[str, Any]:
        if not self.trials:
            return {}
        before = [trial.min_coverage_before for trial in self.trials]
        after = [trial.min_coverage_after for trial in self.trials]
        return {
            "absence_min_coverage_before": statistics.fmean(before),
            "absence_min_coverage_after": statistics.fmean(after),
            "absence_min_coverage_before_worst": min(before),
            "absence_min_coverage_after_worst": min(after),
            "absence_min_coverage_after_sd": statistics.pstdev(after),
            "absent_cadre_days": statistics.fmean(trial.absences for trial in self.trials),
            "lost_duties": statistics.fmean(trial.lost_duties for trial in self.trials),
            "promoted": statistics.fmean(trial.promoted for trial in self.trials),
            "activation_violations": sum(len(trial.new_violations) for trial in self.trials),
        }


def _violation_keys(violations: Sequence[Violation]) -> set[tuple[str, str | None, str]]:
    return {(violation.rule, violation.cadre, violation.message) for violation in violations}


Proposal = tuple[Timeline, list[StandbyEntry]]


class _LocalJudge:
    """Decides one call at a time from the calling cadre's own timeline (fast, Explainer-style)."""

    def __init__(self, instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment]) -> None:
        self.ctx = context_for(instance)
        roster = index_roster(self.ctx, assignments, standby)
        self.timelines: dict[str, Timeline] = {
            cadre_id: build_timeline(self.ctx, facts, roster.of(cadre_id).duties, roster.of(cadre_id).standbys)
            for cadre_id, facts in self.ctx.cadres.items()
        }
        self._faults: dict[str, set[tuple[object, ...]]] = {}

    def _findings(self, timeline: Timeline) -> set[tuple[object, ...]]:
        found, _ = cadre_findings(self.ctx, timeline, CADRE_RULES)
        known = {finding.identity for finding in found if not finding.fixed_only}
        swapped = {**self.timelines, timeline.facts.id: timeline}
        return known | {finding.identity for finding in callability_findings(self.ctx, timeline, known, swapped)}

    def _rebuild(self, timeline: Timeline, duties: list[DutyEntry], standbys: list[StandbyEntry]) -> Timeline:
        duties = sorted(duties, key=lambda duty: (duty.day, self.ctx.shift_order.index(duty.shift), duty.checkpoint))
        return build_timeline(self.ctx, timeline.facts, duties, standbys)

    def known_faults(self, cadre_id: str) -> set[tuple[object, ...]]:
        if cadre_id not in self._faults:
            self._faults[cadre_id] = self._findings(self.timelines[cadre_id])
        return self._faults[cadre_id]

    def propose(self, cadre_id: str, when: date, shift_id: str, community: str, checkpoint: str) -> Proposal | None:
        """The cadre's timeline with that standby turned into the duty, and the cadre's other standbys that
        this call makes uncallable (released); None when the call would add any other fault."""
        timeline = self.timelines[cadre_id]
        entry = StandbyEntry(self.ctx.day_of(when), shift_id, community)
        if entry not in timeline.standbys:
            return None
        known = self.known_faults(cadre_id)
        duties = [*timeline.duties, DutyEntry(entry.day, shift_id, checkpoint)]
        standbys = [other for other in timeline.standbys if other != entry]
        changed = self._rebuild(timeline, duties, standbys)
        added = self._findings(changed) - known
        if not added:
            return changed, []
        # A called cadre may no longer be callable on another standby: release those, if nothing else breaks.
        uncallable = {fault[2:] for fault in added if fault[0] == "callable"}
        released = [other for other in standbys if (other.day, other.shift, other.community) in uncallable]
        if len(released) != len(added):
            return None
        changed = self._rebuild(timeline, duties, [other for other in standbys if other not in released])
        if not self._findings(changed) <= known:
            return None
        return changed, released

    def commit(self, cadre_id: str, changed: Timeline) -> None:
        self.timelines[cadre_id] = changed
        self._faults[cadre_id] = self._findings(changed)

    def released(self, cadre_id: str, entries: list[StandbyEntry]) -> list[StandbyAssignment]:
        return [
            StandbyAssignment(cadre=cadre_id, date=self.ctx.date_of(item.day), shift=item.shift,
                              community=item.community)
            for item in entries
        ]

    def call(self, cadre_id: str, when: date, shift_id: str, community: str,
             checkpoint: str) -> list[StandbyAssignment] | None:
        """Make the call if it adds no fault; the standbys it releases, or None when refused."""
        proposal = self.propose(cadre_id, when, shift_id, community, checkpoint)
        if proposal is None:
            return None
        self.commit(cadre_id, proposal[0])
        return self.released(cadre_id, proposal[1])


class StrictJudge:
    """The local judge's calls, each vetoed unless a full evaluation of the roster agrees (slow; a fallback)."""

    def __init__(self, instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment]) -> None:
        self.instance = instance
        self.local = _LocalJudge(instance, assignments, standby)
        self.assignments = list(assignments)
        self.standby = list(standby)
        self.known = _violation_keys(evaluate(instance, self.assignments, self.standby).violations)

    def call(self, cadre_id: str, when: date, shift_id: str, community: str,
             checkpoint: str) -> list[StandbyAssignment] | None:
        proposal = self.local.propose(cadre_id, when, shift_id, community, checkpoint)
        if proposal is None:
            return None
        released = self.local.released(cadre_id, proposal[1])
        gone = {(cadre_id, when, shift_id, community)} | {
            (item.cadre, item.date, item.shift, item.community) for item in released
        }
        standby = [item for item in self.standby if (item.cadre, item.date, item.shift, item.community) not in gone]
        assignments = [*self.assignments, Assignment(cadre=cadre_id, date=when, shift=shift_id, checkpoint=checkpoint)]
        found = _violation_keys(evaluate(self.instance, assignments, standby).violations)
        if not found <= self.known:
            return None
        self.local.commit(cadre_id, proposal[0])
        self.assignments, self.standby, self.known = assignments, standby, found
        return released


Judge = Callable[[Instance, list[Assignment], list[StandbyAssignment]], Any]


def activate_standbys(
    instance: Instance,
    assignments: list[Assignment],
    standby: list[StandbyAssignment],
    lost: list[Assignment],
    judge_type: Judge | None = None,
) -> tuple[list[Assignment], list[StandbyAssignment], int]:
    """Call standbys to take over the ``lost`` duties (step 3 of the module's description).

    ``assignments`` and ``standby`` are the roster without the lost duties; returns the roster after the
    calls (called standbys become duties; standbys a call made uncallable are released) and the number of
    calls. ``judge_type`` is the local judge by default, :class:`StrictJudge` to veto each call by a full
    evaluation."""
    judge = (judge_type or _LocalJudge)(instance, assignments, standby)
    checkpoints = {checkpoint.id: checkpoint for checkpoint in instance.checkpoints}
    shift_order = {shift.id: position for position, shift in enumerate(instance.shifts)}
    on_call: dict[tuple[str, date, str], list[str]] = {}
    for item in standby:
        on_call.setdefault((item.community, item.date, item.shift), []).append(item.cadre)
    calls: dict[str, int] = {}
    gone: set[tuple[str, date, str]] = set()  # standbys called or released
    promoted: list[Assignment] = []
    lost_order = sorted(
        lost,
        key=lambda item: (
            item.date, shift_order.get(item.shift, 0), RISK_ORDER.get(checkpoints[item.checkpoint].risk, 1),
            item.checkpoint, item.cadre,
        ),
    )
    for duty in lost_order:
        community = checkpoints[duty.checkpoint].community
        candidates = [
            cadre_id for cadre_id in on_call.get((community, duty.date, duty.shift), [])
            if (cadre_id, duty.date, duty.shift) not in gone
        ]
        for cadre_id in sorted(candidates, key=lambda cadre_id: (calls.get(cadre_id, 0), cadre_id)):
            released = judge.call(cadre_id, duty.date, duty.shift, community, duty.checkpoint)
            if released is None:
                continue
            gone.add((cadre_id, duty.date, duty.shift))
            gone.update((item.cadre, item.date, item.shift) for item in released)
            calls[cadre_id] = calls.get(cadre_id, 0) + 1
            promoted.append(Assignment(cadre=cadre_id, date=duty.date, shift=duty.shift, checkpoint=duty.checkpoint))
            break
    remaining_standby = [item for item in standby if (item.cadre, item.date, item.shift) not in gone]
    return [*assignments, *promoted], remaining_standby, len(promoted)


def run_trial(
    instance: Instance,
    assignments: list[Assignment],
    standby: list[StandbyAssignment],
    probability: float,
    seed: int,
    trial: int,
    *,
    keep_roster: bool = False,
) -> TrialResult:
    """One absence trial on a roster (see the module's description)."""
    absences = draw_absences(instance, probability, seed, trial)
    trial_instance = with_absences(instance, absences)
    kept = [item for item in assignments if (item.cadre, item.date) not in absences]
    lost = [item for item in assignments if (item.cadre, item.date) in absences]
    kept_standby = [item for item in standby if (item.cadre, item.date) not in absences]
    before = evaluate(trial_instance, kept, kept_standby)
    known = _violation_keys(before.violations)
    strict = False
    after_assignments, after_standby, promoted = activate_standbys(trial_instance, kept, kept_standby, lost)
    after = evaluate(trial_instance, after_assignments, after_standby)
    new = [violation for violation in after.violations if _violation_keys([violation]) - known]
    if new:
        logger.warning(
            "trial %d: calling standbys by the cadre's own rules added %d violation(s) (%s); redoing it with "
            "full evaluations", trial, len(new), new[0],
        )
        strict = True
        after_assignments, after_standby, promoted = activate_standbys(
            trial_instance, kept, kept_standby, lost, StrictJudge
        )
        after = evaluate(trial_instance, after_assignments, after_standby)
        new = [violation for violation in after.violations if _violation_keys([violation]) - known]
    return TrialResult(
        trial=trial,
        absences=len(absences),
        lost_duties=len(lost),
        promoted=promoted,
        min_coverage_before=float(before.metrics["totals"]["min_coverage"]),
        min_coverage_after=float(after.metrics["totals"]["min_coverage"]),
        target_coverage_after=float(after.metrics["totals"]["target_coverage"]),
        new_violations=new,
        strict=strict,
        assignments=after_assignments if keep_roster else [],
        standby=after_standby if keep_roster else [],
        instance=trial_instance if keep_roster else None,
    )


def simulate_absences(
    instance: Instance,
    assignments: list[Assignment],
    standby: list[StandbyAssignment],
    probability: float,
    trials: int,
    seed: int,
    *,
    keep_rosters: bool = False,
) -> AbsenceSummary:
    """``trials`` absence trials on one roster; ``keep_rosters`` keeps each simulated roster and instance."""
    if not 0 <= probability <= 1:
        raise ValueError(f"absence probability {probability} is not in [0, 1]")
    results = [
        run_trial(instance, assignments, standby, probability, seed, trial, keep_roster=keep_rosters)
        for trial in range(trials)
    ]
    return AbsenceSummary(probability, results)
