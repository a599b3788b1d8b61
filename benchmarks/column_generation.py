"""Column generation for the Curtois–Qu benchmark: an LP lower bound and a price-and-dive roster.

The engine's own column generation (``scheduler.search.columns.generation``), run on
its own, without the CP-SAT search that follows it in ``schedule solve``: the
benchmark file is converted by the importer, the model built, and the column
generation run to convergence (or to ``--time-limit``), with ``--dive`` its
dive too. The dive's roster is judged by the benchmark's own objective and
rules (``scheduler.sources.curtois``), which share nothing with the model.

Each pricing round prices every staff member, which gives a valid lower bound
(the LP value plus every negative reduced cost); the best such bound is
reported, rounded up (the benchmark's objective is an integer).

    python benchmarks/column_generation.py Instance1 Instance8 --dive
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

from curtois_files import add_instances_and_setting, parsed, rules_kept

from models.loading import parse_instance
from scheduler.model.roster_model import RosterModel
from scheduler.search.budget import Budget
from scheduler.search.columns.generation import ColumnGeneration
from scheduler.search.settings import SETTINGS, SearchSettings
from scheduler.sources.curtois import (
    CurtoisData,
    curtois_objective,
    to_instance,
)


@dataclass
class Outcome:
    lp_value: float  # of the last master LP before the dive
    bound: float  # best valid lower bound seen
    converged: bool  # no column with negative reduced cost is left: lp_value is the LP optimum
    rounds: int  # pricing rounds, the dive's included
    columns: int  # in the master at the end
    seconds: float  # until the LP before the dive
    dive_roster: dict[tuple[str, int], str] | None  # {(staff, day): shift}, with --dive
    dive_seconds: float


def solve(data: CurtoisData, time_limit: float, dive: bool, settings: SearchSettings = SETTINGS) -> Outcome:
    """The column-generation LP of ``data`` (and, with ``dive``, a roster by price-and-dive)."""
    instance = parse_instance(to_instance(data, "benchmark"))
    generated = ColumnGeneration(RosterModel.build(instance), Budget(time_limit), settings=settings).run(dive=dive)
    if generated is None:
        raise ValueError("some staff member has no roster that keeps every hard rule")
    roster = {(key.cadre, key.day): key.shift for key in generated.duties} if dive else None
    return Outcome(
        lp_value=generated.lp_value,
        bound=generated.bound,
        converged=generated.converged,
        rounds=generated.rounds,
        columns=generated.columns,
        seconds=generated.lp_seconds,
        dive_roster=roster if generated.dive_complete else None,
        dive_seconds=generated.seconds - generated.lp_seconds,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_instances_and_setting(parser)
    parser.add_argument("--dive", action="store_true", help="also build a roster by price-and-dive")
    parser.add_argument(
        "--time-limit", type=float, default=600.0, help="seconds after which column generation stops early"
    )
    given = parsed(parser)
    if given is None:
        return 2
    arguments, settings, loaded = given
    print("| instance | LP bound | LP converged | rounds | columns | s | dive roster | rules kept | dive s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, data in loaded:
        outcome = solve(data, arguments.time_limit, arguments.dive, settings)
        dive_value = dive_rules = dive_seconds = "—"
        if outcome.dive_roster is not None:
            dive_value = str(curtois_objective(data, outcome.dive_roster))
            dive_rules = rules_kept(data, outcome.dive_roster)
            dive_seconds = f"{outcome.dive_seconds:.1f}"
        # an LP given up (its pace said it would not end in time) has no bound
        bound = str(math.ceil(outcome.bound - 1e-6)) if math.isfinite(outcome.bound) else "—"
        print(
            f"| {name} | {bound} | {'yes' if outcome.converged else 'no'} "
            f"| {outcome.rounds} | {outcome.columns} | {outcome.seconds:.1f} | {dive_value} | {dive_rules} "
            f"| {dive_seconds} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
