"""successions: forbidden_successions [[a, b]]: duty b never on the day after duty a (history counts)."""

from __future__ import annotations

import pytest

from .helpers import D, N, cadre, checkpoint, day, demand, instance, solve_checked

N_THEN_D = [checkpoint(rules=[demand(1, dates=[day(0)], shifts=["N"]), demand(1, dates=[day(1)], shifts=["D"])])]
D_THEN_N = [checkpoint(rules=[demand(1, dates=[day(0)], shifts=["D"]), demand(1, dates=[day(1)], shifts=["N"])])]


def test_without_the_rule_night_then_day() -> None:
    # N on day 0 (ends 08:00 day 1), D on day 1 (starts 08:00): touching, no rest rule -> both covered.
    solved = solve_checked(instance([cadre("a")], shifts=[D, N], checkpoints=N_THEN_D))
    assert solved.value("coverage") == 0


def test_forbidden_night_then_day() -> None:
    # The same with [["N", "D"]] -> one of the two, coverage 1.
    solved = solve_checked(instance([cadre("a")], shifts=[D, N], checkpoints=N_THEN_D,
                                    rules={"forbidden_successions": [["N", "D"]]}))
    assert solved.value("coverage") == 1
    assert len(solved.result.assignments) == 1


def test_other_direction_is_allowed() -> None:
    # [["N", "D"]] does not forbid D then N -> both covered.
    solved = solve_checked(instance([cadre("a")], shifts=[D, N], checkpoints=D_THEN_N,
                                    rules={"forbidden_successions": [["N", "D"]]}))
    assert solved.value("coverage") == 0


def test_history_shift_before_the_horizon_counts() -> None:
    # History N on the day before the horizon, [["N", "D"]], D wanted on days 0 and 1 -> day 0 blocked,
    # coverage 1, duty on day 1 only.
    history = [{"date": day(-1), "shift": "N"}]
    solved = solve_checked(instance([cadre("a", history=history)], shifts=[D, N],
                                    checkpoints=[checkpoint(rules=[demand(1, shifts=["D"])])],
                                    rules={"forbidden_successions": [["N", "D"]]}))
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1]


def test_standby_after_a_forbidden_predecessor_is_not_callable() -> None:
    # N wanted on day 0; standby wanted for D on day 1 (a min-0 rule makes D on day 1 callable).
    # [["N", "D"]]: after the N duty, a D standby turned into duty is forbidden -> standby value 1.
    # Without the rule the standby is given (next test).
    rules = [demand(1, dates=[day(0)], shifts=["N"]), demand(0, 0, 0, dates=[day(1)], shifts=["D"])]
    standby = {"overrides": [{"dates": [day(1)], "shifts": ["D"], "count": 1}]}
    data = instance([cadre("a")], shifts=[D, N], checkpoints=[checkpoint(rules=rules)], standby=standby,
                    rules={"forbidden_successions": [["N", "D"]]})
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 1]
    assert solved.result.standby == []


def test_standby_after_a_permitted_predecessor() -> None:
    rules = [demand(1, dates=[day(0)], shifts=["N"]), demand(0, 0, 0, dates=[day(1)], shifts=["D"])]
    standby = {"overrides": [{"dates": [day(1)], "shifts": ["D"], "count": 1}]}
    data = instance([cadre("a")], shifts=[D, N], checkpoints=[checkpoint(rules=rules)], standby=standby)
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 0]
    assert len(solved.result.standby) == 1


def test_two_standbys_may_follow_each_other() -> None:
    # No duty wanted, standby N on day 0 and D on day 1, [["N", "D"]]: each standby is judged alone
    # (the other stays a standby) -> both given, standby value 0.
    rules = [demand(0, 0, 0)]
    standby = {"overrides": [{"dates": [day(0)], "shifts": ["N"], "count": 1},
                             {"dates": [day(1)], "shifts": ["D"], "count": 1}]}
    data = instance([cadre("a")], shifts=[D, N], checkpoints=[checkpoint(rules=rules)], standby=standby,
                    rules={"forbidden_successions": [["N", "D"]]})
    solved = solve_checked(data)
    assert solved.value("standby") == 0
    assert len(solved.result.standby) == 2


def test_a_pair_listed_twice_forbids_no_more() -> None:
    # [["D", "D"], ["D", "D"]] with a history D before the horizon, D wanted on days 0 and 1:
    # day 0 is blocked (D after D), day 1 follows a free day -> duty on day 1 only, coverage 1
    # (found by hypothesis: the repeated pair once counted the day-1 duty twice and blocked it).
    history = [{"date": day(-1), "shift": "D"}]
    solved = solve_checked(instance([cadre("a", history=history)], rules={"forbidden_successions": [["D", "D"]] * 2}))
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1]


OVERLAPPING = [
    {"id": "A", "start": "06:00", "end": "14:00"},
    {"id": "B", "start": "08:00", "end": "16:00"},
    {"id": "C", "start": "10:00", "end": "18:00"},
]


@pytest.mark.parametrize("first", ["A", "B", "C"])
@pytest.mark.parametrize("second", ["A", "B", "C"])
def test_one_shift_a_day_every_pair_as_listed(first: str, second: str) -> None:
    # A, B and C overlap, so a day holds one of them and the rule is kept by one clique per
    # follower set ({B, C} after A, {C} after B). Forbidden: A->B, A->C, B->C; first wanted on
    # day 0 and second on day 1 -> coverage 1 for those three pairs, 0 for the other six.
    rules = [demand(1, dates=[day(0)], shifts=[first]), demand(1, dates=[day(1)], shifts=[second])]
    solved = solve_checked(
        instance(
            [cadre("a")],
            shifts=OVERLAPPING,
            checkpoints=[checkpoint(rules=rules)],
            rules={"forbidden_successions": [["A", "B"], ["A", "C"], ["B", "C"]]},
        )
    )
    forbidden = (first, second) in {("A", "B"), ("A", "C"), ("B", "C")}
    assert solved.value("coverage") == (1 if forbidden else 0)
