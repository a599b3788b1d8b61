"""Confirming the conflicts of an ``infeasible`` roster where a simple, sound argument can.

DESIGN.md section 4: ``status: infeasible`` is only for instances whose fixed facts contradict the
rules whatever the demand, e.g. a ``min_total_hours`` that no roster can reach. For such a conflict the
checker computes, for that cadre alone, an upper bound on the duty minutes any roster could give them:

* on each day of the horizon that is not wholly unavailable, the shifts not blocked for the cadre, not
  overlapping their unit hours or busy periods, and with a checkpoint of a community they may serve
  (not high-risk if vulnerable) whose applying demand rule allows a duty (``max`` not 0);
* at most ``max_duty_shifts_per_day`` of them a day (the longest ones);
* at most ``max_duty_hours_per_7_days`` in each block of 7 days (and in the last, shorter block);
* at most ``max_total_hours`` over the horizon.

Every other rule and every other cadre can only lower what a roster gives, so when this bound is below
the pro-rated minimum the conflict is confirmed. Otherwise it is reported as not confirmed (a warning,
not a failure): the conflict may still be true, e.g. when several cadres compete for the same shifts.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.roster import Conflict
from scheduler.checker.context import CheckedCadre, Context


@dataclass(frozen=True)
class Verdict:
    """What the checker makes of one conflict: ``confirmed``, ``wrong`` (a claim it can refute) or neither."""

    confirmed: bool
    wrong: bool
    message: str


def _possible(ctx: Context, facts: CheckedCadre, day: int, shift_id: str) -> bool:
    """Whether one duty (cadre, day, shift) is possible at all, whatever the rest of the roster."""
    if day in facts.wholly_unavailable or (day, shift_id) in facts.blocked:
        return False
    cadre = facts.cadre
    period = ctx.shift_period(day, shift_id, "duty", None)
    for fixed in facts.fixed_periods:
        if fixed.start < period.end and period.start < fixed.end:
            return False
    for checkpoint_id, checkpoint in ctx.checkpoints.items():
        if checkpoint.community not in cadre.communities or (cadre.vulnerable and checkpoint.risk == "high"):
            continue
        rule = ctx.demand.get((checkpoint_id, day, shift_id))
        if rule is not None and rule.max != 0:
            return True
    return False


def duty_minutes_bound(ctx: Context, facts: CheckedCadre) -> int:
    """An upper bound on the duty minutes any roster can give this cadre over the horizon."""
    limits = facts.limits
    per_day = []
    for day in range(ctx.days):
        lengths = sorted((ctx.shift_minutes[shift_id] for shift_id in ctx.shift_order
                          if _possible(ctx, facts, day, shift_id)), reverse=True)
        if limits.duty_shifts_per_day is not None:
            lengths = lengths[:limits.duty_shifts_per_day]
        per_day.append(sum(lengths))
    if limits.duty_hours_per_7 is not None:
        # A block of 7 days inside the horizon is a window of its own; a last, shorter block lies inside a
        # window ending on the horizon's last day. The roster adds at most the limit to either.
        total = sum(min(sum(per_day[first:first + 7]), limits.duty_hours_per_7) for first in range(0, ctx.days, 7))
    else:
        total = sum(per_day)
    if limits.max_total is not None:
        total = min(total, limits.max_total)
    return total


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} h"


def judge_conflict(ctx: Context, conflict: Conflict) -> Verdict:
    """Confirm, refute or leave open one conflict of an infeasible roster."""
    if conflict.rule != "min_total_hours":
        return Verdict(False, False, f"conflict {conflict.rule!r}: the checker has no argument for this rule")
    if conflict.cadre is None:
        return Verdict(False, False, "conflict min_total_hours names no cadre")
    facts = ctx.cadres.get(conflict.cadre)
    if facts is None:
        return Verdict(False, True, f"conflict min_total_hours names cadre {conflict.cadre!r}, who is not in the "
                                    "instance")
    owed = facts.limits.min_total
    if owed is None or owed == 0:
        return Verdict(False, True, f"conflict min_total_hours of cadre {conflict.cadre}: the cadre owes no duty "
                                    "hours, so no roster can fall short of them")
    bound = duty_minutes_bound(ctx, facts)
    if bound < owed:
        return Verdict(True, False, f"conflict min_total_hours of cadre {conflict.cadre} confirmed: they owe "
                                    f"{_hours(owed)} but no roster can give them more than {_hours(bound)}")
    return Verdict(False, False, f"conflict min_total_hours of cadre {conflict.cadre} not confirmed: they owe "
                                 f"{_hours(owed)} and the checker's simple bound leaves up to {_hours(bound)} "
                                 "possible (other cadres competing for the same shifts may still make it true)")


__all__ = ["Verdict", "duty_minutes_bound", "judge_conflict"]
