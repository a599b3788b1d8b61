"""Solving an instance: the stage loop, its :class:`Result`, and why an instance has no roster.

``solve(instance, options)`` builds the roster model, then solves the
lexicographic stages (or the one weighted stage) in order: each stage gets a
share of the time left, is searched (:func:`scheduler.search.stage_search.search_stage`:
the incumbent completed for the stage, a first roster built where none was
found, the search going on from it), and its value found is kept as a bound
for the stages after it. Ctrl-C or the time limit returns the best roster
found so far. When no roster exists at all, :func:`explain_infeasibility`
names the cadres whose minimum hours no roster can give.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from importlib.metadata import version

from ortools.sat.python import cp_model

from models.instance import Instance
from models.roster import Assignment, Conflict, StandbyAssignment
from scheduler.model.calendar import Calendar
from scheduler.model.objective import ObjectiveStage, plan_stages
from scheduler.model.roster_model import RosterModel, cycle_collection_paused
from scheduler.model.variables import roster_of_keys
from scheduler.search.budget import LEAST, Budget
from scheduler.search.construction import Construction, construct, keys_of, ranking
from scheduler.search.options import Progress, SolveOptions
from scheduler.search.polish import polish
from scheduler.search.runner import CpSatRunner
from scheduler.search.stage_bounds import StageBounds, stage_bounds
from scheduler.search.stage_search import StageSearch, left_to_the_polishing, search_stage, stage_tie_break

__all__ = ["Progress", "Result", "SolveOptions", "StageResult", "explain_infeasibility", "solve"]

logger = logging.getLogger(__name__)


@dataclass
class StageResult:
    name: str
    status: str  # optimal, feasible, unknown, skipped
    value: float | None  # the stage objective of the kept solution, in reported units
    bound: float | None
    seconds: float
    empty: float | None = None  # the stage's value for an empty roster (all it asks), where counted


@dataclass
class Result:
    """What a solve found: status, every stage's value and bound, the roster, and the runtime."""

    status: str  # optimal, feasible, infeasible, unknown
    stages: list[StageResult] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    standby: list[StandbyAssignment] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    solver_version: str = version("ortools")
    mode: str = "lexicographic"


def solve(instance: Instance, options: SolveOptions | None = None) -> Result:
    """Construct a first roster, build the model, solve its stages, polish; never worse than the construction."""
    options = options or SolveOptions()
    budget = options.budget()  # the limit covers building the model, and composing the roster after
    calendar = Calendar(instance)
    construction = construct(instance, calendar)
    search_budget = budget
    if construction is not None and not budget.deterministic:
        search_budget = budget.share(1.0, less=_finishing_seconds(options, construction, polishing=True))
    roster_model = RosterModel.build(instance, calendar=calendar)
    plan = plan_stages(roster_model)
    counted = stage_bounds(instance, calendar, options.settings)
    build_seconds = time.monotonic() - budget.started
    runner = CpSatRunner(roster_model, options, build_seconds, constructed=keys_of(calendar, construction))
    result = _stage_loop(instance, options, plan, runner, search_budget, counted)
    if construction is not None:
        try:
            result = _finished(instance, calendar, options, result, construction, plan, budget)
        except KeyboardInterrupt:
            result.interrupted = True
    result.seconds = time.monotonic() - budget.started
    return result


def _finishing_seconds(options: SolveOptions, construction: Construction, *, polishing: bool) -> float:
    """Time kept back after the search: ranking the result and composing its file each repeat the
    checker's evaluation timed in the construction; a round of polishing repeats the dispatch too."""
    settings = options.settings
    rounds = settings.polish_reserve if polishing else 0.0
    return (settings.compose_reserve * construction.ranking_seconds + settings.finish_margin
            + rounds * (construction.dispatch_seconds + construction.ranking_seconds))


def _stage_loop(instance: Instance, options: SolveOptions, plan: list[ObjectiveStage], runner: CpSatRunner,
                budget: Budget, counted: StageBounds | None = None) -> Result:
    """Solve the stages in order, each from the incumbent, keeping each stage's value for the next;
    ``counted`` bounds each stage before its search, the earlier ones held at their values."""
    roster_model = runner.roster_model
    result = Result(status="unknown", mode=instance.objective.mode)
    carried = 0.0
    for index, stage in enumerate(plan):
        if counted is not None:  # a stage that reaches this bound ends: nothing can be better
            runner.prove(stage.name, counted.bound(stage.name, runner.held_at, budget))
        last = index == len(plan) - 1
        fraction = 1.0 if last else options.settings.stage_share.get(stage.name, 0.5)
        # a stage that ended early at 0 leaves what it did not use to this one (its tie-break):
        # together they get what the two shares would have given them
        fraction = 1.0 - (1.0 - fraction) * (1.0 - carried)
        carried, left, share = 0.0, budget.left(), budget.share(fraction)
        out_of_time = runner.interrupted or (left is not None and left <= LEAST and runner.solution is not None)
        if out_of_time or (index > 0 and left_to_the_polishing(stage, share, runner, last=last)):
            result.stages.append(_skipped(stage, runner))
            budget = budget.share(1.0, less=share.limit or 0.0)  # its time is kept for the polishing
            continue
        with cycle_collection_paused():  # a stage's parts add a variable or term per duty
            expr = stage.build()
            tie_break = stage_tie_break(plan, index)
        # standby first fills in around the duties as they stand, then searches freely
        duties_only = [variable.index for variable in roster_model.vars.duties.values()]
        try:
            fixed_first = duties_only if stage.name == "standby" else None
            searched = search_stage(runner, stage, expr, share, fixed_first, tie_break)
        except KeyboardInterrupt:  # outside CP-SAT's thread (which stops cleanly): keep what there is
            logger.warning("interrupted: keeping the best roster found")
            runner.interrupted = True
            seconds = time.monotonic() - runner.stage_started
            searched = StageSearch(cp_model.UNKNOWN, cp_model.CpSolver(), seconds, bounded=False)
        if runner.solution is None:
            return _no_roster(instance, options, result, stage.name, searched, budget.started, runner)
        result.stages.append(_stage_result(stage, searched, runner))
        if searched.at_floor and share.limit:
            # proven at its floor: what it did not use goes on to the next stage (its tie-break), not to all
            left_over = share.left() or 0.0
            carried = fraction * min(max(left_over / share.limit, 0.0), 1.0)
        _improved_earlier(result, plan, runner)
        if stage.name in runner.values:
            roster_model.cp.add(expr <= runner.values[stage.name])  # keep this stage's value for the next
            runner.held_at[stage.name] = runner.values[stage.name]
    for stage_result, stage in zip(result.stages, plan, strict=False):  # the gap's scale: all a stage asks
        stage_result.empty = None if counted is None else counted.empty_value(stage.name, stage.divisor)
    result.interrupted = runner.interrupted
    proven = all(stage.status == "optimal" for stage in result.stages)
    result.status = "optimal" if proven else "feasible"
    result.assignments, result.standby = roster_of(roster_model, runner.solution or [])
    return result


def _improved_earlier(result: Result, plan: list[ObjectiveStage], runner: CpSatRunner) -> None:
    """Earlier stages' values where a later stage's changes by hand improved them."""
    divisor_of = {stage.name: stage.divisor for stage in plan}
    for stage_result in result.stages:
        value = runner.values.get(stage_result.name)
        if value is None or stage_result.value is None:
            continue
        stage_result.value = min(stage_result.value, value / divisor_of[stage_result.name])


def _finished(instance: Instance, calendar: Calendar, options: SolveOptions, result: Result,
              construction: Construction, plan: list[ObjectiveStage], budget: Budget) -> Result:
    """The solve's roster polished by hand where that ranks better; the constructed one where it ranks
    better still (or the solve found none)."""
    has_roster = result.status in ("optimal", "feasible")
    searched = ranking(instance, result.assignments, result.standby) if has_roster else None
    if searched is not None:
        left = None if budget.deterministic else budget.left()  # a repeatable solve polishes by rounds alone
        seconds = None if left is None else left - _finishing_seconds(options, construction, polishing=False)
        polished = polish(instance, calendar, result.assignments, result.standby, searched,
                          rounds=options.settings.polish_rounds, seconds=seconds)
        if polished is not None:
            logger.info("polished by hand: %s -> %s", searched, polished.rank)
            result = _with_roster(instance, result, plan, polished.rank, polished.assignments, polished.standby)
            searched = polished.rank
    built = construction.rank
    if built is None or (searched is not None and searched <= built):
        return result
    logger.info("the constructed roster ranks better than the search's: it is the result")
    dispatched = construction.dispatched
    return _with_roster(instance, result, plan, built, dispatched.assignments, dispatched.standby)


def _with_roster(instance: Instance, result: Result, plan: list[ObjectiveStage], rank: tuple[float, ...],
                 assignments: list[Assignment], standby: list[StandbyAssignment]) -> Result:
    """``result`` with another roster, and its stage values as the checker ranked it; the bounds kept."""
    bounds = {stage.name: stage.bound for stage in result.stages}
    empties = {stage.name: stage.empty for stage in result.stages}
    seconds = {stage.name: stage.seconds for stage in result.stages}
    result.stages = []
    values = rank if instance.objective.mode == "lexicographic" else rank * len(plan)
    for stage, value in zip(plan, values, strict=True):
        bound = bounds.get(stage.name)
        status = "optimal" if bound is not None and value <= bound else "feasible"
        result.stages.append(StageResult(stage.name, status, value, bound, seconds.get(stage.name, 0.0),
                                         empties.get(stage.name)))
    result.status = "optimal" if all(stage.status == "optimal" for stage in result.stages) else "feasible"
    result.assignments, result.standby, result.conflicts = assignments, standby, []
    return result


def _skipped(stage: ObjectiveStage, runner: CpSatRunner) -> StageResult:
    """A stage left out for want of time: its value under the incumbent if an earlier stage built it."""
    value = runner.values.get(stage.name)
    bound = runner.floor(stage.name) / stage.divisor  # no search, but counting (or 0) bounds it all the same
    return StageResult(stage.name, "skipped", None if value is None else value / stage.divisor, bound, 0.0)


def _stage_result(stage: ObjectiveStage, searched: StageSearch, runner: CpSatRunner) -> StageResult:
    """The stage's value under the incumbent, its bound from the search, and whether that proves it."""
    if stage.name not in runner.values:
        # neither the hint nor the search gave this stage a value: keep the previous roster, fix nothing
        logger.info("stage %s: no solution within %.1f s", stage.name, searched.seconds)
        return StageResult(stage.name, "unknown", None, runner.floor(stage.name) / stage.divisor, searched.seconds)
    value = runner.values[stage.name] / stage.divisor
    # a search of the whole model bounds the stage even when it found nothing better; every part
    # is >= 0, so a bound below 0 says nothing more than 0
    bound = max(runner.stage_bound(stage, searched.solver), 0) / stage.divisor if searched.bounded else 0.0
    # bounded too by a search of the stage alone before its tie-break, or by counting (stage_bounds)
    bound = max(bound, runner.floor(stage.name) / stage.divisor)
    # the incumbent, completed for this stage, is a solution of it even when the search found none
    status = "optimal" if searched.status == cp_model.OPTIMAL else "feasible"
    if bound is not None and value <= bound:
        status = "optimal"  # the value meets the proven bound, even if the search was cut short
    logger.info("stage %s: %s, value %s, bound %s, %.1f s", stage.name, status, value, bound, searched.seconds)
    return StageResult(stage.name, status, value, bound, searched.seconds)


def _no_roster(
    instance: Instance,
    options: SolveOptions,
    result: Result,
    stage_name: str,
    searched: StageSearch,
    started: float,
    runner: CpSatRunner,
) -> Result:
    """The first stage found no roster: infeasible (with the conflicts) if proven, else unknown."""
    if searched.status == cp_model.INFEASIBLE:
        proven, conflicts = explain_infeasibility(instance, options)
        if proven:
            result.status, result.conflicts = "infeasible", conflicts
    if result.status != "infeasible":
        # nothing found in the first stage within the time limit: no roster to give
        result.stages.append(StageResult(stage_name, "unknown", None, None, searched.seconds))
    result.interrupted = runner.interrupted
    result.seconds = time.monotonic() - started
    return result


def explain_infeasibility(instance: Instance, options: SolveOptions) -> tuple[bool, list[Conflict]]:
    """Name the cadres whose ``min_total_hours`` no roster can give.

    Every other rule holds for the empty roster, so only minimum hours can
    make an instance infeasible. The minimum is relaxed into a deficit per
    cadre and the total deficit minimised: if that optimum is above 0 the
    instance is infeasible, and the cadres still short are the conflicts.
    Returns (proven infeasible, conflicts).
    """
    roster_model = RosterModel.build(instance, soft_minimum_hours=True)
    total = cp_model.LinearExpr.sum(list(roster_model.min_total_deficits.values()))
    roster_model.cp.minimize(total)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(options.workers, 1)
    solver.parameters.random_seed = options.seed
    if options.time_limit is not None:
        solver.parameters.max_time_in_seconds = max(options.time_limit, 1.0)
    status = solver.solve(roster_model.cp)
    if status != cp_model.OPTIMAL or solver.objective_value <= 0:
        return False, []
    return True, _minimum_hours_conflicts(roster_model, solver)


def _minimum_hours_conflicts(roster_model: RosterModel, solver: cp_model.CpSolver) -> list[Conflict]:
    conflicts = []
    for cadre_id, deficit in roster_model.min_total_deficits.items():
        short = solver.value(deficit)
        if short <= 0:
            continue
        facts = roster_model.facts(cadre_id)
        owed = roster_model.calendar.prorated_min_total_minutes(facts) or 0
        conflicts.append(
            Conflict(
                rule="min_total_hours",
                cadre=cadre_id,
                message=f"cadre {cadre_id} must work at least {owed / 60:g} duty hours over the horizon "
                f"({facts.available_days} available days), but no roster gives every cadre their minimum: "
                f"in the roster closest to it, {cadre_id} still lacks {short / 60:g} hours (the rules, "
                "the demand and the checkpoints this cadre may serve leave no more duty)",
            )
        )
    return conflicts


def roster_of(roster_model: RosterModel, solution: list[int]) -> tuple[list[Assignment], list[StandbyAssignment]]:
    """The roster a solution of ``roster_model`` sets: its duties and standby as the roster file's entries."""
    return roster_of_keys(roster_model.calendar, *roster_model.vars.keys_set_in(solution))
