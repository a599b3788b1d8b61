"""The dive: cadres fixed to their column of largest LP value a few at a time, the LP solved between.

The dive fixes the cadres whose columns have the largest LP values to those
columns, generates columns for the others again (until the LP is within
``dive_gap`` of its bound), and repeats until every cadre has a roster. A step
fixes at least a share of the cadres left (``first_dive_share`` or
``second_dive_share``; at least one); when the pace of its steps says the time
left will not give every cadre such a step, it fixes as many as spread them
over the steps that fit. Any choice of one column per cadre keeps every hard
rule (the demand is soft). Cadres left when time runs out are left to the
caller, who completes the roster with runs.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from scheduler.model.variables import DutyKey
from scheduler.search.columns.master import MasterFailed
from scheduler.search.columns.outcome import Outcome
from scheduler.search.columns.pricer import Priced, PricingStopped
from scheduler.search.columns.problems import OFF

if TYPE_CHECKING:
    from scheduler.search.columns.generation import ColumnGeneration

logger = logging.getLogger(__name__)


def dive(generation: ColumnGeneration, outcome: Outcome, dive_share: float = 0.0) -> Outcome:
    """The dive's roster from the LP of ``outcome`` (returned by ``ColumnGeneration.lp``, not abandoned), each
    step fixing at least ``dive_share`` of the cadres left (one a step at 0); ``outcome`` itself
    is left as it is."""
    outcome = dataclasses.replace(outcome, duties=[], unfixed=[], dive_share=dive_share)
    generation.limit = generation.budget.limit
    try:
        fixed = _fix_in_steps(generation, outcome)
        if outcome.dive_complete:
            outcome.value = generation.master.solve()  # every column fixed: the roster's own cost
    except MasterFailed as error:
        logger.info("column generation given up in the dive: %s", error)
        return Outcome(lp_settings=generation.lp_settings, dive_share=dive_share, abandoned=True)
    return finish(generation, outcome, fixed)


def _fix_in_steps(generation: ColumnGeneration, outcome: Outcome) -> dict[str, Priced]:
    """Fix cadres to their column of largest LP value, the largest first, generating columns for
    the others in between, until every cadre has a roster; the cadres fixed and their columns.
    Each step fixes one cadre while time allows, more when the pace of the steps says the time
    left will not give every cadre a step (see :func:`_batch`). ``outcome`` notes a dive stopped
    by time or a stop (``unfixed``)."""
    active = list(generation.pricers)
    fixed: dict[str, Priced] = {}
    step_work: list[float] = []
    lp_value = outcome.lp_value  # of the LP before the step, for the step's gap
    outcome.dive_complete, outcome.unfixed = False, []
    while active:
        step_started = generation.used()
        batch = _batch(generation, step_work, len(active), outcome.dive_share)
        for _, cadre, position in generation.master.largest(active)[:batch]:
            generation.master.fix(cadre, position)
            fixed[cadre] = generation.master.columns[cadre][position][0]
            active.remove(cadre)
        outcome.largest_batch = max(outcome.largest_batch, batch)
        outcome.dive_steps += 1
        if not active:
            outcome.dive_complete = True
            break
        if generation.out_of_time():  # the cadres left get no column: the caller completes the roster
            outcome.unfixed = list(active)
            break
        try:
            lp_value, _, _, more = generation.generate(active, gap=generation.settings.dive_gap * abs(lp_value))
        except PricingStopped:  # as above, with the columns generated so far
            outcome.unfixed = list(active)
            break
        outcome.rounds += more
        step_work.append(generation.used() - step_started)
        logger.debug(
            "column generation: dive step %d fixed %d cadres, %d rounds, %.2f",
            len(step_work),
            batch,
            more,
            step_work[-1],
        )
    return fixed


def _batch(generation: ColumnGeneration, step_work: Sequence[float], left: int, share: float) -> int:
    """How many cadres the next dive step fixes: ``share`` of the ``left`` (at least one) while
    the steps' pace lets the steps needed so end before the budget does, else as many as spread
    the cadres left over the steps that fit (at the pace of the last ``dive_pace_steps`` steps)."""
    wanted = max(math.ceil(left * share), 1)
    if generation.budget.limit is None or not step_work:
        return wanted
    recent = step_work[-generation.settings.dive_pace_steps:]
    pace = max(sum(recent) / len(recent), 1e-9)
    time_left = generation.budget.left()
    assert time_left is not None
    steps_left = max(math.floor(time_left * generation.settings.dive_time_safety / pace), 1)
    return max(math.ceil(left / steps_left), wanted)


def finish(generation: ColumnGeneration, outcome: Outcome, fixed: dict[str, Priced]) -> Outcome:
    """The outcome with the duties of ``fixed``, the cadres the dive fixed."""
    outcome.duties = [
        DutyKey(cadre, day, shift, checkpoint)
        for cadre, priced in fixed.items()
        for day, (shift, checkpoint) in enumerate(zip(priced.days, priced.checkpoints, strict=True))
        if shift is not OFF and checkpoint is not None
    ]
    outcome.columns = sum(len(columns) for columns in generation.master.columns.values())
    outcome.seconds = time.monotonic() - generation.started
    logger.info(
        "column generation: dive %s in %d steps (at most %d cadres a step), %d duties, %d columns, %.1f s",
        "complete" if outcome.dive_complete else f"stopped with {len(outcome.unfixed)} cadres left",
        outcome.dive_steps,
        outcome.largest_batch,
        len(outcome.duties),
        outcome.columns,
        outcome.seconds,
    )
    return outcome
