"""Model-building benchmark: how long each part of the CP-SAT model takes to build.

Building the model counts against a solve's time limit, and on the longest
Curtois instances it is most of it. For each instance (our JSON format, e.g.
from ``schedule import curtois``) this builds the solver's model ``--repeat``
times and prints the median seconds of each step the build records
(``RosterModel.build_seconds``: the calendar, the variables, each rule
family). Run from the repository root:

    python benchmarks/build.py instances/town14.json /tmp/I24.json --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

from models.loading import load_instance
from scheduler.model.roster_model import RosterModel

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="builds per instance; the median is shown")
    args = parser.parse_args()
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for path in args.instances:
        runs = [RosterModel.build(load_instance(path)).build_seconds for _ in range(max(args.repeat, 1))]
        medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
        total = statistics.median(sum(run.values()) for run in runs)
        print(f"\n{path.name}: {total:.2f} s in all (median of {len(runs)})")
        for name, value in sorted(medians.items(), key=lambda item: -item[1]):
            share = 100 * value / total if total else 0.0
            print(f"  {name:22s} {value:7.3f} s  {share:5.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
