"""benchmarks/build.py times the model the solver builds, step by step."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from models.loading import load_instance
from scheduler.model import RosterModel
from scheduler.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "build.py"


def test_timed_build_is_the_solver_s_build() -> None:
    spec = importlib.util.spec_from_file_location("build_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    path = ROOT / "instances" / "tiny.json"

    timed, seconds = script.timed_build(path)

    # the same model, constraint for constraint, as the solver's own build
    assert str(timed.model.proto) == str(RosterModel.build(load_instance(path)).model.proto)
    # one figure per step: the calendar, the variables, each rule family once (a family listed twice is summed)
    rule_names = list(dict.fromkeys(rule.__name__.rsplit(".", 1)[-1] for rule in RULES))
    assert list(seconds) == ["calendar", "variables", *rule_names]
    assert all(value >= 0 for value in seconds.values())
