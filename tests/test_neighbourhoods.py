"""neighbourhoods: the chooser draws where the stage is worst, skill places counted as the coverage part counts them.

One day, one checkpoint in c1 asking one cadre who holds ``medical``; c2 asks
one cadre with no skill. Cadre a (no skill) is on duty at c1, b (medical)
may serve c1 and is free, c serves c2 and is on duty there. Persons are
all covered, so only the skill place makes c1 worse than c2. For the target
stage, c2's demand varies: only a distance the target part charges for weighs.
"""

from __future__ import annotations

from typing import Any

import pytest

from models.loading import parse_instance
from scheduler.model.roster_model import RosterModel
from scheduler.search.neighbourhoods import NeighbourhoodChooser, NeighbourhoodIndex

from .rules.helpers import cadre, checkpoint, demand, instance


def _weights(skill_holder: dict[str, Any], stage: str,
             k2: dict[str, Any] | None = None) -> dict[tuple[str, int], float]:
    data = instance(
        [cadre("a"), skill_holder, cadre("c", communities=["c2"])],
        days=1,
        communities=["c1", "c2"],
        checkpoints=[checkpoint("k1", "c1", rules=[demand(1, skills={"medical": 1})]),
                     checkpoint("k2", "c2", rules=[k2 or demand(1)])],
    )
    roster_model = RosterModel.build(parse_instance(data))
    solution = [0] * len(roster_model.cp.proto.variables)
    for key, variable in roster_model.vars.duties.items():
        if key.cadre in ("a", "c"):  # a at k1, c at k2; b free
            solution[variable.index] = 1
    chooser = NeighbourhoodChooser(NeighbourhoodIndex(roster_model), seed=0)
    return chooser.weights(stage, solution)


def test_a_missing_skill_place_that_a_holder_could_fill_weighs_in_coverage() -> None:
    # c1: persons 1 of 1, medical 0 of 1 and b holds it: weight 1. c2: 1 of 1: no weight.
    assert _weights(cadre("b", skills=["medical"]), "coverage") == {("c1", 0): 1}


def test_a_skill_place_nobody_here_holds_does_not_draw_the_search() -> None:
    # No cadre who may serve c1 holds medical: no step can fill the place, so c1 weighs nothing.
    assert _weights(cadre("b"), "coverage") == {}


def test_target_counts_persons_only() -> None:
    # demand(1) has target 1, held by one cadre at each checkpoint: nothing off target.
    assert _weights(cadre("b", skills=["medical"]), "target") == {}


@pytest.mark.parametrize(("k2", "expected"), [
    (demand(1, target=3, max_count=None), {("c2", 0): 2}),  # 1 on duty, target 3: 2 under
    (demand(1, target=3, max_count=None, under_weight=0), {}),  # under target costs nothing there
    (demand(0, target=0, max_count=None, over_weight=1), {("c2", 0): 1}),  # 1 over a target of 0
    (demand(0, target=0, max_count=None), {}),  # over target costs nothing (over_weight 0)
])
def test_target_weighs_only_the_distance_the_target_part_charges(k2: dict[str, Any],
                                                                  expected: dict[tuple[str, int], float]) -> None:
    assert _weights(cadre("b", skills=["medical"]), "target", k2) == expected


def test_a_skill_short_draws_its_holders_over_twice_the_window() -> None:
    # As above over 3 days, b holds medical. c1 is short of medical on every day, so with a skill share
    # of 1 every coverage draw there frees the holders of medical serving c1 (b alone) over twice the
    # width (2 x 1 day); with a share of 0 it frees the whole community (a and b) over one day.
    data = instance(
        [cadre("a"), cadre("b", skills=["medical"]), cadre("c", communities=["c2"])],
        days=3,
        communities=["c1", "c2"],
        checkpoints=[checkpoint("k1", "c1", rules=[demand(1, skills={"medical": 1})]),
                     checkpoint("k2", "c2", rules=[demand(1)])],
    )
    roster_model = RosterModel.build(parse_instance(data))
    solution = [0] * len(roster_model.cp.proto.variables)
    for key, variable in roster_model.vars.duties.items():
        if (key.cadre, key.checkpoint) in (("a", "k1"), ("c", "k2")):
            solution[variable.index] = 1
    index = NeighbourhoodIndex(roster_model)
    for share, kind, cadres, days in ((1.0, "skill", {"b"}, 2), (0.0, "community", {"a", "b"}, 1)):
        chooser = NeighbourhoodChooser(index, seed=0, skill_share=share)
        weights = chooser.weights("coverage", solution)
        assert weights == {("c1", 0): 1, ("c1", 1): 1, ("c1", 2): 1}
        for _ in range(20):
            drawn = chooser.draw("coverage", 1, weights)
            if drawn.place.startswith("c1"):  # a few draws go anywhere at random
                assert (drawn.kind, set(drawn.cadres), len(drawn.days)) == (kind, cadres, days)
