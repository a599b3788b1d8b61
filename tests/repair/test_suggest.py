"""``schedule suggest`` (scheduler/repair/suggest.py) on a tiny case worked out by hand.

3 days, D 08-16 and E 16-24; community c1 with k1 (high risk, min 1 max 1, asks 1 cadre with skill
``medical``) and k2 (low risk, min 0, target 1, max 1); one standby asked on D. On day 1 D: a is on duty
at k1, f at k2, b stands by. e is free, v is vulnerable (never at high-risk k1), u is unavailable on
day 1. Replacing a at k1 on day 1 D, each candidate is one change: b called, e free, f moved from k2
(k2 may drop to 0, its min: no filler needed). e holds ``medical``, so e ranks first; then standby before
swap. v and u cannot, each with its reason.
"""

from __future__ import annotations

from models.roster import Assignment, StandbyAssignment
from scheduler.checker import evaluate
from scheduler.repair.suggest import Candidate, suggest_candidates
from tests.repair.helpers import DAYS, instance, roster

CHECKPOINTS = [
    {"id": "k1", "community": "c1", "risk": "high",
     "demand": [{"min": 1, "target": 1, "max": 1, "skills": {"medical": 1}}]},
    {"id": "k2", "community": "c1", "risk": "low", "demand": [{"min": 0, "target": 1, "max": 1}]},
]
BASE = instance(
    ["a", "b", "e", "f", "u", "v"],
    checkpoints=CHECKPOINTS,
    cadre_fields={"a": {"skills": ["medical"]}, "e": {"skills": ["medical"]}, "v": {"vulnerable": True},
                  "u": {"unavailable": [{"date": DAYS[1]}]}},
    standby={"per_community": 1, "overrides": [{"shifts": ["E"], "count": 0}]},
)
OLD = roster([("a", DAYS[1], "D", "k1"), ("f", DAYS[1], "D", "k2")], [("b", DAYS[1], "D")])


def applied(candidate: Candidate) -> tuple[list[Assignment], list[StandbyAssignment]]:
    """The roster with a replaced by the candidate (and the candidate's old place given up)."""
    day = OLD.assignments[0].date
    duties = [item for item in OLD.assignments if item.cadre not in ("a", candidate.cadre)]
    duties.append(Assignment(cadre=candidate.cadre, date=day, shift="D", checkpoint="k1"))
    standby = [item for item in OLD.standby if item.cadre != candidate.cadre]
    return duties, standby


def test_replacing_a_cadre_ranks_every_way_and_says_who_cannot() -> None:
    answer = suggest_candidates(BASE, OLD, OLD.assignments[0].date, "D", cadre="a")
    assert [(candidate.kind, candidate.cadre) for candidate in answer.candidates] == [
        ("free", "e"), ("standby", "b"), ("swap", "f")]
    assert answer.candidates[0].cost.skills == ["medical"]
    assert answer.candidates[2].changes == ["f: duty at k2 -> duty at k1"]
    assert dict(answer.cannot) == {
        "u": "u is unavailable all day on 2024-01-02",
        "v": "v is vulnerable and k1 is a high-risk checkpoint",
    }
    for candidate in answer.candidates:  # each candidate keeps the roster rule-clean (the checker's evaluation)
        duties, standby = applied(candidate)
        assert evaluate(BASE, duties, standby).violations == []


def test_a_gap_and_a_bad_question() -> None:
    gap = roster([("f", DAYS[1], "D", "k2")], [("b", DAYS[1], "D")])
    answer = suggest_candidates(BASE, gap, OLD.assignments[0].date, "D", checkpoint="k1")
    assert {candidate.cadre for candidate in answer.candidates} == {"a", "b", "e", "f"}
    assert answer.as_json()["candidates"][0]["cost"]["skills"] == ["medical"]
    try:
        suggest_candidates(BASE, gap, OLD.assignments[0].date, "D", cadre="a")
    except ValueError as error:
        assert "has no duty" in str(error)
    else:
        raise AssertionError("a cadre without that duty is no question")


def test_a_swap_of_three_duties_when_nobody_free_can_take_the_place_left() -> None:
    # Communities c1 (k1, the gap; k2, min 1) and c2 (k3, min 1). On day 1 D: f (c1 only) is at k2, g (c1
    # and c2) at k3; h (c2 only) is free; nobody of c1 is free. Filling k1:
    # - g moves k3 -> k1 and h fills k3: two duties (the swap of g);
    # - f moves k2 -> k1: k2 would fall below its minimum, nobody free serves c1, so g moves k3 -> k2
    #   and h fills k3: three duties.
    checkpoints = [
        {"id": "k1", "community": "c1", "risk": "low", "demand": [{"min": 1, "target": 1, "max": 1}]},
        {"id": "k2", "community": "c1", "risk": "low", "demand": [{"min": 1, "target": 1, "max": 1}]},
        {"id": "k3", "community": "c2", "risk": "low", "demand": [{"min": 1, "target": 1, "max": 1}]},
    ]
    base = instance(["f", "g", "h"], checkpoints=checkpoints, communities=[{"id": "c1"}, {"id": "c2"}],
                    cadre_fields={"g": {"communities": ["c1", "c2"]}, "h": {"communities": ["c2"]}})
    old = roster([("f", DAYS[1], "D", "k2"), ("g", DAYS[1], "D", "k3")])
    answer = suggest_candidates(base, old, old.assignments[0].date, "D", checkpoint="k1")
    assert [(candidate.cadre, candidate.changes) for candidate in answer.candidates] == [
        ("g", ["g: duty at k3 -> duty at k1", "h: off -> duty at k3"]),
        ("f", ["f: duty at k2 -> duty at k1", "g: duty at k3 -> duty at k2", "h: off -> duty at k3"]),
    ]
    # the three-duty swap applied keeps every rule (the checker's evaluation), and k1, k2, k3 all covered
    day = old.assignments[0].date
    placed = (("f", "k1"), ("g", "k2"), ("h", "k3"))
    duties = [Assignment(cadre=cadre, date=day, shift="D", checkpoint=place) for cadre, place in placed]
    evaluation = evaluate(base, duties, [])
    assert evaluation.violations == []
