"""The capacity bound (scheduler.compose.capacity): hand-worked tiny cases, the bundled instances, generated
sub-districts, and a property test: the bound is never below what a solved roster covers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings

from models.instance import Instance
from models.loading import load_instance, parse_instance
from scheduler.checker import evaluate
from scheduler.compose.capacity import CapacityBound, capacity_report, capacity_warnings, demand_cells
from scheduler.compose.prechecks import presolve_warnings
from scheduler.model.calendar import Calendar
from scheduler.solver import solve
from scheduler.sources.generate import generate_instance
from tests.rules.helpers import OPTIONS, cadre, checkpoint, demand, instance, solve_checked
from tests.test_properties import SCALE, instances

ROOT = Path(__file__).resolve().parent.parent
D12 = {"id": "D", "start": "08:00", "end": "20:00"}
N12 = {"id": "N", "start": "20:00", "end": "08:00", "night": True}


def covered_minimum(loaded: Instance, assignments: list[Any]) -> int:
    """Cadre-shifts that count toward the minimum: min(on duty, min) summed over checkpoint-day-shifts."""
    calendar = Calendar(loaded)
    on_duty = Counter((item.checkpoint, calendar.day_of(item.date), item.shift) for item in assignments)
    return sum(min(on_duty[cell], rule.min) for cell, rule in calendar.demand.items())


def covered_skill(loaded: Instance, assignments: list[Any], skill: str) -> int:
    calendar = Calendar(loaded)
    skills = {member.id: set(member.skills) for member in loaded.cadres}
    holders = Counter(
        (item.checkpoint, calendar.day_of(item.date), item.shift) for item in assignments if skill in skills[item.cadre]
    )
    return sum(min(holders[cell], rule.skills.get(skill, 0)) for cell, rule in calendar.demand.items())


def test_a_shared_cadre_is_counted_once() -> None:
    # Communities A and B each ask 1 on shift D on each of 4 days: 8 cadre-shifts. Their only cadre, s,
    # may serve both, but holds one duty a day: 4. Each community alone could have all 4 of s's days,
    # so no single community is short; together they are short by 8 - 4 = 4.
    data = instance(
        [cadre("s", communities=["A", "B"])],
        days=4,
        communities=["A", "B"],
        checkpoints=[checkpoint("kA", "A"), checkpoint("kB", "B")],
    )
    report = capacity_report(parse_instance(data))
    assert (report.demand, report.bound, report.short) == (8, 4, 4)
    assert [(item.scope, item.communities, item.short) for item in report.shortages] == [
        ("communities", ("A", "B"), 4)
    ]
    solved = solve_checked(data)
    assert covered_minimum(solved.instance, solved.result.assignments) == 4  # the bound is reached


def test_a_weekly_hours_limit_binds_before_the_daily_one() -> None:
    # One cadre, 12-hour day shifts asked once a day for 7 days. max_hours_per_day 12 allows a shift every
    # day (7); max_hours_per_7_days 40 allows 40 / 12 = 3.33, so 3 duties: at least 4 of 7 uncovered.
    data = instance(
        [cadre("a")],
        days=7,
        shifts=[D12],
        rules={"max_hours_per_day": 12, "max_hours_per_7_days": 40},
    )
    report = capacity_report(parse_instance(data))
    assert (report.demand, report.bound) == (7, 3)
    solved = solve_checked(data)
    assert covered_minimum(solved.instance, solved.result.assignments) == 3
    # without the weekly limit the daily one alone leaves the whole week coverable: no warning
    data["rules"] = {"max_hours_per_day": 12}
    assert capacity_warnings(parse_instance(data)) == []


def test_runs_of_work_days() -> None:
    # max_consecutive_work_days 2 over 7 days: any 3 days in a row hold at most 2 work days, so days
    # 0-2 and 3-5 give at most 2 each, plus day 6: 5 of 7 (W W - W W - W reaches it).
    data = instance([cadre("a")], days=7, rules={"max_consecutive_work_days": 2})
    assert capacity_report(parse_instance(data)).bound == 5
    # two days off in every 7: 5 of 7
    data = instance([cadre("a")], days=7, rules={"min_days_off_per_7_days": 2})
    assert capacity_report(parse_instance(data)).bound == 5


def test_night_limits_bind_on_night_shifts() -> None:
    # One cadre, a 12-hour day and night shift, each asked once on 7 days (14). One duty a day: 7 at most.
    # max_night_shifts_per_7_days 2: of the 7 nights asked, at least 5 stay uncovered.
    data = instance(
        [cadre("a")],
        days=7,
        shifts=[D12, N12],
        rules={"max_night_shifts_per_7_days": 2},
    )
    report = capacity_report(parse_instance(data))
    assert (report.demand, report.bound) == (14, 7)
    night = [item for item in report.shortages if item.scope == "night"]
    assert [(item.demand, item.bound) for item in night] == [(7, 2)]


def test_a_skill_shortage_and_rest_after_a_night() -> None:
    # Shift D asks 1 with skill med on 3 days. The only med holder m is unavailable on day 1 and has a
    # history night ending 08:00 on day 0 with min_rest_hours 12: day 0 is closed too. Skill bound 1 of 3.
    # Plain cadre p covers the head count on every day, so only the skill is short.
    data = instance(
        [
            cadre("m", skills=["med"], unavailable=[{"date": "2024-01-02"}],
                  history=[{"date": "2023-12-31", "shift": "N"}]),
            cadre("p"),
        ],
        days=3,
        shifts=[{"id": "D", "start": "08:00", "end": "16:00"}, N12],
        checkpoints=[checkpoint(rules=[demand(1, skills={"med": 1}, shifts=["D"])])],
        rules={"min_rest_hours": 12},
    )
    report = capacity_report(parse_instance(data))
    assert report.short == 0
    assert [(item.scope, item.skill, item.demand, item.bound) for item in report.shortages] == [
        ("skill", "med", 3, 1)
    ]


def test_unit_max_away_and_unit_hours() -> None:
    # Unit u works mon-fri 09:00-17:00 with max_away 1; its three seconded cadres may all serve shift D
    # (08:00-16:00), asked 3 a day on Mon-Tue: on those unit workdays only 1 may be away, so 2 of 6.
    # A dual cadre of u would be at the unit then: adding one changes nothing.
    members = [cadre(f"s{index}", unit="u", mode="seconded") for index in range(3)]
    members.append(cadre("d", unit="u", mode="dual"))
    data = instance(
        members,
        days=2,
        checkpoints=[checkpoint(rules=[demand(3)])],
        units=[{"id": "u", "hours": {"start": "09:00", "end": "17:00"}, "max_away": 1}],
    )
    assert capacity_report(parse_instance(data)).bound == 2
    solved = solve_checked(data)
    assert covered_minimum(solved.instance, solved.result.assignments) == 2


@pytest.mark.parametrize("name", ["town.json", "one_community.json"])
def test_no_capacity_warning_on_the_bundled_instances(name: str) -> None:
    loaded = load_instance(ROOT / "instances" / name)
    assert capacity_warnings(loaded) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_sub_districts_warn(seed: int) -> None:
    loaded = parse_instance(generate_instance("subdistrict", seed, 7, None))
    report = capacity_report(loaded)
    assert report.short > 0
    warnings = presolve_warnings(loaded)
    assert any(f"at least {report.short} of the {report.demand} minimum cadre-shifts" in line for line in warnings)
    # sound: a solved roster covers no more than the bound
    result = solve(loaded, OPTIONS)
    assert covered_minimum(loaded, result.assignments) <= report.bound


@settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(instances())
def test_the_bound_is_never_below_a_solved_roster(data: dict[str, Any]) -> None:
    loaded = parse_instance(data)
    result = solve(loaded, OPTIONS)
    if result.status not in ("optimal", "feasible"):
        return
    assert evaluate(loaded, result.assignments, result.standby).violations == []
    report = capacity_report(loaded)
    covered = covered_minimum(loaded, result.assignments)
    assert covered <= report.bound
    event(f"bound below the minimum asked: {report.short > 0}")
    event(f"bound reached by the roster: {covered == report.bound}")
    calendar = Calendar(loaded)
    bound = CapacityBound(loaded, calendar)
    for skill in {skill for rule in calendar.demand.values() for skill in rule.skills}:
        cells = demand_cells(calendar, lambda k, d, s, skill=skill: calendar.demand[(k, d, s)].skills.get(skill, 0))
        holders = [member.id for member in loaded.cadres if skill in member.skills]
        assert covered_skill(loaded, result.assignments, skill) <= bound.bound(cells, holders) + 1e-6
