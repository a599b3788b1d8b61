"""The time grid of a solve: dates, shift slots, demand cells and each cadre's fixed facts.

Everything time-related is turned into integers once here: a moment is the
number of minutes since day 0 at 00:00 (negative before the horizon), a day is
an index (negative before the horizon). Rule modules read these facts and
never parse dates or times themselves.

The functions at the top are the solver side's own reading of the contract
(times, demand matching, unit workdays, standby asked, effective rules): the
contract's classes in :mod:`models` only parse and validate, and the
independent checker reads the contract with functions of its own.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import cached_property

from models.instance import Cadre, Checkpoint, DemandRule, Horizon, Instance, Rules, Shift, Standby, Unit

logger = logging.getLogger(__name__)

MINUTES_PER_DAY = 24 * 60
# Unit hours and busy periods this many days after the horizon still count for rest.
DAYS_AFTER_HORIZON = 2
WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# -- the solver side's reading of the contract (docs/SEMANTICS.md); the checker has its own -----------------


def clock_minutes(clock: str) -> int:
    """Minutes after midnight of an ``HH:MM`` time."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def period_minutes(start: str, end: str) -> int:
    """Length of a daily period from ``start`` to ``end``; ``end <= start`` crosses midnight (equal: 24 h)."""
    length = clock_minutes(end) - clock_minutes(start)
    return length if length > 0 else length + MINUTES_PER_DAY


def shift_start(shift: Shift) -> int:
    """Minutes after midnight at which ``shift`` starts."""
    return clock_minutes(shift.start)


def shift_minutes(shift: Shift) -> int:
    """Length of ``shift`` in minutes."""
    return period_minutes(shift.start, shift.end)


def horizon_dates(horizon: Horizon) -> list[date]:
    """The dates of the horizon, day 0 first."""
    return [horizon.start + timedelta(days=offset) for offset in range(horizon.days)]


def demand_rule_matches(rule: DemandRule, when: date, shift_id: str) -> bool:
    """Whether ``rule`` matches a date and shift: no weekdays and no dates match every day; with either or
    both, a day in either list; ``shifts`` missing matches every shift."""
    if rule.shifts is not None and shift_id not in rule.shifts:
        return False
    if not rule.weekdays and not rule.dates:
        return True
    return WEEKDAY_NAMES[when.weekday()] in rule.weekdays or when in rule.dates


def unit_workday(unit: Unit, when: date) -> bool:
    """A unit workday: its weekday in ``workdays`` or the date in ``extra_workdays``, and not closed."""
    if when in unit.closed_dates:
        return False
    return WEEKDAY_NAMES[when.weekday()] in unit.workdays or when in unit.extra_workdays


def standby_wanted(standby: Standby, community: str, when: date, shift_id: str) -> int:
    """Standby cadres asked for a community, date and shift: ``per_community``, or the last matching
    override (an override's missing fields match everything)."""
    count = standby.per_community
    for override in standby.overrides:
        if override.community is not None and override.community != community:
            continue
        if override.shifts is not None and shift_id not in override.shifts:
            continue
        if (override.weekdays or override.dates) and not (
                WEEKDAY_NAMES[when.weekday()] in override.weekdays or when in override.dates):
            continue
        count = override.count
    return count


def effective_rules(instance: Instance, cadre: Cadre) -> Rules:
    """The cadre's rules: each key given in its ``limits`` replaces the general value (null lifts it)."""
    if cadre.limits is None:
        return instance.rules
    overrides = {key: getattr(cadre.limits, key) for key in cadre.limits.model_fields_set}
    return instance.rules.model_copy(update=overrides)


def fairness_group(cadre: Cadre) -> str:
    """The cadre's fairness group: seconded, dual or none (no unit)."""
    return cadre.mode if cadre.mode is not None else "none"


def hours_to_minutes(hours: float | None) -> int | None:
    """A limit in hours as whole minutes (``round(hours * 60)``); None stays None."""
    return None if hours is None else round(hours * 60)


@dataclass(frozen=True)
class Slot:
    """One shift on one day of the horizon."""

    day: int
    shift: str
    start: int  # minutes since day 0 00:00
    end: int
    minutes: int
    night: bool


@dataclass(frozen=True)
class Period:
    """A fixed work period of a cadre (unit hours, busy, history shift)."""

    kind: str  # "unit", "busy", "history_duty", "history_standby"
    day: int  # the day it belongs to (its start day)
    start: int
    end: int
    shift: str | None = None
    night: bool = False

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass
class CadreFacts:
    """What is fixed for one cadre before any roster: rules, blocked slots, fixed periods."""

    cadre: Cadre
    rules: Rules
    lookback_days: int
    wholly_unavailable: set[int] = field(default_factory=set)
    blocked_shifts: set[tuple[int, str]] = field(default_factory=set)  # from `unavailable` entries
    periods: list[Period] = field(default_factory=list)
    available_days: int = 0

    @property
    def rest_minutes(self) -> int:
        return hours_to_minutes(self.rules.min_rest_hours) or 0

    @cached_property
    def fixed_work_days(self) -> set[int]:
        """Days on which a fixed work period starts (unit hours, busy, history)."""
        return {period.day for period in self.periods}

    def _minutes_by_day(self, kinds: set[str]) -> dict[int, int]:
        minutes: dict[int, int] = defaultdict(int)
        for period in self.periods:
            if period.kind in kinds:
                minutes[period.day] += period.minutes
        return dict(minutes)

    @cached_property
    def fixed_minutes(self) -> dict[int, int]:
        """Unit + busy + history duty minutes per day: what counts toward hours limits."""
        return self._minutes_by_day({"unit", "busy", "history_duty"})

    @cached_property
    def fixed_duty_minutes(self) -> dict[int, int]:
        """History duty minutes per day: what counts toward duty-hours limits."""
        return self._minutes_by_day({"history_duty"})

    @cached_property
    def history_nights(self) -> dict[int, int]:
        """History night duties per day."""
        nights: dict[int, int] = defaultdict(int)
        for period in self.periods:
            if period.kind == "history_duty" and period.night:
                nights[period.day] += 1
        return dict(nights)

    def history_duty_shifts_on(self, day: int) -> set[str]:
        return {
            period.shift
            for period in self.periods
            if period.kind == "history_duty" and period.day == day and period.shift is not None
        }


class Calendar:
    """Dates, slots and demand of one instance, and the fixed facts of every cadre."""

    def __init__(self, instance: Instance, demand: dict[tuple[str, int, str], DemandRule] | None = None) -> None:
        """``demand`` replaces the instance's demand cells (see :mod:`scheduler.search.cadre_by_cadre`)."""
        self.instance = instance
        self.start: date = instance.horizon.start
        self.days: int = instance.horizon.days
        self.dates: list[date] = horizon_dates(instance.horizon)
        self.shift_ids: list[str] = [shift.id for shift in instance.shifts]
        self.shifts = {shift.id: shift for shift in instance.shifts}
        self.slots: dict[tuple[int, str], Slot] = {}
        for day in range(self.days):
            for shift in instance.shifts:
                start = day * MINUTES_PER_DAY + shift_start(shift)
                length = shift_minutes(shift)
                self.slots[(day, shift.id)] = Slot(day, shift.id, start, start + length, length, shift.night)
        self.checkpoints: dict[str, Checkpoint] = {checkpoint.id: checkpoint for checkpoint in instance.checkpoints}
        self.demand: dict[tuple[str, int, str], DemandRule] = self._demand_cells() if demand is None else demand
        self.units = {unit.id: unit for unit in instance.units}
        self.cadre_facts: dict[str, CadreFacts] = {cadre.id: self._facts(cadre) for cadre in instance.cadres}

    # -- days -------------------------------------------------------------
    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def day_of(self, when: date) -> int:
        return (when - self.start).days

    def weekday(self, day: int) -> int:
        """0 = Monday .. 6 = Sunday."""
        return self.date_of(day).weekday()

    def weekends(self) -> list[list[int]]:
        """Weekends inside the horizon: a Saturday and the following Sunday, cut at the horizon's ends."""
        weekends: list[list[int]] = []
        for day in range(self.days):
            weekday = self.weekday(day)
            if weekday == 5:
                weekends.append([d for d in (day, day + 1) if d < self.days])
            elif weekday == 6 and day == 0:
                weekends.append([day])
        return weekends

    # -- demand -----------------------------------------------------------
    def _demand_cells(self) -> dict[tuple[str, int, str], DemandRule]:
        """The one demand rule that applies to each checkpoint, day and shift (dated rules override)."""
        cells: dict[tuple[str, int, str], DemandRule] = {}
        for checkpoint in self.instance.checkpoints:
            for day, when in enumerate(self.dates):
                for shift_id in self.shift_ids:
                    matching = [rule for rule in checkpoint.demand if demand_rule_matches(rule, when, shift_id)]
                    dated = [rule for rule in matching if rule.dates]
                    chosen = dated or matching
                    if chosen:
                        cells[(checkpoint.id, day, shift_id)] = chosen[0]
        return cells

    # -- cadres -----------------------------------------------------------
    def _lookback(self, rules: Rules) -> int:
        reach = [6]  # 7-day windows
        for limit in (rules.max_consecutive_work_days, rules.max_consecutive_nights):
            if limit is not None:
                reach.append(limit)
        return max(reach) + 1

    def _facts(self, cadre: Cadre) -> CadreFacts:
        rules = effective_rules(self.instance, cadre)
        facts = CadreFacts(cadre=cadre, rules=rules, lookback_days=self._lookback(rules))
        every_shift = set(self.shift_ids)
        for entry in cadre.unavailable:
            day = self.day_of(entry.date)
            if entry.shifts is None or set(entry.shifts) >= every_shift:
                facts.wholly_unavailable.add(day)
            else:
                facts.blocked_shifts.update((day, shift_id) for shift_id in entry.shifts)
        facts.available_days = sum(1 for day in range(self.days) if day not in facts.wholly_unavailable)

        first_day = -max(facts.lookback_days, max((self.day_of(h.date) * -1 for h in cadre.history), default=0))
        last_day = self.days + DAYS_AFTER_HORIZON
        if cadre.mode == "dual" and cadre.unit is not None:
            unit = self.units[cadre.unit]
            length = period_minutes(unit.hours.start, unit.hours.end)
            for day in range(first_day, last_day):
                if day in facts.wholly_unavailable or not unit_workday(unit, self.date_of(day)):
                    continue
                start = day * MINUTES_PER_DAY + clock_minutes(unit.hours.start)
                facts.periods.append(Period("unit", day, start, start + length))
        midnight = datetime.combine(self.start, datetime.min.time())
        for busy in cadre.busy:
            start = int((busy.start - midnight).total_seconds() // 60)
            end = int((busy.end - midnight).total_seconds() // 60)
            facts.periods.append(Period("busy", start // MINUTES_PER_DAY, start, end))
        for worked in cadre.history:
            shift = self.shifts[worked.shift]
            day = self.day_of(worked.date)
            start = day * MINUTES_PER_DAY + shift_start(shift)
            kind = "history_duty" if worked.kind == "duty" else "history_standby"
            facts.periods.append(Period(kind, day, start, start + shift_minutes(shift), shift.id, shift.night))
        return facts

    def slot_open(self, facts: CadreFacts, slot: Slot) -> bool:
        """Whether a duty or standby could be held in ``slot`` given only the cadre's fixed facts."""
        if slot.day in facts.wholly_unavailable or (slot.day, slot.shift) in facts.blocked_shifts:
            return False
        rest = facts.rest_minutes
        for period in facts.periods:
            if period.start < slot.end and slot.start < period.end:
                return False  # overlap
            if slot.end <= period.start < slot.end + rest:
                return False  # no rest after this shift before the fixed period
            if period.kind.startswith("history") and period.end <= slot.start < period.end + rest:
                return False  # still resting after a history shift
        return True

    def prorated_min_total_minutes(self, facts: CadreFacts) -> int | None:
        required = hours_to_minutes(facts.rules.min_total_hours)
        if required is None or facts.available_days == 0:
            return None  # a cadre with no available day owes nothing, pro-rated or not
        if not facts.rules.prorate_min_total_hours:
            return required
        return int(Fraction(required * facts.available_days, self.days))
