"""One place at a time, and rest after every shift.

A cadre holds at most one duty or standby per day and shift; two of a
cadre's shifts never overlap; and after a duty or standby shift ends, the
next one starts at least ``min_rest_hours`` later. Fixed periods (unit hours,
busy, history) are handled when variables are created: a slot that overlaps
one, or leaves too little rest before one, gets no variable at all.

Two shifts conflict exactly when their intervals extended by the rest time,
``[start, end + rest)``, overlap; those extended intervals form an interval
graph, so one "at most one" per maximal group of shifts held at one moment
covers every conflict.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.model.roster_model import RosterModel


def apply(roster: RosterModel) -> None:
    variables = roster.vars
    for cadre_id, slots in variables.slots_of_cadre.items():
        rest = roster.facts(cadre_id).rest_minutes
        ordered = sorted(slots, key=lambda slot: (slot.start, slot.shift))
        starts = [slot.start for slot in ordered]
        moments = sorted(set(starts))
        longest_reach = max(slot.minutes for slot in ordered) + rest
        for position, moment in enumerate(moments):
            first = bisect_right(starts, moment - longest_reach)
            last = bisect_right(starts, moment)
            present = [other for other in ordered[first:last] if other.end + rest > moment]
            # the shifts held at this moment stay held at the next start unless one of them ends
            # first: then this group is part of the next one and needs no constraint of its own
            following = moments[position + 1] if position + 1 < len(moments) else None
            if following is not None and min(other.end + rest for other in present) > following:
                continue
            holding = [
                variable
                for other in present
                for variable in variables.duty_in_slot(cadre_id, other.day, other.shift)
                + variables.standby_in_slot(cadre_id, other.day, other.shift)
            ]
            if len(holding) > 1:
                roster.cp.add_at_most_one(holding)
