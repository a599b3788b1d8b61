"""Large-neighbourhood search: the incumbent improved a neighbourhood at a time, the rest held.

Each step frees the duty and standby variables of one neighbourhood
(:mod:`scheduler.search.neighbourhoods`: a community's or a unit's cadres over
a few days) and asks CP-SAT for the best roster of the current stage with
every other decision held at the incumbent's value, the earlier stages held at
their values by their constraints. The incumbent is a complete hint, so a step
never returns worse. A step is solved on a model of its own holding only
the constraints its free variables reach (:mod:`scheduler.search.submodel`),
so it costs the neighbourhood, not the instance; it stops once the stage's
own value has not improved for ``lns_patience`` seconds. Where no such model
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
from scheduler.search.runner import CpSatRunner, FoundWatch

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
    chooser = NeighbourhoodChooser(index, runner.options.seed + len(runner.stages))
    width = min(settings.lns_first_width, index.days)
    steps = improved = stalled = 0
    start_value = runner.values.get(stage.name)
    model = runner.roster_model.cp
    # each step on a model of its own where every constraint's kind is indexed and the incumbent gives
    # every variable a value (a stage whose pass with the roster fixed ran out of time leaves it short)
    complete = len(runner.solution) == len(model.proto.variables)
    constraints = runner.constraint_index() if settings.lns_step_models and complete else None
    holding = HeldDecisions(runner, index.domains).holding_all() if constraints is None else nullcontext(None)
    with holding as held:
        while not runner.interrupted and runner.solution is not None:
            left = budget.left()
            if left is not None and left <= settings.lns_least_step:
                break
            if stalled >= settings.lns_stall_steps:
                break  # every neighbourhood drawn lately was proven as it stands
            if runner.at_floor(stage.name):
                break  # the stage is proven (at 0 or at its bound), and its time goes to the stages after
            neighbourhood = chooser.draw(stage.name, runner.solution, width)
            free = index.free(neighbourhood)
            if not free:
                stalled += 1
                continue
            before = runner.values.get(stage.name)
            limit = settings.lns_step_limit if left is None else min(settings.lns_step_limit, left)
            started = time.monotonic()
            if constraints is not None:
                small = constraints.step_model(model, free, runner.solution, index.domains)
                made = time.monotonic() - started  # making the step's model counts against its limit
                status, solver = runner.search_small(small, budget, reporter,
                                                     limit=max(limit - made, settings.lns_least_step / 2))
            else:
                assert held is not None
                held.release(free)
                runner.hint()
                status, solver, _ = runner.search(budget, reporter, limit=limit, neighbourhood=True)
                held.hold(free)
            steps += 1
            better = before is not None and runner.values.get(stage.name, before) < before
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "stage %s step %d: %s %s, days %d-%d, %d decisions: %s, %s -> %s in %.2f s",
                    stage.name, steps, neighbourhood.kind, neighbourhood.place, neighbourhood.days.start,
                    neighbourhood.days.stop - 1, len(free), solver.status_name(status), before,
                    runner.values.get(stage.name), time.monotonic() - started,
                )
            improved += better
            stalled = 0 if better or status != cp_model.OPTIMAL else stalled + 1
            if status == cp_model.OPTIMAL and len(free) == len(index.decisions):
                break  # the neighbourhood was the whole roster, and it is proven
            # widen while steps are proven, narrow while they neither prove nor improve
            if status == cp_model.OPTIMAL:
                width = min(width + 1, index.days)
            elif not better:
                width = max(width - 1, 1)
    logger.info(
        "stage %s: %d neighbourhood steps, %d improved, value %s -> %s (window now %d days)",
        stage.name,
        steps,
        improved,
        start_value,
        runner.values.get(stage.name),
        width,
    )
