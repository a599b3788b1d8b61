"""night_limits: max_night_shifts_per_7_days and max_consecutive_nights (night duty only)."""

from __future__ import annotations

from .helpers import D, N, cadre, checkpoint, demand, instance, solve_checked


def test_max_night_shifts_per_7_days() -> None:
    # Only N, 5 days, 1 cadre, max_night_shifts_per_7_days 2 -> 2 nights, coverage 3.
    solved = solve_checked(instance([cadre("a")], days=5, shifts=[N], rules={"max_night_shifts_per_7_days": 2}))
    assert solved.value("coverage") == 3
    assert len(solved.result.assignments) == 2


def test_max_consecutive_nights() -> None:
    # Only N, 5 days, max_consecutive_nights 2 -> N N - N N, coverage 1, no night on day 2.
    solved = solve_checked(instance([cadre("a")], days=5, shifts=[N], rules={"max_consecutive_nights": 2}))
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [0, 1, 3, 4]


def test_day_shifts_are_not_nights() -> None:
    # Only D (not a night), 5 days, both night limits 0 -> every day covered.
    rules = {"max_night_shifts_per_7_days": 0, "max_consecutive_nights": 0}
    solved = solve_checked(instance([cadre("a")], days=5, rules=rules))
    assert solved.value("coverage") == 0


def test_consecutive_nights_broken_by_a_day_shift() -> None:
    # D and N wanted every day, 4 days, 1 cadre (1 duty a day), max_consecutive_nights 1,
    # min_rest_hours none. Every day can be covered once (alternate N, D or all D) -> coverage 4;
    # no two consecutive days both hold a night.
    solved = solve_checked(instance([cadre("a")], days=4, shifts=[D, N], rules={"max_consecutive_nights": 1}))
    assert solved.value("coverage") == 4
    nights = sorted(entry[1] for entry in solved.duties("a", shift="N"))
    assert all(second - first > 1 for first, second in zip(nights, nights[1:], strict=False))


def test_night_standby_must_stay_callable() -> None:
    # Only N, 2 days, N wanted min 1, standby 1 a night, 1 cadre, max_night_shifts_per_7_days 1:
    # one night on duty (coverage 1); a standby on the other night, turned into duty, would be a
    # second night in the window -> no standby, standby value 2.
    data = instance([cadre("a")], shifts=[N], standby={"per_community": 1},
                    rules={"max_night_shifts_per_7_days": 1})
    solved = solve_checked(data)
    assert solved.values[:2] == [1, 2]
    assert solved.result.standby == []


def test_night_standby_with_room_is_given() -> None:
    # Control: 2 cadres, 2 nights, max_night_shifts_per_7_days 2: each night one duty and one standby
    # (a standby turned into duty is at most the cadre's second night) -> values [0, 0], 2 standbys.
    data = instance([cadre("a"), cadre("b")], shifts=[N], standby={"per_community": 1},
                    checkpoints=[checkpoint(rules=[demand(1)])], rules={"max_night_shifts_per_7_days": 2})
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 0]
    assert len(solved.result.standby) == 2
