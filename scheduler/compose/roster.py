"""Turning a solver :class:`~scheduler.solver.Result` into the roster file of DESIGN.md section 4.

Every objective part, shortfall and metric is recomputed from the roster
itself by the independent checker's evaluation, never read off the solver's
objective value; the solver contributes only the bounds and statuses. Each
shortfall gets a reason in plain words: who could have served and what
stopped each of them.
"""

from __future__ import annotations

import logging

from models.instance import Instance
from models.roster import (
    ObjectiveReport,
    Roster,
    Shortfall,
    SolverInfo,
    Stage,
    StandbyShortfall,
)
from scheduler.checker import evaluate
from scheduler.compose.explain import ShortfallExplainer
from scheduler.solver import Result, SolveOptions

logger = logging.getLogger(__name__)


class RosterBreaksRules(RuntimeError):
    """The solver produced a roster the independent checker rejects: a bug, never silent."""


def compose_roster(
    instance: Instance, instance_sha256: str, result: Result, options: SolveOptions, *, explain: bool = True
) -> Roster:
    solver_info = SolverInfo(
        version=result.solver_version,
        seconds=round(result.seconds, 3),
        workers=options.workers,
        seed=options.seed,
        deterministic=options.deterministic,
        time_limit=options.time_limit,
        interrupted=result.interrupted,
    )
    if result.status == "infeasible" or (result.status == "unknown" and not result.assignments and not result.standby):
        # no roster: infeasible (with its conflicts) or nothing found within the time limit
        return Roster(
            instance=instance.name,
            instance_sha256=instance_sha256,
            status=result.status,  # type: ignore[arg-type]
            objective=ObjectiveReport(mode=instance.objective.mode, total=None, bound=None),
            solver=solver_info,
            conflicts=result.conflicts,
        )
    evaluation = evaluate(instance, result.assignments, result.standby)
    if evaluation.violations:
        listed = "; ".join(violation.message for violation in evaluation.violations[:10])
        raise RosterBreaksRules(f"{len(evaluation.violations)} rule violation(s) in the solver's roster: {listed}")
    lexicographic = instance.objective.mode == "lexicographic"
    stages = [
        Stage(
            part=stage.name,
            value=evaluation.stage_values[index] if lexicographic else evaluation.weighted_total,
            bound=stage.bound,
            status=stage.status,
            seconds=round(stage.seconds, 3),
        )
        for index, stage in enumerate(result.stages)
    ]
    if lexicographic:
        total: float | list[float] = list(evaluation.stage_values)
        bound: float | list[float | None] | None = [stage.bound for stage in result.stages]
    else:
        total = evaluation.weighted_total
        bound = result.stages[0].bound if result.stages else None
    shortfalls: list[Shortfall] = list(evaluation.shortfalls)
    standby_shortfalls: list[StandbyShortfall] = list(evaluation.standby_shortfalls)
    if explain and (shortfalls or standby_shortfalls):
        explainer = ShortfallExplainer(instance, result.assignments, result.standby)
        shortfalls = [item.model_copy(update={"reason": explainer.shortfall(item)}) for item in shortfalls]
        standby_shortfalls = [
            item.model_copy(update={"reason": explainer.standby_shortfall(item)}) for item in standby_shortfalls
        ]
    return Roster(
        instance=instance.name,
        instance_sha256=instance_sha256,
        status=result.status,  # type: ignore[arg-type]
        objective=ObjectiveReport(
            mode=instance.objective.mode, total=total, bound=bound, parts=dict(evaluation.parts), stages=stages
        ),
        solver=solver_info,
        assignments=result.assignments,
        standby=result.standby,
        shortfalls=shortfalls,
        standby_shortfalls=standby_shortfalls,
        metrics=evaluation.metrics,
    )
