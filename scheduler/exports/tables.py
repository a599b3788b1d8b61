"""The views of a roster as pandas DataFrames, built once and shared by the csv, xlsx and HTML writers.

Every frame has internal column keys (``cadre``, ``date`` ...) or slot labels; :func:`localised` turns the
keys into the headers people read. Cells hold plain values; the writers neutralise and style them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from models.instance import Cadre, Checkpoint, DemandRule, Instance, Shift
from models.loading import InputError
from models.references import Issue
from models.roster import Roster, Shortfall, StandbyShortfall
from scheduler.exports.i18n import label, weekday_name
from scheduler.model.calendar import (
    clock_minutes,
    demand_rule_matches,
    fairness_group,
    horizon_dates,
    period_minutes,
    shift_minutes,
    shift_start,
    standby_wanted,
)
from scheduler.model.calendar import unit_workday as is_unit_workday

logger = logging.getLogger(__name__)

DAY_MINUTES = 1440
CADRE_METRIC_KEYS = (
    "duty_shifts",
    "duty_hours",
    "nights",
    "weekend_shifts",
    "high_risk_shifts",
    "standby_shifts",
    "standby_hours",
    "days_off",
    "longest_work_streak",
    "available_days",
    "load",
)
GROUP_METRIC_KEYS = ("cadres", "gini", "cv", "max_min", "jain", "at_limit", "mean_load")
UNIT_METRIC_KEYS = ("cadres", "duty_hours", "duty_share", "cadre_share", "most_away", "max_away")
COVERAGE_KEYS = ("min_coverage", "person_coverage", "skill_coverage", "target_coverage", "standby_coverage",
                 "shortfalls")
# max rules whose being filled exactly signals strain (a 12-hour shift filling max_hours_per_day does not)
BURNOUT_RULES = (
    "max_consecutive_work_days",
    "max_hours_per_7_days",
    "max_duty_hours_per_7_days",
    "max_night_shifts_per_7_days",
    "max_consecutive_nights",
    "max_total_hours",
    "max_weekends",
)
# The burnout watch list (see Strain): each sign of strain scores 1 point at its "clear" value.
ORDINARY_STREAK, CLEAR_STREAK = 3, 6  # work days in a row
CLEAR_LOAD_RATIO = 1.5  # load against the group's mean load
ORDINARY_NIGHTS, CLEAR_NIGHTS = 1, 3  # night duties in the worst 7 days
WATCH_STRAIN = 1.0  # one clear sign: on the watch list
RELIEF_STRAIN = 2.0  # two clear signs, or one far beyond clear: needs relief first
TOTAL_KEYS = ("min_coverage", "person_coverage", "skill_coverage", "target_coverage", "standby_coverage", "shortfalls",
              "standby_shortfalls", "duty_hours")

# cell flags the writers colour
SHORT = "short"
NO_DEMAND = "none"
DUTY = "duty"
STANDBY = "standby"
UNIT_HOURS = "unit"
OFF = "off"
OVER = "over"
TITLE = "title"


@dataclass
class View:
    """A table to write: ``frame`` with its first ``keys`` columns identifying the row, optional
    ``slots`` (one per data column, ``(date, shift id or None)``) and cell ``flags`` keyed by
    ``(row position, column position)``."""

    frame: pd.DataFrame
    keys: int
    slots: list[tuple[date, str | None]] | None = None
    flags: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """A duty or standby of one cadre."""

    kind: str
    cadre: str
    day: date
    shift: str
    place: str  # checkpoint id for duty, community id for standby


def _demand_rule(checkpoint: Checkpoint, day: date, shift_id: str) -> DemandRule | None:
    """The rule that applies (SEMANTICS.md, Demand): dated rules override undated ones."""
    matching = [rule for rule in checkpoint.demand if demand_rule_matches(rule, day, shift_id)]
    dated = [rule for rule in matching if rule.dates]
    chosen = dated or matching
    return chosen[0] if chosen else None


def roster_reference_issues(instance: Instance, roster: Roster) -> list[Issue]:
    """Every id or date of the roster that the instance does not know, with its JSON path."""
    cadres = {cadre.id for cadre in instance.cadres}
    shifts = {shift.id for shift in instance.shifts}
    checkpoints = {checkpoint.id for checkpoint in instance.checkpoints}
    communities = {community.id for community in instance.communities}
    first, last = instance.horizon.start, instance.horizon.start + timedelta(days=instance.horizon.days - 1)
    issues: list[Issue] = []

    def check(path: str, kind: str, value: str, known: set[str]) -> None:
        if value not in known and len(issues) < 50:
            issues.append(Issue(path, f"unknown {kind} {value!r} (not in the instance)"))

    def check_day(path: str, value: date) -> None:
        if not first <= value <= last and len(issues) < 50:
            issues.append(Issue(path, f"date {value.isoformat()} is outside the horizon {first} to {last}"))

    for index, duty in enumerate(roster.assignments):
        check(f"assignments[{index}].cadre", "cadre", duty.cadre, cadres)
        check(f"assignments[{index}].shift", "shift", duty.shift, shifts)
        check(f"assignments[{index}].checkpoint", "checkpoint", duty.checkpoint, checkpoints)
        check_day(f"assignments[{index}].date", duty.date)
    for index, standby in enumerate(roster.standby):
        check(f"standby[{index}].cadre", "cadre", standby.cadre, cadres)
        check(f"standby[{index}].shift", "shift", standby.shift, shifts)
        check(f"standby[{index}].community", "community", standby.community, communities)
        check_day(f"standby[{index}].date", standby.date)
    return issues


class ExportData:
    """An instance and its roster indexed for the views; ``lang`` is the language of labels."""

    def __init__(self, instance: Instance, roster: Roster, lang: str = "en", source: str = "roster") -> None:
        issues = roster_reference_issues(instance, roster)
        if issues:
            raise InputError(source, issues)
        self.instance = instance
        self.roster = roster
        self.lang = lang
        self.dates: list[date] = horizon_dates(instance.horizon)
        self.shifts: dict[str, Shift] = {shift.id: shift for shift in instance.shifts}
        self.shift_order = list(self.shifts)
        self.communities = {community.id: community for community in instance.communities}
        self.checkpoints = {checkpoint.id: checkpoint for checkpoint in instance.checkpoints}
        self.units = {unit.id: unit for unit in instance.units}
        self.cadres: dict[str, Cadre] = {cadre.id: cadre for cadre in instance.cadres}
        self._position = {cadre_id: index for index, cadre_id in enumerate(self.cadres)}
        names: dict[str, int] = defaultdict(int)
        for cadre in instance.cadres:
            names[cadre.name or cadre.id] += 1
        self._shared_names = {name for name, count in names.items() if count > 1}
        self.duty_cells: dict[tuple[str, date, str], list[str]] = defaultdict(list)
        self.standby_cells: dict[tuple[str, date, str], list[str]] = defaultdict(list)
        self.entries: dict[str, dict[date, list[Entry]]] = defaultdict(lambda: defaultdict(list))
        for duty in roster.assignments:
            self.duty_cells[(duty.checkpoint, duty.date, duty.shift)].append(duty.cadre)
            self.entries[duty.cadre][duty.date].append(Entry(DUTY, duty.cadre, duty.date, duty.shift, duty.checkpoint))
        for standby in roster.standby:
            self.standby_cells[(standby.community, standby.date, standby.shift)].append(standby.cadre)
            self.entries[standby.cadre][standby.date].append(
                Entry(STANDBY, standby.cadre, standby.date, standby.shift, standby.community)
            )
        for by_day in self.entries.values():
            for items in by_day.values():
                items.sort(key=lambda entry: shift_start(self.shifts[entry.shift]))
        self.shortfalls: dict[tuple[str, date, str], Shortfall] = {
            (item.checkpoint, item.date, item.shift): item for item in roster.shortfalls
        }
        self.standby_shortfalls: dict[tuple[str, date, str], StandbyShortfall] = {
            (item.community, item.date, item.shift): item for item in roster.standby_shortfalls
        }
        self.metrics = self._metrics()
        self._reached: dict[str, set[str]] | None = None
        # Why the limits reached could not be computed (the watch list then lacks them and says so).
        self.reached_problem: str | None = None

    # ----- small helpers -------------------------------------------------------------------------------

    def _metrics(self) -> dict[str, Any]:
        metrics = dict(self.roster.metrics)
        if not metrics.get("cadres") and self.instance.cadres:
            from scheduler.checker import evaluate

            logger.info("roster has no metrics; recomputing them with the checker")
            metrics = evaluate(self.instance, self.roster.assignments, self.roster.standby).metrics
        return metrics

    def t(self, key: str, **values: object) -> str:
        return label(self.lang, key, **values)

    def cadre_label(self, cadre_id: str) -> str:
        """The cadre's name; with the id when another cadre has the same name."""
        cadre = self.cadres.get(cadre_id)
        name = (cadre.name if cadre else None) or cadre_id
        return f"{name} ({cadre_id})" if name in self._shared_names and name != cadre_id else name

    def cadre_name(self, cadre_id: str) -> str:
        cadre = self.cadres.get(cadre_id)
        return (cadre.name if cadre else None) or cadre_id

    def shift_name(self, shift_id: str) -> str:
        shift = self.shifts.get(shift_id)
        return (shift.name if shift else None) or shift_id

    def shift_time(self, shift_id: str) -> str:
        shift = self.shifts[shift_id]
        return f"{shift.start}–{shift.end}"

    def community_name(self, community_id: str | None) -> str:
        return _display_name(self.communities, community_id)

    def checkpoint_name(self, checkpoint_id: str) -> str:
        return _display_name(self.checkpoints, checkpoint_id)

    def unit_name(self, unit_id: str | None) -> str:
        return _display_name(self.units, unit_id)

    def weekday(self, day: date) -> str:
        return weekday_name(self.lang, day.weekday())

    def names(self, cadre_ids: list[str]) -> str:
        separator = "、" if self.lang == "zh" else ", "
        return separator.join(self.cadre_label(cadre_id) for cadre_id in sorted(cadre_ids, key=self._cadre_order))

    def _cadre_order(self, cadre_id: str) -> int:
        return self._position.get(cadre_id, len(self._position))

    def slots(self) -> list[tuple[date, str]]:
        return [(day, shift_id) for day in self.dates for shift_id in self.shift_order]

    def slot_label(self, day: date, shift_id: str | None) -> str:
        text = f"{day.isoformat()} {self.weekday(day)}"
        return f"{text} {self.shift_name(shift_id)}" if shift_id else text

    def demand(self, checkpoint_id: str, day: date, shift_id: str) -> DemandRule | None:
        return _demand_rule(self.checkpoints[checkpoint_id], day, shift_id)

    def standby_wanted(self, community_id: str, day: date, shift_id: str) -> int:
        return standby_wanted(self.instance.standby, community_id, day, shift_id)

    def unit_workday(self, cadre: Cadre, day: date) -> bool:
        """A dual cadre's unit workday that is not wholly unavailable."""
        if cadre.mode != "dual" or cadre.unit is None or cadre.unit not in self.units:
            return False
        if not is_unit_workday(self.units[cadre.unit], day):
            return False
        return not self.wholly_unavailable(cadre, day)

    def wholly_unavailable(self, cadre: Cadre, day: date) -> bool:
        every = set(self.shifts)
        return any(
            item.date == day and (item.shifts is None or every <= set(item.shifts)) for item in cadre.unavailable
        )

    def busy_on(self, cadre: Cadre, day: date) -> bool:
        return any(period.start.date() == day for period in cadre.busy)

    def entry_text(self, entry: Entry, *, times: bool = False) -> str:
        shift = self.shift_name(entry.shift)
        if times:
            shift = f"{shift} {self.shift_time(entry.shift)}"
        if entry.kind == DUTY:
            return f"{shift} @ {self.checkpoint_name(entry.place)}"
        return f"{self.t('standby')} {shift} @ {self.community_name(entry.place)}"

    def day_cell(self, cadre: Cadre, day: date, *, times: bool = False) -> tuple[str, str]:
        """What a cadre does on a day, and its flag: duty/standby entries, else unit, busy, unavailable, off."""
        items = self.entries.get(cadre.id, {}).get(day, [])
        if items:
            text = "; ".join(self.entry_text(entry, times=times) for entry in items)
            return text, DUTY if any(entry.kind == DUTY for entry in items) else STANDBY
        if self.unit_workday(cadre, day):
            return self.t("unit_hours"), UNIT_HOURS
        if self.busy_on(cadre, day):
            return self.t("busy"), UNIT_HOURS
        if self.wholly_unavailable(cadre, day):
            return self.t("unavailable"), OFF
        return self.t("off"), OFF

    # ----- views ---------------------------------------------------------------------------------------

    def long(self) -> pd.DataFrame:
        """One row per duty or standby."""
        rows = []
        for kind, items in ((DUTY, self.roster.assignments), (STANDBY, self.roster.standby)):
            for item in items:
                cadre = self.cadres[item.cadre]
                shift = self.shifts[item.shift]
                if kind == DUTY:
                    checkpoint_id = item.checkpoint  # type: ignore[union-attr]
                    checkpoint = self.checkpoints[checkpoint_id]
                    community_id = checkpoint.community
                    risk = self.t(checkpoint.risk)
                else:
                    checkpoint_id, community_id, risk = "", item.community, ""  # type: ignore[union-attr]
                rows.append(
                    {
                        "kind": self.t(kind),
                        "date": item.date.isoformat(),
                        "weekday": self.weekday(item.date),
                        "shift": item.shift,
                        "shift_name": self.shift_name(item.shift),
                        "start": shift.start,
                        "end": shift.end,
                        "hours": round(shift_minutes(shift) / 60, 2),
                        "cadre": item.cadre,
                        "cadre_name": self.cadre_name(item.cadre),
                        "unit": cadre.unit or "",
                        "unit_name": self.unit_name(cadre.unit),
                        "community": community_id,
                        "community_name": self.community_name(community_id),
                        "checkpoint": checkpoint_id,
                        "checkpoint_name": self.checkpoint_name(checkpoint_id) if checkpoint_id else "",
                        "risk": risk,
                        "contact": cadre.contact or "",
                        "_order": (item.date, shift_start(shift), kind != DUTY, community_id, checkpoint_id,
                                   self._cadre_order(item.cadre)),
                    }
                )
        rows.sort(key=lambda row: row["_order"])
        columns = ["kind", "date", "weekday", "shift", "shift_name", "start", "end", "hours", "cadre", "cadre_name",
                   "unit", "unit_name", "community", "community_name", "checkpoint", "checkpoint_name", "risk",
                   "contact"]
        return pd.DataFrame([{key: row[key] for key in columns} for row in rows], columns=columns)

    def checkpoints_by_community(self) -> list[tuple[str, list[Checkpoint]]]:
        grouped: dict[str, list[Checkpoint]] = defaultdict(list)
        for checkpoint in self.instance.checkpoints:
            grouped[checkpoint.community].append(checkpoint)
        return [(community.id, grouped.get(community.id, [])) for community in self.instance.communities]

    def by_checkpoint(self) -> View:
        """Rows: checkpoints grouped by community and a standby row per community; columns: day × shift."""
        slots = self.slots()
        rows: list[list[Any]] = []
        flags: dict[tuple[int, int], str] = {}
        keys = 5
        for community_id, checkpoints in self.checkpoints_by_community():
            for checkpoint in checkpoints:
                row: list[Any] = [community_id, self.community_name(community_id), checkpoint.id,
                                  self.checkpoint_name(checkpoint.id), self.t(checkpoint.risk)]
                for column, (day, shift_id) in enumerate(slots, start=keys):
                    cadres = self.duty_cells.get((checkpoint.id, day, shift_id), [])
                    text = self.names(cadres)
                    shortfall = self.shortfalls.get((checkpoint.id, day, shift_id))
                    if shortfall is not None:
                        missing = max(shortfall.min - shortfall.assigned, 0) or sum(shortfall.skills_missing.values())
                        mark = f"[{self.t('short', n=missing)}]"
                        text = f"{text} {mark}" if text else mark
                        flags[(len(rows), column)] = SHORT
                    elif not cadres and self.demand(checkpoint.id, day, shift_id) is None:
                        flags[(len(rows), column)] = NO_DEMAND
                    row.append(text)
                rows.append(row)
            row = [community_id, self.community_name(community_id), "", self.t("standby_row"), ""]
            for column, (day, shift_id) in enumerate(slots, start=keys):
                cadres = self.standby_cells.get((community_id, day, shift_id), [])
                text = self.names(cadres)
                shortfall_sb = self.standby_shortfalls.get((community_id, day, shift_id))
                if shortfall_sb is not None:
                    mark = f"[{self.t('short', n=shortfall_sb.count - shortfall_sb.assigned)}]"
                    text = f"{text} {mark}" if text else mark
                    flags[(len(rows), column)] = SHORT
                else:
                    flags[(len(rows), column)] = STANDBY
                row.append(text)
            rows.append(row)
        columns = ["community", "community_name", "checkpoint", "checkpoint_name", "risk"]
        columns += [self.slot_label(day, shift_id) for day, shift_id in slots]
        return View(pd.DataFrame(rows, columns=columns), keys, list(slots), flags)

    def by_cadre(self) -> View:
        """Rows: cadres; columns: dates; cells: shift @ checkpoint, standby, unit or off."""
        rows: list[list[Any]] = []
        flags: dict[tuple[int, int], str] = {}
        keys = 5
        for cadre in self.instance.cadres:
            row: list[Any] = [cadre.id, self.cadre_name(cadre.id), self.unit_name(cadre.unit),
                              self.t(fairness_group(cadre)), cadre.contact or ""]
            for column, day in enumerate(self.dates, start=keys):
                text, flag = self.day_cell(cadre, day)
                flags[(len(rows), column)] = flag
                row.append(text)
            rows.append(row)
        columns = ["cadre", "cadre_name", "unit_name", "group", "contact"]
        columns += [self.slot_label(day, None) for day in self.dates]
        return View(pd.DataFrame(rows, columns=columns), keys, [(day, None) for day in self.dates], flags)

    def away_peak(self, unit_id: str, day: date) -> int | None:
        """Most of the unit's cadres on duty or standby at one moment inside its hours on ``day``
        (None when ``day`` is not a unit workday). Candidate moments: the start of the hours and every
        shift start inside them (SEMANTICS.md, max_away)."""
        unit = self.units[unit_id]
        if not is_unit_workday(unit, day):
            return None
        offset = (day - self.dates[0]).days * DAY_MINUTES
        begin = offset + clock_minutes(unit.hours.start)
        end = begin + period_minutes(unit.hours.start, unit.hours.end)
        periods: list[tuple[int, int, str]] = []
        for cadre in self.instance.cadres:
            if cadre.unit != unit_id:
                continue
            for near in (day - timedelta(days=1), day, day + timedelta(days=1)):
                for entry in self.entries.get(cadre.id, {}).get(near, []):
                    shift = self.shifts[entry.shift]
                    start = (near - self.dates[0]).days * DAY_MINUTES + shift_start(shift)
                    periods.append((start, start + shift_minutes(shift), cadre.id))
        moments = {begin, *(start for start, _, _ in periods if begin <= start < end)}
        return max(len({cadre for start, stop, cadre in periods if start <= moment < stop}) for moment in moments)

    def by_unit(self) -> View:
        """For each home unit: its cadres by date (duty and standby with times), then the most away at once."""
        rows: list[list[Any]] = []
        flags: dict[tuple[int, int], str] = {}
        keys = 5
        unit_metrics = self.metrics.get("units", {})
        for unit in self.instance.units:
            members = [cadre for cadre in self.instance.cadres if cadre.unit == unit.id]
            for cadre in members:
                row: list[Any] = [unit.id, self.unit_name(unit.id), cadre.id, self.cadre_name(cadre.id),
                                  self.t(fairness_group(cadre))]
                for column, day in enumerate(self.dates, start=keys):
                    text, flag = self.day_cell(cadre, day, times=True)
                    flags[(len(rows), column)] = flag
                    row.append(text)
                rows.append(row)
            limit = unit.max_away
            figures = unit_metrics.get(unit.id, {})
            most = figures.get("most_away")
            summary = f"{self.t('max_away')} {limit if limit is not None else '–'}"
            if most is not None:
                summary = f"{most} / {summary}"
            row = [unit.id, self.unit_name(unit.id), "", self.t("most_away"), summary]
            flags[(len(rows), 3)] = TITLE
            for column, day in enumerate(self.dates, start=keys):
                peak = self.away_peak(unit.id, day)
                if peak is None:
                    row.append("")
                    flags[(len(rows), column)] = NO_DEMAND
                    continue
                row.append(peak if limit is None else f"{peak} / {limit}")
                flags[(len(rows), column)] = OVER if limit is not None and peak > limit else TITLE
            rows.append(row)
        columns = ["unit", "unit_name", "cadre", "cadre_name", "group"]
        columns += [self.slot_label(day, None) for day in self.dates]
        return View(pd.DataFrame(rows, columns=columns), keys, [(day, None) for day in self.dates], flags)

    def dispatch(self, day: date) -> View:
        """The dispatch sheet of a day: checkpoint and shift → names and contacts; standby per community."""
        rows: list[list[Any]] = []
        flags: dict[tuple[int, int], str] = {}
        for community_id, checkpoints in self.checkpoints_by_community():
            for checkpoint in checkpoints:
                for shift_id in self.shift_order:
                    cadres = self.duty_cells.get((checkpoint.id, day, shift_id), [])
                    rule = self.demand(checkpoint.id, day, shift_id)
                    if rule is None and not cadres:
                        continue
                    shortfall = self.shortfalls.get((checkpoint.id, day, shift_id))
                    status = ""
                    if shortfall is not None:
                        missing = max(shortfall.min - shortfall.assigned, 0) or sum(shortfall.skills_missing.values())
                        status = self.t("short", n=missing)
                        flags[(len(rows), 6)] = SHORT
                    rows.append([self.community_name(community_id), self.checkpoint_name(checkpoint.id),
                                 self.t(checkpoint.risk), f"{self.shift_name(shift_id)} {self.shift_time(shift_id)}",
                                 self.names(cadres), self._contacts(cadres), status])
            for shift_id in self.shift_order:
                cadres = self.standby_cells.get((community_id, day, shift_id), [])
                wanted = self.standby_wanted(community_id, day, shift_id)
                if not cadres and not wanted:
                    continue
                shortfall_sb = self.standby_shortfalls.get((community_id, day, shift_id))
                status = ""
                if shortfall_sb is not None:
                    status = self.t("short", n=shortfall_sb.count - shortfall_sb.assigned)
                    flags[(len(rows), 6)] = SHORT
                flags[(len(rows), 1)] = STANDBY
                rows.append([self.community_name(community_id), self.t("standby_row"), "",
                             f"{self.shift_name(shift_id)} {self.shift_time(shift_id)}", self.names(cadres),
                             self._contacts(cadres), status])
        columns = ["community_name", "checkpoint_name", "risk", "shift", "names", "contacts", "status"]
        return View(pd.DataFrame(rows, columns=columns), 2, None, flags)

    def dispatch_all(self) -> pd.DataFrame:
        """Every day's dispatch sheet, one after the other, with the date in front."""
        frames = []
        for day in self.dates:
            frame = self.dispatch(day).frame
            frame.insert(0, "weekday", self.weekday(day))
            frame.insert(0, "date", day.isoformat())
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _contacts(self, cadre_ids: list[str]) -> str:
        separator = "; "
        found = [
            f"{self.cadre_label(cadre_id)} {self.cadres[cadre_id].contact}"
            for cadre_id in sorted(cadre_ids, key=self._cadre_order)
            if self.cadres[cadre_id].contact
        ]
        return separator.join(found)

    @property
    def has_contacts(self) -> bool:
        return any(cadre.contact for cadre in self.instance.cadres)

    # ----- metrics -------------------------------------------------------------------------------------

    def cadre_metrics(self) -> pd.DataFrame:
        """Per-cadre service record and load (roster.metrics.cadres) with names."""
        figures = self.metrics.get("cadres", {})
        rows = []
        for cadre in self.instance.cadres:
            values = figures.get(cadre.id, {})
            row: dict[str, Any] = {"cadre": cadre.id, "cadre_name": self.cadre_name(cadre.id),
                                   "unit_name": self.unit_name(cadre.unit), "group": self.t(fairness_group(cadre))}
            row.update({key: values.get(key) for key in CADRE_METRIC_KEYS})
            rows.append(row)
        return pd.DataFrame(rows, columns=["cadre", "cadre_name", "unit_name", "group", *CADRE_METRIC_KEYS])

    def group_metrics(self) -> pd.DataFrame:
        rows = [{"group": self.t(group), **{key: values.get(key) for key in GROUP_METRIC_KEYS}}
                for group, values in self.metrics.get("groups", {}).items()]
        return pd.DataFrame(rows, columns=["group", *GROUP_METRIC_KEYS])

    def unit_metrics(self) -> pd.DataFrame:
        rows = [{"unit": unit_id, "unit_name": self.unit_name(unit_id), **{key: values.get(key)
                                                                           for key in UNIT_METRIC_KEYS}}
                for unit_id, values in self.metrics.get("units", {}).items()]
        return pd.DataFrame(rows, columns=["unit", "unit_name", *UNIT_METRIC_KEYS])

    def community_metrics(self) -> pd.DataFrame:
        rows = [{"community": community_id, "community_name": self.community_name(community_id),
                 **{key: values.get(key) for key in COVERAGE_KEYS}}
                for community_id, values in self.metrics.get("communities", {}).items()]
        return pd.DataFrame(rows, columns=["community", "community_name", *COVERAGE_KEYS])

    def totals(self) -> pd.DataFrame:
        totals = self.metrics.get("totals", {})
        return pd.DataFrame([{"figure": self.t(key), "value": totals.get(key)} for key in TOTAL_KEYS],
                            columns=["figure", "value"])

    def shortfall_table(self) -> pd.DataFrame:
        rows = []
        for item in self.roster.shortfalls:
            checkpoint = self.checkpoints.get(item.checkpoint)
            community_id = checkpoint.community if checkpoint else None
            rows.append({"date": item.date.isoformat(), "shift": self.shift_name(item.shift),
                         "community_name": self.community_name(community_id),
                         "checkpoint": item.checkpoint, "checkpoint_name": self.checkpoint_name(item.checkpoint),
                         "min": item.min, "target": item.target, "assigned": item.assigned,
                         "skills_missing": ", ".join(f"{skill} {count}"
                                                     for skill, count in item.skills_missing.items()),
                         "reason": item.reason})
        return pd.DataFrame(rows, columns=["date", "shift", "community_name", "checkpoint", "checkpoint_name", "min",
                                           "target", "assigned", "skills_missing", "reason"])

    def standby_shortfall_table(self) -> pd.DataFrame:
        rows = [{"date": item.date.isoformat(), "shift": self.shift_name(item.shift), "community": item.community,
                 "community_name": self.community_name(item.community), "count": item.count,
                 "assigned": item.assigned, "reason": item.reason}
                for item in self.roster.standby_shortfalls]
        return pd.DataFrame(rows, columns=["date", "shift", "community", "community_name", "count", "assigned",
                                           "reason"])

    # ----- burnout watch -------------------------------------------------------------------------------

    def reached_limits(self) -> dict[str, set[str]]:
        """The burnout-relevant max rules each cadre's roster fills exactly (the checker's ``at_limit``
        reading, less per-day and shift-type limits)."""
        if self._reached is None:
            self._reached = {}
            try:
                from scheduler.checker.context import context_for
                from scheduler.checker.rules import cadre_findings
                from scheduler.checker.timeline import build_timeline, index_roster

                ctx = context_for(self.instance)
                index = index_roster(ctx, self.roster.assignments, self.roster.standby)
                for cadre_id, facts in ctx.cadres.items():
                    held = index.of(cadre_id)
                    timeline = build_timeline(ctx, facts, held.duties, held.standbys)
                    _, reached = cadre_findings(ctx, timeline)
                    strain = set(reached) & set(BURNOUT_RULES)
                    if strain:
                        self._reached[cadre_id] = strain
            except Exception as error:  # the watch list is a reading aid; never fail an export over it
                self._reached = {}
                self.reached_problem = f"{type(error).__name__}: {error}"
                logger.warning("could not read the limits reached from the checker (%s); the watch list shows "
                               "the other signals only and says so", self.reached_problem, exc_info=True)
        return self._reached

    def nights_in_7_days(self, cadre: Cadre) -> int:
        """The most night duties of ``cadre`` in any 7-day window ending inside the horizon (history
        night duties before the horizon count, as they do for the rules)."""
        start = self.dates[0]
        nights: dict[int, int] = defaultdict(int)
        for worked in cadre.history:
            shift = self.shifts.get(worked.shift)
            if worked.kind == "duty" and shift is not None and shift.night:
                nights[(worked.date - start).days] += 1
        for when, items in self.entries.get(cadre.id, {}).items():
            nights[(when - start).days] += sum(1 for entry in items if entry.kind == DUTY
                                               and self.shifts[entry.shift].night)
        return max((sum(nights.get(day - back, 0) for back in range(7)) for day in range(len(self.dates))),
                   default=0)

    def strain(self, cadre: Cadre) -> Strain | None:
        """How strained ``cadre`` is by the roster (None without available days); see :class:`Strain`."""
        values = self.metrics.get("cadres", {}).get(cadre.id)
        if not values or not values.get("available_days"):
            return None
        mean = self.metrics.get("groups", {}).get(fairness_group(cadre), {}).get("mean_load") or 0.0
        load = float(values.get("load") or 0.0)
        return Strain(streak=int(values.get("longest_work_streak") or 0), load=load,
                      load_ratio=load / mean if mean > 0 else 1.0, nights_7=self.nights_in_7_days(cadre))

    def watch_list(self) -> pd.DataFrame:
        """Cadres showing strain (score >= :data:`WATCH_STRAIN`), most strained first; the column
        ``needs_relief`` marks those at or above :data:`RELIEF_STRAIN`."""
        reached = self.reached_limits()
        rows = []
        for cadre in self.instance.cadres:
            strain = self.strain(cadre)
            if strain is None or strain.score < WATCH_STRAIN:
                continue
            signals = []  # the signs that add to the score
            if strain.streak_part > 0:
                signals.append(self.t("sig_streak", n=strain.streak))
            if strain.no_day_off:
                signals.append(self.t("no_day_off"))
            if strain.load_part > 0:
                signals.append(self.t("high_load", ratio=strain.load_ratio))
            if strain.nights_part > 0:
                signals.append(self.t("nights_week", n=strain.nights_7))
            values = self.metrics["cadres"][cadre.id]
            rows.append({"cadre": cadre.id, "cadre_name": self.cadre_name(cadre.id),
                         "unit_name": self.unit_name(cadre.unit), "group": self.t(fairness_group(cadre)),
                         "strain": round(strain.score, 2), "signals": "; ".join(signals),
                         "longest_work_streak": strain.streak, "nights": values.get("nights"),
                         "load": round(strain.load, 2), "days_off": values.get("days_off"),
                         "duty_hours": values.get("duty_hours"),
                         "limits_reached": ", ".join(sorted(reached.get(cadre.id, ()))),
                         "needs_relief": strain.score >= RELIEF_STRAIN, "_score": strain.score})
        rows.sort(key=lambda row: (-row["_score"], self._position[row["cadre"]]))
        columns = ["cadre", "cadre_name", "unit_name", "group", "strain", "signals", "longest_work_streak", "nights",
                   "load", "days_off", "duty_hours", "limits_reached", "needs_relief"]
        return pd.DataFrame([{key: row[key] for key in columns} for row in rows], columns=columns)


@dataclass(frozen=True)
class Strain:
    """A cadre's strain from the roster, as a score that adds one point for each clear sign of it:

    * the longest work streak: 0 up to :data:`ORDINARY_STREAK` days, 1 at :data:`CLEAR_STREAK` (a week
      with a single day off), linear between and beyond;
    * no day off in some 7 days (a streak of 7 or more): 1 more (the field's burnout story);
    * load against the group's mean: 0 at the mean or below, 1 at :data:`CLEAR_LOAD_RATIO` times it;
    * night duties in the worst 7 days: 0 up to :data:`ORDINARY_NIGHTS`, 1 at :data:`CLEAR_NIGHTS`.

    Limits reached exactly are not strain by themselves (a solver fills limits as a matter of course)."""

    streak: int
    load: float
    load_ratio: float
    nights_7: int

    @property
    def no_day_off(self) -> bool:
        return self.streak >= 7

    @property
    def streak_part(self) -> float:
        return max(0.0, (self.streak - ORDINARY_STREAK) / (CLEAR_STREAK - ORDINARY_STREAK))

    @property
    def load_part(self) -> float:
        return max(0.0, (self.load_ratio - 1.0) / (CLEAR_LOAD_RATIO - 1.0))

    @property
    def nights_part(self) -> float:
        return max(0.0, (self.nights_7 - ORDINARY_NIGHTS) / (CLEAR_NIGHTS - ORDINARY_NIGHTS))

    @property
    def score(self) -> float:
        return self.streak_part + (1.0 if self.no_day_off else 0.0) + self.load_part + self.nights_part


def localised(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame with its internal column keys turned into headers people read (slot labels stay)."""
    return frame.rename(columns={column: label(lang, column) for column in frame.columns
                                 if isinstance(column, str) and column in _COLUMN_KEYS})


_COLUMN_KEYS = {
    "kind", "date", "weekday", "shift", "shift_name", "start", "end", "hours", "cadre", "cadre_name", "unit",
    "unit_name", "mode", "group", "community", "community_name", "checkpoint", "checkpoint_name", "risk", "names",
    "contacts", "contact", "status", "min", "target", "assigned", "skills_missing", "reason", "count", "figure",
    "value", "limits_reached", "signals", "strain", "needs_relief",
    *CADRE_METRIC_KEYS, *GROUP_METRIC_KEYS, *UNIT_METRIC_KEYS, *COVERAGE_KEYS,
}


def _display_name(known: Mapping[str, Any], item_id: str | None) -> str:
    """An item's display name: its ``name`` when it has one, else its id ("" for none)."""
    if item_id is None:
        return ""
    item = known.get(item_id)
    return getattr(item, "name", None) or item_id
