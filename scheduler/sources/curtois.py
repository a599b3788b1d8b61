"""The Curtois & Qu shift scheduling benchmark (Instance1..24, schedulingbenchmarks.org/nrp).

Three independent pieces, all following ``shared/benchmarks/curtois/FORMAT.md``:

* :func:`parse_curtois` reads the text format (CRLF or LF) into :class:`CurtoisData`, raising
  :class:`CurtoisFormatError` with the 1-based line number on malformed input;
* :func:`to_instance` turns it into a JSON-ready ``instance.json`` object (DESIGN.md section 3) that
  poses the same optimisation problem: its weighted objective (``target`` + ``requests``) equals the
  benchmark objective S1 + S2 + S3, and its hard rules are exactly H1..H10;
* :func:`curtois_objective` and :func:`curtois_violations` compute the benchmark objective and the
  hard constraints straight from the benchmark definition, without any of our own models, so that
  our solver and checker can be cross-checked against them.

Day ``d`` of the benchmark is ``start + d`` in the instance, with ``start`` a Monday (2024-01-01).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

SECTIONS: tuple[str, ...] = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
"""The seven sections of a file, in the order they must come."""

BENCHMARK_START = date(2024, 1, 1)
"""Date given to day 0 of an imported instance (a Monday, as the benchmark's day 0)."""

COMMUNITY_ID = "hospital"
CHECKPOINT_ID = "ward"

_INTEGER = re.compile(r"-?[0-9]+")
_IDENTIFIER = re.compile(r"[^\s,|=#]+")


class CurtoisFormatError(ValueError):
    """A malformed benchmark file; ``line`` is the 1-based line number where the problem is."""

    def __init__(self, line: int, message: str, source: str | None = None) -> None:
        self.line = line
        self.message = message
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}line {line}: {message}")


@dataclass(frozen=True)
class CurtoisShift:
    """A shift type: its id, its length in minutes and the shift types forbidden on the next day."""

    id: str
    length: int
    forbidden_next: tuple[str, ...] = ()


@dataclass(frozen=True)
class CurtoisStaff:
    """An employee line of ``SECTION_STAFF`` (minutes for the totals, days for the runs)."""

    id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class CurtoisRequest:
    """A shift-on or shift-off request: ``employee`` would like (not) to work ``shift`` on ``day``."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class CurtoisCover:
    """A cover row: ``requirement`` people wanted on ``day`` and ``shift``, with the deviation weights."""

    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass
class CurtoisData:
    """One benchmark instance as read from its file; ids and rows keep the file order."""

    horizon: int
    shifts: list[CurtoisShift]
    staff: list[CurtoisStaff]
    days_off: dict[str, list[int]] = field(default_factory=dict)
    on_requests: list[CurtoisRequest] = field(default_factory=list)
    off_requests: list[CurtoisRequest] = field(default_factory=list)
    cover: list[CurtoisCover] = field(default_factory=list)

    @property
    def shift_ids(self) -> list[str]:
        """Shift type ids in file order."""
        return [shift.id for shift in self.shifts]

    @property
    def staff_ids(self) -> list[str]:
        """Employee ids in file order."""
        return [member.id for member in self.staff]

    def shift(self, shift_id: str) -> CurtoisShift:
        """The shift type with this id (``KeyError`` if none)."""
        for shift in self.shifts:
            if shift.id == shift_id:
                return shift
        raise KeyError(shift_id)


# --------------------------------------------------------------------------------------------- parsing


@dataclass
class _Section:
    keyword: str
    line: int
    rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def last_line(self) -> int:
        return self.rows[-1][0] if self.rows else self.line


def _split_sections(text: str) -> dict[str, _Section]:
    """Cut the file into its seven sections; comments and blank lines are dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            current = None  # a blank line ends a section
            continue
        if line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise CurtoisFormatError(number, f"unknown section keyword {line!r}")
            if line in sections:
                raise CurtoisFormatError(
                    number, f"section {line} appears a second time (first at line {sections[line].line})"
                )
            expected = SECTIONS[len(sections)]
            if line != expected:
                raise CurtoisFormatError(number, f"expected section {expected} before {line}; it is missing")
            current = sections[line] = _Section(line, number)
            continue
        if current is None:
            where = f"after section {list(sections)[-1]}" if sections else "before SECTION_HORIZON"
            raise CurtoisFormatError(
                number, f"data line {line!r} outside any section ({where}; a blank line ends a section)"
            )
        current.rows.append((number, line))
    if len(sections) < len(SECTIONS):
        missing = ", ".join(keyword for keyword in SECTIONS if keyword not in sections)
        end = max(len(lines), 1)
        raise CurtoisFormatError(end, f"the file ends at line {len(lines)} without section(s) {missing}")
    return sections


def _fields(number: int, line: str, expected: int, what: str, layout: str) -> list[str]:
    parts = [part.strip() for part in line.split(",")]
    if len(parts) != expected:
        raise CurtoisFormatError(
            number, f"{what} needs {expected} comma-separated fields ({layout}), found {len(parts)}: {line!r}"
        )
    return parts


def _integer(number: int, text: str, what: str, minimum: int = 0) -> int:
    if not _INTEGER.fullmatch(text):
        raise CurtoisFormatError(number, f"{what} must be an integer, found {text!r}")
    value = int(text)
    if value < minimum:
        raise CurtoisFormatError(number, f"{what} must be at least {minimum}, found {value}")
    return value


def _identifier(number: int, text: str, what: str) -> str:
    if not _IDENTIFIER.fullmatch(text):
        raise CurtoisFormatError(number, f"{what} must be a non-empty id without spaces, ',', '|' or '=': {text!r}")
    return text


def _known(number: int, value: str, known: Collection[str], what: str) -> str:
    if value not in known:
        raise CurtoisFormatError(number, f"unknown {what} {value!r}")
    return value


def _day(number: int, text: str, horizon: int, what: str = "day") -> int:
    value = _integer(number, text, what)
    if value >= horizon:
        raise CurtoisFormatError(number, f"{what} {value} is outside the horizon (days 0 to {horizon - 1})")
    return value


def _parse_horizon(section: _Section) -> int:
    if not section.rows:
        raise CurtoisFormatError(section.line, "SECTION_HORIZON holds no horizon length")
    if len(section.rows) > 1:
        number, line = section.rows[1]
        raise CurtoisFormatError(number, f"SECTION_HORIZON holds one line only, found a second: {line!r}")
    number, line = section.rows[0]
    (text,) = _fields(number, line, 1, "the horizon", "number of days")
    return _integer(number, text, "the horizon length", minimum=1)


def _parse_shifts(section: _Section) -> list[CurtoisShift]:
    if not section.rows:
        raise CurtoisFormatError(section.line, "SECTION_SHIFTS lists no shift type")
    shifts: list[CurtoisShift] = []
    lines: dict[str, int] = {}
    for number, line in section.rows:
        shift_id, length, forbidden = _fields(number, line, 3, "a shift line", "ShiftID,LengthInMinutes,Forbidden")
        _identifier(number, shift_id, "the shift id")
        if shift_id in lines:
            raise CurtoisFormatError(
                number, f"shift type {shift_id!r} is defined twice (first at line {lines[shift_id]})"
            )
        lines[shift_id] = number
        following = (
            tuple(_identifier(number, item.strip(), "a forbidden next shift") for item in forbidden.split("|"))
            if forbidden
            else ()
        )
        shifts.append(CurtoisShift(shift_id, _integer(number, length, "the shift length", minimum=1), following))
    for shift in shifts:
        for following_id in shift.forbidden_next:
            _known(lines[shift.id], following_id, lines, f"shift type in the Forbidden list of {shift.id!r}:")
    return shifts


def _parse_max_shifts(number: int, text: str, shift_ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in text.split("|"):
        shift_id, equals, count = item.partition("=")
        if not equals:
            raise CurtoisFormatError(number, f"MaxShifts entry {item!r} must be written ShiftID=count")
        shift_id = _known(number, shift_id.strip(), shift_ids, "shift type in MaxShifts:")
        if shift_id in counts:
            raise CurtoisFormatError(number, f"MaxShifts gives shift type {shift_id!r} twice")
        counts[shift_id] = _integer(number, count.strip(), f"MaxShifts of shift type {shift_id!r}")
    missing = [shift_id for shift_id in shift_ids if shift_id not in counts]
    if missing:
        raise CurtoisFormatError(number, f"MaxShifts gives no count for shift type(s) {', '.join(missing)}")
    return {shift_id: counts[shift_id] for shift_id in shift_ids}


def _parse_staff(section: _Section, shift_ids: list[str]) -> list[CurtoisStaff]:
    if not section.rows:
        raise CurtoisFormatError(section.line, "SECTION_STAFF lists no employee")
    staff: list[CurtoisStaff] = []
    lines: dict[str, int] = {}
    layout = (
        "ID,MaxShifts,MaxTotalMinutes,MinTotalMinutes,MaxConsecutiveShifts,MinConsecutiveShifts,"
        "MinConsecutiveDaysOff,MaxWeekends"
    )
    names = layout.split(",")
    for number, line in section.rows:
        parts = _fields(number, line, 8, "a staff line", layout)
        employee = _identifier(number, parts[0], "the employee id")
        if employee in lines:
            raise CurtoisFormatError(number, f"employee {employee!r} is listed twice (first at line {lines[employee]})")
        lines[employee] = number
        values = [_integer(number, text, name) for text, name in zip(parts[2:], names[2:], strict=True)]
        staff.append(CurtoisStaff(employee, _parse_max_shifts(number, parts[1], shift_ids), *values))
    return staff


def _parse_days_off(section: _Section, staff_ids: Collection[str], horizon: int) -> dict[str, list[int]]:
    days_off: dict[str, set[int]] = {}
    for number, line in section.rows:
        parts = [part.strip() for part in line.split(",")]
        if len(parts) < 2:
            raise CurtoisFormatError(number, f"a days-off line needs EmployeeID,day[,day...], found {line!r}")
        employee = _known(number, parts[0], staff_ids, "employee")
        days_off.setdefault(employee, set()).update(_day(number, text, horizon) for text in parts[1:])
    return {employee: sorted(days) for employee, days in days_off.items()}


def _parse_requests(
    section: _Section, staff_ids: Collection[str], shift_ids: Collection[str], horizon: int, kind: str
) -> list[CurtoisRequest]:
    requests = []
    for number, line in section.rows:
        employee, day, shift_id, weight = _fields(
            number, line, 4, f"a shift-{kind} request", "EmployeeID,Day,ShiftID,Weight"
        )
        requests.append(
            CurtoisRequest(
                _known(number, employee, staff_ids, "employee"),
                _day(number, day, horizon),
                _known(number, shift_id, shift_ids, "shift type"),
                _integer(number, weight, "the request weight"),
            )
        )
    return requests


def _parse_cover(section: _Section, shift_ids: list[str], horizon: int) -> list[CurtoisCover]:
    cover: list[CurtoisCover] = []
    lines: dict[tuple[int, str], int] = {}
    for number, line in section.rows:
        day, shift_id, requirement, under, over = _fields(
            number, line, 5, "a cover row", "Day,ShiftID,Requirement,WeightUnder,WeightOver"
        )
        row = CurtoisCover(
            _day(number, day, horizon),
            _known(number, shift_id, shift_ids, "shift type"),
            _integer(number, requirement, "the requirement"),
            _integer(number, under, "the weight for under"),
            _integer(number, over, "the weight for over"),
        )
        key = (row.day, row.shift)
        if key in lines:
            raise CurtoisFormatError(
                number, f"a second cover row for day {row.day} shift {row.shift!r} (first at line {lines[key]})"
            )
        lines[key] = number
        cover.append(row)
    for day_index in range(horizon):
        for shift_id in shift_ids:
            if (day_index, shift_id) not in lines:
                raise CurtoisFormatError(
                    section.last_line,
                    f"SECTION_COVER has {len(cover)} rows, expected {horizon * len(shift_ids)}; "
                    f"none for day {day_index} shift {shift_id!r} (truncated file?)",
                )
    return cover


def parse_curtois(text: str) -> CurtoisData:
    """Read a benchmark file's text (CRLF or LF line endings) into :class:`CurtoisData`.

    Raises :class:`CurtoisFormatError` naming the line of the first problem: a missing, repeated or
    misplaced section, a wrong number of fields, a non-integer or negative number, an unknown shift
    type or employee, a day outside the horizon, a repeated id or cover row, or missing cover rows.
    """
    sections = _split_sections(text)
    horizon = _parse_horizon(sections["SECTION_HORIZON"])
    shifts = _parse_shifts(sections["SECTION_SHIFTS"])
    shift_ids = [shift.id for shift in shifts]
    staff = _parse_staff(sections["SECTION_STAFF"], shift_ids)
    staff_ids = {member.id for member in staff}
    return CurtoisData(
        horizon=horizon,
        shifts=shifts,
        staff=staff,
        days_off=_parse_days_off(sections["SECTION_DAYS_OFF"], staff_ids, horizon),
        on_requests=_parse_requests(sections["SECTION_SHIFT_ON_REQUESTS"], staff_ids, set(shift_ids), horizon, "on"),
        off_requests=_parse_requests(sections["SECTION_SHIFT_OFF_REQUESTS"], staff_ids, set(shift_ids), horizon, "off"),
        cover=_parse_cover(sections["SECTION_COVER"], shift_ids, horizon),
    )


# ------------------------------------------------------------------------------------------ conversion


def _clock(minutes: int) -> str:
    """``HH:MM`` of a length from midnight; a full day wraps to ``00:00`` (a 24-hour shift)."""
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _hours(minutes: int) -> int | float:
    """Hours for the instance file, checked to convert back exactly with ``round(hours * 60)``."""
    hours: int | float = minutes // 60 if minutes % 60 == 0 else minutes / 60
    if round(hours * 60) != minutes:
        raise ValueError(f"{minutes} minutes do not survive the conversion to hours ({hours!r})")
    return hours


def _cover_rules(data: CurtoisData, start: date, grouped: bool) -> list[dict[str, Any]]:
    """The checkpoint's demand rules: exactly one dated rule matches the day and shift of each cover row.

    ``grouped`` gives one rule per shift type and (requirement, weights) listing all its dates, else
    one rule per cover row. Both pose the same problem; the grouped form has far fewer rules (211
    instead of 11,648 on Instance24), which keeps validation fast.
    """
    order = {shift_id: index for index, shift_id in enumerate(data.shift_ids)}
    groups: dict[tuple[str, int, int, int, int], list[int]] = {}
    for position, row in enumerate(sorted(data.cover, key=lambda row: (order[row.shift], row.day))):
        key = (row.shift, row.requirement, row.weight_under, row.weight_over, 0 if grouped else position)
        groups.setdefault(key, []).append(row.day)
    return [
        {
            "shifts": [shift_id],
            "dates": [(start + timedelta(days=day)).isoformat() for day in days],
            "min": 0,
            "target": requirement,
            "under_weight": under,
            "over_weight": over,
        }
        for (shift_id, requirement, under, over, _), days in groups.items()
    ]


def _request_order(request: dict[str, Any]) -> tuple[str, str]:
    return (request["date"], request["kind"])


def to_instance(
    data: CurtoisData, name: str, *, start: date = BENCHMARK_START, group_cover: bool = True
) -> dict[str, Any]:
    """A JSON-ready ``instance.json`` object posing the same problem as ``data``.

    One community with one low-risk checkpoint whose dated demand rules are the cover rows
    (``min`` 0, ``target`` the requirement, the cover weights as under/over weights); shifts start at
    00:00 and last their length, so no shift overlaps the next day's and no rest rule is needed;
    forbidden successions are general rules; every employee becomes a cadre without unit whose
    ``limits`` carry H3..H9 (totals not pro-rated), whose days off are wholly unavailable days and
    whose requests keep their shift and weight. The objective is weighted: ``target`` + ``requests``,
    which is S3 + S1 + S2. Raises ``ValueError`` for what the instance format cannot hold (horizon
    over 366 days, a shift longer than a day, ``start`` not a Monday).
    """
    if start.weekday() != 0:
        raise ValueError(f"the benchmark's day 0 is a Monday; {start.isoformat()} is not")
    if data.horizon > 366:
        raise ValueError(f"a horizon of {data.horizon} days is longer than the 366 the instance format allows")

    def on(day: int) -> str:
        return (start + timedelta(days=day)).isoformat()

    shifts: list[dict[str, Any]] = []
    for shift in data.shifts:
        if shift.length > 24 * 60:
            raise ValueError(f"shift {shift.id!r} lasts {shift.length} minutes, longer than a day")
        shifts.append({"id": shift.id, "start": "00:00", "end": _clock(shift.length), "night": False})

    requests: dict[str, list[dict[str, Any]]] = {member.id: [] for member in data.staff}
    for kind, rows in (("on", data.on_requests), ("off", data.off_requests)):
        for request in rows:
            requests[request.employee].append(
                {"date": on(request.day), "shift": request.shift, "kind": kind, "weight": request.weight}
            )

    cadres: list[dict[str, Any]] = []
    for member in data.staff:
        cadres.append(
            {
                "id": member.id,
                "communities": [COMMUNITY_ID],
                "unavailable": [{"date": on(day)} for day in data.days_off.get(member.id, [])],
                "requests": sorted(requests[member.id], key=_request_order),
                "limits": {
                    "max_duty_shifts_per_day": 1,
                    "max_shifts_by_type": dict(member.max_shifts),
                    "max_total_hours": _hours(member.max_total_minutes),
                    "min_total_hours": _hours(member.min_total_minutes),
                    "prorate_min_total_hours": False,
                    "max_consecutive_work_days": member.max_consecutive_shifts,
                    "min_consecutive_work_days": member.min_consecutive_shifts,
                    "min_consecutive_days_off": member.min_consecutive_days_off,
                    "max_weekends": member.max_weekends,
                },
            }
        )

    return {
        "name": name,
        "horizon": {"start": start.isoformat(), "days": data.horizon},
        "shifts": shifts,
        "communities": [{"id": COMMUNITY_ID, "name": f"{name} (Curtois benchmark)"}],
        "checkpoints": [
            {
                "id": CHECKPOINT_ID,
                "name": "cover",
                "community": COMMUNITY_ID,
                "risk": "low",
                "demand": _cover_rules(data, start, group_cover),
            }
        ],
        "cadres": cadres,
        "rules": {
            "max_duty_shifts_per_day": 1,
            "forbidden_successions": [
                [shift.id, following] for shift in data.shifts for following in shift.forbidden_next
            ],
        },
        "standby": {"per_community": 0},
        "objective": {
            "mode": "weighted",
            "weights": {"coverage": 0, "standby": 0, "target": 1, "fairness": 0, "requests": 1, "continuity": 0},
        },
    }


# ------------------------------------------------------------------------- benchmark objective, rules

RosterValue = str | Collection[str] | None
"""What a roster gives an employee on a day: a shift id, several (an H1 violation) or none (off)."""


def _worked(roster: Mapping[tuple[str, int], RosterValue]) -> dict[tuple[str, int], list[str]]:
    worked: dict[tuple[str, int], list[str]] = {}
    for key, value in roster.items():
        if value is None:
            continue
        shifts = [value] if isinstance(value, str) else list(value)
        if shifts:
            worked[key] = shifts
    return worked


def roster_from_assignments(
    assignments: Iterable[Mapping[str, Any]], start: date = BENCHMARK_START
) -> dict[tuple[str, int], list[str]]:
    """``roster.json`` assignments (``cadre``, ``date``, ``shift``) as ``{(employee, day): [shifts]}``."""
    roster: dict[tuple[str, int], list[str]] = {}
    for item in assignments:
        when = item["date"] if isinstance(item["date"], date) else date.fromisoformat(str(item["date"]))
        roster.setdefault((str(item["cadre"]), (when - start).days), []).append(str(item["shift"]))
    return roster


def curtois_objective_parts(data: CurtoisData, roster: Mapping[tuple[str, int], RosterValue]) -> dict[str, int]:
    """S1 (shift-on requests), S2 (shift-off requests) and S3 (cover) of FORMAT.md for ``roster``."""
    worked = _worked(roster)
    on_penalty = sum(r.weight for r in data.on_requests if r.shift not in worked.get((r.employee, r.day), ()))
    off_penalty = sum(r.weight for r in data.off_requests if r.shift in worked.get((r.employee, r.day), ()))
    counts: dict[tuple[int, str], int] = {}
    for (_, day), shifts in worked.items():
        for shift_id in shifts:
            counts[day, shift_id] = counts.get((day, shift_id), 0) + 1
    cover_penalty = 0
    for row in data.cover:
        assigned = counts.get((row.day, row.shift), 0)
        cover_penalty += row.weight_under * max(0, row.requirement - assigned)
        cover_penalty += row.weight_over * max(0, assigned - row.requirement)
    return {"S1": on_penalty, "S2": off_penalty, "S3": cover_penalty}


def curtois_objective(data: CurtoisData, roster: Mapping[tuple[str, int], RosterValue]) -> int:
    """The benchmark objective S1 + S2 + S3 of ``roster`` (``{(employee, day): shift}``; missing = off)."""
    return sum(curtois_objective_parts(data, roster).values())


@dataclass(frozen=True)
class CurtoisViolation:
    """A broken hard constraint: ``rule`` is ``H1``..``H10`` or ``roster`` (an unknown id or day)."""

    rule: str
    employee: str | None
    day: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def _runs(flags: list[bool], value: bool) -> list[tuple[int, int]]:
    """Maximal runs ``(first day, length)`` of ``value`` in ``flags``."""
    runs = []
    day = 0
    while day < len(flags):
        if flags[day] == value:
            first = day
            while day < len(flags) and flags[day] == value:
                day += 1
            runs.append((first, day - first))
        else:
            day += 1
    return runs


def curtois_violations(data: CurtoisData, roster: Mapping[tuple[str, int], RosterValue]) -> list[CurtoisViolation]:
    """Every violation of the hard constraints H1..H10 of FORMAT.md by ``roster`` (empty when feasible).

    ``roster`` maps ``(employee, day)`` to a shift id, to a collection of shift ids (more than one
    breaks H1) or to ``None``; a missing key is a day off. Entries naming an unknown employee or shift,
    or a day outside the horizon, are reported with rule ``roster``.
    """
    horizon = data.horizon
    lengths = {shift.id: shift.length for shift in data.shifts}
    forbidden = {shift.id: set(shift.forbidden_next) for shift in data.shifts}
    staff_ids = set(data.staff_ids)
    worked = _worked(roster)
    found: list[CurtoisViolation] = []

    for (employee, day), shifts in sorted(worked.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        if employee not in staff_ids:
            found.append(CurtoisViolation("roster", employee, day, f"unknown employee {employee!r} on day {day}"))
        if not isinstance(day, int) or not 0 <= day < horizon:
            found.append(
                CurtoisViolation("roster", employee, None, f"{employee} works on day {day}, outside 0..{horizon - 1}")
            )
        for shift_id in shifts:
            if shift_id not in lengths:
                found.append(
                    CurtoisViolation("roster", employee, day, f"{employee} day {day}: unknown shift {shift_id!r}")
                )

    for member in data.staff:
        e = member.id
        days = [[s for s in worked.get((e, d), []) if s in lengths] for d in range(horizon)]
        working = [bool(shifts) for shifts in days]
        for d, shifts in enumerate(days):
            if len(shifts) > 1:
                found.append(CurtoisViolation("H1", e, d, f"{e} works {len(shifts)} shifts on day {d}: {shifts}"))
        for d in range(horizon - 1):
            for s in days[d]:
                for t in days[d + 1]:
                    if t in forbidden[s]:
                        found.append(CurtoisViolation("H2", e, d + 1, f"{e}: shift {t} on day {d + 1} follows {s}"))
        for s in data.shift_ids:
            count = sum(shifts.count(s) for shifts in days)
            if count > member.max_shifts[s]:
                found.append(
                    CurtoisViolation(
                        "H3", e, None, f"{e} works shift {s} {count} times, at most {member.max_shifts[s]}"
                    )
                )
        minutes = sum(lengths[s] for shifts in days for s in shifts)
        if minutes > member.max_total_minutes:
            found.append(
                CurtoisViolation("H4", e, None, f"{e} works {minutes} min, at most {member.max_total_minutes}")
            )
        if minutes < member.min_total_minutes:
            found.append(
                CurtoisViolation("H5", e, None, f"{e} works {minutes} min, at least {member.min_total_minutes}")
            )
        for first, length in _runs(working, True):
            if length > member.max_consecutive_shifts:
                found.append(
                    CurtoisViolation(
                        "H6",
                        e,
                        first,
                        f"{e} works {length} days in a row from day {first}, at most {member.max_consecutive_shifts}",
                    )
                )
            inside = first > 0 and first + length < horizon
            if inside and length < member.min_consecutive_shifts:
                found.append(
                    CurtoisViolation(
                        "H7",
                        e,
                        first,
                        f"{e} works {length} days in a row from day {first}, at least {member.min_consecutive_shifts}",
                    )
                )
        for first, length in _runs(working, False):
            inside = first > 0 and first + length < horizon
            if inside and length < member.min_consecutive_days_off:
                found.append(
                    CurtoisViolation(
                        "H8",
                        e,
                        first,
                        f"{e} is off {length} days in a row from day {first}, "
                        f"at least {member.min_consecutive_days_off}",
                    )
                )
        weekends = sum(
            1
            for saturday in range(5, horizon, 7)
            if working[saturday] or (saturday + 1 < horizon and working[saturday + 1])
        )
        if weekends > member.max_weekends:
            found.append(
                CurtoisViolation("H9", e, None, f"{e} works {weekends} weekends, at most {member.max_weekends}")
            )
        for d in data.days_off.get(e, []):
            if working[d]:
                found.append(CurtoisViolation("H10", e, d, f"{e} works on day {d}, a day off"))
    return found
