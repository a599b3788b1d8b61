"""Standby callability: valid only if, turned alone into duty where it could serve, every rule holds."""

from __future__ import annotations

from datetime import date

from .helpers import D, E, N, cadre, checkpoint, day, demand, instance, solve_checked

NO_DUTY = [checkpoint(rules=[demand(0, 0, 0)])]
ONE_STANDBY = {"per_community": 1}


def test_standby_needs_a_matching_demand_rule() -> None:
    # Demand rule (min 0) only on Mondays; horizon Mon-Tue; standby 1 a day: Tuesday has no checkpoint
    # the standby could be called to -> 1 standby (Monday), standby value 1.
    rules = [demand(0, 0, 0, weekdays=["mon"])]
    solved = solve_checked(instance([cadre("a")], checkpoints=[checkpoint(rules=rules)], standby=ONE_STANDBY))
    assert solved.value("standby") == 1
    assert [entry[1] for entry in solved.standbys()] == [0]


def test_vulnerable_standby_needs_a_checkpoint_that_is_not_high_risk() -> None:
    # The community's only checkpoint is high risk; a vulnerable cadre can never be called -> no standby,
    # standby value 2. A non-vulnerable cadre in the same instance stands by both days.
    high = [checkpoint(risk="high", rules=[demand(0, 0, 0)])]
    vulnerable = solve_checked(instance([cadre("v", vulnerable=True)], checkpoints=high, standby=ONE_STANDBY))
    assert vulnerable.value("standby") == 2
    assert vulnerable.result.standby == []
    normal = solve_checked(instance([cadre("n")], checkpoints=high, standby=ONE_STANDBY))
    assert normal.value("standby") == 0


def test_standby_only_in_the_cadres_communities() -> None:
    # Two communities want a standby each on 1 day; the cadre serves c1 only -> standby value 1, in c1.
    data = instance([cadre("a")], days=1, communities=["c1", "c2"],
                    checkpoints=[checkpoint("k1", rules=[demand(0, 0, 0)]),
                                 checkpoint("k2", "c2", rules=[demand(0, 0, 0)])],
                    standby=ONE_STANDBY)
    solved = solve_checked(data)
    assert solved.value("standby") == 1
    assert [entry[3] for entry in solved.standbys()] == ["c1"]


def test_standby_beside_a_duty_is_a_second_duty() -> None:
    # D and N; D wanted on the single day, standby wanted for N; 1 cadre. Turned into duty, the N standby
    # is a second duty that day; the default max_duty_shifts_per_day 1 forbids it -> values [0, 1].
    rules = [demand(1, shifts=["D"]), demand(0, 0, 0, shifts=["N"])]
    standby = {"overrides": [{"shifts": ["N"], "count": 1}]}
    data = instance([cadre("a")], days=1, shifts=[D, N], checkpoints=[checkpoint(rules=rules)], standby=standby)
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 1]
    # With the cap lifted both fit: values [0, 0].
    data["rules"] = {"max_duty_shifts_per_day": None}
    lifted = solve_checked(data)
    assert lifted.values[:2] == [0, 0]
    assert len(lifted.result.standby) == 1


def test_standby_and_unit_hours_of_a_dual_cadre() -> None:
    # Dual cadre, unit Mon-Fri 08:30-17:30 (9 h), E 18:00-22:00 standby wanted Fri and Sat,
    # max_hours_per_day 12: on Friday, 9 + 4 = 13 > 12 once called -> not callable; Saturday fine.
    data = instance([cadre("a", unit="u", mode="dual")], start=date(2024, 1, 5), shifts=[E], units=[{"id": "u"}],
                    checkpoints=NO_DUTY, standby=ONE_STANDBY, rules={"max_hours_per_day": 12})
    solved = solve_checked(data)
    assert solved.value("standby") == 1
    assert [entry[1] for entry in solved.standbys()] == [1]


def test_standby_never_inside_unit_hours() -> None:
    # Dual cadre, D 08-16 standby wanted on Friday: overlaps the unit hours -> none (standby value 1).
    data = instance([cadre("a", unit="u", mode="dual")], start=date(2024, 1, 5), days=1, units=[{"id": "u"}],
                    checkpoints=NO_DUTY, standby=ONE_STANDBY)
    solved = solve_checked(data)
    assert solved.value("standby") == 1


def test_standby_counts_as_work_for_rest() -> None:
    # N standby wanted on day 0, D duty wanted on day 1, min_rest_hours 12, 1 cadre: the N standby ends
    # 08:00 day 1, D starts 08:00 -> both impossible; coverage comes first: values [0, 1].
    rules = [demand(0, 0, 0, dates=[day(0)], shifts=["N"]), demand(1, dates=[day(1)], shifts=["D"])]
    standby = {"overrides": [{"dates": [day(0)], "shifts": ["N"], "count": 1}]}
    data = instance([cadre("a")], shifts=[D, N], checkpoints=[checkpoint(rules=rules)], standby=standby,
                    rules={"min_rest_hours": 12})
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 1]
    assert solved.duty_days("a") == [1]


def test_each_standby_is_judged_alone() -> None:
    # No duty wanted, standby 1 a day for 3 days, max_total_hours 16 (2 duties): each standby, turned
    # alone into duty, makes 8 h <= 16 -> all three given, standby value 0.
    data = instance([cadre("a")], days=3, checkpoints=NO_DUTY, standby=ONE_STANDBY, rules={"max_total_hours": 16})
    solved = solve_checked(data)
    assert solved.value("standby") == 0
    assert len(solved.result.standby) == 3


def test_standby_hours_count_only_through_callability() -> None:
    # 1 duty wanted on day 0, standby wanted on days 1..2, max_duty_hours_per_7_days 16: duty 8 h plus
    # one standby turned into duty = 16 h -> every standby callable: values [0, 0], 1 duty, 2 standbys.
    rules = [demand(1, dates=[day(0)]), demand(0, 0, 0, dates=[day(1), day(2)])]
    standby = {"overrides": [{"dates": [day(1), day(2)], "count": 1}]}
    data = instance([cadre("a")], days=3, checkpoints=[checkpoint(rules=rules)], standby=standby,
                    rules={"max_duty_hours_per_7_days": 16})
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 0]
    assert len(solved.result.standby) == 2


def test_standby_not_on_an_unavailable_shift() -> None:
    # Standby 1 a day for 2 days; the cadre is unavailable for D on day 1 -> standby value 1.
    data = instance([cadre("a", unavailable=[{"date": day(1), "shifts": ["D"]}])], checkpoints=NO_DUTY,
                    standby=ONE_STANDBY)
    solved = solve_checked(data)
    assert solved.value("standby") == 1
    assert [entry[1] for entry in solved.standbys()] == [0]
