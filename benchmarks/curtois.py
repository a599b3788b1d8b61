"""Curtois–Qu shift scheduling benchmark: import, solve, check, compare with the best known values.

For each instance: convert it with the importer, solve it with the same
engine as any instance (weighted objective), verify the roster with the
independent checker and with the benchmark's own objective and hard rules
(scheduler.sources.curtois), and print instance, size, best known, lower
bound, our objective, gap %, our bound, status and seconds. Run from the
repository root:

    python benchmarks/curtois.py --time-limit 60 --workers 2 [Instance1 Instance7 ...]

Runs of CP-SAT with a time limit vary from one run to the next, so one run
per instance says little about what the engine does there. ``--repeat K``
solves each instance K times (seeds ``--seed`` to ``--seed + K - 1``), prints
a row per run and then, per instance, the best, median and worst gap and how
many runs came within 1 % of the best known value.

Each run has a fresh Python process of its own, as ``schedule solve`` would:
in one long process, after the 23 instances before it, Instance24 took
66.2 s against 52.6 s alone (BENCHMARKS.md, sixth session).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path

from curtois_files import add_setting_option, settings_given

from models.loading import parse_instance
from scheduler.checker import check
from scheduler.compose.roster import compose_roster
from scheduler.solver import SolveOptions, solve
from scheduler.sources.curtois import (
    curtois_objective,
    curtois_violations,
    parse_curtois,
    roster_from_assignments,
    to_instance,
)

ROOT = Path(__file__).resolve().parents[1]

DATA = ROOT.parent / "shared" / "benchmarks" / "curtois"


def best_known() -> dict[str, tuple[int, int]]:
    with (DATA / "best_known.csv").open(newline="") as handle:
        return {
            row["instance"]: (int(row["best_known_objective"]), int(row["lower_bound"]))
            for row in csv.DictReader(handle)
        }


def gap_percent(objective: int | None, best: int | None) -> float | None:
    """How far ``objective`` is above the best known value, in % of it (None without both)."""
    if objective is None or not best:
        return None
    return round(100 * (objective - best) / best, 2)


def summary(gaps: list[float | None]) -> dict[str, object]:
    """Best, median and worst gap of an instance's runs; a run without a roster (None) ranks worst."""
    found = sorted(gap for gap in gaps if gap is not None)
    ordered: list[float | None] = [*found, *[None] * (len(gaps) - len(found))]
    middle = len(ordered) // 2
    median: float | None
    if len(ordered) % 2:
        median = ordered[middle]
    else:
        below, above = ordered[middle - 1], ordered[middle]
        median = None if below is None or above is None else round((below + above) / 2, 2)
    return {
        "runs": len(gaps),
        "no roster": len(gaps) - len(found),
        "best": ordered[0] if ordered else None,
        "median": median,
        "worst": ordered[-1] if ordered else None,
        "within 1 %": sum(gap <= 1.0 for gap in found),
    }


def run(name: str, options: SolveOptions) -> dict[str, object]:
    data = parse_curtois((DATA / f"{name}.txt").read_text())
    instance_data = to_instance(data, name)
    instance = parse_instance(instance_data, name)
    started = time.monotonic()
    result = solve(instance, options)
    seconds = time.monotonic() - started
    row: dict[str, object] = {
        "instance": name,
        "days": data.horizon,
        "staff": len(data.staff),
        "shifts": len(data.shifts),
        "status": result.status,
        "seconds": round(seconds, 1),
    }
    if result.status in ("infeasible", "unknown"):
        row.update(objective=None, bound=None, check="no roster")
        return row
    roster = compose_roster(instance, "benchmark", result, options, explain=False)
    report = check(instance, roster)
    benchmark_roster = roster_from_assignments(item.model_dump() for item in roster.assignments)
    ours = roster.objective.total
    official = curtois_objective(data, benchmark_roster)
    hard = curtois_violations(data, benchmark_roster)
    problems = []
    if not report.ok:
        problems.append(f"checker: {len(report.lines())}")
    if hard:
        problems.append(f"benchmark rules: {len(hard)}")
    if ours != official:
        problems.append(f"objective {ours} != benchmark {official}")
    row.update(
        objective=official,
        bound=roster.objective.bound,
        check="ok" if not problems else "; ".join(problems),
    )
    return row


def run_alone(name: str, options: SolveOptions) -> dict[str, object]:
    """:func:`run` in a fresh process of its own (spawned: nothing of this process carried over)."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(run, name, options).result()


def failed_row(name: str, error: BaseException) -> dict[str, object]:
    """The row of a run that raised, or whose process died (say, out of memory): no roster, the error named."""
    reason = str(error).splitlines()[0] if str(error) else ""
    return {
        "instance": name,
        "days": None,
        "staff": None,
        "shifts": None,
        "status": "error",
        "seconds": None,
        "objective": None,
        "bound": None,
        "check": f"error: {type(error).__name__}" + (f": {reason}" if reason else ""),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="*", default=[f"Instance{number}" for number in range(1, 25)])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="seed of the first run")
    parser.add_argument("--repeat", type=int, default=1, help="runs per instance, with seeds --seed, --seed + 1, ...")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON lines to this file")
    add_setting_option(parser)
    arguments = parser.parse_args()
    settings = settings_given(parser, arguments)
    known = best_known()
    machine = f"{platform.machine()} {platform.processor() or ''}".strip()
    print(f"# machine: {machine}, {os.cpu_count()} cores, python {platform.python_version()}")
    seeds = [arguments.seed + offset for offset in range(max(arguments.repeat, 1))]
    print(f"# time limit {arguments.time_limit} s, {arguments.workers} workers, seeds {', '.join(map(str, seeds))}"
          + "".join(f", {setting}" for setting in arguments.setting))
    columns = ["instance", "seed", "days", "staff", "shifts", "best known", "lower bound", "ours", "gap %"]
    columns += ["our bound", "status", "check", "s"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    failed = False
    rows = []
    gaps: dict[str, list[float | None]] = {}
    for name in arguments.instances:
        for seed in seeds:
            options = SolveOptions(time_limit=arguments.time_limit, workers=arguments.workers, seed=seed,
                                   settings=settings)
            try:
                row = run_alone(name, options)
            except Exception as error:  # one failed run is a row of the table, not the end of the benchmark
                row = failed_row(name, error)
            best, lower = known.get(name, (None, None))
            objective = row.get("objective")
            gap = gap_percent(objective, best)  # type: ignore[arg-type]
            row.update(seed=seed, best_known=best, lower_bound=lower, gap=gap)
            rows.append(row)
            gaps.setdefault(name, []).append(gap)
            failed |= row["check"] != "ok"
            bound = row.get("bound")
            bound_shown = None if bound is None else round(float(str(bound)), 1)
            print(
                f"| {name} | {seed} | {row['days']} | {row['staff']} | {row['shifts']} | {best} | {lower} | "
                f"{objective} | {gap} | {bound_shown} | {row['status']} | "
                f"{row['check']} | {row['seconds']} |",
                flush=True,
            )
    if len(seeds) > 1:
        print()
        print("| instance | runs | no roster | best gap % | median gap % | worst gap % | runs within 1 % |")
        print("|---|---|---|---|---|---|---|")
        for name, instance_gaps in gaps.items():
            line = summary(instance_gaps)
            print(
                f"| {name} | {line['runs']} | {line['no roster']} | {line['best']} | {line['median']} | "
                f"{line['worst']} | {line['within 1 %']} |"
            )
    if arguments.json:
        arguments.json.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
