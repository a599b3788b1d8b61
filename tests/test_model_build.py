"""Building the model: Python's cycle collector is paused while it runs, and only then."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import scheduler.model.rules
from models.loading import parse_instance
from scheduler.model.roster_model import RosterModel, cycle_collection_paused
from tests.rules.helpers import cadre, instance


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_paused_inside_and_back_after(collector_on: None) -> None:
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_error(collector_on: None) -> None:
    with pytest.raises(RuntimeError), cycle_collection_paused():
        raise RuntimeError("a rule failed")
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(collector_on: None) -> None:
    gc.disable()
    with cycle_collection_paused():
        pass
    assert not gc.isenabled()


def test_every_rule_is_added_with_the_collector_paused(collector_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    recording_rule = SimpleNamespace(
        __name__="tests.recording_rule", apply=lambda roster_model: seen.append(gc.isenabled())
    )
    monkeypatch.setattr(scheduler.model.rules, "RULES", [*scheduler.model.rules.RULES, recording_rule])
    roster_model = RosterModel.build(parse_instance(instance([cadre("a0")]), "gc-test"))
    assert seen == [False]
    assert len(roster_model.vars.duties) == 2  # the real rules ran too: one cadre, 2 days, shift D: 2 duties
    assert gc.isenabled()


def test_the_build_records_the_seconds_of_each_step() -> None:
    roster_model = RosterModel.build(parse_instance(instance([cadre("a0")]), "timing-test"))
    # one figure per step, in build order: the calendar, the variables, each rule family once
    rule_names = [rule.__name__.rsplit(".", 1)[-1] for rule in scheduler.model.rules.RULES]
    assert list(roster_model.build_seconds) == ["calendar", "variables", *rule_names]
    assert all(seconds >= 0 for seconds in roster_model.build_seconds.values())


def test_every_rule_family_is_registered_once() -> None:
    # Each module of scheduler/model/rules/ adds its family's constraints; listed twice, they would
    # be added twice (a larger model, the same rosters), and a module not listed would add none.
    package = Path(scheduler.model.rules.__file__).parent
    modules = sorted(path.stem for path in package.glob("*.py") if path.stem != "__init__")
    registered = [rule.__name__.rsplit(".", 1)[-1] for rule in scheduler.model.rules.RULES]
    assert sorted(registered) == modules
