"""Model-building benchmark: how long each part of the CP-SAT model takes to build.

Building the model counts against a solve's time limit, and on the longest
Curtois instances it is most of it. For each instance (our JSON format, e.g.
from ``schedule import curtois``) this builds the calendar, the variables and
each rule family in the solver's order, ``--repeat`` times, and prints the
median seconds of each part. Run from the repository root:

    python benchmarks/build.py instances/town14.json /tmp/I24.json --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.loading import load_instance  # noqa: E402
from scheduler.calendar import Calendar  # noqa: E402
from scheduler.model import RosterModel, cycle_collection_paused  # noqa: E402
from scheduler.rules import RULES  # noqa: E402


def timed_build(path: Path) -> tuple[RosterModel, dict[str, float]]:
    """One build of ``path``'s model, step by step as RosterModel.build does it, and each step's seconds."""
    instance = load_instance(path)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    calendar = Calendar(instance)
    seconds["calendar"] = time.perf_counter() - started
    roster_model = RosterModel(instance, calendar)
    with cycle_collection_paused():
        started = time.perf_counter()
        roster_model.create_variables()
        seconds["variables"] = time.perf_counter() - started
        for rule in RULES:
            name = rule.__name__.rsplit(".", 1)[-1]
            started = time.perf_counter()
            rule.apply(roster_model)
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
    return roster_model, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="builds per instance; the median is shown")
    args = parser.parse_args()
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for path in args.instances:
        runs = [timed_build(path)[1] for _ in range(max(args.repeat, 1))]
        medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
        total = statistics.median(sum(run.values()) for run in runs)
        print(f"\n{path.name}: {total:.2f} s in all (median of {len(runs)})")
        for name, value in sorted(medians.items(), key=lambda item: -item[1]):
            if value >= 0.005:
                print(f"  {name:22s} {value:7.2f} s  {100 * value / total:5.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
