"""fill: open cells filled by free cadres, and cadres brought over to a cell below its minimum.

The instances use the rule-test defaults of ``tests/rules/helpers.py``
(community ``c1``, shift ``D`` 08:00-16:00, one day unless said). Each
filled roster is judged by the independent checker.
"""

from __future__ import annotations

from typing import Any

from models.loading import parse_instance
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar
from scheduler.model.variables import DutyKey, StandbyKey, roster_of_keys
from scheduler.search.fill import Filled, fill_open_cells

from .rules.helpers import cadre, day, demand, instance


def filled(
    data: dict[str, Any],
    duties: list[DutyKey],
    standby: list[StandbyKey] | None = None,
    *,
    move_cadres: bool = True,
    up_to_target: bool = False,
) -> Filled:
    """Fill the roster; assert the checker finds no fault in the result."""
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    result = fill_open_cells(
        calendar, duties, standby or [], move_cadres=move_cadres, up_to_target=up_to_target
    )
    assignments, standing = roster_of_keys(calendar, result.duties, result.standby)
    violations = evaluate(loaded, assignments, standing).violations
    assert violations == [], [str(violation) for violation in violations]
    return result


def two_checkpoints(first: dict[str, Any], second: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"id": "k1", "community": "c1", "risk": "low", "demand": [first]},
        {"id": "k2", "community": "c1", "risk": "low", "demand": [second]},
    ]


def on_duty(result: Filled, checkpoint: str) -> list[str]:
    return sorted(key.cadre for key in result.duties if key.checkpoint == checkpoint)


def test_a_free_cadre_fills_the_minimum() -> None:
    # k1 asks for one on day 0; nobody is rostered and a is free: a is added.
    result = filled(instance([cadre("a")], days=1), [])
    assert result.added == 1
    assert on_duty(result, "k1") == ["a"]


def test_a_standby_comes_over_to_a_cell_below_its_minimum() -> None:
    # a is c1's one standby on day 0 and the only cadre; k1 is empty. The minimum comes first: a goes
    # on duty at k1 and the standby is left open (nobody else is free). Without moves nothing changes.
    data = instance([cadre("a")], days=1, standby={"per_community": 1})
    standing = [StandbyKey("a", 0, "D", "c1")]
    result = filled(data, [], standing)
    assert on_duty(result, "k1") == ["a"] and result.standby == []
    kept = filled(data, [], standing, move_cadres=False)
    assert kept.added == 0 and kept.duties == [] and kept.standby == standing


def test_a_cadre_comes_over_from_a_cell_above_its_minimum() -> None:
    # k1 asks for 1 (target 2) and has a and b; k2 asks for 1 and is empty; nobody is free. One of
    # them comes over to k2; k1 keeps its minimum.
    data = instance([cadre("a"), cadre("b")], days=1, checkpoints=two_checkpoints(demand(1, 2), demand(1)))
    result = filled(data, [DutyKey("a", 0, "D", "k1"), DutyKey("b", 0, "D", "k1")])
    assert result.added == 1
    assert len(on_duty(result, "k1")) == 1 and len(on_duty(result, "k2")) == 1


def test_nobody_leaves_a_cell_at_its_minimum() -> None:
    # k1 asks for 1 and has a; k2 asks for 1 and is empty: moving a would only move the shortfall.
    data = instance([cadre("a")], days=1, checkpoints=two_checkpoints(demand(1), demand(1)))
    result = filled(data, [DutyKey("a", 0, "D", "k1")])
    assert result.added == 0
    assert on_duty(result, "k1") == ["a"] and on_duty(result, "k2") == []


def test_only_a_cadre_with_the_missing_skill_comes_over() -> None:
    # k2 asks for one medic; a and b stand at k1 (min 1, target 2) but only b is a medic: b comes over.
    data = instance(
        [cadre("a"), cadre("b", skills=["medical"])],
        days=1,
        checkpoints=two_checkpoints(demand(1, 2), demand(1, skills={"medical": 1})),
    )
    result = filled(data, [DutyKey("a", 0, "D", "k1"), DutyKey("b", 0, "D", "k1")])
    assert on_duty(result, "k2") == ["b"] and on_duty(result, "k1") == ["a"]


def test_up_to_target_only_adds() -> None:
    # k1 asks for 1 with a target of 3 (max 3); a is on duty, b and c are free: both are added.
    data = instance([cadre("a"), cadre("b"), cadre("c")], days=1, checkpoints=two_checkpoints(demand(1, 3), demand(0)))
    result = filled(data, [DutyKey("a", 0, "D", "k1")], move_cadres=False, up_to_target=True)
    assert result.added == 2
    assert on_duty(result, "k1") == ["a", "b", "c"]


def test_a_cadre_above_a_minimum_stands_by_where_standby_is_open() -> None:
    # k1 asks for 1 (target 2) and has a and b; c1 asks for one standby and has none; nobody is
    # free. Standby comes before targets: one of them stands by, k1 keeps its minimum.
    data = instance(
        [cadre("a"), cadre("b")], days=1, checkpoints=two_checkpoints(demand(1, 2), demand(0)),
        standby={"per_community": 1},
    )
    result = filled(data, [DutyKey("a", 0, "D", "k1"), DutyKey("b", 0, "D", "k1")])
    assert len(on_duty(result, "k1")) == 1 and len(result.standby) == 1
    assert {result.standby[0].cadre, *on_duty(result, "k1")} == {"a", "b"}
    kept = filled(data, [DutyKey("a", 0, "D", "k1"), DutyKey("b", 0, "D", "k1")], move_cadres=False)
    assert kept.standby == [] and on_duty(kept, "k1") == ["a", "b"]


def test_a_cadre_gives_up_a_standby_the_day_before_to_fill_a_minimum() -> None:
    # Two days, shifts N (20:00-08:00, night) and D (08:00-16:00), rest 12 h; k1 asks 1 on D only,
    # standby 1 on N only. a is the only cadre: standby on day 0 N (ends day 1 08:00), so D on day 1
    # is too close (0 h rest) and k1 is empty that day; on day 0 a is at k1 on D. The minimum comes
    # first: a gives up the standby of day 0 (nobody else may take it) and takes D on day 1.
    # Coverage 1 -> 0, standby 1 -> 2 missing.
    from .rules.helpers import D, N

    data = instance([cadre("a")], days=2, shifts=[D, N], rules={"min_rest_hours": 12},
                    standby={"per_community": 1, "overrides": [{"shifts": ["D"], "count": 0}]})
    data["checkpoints"][0]["demand"] = [demand(shifts=["D"])]
    result = filled(data, [DutyKey("a", 0, "D", "k1")], [StandbyKey("a", 0, "N", "c1")])
    assert sorted((key.day, key.shift) for key in result.duties) == [(0, "D"), (1, "D")]
    assert result.standby == []


def test_the_standby_given_up_is_the_nearest_that_leaves_no_run_too_short() -> None:
    # Five days; min_consecutive_work_days 3, max_consecutive_work_days 3. a, the only cadre, stands by
    # on days 1-3 (a run of 3); k1 asks 1 on day 4 only, which would make 4 work days in a row. Giving
    # up day 3 leaves the run 1-2 (2 days, closed by days off): too short; day 2 leaves day 1 alone: too
    # short; day 1 leaves 2-4, 3 days: a gives up day 1 and takes day 4.
    from .rules.helpers import day

    data = instance([cadre("a")], days=5, rules={"min_consecutive_work_days": 3, "max_consecutive_work_days": 3},
                    standby={"per_community": 0, "overrides": [{"dates": [day(1), day(2), day(3)], "count": 1}]})
    # k1 asks nobody on the other days (min 0, at most 1), so that a standby there can be called
    data["checkpoints"][0]["demand"] = [demand(0, 0, 1), demand(dates=[day(4)])]
    result = filled(data, [], [StandbyKey("a", offset, "D", "c1") for offset in (1, 2, 3)])
    assert [(key.day, key.checkpoint) for key in result.duties] == [(4, "k1")]
    assert sorted(key.day for key in result.standby) == [2, 3]


def test_a_duty_above_the_minimum_is_given_up_the_day_before_for_standby() -> None:
    # Two days, max_consecutive_work_days 1. a is at k1 on day 0 (k1 asks min 0, target 1: above the
    # minimum); c1 asks 1 standby on day 1 only, which a cannot take after working day 0. Standby comes
    # before targets: a gives up day 0 and stands by on day 1 (target 1 -> 2 missing, standby 1 -> 0).
    from .rules.helpers import day

    data = instance([cadre("a")], days=2, rules={"max_consecutive_work_days": 1},
                    standby={"per_community": 0, "overrides": [{"dates": [day(1)], "count": 1}]})
    data["checkpoints"][0]["demand"] = [demand(0, 1, 1)]
    result = filled(data, [DutyKey("a", 0, "D", "k1")])
    assert result.duties == []
    assert [(key.cadre, key.day) for key in result.standby] == [("a", 1)]


# -- two days at once: a lone day off, or of work, would be left --------------------------------

def _six_days(demand_rule: dict[str, Any], **extra: Any) -> dict[str, Any]:
    # a alone serves k1 over six days; two days off in a row at least (a lone day off breaks it)
    return instance([cadre("a")], days=6, checkpoints=[{"id": "k1", "community": "c1", "risk": "low",
                                                       "demand": [demand_rule]}],
                    rules={"min_consecutive_days_off": 2}, **extra)


WORKS_0_1_4_5 = [DutyKey("a", day, "D", "k1") for day in (0, 1, 4, 5)]


def test_two_days_off_are_filled_together_up_to_the_target() -> None:
    # k1 asks for 0, target 1 (max 1) every day; a works days 0, 1, 4 and 5. Day 2 alone would leave
    # day 3 a lone day off (and day 3 alone day 2): only the two together are allowed, and both are
    # below target. a takes both: 2 added, every day at target. Without targets nothing is added.
    result = filled(_six_days(demand(0, 1)), WORKS_0_1_4_5, move_cadres=False, up_to_target=True)
    assert result.added == 2
    assert sorted(key.day for key in result.duties) == [0, 1, 2, 3, 4, 5]
    assert filled(_six_days(demand(0, 1)), WORKS_0_1_4_5).added == 0


def test_a_minimum_is_filled_with_a_standby_the_next_day() -> None:
    # k1 asks for 1 on days 0-2 and 4-5 and 0 on day 3, where c1 asks for one standby. a works days
    # 0, 1, 4, 5 and nobody stands by. Day 2's minimum alone would leave day 3 a lone day off; with
    # day 3's open standby both are taken: coverage and standby improve together.
    rules = [demand(1, dates=[day(offset) for offset in (0, 1, 2, 4, 5)]), demand(0, dates=[day(3)])]
    data = instance([cadre("a")], days=6, checkpoints=[{"id": "k1", "community": "c1", "risk": "low",
                                                        "demand": rules}],
                    rules={"min_consecutive_days_off": 2},
                    standby={"per_community": 0, "overrides": [{"dates": [day(3)], "count": 1}]})
    result = filled(data, WORKS_0_1_4_5, move_cadres=False)
    assert sorted(key.day for key in result.duties) == [0, 1, 2, 4, 5]
    assert result.standby == [StandbyKey("a", 3, "D", "c1")]


def test_no_pair_where_the_other_day_has_nothing_open() -> None:
    # As the first test, but day 3's target is 0: a duty there would gain nothing, and day 2 alone
    # would leave a lone day off. Nothing is added; day 2 stays below its target.
    rules = [demand(0, 1, dates=[day(offset) for offset in (0, 1, 2, 4, 5)]), demand(0, 0, dates=[day(3)])]
    data = instance([cadre("a")], days=6, checkpoints=[{"id": "k1", "community": "c1", "risk": "low",
                                                        "demand": rules}],
                    rules={"min_consecutive_days_off": 2})
    result = filled(data, WORKS_0_1_4_5, move_cadres=False, up_to_target=True)
    assert result.added == 0 and sorted(key.day for key in result.duties) == [0, 1, 4, 5]


def test_a_pair_never_breaks_the_longest_run() -> None:
    # As the first test with max_consecutive_work_days 5: the two days would make a run of six. Nothing
    # is added.
    data = _six_days(demand(0, 1))
    data["rules"]["max_consecutive_work_days"] = 5
    result = filled(data, WORKS_0_1_4_5, move_cadres=False, up_to_target=True)
    assert result.added == 0


def test_two_days_of_open_standby_are_taken_together() -> None:
    # c1 asks for one standby on days 2 and 3 (k1 asks for 0 then, at most 1: a standby there is
    # callable) and a works days 0, 1, 4, 5 at k1. Either standby alone would leave a lone day off;
    # a stands by on both.
    rules = [demand(1, dates=[day(offset) for offset in (0, 1, 4, 5)]),
             demand(0, 0, max_count=1, dates=[day(2), day(3)])]
    data = instance([cadre("a")], days=6, checkpoints=[{"id": "k1", "community": "c1", "risk": "low",
                                                        "demand": rules}],
                    rules={"min_consecutive_days_off": 2},
                    standby={"per_community": 0, "overrides": [{"dates": [day(2), day(3)], "count": 1}]})
    result = filled(data, WORKS_0_1_4_5, move_cadres=False)
    assert sorted(key.day for key in result.standby) == [2, 3]
    assert sorted(key.day for key in result.duties) == [0, 1, 4, 5]


# -- a free cadre stands in where one leaves a cell at its minimum --------------------------------

def test_a_medic_comes_over_and_a_free_cadre_takes_their_place() -> None:
    # Day 0: k1 asks for 1 and has the medic m; k2 asks for 1 medic (at most 2) and is empty; n and o
    # are free. One of n, o fills k2's person but not its medic; m may not leave k1 at its minimum
    # unless the other free cadre takes m's place there. Then both cells are covered: k1 by the one
    # who stood in, k2 by m and the first.
    data = instance([cadre("m", skills=["medical"]), cadre("n"), cadre("o")], days=1,
                    checkpoints=two_checkpoints(demand(1), demand(1, 1, max_count=2, skills={"medical": 1})))
    result = filled(data, [DutyKey("m", 0, "D", "k1")])
    assert "m" in on_duty(result, "k2") and len(on_duty(result, "k2")) == 2
    assert on_duty(result, "k1") in (["n"], ["o"])


def test_a_medic_gives_up_a_duty_within_the_week_to_a_stand_in() -> None:
    # k1 asks for 1 on day 0 and has the medic m; k2 asks for 1 medic (at most 2) on day 1. Each
    # cadre may work 8 h a week: m is kept out of day 1 by day 0. m gives up day 0, which n or o
    # (whoever is free that week) takes, and serves k2 on day 1 beside the one who filled its person.
    data = instance([cadre("m", skills=["medical"]), cadre("n"), cadre("o")], days=2,
                    checkpoints=two_checkpoints(demand(1, dates=[day(0)]),
                                                demand(1, 1, max_count=2, skills={"medical": 1}, dates=[day(1)])),
                    rules={"max_duty_hours_per_7_days": 8})
    result = filled(data, [DutyKey("m", 0, "D", "k1")])
    assert "m" in on_duty(result, "k2") and len(on_duty(result, "k2")) == 2
    assert on_duty(result, "k1") in (["n"], ["o"])
