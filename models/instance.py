"""The instance file (``instance.json``): the pydantic contract of DESIGN.md section 3.

Only shapes, types and single-object checks live here: the classes parse and
validate, and compute nothing (the solver side, scheduler/model/calendar.py, and the
independent checker, scheduler/checker/, each read times, demand matching and
limits with functions of their own); checks that need the
whole instance (references, duplicate ids, overlapping demand rules) are in
:mod:`models.references`, so that every problem is reported with its JSON path.
No solver code is imported here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

MAX_DAYS = 366
MAX_STRING = 200
MAX_FILE_BYTES = 50_000_000

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_MONDAY_TO_FRIDAY: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
Risk = Literal["low", "medium", "high"]
Mode = Literal["seconded", "dual"]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$")


def describe_json(value: object) -> str:
    """A JSON value named by its JSON type, for error messages: ``the string "3"``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the string "{shown}"'
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _parse_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError(f"must be a date, a string written YYYY-MM-DD; got {describe_json(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"is not a real date ({error})") from None


def _parse_datetime(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATETIME_RE.match(value):
        raise ValueError(
            f"must be a local date and time, a string written YYYY-MM-DDTHH:MM; got {describe_json(value)}"
        )
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"is not a real date and time ({error})") from None


def _check_time(value: object) -> object:
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise ValueError(f"must be a time of day, a string written HH:MM (00:00 to 23:59); got {describe_json(value)}")
    return value


Day = Annotated[
    date,
    BeforeValidator(_parse_date),
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
]
LocalDateTime = Annotated[
    datetime,
    BeforeValidator(_parse_datetime),
    PlainSerializer(lambda value: value.strftime("%Y-%m-%dT%H:%M"), return_type=str),
]
ClockTime = Annotated[str, BeforeValidator(_check_time)]


def _pair(value: object) -> object:
    """A JSON array of two items read as a pair (strict mode takes only tuples for tuple fields)."""
    return tuple(value) if isinstance(value, list) else value

Identifier = Annotated[str, Field(min_length=1, max_length=MAX_STRING)]
NonNegativeWeight = Annotated[float, Field(ge=0, le=1_000_000)]
Count = Annotated[int, Field(ge=0, le=100_000)]
Hours = Annotated[float, Field(ge=0, le=24 * 366)]


class Contract(BaseModel):
    """Base of every contract object: unknown keys are errors (they are usually typos), and every value
    must have its JSON type (strict: ``"3"`` is no number, ``"no"`` no boolean). Dates and times are
    JSON strings in their formats, read by the validators above."""

    model_config = ConfigDict(extra="forbid", str_max_length=MAX_STRING, frozen=False, strict=True)


class Horizon(Contract):
    start: Day = Field(description="First day of the planning period (day 0), YYYY-MM-DD.")
    days: int = Field(ge=1, le=MAX_DAYS, description="Number of days planned (1 to 366).")
    timezone: str = Field(
        default="Asia/Shanghai",
        description="IANA time zone of every local time in the file; used for calendar exports. "
        "Lengths, rest and hours are wall-clock differences.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value


class Shift(Contract):
    id: Identifier = Field(description="Shift id, unique among shifts.")
    name: str | None = Field(default=None, description="Display name (defaults to the id).")
    start: ClockTime = Field(description="Start time HH:MM.")
    end: ClockTime = Field(
        description="End time HH:MM; end <= start means the shift crosses midnight "
        "(end == start is a 24-hour shift). A shift belongs to the day it starts."
    )
    night: bool = Field(default=False, description="A night shift (night limits and night load weight).")


class Community(Contract):
    id: Identifier = Field(description="Community or village id, unique.")
    name: str | None = Field(default=None, description="Display name (defaults to the id).")


class DemandRule(Contract):
    shifts: list[Identifier] | None = Field(
        default=None, description="Shift ids this rule covers; missing means all shifts, [] means none."
    )
    weekdays: list[Weekday] = Field(default_factory=list, description="Weekdays (mon..sun) the rule matches.")
    dates: list[Day] = Field(
        default_factory=list,
        description="Dates the rule matches. A rule listing dates overrides the undated rules of the "
        "checkpoint on every day and shift it matches.",
    )
    min: Count = Field(description="Hard-wanted minimum number of cadres on duty (shortfalls are reported).")
    target: Count = Field(description="Wanted number of cadres (>= min); deviations cost under/over weights.")
    max: Count | None = Field(default=None, description="Hard maximum of cadres on duty (>= target).")
    skills: dict[Identifier, Count] = Field(
        default_factory=dict,
        description="Minimum number of cadres with each skill among those on duty (part of the minimum).",
    )
    under_weight: NonNegativeWeight = Field(default=1, description="Cost per cadre below target.")
    over_weight: NonNegativeWeight = Field(default=0, description="Cost per cadre above target.")

    @model_validator(mode="after")
    def _ordered_counts(self) -> DemandRule:
        if self.target < self.min:
            raise ValueError(f"target ({self.target}) must be >= min ({self.min})")
        if self.max is not None and self.max < self.target:
            raise ValueError(f"max ({self.max}) must be >= target ({self.target})")
        return self


class Checkpoint(Contract):
    id: Identifier = Field(description="Checkpoint id, unique.")
    name: str | None = Field(default=None, description="Display name (defaults to the id).")
    community: Identifier = Field(description="Id of the community the checkpoint belongs to.")
    risk: Risk = Field(default="medium", description="Risk level: low, medium or high.")
    demand: list[DemandRule] = Field(default_factory=list, description="Demand rules of this checkpoint.")


class UnitHours(Contract):
    start: ClockTime = Field(description="Start of the unit's working hours HH:MM.")
    end: ClockTime = Field(description="End HH:MM; end <= start crosses midnight.")


class Unit(Contract):
    id: Identifier = Field(description="Home unit id, unique.")
    name: str | None = Field(default=None, description="Display name (defaults to the id).")
    workdays: list[Weekday] = Field(
        default_factory=lambda: list(_MONDAY_TO_FRIDAY),
        description="Weekdays the unit works (default mon-fri; [] means none).",
    )
    hours: UnitHours = Field(
        default_factory=lambda: UnitHours(start="08:30", end="17:30"),
        description="Daily working hours of the unit (default 08:30-17:30).",
    )
    closed_dates: list[Day] = Field(default_factory=list, description="Dates the unit does not work.")
    extra_workdays: list[Day] = Field(default_factory=list, description="Extra dates the unit works.")
    max_away: Count | None = Field(
        default=None,
        description="Most of this unit's cadres (any mode) on duty or standby at any moment within "
        "the unit's hours on a unit workday.",
    )


class Unavailability(Contract):
    date: Day = Field(description="The date.")
    shifts: list[Identifier] | None = Field(
        default=None,
        description="Shifts blocked that day; missing (or every shift) makes the day wholly unavailable, "
        "which also blocks a dual cadre's unit hours.",
    )


class BusyPeriod(Contract):
    start: LocalDateTime = Field(description="Start YYYY-MM-DDTHH:MM (local time).")
    end: LocalDateTime = Field(description="End YYYY-MM-DDTHH:MM, after the start.")

    @model_validator(mode="after")
    def _positive(self) -> BusyPeriod:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.end - self.start > timedelta(days=MAX_DAYS):
            raise ValueError("a busy period may last at most 366 days")
        return self


class Request(Contract):
    date: Day = Field(description="The date.")
    shift: Identifier | None = Field(default=None, description="The shift; missing means any shift that day.")
    kind: Literal["off", "on"] = Field(description="off: no duty wanted; on: duty wanted.")
    weight: NonNegativeWeight = Field(default=1, description="Cost when the request is not granted.")


class HistoryShift(Contract):
    date: Day = Field(description="A date before the horizon start.")
    shift: Identifier = Field(description="The shift worked.")
    kind: Literal["duty", "standby"] = Field(default="duty", description="duty or standby.")


class Rules(Contract):
    """Rest and load limits. Every limit left out or null is no limit, unless a default is named."""

    min_rest_hours: Hours | None = Field(
        default=None,
        description="Hours from the end of a duty or standby shift to the start of the next work period.",
    )
    max_hours_per_day: Hours | None = Field(
        default=None, description="Duty + unit + busy hours of the periods belonging to one day."
    )
    max_duty_shifts_per_day: Count | None = Field(
        default=1, description="Duty shifts starting on one day (default 1; null lifts it)."
    )
    max_consecutive_work_days: Count | None = Field(default=None, description="Longest run of work days.")
    min_days_off_per_7_days: Annotated[int, Field(ge=0, le=7)] | None = Field(
        default=None, description="Days off in every 7-day window."
    )
    max_hours_per_7_days: Hours | None = Field(
        default=None, description="Duty + unit + busy hours in every 7-day window."
    )
    max_duty_hours_per_7_days: Hours | None = Field(default=None, description="Duty hours in every 7-day window.")
    max_night_shifts_per_7_days: Count | None = Field(
        default=None, description="Night duty shifts in every 7-day window."
    )
    max_consecutive_nights: Count | None = Field(default=None, description="Longest run of days with a night duty.")
    min_total_hours: Hours | None = Field(
        default=None,
        description="Duty hours over the horizon, pro-rated by the share of days not wholly unavailable.",
    )
    max_total_hours: Hours | None = Field(default=None, description="Duty hours over the horizon.")
    max_weekends: Count | None = Field(
        default=None, description="Weekends (Saturday and the following Sunday) with duty on either day."
    )
    min_consecutive_days_off: Count | None = Field(
        default=None,
        description="Shortest run of days without duty or standby, for runs with duty/standby days on both "
        "sides inside the horizon.",
    )
    min_consecutive_work_days: Count | None = Field(
        default=None,
        description="Shortest run of duty/standby days, for runs with free days on both sides inside the horizon.",
    )
    max_shifts_by_type: dict[Identifier, Count] | None = Field(
        default=None, description="{shift id: most duty shifts of that shift over the horizon}."
    )
    forbidden_successions: list[Annotated[tuple[Identifier, Identifier], BeforeValidator(_pair)]] | None = Field(
        default=None, description="[[a, b]]: duty shift b may not follow duty shift a on the next day."
    )
    prorate_min_total_hours: bool = Field(
        default=True,
        description="Extension: pro-rate min_total_hours by available days (DESIGN default true). "
        "Benchmark imports set false to keep the benchmark's own rule.",
    )


class Cadre(Contract):
    id: Identifier = Field(description="Cadre id, unique.")
    name: str | None = Field(default=None, description="Display name (defaults to the id).")
    unit: Identifier | None = Field(default=None, description="Home unit id, or null for none.")
    mode: Mode | None = Field(
        default=None,
        description="seconded (full time in the community) or dual (keeps the unit job); required with a unit.",
    )
    communities: list[Identifier] = Field(min_length=1, description="Community ids the cadre may serve (non-empty).")
    skills: list[Identifier] = Field(default_factory=list, description="Skills the cadre holds.")
    vulnerable: bool = Field(default=False, description="Never placed at a high-risk checkpoint.")
    unavailable: list[Unavailability] = Field(default_factory=list, description="Dates and shifts not available.")
    busy: list[BusyPeriod] = Field(default_factory=list, description="Busy periods (work periods).")
    requests: list[Request] = Field(default_factory=list, description="Wishes for duty on or off.")
    limits: Rules | None = Field(
        default=None,
        description="Personal limits: each key given replaces that rule's value (null lifts it).",
    )
    history: list[HistoryShift] = Field(
        default_factory=list, description="Shifts worked before the horizon, for rolling rules and rest."
    )
    contact: str | None = Field(default=None, description="Extension: phone or other contact for dispatch sheets.")

    @model_validator(mode="after")
    def _mode_with_unit(self) -> Cadre:
        if self.unit is not None and self.mode is None:
            raise ValueError(f"cadre {self.id!r} has a unit, so 'mode' (seconded or dual) is required")
        if self.unit is None and self.mode is not None:
            raise ValueError(f"cadre {self.id!r} has no unit, so 'mode' must be absent")
        return self


class StandbyOverride(Contract):
    community: Identifier | None = Field(default=None, description="Community id; missing matches all.")
    shifts: list[Identifier] | None = Field(default=None, description="Shift ids; missing matches all.")
    weekdays: list[Weekday] = Field(default_factory=list, description="Weekdays; empty matches all.")
    dates: list[Day] = Field(default_factory=list, description="Dates; empty matches all.")
    count: Count = Field(description="Standby cadres asked for where this override matches.")


class Standby(Contract):
    per_community: Count = Field(default=0, description="Standby cadres per community, day and shift.")
    overrides: list[StandbyOverride] = Field(
        default_factory=list, description="Exceptions; the last matching override wins."
    )
    load_factor: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.25, description="Share of standby hours counted as load for fairness."
    )


ObjectivePart = Literal["coverage", "standby", "target", "fairness", "requests", "continuity"]
OBJECTIVE_PARTS: tuple[str, ...] = ("coverage", "standby", "target", "fairness", "requests", "continuity")


class RiskWeights(Contract):
    low: NonNegativeWeight = Field(default=1, description="Weight of a shortfall at a low-risk checkpoint.")
    medium: NonNegativeWeight = Field(default=2, description="Weight at a medium-risk checkpoint.")
    high: NonNegativeWeight = Field(default=4, description="Weight at a high-risk checkpoint.")


class LoadWeights(Contract):
    night: NonNegativeWeight = Field(default=1.5, description="Load multiplier of a night duty hour.")
    high_risk: NonNegativeWeight = Field(
        default=1.25, description="Load multiplier of a high-risk duty hour (multiplies with night)."
    )


class Objective(Contract):
    mode: Literal["lexicographic", "weighted"] = Field(
        default="lexicographic", description="lexicographic (section 5 order) or weighted sum."
    )
    weights: dict[ObjectivePart, NonNegativeWeight] = Field(
        default_factory=dict,
        description="Weighted mode: weight of each part (parts left out weigh 0). Lexicographic mode: "
        "relative weights of requests and continuity, which share the last stage (default 1 each).",
    )
    risk_weights: RiskWeights = Field(default_factory=RiskWeights, description="Shortfall weight by risk.")
    load_weights: LoadWeights = Field(default_factory=LoadWeights, description="Load multipliers.")


class Instance(Contract):
    name: str | None = Field(default=None, description="Free text name of the instance.")
    horizon: Horizon = Field(description="The planning period.")
    shifts: list[Shift] = Field(description="Shift types ([] means none).")
    communities: list[Community] = Field(description="Communities and villages.")
    checkpoints: list[Checkpoint] = Field(description="Checkpoints to staff.")
    units: list[Unit] = Field(default_factory=list, description="Home units.")
    cadres: list[Cadre] = Field(description="Sunk cadres.")
    rules: Rules = Field(default_factory=Rules, description="Limits for everybody.")
    standby: Standby = Field(default_factory=Standby, description="Standby substitutes asked for.")
    objective: Objective = Field(default_factory=Objective, description="What is optimised.")
