"""benchmarks/runs.py: the runs construction alone on the benchmark's files, judged by the benchmark's rules."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.benchmark_scripts import load_benchmark_script

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "runs.py"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks" / "curtois"
needs_benchmarks = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason=f"benchmark folder {BENCHMARKS} not present")


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_benchmark_script("runs.py", "runs_benchmark")


def _row(out: str, name: str) -> list[str]:
    row = next(line for line in out.splitlines() if line.startswith(f"| {name} "))
    return [cell.strip() for cell in row.strip("|").split("|")]


@needs_benchmarks
@pytest.mark.parametrize("settings", [[], ["--setting", "demand_tie_break=0", "--setting", "weekend_price_steps=3"]])
def test_instance1_s_runs_roster_keeps_the_rules_and_costs_at_least_the_optimum(
    script: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: list[str]
) -> None:
    # Instance1 (8 staff, 14 days) has the optimum 607 (best_known.csv): no roster costs less. The runs
    # keep every sequence rule, and every staff member gets runs, with the tuned values or others.
    monkeypatch.setattr(sys, "argv", ["runs.py", "Instance1", *settings])

    assert script.main() == 0

    out = capsys.readouterr().out
    for given in settings[1::2]:
        assert given in out.splitlines()[0]
    cells = _row(out, "Instance1")
    assert cells[1] == "8 × 14"
    assert int(cells[2]) >= 607
    assert (cells[3], cells[4]) == ("0", "yes")


def test_a_missing_file_or_a_wrong_setting_is_refused(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["runs.py", str(tmp_path / "absent.txt")])
    assert script.main() == 2
    assert "absent.txt" in capsys.readouterr().err
    monkeypatch.setattr(sys, "argv", ["runs.py", "Instance1", "--setting", "weekend_price_steps=many"])
    with pytest.raises(SystemExit) as stopped:
        script.main()
    assert stopped.value.code == 2
