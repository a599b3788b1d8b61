"""Large-neighbourhood search: the incumbent improved a neighbourhood at a time, the rest held.

Each step frees the duty and standby variables of one neighbourhood
(:mod:`scheduler.search.neighbourhoods`: a community's or a unit's cadres over
a few days) and asks CP-SAT for the best roster of the current stage with
every other decision held at the incumbent's value, the earlier stages held at
their values by their constraints. The incumbent is a complete hint, so a step
never returns worse. A step is solved on a model of its own holding only
the constraints its free variables reach (:mod:`scheduler.search.submodel`),
so it costs the neighbourhood, not the instance; it stops once the stage's
own value has not improved for ``lns_patience`` seconds. With several
workers, as many steps as ``lns_steps_at_once`` says run at once on
neighbourhoods that share no decision, one CP-SAT worker each; the best is
kept and the others' changes are added where the completed roster is
better still. Where no such model
can be made, holding is done on the whole model: every decision variable's
domain is narrowed to its incumbent value once, and a step widens only its
own variables and narrows them again after. The window widens while steps
end proven quickly and narrows when they run out of time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from ortools.sat.python import cp_model

from scheduler.model.objective import ObjectiveStage
from scheduler.search.budget import Budget
from scheduler.search.neighbourhoods import NeighbourhoodChooser, NeighbourhoodIndex
from scheduler.search.runner import FOUND, CpSatRunner
from scheduler.search.submodel import ConstraintIndex
from scheduler.search.watch import FoundWatch

logger = logging.getLogger(__name__)


class HeldDecisions:
    """The model's decision variables narrowed to the incumbent's values, and widened a few at a time."""

    def __init__(self, runner: CpSatRunner, original: dict[int, list[int]]) -> None:
        self.runner = runner
        self.variables = runner.roster_model.cp.proto.variables
        self.original = original  # each decision's own domain (NeighbourhoodIndex.domains)

    def hold(self, indices: list[int]) -> None:
        """Narrow ``indices`` to their values in the incumbent."""
        solution = self.runner.solution
        assert solution is not None
        for index in indices:
            value = solution[index]
            domain = self.variables[index].domain
            domain.clear()
            domain.extend((value, value))

    def release(self, indices: list[int]) -> None:
        """Give ``indices`` back their own domains."""
        for index in indices:
            domain = self.variables[index].domain
            domain.clear()
            domain.extend(self.original[index])

    @contextmanager
    def holding_all(self) -> Iterator[HeldDecisions]:
        everything = list(self.original)
        self.hold(everything)
        try:
            yield self
        finally:
            self.release(everything)


def improve_by_neighbourhoods(
    runner: CpSatRunner, stage: ObjectiveStage, budget: Budget, reporter: FoundWatch, index: NeighbourhoodIndex
) -> None:
    """Improve the incumbent for ``stage`` one neighbourhood at a time until ``budget`` is spent."""
    settings = runner.settings
    if runner.solution is None or not index.decisions or not index.community_cadres:
        return
    chooser = NeighbourhoodChooser(index, runner.options.seed + len(runner.stages), settings.lns_skill_share)
    width = min(settings.lns_first_width, index.days)
    steps = improved = stalled = 0
    ended = "no roster"  # why the search ended, for the log (the settings' measurements count them)
    start_value = runner.values.get(stage.name)
    model = runner.roster_model.cp
    # each step on a model of its own where every constraint's kind is indexed and the incumbent gives
    # every variable a value (a stage whose pass with the roster fixed ran out of time leaves it short)
    complete = len(runner.solution) == len(model.proto.variables)
    constraints = runner.constraint_index() if settings.lns_step_models and complete else None
    at_once = steps_at_once(runner) if constraints is not None else 1
    holding = HeldDecisions(runner, index.domains).holding_all() if constraints is None else nullcontext(None)
    with holding as held:
        while not runner.interrupted and runner.solution is not None:
            left = budget.left()
            if left is not None and left <= settings.lns_least_step:
                ended = "out of time (less than a step left)"
                break
            if stalled >= settings.lns_stall_steps:
                ended = "stalled"
                break  # every neighbourhood drawn lately was proven as it stands
            if runner.at_floor(stage.name):
                ended = "at its bound"
                break  # the stage is proven (at 0 or at its bound), and its time goes to the stages after
            frees = _draw_apart(chooser, index, stage.name, runner.solution, width, at_once)
            if not frees:
                stalled += 1
                continue
            before = runner.values.get(stage.name)
            limit = settings.lns_step_limit if left is None else min(settings.lns_step_limit, left)
            started = time.monotonic()
            if constraints is not None and len(frees) > 1:
                status = _steps_together(runner, constraints, index, frees, budget, limit)
            elif constraints is not None:
                small = constraints.step_model(model, frees[0], runner.solution, index.domains)
                made = time.monotonic() - started  # making the step's model counts against its limit
                status, _ = runner.search_small(small, budget, reporter,
                                                limit=max(limit - made, settings.lns_least_step / 2))
            else:
                assert held is not None
                held.release(frees[0])
                runner.hint()
                status, _ = runner.search(budget, reporter, limit=limit, neighbourhood=True)
                held.hold(frees[0])
            steps += len(frees)
            better = before is not None and runner.values.get(stage.name, before) < before
            logger.debug("stage %s, steps to %d: %d neighbourhoods of %s decisions, %s, %s -> %s in %.2f s",
                         stage.name, steps, len(frees), "+".join(str(len(free)) for free in frees),
                         status.name, before, runner.values.get(stage.name),
                         time.monotonic() - started)
            improved += better
            stalled = 0 if better or status != cp_model.OPTIMAL else stalled + len(frees)
            if status == cp_model.OPTIMAL and len(frees[0]) == len(index.decisions):
                ended = "the whole roster proven"
                break  # the neighbourhood was the whole roster, and it is proven
            # widen while steps are proven, narrow while they neither prove nor improve
            if status == cp_model.OPTIMAL:
                width = min(width + 1, index.days)
            elif not better:
                width = max(width - 1, 1)
    logger.info(
        "stage %s: %d neighbourhood steps (%d at once), %d rounds improved, value %s -> %s (window now %d days; %s)",
        stage.name,
        steps,
        at_once,
        improved,
        start_value,
        runner.values.get(stage.name),
        width,
        "interrupted" if runner.interrupted else ended,
    )


def steps_at_once(runner: CpSatRunner) -> int:
    """How many neighbourhood steps are solved at once, one CP-SAT worker each: ``lns_steps_at_once``,
    or (0) one per worker; one in a repeatable solve (threads end in their own order)."""
    if runner.options.deterministic:
        return 1
    return max(runner.settings.lns_steps_at_once or runner.options.workers, 1)


def _draw_apart(chooser: NeighbourhoodChooser, index: NeighbourhoodIndex, stage_name: str, solution: list[int],
                width: int, count: int) -> list[list[int]]:
    """The free decisions of up to ``count`` neighbourhoods that share none (a few draws each)."""
    weights = chooser.weights(stage_name, solution)
    frees: list[list[int]] = []
    taken: set[int] = set()
    for _ in range(3 * count if count > 1 else 1):  # one at a time: the draw as it always was
        free = index.free(chooser.draw(stage_name, width, weights))
        if free and taken.isdisjoint(free):
            frees.append(free)
            taken.update(free)
            if len(frees) == count:
                break
    return frees


def _steps_together(runner: CpSatRunner, constraints: ConstraintIndex, index: NeighbourhoodIndex,
                    frees: list[list[int]], budget: Budget, limit: float) -> cp_model.CpSolverStatus:
    """Solve the neighbourhoods ``frees`` (sharing no decision) at once from the incumbent, keep the
    best, then add the others' changes where the roster with them, completed, is better still (two
    neighbourhoods may meet in a constraint: a unit's hours, a cadre's rest across the window's edge).
    OPTIMAL when every step was proven."""
    started = time.monotonic()
    base = list(runner.solution or ())
    model = runner.roster_model.cp
    smalls = [constraints.step_model(model, free, base, index.domains) for free in frees]
    made = time.monotonic() - started
    results = runner.search_small_together(smalls, budget, limit=max(limit - made, runner.settings.lns_least_step / 2))
    gains = sorted((solver.objective_value, at) for at, (status, solver) in enumerate(results)
                   if status in FOUND and solver.objective_value < smalls[at].hinted_objective)
    if gains:
        current, first = gains[0]
        runner.keep_step(base, smalls[first], results[first][1])
        for _, at in gains[1:]:
            decisions = set(frees[at])
            solution = results[at][1].response_proto.solution
            changed = {variable: value for variable, value in zip(smalls[at].variables.tolist(), solution, strict=True)
                       if variable in decisions and value != base[variable]}
            if not changed:
                continue  # it only settled auxiliary values, which the kept step settles again
            merged = runner.merge_step(changed, budget, current)
            logger.debug("merging a step's %d changes: %s", len(changed), "not better" if merged is None else "kept")
            current = current if merged is None else merged
    proven = all(status == cp_model.OPTIMAL for status, _ in results)
    return cp_model.OPTIMAL if proven else cp_model.FEASIBLE
