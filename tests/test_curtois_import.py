"""The Curtois benchmark importer: parsing, malformed files, conversion, benchmark objective and rules."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import pytest

from models.instance import Instance
from models.loading import parse_instance
from scheduler.model.calendar import effective_rules, shift_minutes
from scheduler.sources.curtois import (
    BENCHMARK_START,
    CurtoisData,
    CurtoisFormatError,
    RosterValue,
    curtois_objective,
    curtois_objective_parts,
    curtois_violations,
    parse_curtois,
    roster_from_assignments,
    to_instance,
)

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "curtois"

# FORMAT.md section 1: (days, staff, shift types) of Instance1..24.
SIZES: dict[int, tuple[int, int, int]] = {
    1: (14, 8, 1),
    2: (14, 14, 2),
    3: (14, 20, 3),
    4: (28, 10, 2),
    5: (28, 16, 2),
    6: (28, 18, 3),
    7: (28, 20, 3),
    8: (28, 30, 4),
    9: (28, 36, 4),
    10: (28, 40, 5),
    11: (28, 50, 6),
    12: (28, 60, 10),
    13: (28, 120, 18),
    14: (42, 32, 4),
    15: (42, 45, 6),
    16: (56, 20, 3),
    17: (56, 32, 4),
    18: (84, 22, 3),
    19: (84, 40, 5),
    20: (182, 50, 6),
    21: (182, 100, 8),
    22: (364, 50, 10),
    23: (364, 100, 16),
    24: (364, 150, 32),
}

needs_benchmarks = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason=f"benchmark folder {BENCHMARKS} not present")


def _text(number: int) -> str:
    return (BENCHMARKS / f"Instance{number}.txt").read_bytes().decode("ascii")


def _lf_lines(number: int) -> list[str]:
    return _text(number).replace("\r\n", "\n").split("\n")


def _line_of(lines: list[str], content: str) -> int:
    """1-based number of the first line equal to ``content``."""
    return lines.index(content) + 1


_CACHE: dict[int, CurtoisData] = {}


def _data(number: int) -> CurtoisData:
    if number not in _CACHE:
        _CACHE[number] = parse_curtois(_text(number))
    return _CACHE[number]


# ------------------------------------------------------------------------------------------- parsing


@needs_benchmarks
@pytest.mark.parametrize("number", sorted(SIZES))
def test_counts_match_format_table(number: int) -> None:
    data = _data(number)
    days, staff, shift_types = SIZES[number]
    assert (data.horizon, len(data.staff), len(data.shifts)) == (days, staff, shift_types)
    assert len(data.cover) == days * shift_types
    assert data.cover[-1].day == days - 1
    assert {row.weight_under for row in data.cover} == {100}
    assert {row.weight_over for row in data.cover} == {1}
    assert {request.weight for request in data.on_requests + data.off_requests} <= {1, 2, 3}
    assert {shift.length for shift in data.shifts} <= {480, 600, 720}


@needs_benchmarks
def test_instance24_days_off_and_request_counts() -> None:
    data = _data(24)
    assert sum(len(days) for days in data.days_off.values()) == 5400
    assert len(data.on_requests) + len(data.off_requests) == 13809


@needs_benchmarks
def test_instance1_content() -> None:
    data = _data(1)
    assert data.shift_ids == ["D"]
    assert data.shifts[0].length == 480 and data.shifts[0].forbidden_next == ()
    first = data.staff[0]
    assert first.id == "A" and first.max_shifts == {"D": 14}
    assert (first.max_total_minutes, first.min_total_minutes) == (4320, 3360)
    assert (first.max_consecutive_shifts, first.min_consecutive_shifts) == (5, 2)
    assert (first.min_consecutive_days_off, first.max_weekends) == (2, 1)
    assert data.days_off["A"] == [0]
    assert len(data.on_requests) == 21 and len(data.off_requests) == 5
    assert sum(request.weight for request in data.on_requests) == 37
    assert sum(row.requirement for row in data.cover) == 71


@needs_benchmarks
def test_forbidden_successions_read() -> None:
    data = _data(24)
    assert data.shift("a4").forbidden_next[:3] == ("a1", "a2", "a3")
    assert data.shift("a1").forbidden_next == ()
    assert data.shift("n6").forbidden_next[-2:] == ("n3", "n6")


@needs_benchmarks
@pytest.mark.parametrize("number", [1, 7, 13])
def test_crlf_and_lf_give_the_same_result(number: int) -> None:
    crlf = _text(number)
    assert "\r\n" in crlf
    lf = crlf.replace("\r\n", "\n")
    assert parse_curtois(crlf) == parse_curtois(lf)
    assert parse_curtois(lf.rstrip("\n")) == parse_curtois(lf)  # no final line break
    assert parse_curtois(lf.replace("SECTION_HORIZON\n", "\nSECTION_HORIZON\n", 1)) == parse_curtois(lf)


# ---------------------------------------------------------------------------------------- malformed


def _error(text: str) -> CurtoisFormatError:
    with pytest.raises(CurtoisFormatError) as caught:
        parse_curtois(text)
    error = caught.value
    assert isinstance(error, Exception)
    assert str(error).startswith(f"line {error.line}: ")
    return error


def _replace_line(lines: list[str], number: int, new: str) -> str:
    changed = list(lines)
    changed[number - 1] = new
    return "\n".join(changed)


@needs_benchmarks
def test_truncated_inside_the_cover_section() -> None:
    lines = _lf_lines(1)
    cut = _line_of(lines, "9,D,4,100,1")
    error = _error("\n".join(lines[:cut]))
    assert error.line == cut
    assert "none for day 10 shift 'D'" in error.message


@needs_benchmarks
def test_truncated_inside_a_line() -> None:
    lines = _lf_lines(1)
    cut = _line_of(lines, "9,D,4,100,1")
    error = _error("\n".join(lines[: cut - 1] + ["9,D,4,10"]))
    assert error.line == cut
    assert "5 comma-separated fields" in error.message


@needs_benchmarks
def test_truncated_before_the_cover_section() -> None:
    lines = _lf_lines(1)
    cut = _line_of(lines, "SECTION_COVER") - 2  # the last off request, before the blank line
    error = _error("\r\n".join(lines[:cut]))
    assert error.line == cut
    assert "SECTION_COVER" in error.message


@needs_benchmarks
def test_bad_integer_names_its_line() -> None:
    lines = _lf_lines(1)
    number = _line_of(lines, "C,D=14,4320,3360,5,2,2,1")
    error = _error(_replace_line(lines, number, "C,D=14,43x0,3360,5,2,2,1"))
    assert error.line == number
    assert "MaxTotalMinutes" in error.message and "'43x0'" in error.message


@needs_benchmarks
def test_unknown_shift_in_cover_names_its_line() -> None:
    lines = _lf_lines(1)
    number = _line_of(lines, "3,D,4,100,1")
    error = _error(_replace_line(lines, number, "3,X,4,100,1"))
    assert error.line == number
    assert "unknown shift type 'X'" in error.message


@needs_benchmarks
def test_wrong_field_count_names_its_line() -> None:
    lines = _lf_lines(1)
    number = _line_of(lines, "E,D=14,4320,3360,5,2,2,1")
    error = _error(_replace_line(lines, number, "E,D=14,4320,3360,5,2,2"))
    assert error.line == number
    assert "8 comma-separated fields" in error.message and "found 7" in error.message


@needs_benchmarks
def test_crlf_line_numbers_are_the_same() -> None:
    lines = _lf_lines(1)
    number = _line_of(lines, "3,D,4,100,1")
    error = _error(_replace_line(lines, number, "3,X,4,100,1").replace("\n", "\r\n"))
    assert error.line == number


@needs_benchmarks
@pytest.mark.parametrize(
    ("original", "replacement", "fragment"),
    [
        ("A,2,D,2", "Z,2,D,2", "unknown employee 'Z'"),
        ("A,2,D,2", "A,14,D,2", "outside the horizon"),
        ("A,2,D,2", "A,-1,D,2", "at least 0"),
        ("C,12,D,1", "C,12,N,1", "unknown shift type 'N'"),
        ("A,0", "A,0,99", "outside the horizon"),
        ("A,0", "A", "EmployeeID,day"),
        ("D,480,", "D,480,X", "unknown shift type in the Forbidden list"),
        ("D,480,", "D,480", "3 comma-separated fields"),
        ("D,480,", "D,0,", "at least 1"),
        ("14", "fourteen", "must be an integer"),
        ("B,D=14,4320,3360,5,2,2,1", "B,E=14,4320,3360,5,2,2,1", "unknown shift type in MaxShifts"),
        ("B,D=14,4320,3360,5,2,2,1", "A,D=14,4320,3360,5,2,2,1", "listed twice"),
        ("B,D=14,4320,3360,5,2,2,1", "B,D14,4320,3360,5,2,2,1", "ShiftID=count"),
        ("5,D,5,100,1", "4,D,5,100,1", "a second cover row for day 4"),
        ("SECTION_DAYS_OFF", "SECTION_HOLIDAYS", "unknown section keyword"),
        ("SECTION_DAYS_OFF", "SECTION_COVER", "expected section SECTION_DAYS_OFF"),
    ],
)
def test_malformed_line(original: str, replacement: str, fragment: str) -> None:
    lines = _lf_lines(1)
    number = _line_of(lines, original)
    error = _error(_replace_line(lines, number, replacement))
    assert error.line == number
    assert fragment in error.message


@needs_benchmarks
def test_data_after_a_blank_line_is_outside_any_section() -> None:
    lines = _lf_lines(1)
    number = _line_of(lines, "B,5")
    changed = [*lines[: number - 1], "", *lines[number - 1 :]]
    error = _error("\n".join(changed))
    assert error.line == number + 1
    assert "outside any section" in error.message


def test_empty_text_is_an_error() -> None:
    error = _error("")
    assert "SECTION_HORIZON" in error.message


# --------------------------------------------------------------------------------------- conversion


@needs_benchmarks
def test_all_conversions_validate_quickly() -> None:
    seconds: dict[int, float] = {}
    for number in sorted(SIZES):
        data = _data(number)
        document = json.loads(json.dumps(to_instance(data, f"Instance{number}")))
        began = time.perf_counter()
        instance = parse_instance(document, f"Instance{number}")
        seconds[number] = time.perf_counter() - began
        assert instance.horizon.days == data.horizon
        assert [cadre.id for cadre in instance.cadres] == data.staff_ids
    print("validation seconds:", {number: round(value, 3) for number, value in seconds.items()})
    assert sum(seconds.values()) < 30


def _applying_rule(instance: Instance) -> dict[tuple[date, str], tuple[float, float, float, float]]:
    """(date, shift) -> (min, target, under, over) of the rule that applies there (SEMANTICS: Demand)."""
    applying: dict[tuple[date, str], tuple[float, float, float, float]] = {}
    (checkpoint,) = instance.checkpoints
    for rule in checkpoint.demand:
        assert rule.dates and not rule.weekdays and rule.shifts is not None and rule.max is None
        for day in rule.dates:
            for shift_id in rule.shifts:
                assert (day, shift_id) not in applying, "two dated rules match one day and shift"
                applying[day, shift_id] = (rule.min, rule.target, rule.under_weight, rule.over_weight)
    return applying


@needs_benchmarks
@pytest.mark.parametrize("number", sorted(SIZES))
def test_every_cover_row_has_exactly_its_rule(number: int) -> None:
    data = _data(number)
    instance = Instance.model_validate(to_instance(data, f"Instance{number}"))
    expected = {
        (BENCHMARK_START + timedelta(days=row.day), row.shift): (0, row.requirement, row.weight_under, row.weight_over)
        for row in data.cover
    }
    assert _applying_rule(instance) == expected


@needs_benchmarks
@pytest.mark.parametrize("number", [1, 2, 8])
def test_one_rule_per_row_is_the_same_demand(number: int) -> None:
    data = _data(number)
    grouped = parse_instance(to_instance(data, "grouped"))
    per_row = parse_instance(to_instance(data, "per row", group_cover=False))
    assert len(per_row.checkpoints[0].demand) == len(data.cover)
    assert len(grouped.checkpoints[0].demand) < len(data.cover)
    assert _applying_rule(grouped) == _applying_rule(per_row)


@needs_benchmarks
@pytest.mark.parametrize("number", sorted(SIZES))
def test_staff_limits_days_off_and_requests(number: int) -> None:
    data = _data(number)
    instance = Instance.model_validate(to_instance(data, f"Instance{number}"))  # references: test above
    assert instance.horizon.start.weekday() == 0
    assert {shift.id: shift_minutes(shift) for shift in instance.shifts} == {s.id: s.length for s in data.shifts}
    assert all(shift.start == "00:00" and not shift.night for shift in instance.shifts)
    assert instance.rules.min_rest_hours is None
    assert sorted(instance.rules.forbidden_successions or []) == sorted(
        (shift.id, following) for shift in data.shifts for following in shift.forbidden_next
    )
    assert instance.standby.per_community == 0
    assert instance.objective.mode == "weighted"
    assert {part: weight for part, weight in instance.objective.weights.items() if weight} == {
        "target": 1,
        "requests": 1,
    }
    for member, cadre in zip(data.staff, instance.cadres, strict=True):
        rules = effective_rules(instance, cadre)
        assert cadre.unit is None and cadre.mode is None
        assert rules.max_shifts_by_type == member.max_shifts
        assert rules.max_total_hours is not None and rules.min_total_hours is not None
        assert round(rules.max_total_hours * 60) == member.max_total_minutes
        assert round(rules.min_total_hours * 60) == member.min_total_minutes
        assert rules.prorate_min_total_hours is False
        assert rules.max_consecutive_work_days == member.max_consecutive_shifts
        assert rules.min_consecutive_work_days == member.min_consecutive_shifts
        assert rules.min_consecutive_days_off == member.min_consecutive_days_off
        assert rules.max_weekends == member.max_weekends
        assert rules.max_duty_shifts_per_day == 1
        assert [(entry.date - BENCHMARK_START).days for entry in cadre.unavailable] == data.days_off.get(member.id, [])
        assert all(entry.shifts is None for entry in cadre.unavailable)
        mine = sorted(
            ((request.date - BENCHMARK_START).days, request.shift, request.kind, request.weight)
            for request in cadre.requests
        )
        theirs = sorted(
            [(r.day, r.shift, "on", r.weight) for r in data.on_requests if r.employee == member.id]
            + [(r.day, r.shift, "off", r.weight) for r in data.off_requests if r.employee == member.id]
        )
        assert mine == theirs


def _our_weighted_objective(instance: Instance, roster: dict[tuple[str, int], str]) -> float:
    """``target`` + ``requests`` as SEMANTICS.md defines them, read from the converted instance alone."""
    start = instance.horizon.start
    duty = {(cadre, start + timedelta(days=day), shift) for (cadre, day), shift in roster.items()}
    target = 0.0
    for (day, shift_id), (_, wanted, under, over) in _applying_rule(instance).items():
        assigned = sum(1 for cadre in instance.cadres if (cadre.id, day, shift_id) in duty)
        target += under * max(0, wanted - assigned) + over * max(0, assigned - wanted)
    requests = 0.0
    for cadre in instance.cadres:
        for request in cadre.requests:
            on_duty = (cadre.id, request.date, request.shift) in duty
            if on_duty != (request.kind == "on"):
                requests += request.weight
    weights = instance.objective.weights
    return weights.get("target", 0) * target + weights.get("requests", 0) * requests


@needs_benchmarks
@pytest.mark.parametrize("number", [1, 2, 3, 5, 8])
def test_converted_objective_equals_benchmark_objective(number: int) -> None:
    data = _data(number)
    instance = parse_instance(to_instance(data, f"Instance{number}"))
    generator = random.Random(number)
    for density in (0.0, 0.3, 0.7, 1.0):
        roster = {
            (member.id, day): generator.choice(data.shift_ids)
            for member in data.staff
            for day in range(data.horizon)
            if generator.random() < density
        }
        assert _our_weighted_objective(instance, roster) == curtois_objective(data, roster)


def test_minutes_that_are_not_whole_hours_survive() -> None:
    text = SMALL.replace("T,D=3|N=2,2880,960,", "T,D=3|N=2,2890,1001,")
    data = parse_curtois(text)
    instance = parse_instance(to_instance(data, "odd minutes"))
    rules = effective_rules(instance, instance.cadres[0])
    assert rules.max_total_hours is not None and rules.min_total_hours is not None
    assert (round(rules.max_total_hours * 60), round(rules.min_total_hours * 60)) == (2890, 1001)


def test_to_instance_refuses_what_the_format_cannot_hold() -> None:
    data = parse_curtois(SMALL)
    with pytest.raises(ValueError, match="Monday"):
        to_instance(data, "x", start=date(2024, 1, 2))
    with pytest.raises(ValueError, match="366"):
        to_instance(CurtoisData(horizon=371, shifts=data.shifts, staff=data.staff), "x")


# ------------------------------------------------------------------------- benchmark objective, rules


@needs_benchmarks
def test_hand_checks_on_instance1() -> None:
    data = _data(1)
    assert curtois_objective(data, {}) == 7137
    assert curtois_objective_parts(data, {}) == {"S1": 37, "S2": 0, "S3": 7100}
    (only_shift,) = data.shift_ids
    assert only_shift == "D"
    worked = {("A", 2): only_shift, ("A", 3): only_shift}
    assert curtois_objective(data, worked) == 6933
    rules = {violation.rule for violation in curtois_violations(data, worked)}
    assert rules == {"H5"}  # nobody reaches MinTotalMinutes; A's two-day run is long enough


@needs_benchmarks
def test_roster_from_assignments() -> None:
    data = _data(1)
    assignments = [
        {"cadre": "A", "date": "2024-01-03", "shift": "D", "checkpoint": "ward"},
        {"cadre": "A", "date": "2024-01-04", "shift": "D", "checkpoint": "ward"},
    ]
    roster = roster_from_assignments(assignments)
    assert roster == {("A", 2): ["D"], ("A", 3): ["D"]}
    assert curtois_objective(data, roster) == 6933


# A small instance for the hard rules: 14 days (day 0 a Monday), shifts D and N, N may not precede D.
SMALL = """# small test instance
SECTION_HORIZON
14

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
D,480,
N,720,D

SECTION_STAFF
T,D=3|N=2,2880,960,3,2,2,1
U,D=14|N=0,6720,0,14,1,1,2

SECTION_DAYS_OFF
T,6

SECTION_SHIFT_ON_REQUESTS
T,0,N,2

SECTION_SHIFT_OFF_REQUESTS
U,1,D,3

SECTION_COVER
""" + "".join(f"{day},{shift},1,100,1\n" for day in range(14) for shift in ("D", "N"))


def _rules_broken(roster: Mapping[tuple[str, int], RosterValue]) -> list[tuple[str, str | None, int | None]]:
    return [(v.rule, v.employee, v.day) for v in curtois_violations(parse_curtois(SMALL), roster)]


def test_feasible_small_roster() -> None:
    roster = {("T", day): "D" for day in (1, 2)} | {("T", 8): "N", ("T", 9): "N"}
    roster |= {("U", 0): "D"}
    assert _rules_broken(roster) == []


def test_each_hard_rule() -> None:
    base = {("T", 1): "D", ("T", 2): "D", ("T", 8): "N", ("T", 9): "N"}
    assert ("H1", "U", 3) in _rules_broken(base | {("U", 3): ["D", "N"]})
    assert ("H2", "T", 10) in _rules_broken(base | {("T", 10): "D"})
    assert ("H3", "T", None) in _rules_broken(base | {("T", 3): "D", ("T", 11): "D"})
    assert ("H3", "U", None) in _rules_broken(base | {("U", 4): "N"})
    assert ("H4", "T", None) in _rules_broken(base | {("T", 3): "N"})
    assert ("H5", "T", None) in _rules_broken({("T", 1): "D"})
    assert ("H6", "T", 0) in _rules_broken(base | {("T", 0): "D", ("T", 3): "D"})
    assert ("H7", "T", 4) in _rules_broken(base | {("T", 4): "D"})
    assert ("H8", "T", 3) in _rules_broken(base | {("T", 4): "D", ("T", 5): "D", ("T", 3): None})
    assert ("H9", "T", None) in _rules_broken(base | {("T", 5): "D", ("T", 12): "D", ("T", 13): "D"})
    assert ("H10", "T", 6) in _rules_broken(base | {("T", 6): "D", ("T", 5): "D"})
    assert ("roster", "X", 0) in _rules_broken(base | {("X", 0): "D"})


def test_boundary_runs_are_exempt() -> None:
    # one-day runs touching day 0 or day 13 are fine for MinConsecutiveShifts 2 ...
    roster = {("T", 0): "D", ("T", 13): "D", ("T", 6): None, ("T", 8): "N", ("T", 9): "N"}
    assert _rules_broken(roster) == []
    # ... and a one-day run inside is not; a one-day break between work days breaks H8
    assert ("H7", "T", 11) in _rules_broken(roster | {("T", 11): "D"})
    assert ("H8", "T", 12) in _rules_broken(roster | {("T", 10): "D", ("T", 11): "D"})


def test_small_objective() -> None:
    data = parse_curtois(SMALL)
    assert curtois_objective(data, {}) == 28 * 100 + 2
    roster = {("T", 0): "N", ("U", 0): "N", ("U", 1): "D"}
    # day 0 N: 2 people (1 over), day 0 D missing, day 1 D ok, U's off-request broken, T's on-request met
    assert curtois_objective_parts(data, roster) == {"S1": 0, "S2": 3, "S3": 26 * 100 + 1}
