"""One stage's search: complete the incumbent for the stage, find a first roster if there is none, search on.

A stage begins with a pass that keeps the incumbent fixed (only the stage's
new auxiliaries are searched), so the stage has a value for the kept roster
even if its own search finds nothing better. Without an incumbent (the first
stage), a first roster is built before any search (the hand dispatch's on the
field's instances; on the rostering benchmarks' the builders of
:mod:`scheduler.search.first_roster`) and the search goes on from it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model.objective import ObjectiveStage
from scheduler.model.variables import Expr
from scheduler.search.budget import Budget
from scheduler.search.by_hand import change_by_hand
from scheduler.search.first_roster import build_first_roster
from scheduler.search.lns import improve_by_neighbourhoods
from scheduler.search.runner import CpSatRunner
from scheduler.search.runs import only_sequence_rules
from scheduler.search.watch import FoundWatch

logger = logging.getLogger(__name__)


@dataclass
class StageSearch:
    """How a stage's search ended: CP-SAT's status and solver of its last search, and its seconds."""

    status: cp_model.CpSolverStatus
    solver: cp_model.CpSolver
    seconds: float
    bounded: bool = True  # the solver searched the whole model: its bound is the stage's
    at_floor: bool = False  # the stage's value is at its floor (0, or a proven bound): nothing can be better


def search_stage(
    runner: CpSatRunner,
    stage: ObjectiveStage,
    expr: Expr,
    budget: Budget,
    fixed_first: list[int] | None = None,
    tie_break: tuple[int, Expr] | None = None,
) -> StageSearch:
    """Minimise ``expr`` (ties broken as ``tie_break`` says: see CpSatRunner.begin) within ``budget``;
    the incumbent is completed first with its variables fixed (only ``fixed_first`` when given)."""
    runner.begin(stage, expr, tie_break)
    settings = runner.settings
    share = settings.completion_share_duties_fixed if fixed_first else settings.completion_share
    # a stage built as the previous one's tie-break is valued in the incumbent itself; changes by
    # hand, when there are any, are accepted in the pass that would otherwise complete the roster
    valued = fixed_first is None and runner.value_incumbent()
    if not valued and fixed_first is None and runner.by_neighbourhoods and settings.lns_step_models \
            and runner.solution is not None:
        # a completion on a step model: the index of the stage's new constraints, which its steps need
        # anyway, is made before the completion's share is counted (on a district it took 1.2-1.4 s of
        # the last stage's 2.4 s share, and the completion then ran out of time). A pass with the duties
        # fixed runs on the whole model and needs the whole share (on a city it then failed)
        runner.constraint_index()
    if not change_by_hand(runner, stage, budget) and not valued:
        left = budget.left()
        runner.solve_fixed(fixed_first, budget.part(None if left is None else left * share))
    runner.hint()
    reporter = runner.reporter(stage)
    if runner.solution is None and budget.limited:
        status, solver = _first_roster_search(runner, stage, budget, reporter)
    elif runner.at_floor(stage.name) and runner.by_neighbourhoods and not runner.whole_model_proven:
        # nothing can be better, and neighbourhoods drawn where this stage is worst would draw blind:
        # the time goes to the next stage. (A whole search goes on: it improves the tie-break, the
        # next stage, without the one after in its objective, which it does better than the next
        # stage's own search: on the bundled one-community example, target 48.5 against 55.5.)
        logger.info("stage %s: the kept roster is at %d, the least it can be", stage.name, runner.floor(stage.name))
        return StageSearch(cp_model.OPTIMAL, cp_model.CpSolver(), time.monotonic() - runner.stage_started, False, True)
    else:
        status, solver = _search_on(runner, stage, budget, reporter)
    seconds = time.monotonic() - runner.stage_started
    return StageSearch(status, solver, seconds, _searched(solver), runner.at_floor(stage.name))


# The stages whose search breaks ties by the next stage (each next one has a known largest value).
TIE_BROKEN_BY = {"coverage": "standby", "standby": "target", "target": "fairness"}
# A tie-broken objective stays below this (CP-SAT's objective is exact in 64 bits; this keeps a margin).
LARGEST_TIE_BROKEN = 2**53


def stage_tie_break(plan: list[ObjectiveStage], index: int) -> tuple[int, Expr] | None:
    """(scale, the next stage's objective) where the stage breaks ties by the next one (see
    CpSatRunner.begin): searching coverage alone, a better roster moves standby and targets at
    random, and the stages after cannot win that back in their time."""
    if index + 1 >= len(plan) or TIE_BROKEN_BY.get(plan[index].name) != plan[index + 1].name:
        return None
    after = plan[index + 1]
    most, stage_most = after.most, plan[index].most
    if most is None or stage_most is None or (most + 1) * (stage_most + 1) >= LARGEST_TIE_BROKEN:
        return None
    return most + 1, after.build()


def _searched(solver: cp_model.CpSolver) -> bool:
    """Whether ``solver`` ran (a solver never run has no bound to give)."""
    try:
        return solver.response_proto is not None
    except RuntimeError:  # "solve() has not been called"
        return False


def _search_on(
    runner: CpSatRunner, stage: ObjectiveStage, budget: Budget, reporter: FoundWatch
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    """Search the whole model from the incumbent. On the field's instances (a roster was constructed)
    the first stage's whole search gets ``whole_search_share`` of the time (none since the nineteenth
    session: its bound stayed 0 on every generated instance, and the neighbourhoods did better with
    its time), and the later stages' none; the rest goes neighbourhood by neighbourhood
    (:mod:`scheduler.search.lns`)."""
    left = budget.left()
    # a small model, or one whose first stage a whole search proved, is searched whole
    whole = not runner.by_neighbourhoods or runner.whole_model_proven
    if whole or runner.solution is None or left is None:
        # the stage alone first: its tie-break can keep a whole search from proving it (a sub-district
        # with cadres added: the minimum proven covered in 4.5 s alone, 96.3 % in 60 s tie-broken)
        if runner.solution is not None and left is not None:
            runner.search_alone(stage, budget, left * runner.settings.alone_first_share)
        status, solver = runner.search(budget, reporter)
        return status, solver
    status, solver = cp_model.UNKNOWN, cp_model.CpSolver()
    if len(runner.stages) == 1 and runner.settings.whole_search_share > 0:
        status, solver = runner.search(budget, reporter, limit=left * runner.settings.whole_search_share)
        runner.whole_model_proven = status == cp_model.OPTIMAL
    if status != cp_model.OPTIMAL and not runner.interrupted:
        improve_by_neighbourhoods(runner, stage, budget, reporter, runner.neighbourhood_index())
    return status, solver


def _first_roster_search(
    runner: CpSatRunner, stage: ObjectiveStage, budget: Budget, reporter: FoundWatch
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    """Build the first roster, then search on from it.

    Every instance has a roster built before any search: the hand dispatch's, constructed before the
    model, where the field's rules are in play; on instances of the sequence rules alone (the
    rostering benchmarks) one from the builders of :mod:`scheduler.search.first_roster` (column
    generation, runs, cadre by cadre), a far better start there than the search's own first rosters.
    """
    settings = runner.settings
    deterministic = budget.deterministic
    if runner.constructed is not None:
        logger.info("starting from the roster constructed by hand dispatch")
    elif only_sequence_rules(runner.roster_model.instance):
        logger.info("the rules allow a roster built from runs: building a first roster")
    if runner.solution is None:
        build_first_roster(runner, budget)
    if runner.solution is not None and runner.constructed is not None:
        change_by_hand(runner, stage, budget)
    # a search that could not get past loading and presolving the model would add nothing but overrun
    least = 0.0 if deterministic or runner.solution is None else settings.fixed_passes_before_search
    left = budget.left()
    assert left is not None
    if left <= least * runner.fixed_seconds:
        logger.info("no time left to search on from the built roster")
        return cp_model.UNKNOWN, cp_model.CpSolver()
    runner.hint()
    # if this search finds nothing in time, the roster kept before (if any) is the result
    return _search_on(runner, stage, budget, reporter)


def left_to_the_polishing(stage: ObjectiveStage, share: Budget, runner: CpSatRunner, *, last: bool) -> bool:
    """Whether the stage is left out, its time kept for the polishing, on a model searched by
    neighbourhoods, in seconds: where its ``share`` is shorter than some times the model's building.
    The ``last`` stage (``last_stage_least_builds``): loading its part costs most of a model's
    building before any search. The fairness stage, where a constructed roster will be polished
    (``fairness_stage_least_builds``): the polishing's balancing by hand does its work without
    loading it into the whole model."""
    if last:
        least_builds = runner.settings.last_stage_least_builds
    elif stage.name == "fairness" and runner.constructed is not None:
        least_builds = runner.settings.fairness_stage_least_builds
    else:
        return False
    if not runner.by_neighbourhoods or share.deterministic or share.limit is None:
        return False
    built = sum(runner.roster_model.build_seconds.values())
    if share.limit >= least_builds * built:
        return False
    logger.info("stage %s: %.1f s left, less than %g times building the model (%.1f s): left to the polishing",
                stage.name, share.limit, least_builds, built)
    return True
