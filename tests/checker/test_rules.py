"""One roster that obeys and one that breaks each rule family, on tiny instances.

Default instance (see builders): 2024-01-01 is a Monday, 7 days; D 08:00-16:00 (8 h),
N 20:00-08:00 (12 h, night); k1, k2 (high) in c1, k3 in c2; demand 1 everywhere.
"""

from __future__ import annotations

from typing import Any

import pytest

from scheduler.checker import evaluate, fixed_warnings
from tests.checker.builders import ASKED, broken_rules, cadre, day, demand, duty, make_instance, on_standby


def rules_for(limits: dict[str, Any], duties: list[tuple[int, str]], **cadre_fields: Any) -> set[str]:
    """Rules broken by cadre a (with personal ``limits``) on duty at k1 on (day, shift) pairs."""
    instance = make_instance([cadre("a", limits=limits, **cadre_fields)])
    roster = [duty("a", day(offset), shift) for offset, shift in duties]
    return broken_rules(evaluate(instance, roster, []))


# Each case: limits, a roster that obeys, a roster that breaks, the rule, and the arithmetic.
CASES = [
    # rest 12 h: N day0 ends day1 08:00; N day1 starts 20:00 = 12 h later (equal allowed);
    # D day1 starts 08:00 = 0 h later.
    ({"min_rest_hours": 12}, [(0, "N"), (1, "N")], [(0, "N"), (1, "D")], "min_rest_hours"),
    # 8 h a day: D is 8 h (equal), N is 12 h.
    ({"max_hours_per_day": 8}, [(0, "D")], [(0, "N")], "max_hours_per_day"),
    # default 1 duty a day: D and N on day 0 is 2.
    ({}, [(0, "D"), (1, "N")], [(0, "D"), (0, "N")], "max_duty_shifts_per_day"),
    # 3 work days in a row: days 0-2 and 4 obey; days 0-3 is a run of 4.
    ({"max_consecutive_work_days": 3}, [(0, "D"), (1, "D"), (2, "D"), (4, "D")],
     [(0, "D"), (1, "D"), (2, "D"), (3, "D")], "max_consecutive_work_days"),
    # 2 days off per 7: duty days 0-4 leave days 5, 6 off; days 0-5 leave only day 6 in window 0..6.
    ({"min_days_off_per_7_days": 2}, [(offset, "D") for offset in range(5)],
     [(offset, "D") for offset in range(6)], "min_days_off_per_7_days"),
    # 40 h per 7 days: 5 x 8 = 40 (equal); 6 x 8 = 48.
    ({"max_hours_per_7_days": 40}, [(offset, "D") for offset in range(5)],
     [(offset, "D") for offset in range(6)], "max_hours_per_7_days"),
    # 20 duty hours per 7 days: D + N = 20; D + D + D = 24.
    ({"max_duty_hours_per_7_days": 20}, [(0, "D"), (2, "N")], [(0, "D"), (2, "D"), (4, "D")],
     "max_duty_hours_per_7_days"),
    # 2 nights per 7 days: N on days 0, 2 obey; 0, 2, 4 is 3.
    ({"max_night_shifts_per_7_days": 2}, [(0, "N"), (2, "N")], [(0, "N"), (2, "N"), (4, "N")],
     "max_night_shifts_per_7_days"),
    # 2 nights in a row: N days 0, 1, 3 obey; N days 0, 1, 2 is a run of 3.
    ({"max_consecutive_nights": 2}, [(0, "N"), (1, "N"), (3, "N")], [(0, "N"), (1, "N"), (2, "N")],
     "max_consecutive_nights"),
    # total at most 20 h: D + N = 20 (equal); D + N + D = 28.
    ({"max_total_hours": 20}, [(0, "D"), (2, "N")], [(0, "D"), (2, "N"), (4, "D")], "max_total_hours"),
    # total at least 14 h over 7 available days = 840 min: N + D = 1200 obey; N alone = 720 breaks.
    ({"min_total_hours": 14}, [(0, "N"), (3, "D")], [(0, "N")], "min_total_hours"),
    # at most 1 N shift: N day 0 obeys; N days 0 and 2 is 2.
    ({"max_shifts_by_type": {"N": 1}}, [(0, "N"), (2, "D")], [(0, "N"), (2, "N")], "max_shifts_by_type"),
    # N then D the next day is forbidden; D then N is fine.
    ({"forbidden_successions": [["N", "D"]]}, [(0, "D"), (1, "N")], [(0, "N"), (1, "D")], "forbidden_successions"),
    # days off come at least 2 in a row: duty days 0, 3 leave 1-2 off; duty days 0, 2 leave day 1 alone.
    ({"min_consecutive_days_off": 2}, [(0, "D"), (3, "D")], [(0, "D"), (2, "D")], "min_consecutive_days_off"),
    # work days come at least 2 in a row (edge runs ignored): day 0 alone is at the edge; day 2 alone breaks.
    ({"min_consecutive_work_days": 2}, [(0, "D"), (3, "D"), (4, "D")], [(2, "D")], "min_consecutive_work_days"),
]


@pytest.mark.parametrize(("limits", "obeying", "breaking", "rule"), CASES, ids=[case[3] for case in CASES])
def test_rule_family(limits: dict[str, Any], obeying: list[tuple[int, str]], breaking: list[tuple[int, str]],
                     rule: str) -> None:
    assert rule not in rules_for(limits, obeying)
    assert rule in rules_for(limits, breaking)


def test_null_lifts_the_default_duty_shift_limit() -> None:
    assert "max_duty_shifts_per_day" not in rules_for({"max_duty_shifts_per_day": None}, [(0, "D"), (0, "N")])


def test_min_total_hours_is_pro_rated_by_available_days() -> None:
    # 14 h = 840 min; day 6 wholly unavailable: floor(840 * 6 / 7) = 720 = one N shift, so N alone is enough.
    assert "min_total_hours" not in rules_for({"min_total_hours": 14}, [(0, "N")], unavailable=[{"date": day(6)}])
    # With no pro-rating the full 840 min are owed.
    limits = {"min_total_hours": 14, "prorate_min_total_hours": False}
    assert "min_total_hours" in rules_for(limits, [(0, "N")], unavailable=[{"date": day(6)}])


def test_max_weekends() -> None:
    # 14 days from Monday 2024-01-01: weekends (Sat 6, Sun 7) and (Sat 13, Sun 14).
    instance = make_instance([cadre("a", limits={"max_weekends": 1})], days=14)
    same_weekend = [duty("a", "2024-01-06"), duty("a", "2024-01-07")]
    assert "max_weekends" not in broken_rules(evaluate(instance, same_weekend, []))
    two_weekends = [duty("a", "2024-01-06"), duty("a", "2024-01-13")]
    assert "max_weekends" in broken_rules(evaluate(instance, two_weekends, []))


def test_lone_sunday_and_lone_saturday_count_as_weekends() -> None:
    # Horizon Sunday 2024-01-07 .. Saturday 2024-01-13: the first Sunday alone and the last Saturday alone.
    instance = make_instance([cadre("a", limits={"max_weekends": 1})], start="2024-01-07")
    roster = [duty("a", "2024-01-07"), duty("a", "2024-01-13")]
    assert "max_weekends" in broken_rules(evaluate(instance, roster, []))


def test_history_counts_for_successions_and_runs() -> None:
    # History N on the day before the horizon; D on day 0 follows it.
    limits = {"forbidden_successions": [["N", "D"]]}
    history = [{"date": day(-1), "shift": "N"}]
    assert "forbidden_successions" in rules_for(limits, [(0, "D")], history=history)
    assert "forbidden_successions" not in rules_for(limits, [(0, "N")], history=history)


def test_look_back_with_history() -> None:
    # Horizon from Wednesday 2024-01-03; history D on Mon 01-01 and Tue 01-02; at most 3 work days in a row.
    instance = make_instance(
        [cadre("a", limits={"max_consecutive_work_days": 3},
               history=[{"date": "2024-01-01", "shift": "D"}, {"date": "2024-01-02", "shift": "D"}])],
        start="2024-01-03")
    # Mon, Tue, Wed = 3 work days: fine.
    assert "max_consecutive_work_days" not in broken_rules(evaluate(instance, [duty("a", "2024-01-03")], []))
    # Mon..Thu = 4 work days.
    roster = [duty("a", "2024-01-03"), duty("a", "2024-01-04")]
    assert "max_consecutive_work_days" in broken_rules(evaluate(instance, roster, []))


def test_look_back_with_dual_unit_workdays() -> None:
    # Dual cadre of a mon-fri unit, horizon from Wednesday 2024-01-03; unit workdays Mon 01-01 and Tue 01-02
    # before the horizon are work days. Mon..Fri = 5 work days from unit hours alone (limit 5 reached).
    instance = make_instance([cadre("a", unit="u", mode="dual", limits={"max_consecutive_work_days": 5})],
                             start="2024-01-03", units=[{"id": "u"}])
    assert evaluate(instance, [], []).violations == []
    # Duty on Saturday 01-06: Mon..Sat = 6 work days > 5 and > the 5 of the fixed facts.
    assert "max_consecutive_work_days" in broken_rules(evaluate(instance, [duty("a", "2024-01-06")], []))
    # Duty on Sunday 01-07 only: Tue..Sun holds Tue-Fri + Sun = 5.
    assert broken_rules(evaluate(instance, [duty("a", "2024-01-07")], [])) == set()


def test_fixed_facts_breaking_a_window_warn_but_are_no_fault() -> None:
    # Dual cadre, unit 08:30-17:30 mon-fri = 5 x 9 h = 45 h a week > max_hours_per_7_days 40.
    instance = make_instance([cadre("a", unit="u", mode="dual", limits={"max_hours_per_7_days": 40})],
                             units=[{"id": "u"}])
    assert evaluate(instance, [], []).violations == []
    assert any("max_hours_per_7_days" in warning for warning in fixed_warnings(instance))
    # A Saturday duty adds 8 h to a window already at 45 h: 53 > 40 and > 45, a fault.
    assert "max_hours_per_7_days" in broken_rules(evaluate(instance, [duty("a", day(5))], []))


def test_rest_before_a_unit_workday() -> None:
    # Dual cadre, rest 11 h: N on Monday ends Tuesday 08:00, unit hours start 08:30.
    instance = make_instance([cadre("a", unit="u", mode="dual", limits={"min_rest_hours": 11})],
                             units=[{"id": "u"}])
    assert "min_rest_hours" in broken_rules(evaluate(instance, [duty("a", day(0), "N")], []))
    # N on Friday ends Saturday 08:00, no unit hours at the weekend; Monday (day 7) is outside? No: day 4 is
    # Friday, the next unit hours are Monday 2024-01-08 08:30, just after the horizon, and still counted.
    assert "min_rest_hours" not in broken_rules(evaluate(instance, [duty("a", day(4), "N")], []))
    assert "min_rest_hours" in broken_rules(evaluate(instance, [duty("a", day(6), "N")], []))


def test_placement_rules() -> None:
    checkpoints = [
        {"id": "k1", "community": "c1", "demand": [demand(weekdays=["mon"])]},
        {"id": "k2", "community": "c1", "risk": "high", "demand": [demand()]},
        {"id": "k3", "community": "c2", "demand": [demand()]},
    ]
    instance = make_instance(
        [cadre("a", vulnerable=True, unavailable=[{"date": day(2), "shifts": ["D"]}])], checkpoints=checkpoints,
        standby=ASKED)

    def rules(*assignments: Any) -> set[str]:
        return broken_rules(evaluate(instance, list(assignments), []))

    assert rules(duty("a", day(0), "D", "k1")) == set()
    assert rules(duty("a", day(1), "D", "k1")) == {"demand"}  # k1 asks only on Mondays
    assert rules(duty("a", day(0), "D", "k2")) == {"vulnerable"}
    assert rules(duty("a", day(0), "D", "k3")) == {"communities"}
    assert rules(duty("a", day(2), "D", "k2")) == {"unavailable", "vulnerable"}
    assert rules(duty("a", day(2), "N", "k2")) == {"vulnerable"}
    assert broken_rules(evaluate(instance, [], [on_standby("a", day(3), "D", "c2")])) == {"communities"}


def test_demand_max_is_hard() -> None:
    checkpoints = [{"id": "k1", "community": "c1", "demand": [demand(1, 1, max=1)]}]
    instance = make_instance([cadre("a"), cadre("b")], checkpoints=checkpoints)
    assert broken_rules(evaluate(instance, [duty("a", day(0))], [])) == set()
    assert broken_rules(evaluate(instance, [duty("a", day(0)), duty("b", day(0))], [])) == {"demand_max"}


def test_overlaps_with_unit_hours_busy_and_the_same_shift() -> None:
    instance = make_instance(
        [cadre("dual", unit="u", mode="dual"), cadre("busy", busy=[{"start": "2024-01-03T10:00",
                                                                    "end": "2024-01-03T12:00"}]), cadre("twice")],
        units=[{"id": "u"}])
    # D 08:00-16:00 on Monday overlaps the unit hours 08:30-17:30; on Saturday it does not.
    assert broken_rules(evaluate(instance, [duty("dual", day(0))], [])) == {"overlap"}
    assert broken_rules(evaluate(instance, [duty("dual", day(5))], [])) == set()
    # D on Wednesday overlaps the busy period 10:00-12:00.
    assert broken_rules(evaluate(instance, [duty("busy", day(2))], [])) == {"overlap"}
    # Duty and standby on the same shift.
    both = evaluate(instance, [duty("twice", day(0))], [on_standby("twice", day(0))])
    assert "one_per_shift" in broken_rules(both)


def test_unknown_ids_dates_outside_and_duplicates() -> None:
    instance = make_instance([cadre("a")])
    roster = [duty("ghost", day(0)), duty("a", "2024-02-01"), duty("a", day(1)), duty("a", day(1))]
    assert broken_rules(evaluate(instance, roster, [])) == {"unknown_id", "outside_horizon", "duplicate"}


def test_max_away_at_a_moment() -> None:
    shifts = [{"id": "D", "start": "08:00", "end": "16:00"}, {"id": "E", "start": "12:00", "end": "20:00"},
              {"id": "L", "start": "16:00", "end": "00:00"}]
    instance = make_instance([cadre("a", unit="u", mode="seconded"), cadre("b", unit="u", mode="seconded")],
                             shifts=shifts, units=[{"id": "u", "max_away": 1}], standby=ASKED)
    # Monday, unit hours 08:30-17:30. a on D (08:00-16:00); b on E (12:00-20:00) overlaps the hours
    # partially and a's D from 12:00 to 16:00: 2 away at 12:00 > 1.
    crowded = evaluate(instance, [duty("a", day(0), "D"), duty("b", day(0), "E", "k2")], [])
    assert broken_rules(crowded) == {"max_away"}
    assert crowded.metrics["units"]["u"]["most_away"] == 2
    # b on L (16:00-24:00) starts when a's D ends: at most 1 away at any moment.
    relieved = evaluate(instance, [duty("a", day(0), "D"), duty("b", day(0), "L", "k2")], [])
    assert broken_rules(relieved) == set()
    assert relieved.metrics["units"]["u"]["most_away"] == 1
    # Saturday is no unit workday.
    assert broken_rules(evaluate(instance, [duty("a", day(5), "D"), duty("b", day(5), "E", "k2")], [])) == set()
    # A standby counts as away too.
    assert broken_rules(evaluate(instance, [duty("a", day(0), "D")], [on_standby("b", day(0), "E")])) == {"max_away"}
