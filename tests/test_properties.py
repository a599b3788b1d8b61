"""Property tests: random small instances -> the solver's roster passes the independent checker, and on
instances small enough to enumerate, the coverage stage equals a brute-force optimum found with the checker.

The checker (``scheduler.checker``) is independent of the CP-SAT model, so enumerating every duty roster
(no standby) and keeping the ones ``evaluate`` finds violation-free is a real cross-check of stage 1.
On the tiniest instances every roster with standby is enumerated too, and the whole lexicographic
vector of stage values must equal the brute-force optimum.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from models.loading import parse_instance
from models.roster import Assignment, StandbyAssignment
from scheduler.checker import check, evaluate
from scheduler.compose.roster import compose_roster
from scheduler.model.calendar import WEEKDAY_NAMES, demand_rule_matches, standby_wanted
from scheduler.solver import SolveOptions, solve

OPTIONS = SolveOptions(time_limit=5, workers=1, seed=0, deterministic=True)
START = date(2024, 1, 1)  # a Monday; the drawn start moves it over the week

SHIFT_POOL = [
    {"id": "D", "start": "08:00", "end": "16:00"},
    {"id": "N", "start": "20:00", "end": "08:00", "night": True},  # crosses midnight
    {"id": "E", "start": "16:00", "end": "00:00"},
    {"id": "L", "start": "12:00", "end": "20:00"},
    {"id": "M", "start": "06:00", "end": "14:00"},
    {"id": "F", "start": "08:00", "end": "08:00"},  # end == start: 24 hours
    {"id": "S", "start": "22:00", "end": "02:00", "night": True},
]

# PROPERTY_SCALE=20 multiplies the number of examples for a longer bug hunt.
SCALE = int(os.environ.get("PROPERTY_SCALE", "1"))

RUN_MINIMA = ("min_consecutive_days_off", "min_consecutive_work_days")


@st.composite
def limits(draw: st.DrawFn, shift_ids: list[str], *, personal: bool = False) -> dict[str, Any]:
    """A random subset of the rules, with values that bite on tiny instances."""
    pool: dict[str, st.SearchStrategy[Any]] = {
        "min_rest_hours": st.sampled_from([0, 8, 10, 12, 12.5, 16]),
        "max_hours_per_day": st.sampled_from([8, 10, 12, 16, 24]),
        "max_duty_shifts_per_day": st.sampled_from([None, 1, 2]),
        "max_consecutive_work_days": st.integers(1, 4),
        "min_days_off_per_7_days": st.integers(0, 4),
        "max_hours_per_7_days": st.sampled_from([8, 16, 24, 40, 60]),
        "max_duty_hours_per_7_days": st.sampled_from([8, 16, 24, 32]),
        "max_night_shifts_per_7_days": st.integers(0, 3),
        "max_consecutive_nights": st.integers(0, 3),
        "min_total_hours": st.sampled_from([0, 4, 8, 16]),
        "max_total_hours": st.sampled_from([0, 8, 16, 24]),
        "max_weekends": st.integers(0, 2),
        "min_consecutive_days_off": st.integers(1, 3),
        "min_consecutive_work_days": st.integers(1, 3),
        "max_shifts_by_type": st.dictionaries(st.sampled_from(shift_ids), st.integers(0, 2), max_size=2),
        "forbidden_successions": st.lists(
            st.tuples(st.sampled_from(shift_ids), st.sampled_from(shift_ids)).map(list), max_size=2
        ),
        "prorate_min_total_hours": st.booleans(),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(pool)), unique=True, max_size=2 if personal else 4))
    return {key: draw(pool[key]) for key in chosen}


@st.composite
def demand_rule(draw: st.DrawFn, shift_ids: list[str], dates: list[str], *, dated: bool) -> dict[str, Any]:
    low = draw(st.integers(0, 2))
    target = low + draw(st.integers(0, 1))
    rule: dict[str, Any] = {"min": low, "target": target}
    if draw(st.booleans()):
        rule["max"] = target + draw(st.integers(0, 1))
    if draw(st.booleans()):
        rule["shifts"] = draw(st.lists(st.sampled_from(shift_ids), unique=True, min_size=1))
    if dated:
        rule["dates"] = draw(st.lists(st.sampled_from(dates), unique=True, min_size=1, max_size=2))
    elif draw(st.integers(0, 3)) == 0:
        rule["weekdays"] = draw(st.lists(st.sampled_from(WEEKDAY_NAMES), unique=True, min_size=1, max_size=5))
    if draw(st.integers(0, 3)) == 0:
        rule["skills"] = {"med": 1}
    if draw(st.integers(0, 3)) == 0:
        rule["over_weight"] = draw(st.sampled_from([0.5, 1, 2]))
    return rule


@st.composite
def instances(draw: st.DrawFn, *, small: bool = False) -> dict[str, Any]:
    days = draw(st.integers(2, 3 if small else 8))
    start = START + timedelta(days=draw(st.integers(0, 6)))
    dates = [(start + timedelta(days=offset)).isoformat() for offset in range(days)]
    shifts = [SHIFT_POOL[0]] if draw(st.booleans()) else []
    shifts += draw(st.lists(st.sampled_from(SHIFT_POOL[1:]), unique_by=lambda shift: shift["id"],
                            min_size=0 if shifts else 1, max_size=2 - len(shifts)))
    shift_ids = [shift["id"] for shift in shifts]
    slots_per_cadre = days * len(shifts)
    # small: cadres x days x shifts x checkpoints <= 12 decisions, so every duty roster can be enumerated
    most_cadres = min(3, max(1, 12 // slots_per_cadre)) if small else 4
    cadre_count = draw(st.integers(1, most_cadres))
    most_checkpoints = max(1, min(2, 12 // (cadre_count * slots_per_cadre))) if small else 3
    checkpoint_count = draw(st.integers(1, most_checkpoints))
    community_ids = ["c1", "c2"][: draw(st.integers(1, 2))]

    checkpoints = []
    for index in range(checkpoint_count):
        rules = [draw(demand_rule(shift_ids, dates, dated=False))]
        if draw(st.integers(0, 3)) == 0:
            rules.append(draw(demand_rule(shift_ids, dates, dated=True)))
        checkpoints.append({
            "id": f"k{index}",
            "community": draw(st.sampled_from(community_ids)),
            "risk": draw(st.sampled_from(["low", "medium", "high"])),
            "demand": rules,
        })

    units: list[dict[str, Any]] = []
    if draw(st.integers(0, 2)) > 0:
        unit: dict[str, Any] = {"id": "u"}
        if draw(st.booleans()):
            unit["max_away"] = draw(st.integers(0, 2))
        if draw(st.booleans()):
            unit["hours"] = draw(st.sampled_from([{"start": "09:00", "end": "17:00"},
                                                  {"start": "14:00", "end": "22:00"},
                                                  {"start": "22:00", "end": "06:00"}]))
        if draw(st.booleans()):
            unit["workdays"] = draw(st.lists(st.sampled_from(WEEKDAY_NAMES), unique=True, max_size=7))
        units.append(unit)

    members = []
    for index in range(cadre_count):
        member: dict[str, Any] = {
            "id": f"a{index}",
            "communities": draw(st.lists(st.sampled_from(community_ids), unique=True, min_size=1)),
        }
        if draw(st.integers(0, 3)) == 0:
            member["vulnerable"] = True
        if draw(st.booleans()):
            member["skills"] = ["med"]
        if units and draw(st.integers(0, 2)) > 0:
            member["unit"] = "u"
            member["mode"] = draw(st.sampled_from(["seconded", "dual"]))
        off = draw(st.lists(st.sampled_from(dates), unique=True, max_size=2))
        member["unavailable"] = [
            {"date": when, **({"shifts": [draw(st.sampled_from(shift_ids))]} if draw(st.booleans()) else {})}
            for when in off
        ]
        if draw(st.integers(0, 2)) == 0:
            backs = draw(st.lists(st.integers(1, 7), unique=True, min_size=1, max_size=4))
            member["history"] = [{"date": (start - timedelta(days=back)).isoformat(),
                                  "shift": draw(st.sampled_from(shift_ids)),
                                  "kind": draw(st.sampled_from(["duty", "standby"]))} for back in backs]
        if draw(st.integers(0, 4)) == 0:
            when = start + timedelta(days=draw(st.integers(-1, days)))
            begin = draw(st.sampled_from([6, 10, 18, 22]))
            length = draw(st.sampled_from([2, 4, 10]))
            first = datetime_text(when, begin)
            member["busy"] = [{"start": first, "end": datetime_text(when, begin + length)}]
        if draw(st.integers(0, 3)) == 0:
            member["limits"] = draw(limits(shift_ids, personal=True))
        if draw(st.integers(0, 3)) == 0:
            member["requests"] = [{"date": draw(st.sampled_from(dates)), "kind": draw(st.sampled_from(["on", "off"]))}]
        members.append(member)

    data: dict[str, Any] = {
        "name": "property",
        "horizon": {"start": start.isoformat(), "days": days},
        "shifts": shifts,
        "communities": [{"id": community} for community in community_ids],
        "checkpoints": checkpoints,
        "units": units,
        "cadres": members,
        "rules": draw(limits(shift_ids)),
        "standby": {"per_community": draw(st.sampled_from([0, 1, 1]))},
    }
    if draw(st.integers(0, 3)) == 0:
        override: dict[str, Any] = {"count": draw(st.integers(0, 2))}
        if draw(st.booleans()):
            override["community"] = draw(st.sampled_from(community_ids))
        if draw(st.booleans()):
            override["shifts"] = [draw(st.sampled_from(shift_ids))]
        if draw(st.booleans()):
            override["dates"] = [draw(st.sampled_from(dates))]
        data["standby"]["overrides"] = [override]
        data["standby"]["load_factor"] = draw(st.sampled_from([0, 0.25, 0.5, 1]))
    if not small and draw(st.integers(0, 4)) == 0:
        data["objective"] = {"mode": "weighted",
                             "weights": {"coverage": 100, "standby": 10, "target": 5, "fairness": 0.01,
                                         "requests": 1, "continuity": 1}}
    return data


def datetime_text(when: date, hours: int) -> str:
    moment = when + timedelta(days=hours // 24)
    return f"{moment.isoformat()}T{hours % 24:02d}:00"


def solve_and_check(data: dict[str, Any]) -> Any:
    instance = parse_instance(data)
    result = solve(instance, OPTIONS)
    assert result.status in ("optimal", "feasible", "infeasible"), (result.status, result.stages)
    if result.status != "infeasible":
        evaluation = evaluate(instance, result.assignments, result.standby)
        assert evaluation.violations == [], [str(item) for item in evaluation.violations]
    event(f"status {result.status}")
    if result.status != "infeasible":
        event(f"coverage part > 0: {evaluation.parts['coverage'] > 0}")
        event(f"standby given: {bool(result.standby)}")
        dual = {member.id for member in instance.cadres if member.mode == "dual"}
        event(f"a dual cadre on duty: {any(item.cadre in dual for item in result.assignments)}")
    roster = compose_roster(instance, "sha", result, OPTIONS)
    report = check(instance, roster)
    assert report.ok, report.lines()
    return instance, result


def brute_force_coverage(instance: Any) -> float | None:
    """Least coverage part over every duty roster (no standby) the checker accepts; None if none is accepted."""
    slots = []
    for cadre in instance.cadres:
        for offset in range(instance.horizon.days):
            when = instance.horizon.start + timedelta(days=offset)
            for shift in instance.shifts:
                # Placements the checker can never accept anyway (community, vulnerable, no demand rule) are
                # left out to keep the enumeration small; every other rule is the checker's to judge.
                places = [
                    checkpoint.id
                    for checkpoint in instance.checkpoints
                    if checkpoint.community in cadre.communities
                    and not (cadre.vulnerable and checkpoint.risk == "high")
                    and any(demand_rule_matches(rule, when, shift.id) for rule in checkpoint.demand)
                ]
                if places:
                    slots.append([None] + [Assignment(cadre=cadre.id, date=when, shift=shift.id, checkpoint=place)
                                           for place in places])
    best: float | None = None
    for choice in itertools.product(*slots):
        assignments = [item for item in choice if item is not None]
        evaluation = evaluate(instance, assignments, [])
        if evaluation.violations:
            continue
        coverage = evaluation.parts["coverage"]
        if best is None or coverage < best:
            best = coverage
    return best


def combinations(instance: Any) -> int:
    count = 1
    for cadre in instance.cadres:
        places = sum(1 for checkpoint in instance.checkpoints if checkpoint.community in cadre.communities)
        count *= (1 + places) ** (instance.horizon.days * len(instance.shifts))
    return count


@settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solved_roster_passes_the_checker(data: dict[str, Any]) -> None:
    solve_and_check(data)


@settings(max_examples=60 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(instances(small=True))
def test_coverage_stage_matches_brute_force(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    assume(combinations(instance) <= 1024)
    _, result = solve_and_check(data)
    best = brute_force_coverage(instance)
    if best is None:
        # no duty roster at all is acceptable: only min_total_hours can ask for work no roster gives
        assert result.status == "infeasible", (result.status, result.stages)
        return
    assert result.status != "infeasible", result.conflicts
    coverage = result.stages[0].value
    assert result.stages[0].name == "coverage"
    wants_standby = data["standby"]["per_community"] > 0
    rules_in_play = [data["rules"], *(member.get("limits") or {} for member in data["cadres"])]
    if wants_standby and any(key in rules for rules in rules_in_play for key in RUN_MINIMA):
        # a standby day can complete a minimum run, so the solver may do better than duty-only rosters
        assert coverage is not None and coverage <= best
    else:
        assert coverage == best, (coverage, best)


def roster_choices(instance: Any) -> list[list[Assignment | StandbyAssignment | None]]:
    """Per cadre, day and shift: nothing, a duty at a checkpoint it may serve, or standby where some is wanted."""
    slots: list[list[Assignment | StandbyAssignment | None]] = []
    for cadre in instance.cadres:
        for offset in range(instance.horizon.days):
            when = instance.horizon.start + timedelta(days=offset)
            for shift in instance.shifts:
                options: list[Assignment | StandbyAssignment | None] = [None]
                for checkpoint in instance.checkpoints:
                    if (checkpoint.community in cadre.communities
                            and not (cadre.vulnerable and checkpoint.risk == "high")
                            and any(demand_rule_matches(rule, when, shift.id)
                                    for rule in checkpoint.demand)):
                        options.append(Assignment(cadre=cadre.id, date=when, shift=shift.id,
                                                  checkpoint=checkpoint.id))
                for community in cadre.communities:
                    if standby_wanted(instance.standby, community, when, shift.id) > 0:
                        options.append(StandbyAssignment(cadre=cadre.id, date=when, shift=shift.id,
                                                         community=community))
                if len(options) > 1:
                    slots.append(options)
    return slots


def accepted_stage_values(instance: Any) -> Iterator[list[float]]:
    """The stage vector of every roster the checker accepts, with standby at most the wanted count per
    cell (the solver's cap, scheduler/rules/standby_limits.py; the checker does not enforce it, see
    tests/rules/test_standby_limits.py)."""
    for choice in itertools.product(*roster_choices(instance)):
        duties = [item for item in choice if isinstance(item, Assignment)]
        standbys = [item for item in choice if isinstance(item, StandbyAssignment)]
        cells = Counter((item.community, item.date, item.shift) for item in standbys)
        if any(count > standby_wanted(instance.standby, *cell) for cell, count in cells.items()):
            continue
        evaluation = evaluate(instance, duties, standbys)
        if not evaluation.violations:
            yield [round(value, 6) for value in evaluation.stage_values]


def brute_force_stages(instance: Any) -> list[float] | None:
    """The least stage vector over every roster the checker accepts (see accepted_stage_values)."""
    return min(accepted_stage_values(instance), default=None)


@settings(max_examples=60 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(instances(small=True))
def test_every_stage_matches_brute_force(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    size = 1
    for options in roster_choices(instance):
        size *= len(options)
    assume(size <= 1500)
    _, result = solve_and_check(data)
    best = brute_force_stages(instance)
    if best is None:
        assert result.status == "infeasible", (result.status, result.stages)
        return
    assert result.status == "optimal", (result.status, result.stages)
    assert [round(stage.value, 6) for stage in result.stages] == best
