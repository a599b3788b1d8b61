"""stage_search: when the last stage, or the fairness stage, is left out on a large model, its time going to
the polishing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from models.loading import parse_instance
from scheduler.checker import evaluate
from scheduler.search.budget import Budget
from scheduler.search.options import SolveOptions
from scheduler.search.settings import SETTINGS, settings_with
from scheduler.search.stage_search import left_to_the_polishing
from scheduler.solver import solve

from .rules.helpers import cadre, instance


def runner(*, by_neighbourhoods: bool = True, least_builds: float = SETTINGS.last_stage_least_builds,
           constructed: object = (), fairness_builds: float = 3.0) -> Any:
    # the model took 2 s for its variables and 1 s for its rules: 3 s to build
    return SimpleNamespace(
        by_neighbourhoods=by_neighbourhoods,
        roster_model=SimpleNamespace(build_seconds={"variables": 2.0, "successions": 1.0}),
        settings=settings_with([f"last_stage_least_builds={least_builds}",
                                f"fairness_stage_least_builds={fairness_builds}"]),
        constructed=constructed,
    )


def stage(name: str) -> Any:
    return SimpleNamespace(name=name)


def last_left_out(share: Budget, runner: Any) -> bool:
    return left_to_the_polishing(stage("requests+continuity"), share, runner, last=True)


def test_a_share_shorter_than_building_the_model_is_left_to_the_polishing() -> None:
    # 1 times the 3 s build: 2.5 s is too short, 3.5 s is not
    assert last_left_out(Budget(2.5), runner())
    assert not last_left_out(Budget(3.5), runner())


def test_the_setting_scales_the_building_time() -> None:
    # 2 times the 3 s build: 5 s is too short now, 6.5 s is not
    assert last_left_out(Budget(5.0), runner(least_builds=2.0))
    assert not last_left_out(Budget(6.5), runner(least_builds=2.0))


def test_a_model_searched_whole_or_a_repeatable_solve_always_has_its_last_stage() -> None:
    # a small model's whole search may prove the stage in a moment; a repeatable solve counts work,
    # not seconds, so its share says nothing of the building time
    assert not last_left_out(Budget(0.5), runner(by_neighbourhoods=False))
    assert not last_left_out(Budget(0.5, deterministic=True), runner())
    assert not last_left_out(Budget(None), runner())


def test_a_solve_leaves_the_last_stage_out_where_its_time_is_too_short() -> None:
    # Two cadres, one checkpoint asking one a day for 3 days, one standby a day (a field instance:
    # the hand dispatch builds its first roster); searched by neighbourhoods (every model counts as
    # large). Asking for a million times the building time leaves the last stage out: it is reported
    # skipped, with no seconds spent, and the roster still covers every day and passes the checker.
    # Asking for none keeps it.
    data = instance([cadre("a"), cadre("b")], days=3, standby={"per_community": 1})
    loaded = parse_instance(data)
    for least_builds, status in ((1e6, "skipped"), (0.0, None)):
        settings = settings_with(["lns_least_decisions=0", f"last_stage_least_builds={least_builds}"])
        result = solve(loaded, SolveOptions(time_limit=10, workers=1, settings=settings))
        last = result.stages[-1]
        assert last.name == "requests+continuity"
        assert (last.status == "skipped") == (status == "skipped")
        if status == "skipped":
            assert last.seconds == 0.0
        assert [stage.value for stage in result.stages[:1]] == [0.0]
        assert evaluate(loaded, result.assignments, result.standby).violations == []


def test_the_fairness_stage_is_left_to_the_polishing_on_a_large_model_with_a_constructed_roster() -> None:
    # 3 times the 3 s build: a share of 8.5 s is left to the polishing's balancing, 9.5 s is searched
    assert left_to_the_polishing(stage("fairness"), Budget(8.5), runner(), last=False)
    assert not left_to_the_polishing(stage("fairness"), Budget(9.5), runner(), last=False)
    # not another stage, nor with the setting at 0
    assert not left_to_the_polishing(stage("target"), Budget(8.5), runner(), last=False)
    assert not left_to_the_polishing(stage("fairness"), Budget(8.5), runner(fairness_builds=0.0), last=False)
    # not where nothing is polished (no constructed roster), the model is searched whole, or the solve
    # is repeatable (it counts work, and the polishing's balancing is timed)
    assert not left_to_the_polishing(stage("fairness"), Budget(8.5), runner(constructed=None), last=False)
    assert not left_to_the_polishing(stage("fairness"), Budget(8.5), runner(by_neighbourhoods=False), last=False)
    assert not left_to_the_polishing(stage("fairness"), Budget(8.5, deterministic=True), runner(), last=False)
    # the last stage keeps its own rule (3 s build)
    assert left_to_the_polishing(stage("requests+continuity"), Budget(2.5), runner(), last=True)
    assert not left_to_the_polishing(stage("requests+continuity"), Budget(3.5), runner(), last=True)


def test_a_solve_leaves_the_fairness_stage_to_the_polishing() -> None:
    # The instance above, searched by neighbourhoods. Asking for a million times the building time
    # leaves the fairness stage to the polishing: it spends no time of its own (its value is the
    # roster's, counted by the checker); asking for none keeps it searched. Either roster covers every
    # day and passes the checker.
    loaded = parse_instance(instance([cadre("a"), cadre("b")], days=3, standby={"per_community": 1}))
    for least_builds in (1e6, 0.0):
        settings = settings_with(["lns_least_decisions=0", f"fairness_stage_least_builds={least_builds}"])
        result = solve(loaded, SolveOptions(time_limit=10, workers=1, settings=settings))
        fairness = result.stages[3]
        assert fairness.name == "fairness"
        assert (fairness.seconds == 0.0) == (least_builds > 0)
        assert result.stages[0].value == 0.0
        assert evaluate(loaded, result.assignments, result.standby).violations == []
