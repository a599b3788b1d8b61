"""The first roster of a solve: builders tried in turn, the roster accepted once, completed once, improved once.

A builder (:class:`RosterBuilder`) takes the roster model, the runner and a
budget, says whether it applies, and returns built duties and the cadres it
left unplaced. They are tried in order, the most specialised first:

1. column generation and a dive (``scheduler.search.columns``), where the
   objective is a weighted sum of parts each cadre's roster adds on its own;
2. runs of work and days off per cadre (``scheduler.search.runs``), where only
   the sequence rules of the rostering benchmarks are in play;
3. the roster constructed before the model was built: the hand dispatch
   (``scheduler.search.dispatch``), for every instance of the field;
4. each cadre's own CP-SAT model on the demand the cadres before left over
   (``scheduler.search.cadre_by_cadre``).

The loop then completes the unplaced cadres with runs, asks the whole model
to accept the duties (every rule checked with the duties fixed) and, once a
roster is accepted, makes it cheaper cadre by cadre
(``scheduler.search.improve``). Built duties that are not accepted still
guide the next search as a hint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from scheduler.model.variables import DutyKey, StandbyKey
from scheduler.search.budget import Budget
from scheduler.search.cadre_by_cadre import construct
from scheduler.search.columns.builder import ColumnGenerationBuilder
from scheduler.search.improve import improve
from scheduler.search.runner import CpSatRunner
from scheduler.search.runs import only_sequence_rules, runs_roster

logger = logging.getLogger(__name__)


@dataclass
class Built:
    """What a builder made: duties (and standby), the cadres it left without any, and whether
    improving cadre by cadre may help."""

    duties: list[DutyKey]
    unplaced: list[str] = field(default_factory=list)
    improvable: bool = True  # False: each cadre's duties are their cheapest already, or improving is too slow
    standby: list[StandbyKey] | None = None  # None: the model chooses the standby


class RosterBuilder(Protocol):
    name: str

    def applies(self, runner: CpSatRunner, budget: Budget) -> bool: ...

    def build(self, runner: CpSatRunner, budget: Budget) -> Built | None: ...


class RunsBuilder:
    """Every cadre's runs of work and days off, by dynamic programming (the sequence rules only)."""

    name = "runs"

    def applies(self, runner: CpSatRunner, budget: Budget) -> bool:
        return only_sequence_rules(runner.roster_model.instance)

    def build(self, runner: CpSatRunner, budget: Budget) -> Built | None:
        from_runs = runs_roster(runner.roster_model, settings=runner.settings)
        if from_runs is None or from_runs.short:
            return None
        return Built(from_runs.duties)


class ConstructedBuilder:
    """The roster the solve constructed before building the model (the hand dispatch), if any."""

    name = "hand dispatch"

    def applies(self, runner: CpSatRunner, budget: Budget) -> bool:
        return runner.constructed is not None

    def build(self, runner: CpSatRunner, budget: Budget) -> Built | None:
        constructed = runner.constructed
        assert constructed is not None
        variables = runner.roster_model.vars
        unknown: list[object] = [key for key in constructed.duties if key not in variables.duties]
        unknown += [key for key in constructed.standby if key not in variables.standbys]
        if unknown:
            logger.warning("the constructed roster holds %d assignments the model has no variable for, e.g. %s",
                           len(unknown), unknown[0])
            return None
        # improving cadre by cadre solves a model per cadre: too slow for the field's hundreds of cadres
        return Built(list(constructed.duties), standby=list(constructed.standby), improvable=False)


class CadreByCadreBuilder:
    """Each cadre's own model in turn, on the demand the cadres before left over."""

    name = "cadre by cadre"

    def applies(self, runner: CpSatRunner, budget: Budget) -> bool:
        return True

    def build(self, runner: CpSatRunner, budget: Budget) -> Built | None:
        roster_model = runner.roster_model
        share = budget.share(runner.settings.construction_share)
        built = runner.unless_interrupted(
            "building a first roster",
            lambda: construct(roster_model.instance, roster_model.calendar, runner, share),
        )
        return None if built is None else Built(built.duties, built.unplaced)


BUILDERS: tuple[RosterBuilder, ...] = (
    ColumnGenerationBuilder(),
    RunsBuilder(),
    ConstructedBuilder(),
    CadreByCadreBuilder(),
)


def build_first_roster(runner: CpSatRunner, budget: Budget, builders: tuple[RosterBuilder, ...] = BUILDERS) -> None:
    """Make the runner's incumbent a built roster, trying ``builders`` in turn within ``budget``."""
    for builder in builders:
        if runner.solution is not None or runner.interrupted:
            return
        if not builder.applies(runner, budget):
            continue
        built = builder.build(runner, budget)
        if built is None or runner.interrupted:
            continue
        duties = _completed(runner, built)
        if duties is None:
            continue
        if not runner.accept(duties, budget, built.standby):
            continue
        if built.improvable:
            improve_incumbent(runner, duties, budget)
        else:
            runner.report_kept()


def _completed(runner: CpSatRunner, built: Built) -> list[DutyKey] | None:
    """The built duties with runs for the cadres left unplaced, or None (the duties then only guide)."""
    if not built.unplaced:
        return built.duties
    rest = runs_roster(runner.roster_model, placed=built.duties, only=built.unplaced, settings=runner.settings)
    if rest is None or rest.short:
        still = built.unplaced if rest is None else rest.short
        logger.info("cadres without a built roster: %s", ", ".join(still))
        runner.guide(built.duties)  # a guide for the search that follows
        return None
    return built.duties + rest.duties


def improve_incumbent(runner: CpSatRunner, duties: list[DutyKey], budget: Budget) -> None:
    """Make the incumbent ``duties`` cheaper cadre by cadre with ``construction_share`` of ``budget``,
    less a pass to accept the result; the result replaces the incumbent only if the whole model
    accepts it and ranks it better."""
    runner.report_kept()  # the accepted roster it starts from
    reserve = 0.0 if budget.deterministic else runner.fixed_seconds  # the pass accepting the result
    left = budget.left()
    share = None if left is None else left * runner.settings.construction_share - reserve
    if share is not None and share <= reserve:
        return  # too little time to make a change worth a pass
    roster_model = runner.roster_model
    better = runner.unless_interrupted(
        "making the roster better",
        lambda: improve(roster_model.instance, roster_model.calendar, duties, runner, budget.part(share),
                        least_cadre_search=runner.settings.least_cadre_search),
    )
    if better is None or not better.changed:
        return
    kept = (runner.solution, runner.values)
    if not runner.accept(better.duties, budget) or runner.ranking(runner.values) > runner.ranking(kept[1]):
        logger.info("the built roster stays: the one made better cadre by cadre is not accepted or not better")
        runner.solution, runner.values = kept
    else:
        runner.report_kept()
