"""shift_types: max_shifts_by_type ({shift: n}) duty shifts of a type over the horizon."""

from __future__ import annotations

from .helpers import D, N, cadre, instance, solve_checked


def test_max_shifts_by_type() -> None:
    # Only N wanted, 3 days, 1 cadre, max_shifts_by_type {"N": 1} -> 1 night, coverage 2.
    solved = solve_checked(instance([cadre("a")], days=3, shifts=[N], rules={"max_shifts_by_type": {"N": 1}}))
    assert solved.value("coverage") == 2
    assert len(solved.result.assignments) == 1


def test_other_types_are_free() -> None:
    # D and N wanted, 3 days, 1 cadre (1 duty a day), {"N": 0}: D every day -> coverage 3, no night.
    data = instance([cadre("a")], days=3, shifts=[D, N], rules={"max_shifts_by_type": {"N": 0}})
    solved = solve_checked(data)
    assert solved.value("coverage") == 3
    assert solved.duties(shift="N") == []
    assert solved.duty_days("a") == [0, 1, 2]


def test_personal_limit_null_lifts_the_general_one() -> None:
    # General {"N": 1}; a lifts it (limits max_shifts_by_type null), b keeps it; 3 nights, demand 1:
    # fairness would give b more, but b can do only 1 -> a 2, b 1 (fairness best under the cap), coverage 0.
    data = instance([cadre("a", limits={"max_shifts_by_type": None}), cadre("b")], days=3, shifts=[N],
                    rules={"max_shifts_by_type": {"N": 1}})
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
    assert len(solved.duty_days("a")) == 2
    assert len(solved.duty_days("b")) == 1


def test_standby_of_a_capped_type_must_stay_callable() -> None:
    # Only N, 2 days, 1 cadre, {"N": 1}, standby 1 a night: one night on duty; a standby on the other
    # night would be a second N once turned into duty -> no standby, values [1, 2].
    data = instance([cadre("a")], shifts=[N], standby={"per_community": 1}, rules={"max_shifts_by_type": {"N": 1}})
    solved = solve_checked(data)
    assert solved.values[:2] == [1, 2]
    assert solved.result.standby == []
