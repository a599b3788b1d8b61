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
(:mod:`scheduler.calendar`), so that its roster is one the CP-SAT model
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
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from models.instance import DemandRule, Instance, Rules, minutes_of, span_minutes
from models.roster import Assignment, StandbyAssignment
from scheduler.calendar import MINUTES_PER_DAY, CadreFacts, Calendar, Slot, hours_to_minutes
from scheduler.construct_runs import work_days

logger = logging.getLogger(__name__)

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}
LOAD_SCALE = 100  # load units per weighted minute, as in docs/SEMANTICS.md
NEVER = -(10**9)  # the last duty day of a cadre who never served
WEEKEND_PRICE = 8.0  # a weekend priced above the 7 work days a week could bring
WEEKEND_PRICE_STEPS = 14  # bisection steps for that price
DUTY = "duty"
STANDBY = "standby"


@dataclass
class Dispatch:
    """The greedy's roster: duties and standby, and the cadres it left below ``min_total_hours``."""

    assignments: list[Assignment] = field(default_factory=list)
    standby: list[StandbyAssignment] = field(default_factory=list)
    under_minimum: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --------------------------------------------------------------------------- rolling windows


class _Window:
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


def _window(days: int, width: int, limit: int | None, fixed: Callable[[int], int]) -> _Window | None:
    return None if limit is None else _Window(days, width, limit, fixed)


# --------------------------------------------------------------------------- one cadre


@dataclass(frozen=True)
class _Held:
    """A duty or standby of the roster: the slot, its kind and where (checkpoint or community)."""

    slot: Slot
    kind: str
    place: str


class _Cadre:
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
        self.hours_day = _window(days, 1, hours_to_minutes(rules.max_hours_per_day),
                                 lambda day: facts.fixed_minutes.get(day, 0))
        self.shifts_day = _window(days, 1, rules.max_duty_shifts_per_day, lambda day: 0)
        self.hours7 = _window(days, 7, hours_to_minutes(rules.max_hours_per_7_days),
                              lambda day: facts.fixed_minutes.get(day, 0))
        self.duty7 = _window(days, 7, hours_to_minutes(rules.max_duty_hours_per_7_days),
                             lambda day: facts.fixed_duty_minutes.get(day, 0))
        self.nights7 = _window(days, 7, rules.max_night_shifts_per_7_days,
                               lambda day: facts.history_nights.get(day, 0))
        longest = rules.max_consecutive_work_days
        self.work_run = _window(days, (longest or 0) + 1, longest, lambda day: int(day in fixed_work))
        off = rules.min_days_off_per_7_days
        self.days_off = _window(days, 7, None if off is None else 7 - off, lambda day: int(day in fixed_work))
        nights = rules.max_consecutive_nights
        self.night_run = _window(days, (nights or 0) + 1, nights, lambda day: int(day in night_days))

        self.held: dict[int, list[_Held]] = {}
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
        checks: tuple[tuple[_Window | None, int, str], ...] = (
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

    def removal_refusal(self, held: _Held) -> str | None:
        """The rule that giving up ``held`` would break (None: none): the minimum hours, or a run of
        work or of days off left too short once its day is free."""
        if held.kind == DUTY and self.duty_minutes - held.slot.minutes < self.least_minutes:
            return "min_total_hours"
        day = held.slot.day
        if len(self.held.get(day, ())) > 1 or (self.min_off < 2 and self.min_work < 2):
            return None
        flags = [other != day and bool(self.held.get(other)) for other in range(self.days)]
        return _short_run(flags, self.min_off, self.min_work)

    # -- changes ----------------------------------------------------------
    def change(self, held: _Held, sign: int, load: int) -> None:
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


def _short_run(flags: list[bool], min_off: int, min_work: int) -> str | None:
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


def _blocks(flags: list[bool], min_off: int, min_work: int) -> Iterator[tuple[int, int]]:
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


def _work_runs(pattern: list[bool]) -> list[tuple[int, int]]:
    """The runs of work days of a pattern: (first day, length)."""
    runs: list[tuple[int, int]] = []
    for day, working in enumerate(pattern):
        if working and runs and runs[-1][0] + runs[-1][1] == day:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        elif working:
            runs.append((day, 1))
    return runs


# --------------------------------------------------------------------------- units


class _Units:
    """``max_away``: how many of each unit's cadres hold a duty or standby in each slot."""

    def __init__(self, instance: Instance, calendar: Calendar) -> None:
        self.calendar = calendar
        self.limits = {unit.id: unit.max_away for unit in instance.units if unit.max_away is not None}
        self.away: dict[tuple[str, int, str], int] = {}
        self.hours: dict[str, tuple[int, int, set[int]]] = {}
        for unit in instance.units:
            if unit.max_away is None:
                continue
            workdays = {day for day in range(-1, calendar.days + 1) if unit.works_on(calendar.date_of(day))}
            self.hours[unit.id] = (minutes_of(unit.hours.start), span_minutes(unit.hours.start, unit.hours.end),
                                   workdays)
        self._moments: dict[tuple[str, int], list[tuple[int, list[Slot]]]] = {}

    def _moments_of(self, unit_id: str, workday: int) -> list[tuple[int, list[Slot]]]:
        """The moments of one unit workday where the count of cadres away can rise, each with the slots
        that cover it: the start of the hours and every shift start inside them."""
        key = (unit_id, workday)
        known = self._moments.get(key)
        if known is None:
            opens, length, _ = self.hours[unit_id]
            start = workday * MINUTES_PER_DAY + opens
            end = start + length
            near = [slot for (day, _), slot in self.calendar.slots.items() if workday - 1 <= day <= workday + 1]
            moments = sorted({start} | {slot.start for slot in near if start < slot.start < end})
            known = [(moment, [slot for slot in near if slot.start <= moment < slot.end]) for moment in moments]
            self._moments[key] = known
        return known

    def fits(self, unit_id: str | None, slot: Slot) -> bool:
        if unit_id is None or unit_id not in self.limits:
            return True
        limit = self.limits[unit_id]
        workdays = self.hours[unit_id][2]
        for workday in (slot.day - 1, slot.day, slot.day + 1):
            if workday not in workdays:
                continue
            for moment, covering in self._moments_of(unit_id, workday):
                if not slot.start <= moment < slot.end:
                    continue
                away = sum(self.away.get((unit_id, other.day, other.shift), 0) for other in covering)
                if away + 1 > limit:
                    return False
        return True

    def change(self, unit_id: str | None, slot: Slot, sign: int) -> None:
        if unit_id is not None and unit_id in self.limits:
            key = (unit_id, slot.day, slot.shift)
            self.away[key] = self.away.get(key, 0) + sign


# --------------------------------------------------------------------------- cells


@dataclass
class _Cell:
    """A demand cell (checkpoint, day, shift with the rule that applies) and who is on duty there."""

    checkpoint: str
    community: str
    high: bool
    slot: Slot
    rule: DemandRule
    holders: list[_Cadre] = field(default_factory=list)

    def room(self) -> bool:
        return self.rule.max is None or len(self.holders) < self.rule.max

    def missing_skills(self) -> list[str]:
        return [
            skill
            for skill, need in sorted(self.rule.skills.items())
            if sum(1 for cadre in self.holders if skill in cadre.skills) < need
        ]


@dataclass
class _StandbyCell:
    """Standby asked for one community, day and shift, and who stands by."""

    community: str
    slot: Slot
    wanted: int
    any_checkpoint: bool  # some checkpoint of the community has demand then (callability)
    low_checkpoint: bool  # ... one that is not high risk (for a vulnerable cadre)
    holders: list[_Cadre] = field(default_factory=list)


# --------------------------------------------------------------------------- the dispatcher


class _Dispatcher:
    """The state of one dispatch: cadres, cells, units, and the passes over them."""

    def __init__(self, instance: Instance, calendar: Calendar) -> None:
        self.instance = instance
        self.calendar = calendar
        self.frontier = 0
        self.runs_taken_back = 0
        weekend_of = {day: index for index, group in enumerate(calendar.weekends()) for day in group}
        self.cadres = [
            _Cadre(index, calendar.cadre_facts[cadre.id], calendar, weekend_of)
            for index, cadre in enumerate(instance.cadres)
        ]
        self.serving: dict[str, list[_Cadre]] = {}
        for cadre in self.cadres:
            for community in cadre.facts.cadre.communities:
                self.serving.setdefault(community, []).append(cadre)
        self.units = _Units(instance, calendar)
        self.run_rules = any(cadre.min_work >= 2 for cadre in self.cadres)
        objective = instance.objective
        self.night_weight = Fraction(str(objective.load_weights.night))
        self.risk_weight = Fraction(str(objective.load_weights.high_risk))
        self.standby_weight = Fraction(str(instance.standby.load_factor))
        self.cells_by_day, self.cells_of_community = self._cells()
        self.standby_by_day = self._standby_cells()
        self.cell_at = {(cell.checkpoint, cell.slot.day, cell.slot.shift): cell
                        for cells in self.cells_by_day for cell in cells}
        self.standby_at = {(cell.community, cell.slot.day, cell.slot.shift): cell
                           for cells in self.standby_by_day for cell in cells}

    # -- setting up --------------------------------------------------------
    def _shift_order(self) -> dict[str, int]:
        shifts = sorted(enumerate(self.instance.shifts), key=lambda item: (item[1].start_minute, item[0]))
        return {shift.id: position for position, (_, shift) in enumerate(shifts)}

    def _cells(self) -> tuple[list[list[_Cell]], dict[str, list[_Cell]]]:
        """Demand cells by day, each day in shift start order and high risk first; and by community."""
        calendar = self.calendar
        order = self._shift_order()
        position = {checkpoint.id: index for index, checkpoint in enumerate(self.instance.checkpoints)}
        by_day: list[list[_Cell]] = [[] for _ in range(calendar.days)]
        by_community: dict[str, list[_Cell]] = {}
        for (checkpoint_id, day, shift_id), rule in calendar.demand.items():
            checkpoint = calendar.checkpoints[checkpoint_id]
            cell = _Cell(checkpoint_id, checkpoint.community, checkpoint.risk == "high",
                         calendar.slots[(day, shift_id)], rule)
            by_day[day].append(cell)
            by_community.setdefault(checkpoint.community, []).append(cell)
        for cells in by_day:
            cells.sort(key=lambda cell: (order[cell.slot.shift], RISK_ORDER[calendar.checkpoints[cell.checkpoint].risk],
                                         position[cell.checkpoint]))
        return by_day, by_community

    def _standby_cells(self) -> list[list[_StandbyCell]]:
        calendar = self.calendar
        order = sorted(self._shift_order().items(), key=lambda item: item[1])
        demand_at: dict[tuple[str, int, str], list[bool]] = {}
        for (checkpoint_id, day, shift_id) in calendar.demand:
            checkpoint = calendar.checkpoints[checkpoint_id]
            demand_at.setdefault((checkpoint.community, day, shift_id), []).append(checkpoint.risk == "high")
        standby = self.instance.standby
        # the overrides that can match each community, in order (the last matching one wins)
        overrides = {
            community.id: standby.model_copy(update={"overrides": [
                override for override in standby.overrides if override.community in (None, community.id)
            ]})
            for community in self.instance.communities
        }
        by_day: list[list[_StandbyCell]] = [[] for _ in range(calendar.days)]
        for day in range(calendar.days):
            when = calendar.date_of(day)
            for shift_id, _ in order:
                for community in self.instance.communities:
                    wanted = overrides[community.id].wanted(community.id, when, shift_id)
                    if wanted <= 0:
                        continue
                    risks = demand_at.get((community.id, day, shift_id), [])
                    by_day[day].append(_StandbyCell(community.id, calendar.slots[(day, shift_id)], wanted,
                                                    bool(risks), not all(risks)))
        return by_day

    # -- choosing and placing ------------------------------------------------
    def _may_hold(self, cadre: _Cadre, slot: Slot) -> bool:
        return cadre.refusal(slot, self.frontier) is None and self.units.fits(cadre.unit, slot)

    def _ranked(self, pool: Iterable[_Cadre]) -> list[_Cadre]:
        if not self.run_rules:
            return sorted(pool, key=_Cadre.rank)
        # a cadre in a run of work still too short is asked first: its run must go on today
        return sorted(pool, key=lambda cadre: (not self._must_go_on(cadre), *cadre.rank()))

    def _must_go_on(self, cadre: _Cadre) -> bool:
        today = self.frontier - 1
        if cadre.min_work < 2 or today < 1 or not cadre.held.get(today - 1):
            return False
        first = today - 1
        while first > 0 and cadre.held.get(first - 1):
            first -= 1
        return first > 0 and today - first < cadre.min_work

    def _pick(self, pool: Iterable[_Cadre], slot: Slot) -> _Cadre | None:
        """The first cadre of ``pool`` in rank order who may hold ``slot``."""
        for cadre in self._ranked(pool):
            if self._may_hold(cadre, slot):
                return cadre
        return None

    def _duty_load(self, cell: _Cell) -> int:
        weight = Fraction(cell.slot.minutes * LOAD_SCALE)
        if cell.slot.night:
            weight *= self.night_weight
        if cell.high:
            weight *= self.risk_weight
        return round(weight)

    def _place_duty(self, cadre: _Cadre, cell: _Cell) -> None:
        cadre.change(_Held(cell.slot, DUTY, cell.checkpoint), 1, self._duty_load(cell))
        self.units.change(cadre.unit, cell.slot, 1)
        cell.holders.append(cadre)

    def _standby_load(self, slot: Slot) -> int:
        return round(Fraction(slot.minutes * LOAD_SCALE) * self.standby_weight)

    def _place_standby(self, cadre: _Cadre, cell: _StandbyCell) -> None:
        cadre.change(_Held(cell.slot, STANDBY, cell.community), 1, self._standby_load(cell.slot))
        self.units.change(cadre.unit, cell.slot, 1)
        cell.holders.append(cadre)

    def _duty_pool(self, cell: _Cell) -> list[_Cadre]:
        holders = cell.holders
        return [
            cadre
            for cadre in self.serving.get(cell.community, [])
            if not (cell.high and cadre.vulnerable) and cadre not in holders
        ]

    # -- pass 1: minimum, skills first, then standby ---------------------------
    def fill(self, cell: _Cell, goal: int) -> None:
        """Skill counts first, then up to ``goal`` cadres (never above ``max``)."""
        if cell.rule.max == 0:
            return  # no duty possible there (the model makes no variable)
        for skill in cell.missing_skills():
            need = cell.rule.skills[skill]
            while cell.room() and sum(1 for cadre in cell.holders if skill in cadre.skills) < need:
                holding = [cadre for cadre in self._duty_pool(cell) if skill in cadre.skills]
                chosen = self._pick(holding, cell.slot)
                if chosen is None:
                    break
                self._place_duty(chosen, cell)
        while cell.room() and len(cell.holders) < goal:
            chosen = self._pick(self._duty_pool(cell), cell.slot)
            if chosen is None:
                break
            self._place_duty(chosen, cell)

    def fill_standby(self, cell: _StandbyCell) -> None:
        if not cell.any_checkpoint:
            return  # nobody could be called to a checkpoint then: no standby is callable
        pool = [
            cadre
            for cadre in self.serving.get(cell.community, [])
            if cadre not in cell.holders and (cell.low_checkpoint or not cadre.vulnerable)
        ]
        while len(cell.holders) < cell.wanted:
            chosen = self._pick(pool, cell.slot)
            if chosen is None:
                break
            self._place_standby(chosen, cell)
            pool.remove(chosen)

    def close_short_runs(self, day: int) -> None:
        """Take back the runs of work that ended the day before ``day`` shorter than allowed.

        Called once ``day`` is dispatched: a cadre not rostered on ``day`` whose run of work ended on
        ``day - 1`` has a run with days off on both sides; if it began after day 0 and is shorter than
        ``min_consecutive_work_days``, nothing later can mend it, so it is taken back."""
        if not self.run_rules or day < 1:
            return
        for cadre in self.cadres:
            if cadre.min_work < 2 or cadre.held.get(day) or not cadre.held.get(day - 1):
                continue
            first = day - 1
            while first > 0 and cadre.held.get(first - 1):
                first -= 1
            if first == 0 or day - first >= cadre.min_work:
                continue
            for taken in range(first, day):
                for held in list(cadre.held.get(taken, ())):
                    self._remove(cadre, held)
            self.runs_taken_back += 1
            logger.debug("dispatch: %s's run of %d work days from day %d taken back (min_consecutive_work_days %d)",
                         cadre.id, day - first, first, cadre.min_work)

    def _remove(self, cadre: _Cadre, held: _Held) -> None:
        """Take one duty or standby back (no check: holding less never breaks a max rule)."""
        slot = held.slot
        if held.kind == DUTY:
            cell = self.cell_at[(held.place, slot.day, slot.shift)]
            cell.holders.remove(cadre)
            load = self._duty_load(cell)
        else:
            standby = self.standby_at[(held.place, slot.day, slot.shift)]
            standby.holders.remove(cadre)
            load = self._standby_load(slot)
        cadre.change(held, -1, load)
        self.units.change(cadre.unit, slot, -1)

    def _restore(self, cadre: _Cadre, held: _Held) -> None:
        """Put back what :meth:`_remove` took (it held before, so it holds again)."""
        slot = held.slot
        if held.kind == DUTY:
            self._place_duty(cadre, self.cell_at[(held.place, slot.day, slot.shift)])
        else:
            self._place_standby(cadre, self.standby_at[(held.place, slot.day, slot.shift)])

    def day_by_day(self) -> None:
        for day in range(self.calendar.days):
            self.frontier = day + 1
            for cell in self.cells_by_day[day]:
                self.fill(cell, cell.rule.min)
            for standby in self.standby_by_day[day]:
                self.fill_standby(standby)
            self.close_short_runs(day)
        self.frontier = self.calendar.days

    # -- pass 2: targets -------------------------------------------------------
    def top_up(self) -> None:
        """Cells still short of their minimum get a second chance (runs taken back free cadres), then
        standby, then every cell is topped up to its target."""
        every_cell = [cell for cells in self.cells_by_day for cell in cells]
        if self.runs_taken_back:
            for cell in every_cell:
                if len(cell.holders) < cell.rule.min or cell.missing_skills():
                    self.fill(cell, cell.rule.min)
            for day_cells in self.standby_by_day:
                for standby in day_cells:
                    self.fill_standby(standby)
        for cell in every_cell:
            if len(cell.holders) < cell.rule.target:
                self.fill(cell, cell.rule.target)

    # -- pass 3: minimum hours ---------------------------------------------------
    def reach_minimum_hours(self) -> list[str]:
        """Cadres under their pro-rated ``min_total_hours`` get duty where demand has room: below the
        minimum first, then below the target, then up to ``max`` (cheapest ``over_weight`` first).
        Under the shortest-run rules duty comes in blocks of days that keep every run long enough
        (see :meth:`_add_block`); where no cell has room a cadre claims one (see :meth:`_claim`).
        Returns the cadres left short."""
        short = []
        for cadre in self.cadres:
            if cadre.duty_minutes >= cadre.least_minutes:
                continue
            cells = [
                cell
                for community in cadre.facts.cadre.communities
                for cell in self.cells_of_community.get(community, [])
                if not (cell.high and cadre.vulnerable) and cell.rule.max != 0
            ]
            cells.sort(key=lambda cell: (_shortness(cell), cell.rule.over_weight, cell.slot.start, cell.checkpoint))
            for cell in cells:
                if cadre.duty_minutes >= cadre.least_minutes:
                    break
                if cell.room() and cadre not in cell.holders and self._may_hold(cadre, cell.slot):
                    self._place_duty(cadre, cell)
            if cadre.min_off >= 2 or cadre.min_work >= 2:
                by_day: dict[int, list[_Cell]] = {}
                for cell in cells:
                    by_day.setdefault(cell.slot.day, []).append(cell)
                dead: set[int] = set()
                while cadre.duty_minutes < cadre.least_minutes and self._add_block(cadre, by_day, dead):
                    pass
                self._lengthen(cadre, by_day)
                if cadre.duty_minutes < cadre.least_minutes and self._rebuild(cadre, by_day):
                    while cadre.duty_minutes < cadre.least_minutes and self._add_block(cadre, by_day, set()):
                        pass
                    self._lengthen(cadre, by_day)
            for cell in cells:
                if cadre.duty_minutes >= cadre.least_minutes:
                    break
                self._claim(cadre, cell)
            if cadre.duty_minutes < cadre.least_minutes:
                short.append(cadre.id)
        return short

    def _add_block(self, cadre: _Cadre, by_day: dict[int, list[_Cell]], dead: set[int]) -> bool:
        """Duty on a block of free days that leaves every run of work and of days off long enough
        (shortest blocks first, then earliest); False when no block fits. ``dead`` collects days on
        which no cell fits the cadre: holding more never frees them."""
        flags = [cadre.rostered(day) for day in range(self.calendar.days)]
        for first, last in _blocks(flags, cadre.min_off, cadre.min_work):
            if any(day in dead for day in range(first, last + 1)):
                continue
            placed: list[_Cell] = []
            for day in range(first, last + 1):
                cell = next((cell for cell in by_day.get(day, []) if cell.room() and cadre.blocked(cell.slot) is None
                             and self.units.fits(cadre.unit, cell.slot)), None)
                if cell is None:
                    if not placed or all(cadre.blocked(other.slot) for other in by_day.get(day, [])):
                        dead.add(day)
                    break
                self._place_duty(cadre, cell)
                placed.append(cell)
            flags_now = [cadre.rostered(day) for day in range(self.calendar.days)]
            if len(placed) == last - first + 1 and _short_run(flags_now, cadre.min_off, cadre.min_work) is None:
                return True
            for cell in reversed(placed):
                self._remove(cadre, next(held for held in cadre.held[cell.slot.day] if held.kind == DUTY))
        return False

    def _rebuild(self, cadre: _Cadre, by_day: dict[int, list[_Cell]]) -> bool:
        """Lay the cadre's roster anew from the runs of a dynamic programme over the days, when the
        blocks added one after another leave it short of its minimum hours.

        Everything the cadre holds is given up; the programme (:func:`scheduler.construct_runs.work_days`)
        picks the most work days that keep the shortest and longest runs and ``max_weekends``, on
        days where some cell fits; whole runs are then placed in order (a run that does not fit is
        left out: a longer run of days off) until the minimum is reached. The new roster is kept only
        if it holds more duty hours than the old one (then True)."""
        before = cadre.duty_minutes
        saved = [held for day in sorted(cadre.held) for held in list(cadre.held[day])]
        for held in saved:
            self._remove(cadre, held)
        open_days = {
            day
            for day, cells in by_day.items()
            if any(cell.room() and cadre.blocked(cell.slot) is None and self.units.fits(cadre.unit, cell.slot)
                   for cell in cells)
        }
        pattern = self._pattern(cadre, open_days)
        placed: list[_Cell] = []
        for first, length in _work_runs(pattern or []):
            if cadre.duty_minutes >= cadre.least_minutes:
                break
            run: list[_Cell] = []
            for day in range(first, first + length):
                cell = next((cell for cell in by_day.get(day, []) if cell.room() and cadre.blocked(cell.slot) is None
                             and self.units.fits(cadre.unit, cell.slot)), None)
                if cell is None:
                    break
                self._place_duty(cadre, cell)
                run.append(cell)
            if len(run) < length:
                for cell in reversed(run):
                    self._remove(cadre, next(held for held in cadre.held[cell.slot.day] if held.kind == DUTY))
            else:
                placed.extend(run)
        flags = [cadre.rostered(day) for day in range(self.calendar.days)]
        if cadre.duty_minutes > before and _short_run(flags, cadre.min_off, cadre.min_work) is None:
            for held in saved:  # what the cadre gave up goes to others where it can
                key = (held.place, held.slot.day, held.slot.shift)
                if held.kind == STANDBY:
                    self.fill_standby(self.standby_at[key])
                else:
                    self.fill(self.cell_at[key], self.cell_at[key].rule.target)
            logger.debug("dispatch: %s's roster laid anew from runs: %d -> %d duty minutes",
                         cadre.id, before, cadre.duty_minutes)
            return True
        for cell in reversed(placed):
            self._remove(cadre, next(held for held in cadre.held[cell.slot.day] if held.kind == DUTY))
        for held in saved:
            self._restore(cadre, held)
        return False

    def _pattern(self, cadre: _Cadre, open_days: set[int]) -> list[bool] | None:
        """The most work days on ``open_days`` under the cadre's run rules and ``max_weekends``: a
        price per weekend worked is raised by bisection until the limit holds."""
        rules = cadre.facts.rules
        days = self.calendar.days
        weekends = self.calendar.weekends()
        starts = {day: group[0] for group in weekends for day in group}
        no_bonus = [0.0] * days

        def worked(pattern: list[bool]) -> int:
            return sum(1 for group in weekends if any(pattern[day] for day in group))

        pattern = work_days(days, open_days, rules, starts, 0.0, no_bonus)
        if pattern is None or rules.max_weekends is None or worked(pattern) <= rules.max_weekends:
            return pattern
        low, high, kept = 0.0, WEEKEND_PRICE, None
        for _ in range(WEEKEND_PRICE_STEPS):
            price = (low + high) / 2
            candidate = work_days(days, open_days, rules, starts, price, no_bonus)
            if candidate is not None and worked(candidate) <= rules.max_weekends:
                kept, high = candidate, price
            else:
                low = price
        return kept

    def _lengthen(self, cadre: _Cadre, by_day: dict[int, list[_Cell]]) -> None:
        """Trade duties for longer shifts on the same days (the runs stay as they are) while the cadre
        is under its minimum hours."""
        for day in sorted(cadre.held):
            for held in [item for item in cadre.held.get(day, []) if item.kind == DUTY]:
                if cadre.duty_minutes >= cadre.least_minutes:
                    return
                longer = [cell for cell in by_day.get(day, []) if cell.slot.minutes > held.slot.minutes]
                if not longer:
                    continue
                self._remove(cadre, held)
                cell = next((cell for cell in longer if cell.room() and self._may_hold(cadre, cell.slot)), None)
                if cell is None:
                    self._restore(cadre, held)
                else:
                    self._place_duty(cadre, cell)

    def _claim(self, cadre: _Cadre, cell: _Cell) -> bool:
        """Duty at ``cell`` for a cadre under its minimum hours, making room for it.

        The cadre's own standbys that day are given up (another cadre stands in where one can), and
        when the cell is full a holder who stays at or above its own minimum, and keeps its runs,
        gives way; the cell keeps its skill counts. Everything is put back when the duty still does
        not fit. Minimum hours are a hard rule, standby and who holds a cell are not."""
        if cadre in cell.holders:
            return False
        day = cell.slot.day
        removed: list[tuple[_Cadre, _Held]] = []
        for held in list(cadre.held.get(day, ())):
            if held.kind == STANDBY:
                self._remove(cadre, held)
                removed.append((cadre, held))
        if not cell.room():
            giver = self._giver(cadre, cell)
            if giver is not None:
                held = next(item for item in giver.held[day] if item.kind == DUTY and item.place == cell.checkpoint
                            and item.slot.shift == cell.slot.shift)
                self._remove(giver, held)
                removed.append((giver, held))
        if cell.room() and self._may_hold(cadre, cell.slot):
            self._place_duty(cadre, cell)
            for _, held in removed:
                if held.kind == STANDBY:
                    self.fill_standby(self.standby_at[(held.place, day, held.slot.shift)])
            logger.debug("dispatch: %s claims %s on day %d shift %s for its minimum hours (%d given up)",
                         cadre.id, cell.checkpoint, day, cell.slot.shift, len(removed))
            return True
        for other, held in reversed(removed):
            self._restore(other, held)
        return False

    def _giver(self, cadre: _Cadre, cell: _Cell) -> _Cadre | None:
        """The holder of ``cell`` who can best give its duty to ``cadre``: most hours above its own
        minimum, not the only holder of a skill the cell needs that ``cadre`` lacks, and whose runs
        of work and days off stay long enough without that day."""
        for other in sorted(cell.holders, key=lambda item: (item.least_minutes - item.duty_minutes, item.index)):
            if any(
                skill in other.skills and skill not in cadre.skills
                and sum(1 for holder in cell.holders if skill in holder.skills) <= need
                for skill, need in cell.rule.skills.items()
            ):
                continue
            held = next(item for item in other.held[cell.slot.day] if item.kind == DUTY
                        and item.place == cell.checkpoint and item.slot.shift == cell.slot.shift)
            if other.removal_refusal(held) is None:
                return other
        return None

    # -- the roster ------------------------------------------------------------
    def roster(self) -> tuple[list[Assignment], list[StandbyAssignment]]:
        dates = self.calendar.dates
        order = self._shift_order()
        assignments: list[Assignment] = []
        standby: list[StandbyAssignment] = []
        for cadre in self.cadres:
            for day in sorted(cadre.held):
                for held in sorted(cadre.held[day], key=lambda item: order[item.slot.shift]):
                    if held.kind == DUTY:
                        assignments.append(Assignment(cadre=cadre.id, date=dates[day], shift=held.slot.shift,
                                                      checkpoint=held.place))
                    else:
                        standby.append(StandbyAssignment(cadre=cadre.id, date=dates[day], shift=held.slot.shift,
                                                         community=held.place))
        return assignments, standby


def _shortness(cell: _Cell) -> int:
    """0 below the minimum (or a skill short), 1 below the target, 2 at or above it."""
    if len(cell.holders) < cell.rule.min or cell.missing_skills():
        return 0
    return 1 if len(cell.holders) < cell.rule.target else 2


def dispatch(instance: Instance, calendar: Calendar | None = None) -> Dispatch:
    """The hand-dispatch greedy's roster of ``instance`` (deterministic).

    ``calendar``, when given, must be the instance's (its demand cells may differ, as in
    :mod:`scheduler.construct`); duties go only where its demand applies.
    """
    started = time.perf_counter()
    calendar = Calendar(instance) if calendar is None else calendar
    dispatcher = _Dispatcher(instance, calendar)
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
