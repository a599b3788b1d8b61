"""The summary of repeated runs in benchmarks/curtois.py (gaps worked out by hand)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.benchmark_scripts import load_benchmark_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "curtois.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_benchmark_script("curtois.py", "curtois_benchmark")


def test_gap_percent(script: ModuleType) -> None:
    # 1059 against 1056: 3 / 1056 = 0.284 % -> 0.28
    assert script.gap_percent(1059, 1056) == 0.28
    assert script.gap_percent(607, 607) == 0.0
    assert script.gap_percent(None, 607) is None
    assert script.gap_percent(700, None) is None


def test_summary_of_three_runs(script: ModuleType) -> None:
    # sorted 0.09, 0.13, 2.42: median the middle one; two runs at or under 1 %
    assert script.summary([2.42, 0.09, 0.13]) == {
        "runs": 3,
        "no roster": 0,
        "best": 0.09,
        "median": 0.13,
        "worst": 2.42,
        "within 1 %": 2,
    }


def test_summary_even_count_takes_the_mean_of_the_middle_two(script: ModuleType) -> None:
    # sorted 1.0, 2.0, 4.0, 10.0: median (2.0 + 4.0) / 2 = 3.0; 1.0 counts as within 1 %
    line = script.summary([10.0, 1.0, 4.0, 2.0])
    assert (line["median"], line["within 1 %"]) == (3.0, 1)


def test_runs_without_a_roster_rank_worst(script: ModuleType) -> None:
    # 0.5, then two runs without a roster: the median (second of three) and the worst are "no roster"
    line = script.summary([None, 0.5, None])
    assert line == {"runs": 3, "no roster": 2, "best": 0.5, "median": None, "worst": None, "within 1 %": 1}
    # one of two without a roster: the mean of the middle two needs both
    assert script.summary([0.5, None])["median"] is None
    assert script.summary([None])["best"] is None


def test_a_failed_run_is_a_row_without_a_roster(script: ModuleType) -> None:
    # a run whose process died: no objective, status "error", the check column names the error
    # (so the benchmark's exit code, which any check other than "ok" makes 1, reports it)
    row = script.failed_row("Instance24", MemoryError("out of memory\nmore detail"))
    assert row["objective"] is None and row["status"] == "error"
    assert row["check"] == "error: MemoryError: out of memory"
    assert script.failed_row("Instance1", RuntimeError())["check"] == "error: RuntimeError"


def test_a_wrong_setting_is_refused_before_any_solve(script: ModuleType, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["curtois.py", "Instance1", "--setting", "lns_step_limit=fast"])
    with pytest.raises(SystemExit) as stopped:
        script.main()
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert "expected float" in captured.err and "| Instance1 |" not in captured.out
