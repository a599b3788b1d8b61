"""Forbidden successions: ``[[a, b]]``, duty shift b never on the day after duty shift a.

A history duty on the day before the horizon counts. A standby stays
callable: standby a before duty b, or duty a before standby b, is forbidden
too (each standby judged alone, so two standbys may follow each other).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
            # When the next day holds at most one shift anyway, one constraint per first shift covers all
            # its forbidden followers (fewer constraints, a tighter relaxation); otherwise one per pair.
            grouped = roster.exclusive_day(cadre.id, day + 1)
            if grouped and roster.exclusive_day(cadre.id, day):
                _add_cliques(roster, cadre.id, day, covering, open_followers)
                continue
            for first, open_seconds in open_followers.items():
                duty_first = variables.duty_in_slot(cadre.id, day, first)
                standby_first = variables.standby_in_slot(cadre.id, day, first)
                if not duty_first and not standby_first:
                    continue
                if grouped:
                    duty_after = [
                        v for second in open_seconds for v in variables.duty_in_slot(cadre.id, day + 1, second)
                    ]
                    held_after = duty_after + [
                        v for second in open_seconds for v in variables.standby_in_slot(cadre.id, day + 1, second)
                    ]
                    if duty_first and held_after:
                        model.add_at_most_one(duty_first + held_after)
                    if duty_after:
                        for standby in standby_first:
                            model.add_at_most_one([standby, *duty_after])
                    continue
                for second in open_seconds:
                    duty_second = variables.duty_in_slot(cadre.id, day + 1, second)
                    standby_second = variables.standby_in_slot(cadre.id, day + 1, second)
                    if duty_first and (duty_second or standby_second):
                        model.add_at_most_one(duty_first + duty_second)
                        for standby in standby_second:
                            model.add_at_most_one([*duty_first, standby])
                    if standby_first and duty_second:
                        for standby in standby_first:
                            model.add_at_most_one([standby, *duty_second])


def _add_cliques(
    roster: RosterModel,
    cadre_id: str,
    day: int,
    covering: dict[frozenset[str], list[str]],
    open_followers: dict[str, list[str]],
) -> None:
    """Both days hold at most one shift: per follower set, the shifts of ``day`` that forbid all of it
    and its duties and standbys on the next day form one clique ("at most one").

    Every forbidden pair (a, b) sits in the clique of a's own follower set. Fewer, larger cliques
    than one per first shift: a smaller model and a tighter relaxation.
    """
    variables = roster.vars
    model = roster.model
    for seconds, firsts in covering.items():
        duty_first = [v for first in firsts for v in variables.duty_in_slot(cadre_id, day, first)]
        ordered = [second for second in roster.calendar.shift_ids if second in seconds]
        duty_after = [v for second in ordered for v in variables.duty_in_slot(cadre_id, day + 1, second)]
        standby_after = [v for second in ordered for v in variables.standby_in_slot(cadre_id, day + 1, second)]
        if duty_first and (duty_after or standby_after):
            model.add_at_most_one(duty_first + duty_after + standby_after)
    # a standby stays callable: it may not sit before a forbidden duty (standbys alone may follow)
    for first, open_seconds in open_followers.items():
        standby_first = variables.standby_in_slot(cadre_id, day, first)
        if not standby_first:
            continue
        duty_after = [v for second in open_seconds for v in variables.duty_in_slot(cadre_id, day + 1, second)]
        if duty_after:
            for standby in standby_first:
                model.add_at_most_one([standby, *duty_after])
