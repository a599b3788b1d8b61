"""Stage bounds benchmark: how long each counted bound takes, and what it gives, beside a roster.

A solve bounds each lexicographic stage before its search, the earlier stages
held at the values its roster reached (``scheduler/search/stage_bounds.py``);
the fairness stage's bound solves a linear programme within ``bound_share`` of
the time left (bound 0 past it). For each instance and a roster solved for it
(``schedule solve``), this holds the stages before each one at the roster's
values and computes that stage's bound again, the fairness LP once for each
``--seconds`` given ("none": to the end), printing the bound, the roster's
value and the seconds taken. Run from the repository root:

    python benchmarks/bounds.py town14-s1.json town14-s1.roster.json --seconds 0.3 1 none

A bound above the roster's value would be a false claim: the script fails
(exit code 1) if it sees one.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from domain import machine_line

from models.loading import load_instance
from scheduler.model.calendar import Calendar
from scheduler.model.objective import plan_stages
from scheduler.model.roster_model import RosterModel
from scheduler.search.budget import Budget
from scheduler.search.settings import SETTINGS
from scheduler.search.stage_bounds import COUNTED_STAGES, StageBounds


def lp_seconds(text: str) -> float | None:
    return None if text == "none" else float(text)


def bound_rows(instance_path: Path, roster_path: Path, seconds_list: list[float | None]) -> list[dict[str, object]]:
    """One row per counted stage (and per LP time for fairness): bound, the roster's value, seconds."""
    instance = load_instance(instance_path)
    calendar = Calendar(instance)
    divisors = {stage.name: stage.divisor for stage in plan_stages(RosterModel.build(instance, calendar=calendar))}
    stages = json.loads(roster_path.read_text(encoding="utf-8"))["objective"]["stages"]
    values = {stage["part"]: float(stage["value"]) for stage in stages}
    started = time.monotonic()
    # the whole of each budget below goes to the fairness LP (a solve gives it bound_share of the time left)
    bounds = StageBounds(instance, calendar, dataclasses.replace(SETTINGS, bound_share=1.0))
    counting = time.monotonic() - started
    rows: list[dict[str, object]] = []
    held: dict[str, int] = {}
    for stage in stages:
        name = stage["part"]
        if name not in COUNTED_STAGES:
            break
        for seconds in seconds_list if name == "fairness" else [None]:
            budget = None if seconds is None else Budget(seconds)
            started = time.monotonic()
            bound = bounds.bound(name, held, budget) / divisors[name]
            rows.append({"instance": instance_path.stem, "stage": name, "lp_seconds": seconds,
                         "bound": bound, "value": values[name], "seconds": time.monotonic() - started,
                         "counting": counting})
        held[name] = round(values[name] * divisors[name])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help="instance and roster, in pairs")
    parser.add_argument("--seconds", nargs="+", type=lp_seconds, default=[None],
                        help="time for the fairness LP, each in turn ('none': to the end)")
    parser.add_argument("--json", type=Path, help="also append every row as a JSON line to this file")
    arguments = parser.parse_args()
    if len(arguments.files) % 2:
        parser.error("give an instance and its roster in pairs")
    print(machine_line(1))
    print("| instance | stage | LP seconds given | bound | roster's value | seconds |")
    print("|---|---|---|---|---|---|")
    false_claims = 0
    for instance_path, roster_path in zip(arguments.files[::2], arguments.files[1::2], strict=True):
        for row in bound_rows(instance_path, roster_path, arguments.seconds):
            false_claims += float(row["bound"]) > float(row["value"]) + 1e-9  # type: ignore[arg-type]
            given = "to the end" if row["lp_seconds"] is None else format(row["lp_seconds"], "g")
            given = given if row["stage"] == "fairness" else ""
            print(f"| {row['instance']} | {row['stage']} | {given} | {row['bound']:g} | {row['value']:g} | "
                  f"{row['seconds']:.2f} |", flush=True)
            if arguments.json:
                with arguments.json.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(row) + "\n")
    if false_claims:
        print(f"{false_claims} bound(s) above the roster's value", file=sys.stderr)
    return 1 if false_claims else 0


if __name__ == "__main__":
    sys.exit(main())
