"""check --against (scheduler/checker/against.py): each rule of DESIGN.md section 7 broken on purpose.

The case (tests/repair/helpers.py): 3 days, D 08-16 and E 16-24, k1 min 1 max 1; a on D and c on E
every day, b stands by on D every day; e is free. a is absent on day 1 (now = day 1 06:00, 12 h
notice). The good repair calls b to k1 on day 1 D: one change besides a's struck duty.
"""

from __future__ import annotations

from typing import Any

from models.roster import Assignment, Change, DutyCell, Roster, StandbyAssignment, StandbyCell
from scheduler.checker.against import check_against, differences
from scheduler.repair.events import apply_events
from tests.repair.helpers import DAYS, OLD_SHA, changes, instance, roster

BASE = instance(["a", "b", "c", "e"], standby={"per_community": 1, "overrides": [{"shifts": ["E"], "count": 0}]})
OLD = roster(
    [(cadre, day, shift, "k1") for day in DAYS for cadre, shift in (("a", "D"), ("c", "E"))],
    [("b", day, "D") for day in DAYS],
)
ABSENT = {"kind": "absent", "cadre": "a", "from": DAYS[1], "to": DAYS[1]}


def repaired(assignments: list[tuple[str, str, str]], standby: list[tuple[str, str]], **fields: Any) -> Roster:
    """A repaired roster with these duties (cadre, date, shift) at k1 and standby (cadre, date) on D;
    its changes are the true differences unless given."""
    new = roster([(cadre, day, shift, "k1") for cadre, day, shift in assignments],
                 [(cadre, day, "D") for cadre, day in standby])
    listed = fields.pop("changes", None)
    return new.model_copy(update={"version": 2, "based_on": OLD_SHA,
                                  "changes": differences(OLD, new) if listed is None else listed, **fields})


GOOD_DUTIES = [("a", DAYS[0], "D"), ("c", DAYS[0], "E"), ("b", DAYS[1], "D"), ("c", DAYS[1], "E"),
               ("a", DAYS[2], "D"), ("c", DAYS[2], "E")]
GOOD_STANDBY = [("b", DAYS[0]), ("b", DAYS[2])]


def problems(new: Roster, **fields: Any) -> list[str]:
    parsed = changes(BASE, ABSENT, **fields)
    return check_against(apply_events(BASE, parsed), new, OLD, OLD_SHA, parsed)


def test_the_good_repair_passes() -> None:
    assert problems(repaired(GOOD_DUTIES, GOOD_STANDBY)) == []


def test_a_changed_past_is_caught() -> None:
    # e takes over c's E on day 0, which started before now
    duties = [("e", DAYS[0], "E") if item == ("c", DAYS[0], "E") else item for item in GOOD_DUTIES]
    found = problems(repaired(duties, GOOD_STANDBY))
    assert len(found) == 2 and all(line.startswith("frozen past:") for line in found)


def test_a_duty_inside_the_notice_window_moved_is_caught() -> None:
    # c's E on day 1 (16:00, inside the 12 h window) given to e instead: c could still serve it
    duties = [("e", DAYS[1], "E") if item == ("c", DAYS[1], "E") else item for item in GOOD_DUTIES]
    found = problems(repaired(duties, GOOD_STANDBY))
    assert found == ["notice: c 2024-01-02 E starts within 12 h of now; its duty at k1 must be kept "
                     "(the cadre can still serve it)"]


def test_an_outsider_before_the_standby_is_caught() -> None:
    # e fills a's D on day 1 while b is left on standby
    duties = [("e", DAYS[1], "D") if item == ("b", DAYS[1], "D") else item for item in GOOD_DUTIES]
    found = problems(repaired(duties, [*GOOD_STANDBY, ("b", DAYS[1])]))
    assert found == ["notice: e added at k1 2024-01-02 D while standby b of c1 was not called "
                     "(a callable standby is taken first)"]


def test_an_addition_beyond_the_minimum_and_a_new_standby_inside_the_window_are_caught() -> None:
    # e also on D at k1 on day 1 beside the called b (2 on duty, min 1), and e added as standby on day 1 E
    new = repaired([*GOOD_DUTIES, ("e", DAYS[1], "D")], GOOD_STANDBY)
    found = problems(new)
    assert any("b, e added at k1 2024-01-02 D within the notice window, but the shortfall there left room for 1"
               in line for line in found)  # nobody kept there (a struck): room for 1, two added
    new = roster([(cadre, day, shift, "k1") for cadre, day, shift in GOOD_DUTIES],
                 [(cadre, day, "D") for cadre, day in GOOD_STANDBY])
    new.standby.append(StandbyAssignment(cadre="e", date=DAYS[1], shift="E", community="c1"))  # type: ignore[arg-type]
    new = new.model_copy(update={"version": 2, "based_on": OLD_SHA, "changes": differences(OLD, new)})
    assert problems(new) == ["notice: e 2024-01-02 E starts within 12 h of now; no standby is added there"]


def test_a_budget_broken_is_caught() -> None:
    # calling b is one change the events did not force; a's struck duty is forced and not counted
    assert problems(repaired(GOOD_DUTIES, GOOD_STANDBY), max_changes=1) == []
    assert problems(repaired(GOOD_DUTIES, GOOD_STANDBY), max_changes=0) == [
        "max_changes: 1 changes not forced by the events, more than the 0 allowed"]


def test_changes_that_do_not_list_the_differences_are_caught() -> None:
    listed = [Change(cadre="b", date=DAYS[1], shift="D", before=StandbyCell(standby="c1"),  # type: ignore[arg-type]
                     after=DutyCell(checkpoint="k1")),
              Change(cadre="e", date=DAYS[2], shift="D", before=None, after=None)]  # type: ignore[arg-type]
    found = problems(repaired(GOOD_DUTIES, GOOD_STANDBY, changes=listed))
    assert found == [
        "changes: a 2024-01-02 D changed (duty at k1 -> nothing) but is not listed",
        "changes: e 2024-01-03 D is listed but did not change",
    ]


def test_version_and_based_on_name_the_old_roster() -> None:
    found = problems(repaired(GOOD_DUTIES, GOOD_STANDBY, version=3, based_on="f" * 64))
    assert found == [
        "version is 3, but the old roster's version plus 1 is 2",
        f"based_on is {'f' * 64}, but the old roster file has SHA-256 {OLD_SHA}",
    ]


def test_differences_lists_each_cell_once() -> None:
    new = OLD.model_copy(update={"assignments": [*OLD.assignments[1:],
                                                 Assignment(cadre="e", date=DAYS[0], shift="D", checkpoint="k1")]})  # type: ignore[arg-type]
    assert [(change.cadre, change.date.isoformat(), change.shift) for change in differences(OLD, new)] == [
        ("a", DAYS[0], "D"), ("e", DAYS[0], "D")]


def test_an_addition_bringing_a_missing_skill_fills_a_shortfall() -> None:
    # k1 asks min 1 with 1 medical cadre; c (no skill) is kept on E on day 1: one skill missing, so one
    # addition (e, medical) is room enough; a second one (b) is not.
    skilled = instance(["a", "b", "c", "e"], cadre_fields={"e": {"skills": ["medical"]}},
                       checkpoints=[{"id": "k1", "community": "c1", "risk": "low",
                                     "demand": [{"min": 1, "target": 1, "max": 3, "skills": {"medical": 1}}]}])
    old = roster([("c", DAYS[1], "E", "k1")])
    parsed = changes(skilled)
    for added, expected in ((["e"], []), (["e", "b"], ["left room for 1"])):
        new = roster([("c", DAYS[1], "E", "k1"), *((cadre, DAYS[1], "E", "k1") for cadre in added)])
        new = new.model_copy(update={"version": 2, "based_on": OLD_SHA, "changes": differences(old, new)})
        found = check_against(apply_events(skilled, parsed), new, old, OLD_SHA, parsed)
        assert [line for line in found if "left room for 1" in line] == [
            line for line in found if any(text in line for text in expected)]
        assert bool(found) == bool(expected)
