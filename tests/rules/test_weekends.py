"""weekends: max_weekends (Saturday + Sunday; a lone Sunday at the start, a lone Saturday at the end)."""

from __future__ import annotations

from datetime import date

from .helpers import cadre, checkpoint, demand, instance, solve_checked

SATURDAY = date(2024, 1, 6)
SUNDAY = date(2024, 1, 7)
WEEKEND_DEMAND = [checkpoint(rules=[demand(1, weekdays=["sat", "sun"])])]


def test_max_weekends_one_of_two() -> None:
    # Horizon Sat 2024-01-06 for 9 days (two full weekends), demand on Sat/Sun only, 1 cadre,
    # max_weekends 1: one weekend, both days -> 2 covered, coverage 2; both duties in the same weekend.
    data = instance([cadre("a")], start=SATURDAY, days=9, checkpoints=WEEKEND_DEMAND, rules={"max_weekends": 1})
    solved = solve_checked(data)
    assert solved.value("coverage") == 2
    assert solved.duty_days("a") in ([0, 1], [7, 8])


def test_lone_sunday_and_lone_saturday() -> None:
    # Horizon Sun 2024-01-07 for 7 days (Sun .. Sat): the Sunday at the start and the Saturday at the end
    # are two separate weekends. max_weekends 1 -> one of them, coverage 1.
    data = instance([cadre("a")], start=SUNDAY, days=7, checkpoints=WEEKEND_DEMAND, rules={"max_weekends": 1})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert len(solved.result.assignments) == 1


def test_weekdays_do_not_count() -> None:
    # Mon-Fri demand only, max_weekends 0 -> all five covered.
    data = instance([cadre("a")], days=5, rules={"max_weekends": 0})
    solved = solve_checked(data)
    assert solved.value("coverage") == 0


def test_max_weekends_zero_blocks_weekend_days() -> None:
    # Mon 2024-01-01 for 7 days, demand every day, max_weekends 0 -> Sat and Sun uncovered, coverage 2.
    solved = solve_checked(instance([cadre("a")], days=7, rules={"max_weekends": 0}))
    assert solved.value("coverage") == 2
    assert solved.duty_days("a") == [0, 1, 2, 3, 4]


def test_weekend_standby_must_stay_callable() -> None:
    # Horizon Sat 2024-01-06 for 8 days (weekend Jan 6-7, lone Saturday Jan 13), demand and standby
    # (override count 1 on sat/sun) only at weekends, 1 cadre, max_weekends 1. Coverage first: the full
    # weekend (2 duties), coverage 1 (Jan 13). A standby on Jan 13, turned into duty, would be a second
    # weekend -> no standby: standby value 3.
    standby = {"overrides": [{"weekdays": ["sat", "sun"], "count": 1}]}
    data = instance([cadre("a")], start=SATURDAY, days=8, checkpoints=WEEKEND_DEMAND, standby=standby,
                    rules={"max_weekends": 1})
    solved = solve_checked(data)
    assert solved.values[:2] == [1, 3]
    assert solved.duty_days("a") == [0, 1]
    assert solved.result.standby == []
