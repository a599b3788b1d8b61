"""unit_presence: max_away, at most that many of a unit's cadres on duty or standby inside its unit hours."""

from __future__ import annotations

from datetime import date

import pytest

from .helpers import N, cadre, checkpoint, demand, instance, solve_checked

FRIDAY = date(2024, 1, 5)


def unit(max_away: int) -> list[dict[str, object]]:
    return [{"id": "u", "max_away": max_away}]


def two_seconded() -> list[dict[str, object]]:
    return [cadre("a", unit="u", mode="seconded"), cadre("b", unit="u", mode="seconded")]


def test_max_away_on_a_workday_only() -> None:
    # Unit u (Mon-Fri 08:30-17:30) with max_away 1, two seconded cadres of u, D 08-16 wanted 2 a day,
    # horizon Fri + Sat. Friday: D covers unit hours -> only 1 away; Saturday is no workday -> 2.
    # -> coverage 1, one duty on Friday, two on Saturday.
    data = instance(two_seconded(), start=FRIDAY, units=unit(1), checkpoints=[checkpoint(rules=[demand(2)])])
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert len(solved.duties(offset=0)) == 1
    assert len(solved.duties(offset=1)) == 2


def test_max_away_zero_and_cadres_without_unit() -> None:
    # max_away 0 keeps the unit's cadre home on Friday; a cadre without unit is free. D wanted 2 on Friday.
    members = [cadre("a", unit="u", mode="seconded"), cadre("free")]
    data = instance(members, start=FRIDAY, days=1, units=unit(0), checkpoints=[checkpoint(rules=[demand(2)])])
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert [entry[0] for entry in solved.duties()] == ["free"]


def test_night_shifts_outside_unit_hours_do_not_count() -> None:
    # N 20:00-08:00 Mon (ends Tue 08:00, before 08:30), 2 wanted, max_away 1, 1 day -> both on duty.
    data = instance(two_seconded(), days=1, shifts=[N], units=unit(1), checkpoints=[checkpoint(rules=[demand(2)])])
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
    assert len(solved.result.assignments) == 2


def test_standby_counts_as_away() -> None:
    # max_away 1, 2 seconded cadres, Friday + Saturday, 1 duty and 1 standby wanted a day: Friday can hold
    # only the duty (standby value 1), Saturday both.
    data = instance(two_seconded(), start=FRIDAY, units=unit(1), standby={"per_community": 1})
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 1]
    assert [entry[1] for entry in solved.standbys()] == [1]


@pytest.mark.parametrize(("start", "end", "coverage"), [("16:00", "20:00", 1), ("17:30", "21:30", 0)])
def test_a_shift_counts_when_it_starts_inside_unit_hours(start: str, end: str, coverage: int) -> None:
    # 2 wanted on Friday, max_away 1. A shift 16:00-20:00 starts inside unit hours (they end 17:30)
    # -> only 1 away, coverage 1. A shift 17:30-21:30 starts when unit hours end (they are
    # [08:30, 17:30)) -> both away allowed, coverage 0.
    late = {"id": "L", "start": start, "end": end}
    data = instance(two_seconded(), start=FRIDAY, days=1, shifts=[late], units=unit(1),
                    checkpoints=[checkpoint(rules=[demand(2)])])
    solved = solve_checked(data)
    assert solved.value("coverage") == coverage
