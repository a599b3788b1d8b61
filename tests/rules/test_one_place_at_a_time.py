"""one_place_at_a_time: one duty per cadre, day and shift; no overlapping periods; min_rest_hours."""

from __future__ import annotations

from datetime import date

import pytest

from .helpers import D, N, cadre, checkpoint, day, demand, instance, solve_checked

FRIDAY = date(2024, 1, 5)
NO_DAILY_CAP = {"max_duty_shifts_per_day": None}


def test_one_cadre_cannot_hold_two_checkpoints_in_one_shift() -> None:
    # 1 cadre, k1 and k2 each want 1 on D, 2 days, no daily cap: the cadre stands at one
    # checkpoint per shift -> 2 duties, 2 missing (low risk, weight 1) -> coverage 2.
    data = instance([cadre("a")], checkpoints=[checkpoint("k1"), checkpoint("k2")], rules=NO_DAILY_CAP)
    solved = solve_checked(data)
    assert solved.value("coverage") == 2
    assert len(solved.result.assignments) == 2
    assert sorted(entry[1] for entry in solved.duties("a")) == [0, 1]


def test_overlapping_shifts_are_never_both_held() -> None:
    # D 08-16 and L 12-20 overlap; demand 1 on each, 2 days, 1 cadre, no daily cap:
    # one of them per day -> coverage 2 (the same without overlap would be 0, see next test).
    late = {"id": "L", "start": "12:00", "end": "20:00"}
    solved = solve_checked(instance([cadre("a")], shifts=[D, late], rules=NO_DAILY_CAP))
    assert solved.value("coverage") == 2
    for offset in (0, 1):
        assert len(solved.duties("a", offset=offset)) == 1


def test_touching_shifts_may_both_be_held() -> None:
    # D 08-16 and L 16-24 touch (end == start): without rest both are fine -> coverage 0, 4 duties.
    late = {"id": "L", "start": "16:00", "end": "00:00"}
    solved = solve_checked(instance([cadre("a")], shifts=[D, late], rules=NO_DAILY_CAP))
    assert solved.value("coverage") == 0
    assert len(solved.result.assignments) == 4


def test_rest_hours_equal_is_allowed() -> None:
    # Only N 20:00-08:00, 3 days, min_rest_hours 12: N ends 08:00, next N starts 20:00 = exactly
    # 12 h later, which is allowed -> all 3 nights covered.
    data = instance([cadre("a")], shifts=[N], days=3, rules={"min_rest_hours": 12})
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
    assert solved.duty_days("a") == [0, 1, 2]


def test_rest_hours_one_minute_too_many_skips_every_other_night() -> None:
    # Same with min_rest_hours 12.5: consecutive nights are 12 h apart -> nights 0 and 2 only,
    # coverage 1 and the cadre is not on night 1.
    data = instance([cadre("a")], shifts=[N], days=3, rules={"min_rest_hours": 12.5})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [0, 2]


def test_rest_hours_between_day_and_night_shifts() -> None:
    # D 08-16 and N 20-08 both wanted, 3 days, no daily cap. Without rest the cadre can hold all 6
    # (D0 N0 D1 N1 D2 N2 touch end to start). With min_rest_hours 12 every pair of consecutive
    # shifts is < 12 h apart, so at most one shift per day -> 3 covered, coverage 3.
    loose = solve_checked(instance([cadre("a")], shifts=[D, N], days=3, rules=NO_DAILY_CAP))
    assert loose.value("coverage") == 0
    assert len(loose.result.assignments) == 6
    strict = solve_checked(instance([cadre("a")], shifts=[D, N], days=3,
                                    rules={**NO_DAILY_CAP, "min_rest_hours": 12}))
    assert strict.value("coverage") == 3
    for offset in range(3):
        assert len(strict.duties("a", offset=offset)) == 1


@pytest.mark.parametrize(("mode", "coverage", "duty_days"), [("dual", 1, [1]), ("seconded", 0, [0, 1])])
def test_no_duty_overlapping_unit_hours_of_a_dual_cadre(mode: str, coverage: int, duty_days: list[int]) -> None:
    # Unit hours 08:30-17:30 Mon-Fri; D 08-16; horizon Fri 2024-01-05 and Sat. A dual cadre: Friday's D
    # overlaps the unit hours, Saturday is no unit workday -> only Saturday, coverage 1. A seconded
    # cadre has no unit hours -> both days covered.
    data = instance([cadre("a", unit="u", mode=mode)], start=FRIDAY, units=[{"id": "u"}])
    solved = solve_checked(data)
    assert solved.value("coverage") == coverage
    assert solved.duty_days("a") == duty_days


def test_no_duty_overlapping_a_busy_period() -> None:
    # Busy 2024-01-02 15:00-18:00 overlaps Tuesday's D (08-16) -> only Monday, coverage 1.
    busy = [{"start": f"{day(1)}T15:00", "end": f"{day(1)}T18:00"}]
    solved = solve_checked(instance([cadre("a", busy=busy)]))
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [0]


def test_rest_after_a_night_before_unit_hours() -> None:
    # Dual cadre, unit hours 08:30-17:30 Mon-Fri, only N 20:00-08:00, horizon Mon-Tue, 2 nights wanted.
    # Without a rest rule, nights do not overlap the unit hours -> both covered.
    # With min_rest_hours 8: N Mon ends Tue 08:00, unit hours start 08:30 (0.5 h); N Tue ends Wed
    # 08:00, before Wednesday's unit hours (after the horizon, they still count) -> no night at all.
    units = [{"id": "u"}]
    free = solve_checked(instance([cadre("a", unit="u", mode="dual")], shifts=[N], units=units))
    assert free.value("coverage") == 0
    rested = solve_checked(instance([cadre("a", unit="u", mode="dual")], shifts=[N], units=units,
                                    rules={"min_rest_hours": 8}))
    assert rested.value("coverage") == 2
    assert rested.result.assignments == []


def test_two_cadres_split_a_shift_pair_the_rest_rule_forbids_to_one() -> None:
    # D and N each wanted once on day 0 (dates rule), min_rest_hours 12, no daily cap, 2 cadres:
    # one cadre cannot do D then N (4 h apart) but two can -> coverage 0, one duty each.
    rules = [demand(dates=[day(0)])]
    data = instance(
        [cadre("a"), cadre("b")], shifts=[D, N], days=1,
        checkpoints=[checkpoint("k1", rules=rules)], rules={**NO_DAILY_CAP, "min_rest_hours": 12},
    )
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
    assert sorted(solved.per_cadre().values()) == [1, 1]
