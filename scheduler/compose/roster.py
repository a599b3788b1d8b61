"""Turning a solver :class:`~scheduler.solver.Result` into the roster file of DESIGN.md section 4.

Every objective part, shortfall and metric is recomputed from the roster
itself by the independent checker's evaluation, never read off the solver's
objective value; the solver contributes only the bounds and statuses. Each
shortfall gets a reason in plain words: who could have served and what
stopped each of them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

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
    instance: Instance,
    instance_sha256: str,
    result: Result,
    options: SolveOptions,
    *,
    explain: bool = True,
    explain_until: float | None = None,
) -> Roster:
    """The roster file of ``result``, every figure recomputed by the checker. Shortfalls get their
    reasons in words until ``explain_until`` (a ``time.monotonic()`` moment; None: all of them):
    asking every cadre of a community why not takes time, and the time limit is a promise."""
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
            value=value,
            bound=stage.bound,
            gap=stage_gap(value, stage.bound, stage.empty),
            status=stage.status,
            seconds=round(stage.seconds, 3),
        )
        for stage, value in zip(
            result.stages,
            evaluation.stage_values if lexicographic else [evaluation.weighted_total] * len(result.stages),
            strict=False,
        )
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
        shortfalls = _explained(shortfalls, explainer.shortfall, explain_until)
        standby_shortfalls = _explained(standby_shortfalls, explainer.standby_shortfall, explain_until)
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


Explained = TypeVar("Explained", Shortfall, StandbyShortfall)
NOT_EXPLAINED = "not explained: the time limit came first (a longer --time-limit explains every shortfall)"


def stage_gap(value: float, bound: float | None, empty: float | None) -> float | None:
    """``value - bound`` as a share of what an empty roster leaves (``empty``), or of the value where that
    is not known; 0 when the value meets the bound, None without a bound."""
    if bound is None:
        return None
    scale = empty if empty else value
    if value <= bound or not scale:
        return 0.0
    return round((value - bound) / scale, 6)


def _explained(
    items: list[Explained], reason: Callable[[Explained], str], until: float | None
) -> list[Explained]:
    """``items`` with their reasons, as many as there is time for; the rest say they were not explained."""
    explained = []
    for item in items:
        late = until is not None and time.monotonic() >= until
        explained.append(item.model_copy(update={"reason": NOT_EXPLAINED if late else reason(item)}))
    return explained
