"""Domain benchmark: the H-town example at 14 and 28 days.

Solves each instance with the given budget and workers, checks the roster with
the independent checker, and prints one row per instance: status, whether
stage 1 (minimum coverage) was proven optimal, coverage of minimum / standby
/ target, load Gini per group, and seconds. Run from the repository root:

    python benchmarks/domain.py --time-limit 60 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from models.loading import load_instance
from scheduler.checker import check
from scheduler.compose.roster import compose_roster
from scheduler.files import sha256_of
from scheduler.solver import SolveOptions, solve

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_INSTANCES = [ROOT / "instances" / "town14.json", ROOT / "instances" / "town.json"]


def run(path: Path, options: SolveOptions) -> dict[str, object]:
    instance = load_instance(path)
    started = time.monotonic()
    result = solve(instance, options)
    roster = compose_roster(instance, sha256_of(path), result, options)
    seconds = time.monotonic() - started
    report = check(instance, roster)
    totals = roster.metrics.get("totals", {})
    groups = roster.metrics.get("groups", {})
    first = roster.objective.stages[0] if roster.objective.stages else None
    return {
        "instance": path.name,
        "days": instance.horizon.days,
        "cadres": len(instance.cadres),
        "status": roster.status,
        "stage1": f"{first.value:g}/{first.bound:g} {first.status}" if first and first.bound is not None else "-",
        "min_cov": round(100 * totals.get("min_coverage", 0.0), 2),
        "standby_cov": round(100 * totals.get("standby_coverage", 0.0), 2),
        "target_cov": round(100 * totals.get("target_coverage", 0.0), 2),
        "gini": {group: round(figures["gini"], 3) for group, figures in groups.items()},
        "stages": [
            (stage.part, stage.status, stage.value, stage.bound, stage.seconds) for stage in roster.objective.stages
        ],
        "check": "ok" if report.ok else f"FAILED ({len(report.lines())})",
        "seconds": round(seconds, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="*", type=Path, default=DEFAULT_INSTANCES)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print rows as JSON lines")
    arguments = parser.parse_args()
    machine = f"{platform.machine()} {platform.processor() or ''}".strip()
    print(f"# machine: {machine}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"# time limit {arguments.time_limit} s, {arguments.workers} workers, seed {arguments.seed}")
    options = SolveOptions(time_limit=arguments.time_limit, workers=arguments.workers, seed=arguments.seed)
    failed = False
    header = (
        "| instance | days | cadres | status | stage 1 value/bound | min % | standby % | target % | Gini | check | s |"
    )
    if not arguments.json:
        print(header)
        print("|" + "---|" * (header.count("|") - 1))
    for path in arguments.instances:
        row = run(path, options)
        failed |= row["check"] != "ok"
        if arguments.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            gini = ", ".join(f"{group} {value}" for group, value in row["gini"].items())  # type: ignore[union-attr]
            print(
                f"| {row['instance']} | {row['days']} | {row['cadres']} | {row['status']} | {row['stage1']} | "
                f"{row['min_cov']} | {row['standby_cov']} | {row['target_cov']} | {gini} | {row['check']} | "
                f"{row['seconds']} |"
            )
            for stage in row["stages"]:  # type: ignore[union-attr]
                print(f"|   stage {stage[0]}: {stage[1]}, value {stage[2]}, bound {stage[3]}, {stage[4]} s |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
