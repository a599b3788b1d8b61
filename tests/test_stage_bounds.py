"""Counted stage bounds (scheduler.search.stage_bounds): hand-worked tiny cases, and a property test that
no roster the checker accepts is ever below the bound of a stage with its earlier stages held at its own
values."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings

from models.loading import parse_instance
from scheduler.model.calendar import Calendar
from scheduler.search.stage_bounds import COUNTED_STAGES, StageBounds, most_in_windows
from tests.rules.helpers import D, E, cadre, cadres, instance, solve_checked
from tests.test_properties import SCALE, accepted_stage_values, instances, roster_choices

# A stage value in reported units times its divisor is the part's integer value (objective.plan_stages).
DIVISOR = {"coverage": 100, "standby": 1, "target": 100, "fairness": 1}


def bounds_of(data: dict[str, Any], held: dict[str, int] | None = None) -> dict[str, int]:
    loaded = parse_instance(data)
    counted = StageBounds(loaded, Calendar(loaded))
    return {stage: counted.bound(stage, held or {}) for stage in COUNTED_STAGES}


def test_the_greedy_fills_windows_as_a_planner_counts_them() -> None:
    # 14 days, one a day, at most 6 in every 7 consecutive days: days 0-5 and 7-12 (days 6 and 13 off)
    # make 12; windows reaching before day 0 (first < 0) count only their days inside.
    windows = [(last - 6, last, 6) for last in range(14)]
    assert most_in_windows([1] * 14, windows) == 12
    # also at most 4 in a row (windows of 5 hold at most 4): 4 on, 1 off: days 0-3, 5-8, 10-13 = 12;
    # with both, every 7-day window also holds at most 6: still 12
    runs = [(last - 4, last, 4) for last in range(14)]
    assert most_in_windows([1] * 14, runs) == 12
    assert most_in_windows([1] * 14, windows + runs) == 12
    # a closed day (cap 0) is not taken, and caps above 1 are taken whole where windows allow
    assert most_in_windows([2, 0, 2], [(0, 2, 3)]) == 3


def test_one_cadre_with_a_day_off_a_week_leaves_two_of_fourteen_days_uncovered() -> None:
    # One cadre, shift D (8 h) asked once a day for 14 days (risk weight 1: 100 in the part's units).
    # One day off in every 7 allows 12 duties: 2 persons uncovered at least: 200.
    data = instance([cadre("a")], days=14, rules={"max_duty_shifts_per_day": 1, "min_days_off_per_7_days": 1})
    assert bounds_of(data)["coverage"] == 200
    solved = solve_checked(data)
    assert solved.evaluation.parts["coverage"] == 2  # the bound is reached
    assert solved.result.stages[0].bound == 2
    # 40 hours in 7 days allow five 8-hour duties a week: 10 of 14, 4 uncovered
    data["rules"]["max_hours_per_7_days"] = 40
    assert bounds_of(data)["coverage"] == 400


def test_skill_places_beyond_what_the_holders_can_give_are_missed() -> None:
    # k1 asks one cadre a day with skill medical, 14 days; only a holds it, and a day off in 7 allows
    # a 12 duties: 2 skill places missing at least (200), though b covers every person a leaves.
    data = instance([cadre("a", skills=["medical"]), cadre("b")], days=14,
                    rules={"max_duty_shifts_per_day": 1, "min_days_off_per_7_days": 1})
    data["checkpoints"][0]["demand"] = [{"min": 1, "target": 1, "max": 1, "skills": {"medical": 1}}]
    assert bounds_of(data)["coverage"] == 200
    solved = solve_checked(data)
    assert solved.evaluation.parts["coverage"] == 2  # the bound is reached: b on a's two days off
    # with the skill held by both, nothing is missing and nothing is bounded
    data["cadres"][1]["skills"] = ["medical"]
    assert bounds_of(data)["coverage"] == 0


def test_standby_takes_work_days_that_the_minimum_needs() -> None:
    # Two cadres, 7 days, shift D asked once a day (7 persons) and 1 on standby a day (7), one day off
    # in 7: 12 work days in all, each holding one period (D is the only shift). With the minimum held
    # covered (coverage 0), 7 go to duty and 5 are left for standby: at least 2 of 7 standby missing.
    data = instance(cadres(2), days=7, rules={"max_duty_shifts_per_day": 1, "min_days_off_per_7_days": 1},
                    standby={"per_community": 1})
    assert bounds_of(data, {"coverage": 0})["standby"] == 2
    # with the minimum left 3 short (300), 4 duties are needed: 8 work days stay for 7 standby: 0
    assert bounds_of(data, {"coverage": 300})["standby"] == 0
    solved = solve_checked(data)
    assert [solved.evaluation.parts[name] for name in ("coverage", "standby")] == [0, 2]


def test_targets_beyond_what_the_cadres_can_give_are_missed() -> None:
    # One cadre, 7 days, target 2 a day (min 1, under_weight 1): 14 asked, 6 duties at most (a day off):
    # 8 missing at least, 800 in the part's units.
    data = instance([cadre("a")], days=7, rules={"max_duty_shifts_per_day": 1, "min_days_off_per_7_days": 1})
    data["checkpoints"][0]["demand"] = [{"min": 1, "target": 2, "max": 2}]
    assert bounds_of(data)["target"] == 800


@settings(max_examples=60 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(instances(small=True))
def test_no_roster_is_below_a_counted_bound(data: dict[str, Any]) -> None:
    loaded = parse_instance(data)
    assume(loaded.objective.mode == "lexicographic")
    size = 1
    for options in roster_choices(loaded):
        size *= len(options)
    assume(size <= 1500)
    counted = StageBounds(loaded, Calendar(loaded))
    for values in accepted_stage_values(loaded):
        own = {stage: round(value * DIVISOR[stage]) for stage, value in zip(COUNTED_STAGES, values, strict=False)}
        held: dict[str, int] = {}
        for stage in COUNTED_STAGES:
            bound = counted.bound(stage, held)
            event(f"{stage} bound > 0: {bound > 0}")
            assert bound <= own[stage], (stage, bound, own, held)
            held[stage] = own[stage]


def test_fairness_is_bounded_where_one_community_asks_more_of_its_cadres() -> None:
    # 2 days, k1 (c1) asks 1 on D each day; a serves c1, b only c2 (nothing asked there). Held at
    # coverage 0, a holds both duties: loads 2 * 480 * 100 / 2 = 48000 and 0, mean 24000, a quarter
    # 6000: each deviation 24000 weighs 24000 + 18000 + 12000 + 6000 = 60000 -> 120000, and the LP
    # (a mean between 23999.5 and 24000 costs 192000 - 3 * mean) gives the same. Without coverage
    # held, an empty roster has spread 0.
    data = instance([cadre("a"), cadre("b", communities=["c2"])], days=2, communities=["c1", "c2"])
    held = {"coverage": 0, "standby": 0, "target": 0}
    assert bounds_of(data, held)["fairness"] == 120000
    assert bounds_of(data)["fairness"] == 0
    assert solve_checked(data).value("fairness") == 120000


def test_duty_minutes_capacity_counts_the_longest_shifts_within_the_hours() -> None:
    # 7 days, D (8 h) and E (18-22, 4 h), one duty a day: at most 7 * 480 = 3360 minutes; with 8 duty
    # hours in any 7 days, 480 (the duty count, in the shortest shift, would allow two E: 2 duties).
    shifts = [D, E]
    free = parse_instance(instance([cadre("a")], days=7, shifts=shifts))
    limited = parse_instance(instance([cadre("a", limits={"max_duty_hours_per_7_days": 8})], days=7, shifts=shifts))
    for loaded, minutes, duties in ((free, 3360, 7), (limited, 480, 2)):
        calendar = Calendar(loaded)
        counted = StageBounds(loaded, calendar)
        facts = calendar.cadre_facts["a"]
        assert counted.duty_minutes_capacity(facts) == minutes
        assert counted.cadre_capacity(facts)[0] == duties
