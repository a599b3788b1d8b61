"""The repair (scheduler/repair/repair.py) on tiny cases worked out by hand, one per rule of DESIGN.md
section 7. Defaults in tests/repair/helpers.py: 3 days, D 08-16 and E 16-24, k1 (low risk) min 1 max 1,
now = day 1 (2024-01-02) 06:00 with 12 h notice: day 1 is inside the notice window, day 2 is not."""

from __future__ import annotations

from tests.repair.helpers import DAYS, cells, changes, instance, repaired_roster, roster

# The base old roster: a on D and c on E every day; b stands by on D every day.
BASE_DUTIES = [(cadre, day, shift, "k1") for day in DAYS for cadre, shift in (("a", "D"), ("c", "E"))]
BASE_STANDBY = [("b", day, "D") for day in DAYS]
STANDBY_D = {"per_community": 1, "overrides": [{"shifts": ["E"], "count": 0}]}


def test_standby_is_called_first_inside_the_notice_window() -> None:
    # a is absent on day 1; e is free and could take D, but b stands by for c1 on D: b is called.
    # changes: a's D struck (forced), b standby -> k1 (1 change); nothing else.
    base = instance(["a", "b", "c", "e"], standby=STANDBY_D)
    parsed = changes(base, {"kind": "absent", "cadre": "a", "from": DAYS[1], "to": DAYS[1]})
    outcome, written = repaired_roster(base, roster(BASE_DUTIES, BASE_STANDBY), parsed)
    assert cells(outcome.changes) == {
        ("a", DAYS[1], "D", "k1", "-"),
        ("b", DAYS[1], "D", "standby c1", "k1"),
    }
    assert [change.cadre for change in outcome.called] == ["b"]
    assert len(outcome.forced) == 1 and outcome.budgeted == 1
    assert written.shortfalls == []  # coverage kept: 0
    # the standby gap left on day 1 D cannot be filled inside the notice window (no standby added there)
    assert [(item.date.isoformat(), item.shift) for item in written.standby_shortfalls] == [(DAYS[1], "D")]


def test_the_past_is_untouched() -> None:
    # now is day 1 06:00; a is absent days 1-2. Every cell of day 0 stays as it was.
    base = instance(["a", "b", "c", "e"], standby=STANDBY_D)
    old = roster(BASE_DUTIES, BASE_STANDBY)
    parsed = changes(base, {"kind": "absent", "cadre": "a", "from": DAYS[1], "to": DAYS[2]})
    outcome, written = repaired_roster(base, old, parsed)
    assert all(change.date.isoformat() != DAYS[0] for change in outcome.changes)
    day0 = {(item.cadre, item.shift, item.checkpoint)
            for item in written.assignments if item.date.isoformat() == DAYS[0]}
    assert day0 == {("a", "D", "k1"), ("c", "E", "k1")}


def test_a_duty_inside_the_notice_window_is_kept() -> None:
    # k2 (high risk, weight 4) and k1 (low, weight 1); f serves k2 on D, a serves k1 on D; f is absent days 1-2.
    # Coverage alone would move a to k2 on both days (shortfall 1 instead of 4); inside the notice window
    # (day 1) a's duty is kept, so day 1 keeps the k2 gap; on day 2 a moves to k2.
    checkpoints = [
        {"id": "k1", "community": "c1", "risk": "low", "demand": [{"shifts": ["D"], "min": 1, "target": 1, "max": 1}]},
        {"id": "k2", "community": "c1", "risk": "high", "demand": [{"shifts": ["D"], "min": 1, "target": 1, "max": 1}]},
    ]
    base = instance(["a", "f"], checkpoints=checkpoints)
    old = roster([(cadre, day, "D", place) for day in DAYS for cadre, place in (("a", "k1"), ("f", "k2"))])
    parsed = changes(base, {"kind": "absent", "cadre": "f", "from": DAYS[1], "to": DAYS[2]})
    outcome, written = repaired_roster(base, old, parsed)
    assert cells(outcome.changes) == {
        ("f", DAYS[1], "D", "k2", "-"),
        ("f", DAYS[2], "D", "k2", "-"),
        ("a", DAYS[2], "D", "k1", "k2"),
    }
    assert {(item.checkpoint, item.date.isoformat()) for item in written.shortfalls} == {
        ("k2", DAYS[1]), ("k1", DAYS[2])}


def test_a_recall_strikes_the_rest_of_the_horizon() -> None:
    # b is recalled from day 2: b's standby there goes (forced); adding another standby would be a
    # change, and few changes come before standby coverage: so exactly that one change.
    base = instance(["a", "b", "c", "e"], standby=STANDBY_D)
    parsed = changes(base, {"kind": "recalled", "cadre": "b", "from": DAYS[2]})
    outcome, _ = repaired_roster(base, roster(BASE_DUTIES, BASE_STANDBY), parsed)
    assert cells(outcome.changes) == {("b", DAYS[2], "D", "standby c1", "-")}
    assert outcome.budgeted == 0


def test_a_new_cadre_is_used() -> None:
    # a is absent on day 2 (outside the notice window); nobody else is free on D that day (c works E and
    # may hold one duty a day); z joins and takes a's D on day 2.
    base = instance(["a", "c"])
    parsed = changes(
        base,
        {"kind": "absent", "cadre": "a", "from": DAYS[2], "to": DAYS[2]},
        {"kind": "joined", "cadre": {"id": "z", "communities": ["c1"]}},
    )
    outcome, written = repaired_roster(base, roster(BASE_DUTIES), parsed)
    assert cells(outcome.changes) == {("a", DAYS[2], "D", "k1", "-"), ("z", DAYS[2], "D", "-", "k1")}
    assert written.shortfalls == []


def test_a_budget_stops_a_change() -> None:
    # as above but with max_changes 0: z may not be added, so k1 D on day 2 stays short (coverage 1,
    # low risk); without the budget it would be 0, and the repair says so.
    base = instance(["a", "c"])
    parsed = changes(
        base,
        {"kind": "absent", "cadre": "a", "from": DAYS[2], "to": DAYS[2]},
        {"kind": "joined", "cadre": {"id": "z", "communities": ["c1"]}},
        max_changes=0,
    )
    outcome, written = repaired_roster(base, roster(BASE_DUTIES), parsed)
    assert cells(outcome.changes) == {("a", DAYS[2], "D", "k1", "-")}  # forced: not counted
    assert outcome.result.stages[0].value == 1.0
    assert outcome.coverage_without_budget == 0.0
    assert [(item.checkpoint, item.date.isoformat(), item.shift) for item in written.shortfalls] == [
        ("k1", DAYS[2], "D")]


def test_a_skilled_cadre_added_inside_the_notice_window_fills_a_skill_shortfall() -> None:
    # k1 on E asks min 1 with 1 medical (max 2); c (no skill) and f (medical) serve it on day 1; f is absent.
    # c is kept (notice); one medical cadre is missing, so adding e (medical) fills a shortfall: room 1.
    checkpoints = [{"id": "k1", "community": "c1", "risk": "low",
                    "demand": [{"shifts": ["E"], "min": 1, "target": 1, "max": 2, "skills": {"medical": 1}}]}]
    base = instance(["c", "e", "f"], checkpoints=checkpoints,
                    cadre_fields={"e": {"skills": ["medical"]}, "f": {"skills": ["medical"]}})
    old = roster([("c", DAYS[1], "E", "k1"), ("f", DAYS[1], "E", "k1")])
    parsed = changes(base, {"kind": "absent", "cadre": "f", "from": DAYS[1], "to": DAYS[1]})
    outcome, written = repaired_roster(base, old, parsed)
    day_1 = {change for change in cells(outcome.changes) if change[1] == DAYS[1]}
    assert day_1 == {("f", DAYS[1], "E", "k1", "-"), ("e", DAYS[1], "E", "-", "k1")}
    # the old roster left days 0 and 2 empty: day 0 is past and stays short; day 2's standing gap is won
    # back as well, by one medical cadre (e or f, both free then), the one change on that day
    day_2 = [change for change in cells(outcome.changes) if change[1] == DAYS[2]]
    assert len(day_2) == 1 and day_2[0][0] in {"e", "f"} and day_2[0][2:] == ("E", "-", "k1")
    assert [item.date.isoformat() for item in written.shortfalls] == [DAYS[0]]


def test_an_opened_checkpoint_is_staffed_outside_the_notice_window() -> None:
    # k2 opens in c1 with min 1 on D; e is free every day. Day 1 is inside the notice window with no
    # standby to call: additions may fill a shortfall there, so e serves k2 on days 1 and 2 (2 changes);
    # day 0 is past and stays short.
    base = instance(["a", "c", "e"])
    parsed = changes(base, {"kind": "opened", "checkpoint": {
        "id": "k2", "community": "c1", "demand": [{"shifts": ["D"], "min": 1, "target": 1, "max": 1}]}})
    outcome, written = repaired_roster(base, roster(BASE_DUTIES), parsed)
    assert cells(outcome.changes) == {("e", DAYS[1], "D", "-", "k2"), ("e", DAYS[2], "D", "-", "k2")}
    assert [(item.checkpoint, item.date.isoformat()) for item in written.shortfalls] == [("k2", DAYS[0])]


def test_a_closed_checkpoint_strikes_its_duties_and_demand_moves_them() -> None:
    # k1 closes from day 2; k2 (new demand there by a dated rule on day 2, min 1) takes a over:
    # a's D at k1 on day 2 is struck (forced) and a goes to k2 instead; c's E at k1 on day 2 is struck too.
    checkpoints = [
        {"id": "k1", "community": "c1", "risk": "low", "demand": [{"min": 1, "target": 1, "max": 1}]},
        {"id": "k2", "community": "c1", "risk": "low", "demand": []},
    ]
    base = instance(["a", "c"], checkpoints=checkpoints)
    parsed = changes(
        base,
        {"kind": "closed", "checkpoint": "k1", "from": DAYS[2]},
        {"kind": "demand", "checkpoint": "k2", "rule": {"dates": [DAYS[2]], "shifts": ["D"], "min": 1, "target": 1}},
    )
    outcome, written = repaired_roster(base, roster(BASE_DUTIES), parsed)
    assert cells(outcome.changes) == {("a", DAYS[2], "D", "k1", "k2"), ("c", DAYS[2], "E", "k1", "-")}
    assert len(outcome.forced) == 2 and outcome.budgeted == 0  # both entries could no longer be held
    assert written.shortfalls == []


def test_weighted_mode_repairs_too() -> None:
    # the same case as the standby test, with a weighted objective: coverage still comes first, then
    # changes; b is called (standby first inside the notice window)
    base = instance(["a", "b", "c", "e"], standby=STANDBY_D,
                    objective={"mode": "weighted", "weights": {"coverage": 100, "standby": 10}})
    parsed = changes(base, {"kind": "absent", "cadre": "a", "from": DAYS[1], "to": DAYS[1]})
    outcome, written = repaired_roster(base, roster(BASE_DUTIES, BASE_STANDBY), parsed)
    assert cells(outcome.changes) == {("a", DAYS[1], "D", "k1", "-"), ("b", DAYS[1], "D", "standby c1", "k1")}
    assert [stage.part for stage in written.objective.stages] == ["weighted"]
