"""Runs that fail are never silent: logged with their reason, named by the command, a non-zero exit.

A run whose roster the independent checker rejects is a bug in schedule (``internal_error``), told
apart from a run that failed (``error``). Failed runs are not results: resuming runs them again.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import scheduler.solver
from models.roster import Assignment
from scheduler.cli.scenarios import scenario
from scheduler.scenarios.sweep import FAILED, INTERNAL_ERROR, Sweep, SweepSettings, run_sweep
from scheduler.scenarios.variation import parse_dimensions
from tests.scenarios.builders import tiny_data

SETTINGS = SweepSettings(time_limit=1.0, workers=1, seed=2, deterministic=True)
REAL_SOLVE = scheduler.solver.solve


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_invalid_combination_is_a_failed_run_logged_with_its_reason(tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    # tiny_data's k1 asks min 1, target 2: min=3 gives an instance the contract refuses. The library
    # is called without Sweep.validate (the CLI validates first), so the run itself fails.
    sweep = Sweep(tiny_data(3, days=3), parse_dimensions(["checkpoints.k1.demand.0.min=1,3"]), SETTINGS, "sha")
    output = tmp_path / "results.csv"
    with caplog.at_level(logging.ERROR, logger="scheduler.scenarios.sweep"):
        report = run_sweep(sweep, output, jobs=1)
    bad = "checkpoints.k1.demand.0.min=3"
    assert [key for key, _ in report.failed] == [bad]
    assert "target (2) must be >= min (3)" in report.failed[0][1]
    assert report.internal_errors == []
    rows = {row["key"]: row for row in _rows(output)}
    assert rows[bad]["status"] == FAILED and "invalid instance" in rows[bad]["error"]
    assert rows["checkpoints.k1.demand.0.min=1"]["status"] in ("optimal", "feasible")
    logged = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert any(bad in message and "target (2) must be >= min (3)" in message for message in logged), logged

    # Resuming runs the failed run again (it fails again) and keeps one row per run.
    again = run_sweep(sweep, output, jobs=1)
    assert again.retried == 1 and again.done_now == 1 and again.done_before == 1
    assert [row["key"] for row in _rows(output)] == ["checkpoints.k1.demand.0.min=1", bad]
    assert [key for key, _ in again.failed] == [bad]


def _rule_breaking_solve(instance: Any, options: Any) -> Any:
    """The real solver, then one duty more: cadre c1p00 (community c1 only) at k2 of community c2."""
    result = REAL_SOLVE(instance, options)
    day = instance.horizon.start
    extra = Assignment(cadre="c1p00", date=day, shift="D", checkpoint="k2")
    return dataclasses.replace(result, assignments=[*result.assignments, extra])


def test_a_roster_the_checker_rejects_is_an_internal_error_not_a_failed_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(scheduler.solver, "solve", _rule_breaking_solve)
    sweep = Sweep(tiny_data(3, days=3), parse_dimensions(["standby.per_community=0"]), SETTINGS, "sha")
    sweep.validate()
    with caplog.at_level(logging.ERROR, logger="scheduler.scenarios.sweep"):
        report = run_sweep(sweep, tmp_path / "results.csv", jobs=1)
    assert report.failed == []
    assert [key for key, _ in report.internal_errors] == ["standby.per_community=0"]
    assert "c1p00" in report.internal_errors[0][1] and "bug" in report.internal_errors[0][1]
    assert report.rows[0]["status"] == INTERNAL_ERROR
    assert any("internal error" in record.getMessage() for record in caplog.records)


@pytest.fixture()
def instance_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_data(3, days=3)))
    return path


def _arguments(instance_file: Path, output: Path) -> list[str]:
    return [str(instance_file), "--vary", "standby.per_community=0,1", "--time-limit", "0.5", "--deterministic",
            "--jobs", "1", "--no-progress", "--no-plots", "-o", str(output)]


def test_the_command_names_failed_runs_and_exits_1(tmp_path: Path, instance_file: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_solve(instance: Any, options: Any) -> Any:
        if instance.standby.per_community == 1:
            raise MemoryError("no memory left for the model")
        return REAL_SOLVE(instance, options)

    monkeypatch.setattr(scheduler.solver, "solve", failing_solve)
    output = tmp_path / "results.csv"
    result = CliRunner().invoke(scenario, _arguments(instance_file, output))
    assert result.exit_code == 1, result.output
    assert "1 of 2 runs failed" in result.output
    assert "standby.per_community=1: MemoryError: no memory left for the model" in result.output
    assert "internal error" not in result.output
    assert [row["status"] for row in _rows(output)][1] == FAILED

    monkeypatch.setattr(scheduler.solver, "solve", REAL_SOLVE)  # the cause is gone: resuming completes the sweep
    resumed = CliRunner().invoke(scenario, _arguments(instance_file, output))
    assert resumed.exit_code == 0, resumed.output
    assert "1 runs that had failed before were run again" in resumed.output
    assert all(row["status"] in ("optimal", "feasible") for row in _rows(output))


def test_the_command_tells_a_solver_bug_apart_and_exits_3(tmp_path: Path, instance_file: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler.solver, "solve", _rule_breaking_solve)
    result = CliRunner().invoke(scenario, _arguments(instance_file, tmp_path / "results.csv"))
    assert result.exit_code == 3, result.output
    assert "2 of 2 runs hit an internal error" in result.output
    assert "runs failed" not in result.output
    assert "standby.per_community=0: internal error (a bug in schedule)" in result.output
