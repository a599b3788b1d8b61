"""One function per rule family of DESIGN.md section 3 (Rules), read as docs/SEMANTICS.md says.

Every function takes a :class:`RuleRun` (context plus one cadre's timeline) and
returns the :class:`Finding` list of that rule: roster faults, and with
``fixed_only=True`` breaks caused by the fixed facts alone (instance warnings).
For max rules a window is a fault iff ``full > limit and full > fixed``; for
``min_days_off_per_7_days`` iff ``full < limit and full < fixed``. Windows
that the roster fills exactly to a max limit are noted in ``run.reached``
(the ``at_limit`` metric).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from scheduler.checker.context import DAY, DUTY, STANDBY, UNIT, Context, Period
from scheduler.checker.findings import Finding
from scheduler.checker.timeline import Timeline


@dataclass
class RuleRun:
    ctx: Context
    timeline: Timeline
    reached: set[str] = field(default_factory=set)

    @property
    def cadre(self) -> str:
        return self.timeline.facts.id


def hours(minutes: int) -> str:
    """Minutes as hours in words, e.g. ``10.5 h``."""
    return f"{minutes / 60:g} h"


def describe(ctx: Context, period: Period) -> str:
    """A period in plain words."""
    day = ctx.iso(period.day)
    if period.kind == DUTY:
        where = f" at {period.place}" if period.place else ""
        return f"{'history ' if period.fixed else ''}duty {period.shift} on {day}{where}"
    if period.kind == STANDBY:
        where = f" for {period.place}" if period.place else ""
        return f"{'history ' if period.fixed else ''}standby {period.shift} on {day}{where}"
    if period.kind == UNIT:
        return f"unit hours of {period.place} on {day} ({ctx.clock(period.start)} to {ctx.clock(period.end)})"
    return f"busy period {ctx.clock(period.start)} to {ctx.clock(period.end)}"


def _window_span(ctx: Context, first: int, last: int) -> str:
    return ctx.iso(first) if first == last else f"{ctx.iso(first)} to {ctx.iso(last)}"


def _window_max(
    run: RuleRun,
    rule: str,
    full: list[int],
    fixed: list[int],
    limit: int | None,
    width: int,
    say: Callable[[int], str],
) -> list[Finding]:
    """Windows of ``width`` days ending on each horizon day: sum of ``full`` at most ``limit`` (or <= fixed)."""
    if limit is None:
        return []
    lo = run.timeline.lo
    full_sums = [0, *accumulate(full)]
    fixed_sums = [0, *accumulate(fixed)]
    ctx = run.ctx
    found = []
    for last in range(ctx.days):
        end = last - lo + 1
        begin = max(0, end - width)
        full_total = full_sums[end] - full_sums[begin]
        fixed_total = fixed_sums[end] - fixed_sums[begin]
        span = _window_span(ctx, last - width + 1, last) if full_total >= limit or fixed_total > limit else ""
        if fixed_total > limit:
            found.append(
                Finding(rule, run.cadre, f"fixed facts alone give {run.cadre} {say(fixed_total)} on {span}, "
                        f"more than the {rule} limit of {say(limit)}", (last,), fixed_only=True)
            )
        if full_total > limit and full_total > fixed_total:
            found.append(
                Finding(rule, run.cadre, f"{run.cadre} has {say(full_total)} on {span}, more than the {rule} "
                        f"limit of {say(limit)}", (last,))
            )
        elif full_total == limit and full_total > fixed_total:
            run.reached.add(rule)
    return found


def _as_int(flags: list[bool]) -> list[int]:
    return [1 if flag else 0 for flag in flags]


def rest_and_overlap(run: RuleRun) -> list[Finding]:
    """min_rest_hours and no overlap: after a duty or standby shift P ends, every later work period Q
    starts at least ``min_rest_hours`` after P's end; no two work periods overlap; one duty or standby
    per shift and day. Pairs of fixed periods alone are warnings."""
    ctx = run.ctx
    rest = run.timeline.facts.limits.rest or 0
    periods = run.timeline.periods
    earliest = run.timeline.lo * DAY
    found = []
    for index, first in enumerate(periods):
        reach = first.end + (rest if first.is_shift else 0)
        for second in periods[index + 1:]:
            if second.start >= reach:
                break
            fixed_only = first.fixed and second.fixed
            if fixed_only and second.start < earliest:
                continue
            key = (first.start, first.end, second.start, second.end)
            if second.start < first.end:
                if first.is_shift and second.is_shift and first.day == second.day and first.shift == second.shift:
                    rule = "one_per_shift"
                    message = f"{run.cadre} holds both {describe(ctx, first)} and {describe(ctx, second)}"
                else:
                    rule = "overlap"
                    message = f"{run.cadre}'s {describe(ctx, first)} overlaps {describe(ctx, second)}"
            else:
                rule = "min_rest_hours"
                message = (
                    f"{run.cadre}'s {describe(ctx, first)} ends {ctx.clock(first.end)} and "
                    f"{describe(ctx, second)} starts {ctx.clock(second.start)}, only "
                    f"{hours(second.start - first.end)} later; min_rest_hours is {hours(rest)}"
                )
            found.append(Finding(rule, run.cadre, message, key, fixed_only))
    return found


def _horizon_days(run: RuleRun, values: list[int]) -> list[int]:
    return values[-run.timeline.lo:]


def max_hours_per_day(run: RuleRun) -> list[Finding]:
    """max_hours_per_day: duty + unit + busy minutes of the periods belonging to one horizon day."""
    tl = run.timeline
    return _window_max(run, "max_hours_per_day", tl.full.hours, tl.fixed.hours,
                       tl.facts.limits.hours_per_day, 1, hours)


def max_duty_shifts_per_day(run: RuleRun) -> list[Finding]:
    """max_duty_shifts_per_day (default 1): duty shifts belonging to one horizon day.

    Not noted in ``reached``: with its default of 1 every cadre on duty would sit at that limit."""
    tl = run.timeline
    reached = set(run.reached)
    found = _window_max(run, "max_duty_shifts_per_day", tl.full.duty_count, tl.fixed.duty_count,
                        tl.facts.limits.duty_shifts_per_day, 1, lambda count: f"{count} duty shifts")
    run.reached = reached
    return found


def max_consecutive_work_days(run: RuleRun) -> list[Finding]:
    """max_consecutive_work_days K: every K+1 consecutive days ending inside the horizon hold at most K
    work days (days on which any work period starts, history and unit workdays included)."""
    tl = run.timeline
    limit = tl.facts.limits.consecutive_work_days
    if limit is None:
        return []
    return _window_max(run, "max_consecutive_work_days", _as_int(tl.full.work), _as_int(tl.fixed.work),
                       limit, limit + 1, lambda count: f"{count} work days")


def min_days_off_per_7_days(run: RuleRun) -> list[Finding]:
    """min_days_off_per_7_days: days that are not work days, in every 7-day window ending inside the horizon."""
    tl = run.timeline
    limit = tl.facts.limits.days_off_per_7
    if limit is None:
        return []
    ctx = run.ctx
    lo = tl.lo
    full_off = [0, *accumulate(0 if flag else 1 for flag in tl.full.work)]
    fixed_off = [0, *accumulate(0 if flag else 1 for flag in tl.fixed.work)]
    found = []
    for last in range(ctx.days):
        end = last - lo + 1
        begin = end - 7
        full_total = full_off[end] - full_off[begin]
        fixed_total = fixed_off[end] - fixed_off[begin]
        if full_total >= limit and fixed_total >= limit:
            continue
        span = _window_span(ctx, last - 6, last)
        if fixed_total < limit:
            found.append(Finding("min_days_off_per_7_days", run.cadre,
                                 f"fixed facts alone leave {run.cadre} {fixed_total} days off on {span}, fewer "
                                 f"than min_days_off_per_7_days {limit}", (last,), fixed_only=True))
        if full_total < limit and full_total < fixed_total:
            found.append(Finding("min_days_off_per_7_days", run.cadre,
                                 f"{run.cadre} has {full_total} days off on {span}, fewer than "
                                 f"min_days_off_per_7_days {limit}", (last,)))
    return found


def max_hours_per_7_days(run: RuleRun) -> list[Finding]:
    """max_hours_per_7_days: duty + unit + busy minutes in every 7-day window ending inside the horizon."""
    tl = run.timeline
    return _window_max(run, "max_hours_per_7_days", tl.full.hours, tl.fixed.hours,
                       tl.facts.limits.hours_per_7, 7, hours)


def max_duty_hours_per_7_days(run: RuleRun) -> list[Finding]:
    """max_duty_hours_per_7_days: duty minutes (history duty included) in every 7-day window."""
    tl = run.timeline
    return _window_max(run, "max_duty_hours_per_7_days", tl.full.duty_minutes, tl.fixed.duty_minutes,
                       tl.facts.limits.duty_hours_per_7, 7, lambda minutes: f"{hours(minutes)} of duty")


def max_night_shifts_per_7_days(run: RuleRun) -> list[Finding]:
    """max_night_shifts_per_7_days: night duty shifts (history included) in every 7-day window."""
    tl = run.timeline
    return _window_max(run, "max_night_shifts_per_7_days", tl.full.night_count, tl.fixed.night_count,
                       tl.facts.limits.nights_per_7, 7, lambda count: f"{count} night duties")


def max_consecutive_nights(run: RuleRun) -> list[Finding]:
    """max_consecutive_nights K: days with a night duty; every K+1 window ending inside the horizon holds
    at most K."""
    tl = run.timeline
    limit = tl.facts.limits.consecutive_nights
    if limit is None:
        return []
    full = [1 if count else 0 for count in tl.full.night_count]
    fixed = [1 if count else 0 for count in tl.fixed.night_count]
    return _window_max(run, "max_consecutive_nights", full, fixed, limit, limit + 1,
                       lambda count: f"{count} days with a night duty")


def total_hours(run: RuleRun) -> list[Finding]:
    """min_total_hours (pro-rated by available days, rounded down to the minute) and max_total_hours:
    duty minutes over the horizon."""
    tl = run.timeline
    limits = tl.facts.limits
    total = sum(_horizon_days(run, tl.full.duty_minutes))
    found = []
    if limits.max_total is not None:
        if total > limits.max_total:
            found.append(Finding("max_total_hours", run.cadre, f"{run.cadre} has {hours(total)} of duty over the "
                                 f"horizon, more than max_total_hours {hours(limits.max_total)}"))
        elif total == limits.max_total and total > 0:
            run.reached.add("max_total_hours")
    if limits.min_total is not None and total < limits.min_total:
        found.append(Finding("min_total_hours", run.cadre, f"{run.cadre} has {hours(total)} of duty over the "
                             f"horizon, less than min_total_hours ({hours(limits.min_total)} after pro-rating "
                             f"by {tl.facts.available_days} available days)"))
    return found


def weekend_groups(ctx: Context) -> list[list[int]]:
    """Weekends of the horizon: Saturday + following Sunday; a Sunday on day 0 alone; a last-day Saturday alone."""
    groups = []
    for day in range(ctx.days):
        weekday = ctx.weekday(day)
        if weekday == "sat":
            groups.append([day, day + 1] if day + 1 < ctx.days else [day])
        elif weekday == "sun" and day == 0:
            groups.append([day])
    return groups


def max_weekends(run: RuleRun) -> list[Finding]:
    """max_weekends: weekends with a duty on either day."""
    limit = run.timeline.facts.limits.weekends
    if limit is None:
        return []
    duty_days = {duty.day for duty in run.timeline.duties}
    worked = [group for group in weekend_groups(run.ctx) if duty_days.intersection(group)]
    if len(worked) > limit:
        names = ", ".join(run.ctx.iso(group[0]) for group in worked)
        return [Finding("max_weekends", run.cadre, f"{run.cadre} is on duty on {len(worked)} weekends "
                        f"(starting {names}), more than max_weekends {limit}")]
    if len(worked) == limit and limit > 0:
        run.reached.add("max_weekends")
    return []


def max_shifts_by_type(run: RuleRun) -> list[Finding]:
    """max_shifts_by_type {shift: n}: duty shifts of that shift over the horizon."""
    limits = run.timeline.facts.limits.shifts_by_type
    found = []
    for shift_id, limit in limits.items():
        count = sum(1 for duty in run.timeline.duties if duty.shift == shift_id)
        if count > limit:
            found.append(Finding("max_shifts_by_type", run.cadre, f"{run.cadre} has {count} duty shifts "
                                 f"{shift_id}, more than max_shifts_by_type {limit}", (shift_id,)))
        elif count == limit and limit > 0:
            run.reached.add("max_shifts_by_type")
    return found


def forbidden_successions(run: RuleRun) -> list[Finding]:
    """forbidden_successions [a, b]: no duty b on day d+1 after duty a on day d (history duty on the day
    before the horizon counts)."""
    pairs = run.timeline.facts.limits.successions
    if not pairs:
        return []
    duty_shifts: dict[int, set[str]] = {}
    for period in run.timeline.periods:
        if period.kind == DUTY and period.day >= -1:
            duty_shifts.setdefault(period.day, set()).add(period.shift or "")
    found = []
    for day in range(run.ctx.days):
        for first, second in sorted(pairs):
            if first in duty_shifts.get(day - 1, ()) and second in duty_shifts.get(day, ()):
                found.append(Finding("forbidden_successions", run.cadre, f"{run.cadre} has duty {second} on "
                                     f"{run.ctx.iso(day)} right after duty {first} on {run.ctx.iso(day - 1)}, "
                                     f"a forbidden succession", (day, first, second)))
    return found


def _runs(flags: list[bool]) -> list[tuple[int, int, bool]]:
    """Maximal runs (start, length, value) of ``flags``."""
    runs: list[tuple[int, int, bool]] = []
    for index, flag in enumerate(flags):
        if runs and runs[-1][2] == flag:
            start, length, _ = runs[-1]
            runs[-1] = (start, length + 1, flag)
        else:
            runs.append((index, 1, flag))
    return runs


def consecutive_runs(run: RuleRun) -> list[Finding]:
    """min_consecutive_days_off m / min_consecutive_work_days m: counting duty and standby days of the
    horizon only, a maximal run with a day of the other kind inside the horizon on both sides has length
    >= m."""
    limits = run.timeline.facts.limits
    if limits.min_consecutive_days_off is None and limits.min_consecutive_work_days is None:
        return []
    on = [False] * run.ctx.days
    for duty in run.timeline.duties:
        on[duty.day] = True
    for entry in run.timeline.standbys:
        on[entry.day] = True
    runs = _runs(on)
    found = []
    for start, length, value in runs[1:-1]:
        limit = limits.min_consecutive_work_days if value else limits.min_consecutive_days_off
        if limit is None or length >= limit:
            continue
        span = _window_span(run.ctx, start, start + length - 1)
        if value:
            found.append(Finding("min_consecutive_work_days", run.cadre, f"{run.cadre} works (duty or standby) "
                                 f"only {length} days in a row on {span}, fewer than min_consecutive_work_days "
                                 f"{limit}", (start,)))
        else:
            found.append(Finding("min_consecutive_days_off", run.cadre, f"{run.cadre} has only {length} days "
                                 f"off in a row on {span}, fewer than min_consecutive_days_off {limit}", (start,)))
    return found


def placement(run: RuleRun) -> list[Finding]:
    """Always hard: never on duty or standby on an unavailable shift or day; only in the cadre's
    communities; a vulnerable cadre never on duty at a high-risk checkpoint; duty only where a demand
    rule applies."""
    ctx = run.ctx
    facts = run.timeline.facts
    cadre = facts.cadre
    found = []
    for duty in run.timeline.duties:
        what = f"{cadre.id}'s duty {duty.shift} on {ctx.iso(duty.day)} at {duty.checkpoint}"
        key = (DUTY, duty.day, duty.shift, duty.checkpoint)
        if (duty.day, duty.shift) in facts.blocked:
            found.append(Finding("unavailable", cadre.id, f"{what}: the cadre is unavailable then", key))
        checkpoint = ctx.checkpoints[duty.checkpoint]
        if checkpoint.community not in cadre.communities:
            found.append(Finding("communities", cadre.id, f"{what}: the checkpoint's community "
                                 f"{checkpoint.community} is not among the cadre's communities", key))
        if cadre.vulnerable and checkpoint.risk == "high":
            found.append(Finding("vulnerable", cadre.id, f"{what}: a vulnerable cadre at a high-risk checkpoint",
                                 key))
        if (duty.checkpoint, duty.day, duty.shift) not in ctx.demand:
            found.append(Finding("demand", cadre.id, f"{what}: no demand rule matches that checkpoint, date and "
                                 f"shift", key))
    for entry in run.timeline.standbys:
        what = f"{cadre.id}'s standby {entry.shift} on {ctx.iso(entry.day)} for {entry.community}"
        key = (STANDBY, entry.day, entry.shift, entry.community)
        if (entry.day, entry.shift) in facts.blocked:
            found.append(Finding("unavailable", cadre.id, f"{what}: the cadre is unavailable then", key))
        if entry.community not in cadre.communities:
            found.append(Finding("communities", cadre.id, f"{what}: the community is not among the cadre's "
                                 f"communities", key))
    return found


CADRE_RULES: tuple[Callable[[RuleRun], list[Finding]], ...] = (
    placement,
    rest_and_overlap,
    max_hours_per_day,
    max_duty_shifts_per_day,
    max_consecutive_work_days,
    min_days_off_per_7_days,
    max_hours_per_7_days,
    max_duty_hours_per_7_days,
    max_night_shifts_per_7_days,
    max_consecutive_nights,
    total_hours,
    max_weekends,
    max_shifts_by_type,
    forbidden_successions,
    consecutive_runs,
)

#: The rules that a standby changes only through callability (standby counts as duty there).
CALLABILITY_RULES: tuple[Callable[[RuleRun], list[Finding]], ...] = (
    max_hours_per_day,
    max_duty_shifts_per_day,
    max_hours_per_7_days,
    max_duty_hours_per_7_days,
    max_night_shifts_per_7_days,
    max_consecutive_nights,
    total_hours,
    max_weekends,
    max_shifts_by_type,
    forbidden_successions,
)


RuleFunction = Callable[[RuleRun], list[Finding]]


def cadre_findings(ctx: Context, timeline: Timeline, rules: tuple[RuleFunction, ...] = CADRE_RULES,
                   ) -> tuple[list[Finding], set[str]]:
    """Every finding of ``rules`` for one cadre's timeline, and the max rules it reaches exactly."""
    run = RuleRun(ctx, timeline)
    found: list[Finding] = []
    for rule in rules:
        found.extend(rule(run))
    return found, run.reached


def _unit_shifts(ctx: Context, unit_id: str, timelines: dict[str, Timeline], days: range | None = None,
                 ) -> dict[int, list[tuple[int, int, str]]]:
    """The roster's duty and standby shifts of the unit's cadres by start day (only near ``days`` if given)."""
    near = None if days is None else range(days.start - 1, days.stop + 1)
    by_day: dict[int, list[tuple[int, int, str]]] = {}
    for cadre_id in ctx.unit_members.get(unit_id, []):
        timeline = timelines.get(cadre_id)
        if timeline is None:
            continue
        for period in timeline.periods:
            if period.is_shift and not period.fixed and (near is None or period.day in near):
                by_day.setdefault(period.day, []).append((period.start, period.end, cadre_id))
    return by_day


def away_peaks(ctx: Context, unit_id: str, timelines: dict[str, Timeline], days: range | None = None,
               ) -> list[tuple[int, int, list[str]]]:
    """For each unit workday in ``days`` (default: the day before the horizon to the day after it): the
    moment with the most of the unit's cadres on duty or standby inside the unit hours, as
    ``(minute, count, cadres)``. Candidate moments are the start of the hours and every shift start inside."""
    unit = ctx.units[unit_id]
    by_day = _unit_shifts(ctx, unit_id, timelines, days)
    peaks = []
    for day in days if days is not None else range(-1, ctx.days + 1):
        window = ctx.unit_hours(unit, day)
        if window is None:
            continue
        nearby = [item for near in (day - 1, day, day + 1) for item in by_day.get(near, [])]
        if not nearby:
            continue
        moments = {window[0], *(start for start, _, _ in nearby if window[0] <= start < window[1])}
        best: tuple[int, int, list[str]] | None = None
        for moment in sorted(moments):
            present = sorted({cadre for start, end, cadre in nearby if start <= moment < end})
            if best is None or len(present) > best[1]:
                best = (moment, len(present), present)
        if best is not None and best[1] > 0:
            peaks.append(best)
    return peaks


def max_away(ctx: Context, unit_id: str, timelines: dict[str, Timeline], days: range | None = None,
             ) -> list[Finding]:
    """max_away: at any moment inside a unit's hours on a unit workday, at most ``max_away`` of its cadres
    (any mode) are on duty or standby."""
    limit = ctx.units[unit_id].max_away
    if limit is None:
        return []
    found = []
    for moment, count, present in away_peaks(ctx, unit_id, timelines, days):
        if count > limit:
            found.append(Finding("max_away", None, f"unit {unit_id} has {count} cadres away at "
                                 f"{ctx.clock(moment)} ({', '.join(present)}), more than max_away {limit}",
                                 (unit_id, moment // DAY)))
    return found
