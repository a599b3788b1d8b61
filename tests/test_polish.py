"""polish: the finished roster's open cells filled by hand, kept only where the checker ranks it better.

Instances use the rule-test defaults of ``tests/rules/helpers.py`` (community
``c1``, checkpoint ``k1`` of risk weight 1 asking min 1 / target 1 per day,
shift ``D``), so a roster's coverage value is the number of cadre-shifts
missing.
"""

from __future__ import annotations

from models.loading import parse_instance
from models.roster import Assignment, StandbyAssignment
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar
from scheduler.search.construction import ranking
from scheduler.search.polish import polish

from .rules.helpers import START, cadre, day, instance


def test_a_free_cadre_fills_what_the_finished_roster_left_open() -> None:
    # Two days, k1 asks for one a day; the roster has a on day 0 only and b is free: the polish puts
    # someone on day 1, so the coverage value falls from 1 to 0 (rank worked out: 1 missing, then 0).
    loaded = parse_instance(instance([cadre("a"), cadre("b")], days=2))
    calendar = Calendar(loaded)
    assignments = [Assignment(cadre="a", date=START, shift="D", checkpoint="k1")]
    rank = ranking(loaded, assignments, [])
    assert rank is not None and rank[0] == 1
    polished = polish(loaded, calendar, assignments, [], rank, rounds=3, seconds=None)
    assert polished is not None
    assert polished.rank[0] == 0 and polished.rank < rank
    assert evaluate(loaded, polished.assignments, polished.standby).violations == []
    assert ranking(loaded, polished.assignments, polished.standby) == polished.rank  # the rank is the checker's
    assert len(polished.assignments) == 2


def test_a_standby_gives_way_to_a_checkpoint_below_its_minimum() -> None:
    # One day, one cadre a standing by for c1, k1 empty: the minimum ranks before standby, so a goes on
    # duty (coverage 1 -> 0) and the standby is left open (standby 0 -> 1), lexicographically better.
    loaded = parse_instance(instance([cadre("a")], days=1, standby={"per_community": 1}))
    standby = [StandbyAssignment(cadre="a", date=START, shift="D", community="c1")]
    rank = ranking(loaded, [], standby)
    assert rank is not None and rank[:2] == (1, 0)
    polished = polish(loaded, Calendar(loaded), [], standby, rank, rounds=3, seconds=None)
    assert polished is not None and polished.rank[:2] == (0, 1)
    assert [item.cadre for item in polished.assignments] == ["a"] and polished.standby == []


def test_nothing_to_fill_gives_nothing() -> None:
    # a holds k1 on the one day: nothing is open, so there is no better roster to give.
    loaded = parse_instance(instance([cadre("a")], days=1))
    assignments = [Assignment(cadre="a", date=START, shift="D", checkpoint="k1")]
    rank = ranking(loaded, assignments, [])
    assert rank is not None
    assert polish(loaded, Calendar(loaded), assignments, [], rank, rounds=3, seconds=None) is None


def test_no_rounds_or_no_time_leaves_the_roster_as_it_is() -> None:
    # The same open day as the first test, with no rounds allowed, or no seconds left.
    loaded = parse_instance(instance([cadre("a"), cadre("b")], days=2))
    calendar = Calendar(loaded)
    assignments = [Assignment(cadre="a", date=START, shift="D", checkpoint="k1")]
    rank = ranking(loaded, assignments, [])
    assert rank is not None
    assert polish(loaded, calendar, assignments, [], rank, rounds=0, seconds=None) is None
    assert polish(loaded, calendar, assignments, [], rank, rounds=3, seconds=-1.0) is None


def test_loads_are_balanced_once_nothing_is_left_to_fill() -> None:
    # Two days, k1 asks one a day and both are held by a; b has nothing. Nothing is open, so only the
    # balancing can help: one of a's duties goes to b, the loads become 1 and 1, and the fairness value
    # falls while coverage, standby and target stay as they were.
    loaded = parse_instance(instance([cadre("a"), cadre("b")], days=2))
    assignments = [Assignment(cadre="a", date=START, shift="D", checkpoint="k1"),
                   Assignment(cadre="a", date=day(1), shift="D", checkpoint="k1")]
    rank = ranking(loaded, assignments, [])
    assert rank is not None and rank[3] > 0
    polished = polish(loaded, Calendar(loaded), assignments, [], rank, rounds=3, seconds=None)
    assert polished is not None
    assert polished.rank[:3] == rank[:3] and polished.rank[3] < rank[3]
    assert sorted(item.cadre for item in polished.assignments) == ["a", "b"]
