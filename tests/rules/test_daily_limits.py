"""daily_limits: max_hours_per_day (duty + unit + busy) and max_duty_shifts_per_day (default 1)."""

from __future__ import annotations

from datetime import date

from .helpers import D, E, cadre, checkpoint, demand, instance, solve_checked

LATE = {"id": "L", "start": "16:00", "end": "22:00"}  # 6 h, touching D (8 h)


def test_default_one_duty_shift_per_day() -> None:
    # D and L both wanted, 2 days, 1 cadre, no limits given: the default max_duty_shifts_per_day 1
    # -> one duty per day, coverage 2.
    solved = solve_checked(instance([cadre("a")], shifts=[D, LATE]))
    assert solved.value("coverage") == 2
    assert [len(solved.duties("a", offset=offset)) for offset in (0, 1)] == [1, 1]


def test_null_lifts_the_daily_shift_cap() -> None:
    # The same with max_duty_shifts_per_day null -> both shifts each day, coverage 0, 4 duties.
    solved = solve_checked(instance([cadre("a")], shifts=[D, LATE], rules={"max_duty_shifts_per_day": None}))
    assert solved.value("coverage") == 0
    assert len(solved.result.assignments) == 4


def test_personal_limit_replaces_the_general_cap() -> None:
    # General cap 1, cadre a's own limits max_duty_shifts_per_day 2 -> a does both shifts both days.
    data = instance([cadre("a", limits={"max_duty_shifts_per_day": 2})], shifts=[D, LATE])
    solved = solve_checked(data)
    assert solved.value("coverage") == 0


def test_max_hours_per_day() -> None:
    # No shift cap; D 8 h + L 6 h = 14 h. max_hours_per_day 13 -> one shift a day (coverage 2);
    # max_hours_per_day 14 (equal is allowed) -> both (coverage 0).
    tight = solve_checked(instance([cadre("a")], shifts=[D, LATE],
                                   rules={"max_duty_shifts_per_day": None, "max_hours_per_day": 13}))
    assert tight.value("coverage") == 2
    exact = solve_checked(instance([cadre("a")], shifts=[D, LATE],
                                   rules={"max_duty_shifts_per_day": None, "max_hours_per_day": 14}))
    assert exact.value("coverage") == 0


def test_max_hours_per_day_counts_unit_hours() -> None:
    # Dual cadre, unit hours 08:30-17:30 (9 h) Mon-Fri; E 18:00-22:00 (4 h); horizon Fri 2024-01-05 + Sat.
    # max_hours_per_day 12: Friday 9 + 4 = 13 > 12 -> no duty; Saturday 4 h -> duty. Coverage 1.
    # With 13 both days are possible (coverage 0).
    friday = date(2024, 1, 5)
    members = [cadre("a", unit="u", mode="dual")]
    tight = solve_checked(instance(members, start=friday, shifts=[E], units=[{"id": "u"}],
                                   rules={"max_hours_per_day": 12}))
    assert tight.value("coverage") == 1
    assert tight.duty_days("a") == [1]
    loose = solve_checked(instance(members, start=friday, shifts=[E], units=[{"id": "u"}],
                                   rules={"max_hours_per_day": 13}))
    assert loose.value("coverage") == 0


def test_max_hours_per_day_counts_busy_hours() -> None:
    # Busy Monday 00:00-04:00 (4 h), D 8 h, max_hours_per_day 10 -> no duty Monday; Tuesday fine.
    busy = [{"start": "2024-01-01T00:00", "end": "2024-01-01T04:00"}]
    solved = solve_checked(instance([cadre("a", busy=busy)], rules={"max_hours_per_day": 10}))
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1]


def test_a_night_counts_toward_the_day_it_starts() -> None:
    # N 20:00-08:00 (12 h) and D 08:00-16:00 (8 h), no shift cap, max_hours_per_day 12, 2 days:
    # D0 + N0 = 20 h on day 0 -> not both; N0 (day 0) + D1 (day 1) are on different days -> allowed.
    # Wanted: D on day 1 and N on day 0 only (dated rules) -> both covered.
    from .helpers import N, day

    rules = [demand(dates=[day(0)], shifts=["N"]), demand(dates=[day(1)], shifts=["D"])]
    data = instance([cadre("a")], shifts=[D, N], checkpoints=[checkpoint(rules=rules)],
                    rules={"max_duty_shifts_per_day": None, "max_hours_per_day": 12})
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
