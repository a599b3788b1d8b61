"""The hand-dispatch greedy: a roster built the way a command centre dispatches by hand.

Day by day, each shift in start order, each checkpoint high risk first, the
skill counts and then the minimum are filled with the eligible cadre who has
the least load so far (ties: longest since the last duty, then the
instance's order). Then that day's standby for every community, a standby
counted as a duty toward every limit so that it stays callable. A second pass
tops checkpoints up to their target (never above ``max``); a third gives
cadres still under their pro-rated ``min_total_hours`` duty where demand
exists.

Every step checks every hard rule of DESIGN.md for the one cadre it moves
(and ``max_away`` for the cadre's unit), on the solver side's time grid
(:mod:`scheduler.model.calendar`), so that its roster is one the CP-SAT model
accepts with the duties fixed: duty only where a demand rule applies and
never above ``max``, standby only where it is asked for and never beyond.
A step that would break a rule is not taken: the slot stays uncovered.

Rules that look ahead are kept locally. A day is refused when it would close
a run of days off shorter than ``min_consecutive_days_off``. A run of work
shorter than ``min_consecutive_work_days`` that the day-by-day pass closes
(the cadre is not rostered the next day) is taken back at once, and its
cells get a second chance once every day has been dispatched; while such a
run is open its cadre is asked first. Later passes only add a day that
leaves every run it touches long enough. ``min_total_hours`` is the third
pass: a cadre it cannot bring to the minimum is listed in
:attr:`Dispatch.under_minimum` (the roster then breaks that rule).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from models.instance import Instance
from models.roster import Assignment, StandbyAssignment
from scheduler.model.calendar import Calendar
from scheduler.search.dispatch.dispatcher import Dispatcher

logger = logging.getLogger(__name__)


@dataclass
class Dispatch:
    """The greedy's roster: duties and standby, and the cadres it left below ``min_total_hours``."""

    assignments: list[Assignment] = field(default_factory=list)
    standby: list[StandbyAssignment] = field(default_factory=list)
    under_minimum: list[str] = field(default_factory=list)
    seconds: float = 0.0


def dispatch(instance: Instance, calendar: Calendar | None = None) -> Dispatch:
    """The hand-dispatch greedy's roster of ``instance`` (deterministic).

    ``calendar``, when given, must be the instance's (its demand cells may differ, as in
    :mod:`scheduler.search.cadre_by_cadre`); duties go only where its demand applies.
    """
    started = time.perf_counter()
    calendar = Calendar(instance) if calendar is None else calendar
    dispatcher = Dispatcher(instance, calendar)
    dispatcher.day_by_day()
    dispatcher.top_up()
    short = dispatcher.reach_minimum_hours()
    assignments, standby = dispatcher.roster()
    seconds = time.perf_counter() - started
    logger.info(
        "dispatch: %d duties, %d standby, %d runs taken back, %d cadres under min_total_hours, %.2f s",
        len(assignments), len(standby), dispatcher.runs_taken_back, len(short), seconds,
    )
    return Dispatch(assignments=assignments, standby=standby, under_minimum=short, seconds=seconds)
