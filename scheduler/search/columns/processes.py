"""Two column generations side by side: the first LP in threads, then two dives in two processes.

With two workers the first LP prices its cadres in two threads; then a forked
process dives it (fixing at least ``first_dive_share`` of the cadres left a
step) while this process generates a second LP with other GLOP settings and
dives that (``second_dive_share`` a step); the cheaper complete dive is kept.
Where a second LP would not fit the time left, the first is dived both ways.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from scheduler.model.roster_model import RosterModel
from scheduler.search.budget import Budget
from scheduler.search.columns.generation import ColumnGeneration, Outcome
from scheduler.search.settings import SETTINGS, SearchSettings

logger = logging.getLogger(__name__)


def _dive_in_child(generation: ColumnGeneration, outcome: Outcome, share: float, sender: Connection) -> None:
    """A forked process's side: dive from the LP fixing at least ``share`` of the cadres left a step and
    send the outcome back (the error, in words, if it failed)."""
    try:
        sender.send(generation.dive(outcome, share))
    except BaseException as error:  # noqa: BLE001 - the parent runs on with its own outcome, and logs this
        sender.send(f"{type(error).__name__}: {error}")
    finally:
        sender.close()


def second_lp_fits(first_lp_work: float, left: float | None, settings: SearchSettings = SETTINGS) -> bool:
    """Whether a second LP, taken to need ``second_lp_slower`` times the first's work (``first_lp_work``),
    would leave its dive ``dive_to_lp`` times as long of what is ``left`` of the budget."""
    return left is None or first_lp_work * settings.second_lp_slower * (1 + settings.dive_to_lp) <= left


def two_dives(
    roster_model: RosterModel,
    budget: Budget | None,
    *,
    processes: int,
    deterministic: bool = False,
    stopped: Callable[[], bool] = lambda: False,
    settings: SearchSettings = SETTINGS,
) -> tuple[Outcome | None, float]:
    """Column generation and dives, two side by side with two processes; (the outcome with the cheapest
    complete dive, else this process's; the budget this process used).

    The first LP (GLOP as ``lp_settings``) prices its cadres in threads, one per process. With one process
    (or without fork) it is then dived at least a twentieth of the cadres left a step
    (``first_dive_share``), and that is all. With two, a forked process dives it so, while this one
    generates a second LP (``second_lp_settings``, from scratch) and dives that fixing at least a tenth
    of the cadres left a step; where the second LP would not fit its share of
    the time left (:func:`second_lp_fits`) or does not end in it, this process dives the first LP
    that way instead.
    """
    first = ColumnGeneration(roster_model, budget, deterministic=deterministic, stopped=stopped, settings=settings)
    two = processes >= 2 and "fork" in multiprocessing.get_all_start_methods()
    lp = first.lp(threads=min(max(processes, 1), settings.pricing_threads))
    if lp is None or lp.abandoned or stopped():
        return lp, first.used()
    if not two:
        return first.dive(lp, settings.first_dive_share), first.used()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # forked after the first LP's threads have ended
    child: BaseProcess = context.Process(
        target=_dive_in_child, args=(first, lp, settings.first_dive_share, sender), daemon=True
    )
    child.start()
    sender.close()
    try:
        own = _second_dive(first, lp, deterministic=deterministic, stopped=stopped)
        outcomes: list[Outcome | None] = [own]
        # the child keeps the same budget; a little more for its last LP and the pickling
        left = first.budget.left()
        patience = None if left is None or deterministic else max(left, 0.0) + settings.child_grace
        if not stopped() and receiver.poll(patience):
            received = receiver.recv()
            if isinstance(received, str):
                logger.warning("column generation: the forked dive failed (%s); this process's dive is kept", received)
            else:
                outcomes.insert(0, received)  # first, so that it is kept on a tie
        elif not stopped():
            logger.warning("column generation: the forked dive sent nothing in time; this process's dive is kept")
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()
    complete = [outcome for outcome in outcomes if outcome is not None and outcome.dive_complete]
    best = own
    if complete:
        best = min(complete, key=lambda outcome: outcome.value)  # the first LP's dive on a tie
        logger.info(
            "column generation: dives side by side gave %s; kept the one from GLOP settings %r, fixing %s a step",
            ", ".join(f"{outcome.value:g}" for outcome in complete),
            best.lp_settings,
            f"at least {best.dive_share:g} of the cadres left" if best.dive_share else "one cadre",
        )
    return best, first.used()


def _second_dive(
    first: ColumnGeneration,
    lp: Outcome,
    *,
    deterministic: bool,
    stopped: Callable[[], bool],
) -> Outcome:
    """This process's side of :func:`two_dives` (see there): its dive. The first generation's work
    counter takes the second's work, so that ``first.used()`` is this process's, in work too."""
    settings = first.settings
    left = first.budget.left()
    if not second_lp_fits(first.used(), left, settings):
        return first.dive(lp, settings.second_dive_share)
    second = ColumnGeneration(
        first.roster_model,
        Budget(left, deterministic=deterministic),
        deterministic=deterministic,
        stopped=stopped,
        lp_settings=settings.second_lp_settings,
        settings=settings,
    )
    second_lp = second.lp()
    outcome = None
    if second_lp is not None and not second_lp.abandoned and not stopped():
        outcome = second.dive(second_lp, settings.second_dive_share)
    first.counter.add(second.counter.labels)
    if outcome is not None:
        return outcome
    logger.info("column generation: the second LP did not end in its share; the first is dived again")
    return first.dive(lp, settings.second_dive_share)

