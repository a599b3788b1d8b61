"""Everything the checker needs to know about an instance, indexed once.

Times are minutes since day 0 00:00 (negative before the horizon); days are
integers, day 0 = ``horizon.start``. See docs/SEMANTICS.md, section Time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from models.instance import Cadre, Checkpoint, DemandRule, Instance, Rules, Shift, Standby, Unit

DAY = 1440
WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DUTY = "duty"
STANDBY = "standby"
UNIT = "unit"
BUSY = "busy"


@dataclass(frozen=True, slots=True)
class Period:
    """One work period of a cadre: [start, end) in minutes, belonging to ``day``."""

    start: int
    end: int
    day: int
    kind: str
    fixed: bool
    shift: str | None = None
    place: str | None = None
    night: bool = False

    @property
    def is_shift(self) -> bool:
        return self.kind in (DUTY, STANDBY)

    @property
    def minutes(self) -> int:
        return self.end - self.start


# -- the checker's own reading of the contract (docs/SEMANTICS.md); the solver side has its own ---------------


def clock(text: str) -> int:
    """Minutes after midnight of a time written ``HH:MM``."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def daily_length(start: str, end: str) -> int:
    """Minutes from ``start`` to ``end`` on the wall clock; an end at or before the start is the next day."""
    length = clock(end) - clock(start)
    return length if length > 0 else length + DAY


def demand_matches(rule: DemandRule, when: date, shift_id: str) -> bool:
    """DESIGN.md section 3: shifts missing = all; neither weekdays nor dates = every day; else either list."""
    if rule.shifts is not None and shift_id not in rule.shifts:
        return False
    if not rule.weekdays and not rule.dates:
        return True
    return WEEKDAY_NAMES[when.weekday()] in rule.weekdays or when in rule.dates


def is_unit_workday(unit: Unit, when: date) -> bool:
    """A weekday of ``workdays`` or a date of ``extra_workdays``, not in ``closed_dates``."""
    return when not in unit.closed_dates and (WEEKDAY_NAMES[when.weekday()] in unit.workdays
                                              or when in unit.extra_workdays)


def standby_asked(standby: Standby, community: str, when: date, shift_id: str) -> int:
    """``per_community`` unless an override matches; the last matching override wins; an override's missing
    fields match everything."""
    asked = standby.per_community
    for override in standby.overrides:
        community_ok = override.community is None or override.community == community
        shift_ok = override.shifts is None or shift_id in override.shifts
        day_ok = (not override.weekdays and not override.dates) or (
            WEEKDAY_NAMES[when.weekday()] in override.weekdays or when in override.dates)
        if community_ok and shift_ok and day_ok:
            asked = override.count
    return asked


def cadre_rules(instance: Instance, cadre: Cadre) -> Rules:
    """The rules for a cadre: every key its ``limits`` gives replaces the general one (a whole value)."""
    if cadre.limits is None:
        return instance.rules
    given = cadre.limits.model_fields_set
    return instance.rules.model_copy(update={key: getattr(cadre.limits, key) for key in given})


def group_of(cadre: Cadre) -> str:
    """Fairness group (DESIGN.md section 5): the cadre's mode, or none without a unit."""
    return "none" if cadre.mode is None else cadre.mode


def limit_minutes(hours: float | None) -> int | None:
    """An hours limit of the file in minutes (``round(hours * 60)``), or None for no limit."""
    return None if hours is None else round(hours * 60)


@dataclass(frozen=True)
class Limits:
    """A cadre's effective rules, hours converted to minutes."""

    rest: int | None
    hours_per_day: int | None
    duty_shifts_per_day: int | None
    consecutive_work_days: int | None
    days_off_per_7: int | None
    hours_per_7: int | None
    duty_hours_per_7: int | None
    nights_per_7: int | None
    consecutive_nights: int | None
    min_total: int | None
    max_total: int | None
    weekends: int | None
    min_consecutive_days_off: int | None
    min_consecutive_work_days: int | None
    shifts_by_type: dict[str, int]
    successions: frozenset[tuple[str, str]]


@dataclass
class CheckedCadre:
    """What the instance fixes about one cadre."""

    cadre: Cadre
    rules: Rules
    limits: Limits
    lookback: int
    fixed_periods: list[Period]
    blocked: set[tuple[int, str]]
    wholly_unavailable: set[int]
    available_days: int

    @property
    def id(self) -> str:
        return self.cadre.id


@dataclass
class Context:
    """The instance, indexed for the checker."""

    instance: Instance
    start: date
    days: int
    shifts: dict[str, Shift]
    shift_order: list[str]
    checkpoints: dict[str, Checkpoint]
    communities: list[str]
    units: dict[str, Unit]
    cadres: dict[str, CheckedCadre]
    demand: dict[tuple[str, int, str], DemandRule]
    community_cells: dict[tuple[str, int, str], list[str]]
    standby_wanted: dict[tuple[str, int, str], int]
    shift_start: dict[str, int] = field(default_factory=dict)  # minutes after midnight
    shift_minutes: dict[str, int] = field(default_factory=dict)
    unit_members: dict[str, list[str]] = field(default_factory=dict)
    iso_cache: dict[int, str] = field(default_factory=dict)

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def iso(self, day: int) -> str:
        text = self.iso_cache.get(day)
        if text is None:
            text = self.iso_cache[day] = self.date_of(day).isoformat()
        return text

    def day_of(self, when: date) -> int:
        return (when - self.start).days

    def weekday(self, day: int) -> str:
        return WEEKDAY_NAMES[(self.start.weekday() + day) % 7]

    def in_horizon(self, day: int) -> bool:
        return 0 <= day < self.days

    def clock(self, minute: int) -> str:
        """``minute`` since day 0 as 'YYYY-MM-DD HH:MM'."""
        day, rest = divmod(minute, DAY)
        return f"{self.iso(day)} {rest // 60:02d}:{rest % 60:02d}"

    def shift_period(self, day: int, shift_id: str, kind: str, place: str | None, fixed: bool = False) -> Period:
        begin = day * DAY + self.shift_start[shift_id]
        return Period(begin, begin + self.shift_minutes[shift_id], day, kind, fixed, shift_id, place,
                      self.shifts[shift_id].night)

    def unit_hours(self, unit: Unit, day: int) -> tuple[int, int] | None:
        """[start, end) of the unit's hours on ``day`` if it is a unit workday."""
        if not is_unit_workday(unit, self.date_of(day)):
            return None
        begin = day * DAY + clock(unit.hours.start)
        return begin, begin + daily_length(unit.hours.start, unit.hours.end)


def effective_limits(rules: Rules, available_days: int, days: int) -> Limits:
    """Convert a cadre's effective :class:`Rules` into minute and count limits (min_total pro-rated)."""
    min_total = limit_minutes(rules.min_total_hours)
    if min_total is not None and rules.prorate_min_total_hours:
        min_total = min_total * available_days // days
    if min_total is not None and available_days == 0:
        min_total = None
    return Limits(
        rest=limit_minutes(rules.min_rest_hours),
        hours_per_day=limit_minutes(rules.max_hours_per_day),
        duty_shifts_per_day=rules.max_duty_shifts_per_day,
        consecutive_work_days=rules.max_consecutive_work_days,
        days_off_per_7=rules.min_days_off_per_7_days,
        hours_per_7=limit_minutes(rules.max_hours_per_7_days),
        duty_hours_per_7=limit_minutes(rules.max_duty_hours_per_7_days),
        nights_per_7=rules.max_night_shifts_per_7_days,
        consecutive_nights=rules.max_consecutive_nights,
        min_total=min_total,
        max_total=limit_minutes(rules.max_total_hours),
        weekends=rules.max_weekends,
        min_consecutive_days_off=rules.min_consecutive_days_off,
        min_consecutive_work_days=rules.min_consecutive_work_days,
        shifts_by_type=dict(rules.max_shifts_by_type or {}),
        successions=frozenset((first, second) for first, second in (rules.forbidden_successions or [])),
    )


def _minute_of(start: date, moment: datetime) -> int:
    return (moment.date() - start).days * DAY + moment.hour * 60 + moment.minute


def _cadre_facts(ctx: Context, cadre: Cadre) -> CheckedCadre:
    all_shifts = set(ctx.shift_order)
    wholly: set[int] = set()
    blocked: set[tuple[int, str]] = set()
    for entry in cadre.unavailable:
        day = ctx.day_of(entry.date)
        if entry.shifts is None or all_shifts <= set(entry.shifts):
            wholly.add(day)
        else:
            blocked.update((day, shift_id) for shift_id in entry.shifts)
    for day in wholly:
        blocked.update((day, shift_id) for shift_id in ctx.shift_order)
    available = sum(1 for day in range(ctx.days) if day not in wholly)
    rules = cadre_rules(ctx.instance, cadre)
    limits = effective_limits(rules, available, ctx.days)
    lookback = max(6, limits.consecutive_work_days or 0, limits.consecutive_nights or 0, 1)

    fixed: list[Period] = []
    for worked in cadre.history:
        if worked.shift in ctx.shifts:
            fixed.append(ctx.shift_period(ctx.day_of(worked.date), worked.shift, worked.kind, None, fixed=True))
    for busy in cadre.busy:
        begin = _minute_of(ctx.start, busy.start)
        fixed.append(Period(begin, _minute_of(ctx.start, busy.end), math.floor(begin / DAY), BUSY, True))
    if cadre.mode == "dual" and cadre.unit is not None and cadre.unit in ctx.units:
        unit = ctx.units[cadre.unit]
        for day in range(-lookback, ctx.days + 2):
            if day in wholly:
                continue
            hours = ctx.unit_hours(unit, day)
            if hours is not None:
                fixed.append(Period(hours[0], hours[1], day, UNIT, True, place=unit.id))
    fixed.sort(key=lambda period: (period.start, period.end))
    return CheckedCadre(cadre, rules, limits, lookback, fixed, blocked, wholly, available)


def applying_rule(checkpoint: Checkpoint, when: date, shift_id: str) -> DemandRule | None:
    """The demand rule that applies at a checkpoint, date and shift (dated rules override undated ones)."""
    dated = None
    undated = None
    for rule in checkpoint.demand:
        if demand_matches(rule, when, shift_id):
            if rule.dates:
                dated = dated or rule
            else:
                undated = undated or rule
    return dated if dated is not None else undated


def build_context(instance: Instance) -> Context:
    """Index ``instance`` for the checker."""
    start = instance.horizon.start
    ctx = Context(
        instance=instance,
        start=start,
        days=instance.horizon.days,
        shifts={shift.id: shift for shift in instance.shifts},
        shift_order=[shift.id for shift in instance.shifts],
        checkpoints={checkpoint.id: checkpoint for checkpoint in instance.checkpoints},
        communities=[community.id for community in instance.communities],
        units={unit.id: unit for unit in instance.units},
        cadres={},
        demand={},
        community_cells={},
        standby_wanted={},
        shift_start={shift.id: clock(shift.start) for shift in instance.shifts},
        shift_minutes={shift.id: daily_length(shift.start, shift.end) for shift in instance.shifts},
    )
    for checkpoint in instance.checkpoints:
        for day in range(ctx.days):
            when = ctx.date_of(day)
            for shift_id in ctx.shift_order:
                rule = applying_rule(checkpoint, when, shift_id)
                if rule is not None:
                    ctx.demand[(checkpoint.id, day, shift_id)] = rule
                    ctx.community_cells.setdefault((checkpoint.community, day, shift_id), []).append(checkpoint.id)
    for community in ctx.communities:
        for day in range(ctx.days):
            when = ctx.date_of(day)
            for shift_id in ctx.shift_order:
                wanted = standby_asked(instance.standby, community, when, shift_id)
                if wanted > 0:
                    ctx.standby_wanted[(community, day, shift_id)] = wanted
    for cadre in instance.cadres:
        ctx.cadres[cadre.id] = _cadre_facts(ctx, cadre)
        if cadre.unit is not None:
            ctx.unit_members.setdefault(cadre.unit, []).append(cadre.id)
    return ctx


_CACHE: list[tuple[Instance, Context]] = []


def context_for(instance: Instance) -> Context:
    """The (cached) context of ``instance``; do not mutate an instance between checker calls."""
    for cached_instance, cached_context in _CACHE:
        if cached_instance is instance:
            return cached_context
    ctx = build_context(instance)
    _CACHE.append((instance, ctx))
    del _CACHE[:-4]
    return ctx
