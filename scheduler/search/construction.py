"""The roster constructed before the model is built (the hand dispatch), and how two rosters rank.

On the field's instances a solve first dispatches a whole roster by hand's
rules (:mod:`scheduler.search.dispatch`: seconds, even for a city). It is the
search's first incumbent, and the solve's answer whenever the search cannot
do better in the time given: a solve never returns a roster that ranks below
it. Rosters are ranked by the independent checker's recomputed stage values
(lexicographic) or weighted total, so the comparison trusts neither side's
objective.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from models.instance import Instance
from models.roster import Assignment, StandbyAssignment
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar
from scheduler.model.variables import keys_of_roster
from scheduler.search.dispatch import Dispatch, dispatch
from scheduler.search.runner import Constructed
from scheduler.search.runs import only_sequence_rules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Construction:
    """The hand dispatch's roster, its rank (None if it breaks a rule), how long ranking took (the
    checker's evaluation, which composing the roster file repeats at the end) and how long the dispatch
    took (a filling by hand, which polishing the result repeats, takes about as long)."""

    dispatched: Dispatch
    rank: tuple[float, ...] | None
    ranking_seconds: float
    dispatch_seconds: float


def construct(instance: Instance, calendar: Calendar) -> Construction | None:
    """The hand dispatch's roster, ranked, where the field's rules are in play; None on instances of
    the sequence rules alone (the rostering benchmarks), whose own constructions are stronger."""
    if only_sequence_rules(instance):
        return None
    started = time.monotonic()
    dispatched = dispatch(instance, calendar)
    ranked = time.monotonic()
    rank = ranking(instance, dispatched.assignments, dispatched.standby)
    return Construction(dispatched, rank, time.monotonic() - ranked, ranked - started)


def ranking(
    instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment]
) -> tuple[float, ...] | None:
    """The roster's rank (lower is better): its stage values, or its weighted total; None if it
    breaks a rule (then it ranks nowhere)."""
    evaluation = evaluate(instance, assignments, standby)
    if evaluation.violations:
        logger.warning(
            "a roster breaks %d rule(s), e.g. %s", len(evaluation.violations), evaluation.violations[0].message
        )
        return None
    if instance.objective.mode == "lexicographic":
        return tuple(evaluation.stage_values)
    return (evaluation.weighted_total,)


def keys_of(calendar: Calendar, construction: Construction | None) -> Constructed | None:
    """The constructed roster by the model's keys (duties and standby by day index)."""
    if construction is None:
        return None
    duties, standby = keys_of_roster(calendar, construction.dispatched.assignments, construction.dispatched.standby)
    return Constructed(duties, standby)
