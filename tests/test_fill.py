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

from .rules.helpers import cadre, demand, instance


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
