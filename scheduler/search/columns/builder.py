"""The column generation as a first-roster builder, where the objective splits by cadre.

It applies where every rule in play is a sequence rule of the runs
construction and the objective is a weighted sum of parts that each cadre's
roster adds on its own (demand target, coverage minimum, requests): the
problem is then one roster per cadre tied together only by a soft demand.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from models.instance import Instance
from scheduler.search.budget import Budget
from scheduler.search.columns.generation import lp_share
from scheduler.search.columns.processes import two_dives
from scheduler.search.runs import only_sequence_rules

if TYPE_CHECKING:
    from scheduler.search.first_roster import Built
    from scheduler.search.runner import CpSatRunner

logger = logging.getLogger(__name__)

# The parts a cadre's roster adds on its own; any other part weighted above 0 means no column generation.
SEPARABLE_PARTS = {"coverage", "target", "requests"}


def splits_by_cadre(instance: Instance) -> bool:
    """Whether the problem splits into one roster per cadre tied only by a weighted, soft demand."""
    objective = instance.objective
    if objective.mode != "weighted" or not only_sequence_rules(instance):
        return False
    if any(weight for name, weight in objective.weights.items() if name not in SEPARABLE_PARTS):
        return False
    for checkpoint in instance.checkpoints:
        for rule in checkpoint.demand:
            if rule.skills or rule.max not in (None, 0):
                return False
    return True


class ColumnGenerationBuilder:
    """Column generation and dives (two side by side with two workers), with ``columns_share`` of the time."""

    name = "column generation"

    def applies(self, runner: CpSatRunner, budget: Budget) -> bool:
        return splits_by_cadre(runner.roster_model.instance)

    def build(self, runner: CpSatRunner, budget: Budget) -> Built | None:
        """The dive's duties (cadres it had no time for unplaced), or None without a roster."""
        from scheduler.search.first_roster import Built

        share = budget.share(runner.settings.columns_share)
        too_long = share.limit is not None and runner.build_seconds > lp_share(share.limit, runner.settings)
        if too_long and not budget.deterministic:
            # reading every duty variable into the pricing problems is work of the model's own scale
            logger.info("the model took %.1f s to build: no time for column generation", runner.build_seconds)
            return None
        started = time.monotonic()
        generated = runner.unless_interrupted(
            "generating columns",
            lambda: two_dives(
                runner.roster_model,
                share,
                processes=runner.options.workers,
                deterministic=budget.deterministic,
                stopped=lambda: runner.interrupted,
                settings=runner.settings,
            ),
        )
        if generated is None:
            return None
        outcome, used = generated
        share.charge(used)  # the column generation counts its own work (labels) in deterministic units
        logger.debug("column generation took %.1f s", time.monotonic() - started)
        if outcome is None or outcome.abandoned or runner.interrupted:
            return None
        # each dive roster is its cadre's cheapest already; cadres completed by runs are not
        return Built(outcome.duties, outcome.unfixed, improvable=bool(outcome.unfixed))
