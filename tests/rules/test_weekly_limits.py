"""weekly_limits: max_hours_per_7_days (duty + unit + busy) and max_duty_hours_per_7_days, every 7-day window."""

from __future__ import annotations

from .helpers import cadre, checkpoint, day, demand, instance, solve_checked

BUSY_TUESDAY = [{"start": f"{day(1)}T08:00", "end": f"{day(1)}T18:00"}]  # 10 h, overlaps Tuesday's D


def test_max_duty_hours_per_7_days() -> None:
    # D 8 h, 7 days, 1 cadre, max_duty_hours_per_7_days 40: the window [0, 6] holds at most 5 duties
    # -> coverage 2 (7 wanted, 5 given).
    solved = solve_checked(instance([cadre("a")], days=7, rules={"max_duty_hours_per_7_days": 40}))
    assert solved.value("coverage") == 2
    assert len(solved.result.assignments) == 5


def test_equal_duty_hours_are_allowed() -> None:
    # 39.99 h would allow only 4 duties; 40 allows 5 (above). Check 39.5 -> 4 duties, coverage 3.
    solved = solve_checked(instance([cadre("a")], days=7, rules={"max_duty_hours_per_7_days": 39.5}))
    assert solved.value("coverage") == 3


def test_windows_reach_back_only_over_empty_days() -> None:
    # 3 days, max_duty_hours_per_7_days 8: every window holds days 0..2 -> a single duty, coverage 2.
    solved = solve_checked(instance([cadre("a")], days=3, rules={"max_duty_hours_per_7_days": 8}))
    assert solved.value("coverage") == 2
    assert len(solved.result.assignments) == 1


def test_max_hours_per_7_days_counts_busy_hours() -> None:
    # Busy Tuesday 08:00-18:00 (10 h) blocks Tuesday's D. max_hours_per_7_days 40 over 7 days:
    # 10 + 8k <= 40 -> k = 3 duties on the 6 other days -> coverage 4.
    data = instance([cadre("a", busy=BUSY_TUESDAY)], days=7, rules={"max_hours_per_7_days": 40})
    solved = solve_checked(data)
    assert solved.value("coverage") == 4
    assert len(solved.result.assignments) == 3
    assert solved.duties("a", offset=1) == []


def test_max_duty_hours_per_7_days_ignores_busy_hours() -> None:
    # The same with max_duty_hours_per_7_days 40 instead: busy does not count -> 5 duties among the 6
    # free days -> coverage 2.
    data = instance([cadre("a", busy=BUSY_TUESDAY)], days=7, rules={"max_duty_hours_per_7_days": 40})
    solved = solve_checked(data)
    assert solved.value("coverage") == 2
    assert len(solved.result.assignments) == 5


def test_max_hours_per_7_days_counts_unit_hours() -> None:
    # Dual cadre, unit Mon-Fri 08:30-17:30 (9 h), E 18:00-22:00 (4 h) wanted every day of the week
    # starting Monday 2024-01-01. Every 7-day window ending inside the horizon holds five unit workdays
    # (windows reach back: the one ending day 0 holds Tue-Fri of the week before and Monday) = 45 h.
    # max_hours_per_7_days 49 leaves 4 h: two duties on days i < j would share the window ending j
    # (53 h) -> exactly one duty in the week, coverage 6.
    from .helpers import E

    data = instance([cadre("a", unit="u", mode="dual")], days=7, shifts=[E], units=[{"id": "u"}],
                    rules={"max_hours_per_7_days": 49})
    solved = solve_checked(data)
    assert solved.value("coverage") == 6
    assert len(solved.result.assignments) == 1


def test_personal_limit_lifted_with_null() -> None:
    # General max_duty_hours_per_7_days 8, 3 days, demand 2 a day; a lifts the limit (null), b keeps it
    # -> a works all 3 days, b one day: 4 of 6 covered, coverage 2.
    data = instance(
        [cadre("a", limits={"max_duty_hours_per_7_days": None}), cadre("b")], days=3,
        checkpoints=[checkpoint(rules=[demand(2)])], rules={"max_duty_hours_per_7_days": 8},
    )
    solved = solve_checked(data)
    assert solved.value("coverage") == 2
    assert solved.duty_days("a") == [0, 1, 2]
    assert len(solved.duty_days("b")) == 1
