"""benchmarks/bounds.py bounds each counted stage again beside a roster, and flags a bound above it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmark_scripts import load_benchmark_script


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated sub-district of 3 days (more checkpoints than its cadres can hold) and a roster for it."""
    work = tmp_path_factory.mktemp("bounds")
    instance = work / "village.json"
    roster = work / "village.roster.json"
    schedule = [sys.executable, "-m", "scheduler.cli"]
    subprocess.run([*schedule, "generate", "--profile", "subdistrict", "--seed", "1", "--days", "3", "-o",
                    str(instance)], check=True, capture_output=True)
    subprocess.run([*schedule, "solve", str(instance), "-o", str(roster), "--time-limit", "5", "--workers", "1",
                    "--no-progress"], check=True, capture_output=True)
    return instance, roster


def test_every_counted_stage_is_bounded_at_most_at_the_roster_s_value(solved: tuple[Path, Path]) -> None:
    script = load_benchmark_script("bounds.py", "bounds_benchmark")
    instance, roster = solved
    rows = script.bound_rows(instance, roster, [0.5, None])
    # the four counted stages in order, the fairness LP once per time given
    assert [(row["stage"], row["lp_seconds"]) for row in rows] == [
        ("coverage", None), ("standby", None), ("target", None), ("fairness", 0.5), ("fairness", None)]
    assert all(row["bound"] <= row["value"] for row in rows)
    # the sub-district cannot be covered: counting alone bounds its coverage above 0
    assert rows[0]["bound"] > 0


def test_a_bound_above_the_roster_s_value_fails_the_script(
    solved: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The roster's coverage claimed lower than any roster can reach (its bound less one): a bound above
    # that value is what the script must flag.
    script = load_benchmark_script("bounds.py", "bounds_benchmark")
    instance, roster = solved
    bound = script.bound_rows(instance, roster, [None])[0]["bound"]
    claimed = json.loads(roster.read_text(encoding="utf-8"))
    claimed["objective"]["stages"][0]["value"] = bound - 1
    false_roster = tmp_path / "false.roster.json"
    false_roster.write_text(json.dumps(claimed), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["bounds.py", str(instance), str(roster)])
    assert script.main() == 0
    monkeypatch.setattr(sys, "argv", ["bounds.py", str(instance), str(false_roster)])
    assert script.main() == 1
    assert "1 bound(s) above the roster's value" in capsys.readouterr().err
