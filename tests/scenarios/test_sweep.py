"""Sweeps: headcount monotonicity, resuming an interrupted sweep, local and Dask parallel runs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scheduler.scenarios.sweep import ResultsFile, Sweep, SweepMismatch, SweepSettings, numeric, run_sweep
from scheduler.scenarios.variation import parse_dimensions
from tests.scenarios.builders import tiny_data

SETTINGS = SweepSettings(time_limit=1.0, workers=1, seed=7, deterministic=True, absence=0.2, trials=3)
VARY = ["headcount=0.4,1.0", "standby.per_community=0,1"]


def _sweep(settings: SweepSettings = SETTINGS, vary: list[str] = VARY) -> Sweep:
    sweep = Sweep(tiny_data(6, days=7), parse_dimensions(vary), settings, "sha-of-tiny")
    sweep.validate()
    return sweep


def _comparable(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return [{key: value for key, value in row.items() if key != "seconds"} for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reference") / "results.csv"
    report = run_sweep(_sweep(), path, jobs=1)
    assert report.done_now == 4 and not report.interrupted
    return path


def test_more_cadres_never_lower_the_best_coverage(tmp_path: Path) -> None:
    settings = SweepSettings(time_limit=1.0, workers=1, seed=3, deterministic=True)
    report = run_sweep(_sweep(settings, ["headcount=0.2:1.0:0.2"]), tmp_path / "headcount.csv", jobs=1)
    rows = sorted(report.rows, key=lambda row: float(row["headcount"]))
    assert [row["coverage_status"] for row in rows] == ["optimal"] * 5  # coverage proven at every headcount
    cadres = [int(row["cadres"]) for row in rows]
    shortfall = [numeric(row["objective_coverage"]) for row in rows]
    coverage = [numeric(row["min_coverage"]) for row in rows]
    assert cadres == sorted(cadres) and len(set(cadres)) == 5
    assert all(later <= earlier for earlier, later in zip(shortfall, shortfall[1:], strict=False))
    assert all(later >= earlier for earlier, later in zip(coverage, coverage[1:], strict=False))
    assert coverage[0] < 1.0 and coverage[-1] == 1.0  # the instance is short-handed at the low end


def test_rows_hold_the_figures(reference: Path) -> None:
    rows = _comparable(reference)
    assert [row["key"] for row in rows] == [
        "headcount=0.4;standby.per_community=0", "headcount=0.4;standby.per_community=1",
        "headcount=1.0;standby.per_community=0", "headcount=1.0;standby.per_community=1",
    ]
    for row in rows:
        assert row["status"] in ("optimal", "feasible") and row["error"] == ""
        for column in ("min_coverage", "target_coverage", "standby_coverage", "load_gini", "load_cv", "load_jain",
                       "absence_min_coverage_before", "absence_min_coverage_after"):
            assert 0 <= float(row[column]) <= 1, column
        assert float(row["absence_min_coverage_after"]) >= float(row["absence_min_coverage_before"])
        assert row["activation_violations"] == "0"
    called = [float(row["promoted"]) for row in rows if row["standby.per_community"] == "1"]
    assert max(called) > 0  # with standbys, some absences were covered


def test_an_interrupted_sweep_resumes_to_the_same_rows(tmp_path: Path, reference: Path) -> None:
    path = tmp_path / "results.csv"
    written: list[str] = []

    def stop_after_two(row: dict[str, str]) -> None:
        written.append(row["key"])
        if len(written) == 2:
            raise KeyboardInterrupt

    first = run_sweep(_sweep(), path, jobs=1, on_row=stop_after_two)
    assert first.interrupted and first.done_now == 2
    with path.open("a") as handle:
        handle.write("3,headcount=1.0;standby.per_c")  # a line torn by the interruption
    second = run_sweep(_sweep(), path, jobs=1)
    assert not second.interrupted and second.done_before == 2 and second.done_now == 2
    assert _comparable(path) == _comparable(reference)
    third = run_sweep(_sweep(), path, jobs=1)
    assert third.done_now == 0 and _comparable(path) == _comparable(reference)


def test_another_sweep_in_the_same_file_is_refused(tmp_path: Path, reference: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_bytes(reference.read_bytes())
    other = SweepSettings(time_limit=1.0, workers=1, seed=8, deterministic=True, absence=0.2, trials=3)
    with pytest.raises(SweepMismatch):
        run_sweep(_sweep(other), path, jobs=1)
    assert run_sweep(_sweep(other), path, jobs=1, restart=True).done_now == 4


def test_local_processes_give_the_same_rows(tmp_path: Path, reference: Path) -> None:
    path = tmp_path / "results.csv"
    report = run_sweep(_sweep(), path, jobs=2)
    assert report.done_now == 4
    assert _comparable(path) == _comparable(reference)


def test_a_dask_cluster_gives_the_same_rows(tmp_path: Path, reference: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        path = tmp_path / "results.csv"
        report = run_sweep(_sweep(), path, dask_address=cluster.scheduler_address)
    assert report.done_now == 4
    assert _comparable(path) == _comparable(reference)


def test_results_file_drops_only_torn_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    results = ResultsFile(path, ["index", "key", "sweep"], "s1")
    results.append({"index": 0, "key": "a"})
    results.append({"index": 1, "key": "b,c"})
    with path.open("a") as handle:
        handle.write('2,"d')
    assert [row["key"] for row in results.read()] == ["a", "b,c"]
    assert path.read_text() == 'index,key,sweep\n0,a,s1\n1,"b,c",s1\n'
