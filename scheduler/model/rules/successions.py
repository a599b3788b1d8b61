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
    from scheduler.model.roster_model import RosterModel


def apply(roster: RosterModel) -> None:
    variables = roster.vars
    model = roster.cp  # every constraint here is an 'at most one' over booleans
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
        # A clique is a group of first shifts and followers every one of which they all forbid.
        # When both days hold at most one shift, all shifts forbidding a whole follower set join it:
        # every forbidden pair (a, b) sits in the clique of a's own follower set, so fewer, larger
        # cliques. When only the next day does, one clique per first shift and its followers.
        follower_sets = dict.fromkeys(
            tuple(second for second in roster.calendar.shift_ids if second in seconds)
            for seconds in open_followers.values()
            if seconds
        )
        by_follower_set = [
            ([first for first, others in open_followers.items() if set(seconds) <= set(others)], seconds)
            for seconds in follower_sets
        ]
        by_first_shift = [([first], tuple(seconds)) for first, seconds in open_followers.items()]
        for day in range(roster.calendar.days - 1):
            if not roster.exclusive_day(cadre.id, day + 1):  # several shifts may follow: one per pair
                _one_per_pair(roster, cadre.id, day, open_followers)
                continue
            exclusive_today = roster.exclusive_day(cadre.id, day)
            _cliques(roster, cadre.id, day, by_follower_set if exclusive_today else by_first_shift)
            _standbys_before_duties(roster, cadre.id, day, open_followers)


Held = list[cp_model.IntVar]


def _after(roster: RosterModel, cadre_id: str, day: int, seconds: Iterable[str]) -> tuple[Held, Held]:
    """The duty and the standby variables of the cadre on ``day + 1`` in the shifts ``seconds``."""
    variables = roster.vars
    duties = [v for second in seconds for v in variables.duty_in_slot(cadre_id, day + 1, second)]
    standbys = [v for second in seconds for v in variables.standby_in_slot(cadre_id, day + 1, second)]
    return duties, standbys


def _cliques(
    roster: RosterModel, cadre_id: str, day: int, groups: list[tuple[list[str], tuple[str, ...]]]
) -> None:
    """Per group, the duties of its first shifts on ``day`` and the duties and standbys of its
    followers on the next day: at most one of them."""
    for firsts, seconds in groups:
        duty_first = [v for first in firsts for v in roster.vars.duty_in_slot(cadre_id, day, first)]
        duty_after, standby_after = _after(roster, cadre_id, day, seconds)
        if duty_first and (duty_after or standby_after):
            roster.cp.add_at_most_one(duty_first + duty_after + standby_after)


def _standbys_before_duties(roster: RosterModel, cadre_id: str, day: int, open_followers: dict[str, list[str]]) -> None:
    """A standby stays callable: it may not sit before a forbidden duty (standbys alone may follow)."""
    for first, open_seconds in open_followers.items():
        standby_first = roster.vars.standby_in_slot(cadre_id, day, first)
        if not standby_first:
            continue  # the usual case: no standby wanted
        duty_after, _ = _after(roster, cadre_id, day, open_seconds)
        for standby in standby_first:
            if duty_after:
                roster.cp.add_at_most_one([standby, *duty_after])


def _one_per_pair(roster: RosterModel, cadre_id: str, day: int, open_followers: dict[str, list[str]]) -> None:
    """The next day may hold several shifts: one constraint per forbidden pair, standbys included."""
    variables = roster.vars
    model = roster.cp
    for first, open_seconds in open_followers.items():
        duty_first = variables.duty_in_slot(cadre_id, day, first)
        standby_first = variables.standby_in_slot(cadre_id, day, first)
        for second in open_seconds:
            duty_second = variables.duty_in_slot(cadre_id, day + 1, second)
            standby_second = variables.standby_in_slot(cadre_id, day + 1, second)
            if duty_first and duty_second:
                model.add_at_most_one(duty_first + duty_second)
            for standby in standby_second if duty_first else []:
                model.add_at_most_one([*duty_first, standby])
            if standby_first and duty_second:
                for standby in standby_first:
                    model.add_at_most_one([standby, *duty_second])
