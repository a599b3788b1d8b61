"""One cadre's state in the hand dispatch: what they hold, their rolling windows, every rule checked per step."""

from __future__ import annotations

import logging
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from models.instance import Rules
from scheduler.model.calendar import MINUTES_PER_DAY, CadreFacts, Calendar, Slot, hours_to_minutes

logger = logging.getLogger(__name__)

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}
LOAD_SCALE = 100  # load units per weighted minute, as in docs/SEMANTICS.md
NEVER = -(10**9)  # the last duty day of a cadre who never served
WEEKEND_PRICE = 8.0  # a weekend priced above the 7 work days a week could bring
WEEKEND_PRICE_STEPS = 14  # bisection steps for that price
DUTY = "duty"
STANDBY = "standby"


# --------------------------------------------------------------------------- rolling windows


class Window:
    """A max rule over every window of ``width`` days ending on a horizon day.

    ``slack[last]`` is what the roster may still add to the window ending on
    ``last``: the limit less the fixed facts there (never below 0: fixed facts
    that break a limit by themselves leave the roster nothing) less what the
    roster holds there already.
    """

    __slots__ = ("days", "slack", "width")

    def __init__(self, days: int, width: int, limit: int, fixed: Callable[[int], int]) -> None:
        self.days = days
        self.width = width
        values = [fixed(day) for day in range(-width + 1, days)]
        running = sum(values[:width])
        self.slack = []
        for last in range(days):
            if last > 0:
                running += values[last + width - 1] - values[last - 1]
            self.slack.append(max(limit - running, 0))

    def fits(self, day: int, amount: int) -> bool:
        if amount <= 0:
            return True
        slack = self.slack
        return all(slack[last] >= amount for last in range(day, min(day + self.width, self.days)))

    def add(self, day: int, amount: int) -> None:
        if amount:
            slack = self.slack
            for last in range(day, min(day + self.width, self.days)):
                slack[last] -= amount


def rolling_window(days: int, width: int, limit: int | None, fixed: Callable[[int], int]) -> Window | None:
    return None if limit is None else Window(days, width, limit, fixed)


# --------------------------------------------------------------------------- one cadre


@dataclass(frozen=True)
class Held:
    """A duty or standby of the roster: the slot, its kind and where (checkpoint or community)."""

    slot: Slot
    kind: str
    place: str


class CadreState:
    """One cadre's rules and roster so far, with the counts every rule check needs.

    A standby is charged as a duty toward every max rule (hours, counts,
    nights, weekends, successions, shift types, totals), so that each one
    stays callable whatever else the cadre holds; for rest, work days, days
    off and runs it is work, as the contract says.
    """

    def __init__(self, index: int, facts: CadreFacts, calendar: Calendar, weekend_of: Mapping[int, int]) -> None:
        cadre = facts.cadre
        rules: Rules = facts.rules
        days = calendar.days
        self.index = index
        self.id = cadre.id
        self.facts = facts
        self.calendar = calendar
        self.days = days
        self.communities = set(cadre.communities)
        self.skills = frozenset(cadre.skills)
        self.vulnerable = cadre.vulnerable
        self.unit = cadre.unit
        self.available_days = facts.available_days
        self.rest = facts.rest_minutes
        self.weekend_of = weekend_of
        self.least_minutes = calendar.prorated_min_total_minutes(facts) or 0
        self.max_total = hours_to_minutes(rules.max_total_hours)
        self.max_weekends = rules.max_weekends
        self.by_type_limit = dict(rules.max_shifts_by_type or {})
        self.min_off = rules.min_consecutive_days_off or 0
        self.min_work = rules.min_consecutive_work_days or 0
        self.followers: dict[str, set[str]] = {}
        self.leaders: dict[str, set[str]] = {}
        for first, second in rules.forbidden_successions or []:
            self.followers.setdefault(first, set()).add(second)
            self.leaders.setdefault(second, set()).add(first)
        self.history_before = facts.history_duty_shifts_on(-1)

        fixed_work = facts.fixed_work_days
        night_days = {day for day, count in facts.history_nights.items() if count}
        self.hours_day = rolling_window(days, 1, hours_to_minutes(rules.max_hours_per_day),
                                 lambda day: facts.fixed_minutes.get(day, 0))
        self.shifts_day = rolling_window(days, 1, rules.max_duty_shifts_per_day, lambda day: 0)
        self.hours7 = rolling_window(days, 7, hours_to_minutes(rules.max_hours_per_7_days),
                              lambda day: facts.fixed_minutes.get(day, 0))
        self.duty7 = rolling_window(days, 7, hours_to_minutes(rules.max_duty_hours_per_7_days),
                             lambda day: facts.fixed_duty_minutes.get(day, 0))
        self.nights7 = rolling_window(days, 7, rules.max_night_shifts_per_7_days,
                               lambda day: facts.history_nights.get(day, 0))
        longest = rules.max_consecutive_work_days
        self.work_run = rolling_window(days, (longest or 0) + 1, longest, lambda day: int(day in fixed_work))
        off = rules.min_days_off_per_7_days
        self.days_off = rolling_window(days, 7, None if off is None else 7 - off, lambda day: int(day in fixed_work))
        nights = rules.max_consecutive_nights
        self.night_run = rolling_window(days, (nights or 0) + 1, nights, lambda day: int(day in night_days))

        self.held: dict[int, list[Held]] = {}
        self.rostered_days: list[int] = []  # days with a duty or standby, in order
        self.charged_minutes = 0  # duty and standby minutes, toward max_total_hours
        self.duty_minutes = 0  # duty alone, toward min_total_hours
        self.type_counts: dict[str, int] = {}
        self.weekend_counts: dict[int, int] = {}
        self.load_units = 0
        history_duty = [period.day for period in facts.periods if period.kind == "history_duty"]
        self.history_last = max(history_duty, default=NEVER)
        self.duty_days: dict[int, int] = {}  # day -> number of duties held then
        self._open: dict[tuple[int, str], bool] = {}
        self._refused: dict[tuple[int, str], str] = {}
        self._rank: tuple[float, int, int] = (0.0, NEVER, index)
        self._new_rank()

    # -- ranking ----------------------------------------------------------
    def rank(self) -> tuple[float, int, int]:
        """Least load per available day first; ties: longest since the last duty, then the instance's order."""
        return self._rank

    def _new_rank(self) -> None:
        load = self.load_units / self.available_days if self.available_days else float("inf")
        self._rank = (load, max(self.duty_days, default=self.history_last), self.index)

    def rostered(self, day: int) -> bool:
        return bool(self.held.get(day))

    # -- the rules ----------------------------------------------------------
    def slot_open(self, slot: Slot) -> bool:
        key = (slot.day, slot.shift)
        known = self._open.get(key)
        if known is None:
            known = self._open[key] = self.calendar.slot_open(self.facts, slot)
        return known

    def clashes(self, slot: Slot) -> bool:
        """Whether ``slot`` overlaps a shift held or leaves too little rest before or after one."""
        rest = self.rest
        first = (slot.start - rest) // MINUTES_PER_DAY - 2
        last = (slot.end + rest) // MINUTES_PER_DAY + 1
        for day in range(first, last + 1):
            for held in self.held.get(day, ()):
                other = held.slot
                if other.start <= slot.start:
                    if slot.start < other.end + rest:
                        return True
                elif other.start < slot.end + rest:
                    return True
        return False

    def refusal(self, slot: Slot, frontier: int) -> str | None:
        """The rule a duty or standby in ``slot`` would break (None: none). Days from ``frontier`` on
        are not dispatched yet: a run of work reaching them is still open."""
        return self.blocked(slot) or self._run_refusal(slot.day, frontier)

    def blocked(self, slot: Slot) -> str | None:
        """The rule other than the shortest runs that a duty or standby in ``slot`` would break."""
        key = (slot.day, slot.shift)
        if key in self._refused:
            return self._refused[key]
        refused = self._fixed_refusal(slot)
        if refused is not None:
            # holding more never lifts a max rule: the slot stays refused until something is given up
            self._refused[key] = refused
        return refused

    def _fixed_refusal(self, slot: Slot) -> str | None:
        """The refusals that only giving something up can lift: every rule but the shortest runs."""
        day = slot.day
        if not self.slot_open(slot):
            return "unavailable, or its unit hours, busy periods or history leave no room"
        if self.shifts_day is not None and not self.shifts_day.fits(day, 1):
            return "max_duty_shifts_per_day"
        if self.held and self.clashes(slot):
            return "min_rest_hours"
        new_day = not self.held.get(day)
        counted_day = int(new_day and day not in self.facts.fixed_work_days)
        minutes = slot.minutes
        checks: tuple[tuple[Window | None, int, str], ...] = (
            (self.hours_day, minutes, "max_hours_per_day"),
            (self.hours7, minutes, "max_hours_per_7_days"),
            (self.duty7, minutes, "max_duty_hours_per_7_days"),
            (self.work_run, counted_day, "max_consecutive_work_days"),
            (self.days_off, counted_day, "min_days_off_per_7_days"),
            (self.nights7, int(slot.night), "max_night_shifts_per_7_days"),
            (self.night_run, int(slot.night and not self._night_on(day)), "max_consecutive_nights"),
        )
        for window, amount, rule in checks:
            if window is not None and not window.fits(day, amount):
                return rule
        return self._count_refusal(slot)

    def _night_on(self, day: int) -> bool:
        return any(held.slot.night for held in self.held.get(day, ()))

    def _count_refusal(self, slot: Slot) -> str | None:
        """Totals, weekends, shift types and successions."""
        if self.max_total is not None and self.charged_minutes + slot.minutes > self.max_total:
            return "max_total_hours"
        weekend = self.weekend_of.get(slot.day)
        if (
            self.max_weekends is not None
            and weekend is not None
            and not self.weekend_counts.get(weekend)
            and sum(1 for count in self.weekend_counts.values() if count) + 1 > self.max_weekends
        ):
            return "max_weekends"
        limit = self.by_type_limit.get(slot.shift)
        if limit is not None and self.type_counts.get(slot.shift, 0) + 1 > limit:
            return "max_shifts_by_type"
        if self.followers or self.leaders:
            before = (
                self.history_before if slot.day == 0 else {held.slot.shift for held in self.held.get(slot.day - 1, ())}
            )
            if before & self.leaders.get(slot.shift, set()):
                return "forbidden_successions"
            after = {held.slot.shift for held in self.held.get(slot.day + 1, ())}
            if after & self.followers.get(slot.shift, set()):
                return "forbidden_successions"
        return None

    def _run_refusal(self, day: int, frontier: int) -> str | None:
        """min_consecutive_days_off and min_consecutive_work_days when ``day`` becomes a rostered day."""
        if self.held.get(day) or (self.min_off < 2 and self.min_work < 2):
            return None
        position = bisect_left(self.rostered_days, day)
        before = self.rostered_days[position - 1] if position > 0 else None
        after = self.rostered_days[position] if position < len(self.rostered_days) else None
        for gap in (None if before is None else day - before - 1, None if after is None else after - day - 1):
            if gap is not None and 0 < gap < self.min_off:
                return "min_consecutive_days_off"
        if self.min_work >= 2:
            first = day
            while first > 0 and self.held.get(first - 1):
                first -= 1
            last = day
            while last + 1 < self.days and self.held.get(last + 1):
                last += 1
            closed = first > 0 and last + 1 < min(frontier, self.days)
            if closed and last - first + 1 < self.min_work:
                return "min_consecutive_work_days"
        return None

    def removal_refusal(self, held: Held) -> str | None:
        """The rule that giving up ``held`` would break (None: none): the minimum hours, or a run of
        work or of days off left too short once its day is free."""
        if held.kind == DUTY and self.duty_minutes - held.slot.minutes < self.least_minutes:
            return "min_total_hours"
        day = held.slot.day
        if len(self.held.get(day, ())) > 1 or (self.min_off < 2 and self.min_work < 2):
            return None
        flags = [other != day and bool(self.held.get(other)) for other in range(self.days)]
        return short_run(flags, self.min_off, self.min_work)

    def short_runs(self) -> bool:
        """Whether a run of work or of days off, as the cadre holds them now, is shorter than its rules
        allow."""
        if self.min_off < 2 and self.min_work < 2:
            return False
        flags = [bool(self.held.get(day)) for day in range(self.days)]
        return short_run(flags, self.min_off, self.min_work) is not None

    # -- changes ----------------------------------------------------------
    def change(self, held: Held, sign: int, load: int) -> None:
        """Add (``sign`` 1) or take back (-1) one duty or standby and every count it charges."""
        slot = held.slot
        day = slot.day
        was_rostered = bool(self.held.get(day))
        was_night = self._night_on(day)
        if sign > 0:
            self.held.setdefault(day, []).append(held)
        else:
            self.held[day].remove(held)
            self._refused.clear()
        now_rostered = bool(self.held.get(day))
        if now_rostered and not was_rostered:
            insort(self.rostered_days, day)
        elif was_rostered and not now_rostered:
            self.rostered_days.remove(day)
        counted = (int(now_rostered) - int(was_rostered)) if day not in self.facts.fixed_work_days else 0
        minutes = sign * slot.minutes
        for window, amount in (
            (self.shifts_day, sign),
            (self.hours_day, minutes),
            (self.hours7, minutes),
            (self.duty7, minutes),
            (self.work_run, counted),
            (self.days_off, counted),
            (self.nights7, sign * int(slot.night)),
            (self.night_run, int(self._night_on(day)) - int(was_night)),
        ):
            if window is not None:
                window.add(day, amount)
        self.charged_minutes += minutes
        self.type_counts[slot.shift] = self.type_counts.get(slot.shift, 0) + sign
        weekend = self.weekend_of.get(day)
        if weekend is not None:
            self.weekend_counts[weekend] = self.weekend_counts.get(weekend, 0) + sign
        self.load_units += sign * load
        if held.kind == DUTY:
            self.duty_minutes += minutes
            count = self.duty_days.get(day, 0) + sign
            if count:
                self.duty_days[day] = count
            else:
                self.duty_days.pop(day, None)
        self._new_rank()


def short_run(flags: list[bool], min_off: int, min_work: int) -> str | None:
    """The run rule that a pattern of rostered days breaks: a run of days off or of work with a day
    of the other kind on both sides (runs touching the horizon's ends are exempt) that is too short."""
    runs: list[tuple[bool, int]] = []
    for flag in flags:
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1] + 1)
        else:
            runs.append((flag, 1))
    for working, length in runs[1:-1]:
        if working and length < min_work:
            return "min_consecutive_work_days"
        if not working and length < min_off:
            return "min_consecutive_days_off"
    return None


def blocks(flags: list[bool], min_off: int, min_work: int) -> Iterator[tuple[int, int]]:
    """Blocks ``(first, last)`` of free days that may be rostered together: the days off left on
    either side are none or at least ``min_off``, and the run of work they join or make is at least
    ``min_work`` long (runs touching the horizon's ends are exempt). Shortest first, then earliest."""
    days = len(flags)
    # each gap of free days with the first day of the run of work before it and the last after it
    gaps: list[tuple[int, int, int, int]] = []
    run_start = 0
    day = 0
    while day < days:
        if flags[day]:
            if day == 0 or not flags[day - 1]:
                run_start = day
            day += 1
            continue
        gap_first = day
        while day < days and not flags[day]:
            day += 1
        run_end = day
        while run_end + 1 < days and flags[run_end + 1]:
            run_end += 1
        gaps.append((gap_first, day - 1, run_start if gap_first > 0 else 0, run_end if day < days else days - 1))
    for length in range(1, max(min_work, 1) + 2 * max(min_off, 1) + 1):
        for gap_first, gap_last, before, after in gaps:
            for first in range(gap_first, gap_last - length + 2):
                last = first + length - 1
                left_off, right_off = first - gap_first, gap_last - last
                if gap_first > 0 and 0 < left_off < min_off or gap_last < days - 1 and 0 < right_off < min_off:
                    continue
                start = before if left_off == 0 else first
                end = after if right_off == 0 else last
                if start > 0 and end < days - 1 and end - start + 1 < min_work:
                    continue
                yield first, last


def work_runs_of(pattern: list[bool]) -> list[tuple[int, int]]:
    """The runs of work days of a pattern: (first day, length)."""
    runs: list[tuple[int, int]] = []
    for day, working in enumerate(pattern):
        if working and runs and runs[-1][0] + runs[-1][1] == day:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        elif working:
            runs.append((day, 1))
    return runs
