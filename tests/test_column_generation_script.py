"""benchmarks/column_generation.py: the engine's column generation run alone on the benchmark's files.

The pricer itself is checked against brute force in tests/test_column_generation.py; here the script's
bound, dive roster (judged by the benchmark's own rules, scheduler.sources.curtois), table and errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from scheduler.sources.curtois import curtois_objective_parts, curtois_violations, parse_curtois
from tests.benchmark_scripts import load_benchmark_script

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "column_generation.py"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks" / "curtois"
needs_benchmarks = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason=f"benchmark folder {BENCHMARKS} not present")


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_benchmark_script("column_generation.py", "column_generation")


@needs_benchmarks
def test_instance2_bound_and_dive(script: ModuleType) -> None:
    # Instance2's optimum is 828 (best_known.csv: best known = lower bound); the LP bound can be no
    # higher, and the dive's roster must keep every rule and score at least the optimum.
    data = parse_curtois((BENCHMARKS / "Instance2.txt").read_text(encoding="ascii"))

    outcome = script.solve(data, time_limit=300.0, dive=True)

    assert outcome.converged
    assert outcome.bound <= 828 + 1e-6
    assert outcome.lp_value == pytest.approx(outcome.bound)  # converged: nothing negative is left
    assert outcome.dive_roster is not None
    assert curtois_violations(data, outcome.dive_roster) == []
    parts = curtois_objective_parts(data, outcome.dive_roster)
    assert sum(parts.values()) >= 828
    assert set(outcome.dive_roster) <= {(staff.id, day) for staff in data.staff for day in range(data.horizon)}


@needs_benchmarks
def test_the_script_prints_a_row_per_instance(
    script: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["column_generation.py", "Instance1", "--dive"])

    assert script.main() == 0

    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| Instance1 ")]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    bound, converged, dive, kept = int(cells[1]), cells[2], int(cells[6]), cells[7]
    assert bound <= 607 <= dive  # Instance1's optimum is 607
    assert (converged, kept) == ("yes", "yes")


def test_a_missing_or_malformed_file_is_named_and_nothing_is_solved(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("SECTION_HORIZON\nseven\n", encoding="ascii")
    for argument in (str(tmp_path / "absent.txt"), str(broken)):
        monkeypatch.setattr(sys, "argv", ["column_generation.py", argument])

        assert script.main() == 2

        captured = capsys.readouterr()
        assert captured.out == ""  # no table begun
        assert Path(argument).name in captured.err


@needs_benchmarks
def test_a_setting_given_reaches_the_generation_and_an_lp_given_up_has_no_bound(
    script: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # With least_lp_rounds absurdly high and a time limit, the pace of the first rosters says the LP
    # cannot end: it is given up, and its row says so instead of failing on an infinite bound.
    monkeypatch.setattr(sys, "argv", ["column_generation.py", "Instance1", "--dive", "--time-limit", "30",
                                      "--setting", "least_lp_rounds=1000000000000"])

    assert script.main() == 0

    out = capsys.readouterr().out
    assert "least_lp_rounds=1000000000000" in out.splitlines()[0]
    row = next(line for line in out.splitlines() if line.startswith("| Instance1 "))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert (cells[1], cells[2], cells[6]) == ("—", "no", "—")


def test_a_wrong_setting_is_refused_with_exit_2(script: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["column_generation.py", "Instance1", "--setting", "dive_pace=3"])
    with pytest.raises(SystemExit) as stopped:
        script.main()
    assert stopped.value.code == 2
