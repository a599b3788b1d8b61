"""Parameter sweeps: solve every combination of ``--vary`` values, one CSV row per run, resumable.

A *run* is one combination of parameter values. It is solved once; with an absence probability its
roster then goes through ``trials`` absence trials (:mod:`scheduler.scenarios.absence`), summed up in
the same row. Each row is appended and flushed as soon as its run finishes, with a ``key`` column (the
combination) and a ``sweep`` column (a digest of the instance file and the sweep's settings): running
the same sweep again skips the keys already in the file, so an interrupted sweep loses at most the runs
in progress. When every run is done the file is rewritten in run order.

Seeds: each run's solver seed is derived from the sweep seed and the run's key, so a resumed run gets
the seed it would have had; the headcount subset depends on the sweep seed only (nested subsets); the
absences on the sweep seed and the trial only (every scenario sees the same absences). For rows that
repeat exactly, solve with ``deterministic=True``.

Runs go to a local process pool (``jobs`` processes, by default cores // solver workers) or to a Dask
distributed cluster (``dask_address``; ``dask[distributed]`` is an optional dependency).
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models.loading import InputError
from scheduler.files import write_atomic
from scheduler.scenarios.absence import simulate_absences
from scheduler.scenarios.parallel import default_jobs, map_unordered
from scheduler.scenarios.variation import (
    HEADCOUNT,
    Dimension,
    VaryError,
    build_instance,
    combinations,
    derived_seed,
    format_value,
    params_key,
)

logger = logging.getLogger(__name__)

SOLVE_COLUMNS = [
    "cadres", "status", "coverage_status", "stage_status", "min_coverage", "target_coverage", "standby_coverage",
    "shortfalls", "standby_shortfalls", "duty_hours", "load_gini", "load_cv", "load_jain", "at_limit", "at_limit_share",
    "objective_coverage", "objective_standby", "objective_target", "objective_fairness",
]
ABSENCE_COLUMNS = [
    "absence_min_coverage_before", "absence_min_coverage_after", "absence_min_coverage_before_worst",
    "absence_min_coverage_after_worst", "absence_min_coverage_after_sd", "absent_cadre_days", "lost_duties",
    "promoted", "activation_violations",
]
TAIL_COLUMNS = ["solver_seed", "seconds", "error", "sweep"]
# A run's ``status`` when it gave no result: it failed (an invalid combination, an error while solving),
# or the solver's roster broke the rules (a bug in schedule, told apart from a failed run).
FAILED = "error"
INTERNAL_ERROR = "internal_error"
UNFINISHED = (FAILED, INTERNAL_ERROR)


class SweepMismatch(Exception):
    """The output file holds rows of a different sweep (other instance, parameters or settings)."""


class RunInterrupted(Exception):
    """A run stopped by Ctrl-C: its result is not a result and is never written."""


@dataclass(frozen=True)
class SweepSettings:
    """What every run of a sweep shares."""

    time_limit: float | None = 20.0
    workers: int = 1  # CP-SAT workers per solve
    seed: int = 0
    deterministic: bool = False
    absence: float = 0.0
    trials: int = 10

    def __post_init__(self) -> None:
        if not 0 <= self.absence <= 1:
            raise ValueError(f"absence probability {self.absence} is not in [0, 1]")
        if self.trials < 1:
            raise ValueError("trials must be at least 1")


@dataclass(frozen=True)
class Run:
    index: int
    key: str
    params: dict[str, Any]
    seed: int


@dataclass
class SweepReport:
    path: Path
    total: int
    done_before: int
    done_now: int = 0
    interrupted: bool = False
    rows: list[dict[str, str]] = field(default_factory=list)
    retried: int = 0  # runs that had failed in an earlier sweep and were run again

    def _with_status(self, status: str) -> list[tuple[str, str]]:
        return [(row["key"], row["error"]) for row in self.rows if row["status"] == status]

    @property
    def failed(self) -> list[tuple[str, str]]:
        """(key, reason) of every run in the file that failed."""
        return self._with_status(FAILED)

    @property
    def internal_errors(self) -> list[tuple[str, str]]:
        """(key, reason) of every run whose roster the checker rejected: a bug in schedule."""
        return self._with_status(INTERNAL_ERROR)


class Sweep:
    """The runs of a sweep over ``dimensions`` on the instance JSON ``base``."""

    def __init__(self, base: dict[str, Any], dimensions: Sequence[Dimension], settings: SweepSettings,
                 instance_sha256: str) -> None:
        self.base = base
        self.dimensions = list(dimensions)
        self.settings = settings
        described = {
            "instance": instance_sha256,
            "dimensions": [[dimension.name, [format_value(value) for value in dimension.values]]
                           for dimension in self.dimensions],
            "settings": asdict(settings),
        }
        self.sweep_id = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]
        self.runs = [
            Run(index, params_key(params), params, derived_seed(settings.seed, params_key(params)))
            for index, params in enumerate(combinations(self.dimensions))
        ]
        absence = ABSENCE_COLUMNS if settings.absence > 0 else []
        self.columns = ["index", "key", *(d.name for d in self.dimensions), "absence", "trials", *SOLVE_COLUMNS,
                        *absence, *TAIL_COLUMNS]

    def validate(self) -> None:
        """Build and validate every combination's instance; raises :class:`VaryError` naming the first bad one."""
        for run in self.runs:
            try:
                build_instance(self.base, run.params, self.settings.seed)
            except VaryError as error:
                raise VaryError(f"{run.key}: {error}") from None
            except InputError as error:
                listed = "; ".join(str(issue) for issue in error.issues[:5])
                raise VaryError(f"{run.key} gives an invalid instance: {listed}") from None


# --------------------------------------------------------------------------- one run


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 9))
    return str(value)


def _load_figures(metrics: dict[str, Any]) -> dict[str, Any]:
    """Gini, CV and Jain of load: the groups' figures averaged, weighted by the cadres they are over."""
    groups = metrics.get("groups", {})
    counted = sum(group["cadres"] for group in groups.values())
    if counted == 0:
        return {"load_gini": None, "load_cv": None, "load_jain": None, "at_limit": 0, "at_limit_share": None}
    at_limit = sum(group["at_limit"] for group in groups.values())
    return {
        "load_gini": sum(group["gini"] * group["cadres"] for group in groups.values()) / counted,
        "load_cv": sum(group["cv"] * group["cadres"] for group in groups.values()) / counted,
        "load_jain": sum(group["jain"] * group["cadres"] for group in groups.values()) / counted,
        "at_limit": at_limit,
        "at_limit_share": at_limit / counted,
    }


def run_one(base: dict[str, Any], run: Run, settings: SweepSettings) -> dict[str, Any]:
    """Solve one combination (and its absence trials); the CSV row as a dict of values."""
    from scheduler.compose.roster import RosterBreaksRules, compose_roster
    from scheduler.solver import SolveOptions, solve

    started = time.monotonic()
    row: dict[str, Any] = {"index": run.index, "key": run.key, **run.params, "absence": settings.absence,
                           "trials": settings.trials if settings.absence > 0 else 0, "solver_seed": run.seed}
    try:
        instance = build_instance(base, run.params, settings.seed)
        row["cadres"] = len(instance.cadres)
        options = SolveOptions(time_limit=settings.time_limit, workers=settings.workers, seed=run.seed,
                               deterministic=settings.deterministic)
        result = solve(instance, options)
        if result.interrupted:  # Ctrl-C (a time limit is not an interruption)
            raise RunInterrupted(run.key)
        row["status"] = result.status
        if result.stages:
            row["coverage_status"] = result.stages[0].status
            row["stage_status"] = "/".join(f"{stage.name}:{stage.status}" for stage in result.stages)
        if result.status in ("optimal", "feasible"):
            roster = compose_roster(instance, "", result, options, explain=False)
            totals = roster.metrics["totals"]
            row.update({name: totals[name] for name in (
                "min_coverage", "target_coverage", "standby_coverage", "shortfalls", "standby_shortfalls",
                "duty_hours")})
            row.update(_load_figures(roster.metrics))
            for part in ("coverage", "standby", "target", "fairness"):
                row[f"objective_{part}"] = roster.objective.parts.get(part)
            if settings.absence > 0:
                summary = simulate_absences(instance, roster.assignments, roster.standby, settings.absence,
                                            settings.trials, settings.seed)
                row.update(summary.row())
    except RunInterrupted:
        raise
    except KeyboardInterrupt:
        raise RunInterrupted(run.key) from None
    except RosterBreaksRules as error:  # the solver's roster breaks rules: a bug in schedule, not a failed run
        logger.error("run %s: internal error, the solver's roster breaks the rules (a bug in schedule; please "
                     "report it): %s", run.key, error)
        row["status"] = INTERNAL_ERROR
        row["error"] = f"internal error (a bug in schedule): {error}"[:500]
    except (InputError, VaryError) as error:  # this combination gives no valid instance
        reason = "; ".join(str(issue) for issue in error.issues[:5]) if isinstance(error, InputError) else str(error)
        logger.error("run %s failed: invalid instance: %s", run.key, reason)
        row["status"] = FAILED
        row["error"] = f"invalid instance: {reason}"[:500]
    except Exception as error:  # a run that fails is a row that says so; the sweep goes on
        logger.error("run %s failed: %s: %s", run.key, type(error).__name__, error, exc_info=True)
        row["status"] = FAILED
        row["error"] = f"{type(error).__name__}: {error}"[:500]
    row["seconds"] = time.monotonic() - started
    return row


# --------------------------------------------------------------------------- the results file


class ResultsFile:
    """The CSV of a sweep: read what an earlier (interrupted) run left, append rows, sort at the end."""

    def __init__(self, path: Path, columns: list[str], sweep_id: str) -> None:
        self.path = path
        self.columns = columns
        self.sweep_id = sweep_id

    def read(self) -> list[dict[str, str]]:
        """The complete rows already written by this sweep; a torn last line is dropped."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return []
        with self.path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header != self.columns:
                raise SweepMismatch(
                    f"{self.path} has other columns than this sweep (another instance or other --vary "
                    "parameters); write to another file or start over with --restart"
                )
            rows = []
            for line in reader:
                if len(line) != len(self.columns):
                    logger.info("dropping an incomplete line of %s", self.path)
                    continue
                row = dict(zip(self.columns, line, strict=True))
                if row["sweep"] != self.sweep_id:
                    raise SweepMismatch(
                        f"{self.path} holds rows of another sweep (the instance or the settings changed); "
                        "write to another file or start over with --restart"
                    )
                rows.append(row)
        if not self._ends_cleanly(rows):
            self.rewrite(rows)
        return rows

    def _ends_cleanly(self, rows: list[dict[str, str]]) -> bool:
        with self.path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return False
            handle.seek(-1, os.SEEK_END)
            last = handle.read(1)
        with self.path.open(newline="", encoding="utf-8") as handle:
            lines = sum(1 for _ in csv.reader(handle))
        return last == b"\n" and lines == len(rows) + 1

    def _text(self, rows: list[dict[str, str]]) -> str:
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in self.columns])
        return buffer.getvalue()

    def rewrite(self, rows: list[dict[str, str]]) -> None:
        write_atomic(self.path, self._text(rows))

    def append(self, row: dict[str, Any]) -> dict[str, str]:
        cells = {column: _cell(row.get(column)) for column in self.columns}
        cells["sweep"] = self.sweep_id
        if not self.path.exists() or self.path.stat().st_size == 0:
            self.rewrite([])
        with self.path.open("a", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerow([cells[column] for column in self.columns])
            handle.flush()
            os.fsync(handle.fileno())
        return cells


# --------------------------------------------------------------------------- running


def _sweep_task(base: dict[str, Any], item: tuple[Run, SweepSettings]) -> dict[str, Any]:
    run, settings = item
    return run_one(base, run, settings)


def run_sweep(
    sweep: Sweep,
    output: Path,
    *,
    jobs: int | None = None,
    dask_address: str | None = None,
    restart: bool = False,
    on_row: Callable[[dict[str, str]], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SweepReport:
    """Run every combination not yet in ``output``; rows are written as runs finish.

    ``on_start(total, done)`` is called once before the first run, ``on_row(row)`` after each row is written.
    A ``KeyboardInterrupt`` stops the sweep; the report then says ``interrupted`` and the rows written stay.
    """
    results = ResultsFile(output, sweep.columns, sweep.sweep_id)
    if restart and output.exists():
        output.unlink()
    rows = results.read()
    unfinished = [row for row in rows if row["status"] in UNFINISHED]
    if unfinished:  # a failed run is run again, never kept as a result
        logger.info("running again %d runs that failed before: %s", len(unfinished),
                    ", ".join(row["key"] for row in unfinished))
        rows = [row for row in rows if row["status"] not in UNFINISHED]
        results.rewrite(rows)
    finished = {row["key"] for row in rows}
    pending = [run for run in sweep.runs if run.key not in finished]
    report = SweepReport(output, len(sweep.runs), len(sweep.runs) - len(pending), retried=len(unfinished))
    if on_start is not None:
        on_start(report.total, report.done_before)
    if pending:
        logger.info("%d of %d runs to do (%d already in %s)", len(pending), report.total, report.done_before, output)
    jobs = jobs if jobs is not None else default_jobs(sweep.settings.workers)
    stream = map_unordered(_sweep_task, sweep.base, [(run, sweep.settings) for run in pending], jobs=jobs,
                           dask_address=dask_address, label=f"schedule-sweep-{sweep.sweep_id}")
    try:
        for row in stream:
            written = results.append(row)
            rows.append(written)
            report.done_now += 1
            if on_row is not None:
                on_row(written)
    except (KeyboardInterrupt, RunInterrupted):
        report.interrupted = True
    finally:
        stream.close()
    rows.sort(key=lambda row: int(row["index"]))
    if not report.interrupted and rows:
        results.rewrite(rows)
    report.rows = rows
    return report


def numeric(value: str) -> float:
    """A CSV cell as a number (NaN when empty or not a number)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


__all__ = [
    "FAILED",
    "HEADCOUNT",
    "INTERNAL_ERROR",
    "ResultsFile",
    "Run",
    "RunInterrupted",
    "Sweep",
    "SweepMismatch",
    "SweepReport",
    "SweepSettings",
    "default_jobs",
    "numeric",
    "run_one",
    "run_sweep",
]
