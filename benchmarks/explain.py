"""Capacity warnings and ``schedule explain`` benchmark: seconds, and what they find.

For each instance file given (default: the bundled town and town14), the pre-solve capacity
warnings (:func:`scheduler.compose.capacity.capacity_report`) are timed ``--repeat`` times (median
shown; target under 2 s on a town). Then, for generated sub-districts (``--seeds``, ``--days``),
the warnings and a whole ``explain`` (a roster solved first, what binds, every fix verified by a
solve) are timed once each (target under 60 s, which is also explain's default time limit). Run
from the repository root:

    python benchmarks/explain.py --seeds 1 2 3 --days 14 --workers 2
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from models.loading import load_instance, parse_instance
from scheduler.compose.capacity import capacity_report
from scheduler.compose.fixes import Explainer, baseline_seconds, instance_json, verify
from scheduler.sources.generate import generate_instance

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="*", type=Path,
                        default=[ROOT / "instances" / "town.json", ROOT / "instances" / "town14.json"])
    parser.add_argument("--repeat", type=int, default=3, help="warning runs per instance; the median is shown")
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3], help="sub-district seeds to explain")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("\n| instance | cadres | minimum | bound | warnings | seconds (median) |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in args.instances:
        loaded = load_instance(path)
        runs = []
        for _ in range(max(args.repeat, 1)):
            started = time.monotonic()
            report = capacity_report(loaded)
            runs.append(time.monotonic() - started)
        print(f"| {path.name} | {len(loaded.cadres)} | {report.demand} | {report.bound} | {len(report.shortages)} | "
              f"{statistics.median(runs):.2f} |")
    print("\n| sub-district | warnings s | minimum | bound | before % | explain s | binding rules | fixes (kind size "
          "coverage %, * whole) |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for seed in args.seeds:
        loaded = parse_instance(generate_instance("subdistrict", seed, args.days, None))
        started = time.monotonic()
        report = capacity_report(loaded)
        warned = time.monotonic() - started
        started = time.monotonic()
        explainer = Explainer(loaded, time_limit=args.time_limit, workers=args.workers)
        before = verify(instance_json(loaded), baseline_seconds(explainer, args.time_limit), args.workers)
        explanation = explainer.explain(before)
        seconds = time.monotonic() - started
        fixes = ", ".join(
            f"{fix.kind} {fix.size} {100 * fix.measured.coverage:.1f}{'*' if fix.measured.complete else ''}"
            for fix in explanation.fixes if fix.measured is not None
        )
        rules = ", ".join(explanation.binding_rules or []) or "-"
        print(f"| seed {seed}, {args.days} d | {warned:.2f} | {report.demand} | {report.bound} | "
              f"{100 * before.coverage:.1f} | {seconds:.1f} | {rules} | {fixes} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
