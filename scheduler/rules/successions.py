"""Forbidden successions: ``[[a, b]]``, duty shift b never on the day after duty shift a.

A history duty on the day before the horizon counts. A standby stays
callable: standby a before duty b, or duty a before standby b, is forbidden
too (each standby judged alone, so two standbys may follow each other).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from scheduler.model import RosterModel


def apply(roster: RosterModel) -> None:
    variables = roster.vars
    model = roster.model  # every constraint here is an 'at most one' over booleans
    for cadre in roster.instance.cadres:
        facts = roster.facts(cadre.id)
        successions = facts.rules.forbidden_successions or []
        if not successions or cadre.id not in variables.slots_of_cadre:
            continue
        worked_before = facts.history_duty_shifts_on(-1)
        followers: dict[str, list[str]] = {}
        for first, second in successions:
            if second in followers.setdefault(first, []):
                continue  # a pair listed twice: a repeated literal would break "at most one"
            followers[first].append(second)
            if first in worked_before:
                for variable in variables.duty_in_slot(cadre.id, 0, second) + variables.standby_in_slot(
                    cadre.id, 0, second
                ):
                    model.add(variable == 0)
        if roster.calendar.days < 2:
            continue
        # Rest may already keep a pair apart. Every day's shifts sit at the same times of day, so
        # days 0 and 1 tell for every pair of consecutive days.
        slots = roster.calendar.slots
        open_followers = {
            first: [
                second for second in seconds if not roster.conflict(cadre.id, slots[(0, first)], slots[(1, second)])
            ]
            for first, seconds in followers.items()
        }
        # Shifts whose followers include a whole follower set can all sit in its one constraint.
        follower_sets = list(dict.fromkeys(frozenset(seconds) for seconds in open_followers.values() if seconds))
        covering = {
            seconds: [first for first, others in open_followers.items() if seconds <= set(others)]
            for seconds in follower_sets
        }
        for day in range(roster.calendar.days - 1):
            # When the next day holds at most one shift anyway, one constraint covers all of a first
            # shift's forbidden followers (fewer constraints, a tighter relaxation); otherwise one per pair.
            if not roster.exclusive_day(cadre.id, day + 1):
                _one_per_pair(roster, cadre.id, day, open_followers)
                continue
            if roster.exclusive_day(cadre.id, day):
                _one_per_follower_set(roster, cadre.id, day, covering)
            else:
                _one_per_first_shift(roster, cadre.id, day, open_followers)
            _standbys_before_duties(roster, cadre.id, day, open_followers)


Held = list[cp_model.IntVar]


def _after(roster: RosterModel, cadre_id: str, day: int, seconds: Iterable[str]) -> tuple[Held, Held]:
    """The duty and the standby variables of the cadre on ``day + 1`` in the shifts ``seconds``."""
    variables = roster.vars
    duties = [v for second in seconds for v in variables.duty_in_slot(cadre_id, day + 1, second)]
    standbys = [v for second in seconds for v in variables.standby_in_slot(cadre_id, day + 1, second)]
    return duties, standbys


def _one_per_follower_set(
    roster: RosterModel, cadre_id: str, day: int, covering: dict[frozenset[str], list[str]]
) -> None:
    """Both days hold at most one shift: per follower set, the shifts of ``day`` that forbid all of it
    and its duties and standbys on the next day form one clique ("at most one").

    Every forbidden pair (a, b) sits in the clique of a's own follower set: fewer, larger cliques
    than one per first shift.
    """
    for seconds, firsts in covering.items():
        duty_first = [v for first in firsts for v in roster.vars.duty_in_slot(cadre_id, day, first)]
        ordered = [second for second in roster.calendar.shift_ids if second in seconds]
        duty_after, standby_after = _after(roster, cadre_id, day, ordered)
        if duty_first and (duty_after or standby_after):
            roster.model.add_at_most_one(duty_first + duty_after + standby_after)


def _one_per_first_shift(roster: RosterModel, cadre_id: str, day: int, open_followers: dict[str, list[str]]) -> None:
    """The next day holds at most one shift: a first shift's duty and all its followers, one clique."""
    for first, open_seconds in open_followers.items():
        duty_first = roster.vars.duty_in_slot(cadre_id, day, first)
        duty_after, standby_after = _after(roster, cadre_id, day, open_seconds)
        if duty_first and (duty_after or standby_after):
            roster.model.add_at_most_one(duty_first + duty_after + standby_after)


def _standbys_before_duties(roster: RosterModel, cadre_id: str, day: int, open_followers: dict[str, list[str]]) -> None:
    """A standby stays callable: it may not sit before a forbidden duty (standbys alone may follow)."""
    for first, open_seconds in open_followers.items():
        standby_first = roster.vars.standby_in_slot(cadre_id, day, first)
        if not standby_first:
            continue  # the usual case: no standby wanted
        duty_after, _ = _after(roster, cadre_id, day, open_seconds)
        for standby in standby_first if duty_after else []:
            roster.model.add_at_most_one([standby, *duty_after])


def _one_per_pair(roster: RosterModel, cadre_id: str, day: int, open_followers: dict[str, list[str]]) -> None:
    """The next day may hold several shifts: one constraint per forbidden pair, standbys included."""
    variables = roster.vars
    model = roster.model
    for first, open_seconds in open_followers.items():
        duty_first = variables.duty_in_slot(cadre_id, day, first)
        standby_first = variables.standby_in_slot(cadre_id, day, first)
        for second in open_seconds:
            duty_second = variables.duty_in_slot(cadre_id, day + 1, second)
            standby_second = variables.standby_in_slot(cadre_id, day + 1, second)
            if duty_first and (duty_second or standby_second):
                model.add_at_most_one(duty_first + duty_second)
                for standby in standby_second:
                    model.add_at_most_one([*duty_first, standby])
            if standby_first and duty_second:
                for standby in standby_first:
                    model.add_at_most_one([standby, *duty_second])
