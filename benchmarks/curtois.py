"""Curtois–Qu shift scheduling benchmark: import, solve, check, compare with the best known values.

For each instance: convert it with the importer, solve it with the same
engine as any instance (weighted objective), verify the roster with the
independent checker and with the benchmark's own objective and hard rules
(scheduler.importers.curtois), and print instance, size, best known, lower
bound, our objective, gap %, our bound, status and seconds. Run from the
repository root:

    python benchmarks/curtois.py --time-limit 60 --workers 2 [Instance1 Instance7 ...]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.loading import parse_instance  # noqa: E402
from scheduler.checker import check  # noqa: E402
from scheduler.compose import compose_roster  # noqa: E402
from scheduler.importers.curtois import (  # noqa: E402
    curtois_objective,
    curtois_violations,
    parse_curtois,
    roster_from_assignments,
    to_instance,
)
from scheduler.solver import SolveOptions, solve  # noqa: E402

DATA = ROOT.parent / "shared" / "benchmarks" / "curtois"


def best_known() -> dict[str, tuple[int, int]]:
    with (DATA / "best_known.csv").open(newline="") as handle:
        return {
            row["instance"]: (int(row["best_known_objective"]), int(row["lower_bound"]))
            for row in csv.DictReader(handle)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="*", default=[f"Instance{number}" for number in range(1, 25)])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the rows as JSON lines to this file")
    arguments = parser.parse_args()
    known = best_known()
    machine = f"{platform.machine()} {platform.processor() or ''}".strip()
    print(f"# machine: {machine}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"# time limit {arguments.time_limit} s, {arguments.workers} workers, seed {arguments.seed}")
    columns = ["instance", "days", "staff", "shifts", "best known", "lower bound", "ours", "gap %", "our bound"]
    columns += ["status", "check", "s"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    options = SolveOptions(time_limit=arguments.time_limit, workers=arguments.workers, seed=arguments.seed)
    failed = False
    rows = []
    for name in arguments.instances:
        row = run(name, options)
        best, lower = known.get(name, (None, None))
        objective = row.get("objective")
        gap = None if objective is None or not best else round(100 * (objective - best) / best, 2)  # type: ignore[operator]
        row.update(best_known=best, lower_bound=lower, gap=gap)
        rows.append(row)
        failed |= row["check"] != "ok"
        bound = row.get("bound")
        print(
            f"| {name} | {row['days']} | {row['staff']} | {row['shifts']} | {best} | {lower} | {objective} | "
            f"{gap} | {bound if bound is None else round(float(bound), 1)} | {row['status']} | {row['check']} | "
            f"{row['seconds']} |",
            flush=True,
        )
    if arguments.json:
        arguments.json.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
