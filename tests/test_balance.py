"""balance: duties handed from the most to the least loaded cadre of a group, worked out by hand.

The instances use the rule-test defaults of ``tests/rules/helpers.py``: one
checkpoint ``k1`` of community ``c1`` asking for one cadre on shift ``D``
(08:00-16:00, 480 weighted minutes, 48,000 load units) every day. Every
balanced roster is judged by the independent checker.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, event, given, settings

from models.loading import parse_instance
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar
from scheduler.model.variables import DutyKey, StandbyKey, roster_of_keys
from scheduler.search.balance import Balanced, balance_loads
from scheduler.search.dispatch import dispatch

from .rules.helpers import D, cadre, day, demand, instance
from .test_properties import SCALE, instances


def balanced(data: dict[str, Any], holders: list[str]) -> Balanced:
    """Balance the roster where ``holders[d]`` is on duty at k1 on day d; assert the checker passes."""
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    duties = [DutyKey(holder, offset, "D", "k1") for offset, holder in enumerate(holders)]
    result = balance_loads(calendar, duties, [], seconds=10.0)
    assignments, _ = roster_of_keys(calendar, result.duties, [])
    evaluation = evaluate(loaded, assignments, [])
    assert evaluation.violations == [], [str(violation) for violation in evaluation.violations]
    return result


def days_of(result: Balanced) -> dict[str, list[int]]:
    days: dict[str, list[int]] = {}
    for key in sorted(result.duties, key=lambda key: key.day):
        days.setdefault(key.cadre, []).append(key.day)
    return days


def test_the_loaded_cadre_hands_over_until_the_pair_is_even() -> None:
    # a holds all 4 days: 4 * 48,000 / 4 available days = 48,000 a day; b holds nothing: 0.
    # First move: a 36,000, b 12,000 (gap 48,000 -> 24,000). Second: 24,000 each (gap 0).
    # A third would only swap the roles, so the balance stops at two each.
    result = balanced(instance([cadre("a"), cadre("b")], days=4), ["a", "a", "a", "a"])
    assert result.moves == 2
    days = days_of(result)
    assert len(days["a"]) == 2 and len(days["b"]) == 2
    assert sorted(days["a"] + days["b"]) == [0, 1, 2, 3]  # every day still covered once


def test_a_skill_the_cell_needs_stays() -> None:
    # The cell asks for one medic; only a is one, so b may not take a's place anywhere.
    data = instance(
        [cadre("a", skills=["medical"]), cadre("b")],
        days=4,
        checkpoints=[{"id": "k1", "community": "c1", "risk": "low", "demand": [demand(1, skills={"medical": 1})]}],
    )
    result = balanced(data, ["a", "a", "a", "a"])
    assert result.moves == 0
    assert days_of(result) == {"a": [0, 1, 2, 3]}


def test_a_taker_takes_only_what_its_rules_allow() -> None:
    # b is unavailable on days 0-2, so b can take only day 3: one available day, so the duty makes
    # b's load 48,000 a day while a's falls from 48,000 to 36,000 (gap 48,000 -> 12,000). Then b is
    # the more loaded, but handing day 3 back would leave a gap of 48,000: no further move.
    unavailable = [{"date": day(offset)} for offset in range(3)]
    result = balanced(instance([cadre("a"), cadre("b", unavailable=unavailable)], days=4), ["a", "a", "a", "a"])
    assert result.moves == 1
    assert days_of(result) == {"a": [0, 1, 2], "b": [3]}


def test_no_handing_over_between_groups() -> None:
    # a is seconded from unit u1, b has no unit: different fairness groups, so nothing moves.
    data = instance(
        [cadre("a", unit="u1", mode="seconded"), cadre("b")],
        days=4,
        units=[{"id": "u1"}],
    )
    result = balanced(data, ["a", "a", "a", "a"])
    assert result.moves == 0



def test_across_groups_the_pair_s_spread_shrinks() -> None:
    # Seconded: s1 (c1) holds k1 on all 4 days (48,000 a day), s2 (c2) holds k2 on days 0-1
    # (24,000): mean 36,000, a quarter 9,000. No unit: n2 (c3) holds k3 on days 0-1 (24,000), n1
    # (c1) nothing: mean 12,000, a quarter 3,000. Both groups have 2 cadres: weight 1 each. Only
    # n1 may relieve s1 (the same community). One day handed over (12,000), against the means as
    # they stand: s1 deviation 12,000 -> 0 (15,000 -> 0), n1 12,000 -> 0 (30,000 -> 0): taken.
    # A second, against the new means 30,000 and 18,000: s1 6,000 -> 6,000 and n1 6,000 -> 6,000
    # (6,000 and 7,500 either way): the pair's spread does not shrink, so it is not made; n2 has
    # nobody in c3 to hand to.
    checkpoints = [
        {"id": "k1", "community": "c1", "risk": "low", "demand": [demand(1)]},
        {"id": "k2", "community": "c2", "risk": "low", "demand": [demand(0, 1)]},
        {"id": "k3", "community": "c3", "risk": "low", "demand": [demand(0, 1)]},
    ]
    data = instance(
        [
            cadre("s1", unit="u1", mode="seconded"),
            cadre("s2", unit="u1", mode="seconded", communities=["c2"]),
            cadre("n1"),
            cadre("n2", communities=["c3"]),
        ],
        days=4,
        checkpoints=checkpoints,
        communities=["c1", "c2", "c3"],
        units=[{"id": "u1"}],
    )
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    duties = [DutyKey("s1", offset, "D", "k1") for offset in range(4)]
    duties += [DutyKey("s2", offset, "D", "k2") for offset in range(2)]
    duties += [DutyKey("n2", offset, "D", "k3") for offset in range(2)]
    result = balance_loads(calendar, duties, [], seconds=10.0)
    assert result.moves == 1
    moved = [key for key in result.duties if key.cadre == "n1"]
    assert len(moved) == 1 and moved[0].checkpoint == "k1"
    assert sum(1 for key in result.duties if key.cadre == "s1") == 3


def test_a_taker_rostered_that_day_swaps_its_lighter_item() -> None:
    # Two checkpoints each day: k1 on D (08-16, 8 h: 48,000) and k2 on E (08-12, 4 h: 24,000).
    # a holds D on both days (48,000 a day), b holds E on both (24,000): mean 36,000. b is rostered
    # every day, so nothing can simply be handed over; a swap of day 0 (a takes E, b takes D) moves
    # 24,000 units over 2 days: both at 36,000. Then they are even and nothing more moves.
    short = {"id": "E", "start": "08:00", "end": "12:00"}
    checkpoints = [
        {"id": "k1", "community": "c1", "risk": "low", "demand": [{**demand(1), "shifts": ["D"]}]},
        {"id": "k2", "community": "c1", "risk": "low", "demand": [{**demand(1), "shifts": ["E"]}]},
    ]
    data = instance([cadre("a"), cadre("b")], days=2, shifts=[D, short], checkpoints=checkpoints)
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    duties = [DutyKey("a", offset, "D", "k1") for offset in range(2)]
    duties += [DutyKey("b", offset, "E", "k2") for offset in range(2)]
    result = balance_loads(calendar, duties, [], seconds=10.0)
    assert result.moves == 1
    shifts_of = {name: sorted(key.shift for key in result.duties if key.cadre == name) for name in ("a", "b")}
    assert shifts_of == {"a": ["D", "E"], "b": ["D", "E"]}
    assignments, _ = roster_of_keys(calendar, result.duties, [])
    assert evaluate(loaded, assignments, []).violations == []


@settings(max_examples=80 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_balancing_the_dispatch_keeps_every_rule_and_no_stage_worse(data: dict[str, Any]) -> None:
    # The hand dispatch's roster balanced: the checker finds nothing it did not find in the
    # dispatch's (which may leave a cadre below min_total_hours where no duty is left to give); every
    # standby cell has as many cadres as before, and every day as many duties; the coverage and
    # target parts are no larger (a chain through a cadre of several communities moves a duty from
    # one cell to another only where neither grows), and a cell changes only in such a chain.
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    built = dispatch(loaded, calendar)
    found_before = {(item.rule, item.cadre) for item in evaluate(loaded, built.assignments, built.standby).violations}
    duties = [
        DutyKey(item.cadre, calendar.day_of(item.date), item.shift, item.checkpoint) for item in built.assignments
    ]
    standby = [
        StandbyKey(item.cadre, calendar.day_of(item.date), item.shift, item.community) for item in built.standby
    ]
    result = balance_loads(calendar, duties, standby, seconds=10.0)
    event("some moved" if result.moves else "nothing moved")
    cells_before = Counter((key.checkpoint, key.day, key.shift) for key in duties)
    cells_after = Counter((key.checkpoint, key.day, key.shift) for key in result.duties)
    event("a duty moved between cells" if cells_after != cells_before else "every cell as before")
    if cells_after != cells_before:
        assert any(len(cadre.communities) > 1 for cadre in loaded.cadres)
    assert Counter(key.day for key in result.duties) == Counter(key.day for key in duties)
    assert Counter((key.community, key.day, key.shift) for key in result.standby) == Counter(
        (key.community, key.day, key.shift) for key in standby
    )
    assignments, standing = roster_of_keys(calendar, result.duties, result.standby)
    evaluation = evaluate(loaded, assignments, standing)
    kept = evaluate(loaded, built.assignments, built.standby)
    assert evaluation.parts["coverage"] <= kept.parts["coverage"]
    assert evaluation.parts["target"] <= kept.parts["target"]
    new = [str(item) for item in evaluation.violations if (item.rule, item.cadre) not in found_before]
    assert new == []


def test_a_taker_kept_out_by_its_standby_that_week_trades_it_for_the_duty() -> None:
    # 3 days, one cell a day (D, 8 h). a holds the duties of days 0 and 1; day 2's duty is open. b may
    # work 8 duty hours in any 7 days and stands by on day 2 (load_factor 0.25), which counts as duty
    # toward that limit: b may not take a duty outright. Loads per available day (3 days):
    #   a: 2 * 48,000 / 3 = 32,000; b: 480 * 0.25 * 100 / 3 = 4,000 (gap 28,000).
    # b gives a the standby and takes a's first duty (day 0; a's duties weigh the same, tried in day
    # order): a 16,000 + 4,000 = 20,000, b 16,000 (gap 4,000). Nothing more: a's last duty or the
    # standby would put b over 8 hours again.
    data = instance([cadre("a"), cadre("b", limits={"max_duty_hours_per_7_days": 8})], days=3,
                    standby={"per_community": 1})
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    duties = [DutyKey("a", 0, "D", "k1"), DutyKey("a", 1, "D", "k1")]
    result = balance_loads(calendar, duties, [StandbyKey("b", 2, "D", "c1")], seconds=10.0)
    assert result.moves == 1
    assert sorted((key.cadre, key.day) for key in result.duties) == [("a", 1), ("b", 0)]
    assert [(key.cadre, key.day) for key in result.standby] == [("a", 2)]
    assignments, standby = roster_of_keys(calendar, result.duties, result.standby)
    evaluation = evaluate(loaded, assignments, standby)
    assert evaluation.violations == [], [str(violation) for violation in evaluation.violations]
    assert evaluation.load_units == {"a": 20000, "b": 16000}


def test_a_giver_below_its_mean_trades_a_duty_for_a_dual_cadre_s_standby() -> None:
    # 3 days, D (8 h): a duty weighs 480 * 100 / 3 = 16,000 a day, a standby (load_factor 0.25)
    # 4,000. k1 (c1) asks 1 a day, k2 (c2) up to 2; one standby a day in each community.
    # Seconded (unit u1): a (c1) holds k1 on days 0 and 1 (32,000); h (c2) holds k2 on days 0 and 1
    # and stands by on day 2 (36,000): mean 34,000, so a is below it.
    # Dual (unit u2): b (c1, at most 8 duty hours in any 7 days) stands by in c1 on day 2 (4,000);
    # b2 (c2) holds k2 on days 0 and 1 (32,000): mean 18,000, a quarter 4,500.
    # b may not take a duty outright (its standby counts toward the 8 hours), but may trade: b takes
    # a's duty of day 0 and a stands by for b on day 2. Against the means as they stand, a 32,000 ->
    # 20,000 (deviation 2,000 -> 14,000: 2,000 -> 14,000 + 5,500) and b 4,000 -> 16,000 (14,000 ->
    # 2,000: 14,000 + 9,500 + 5,000 + 500 -> 2,000): the pair's spread shrinks, 31,000 -> 21,500.
    # A giver below its group's mean, so only a move across groups could make it.
    # The checker's spread after, with the groups' new means: seconded a 20,000, h 36,000, mean
    # 28,000, a quarter 7,000: 2 * (8,000 + 1,000) = 18,000; dual b 16,000, b2 32,000, mean 24,000,
    # a quarter 6,000: 2 * (8,000 + 2,000) = 20,000 -> 38,000 (62,000 before: 4,000 + 2 * 29,000).
    checkpoints = [
        {"id": "k1", "community": "c1", "risk": "low", "demand": [demand(1)]},
        {"id": "k2", "community": "c2", "risk": "low", "demand": [demand(1, 2)]},
    ]
    data = instance(
        [
            cadre("a", unit="u1", mode="seconded"),
            cadre("h", unit="u1", mode="seconded", communities=["c2"]),
            cadre("b", unit="u2", mode="dual", limits={"max_duty_hours_per_7_days": 8}),
            cadre("b2", unit="u2", mode="dual", communities=["c2"]),
        ],
        days=3,
        checkpoints=checkpoints,
        communities=["c1", "c2"],
        units=[{"id": "u1"}, {"id": "u2", "workdays": []}],  # no unit hours to keep the dual cadres out
        standby={"per_community": 1},
    )
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    duties = [DutyKey("a", 0, "D", "k1"), DutyKey("a", 1, "D", "k1")]
    duties += [DutyKey(name, offset, "D", "k2") for name in ("h", "b2") for offset in range(2)]
    standby = [StandbyKey("h", 2, "D", "c2"), StandbyKey("b", 2, "D", "c1")]
    assignments, standing = roster_of_keys(calendar, duties, standby)
    assert evaluate(loaded, assignments, standing).load_spread == 62000
    result = balance_loads(calendar, duties, standby, seconds=10.0)
    assert result.moves == 1
    assert sorted((key.cadre, key.day) for key in result.duties if key.checkpoint == "k1") == [("a", 1), ("b", 0)]
    assert sorted((key.cadre, key.day, key.community) for key in result.standby) == [("a", 2, "c1"), ("h", 2, "c2")]
    assignments, standing = roster_of_keys(calendar, result.duties, result.standby)
    evaluation = evaluate(loaded, assignments, standing)
    assert evaluation.violations == [], [str(violation) for violation in evaluation.violations]
    assert evaluation.load_units == {"a": 20000, "h": 36000, "b": 16000, "b2": 32000}
    assert evaluation.load_spread == 38000


def shared_cadre_instance(leave_weight: float = 1.0) -> dict[str, Any]:
    """Two days of D (8 h); k1 (c1) and k2 (c2) each ask min 0, target 1, max 1; one standby a day in
    c2 only. x serves c1 and c2, y only c2; both without a unit (one group)."""
    checkpoints = [
        {"id": "k1", "community": "c1", "risk": "low", "demand": [demand(0, 1, under_weight=leave_weight)]},
        {"id": "k2", "community": "c2", "risk": "low", "demand": [demand(0, 1)]},
    ]
    return instance(
        [cadre("x", communities=["c1", "c2"]), cadre("y", communities=["c2"])],
        days=2,
        checkpoints=checkpoints,
        communities=["c1", "c2"],
        standby={"per_community": 0, "overrides": [{"community": "c2", "count": 1}]},
    )


def test_a_cadre_of_two_communities_takes_a_standby_so_that_its_colleague_takes_a_duty() -> None:
    # x holds k1 on both days: 2 * 48,000 / 2 = 48,000 a day; y stands by in c2 on both days:
    # 2 * 480 * 0.25 * 100 / 2 = 12,000. Mean 30,000. y may not serve k1, and is rostered every
    # day, so no duty can be handed to it; but on day 0 x takes y's standby, y takes k2 (short of its
    # target), and x gives up k1 (its minimum is 0): x 48,000 + 12,000 = 60,000 / 2 = 30,000, y the
    # same. Targets: k1 one short more (+1), k2 one short less (-1), both under-weight 1: the target
    # part stays at 2. Even now, so nothing more moves.
    loaded = parse_instance(shared_cadre_instance())
    calendar = Calendar(loaded)
    duties = [DutyKey("x", offset, "D", "k1") for offset in range(2)]
    standby = [StandbyKey("y", offset, "D", "c2") for offset in range(2)]
    before = evaluate(loaded, *roster_of_keys(calendar, duties, standby))
    assert before.load_units == {"x": 48000, "y": 12000}
    result = balance_loads(calendar, duties, standby, seconds=10.0)
    assert result.moves == 1
    assert set(result.duties) == {DutyKey("x", 1, "D", "k1"), DutyKey("y", 0, "D", "k2")}
    assert set(result.standby) == {StandbyKey("x", 0, "D", "c2"), StandbyKey("y", 1, "D", "c2")}
    after = evaluate(loaded, *roster_of_keys(calendar, result.duties, result.standby))
    assert after.violations == [], [str(violation) for violation in after.violations]
    assert after.load_units == {"x": 30000, "y": 30000}
    assert after.parts["target"] == before.parts["target"] == 2
    assert after.parts["standby"] == before.parts["standby"] == 0


def test_no_such_chain_where_the_cell_left_weighs_more_than_the_cell_filled() -> None:
    # As above, but a cadre short at k1 weighs 2: leaving k1 would cost 2 and filling k2 gain 1, so
    # the target part would grow from 4 to 5. Nothing moves.
    loaded = parse_instance(shared_cadre_instance(leave_weight=2.0))
    calendar = Calendar(loaded)
    duties = [DutyKey("x", offset, "D", "k1") for offset in range(2)]
    standby = [StandbyKey("y", offset, "D", "c2") for offset in range(2)]
    result = balance_loads(calendar, duties, standby, seconds=10.0)
    assert result.moves == 0
    assert set(result.duties) == set(duties)
