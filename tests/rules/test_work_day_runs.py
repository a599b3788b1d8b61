"""work_day_runs: max_consecutive_work_days and min_days_off_per_7_days (any work period makes a work day)."""

from __future__ import annotations

from datetime import date

from .helpers import cadre, cadres, checkpoint, demand, instance, solve_checked

NO_DUTY = [checkpoint(rules=[demand(0, 0, 0)])]


def test_max_consecutive_work_days_one_cadre() -> None:
    # 1 cadre, 5 days, demand 1 a day, max_consecutive_work_days 2: the only way to work 4 days is
    # W W - W W -> coverage 1 and the cadre is off on day 2.
    solved = solve_checked(instance([cadre("a")], days=5, rules={"max_consecutive_work_days": 2}))
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [0, 1, 3, 4]


def test_max_consecutive_work_days_three_cadres() -> None:
    # 3 cadres, max 2 in a row over 5 days, demand 1 a day: coverage reachable = 5; the solver assigns
    # exactly 5 (max 1 per cell) and nobody works 3 consecutive days.
    solved = solve_checked(instance(cadres(3), days=5, rules={"max_consecutive_work_days": 2}))
    assert solved.value("coverage") == 0
    assert len(solved.result.assignments) == 5
    for member in ("a0", "a1", "a2"):
        worked = set(solved.duty_days(member))
        assert not any({first, first + 1, first + 2} <= worked for first in range(3))


def test_min_days_off_per_7_days() -> None:
    # 1 cadre, 7 days, min_days_off_per_7_days 2: window [0, 6] lies inside the horizon -> at most 5
    # duty days -> coverage 2. (Earlier windows reach back over empty days, which are days off.)
    solved = solve_checked(instance([cadre("a")], days=7, rules={"min_days_off_per_7_days": 2}))
    assert solved.value("coverage") == 2
    assert len(solved.result.assignments) == 5


def test_min_days_off_short_horizon_uses_days_before() -> None:
    # 3 days only: every window reaches back over at least 4 empty days -> 3 duties, coverage 0.
    solved = solve_checked(instance([cadre("a")], days=3, rules={"min_days_off_per_7_days": 2}))
    assert solved.value("coverage") == 0


def test_standby_days_are_work_days() -> None:
    # No duty wanted, standby 1 a day, 1 cadre, 5 days, max_consecutive_work_days 2 -> standby on
    # days 0, 1, 3, 4 only: standby value 1.
    data = instance([cadre("a")], days=5, checkpoints=NO_DUTY, standby={"per_community": 1},
                    rules={"max_consecutive_work_days": 2})
    solved = solve_checked(data)
    assert solved.value("standby") == 1
    assert sorted(entry[1] for entry in solved.standbys("a")) == [0, 1, 3, 4]


def test_unit_workdays_are_work_days() -> None:
    # Dual cadre, unit Mon-Fri 08:30-17:30; horizon Sat 2024-01-06 for 2 days; D 08-16 wanted both days.
    # Mon-Fri before the horizon are unit workdays (a run of 5); max_consecutive_work_days 5 -> no duty
    # on Saturday (run 6); Sunday after a free Saturday is fine -> coverage 1.
    data = instance([cadre("a", unit="u", mode="dual")], start=date(2024, 1, 6), units=[{"id": "u"}],
                    rules={"max_consecutive_work_days": 5})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1]


def test_seconded_cadre_of_the_same_unit_is_not_bound_by_unit_days() -> None:
    # Control: a seconded cadre has no unit hours -> both weekend days, coverage 0.
    data = instance([cadre("a", unit="u", mode="seconded")], start=date(2024, 1, 6), units=[{"id": "u"}],
                    rules={"max_consecutive_work_days": 5})
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
