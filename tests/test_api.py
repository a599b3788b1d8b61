"""scheduler's public Python API: load, solve, check and the roster's tables, as a notebook uses them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import scheduler
from models.loading import InputError

from .rules.helpers import cadre, checkpoint, demand, instance

ROOT = Path(__file__).resolve().parents[1]


def test_a_small_instance_solved_checked_and_read_as_tables() -> None:
    # Two cadres, three days of one 8-hour shift D wanted once a day (min 1, max 1), and b may work
    # at most 8 h: a covers two days and b one (or a all three: a has no limit). Either way the
    # minimum is met on each day, so the roster has exactly 3 duties, one a day, and no shortfall.
    data = scheduler.parse_instance(
        instance([cadre("a"), cadre("b", limits={"max_total_hours": 8})], days=3,
                 checkpoints=[checkpoint(rules=[demand(1, max_count=1)])])
    )
    roster = scheduler.solve(data, time_limit=5, workers=1, deterministic=True)
    assert scheduler.check(data, roster).ok

    duties = scheduler.assignments_frame(roster)
    assert list(duties.columns) == ["cadre", "date", "shift", "checkpoint"]
    assert len(duties) == 3 and sorted(duties["date"].astype(str)) == ["2024-01-01", "2024-01-02", "2024-01-03"]
    assert (duties.groupby("cadre").size().get("b", 0)) <= 1
    assert scheduler.shortfalls_frame(roster).empty
    assert scheduler.standby_frame(roster).empty

    metrics = scheduler.cadre_metrics_frame(roster)
    assert sorted(metrics.index) == ["a", "b"]
    assert metrics["duty_shifts"].sum() == 3 and metrics["duty_hours"].sum() == 24


def test_shortfalls_are_one_row_each() -> None:
    # One cadre for two checkpoints wanted once on the same single day: one duty at most, so one
    # checkpoint's minimum is short by one.
    data = scheduler.parse_instance(
        instance([cadre("a")], days=1, checkpoints=[checkpoint("k1"), checkpoint("k2")])
    )
    roster = scheduler.solve(data, time_limit=5, workers=1, deterministic=True)
    short = scheduler.shortfalls_frame(roster)
    assert len(short) == 1 and short.loc[0, "assigned"] == 0 and short.loc[0, "min"] == 1
    assert short.loc[0, "reason"]


def test_solve_from_a_path_writes_a_roster_the_cli_can_check(tmp_path: Path) -> None:
    path = ROOT / "instances" / "tiny.json"
    roster = scheduler.solve(path, time_limit=5, workers=1, deterministic=True)
    out = tmp_path / "roster.json"
    scheduler.write_roster(roster, out)
    completed = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "check", str(path), str(out)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_bad_input_raises_with_the_path() -> None:
    with pytest.raises(InputError) as raised:
        scheduler.parse_instance({"horizon": {"start": "2024-01-01"}})
    assert "horizon.days: required field is missing" in str(raised.value)


def test_importing_the_checker_does_not_load_ortools() -> None:
    # The independent checker shares nothing with the solver: importing it (and so the package)
    # must not bring OR-Tools in.
    code = "import sys, scheduler.checker; print('ortools' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert completed.stdout.strip() == "False", completed.stderr


def test_unknown_names_are_not_public() -> None:
    with pytest.raises(AttributeError):
        scheduler.StageSolver  # noqa: B018


def test_every_public_name_resolves() -> None:
    for name in scheduler.__all__:
        assert getattr(scheduler, name).__doc__, name
