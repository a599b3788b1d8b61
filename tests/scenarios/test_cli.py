"""The scenario and staffing commands: output files, figures, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli.scenarios import scenario, staffing
from tests.scenarios.builders import tiny_data


@pytest.fixture()
def instance_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_data(4, days=4)))
    return path


def test_scenario_writes_rows_and_figures(tmp_path: Path, instance_file: Path) -> None:
    output = tmp_path / "out" / "results.csv"
    arguments = [str(instance_file), "--vary", "headcount=0.5,1.0", "--absence", "0.1", "--trials", "2",
                 "--time-limit", "0.5", "--deterministic", "--jobs", "1", "--no-progress", "-o", str(output)]
    result = CliRunner().invoke(scenario, arguments)
    assert result.exit_code == 0, result.output
    with output.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["headcount"] for row in rows] == ["0.5", "1.0"]
    for name in ("results_coverage.png", "results_fairness.png", "results_absence.png"):
        assert (output.parent / name).stat().st_size > 1000
    assert "2 runs" in result.output
    again = CliRunner().invoke(scenario, arguments)
    assert again.exit_code == 0 and "0 solved now, 2 resumed" in again.output
    other = CliRunner().invoke(scenario, [*arguments, "--seed", "5"])
    assert other.exit_code == 2 and "another sweep" in other.output


@pytest.mark.parametrize("vary, message", [
    ("headcount=1.5", "not a fraction"),
    ("rules.max_consecutive_workdays=5", "unknown field"),
    ("checkpoints.k9.risk=low", "no item with id"),
    ("rules.min_rest_hours", "expected name=values"),
])
def test_bad_vary_exits_2(tmp_path: Path, instance_file: Path, vary: str, message: str) -> None:
    output = tmp_path / "results.csv"
    result = CliRunner().invoke(scenario, [str(instance_file), "--vary", vary, "-o", str(output)])
    assert result.exit_code == 2
    assert message in result.output
    assert not output.exists()


def test_staffing_names_the_binding_community(tmp_path: Path, instance_file: Path) -> None:
    output = tmp_path / "staffing.csv"
    result = CliRunner().invoke(staffing, [str(instance_file), "--time-limit", "0.5", "--deterministic", "--jobs", "1",
                                           "--no-progress", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "binding (*)" in result.output and "total needed" in result.output
    with output.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["community"] for row in rows] == ["c1", "c2"]
    assert any(row["binding"] == "true" for row in rows)
