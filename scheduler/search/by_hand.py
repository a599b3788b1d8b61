"""Changes a planner makes by hand between searches: fill open cells, bring cadres over, hand load on.

Thousands of changes a second, where a neighbourhood step makes a few
hundred in a second or two: at the start of a stage the roster is swept by
hand, and the search goes on from the result if the model accepts it and it
ranks better. (Sweeping again between a stage's neighbourhood steps, every
5 rounds that changed the roster, was measured and ranked below this on 7
of 9 field rows: BENCHMARKS.md, twenty-first session.)
"""

from __future__ import annotations

import logging

from scheduler.model.calendar import Calendar
from scheduler.model.objective import STAGE_ORDER, ObjectiveStage
from scheduler.model.variables import DutyKey, StandbyKey, roster_of_keys
from scheduler.search.balance import balance_loads
from scheduler.search.budget import Budget
from scheduler.search.construction import ranking
from scheduler.search.fill import fill_open_cells
from scheduler.search.runner import CpSatRunner

logger = logging.getLogger(__name__)


def change_by_hand(runner: CpSatRunner, stage: ObjectiveStage, budget: Budget) -> bool:
    """What a planner does by hand before the stage's search refines it (thousands of changes a
    second): fill the cells a free cadre can fill, and bring a cadre over from standby or from a cell
    above its minimum to one below it, or to open standby (coverage and standby stages; the target
    stage only adds, up to the targets); or hand duties from the most to the least loaded cadres
    (fairness stage). Filling is for the models searched by neighbourhoods (a small model's whole
    search fills better from the roster as it stands: on the bundled one-community example a target
    filled by hand first ended at 55.5 against 48.5). Filling never ranks worse, by construction; a
    balanced roster must have a lower fairness value than the kept one (the checker ranks them first
    where the kept one has no value yet). The changed roster becomes the incumbent once the whole
    model accepts it with every decision fixed. Whether it did."""
    if runner.solution is None or stage.name not in ("coverage", "standby", "target", "fairness"):
        return False
    if stage.name != "fairness" and not runner.by_neighbourhoods:
        return False  # a small model's whole search fills better from the roster as it stands
    if stage.name == "fairness":
        return _balance(runner, stage, budget)
    duties, standby = runner.incumbent_keys()
    # moves to the minimum or to standby cost targets, which the target stage must keep
    filled = fill_open_cells(runner.roster_model.calendar, duties, standby, move_cadres=stage.name != "target",
                             up_to_target=stage.name == "target")
    if not filled.added:
        return False
    return _accepted(runner, stage, budget, (filled.duties, filled.standby))


def _balance(runner: CpSatRunner, stage: ObjectiveStage, budget: Budget) -> bool:
    """Hand load from the more to the less loaded (:mod:`scheduler.search.balance`) and keep the result
    where the model accepts it and it ranks better. The whole model accepts it with every decision
    fixed: a model of the changes grows with them (hundreds of moves on a 56-day town reach 170,000
    constraints, 5 s to build, against 4 s for the whole model's pass), and when it was not ready
    in the stage's time the whole balancing was lost. Whether it was kept."""
    calendar = runner.roster_model.calendar
    duties, standby = runner.incumbent_keys()
    left = budget.left()
    seconds = float("inf") if budget.deterministic or left is None else left * runner.settings.balance_share
    balanced = balance_loads(calendar, duties, standby, seconds)
    if not balanced.moves:
        return False
    # the kept roster's fairness, to compare with: in the incumbent if it has it, else by the checker
    if stage.name not in runner.values and not ranks_better(
        calendar, (balanced.duties, balanced.standby), (duties, standby)
    ):
        return False
    return _accepted(runner, stage, budget, (balanced.duties, balanced.standby), on_its_own=False)


def _accepted(runner: CpSatRunner, stage: ObjectiveStage, budget: Budget,
              changed: tuple[list[DutyKey], list[StandbyKey]], *, on_its_own: bool = True) -> bool:
    """Whether the whole model accepts ``changed`` (every decision fixed) and it ranks better than the
    incumbent: it then becomes the incumbent, else the incumbent is kept."""
    kept_solution, kept_values = runner.solution, runner.values
    kept = runner.ranking(kept_values) if stage.name in kept_values else None
    accepted = runner.accept(changed[0], budget, changed[1], on_its_own=on_its_own)
    if accepted and (kept is None or runner.ranking(runner.values) < kept):
        logger.info("stage %s: changed by hand: %s -> %s", stage.name, runner.described(kept_values),
                    runner.described(runner.values))
        runner.keep_earlier_stages()
        return True
    logger.info("stage %s: the roster changed by hand was not accepted in time, or not better", stage.name)
    runner.solution, runner.values = kept_solution, kept_values
    return False


def ranks_better(
    calendar: Calendar, changed: tuple[list[DutyKey], list[StandbyKey]], kept: tuple[list[DutyKey], list[StandbyKey]]
) -> bool:
    """Whether ``changed`` ranks better than ``kept`` up to the fairness stage, by the checker."""
    position = STAGE_ORDER.index("fairness") + 1
    ranks = [ranking(calendar.instance, *roster_of_keys(calendar, *roster)) for roster in (changed, kept)]
    return ranks[0] is not None and ranks[1] is not None and ranks[0][:position] < ranks[1][:position]
