"""Baseline: the hand-dispatch greedy's roster, the bar every benchmark row is compared with.

Builds the roster of :func:`scheduler.dispatch.dispatch` (what a careful
planner dispatches by hand, in seconds), has the independent checker judge
it and recompute every figure, writes it as a roster file (DESIGN.md
section 4, status ``feasible``, ``solver.name`` ``dispatch``) and prints
coverage of minimum / standby / target and the load Gini per group. A
greedy roster that breaks a rule (a cadre it could not bring to
``min_total_hours``) is not written: the violations are printed and the
exit status is 1. Run with the package installed (``pip install -e .``):

    python benchmarks/baseline.py instance.json -o roster.json
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib.metadata import version
from pathlib import Path

from models.instance import Instance
from models.loading import load_instance
from models.roster import Roster
from scheduler.checker import evaluate
from scheduler.compose.roster import RosterBreaksRules, compose_roster
from scheduler.files import sha256_of, write_atomic
from scheduler.search.dispatch import dispatch
from scheduler.solver import Result, SolveOptions


class BaselineBreaksRules(RuntimeError):
    """The greedy's roster breaks a hard rule; ``violations`` says which, ``figures`` what it covers."""

    def __init__(self, message: str, violations: list[str], figures: dict[str, object]) -> None:
        super().__init__(message)
        self.violations = violations
        self.figures = figures


def figures_of(metrics: dict[str, object]) -> dict[str, object]:
    """Coverage of minimum, standby and target (per cent) and the load Gini of each group."""
    totals = metrics.get("totals", {})
    groups = metrics.get("groups", {})
    assert isinstance(totals, dict) and isinstance(groups, dict)
    return {
        "min_cov": round(100 * totals.get("min_coverage", 0.0), 2),
        "standby_cov": round(100 * totals.get("standby_coverage", 0.0), 2),
        "target_cov": round(100 * totals.get("target_coverage", 0.0), 2),
        "gini": {group: round(values["gini"], 3) for group, values in groups.items()},
    }


def baseline_roster(instance: Instance, instance_sha256: str = "", *, explain: bool = True) -> Roster:
    """The greedy's roster of ``instance`` as a roster file, every figure recomputed by the checker.

    Raises :class:`BaselineBreaksRules` when the checker finds the greedy breaking a rule.
    """
    built = dispatch(instance)
    result = Result(status="feasible", assignments=built.assignments, standby=built.standby,
                    mode=instance.objective.mode)
    options = SolveOptions(time_limit=None, workers=1, seed=0, deterministic=True)
    try:
        roster = compose_roster(instance, instance_sha256, result, options, explain=explain)
    except RosterBreaksRules as error:
        evaluation = evaluate(instance, built.assignments, built.standby)
        violations = [str(violation) for violation in evaluation.violations]
        raise BaselineBreaksRules(str(error), violations, figures_of(evaluation.metrics)) from None
    solver = roster.solver.model_copy(update={
        "name": "dispatch",
        "version": version("schedule"),
        "seconds": round(built.seconds, 3),  # the greedy's own time, the checker's not counted
        "workers": 1,
        "deterministic": True,
        "time_limit": None,
    })
    objective = roster.objective.model_copy(update={"bound": None})  # no search, so no bound proven
    return roster.model_copy(update={"solver": solver, "objective": objective})


def _print_figures(name: str, figures: dict[str, object], seconds: str, verdict: str) -> None:
    gini = figures["gini"]
    assert isinstance(gini, dict)
    ginis = ", ".join(f"{group} {value}" for group, value in gini.items())
    print(f"{name}: min {figures['min_cov']} %, standby {figures['standby_cov']} %, target {figures['target_cov']} %, "
          f"Gini {ginis}; {verdict}; {seconds}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instance", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, help="the roster file to write")
    parser.add_argument("--no-explain", action="store_true", help="leave the shortfalls' reasons empty (faster)")
    arguments = parser.parse_args()
    instance = load_instance(arguments.instance)
    started = time.perf_counter()
    try:
        roster = baseline_roster(instance, sha256_of(arguments.instance), explain=not arguments.no_explain)
    except BaselineBreaksRules as error:
        _print_figures(arguments.instance.name, error.figures, f"{time.perf_counter() - started:.2f} s in all",
                       f"NOT WRITTEN, {len(error.violations)} rule violation(s)")
        for line in error.violations:
            print(f"  {line}")
        return 1
    write_atomic(arguments.output, roster.model_dump_json(indent=2) + "\n")
    totals = roster.metrics.get("totals", {})
    verdict = (f"{len(roster.assignments)} duties, {len(roster.standby)} standby, {totals.get('shortfalls', 0)} "
               f"shortfalls, checker ok, written to {arguments.output}")
    seconds = f"dispatch {roster.solver.seconds:.2f} s, {time.perf_counter() - started:.2f} s in all"
    _print_figures(arguments.instance.name, figures_of(roster.metrics), seconds, verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
