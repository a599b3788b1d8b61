"""Repairing a published roster after the day's events (DESIGN.md section 7).

:func:`repair` applies the events, builds the repair model (narrowed to the
days the events touch and the days the old roster already left short; the
whole future when that model has no roster) and
solves its stages in order: minimum coverage, then few changes (nearer ``now``
costlier), then the rest of section 5. Each stage starts from the previous
roster (the first from the old roster with what the events struck left out),
so a roster is at hand at once and the search only improves it. With
``max_changes`` the coverage stage is first solved without the budget, to say
what more changes would have bought.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.changes import Changes, DemandChange, Joined, Opened
from models.instance import Instance
from models.roster import Assignment, Change, DutyCell, Roster, StandbyAssignment, StandbyCell
from scheduler.model.calendar import Calendar, standby_wanted
from scheduler.model.objective import ObjectiveStage, Part, plan_stages
from scheduler.model.variables import Expr
from scheduler.repair.events import apply_events
from scheduler.repair.model import (
    RepairModel,
    RepairPlan,
    add_budget,
    build_repair_model,
    changes_part,
    keep_old,
    old_solution_hint,
    shortfall_room,
)
from scheduler.search.budget import Budget
from scheduler.search.options import SolveOptions
from scheduler.search.runner import FOUND, CpSatRunner
from scheduler.search.settings import SETTINGS, SearchSettings
from scheduler.search.watch import FoundWatch
from scheduler.solver import Result, StageResult, roster_of

logger = logging.getLogger(__name__)



@dataclass
class RepairOptions:
    time_limit: float = 3.5  # seconds for building and searching (composing the roster file comes after)
    # seconds the command keeps back for composing the roster file and checking it twice (a checker
    # evaluation takes about 1 s on the 400-cadre town, and there are two)
    finish_reserve: float = 2.5
    # seconds the command gives the reasons for the gaps left, before that
    explain_seconds: float = 1.0
    workers: int = 2
    seed: int = 0
    focus: bool = True  # narrow the model to the days the events touch (the whole future if that fails)
    settings: SearchSettings = SETTINGS  # the repair_* shares (BENCHMARKS.md, "Search settings")


@dataclass
class Repair:
    """What a repair found: the updated instance, the roster as a solver result, and its changes."""

    updated: Instance
    result: Result
    changes: list[Change]
    forced: list[Change]  # changes the events forced: entries their cadres can no longer hold
    called: list[Change]  # standby turned into duty in their community
    focused: bool  # whether the narrowed model gave the roster
    coverage_without_budget: float | None = None  # the coverage stage value with no max_changes
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def budgeted(self) -> int:
        return len(self.changes) - len(self.forced)


def _struck_days(calendar: Calendar, plan_old: dict[tuple[str, int, str], tuple[str, str]],
                 now_day: int) -> dict[str, set[int]]:
    """Community -> days of its old entries that the updated instance no longer allows (from now's date on)."""
    struck: dict[str, set[int]] = {}
    for (cadre_id, day, shift_id), (kind, place) in plan_old.items():
        if day < now_day:
            continue
        community = calendar.checkpoints[place].community if kind == "duty" else place
        facts = calendar.cadre_facts.get(cadre_id)
        slot = calendar.slots[(day, shift_id)]
        if facts is None or not calendar.slot_open(facts, slot):
            struck.setdefault(community, set()).add(day)
        elif kind == "duty":
            rule = calendar.demand.get((place, day, shift_id))
            if rule is None or rule.max == 0:
                struck.setdefault(community, set()).add(day)
        elif standby_wanted(calendar.instance.standby, place, calendar.date_of(day), shift_id) <= 0:
            struck.setdefault(community, set()).add(day)
    return struck


def _short_days(calendar: Calendar, plan_old: dict[tuple[str, int, str], tuple[str, str]],
                now_day: int) -> dict[str, set[int]]:
    """Community -> days from now's date on where the old roster, less what the events struck, leaves a
    checkpoint below its minimum or short of a skill: gaps the repair may win back as well."""
    held: dict[tuple[str, int, str], list[str]] = {}
    for (cadre_id, day, shift_id), (kind, place) in plan_old.items():
        facts = calendar.cadre_facts.get(cadre_id)
        if kind == "duty" and day >= now_day and facts is not None \
                and calendar.slot_open(facts, calendar.slots[(day, shift_id)]):
            held.setdefault((place, day, shift_id), []).append(cadre_id)
    short: dict[str, set[int]] = {}
    for (checkpoint_id, day, shift_id), rule in calendar.demand.items():
        if day < now_day:
            continue
        if shortfall_room(calendar, rule, held.get((checkpoint_id, day, shift_id), [])) > 0:
            short.setdefault(calendar.checkpoints[checkpoint_id].community, set()).add(day)
    return short


def open_cadre_days_for(calendar: Calendar, changes: Changes, plan_old: dict[tuple[str, int, str], tuple[str, str]],
                        now_day: int, widen: int = 0, open_short: bool = False) -> dict[str, set[int]]:
    """Days on which a cadre may take anything (elsewhere a cadre only keeps or loses what the old roster
    gave): for the cadres of a community, the days its old entries were struck and the days of new
    demand there (a demand event, an opened checkpoint: from now on), ``widen`` days either side, and
    with ``open_short`` the days where the old roster already leaves one of its checkpoints short; for
    a cadre who joined, every day from now (their minimum hours need room)."""
    future = set(range(now_day, calendar.days))
    community_days = {community: {day + offset for day in days for offset in range(-widen, widen + 1)}
                      for community, days in _struck_days(calendar, plan_old, now_day).items()}
    if open_short:
        for community, days in _short_days(calendar, plan_old, now_day).items():
            community_days.setdefault(community, set()).update(days)
    opened: dict[str, set[int]] = {}
    for event in changes.events:
        if isinstance(event, Joined):
            opened.setdefault(event.cadre.id, set()).update(future)
        elif isinstance(event, DemandChange):
            community = calendar.checkpoints[event.checkpoint].community
            community_days.setdefault(community, set()).update(calendar.day_of(when) for when in event.rule.dates)
        elif isinstance(event, Opened):
            community_days.setdefault(event.checkpoint.community, set()).update(future)
    for cadre in calendar.instance.cadres:
        for community in cadre.communities:
            if community in community_days:
                opened.setdefault(cadre.id, set()).update(community_days[community] & future)
    return opened


def _minimised(runner: CpSatRunner, name: str, expr: Expr, budget: Budget, *, keep: bool = True,
               on: cp_model.CpModel | None = None) -> tuple[int | None, float]:
    """Minimise ``expr`` within ``budget`` from the incumbent, on the repair model (on ``on``, a copy of
    it with constraints of its own, when given): (its value, held for the later stages with ``keep``
    on the repair model, or None when nothing was found in time; seconds)."""
    runner.begin(ObjectiveStage(name, lambda: Part(name, expr, 1), 1), expr)
    started = time.monotonic()
    if on is None:
        runner.hint()
        status, _ = runner.search(budget, FoundWatch())
    else:
        on.minimize(expr)
        status = runner.search_copy(on, budget)
    spent = time.monotonic() - started
    if status not in FOUND:
        logger.info("repair stage %s: nothing found after %.2f s", name, spent)
        return None, spent
    value = runner.values[name]
    if keep and on is None:
        runner.roster_model.cp.add(expr <= value)
    logger.info("repair stage %s: value %s, %.2f s", name, value, spent)
    return value, spent


def _struck_roster(runner: CpSatRunner, old_hint: dict[int, int], coverage_expr: Expr,
                   budget: Budget) -> tuple[int, list[int]] | None:
    """The old roster with what the events struck left out, as a solution of the repair model (every
    decision fixed, the rest searched): (its coverage, the solution), or None where a rule forbids it
    (a rule that asks for work, such as ``min_total_hours``, may)."""
    runner.begin(ObjectiveStage("coverage", lambda: Part("coverage", coverage_expr, 1), 1), coverage_expr)
    runner.solution = [0] * len(runner.roster_model.cp.proto.variables)
    for index, value in old_hint.items():
        runner.solution[index] = value
    runner.solve_fixed(list(old_hint), budget, keep_on_failure=False)
    if runner.solution is None:
        logger.info("the struck roster breaks a rule of the updated instance")
        return None
    logger.info("the struck roster: coverage %s", runner.values["coverage"])
    return runner.values["coverage"], runner.solution


def repair(instance: Instance, old_roster: Roster, changes: Changes, options: RepairOptions | None = None) -> Repair:
    """The repaired roster of the updated instance (see the module doc)."""
    options = options or RepairOptions()
    budget = Budget(options.time_limit)  # applying the events and reading the old roster count too
    updated = apply_events(instance, changes)
    calendar = Calendar(updated)
    plan = RepairPlan.of(calendar, old_roster, changes.now, changes.notice_hours, changes.max_changes, None)
    # narrowed: no day open to all, some days open to some cadres; else every day from now's date on
    open_days: set[int] | None = set() if options.focus else None
    plan.open_cadre_days = open_cadre_days_for(calendar, changes, plan.old, plan.now_day,
                                               options.settings.repair_widen_days,
                                               options.settings.repair_open_gaps)
    # the narrowed model first; then every day from now's date on, in the time left
    attempts: list[set[int] | None] = [open_days, None] if open_days is not None else [None]
    for attempt in attempts:
        left = budget.left()
        if left is not None and left <= options.settings.repair_least_stage:
            break
        plan.open_days = attempt
        outcome = _repair_with(updated, calendar, old_roster, plan, options, budget.share())
        if outcome is not None:
            return outcome
        logger.info("no repaired roster from this model in the time given; widening the search")
    raise RuntimeError("none was found in the time given (a longer --time-limit may find one; the frozen past "
                       "and the notice rules may also leave none)")


def _repair_with(
    updated: Instance, calendar: Calendar, old_roster: Roster, plan: RepairPlan, options: RepairOptions,
    budget: Budget,
) -> Repair | None:
    """The repair on one model (the narrowed one, or every day from now's date on), or None when it
    found no roster in ``budget``."""
    seconds: dict[str, float] = {}
    started = time.monotonic()
    roster_model = build_repair_model(calendar, plan)
    seconds["build"] = time.monotonic() - started
    stages_plan = plan_stages(roster_model)
    coverage_stage = _coverage_stage(stages_plan, roster_model)
    later = [stage for stage in stages_plan if stage.name != "coverage"]
    settings = options.settings
    runner = CpSatRunner(roster_model, SolveOptions(time_limit=options.time_limit, workers=options.workers,
                                                    seed=options.seed, settings=settings))
    old_hint = old_solution_hint(roster_model, plan)
    runner.partial_hint = (list(old_hint), list(old_hint.values()))
    stage_results: dict[str, StageResult] = {}
    coverage_expr = coverage_stage.build()
    changes_objective = changes_part(roster_model, plan)
    scale = (changes_objective.most or 0) + 1
    least_stage = settings.repair_least_stage
    unbudgeted_share = settings.repair_unbudgeted_share if plan.max_changes is not None else 0.0
    first_share = 1.0 - settings.repair_later_share - unbudgeted_share
    # a quick first repair: every old entry kept, only additions (and standby calls) fill the gaps;
    # solving coverage alone from scratch moves many cells that the changes stage then struggles to
    # put back, while this roster usually has the best coverage already and few changes
    quick = roster_model.cp.clone()
    keep_old(quick, roster_model, plan)
    # building the model and the stages' parts came out of the budget; the search has what is left
    left = budget.left()
    search = budget.part(least_stage) if left is not None and left <= least_stage else budget.share()
    limit = search.limit

    def part(share: float) -> Budget:
        """``share`` of the search's time, at least ``least_stage`` (CP-SAT's presolve takes some) while
        that much is left."""
        if limit is None:
            return search.part(None)
        given = limit * share
        if given < least_stage:
            given = min(least_stage, max(search.left() or 0.0, given))
        return search.part(given)

    # the old roster with what the events struck left out, every decision fixed: a roster in hand
    # from the start, which the stages only improve (it makes no change that the events did not force)
    struck = _struck_roster(runner, old_hint, coverage_expr, part(first_share * settings.repair_additions_share))
    quick_value, _ = _minimised(runner, "additions only", scale * coverage_expr + changes_objective.expr,
                                part(first_share * settings.repair_additions_share), on=quick)
    # the best roster so far and its coverage: the additions-only one, else the struck one
    best: tuple[int, list[int]] | None = None
    if quick_value is not None and runner.solution is not None:
        best = (quick_value // scale, runner.solution)
    elif struck is not None:
        best = struck
    logger.info("additions only: coverage %s", None if best is None else best[0])
    without_budget = None
    if plan.max_changes is not None:
        value, _ = _minimised(runner, "coverage without budget", coverage_expr, part(unbudgeted_share), keep=False)
        if value is None and best is not None:
            value = best[0]  # at least that good: what the additions alone reach
        if value is not None:
            without_budget = value / coverage_stage.divisor
        add_budget(roster_model, plan)
        # the budget may rule out the rosters found since: start again from the struck roster, which
        # makes no change the budget counts
        best = struck
        runner.solution = None if struck is None else struck[1]
    value, spent = _minimised(runner, "coverage", coverage_expr, part(first_share * settings.repair_coverage_share))
    if value is None:
        if best is None:
            return None
        # nothing better found in time: the best roster so far is a roster of this model too
        value, runner.solution = best
        roster_model.cp.add(coverage_expr <= value)
    elif best is not None and best[0] <= value:
        runner.solution = best[1]  # as good a coverage, and far fewer changes to start from
    stage_results["coverage"] = StageResult("coverage", "feasible", value / coverage_stage.divisor, None, spent)
    changes_budget = part(first_share * settings.repair_changes_share)
    _, spent = _minimised(runner, "changes", changes_objective.expr, changes_budget)
    overrun = max(0.0, spent - (changes_budget.limit or spent))
    for index, stage in enumerate(later):
        left = search.left()
        if left is not None:
            # a CP-SAT call takes longer than its limit (loading the model, stopping): keep that back
            left -= overrun
        if left is not None and left < least_stage:
            break  # the later stages that found no time keep the roster as it is
        share = None if left is None else max(left / (len(later) - index), least_stage)
        expr = stage.build()
        value, spent = _minimised(runner, stage.name, expr, search.part(share))
        overrun = max(overrun, spent - (share or spent))
        shown = None if value is None else value / stage.divisor
        stage_results[stage.name] = StageResult(stage.name, "feasible" if value is not None else "skipped", shown,
                                                None, spent)
    seconds["search"] = time.monotonic() - started - seconds["build"]
    assert runner.solution is not None
    assignments, standby = roster_of(roster_model, runner.solution)
    result = Result(status="feasible", mode=updated.objective.mode, assignments=assignments, standby=standby,
                    seconds=time.monotonic() - started)
    names = [stage.name for stage in stages_plan]
    result.stages = [stage_results.get(name, StageResult(name, "skipped", None, None, 0.0)) for name in names]
    changes = roster_changes(old_roster, assignments, standby)
    forced = [change for change in changes if _is_forced(change, plan, roster_model)]
    called = [
        change for change in changes
        if isinstance(change.before, StandbyCell) and isinstance(change.after, DutyCell)
        and calendar.checkpoints[change.after.checkpoint].community == change.before.standby
    ]
    return Repair(updated, result, changes, forced, called, plan.open_days is not None, without_budget, seconds)


def _coverage_stage(stages_plan: list[ObjectiveStage], roster_model: RepairModel) -> ObjectiveStage:
    for stage in stages_plan:
        if stage.name == "coverage":
            return stage
    from scheduler.model.objective import WEIGHT_SCALE, coverage

    # weighted mode: minimum coverage still comes first in a repair
    return ObjectiveStage("coverage", lambda: coverage(roster_model), WEIGHT_SCALE)


def _is_forced(change: Change, plan: RepairPlan, roster_model: RepairModel) -> bool:
    if change.before is None:
        return False
    day = roster_model.calendar.day_of(change.date)
    held = roster_model.cell_vars.get((change.cadre, day, change.shift), [])
    entry = ("duty", change.before.checkpoint) if isinstance(change.before, DutyCell) else (
        "standby", change.before.standby)
    return not any(held_entry == entry for held_entry, _ in held)




def roster_changes(old: Roster, assignments: list[Assignment], standby: list[StandbyAssignment]) -> list[Change]:
    """The roster's ``changes``: every (cadre, date, shift) that holds something else than in ``old``."""
    def cells(duties: list[Assignment], standbys: list[StandbyAssignment]) -> dict[tuple[str, object, str],
                                                                                   DutyCell | StandbyCell]:
        held: dict[tuple[str, object, str], DutyCell | StandbyCell] = {}
        for duty in duties:
            held[(duty.cadre, duty.date, duty.shift)] = DutyCell(checkpoint=duty.checkpoint)
        for item in standbys:
            held[(item.cadre, item.date, item.shift)] = StandbyCell(standby=item.community)
        return held

    before, after = cells(old.assignments, old.standby), cells(assignments, standby)
    out = [
        Change(cadre=cell[0], date=cell[1], shift=cell[2], before=before.get(cell), after=after.get(cell))  # type: ignore[arg-type]
        for cell in before.keys() | after.keys()
        if before.get(cell) != after.get(cell)
    ]
    out.sort(key=lambda change: (change.date, change.shift, change.cadre))
    return out


__all__ = ["Repair", "RepairOptions", "repair", "roster_changes"]
