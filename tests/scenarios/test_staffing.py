"""Staffing: the smallest proven headcount per community, the binding communities."""

from __future__ import annotations

from models.loading import parse_instance
from scheduler.checker import evaluate
from scheduler.scenarios.staffing import StaffingSettings, community_data, staffing
from scheduler.scenarios.variation import keeping_order
from scheduler.solver import SolveOptions, solve
from tests.scenarios.builders import tiny_data

SETTINGS = StaffingSettings(time_limit=1.0, workers=1, seed=0, deterministic=True)


def test_smallest_headcount_is_found_and_proven() -> None:
    data = tiny_data(6, days=7)
    data["checkpoints"][1]["demand"] = [{"min": 5, "target": 5}]  # c2: 70 cadre-shifts a week, 7 cadres
    report = staffing(data, SETTINGS)
    c1, c2 = report.communities
    assert (c1.community, c1.available) == ("c1", 7)
    assert c1.needed is not None and 3 <= c1.needed < 7 and c1.proven
    assert sum(c1.units.values()) == c1.needed
    probes = {probe.count: probe for probe in c1.probes}
    assert probes[c1.needed].met and probes[c1.needed - 1].proven_short
    assert c2.needed is None and c2.proven and report.short == ["c2"]
    assert report.binding == ["c2", "c1"] and report.uniform_share == c1.share
    # the answer, checked by a solve of its own: the first `needed` cadres of the keeping order suffice
    pool = [cadre for cadre in data["cadres"] if "c1" in cadre["communities"]]
    order = keeping_order(pool, SETTINGS.seed, "c1")
    instance = parse_instance(community_data(data, "c1", order[: c1.needed], with_standby=False))
    result = solve(instance, SolveOptions(time_limit=1.0, workers=1, deterministic=True))
    evaluation = evaluate(instance, result.assignments, result.standby)
    assert evaluation.violations == [] and evaluation.shortfalls == []


def test_a_community_without_minimum_needs_nobody() -> None:
    data = tiny_data(3, days=3)
    data["checkpoints"][1]["demand"] = [{"min": 0, "target": 1}]
    report = staffing(data, SETTINGS, communities=["c2"])
    (c2,) = report.communities
    assert (c2.needed, c2.proven, c2.probes) == (0, True, [])
    assert report.binding == [] and report.uniform_share == 0.0
