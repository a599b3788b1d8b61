"""Each cadre's work periods and per-day tallies, fixed facts and roster together.

A :class:`Timeline` holds the periods of one cadre (history, unit hours of a
dual cadre, busy periods, then the roster's duty and standby shifts) and, for
every day from ``-lookback`` to the last horizon day, two tallies: what the
fixed facts give alone and what everything gives together ("full").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models.roster import Assignment, StandbyAssignment
from scheduler.checker.context import BUSY, DUTY, STANDBY, UNIT, CheckedCadre, Context, Period
from scheduler.checker.findings import Finding


@dataclass(frozen=True, slots=True)
class DutyEntry:
    day: int
    shift: str
    checkpoint: str


@dataclass(frozen=True, slots=True)
class StandbyEntry:
    day: int
    shift: str
    community: str


@dataclass
class CadreRoster:
    duties: list[DutyEntry] = field(default_factory=list)
    standbys: list[StandbyEntry] = field(default_factory=list)


@dataclass
class RosterIndex:
    """The roster's entries by cadre, with the entries that cannot be read reported."""

    by_cadre: dict[str, CadreRoster]
    problems: list[Finding]

    def of(self, cadre_id: str) -> CadreRoster:
        return self.by_cadre.get(cadre_id) or CadreRoster()


def index_roster(ctx: Context, assignments: list[Assignment], standby: list[StandbyAssignment]) -> RosterIndex:
    """Group the roster by cadre; unknown ids, dates outside the horizon and exact duplicates are problems."""
    by_cadre: dict[str, CadreRoster] = {}
    problems: list[Finding] = []
    seen: set[tuple[str, str, int, str, str]] = set()

    def admit(kind: str, what: str, cadre: str, when: date, shift: str, place: str, known_place: bool) -> int | None:
        """The entry's day if it can be placed; otherwise record why not and return None."""
        unknown = _unknown_ids(ctx, cadre, shift)
        if not known_place:
            unknown.append(f"{'checkpoint' if kind == 'duty' else 'community'} {place!r}")
        if unknown:
            problems.append(Finding("unknown_id", cadre, f"{what} names unknown {', '.join(unknown)}"))
            return None
        day = ctx.day_of(when)
        if not ctx.in_horizon(day):
            problems.append(Finding("outside_horizon", cadre, f"{what} is dated outside the horizon"))
            return None
        if (kind, cadre, day, shift, place) in seen:
            problems.append(Finding("duplicate", cadre, f"{what} is listed twice"))
            return None
        seen.add((kind, cadre, day, shift, place))
        return day

    for position, duty in enumerate(assignments):
        what = (f"assignment {position} ({duty.cadre} on {duty.date.isoformat()} shift {duty.shift} "
                f"at {duty.checkpoint})")
        day = admit("duty", what, duty.cadre, duty.date, duty.shift, duty.checkpoint,
                    duty.checkpoint in ctx.checkpoints)
        if day is not None:
            by_cadre.setdefault(duty.cadre, CadreRoster()).duties.append(DutyEntry(day, duty.shift, duty.checkpoint))
    for position, entry in enumerate(standby):
        what = (f"standby {position} ({entry.cadre} on {entry.date.isoformat()} shift {entry.shift} "
                f"for {entry.community})")
        day = admit("standby", what, entry.cadre, entry.date, entry.shift, entry.community,
                    entry.community in ctx.communities)
        if day is not None:
            by_cadre.setdefault(entry.cadre, CadreRoster()).standbys.append(
                StandbyEntry(day, entry.shift, entry.community)
            )
    for roster in by_cadre.values():
        roster.duties.sort(key=lambda item: (item.day, ctx.shift_order.index(item.shift), item.checkpoint))
        roster.standbys.sort(key=lambda item: (item.day, ctx.shift_order.index(item.shift), item.community))
    return RosterIndex(by_cadre, problems)


def _unknown_ids(ctx: Context, cadre_id: str, shift_id: str) -> list[str]:
    unknown = []
    if cadre_id not in ctx.cadres:
        unknown.append(f"cadre {cadre_id!r}")
    if shift_id not in ctx.shifts:
        unknown.append(f"shift {shift_id!r}")
    return unknown


class Tally:
    """Per-day quantities over days ``lo .. days-1`` (index ``day - lo``)."""

    __slots__ = ("lo", "work", "hours", "duty_minutes", "duty_count", "night_count")

    def __init__(self, lo: int, days: int) -> None:
        size = days - lo
        self.lo = lo
        self.work = [False] * size
        self.hours = [0] * size
        self.duty_minutes = [0] * size
        self.duty_count = [0] * size
        self.night_count = [0] * size

    def add(self, period: Period) -> None:
        index = period.day - self.lo
        if index < 0 or index >= len(self.work):
            return
        self.work[index] = True
        if period.kind == DUTY:
            self.hours[index] += period.minutes
            self.duty_minutes[index] += period.minutes
            self.duty_count[index] += 1
            if period.night:
                self.night_count[index] += 1
        elif period.kind in (UNIT, BUSY):
            self.hours[index] += period.minutes


@dataclass
class Timeline:
    """One cadre's periods (sorted by start) and the fixed and full tallies."""

    facts: CheckedCadre
    periods: list[Period]
    fixed: Tally
    full: Tally
    duties: list[DutyEntry]
    standbys: list[StandbyEntry]

    @property
    def lo(self) -> int:
        return self.fixed.lo


def build_timeline(
    ctx: Context, facts: CheckedCadre, duties: list[DutyEntry], standbys: list[StandbyEntry]
) -> Timeline:
    """The timeline of a cadre holding ``duties`` and ``standbys`` (entries already inside the horizon)."""
    lo = -facts.lookback
    fixed = Tally(lo, ctx.days)
    full = Tally(lo, ctx.days)
    for period in facts.fixed_periods:
        fixed.add(period)
        full.add(period)
    roster_periods = []
    for duty in duties:
        period = ctx.shift_period(duty.day, duty.shift, DUTY, duty.checkpoint)
        roster_periods.append(period)
        full.add(period)
    for entry in standbys:
        period = ctx.shift_period(entry.day, entry.shift, STANDBY, entry.community)
        roster_periods.append(period)
        full.add(period)
    periods = sorted([*facts.fixed_periods, *roster_periods], key=lambda period: (period.start, period.end))
    return Timeline(facts, periods, fixed, full, duties, standbys)
