"""A first roster by column generation and a dive, for the sequence rules of the rostering benchmarks.

Where a cadre's rules are the sequence rules alone (see
:func:`scheduler.search.runs.only_sequence_rules`) and the objective is a weighted sum of
parts that each cadre's roster adds on its own (demand target, coverage
minimum, requests), the problem splits into one roster per cadre tied
together only by the demand. Column generation solves its linear relaxation:

- the master LP (GLOP) holds some rosters (columns) of every cadre; each cadre
  takes a convex combination of theirs (one convexity row each), and each
  demand cell counts the cadres on duty, priced by its under, over and
  missing-minimum variables at the objective's weights;
- each cadre's pricing problem finds their cheapest roster, every rule of
  theirs kept, where a duty in a cell is worth the cell's dual. It is solved
  exactly by labelling, day by day (:class:`CadrePricer`). A roster holds at
  most one duty a day: where a cadre may hold more, its rosters still keep
  every rule but the LP is then no relaxation of the whole problem.

The dive then fixes the cadre whose column has the largest LP value to that
column, generates columns for the others again (until the LP is within
``dive_gap`` of its bound), and repeats until every cadre has a roster. When
the pace of its steps says the time left will not give every cadre a step
of their own, a step fixes as many cadres (the largest values first) as
spread them over the steps that fit. Any choice of one column per cadre
keeps every hard rule (the demand is soft). When time runs out even so, the
cadres not yet fixed are left to the caller: the solver gives them runs
(scheduler.search.runs) on the demand the dive's rosters leave, which
was a far better start than their columns of largest LP value
(BENCHMARKS.md, tenth session). The solver checks the roster in the whole
model with the duties fixed before using it.

The dive follows whichever optimal LP solution GLOP returns and the columns
that led there, and its roster depends much on them: with two workers two
dives run side by side (:mod:`scheduler.search.columns.processes`) and the
cheaper roster is kept. The dive itself is in :mod:`scheduler.search.columns.dive`.

On the larger Curtois–Qu instances the LP value equals the best known
objective where CP-SAT's own bound is far lower, and the dive's roster is a
far better start for the search than the runs construction's (BENCHMARKS.md,
ninth and tenth sessions).
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait

from scheduler.model.roster_model import RosterModel
from scheduler.search.budget import Budget
from scheduler.search.columns.dive import dive, finish
from scheduler.search.columns.labelling import REDUCED_COST_EPSILON
from scheduler.search.columns.master import MasterFailed, MasterLP
from scheduler.search.columns.outcome import Outcome
from scheduler.search.columns.pricer import CadrePricer, Priced, PricingStopped, PricingTooLarge, WorkCounter, warm_up
from scheduler.search.columns.problems import cadre_problems
from scheduler.search.settings import SETTINGS, SearchSettings

logger = logging.getLogger(__name__)


def lp_share(budget: float, settings: SearchSettings = SETTINGS) -> float:
    """The most of ``budget`` the first LP before a dive may take (see ``first_dive_to_lp``)."""
    return budget / (1 + settings.first_dive_to_lp)


class ColumnGeneration:
    """The column generation and dive over a roster model (see the module doc)."""

    def __init__(
        self,
        roster_model: RosterModel,
        budget: Budget | None,
        *,
        deterministic: bool = False,
        stopped: Callable[[], bool] = lambda: False,
        lp_settings: str | None = None,
        settings: SearchSettings = SETTINGS,
    ) -> None:
        given = budget if budget is not None else Budget.unlimited(deterministic=deterministic)
        left = given.left()
        warm_up()  # compiling (or loading the compiled code) is not the pricing's pace
        self.roster_model = roster_model
        self.settings = settings
        self.lp_settings = settings.lp_settings if lp_settings is None else lp_settings
        self.deterministic = deterministic
        self.stopped = stopped
        self.counter = WorkCounter()
        # from now on (the compiling above is not the pricing's pace), in labels when deterministic
        self.budget = Budget(left, deterministic=deterministic, meter=self._labels)
        self.started = self.budget.started
        self.limit: float | None = self.budget.limit  # the work the current phase may reach (the LP's is lower)
        self.pricers = {
            cadre: CadrePricer(problem, self.counter, lambda: self.out_of_time(self.limit),
                                days_per_call=settings.days_per_call)
            for cadre, problem in cadre_problems(roster_model).items()
        }
        self.master = MasterLP(roster_model, self.lp_settings, settings.retry_lp_settings)
        self._pool: ThreadPoolExecutor | None = None  # the LP's pricing threads, while it runs

    def _labels(self) -> float:
        """The work done, in deterministic units."""
        return self.counter.labels / self.settings.labels_per_unit

    def used(self) -> float:
        """What the generation has spent of its budget: seconds, or labels in deterministic units."""
        return self.budget.spent()

    def out_of_time(self, limit: float | None = None) -> bool:
        """Stopped, or the budget (or ``limit``, in the same units) used up."""
        limit = self.budget.limit if limit is None else limit
        return self.stopped() or (limit is not None and self.used() >= limit)

    def generate(self, active: Sequence[str], gap: float = 0.0) -> tuple[float, float, bool, int]:
        """Columns for the ``active`` cadres until none prices out, the LP value is within ``gap``
        (above 0) of the best lower bound, or the current phase's ``limit`` is reached: (LP value,
        best lower bound, converged, rounds)."""
        master = self.master
        best_bound, rounds = -math.inf, 0
        while True:
            value = master.solve()
            rounds += 1
            duals = master.duals()
            convexity = {cadre: master.convexity[cadre].dual_value() for cadre in active}
            found: list[tuple[str, Priced]] = []
            negative = 0.0
            with contextlib.closing(self._priced(active, duals, convexity)) as pricings:
                for cadre, priced in pricings:
                    if priced is not None and priced.reduced_cost - convexity[cadre] < -REDUCED_COST_EPSILON:
                        found.append((cadre, priced))
                        negative += priced.reduced_cost - convexity[cadre]
                    if self.out_of_time(self.limit):
                        break
                else:  # every cadre priced: the round's bound is valid
                    best_bound = max(best_bound, value + negative)
                    if gap > 0 and found and value - best_bound <= gap:  # the columns found gain at most ``gap``
                        return value, best_bound, False, rounds
            added = [master.add(cadre, priced) for cadre, priced in found]
            if not any(added):
                return value, best_bound, True, rounds
            if self.out_of_time(self.limit):  # solved once more, so that the LP values cover the new columns
                return master.solve(), best_bound, False, rounds

    def _priced(
        self, active: Sequence[str], duals: dict[tuple[int, str, str], float], convexity: dict[str, float]
    ) -> Generator[tuple[str, Priced | None], None, None]:
        """Each active cadre's cheapest roster below their convexity dual, in the cadres' order; in
        the LP's threads when it has them. Whatever the caller leaves unread is cancelled or waited
        for (a pricer holds state of its call: two threads must never share one)."""
        pool = self._pool
        if pool is None:
            for cadre in active:
                yield cadre, self.pricers[cadre].price(duals, threshold=convexity[cadre])
            return
        futures: list[Future[Priced | None]] = [
            pool.submit(self.pricers[cadre].price, duals, convexity[cadre]) for cadre in active
        ]
        try:
            for cadre, future in zip(active, futures, strict=True):
                yield cadre, future.result()
        finally:
            for future in futures:
                future.cancel()
            wait(futures)

    def _lp_too_slow(self, lp_limit: float, pricing_started: float, priced: int) -> bool:
        """Whether, at the pace of the first ``priced`` cadres' first rosters (begun at ``pricing_started``),
        ``least_lp_rounds`` rounds of pricing every cadre would not fit before ``lp_limit``."""
        if self.out_of_time(lp_limit):
            return True
        if priced < min(self.settings.pace_sample, len(self.pricers)):
            return False
        round_work = (self.used() - pricing_started) / priced * len(self.pricers)
        return self.used() + round_work * self.settings.least_lp_rounds > lp_limit

    def run(self, *, dive: bool = True, dive_share: float = 0.0) -> Outcome | None:
        """The LP and (with ``dive``) the dive's roster, fixing at least ``dive_share`` of the cadres
        left a step; None if some cadre has no roster keeping their rules."""
        outcome = self.lp(for_dive=dive)
        if not dive or outcome is None or outcome.abandoned:
            return outcome
        return self.dive(outcome, dive_share)

    def dive(self, outcome: Outcome, dive_share: float = 0.0) -> Outcome:
        """The dive's roster from the LP of ``outcome`` (see :func:`scheduler.search.columns.dive.dive`)."""
        return dive(self, outcome, dive_share)

    def lp(self, *, for_dive: bool = True, threads: int = 1) -> Outcome | None:
        """The LP before the dive: columns for every cadre until none prices out. ``for_dive`` keeps
        it to its share of the budget (:func:`lp_share`), else it may take the whole budget. None
        if some cadre has no roster keeping their rules; an abandoned outcome if it does not end.
        With ``threads`` above 1 the cadres are priced in that many threads, unless deterministic:
        when a budget stops a pricing would then hang on the threads' timing."""
        try:
            if threads > 1 and not self.deterministic:
                with ThreadPoolExecutor(threads, thread_name_prefix="pricing") as pool:
                    self._pool = pool
                    try:
                        return self._lp(for_dive)
                    finally:
                        self._pool = None
            return self._lp(for_dive)
        except PricingTooLarge as error:
            logger.info("column generation not used: %s", error)
            return None
        except (PricingStopped, MasterFailed) as error:
            logger.info("column generation given up: %s", error)
            return Outcome(lp_settings=self.lp_settings, abandoned=True)

    def _lp(self, for_dive: bool) -> Outcome | None:
        outcome = Outcome(lp_settings=self.lp_settings)
        lp_limit = None if self.budget.limit is None or not for_dive else lp_share(self.budget.limit, self.settings)
        self.limit = lp_limit if lp_limit is not None else self.budget.limit
        pricing_started = self.used()  # building the pricers is not the pricing's pace
        for priced, (cadre, pricer) in enumerate(self.pricers.items(), start=1):
            first = pricer.price({})
            if first is None:
                logger.info("column generation: cadre %s has no roster that keeps their rules", cadre)
                return None
            self.master.add(cadre, first)
            if lp_limit is not None and self._lp_too_slow(lp_limit, pricing_started, priced):
                logger.info("column generation: at the pace of the first rosters the LP would not end in time")
                outcome.abandoned = True
                return outcome
        outcome.lp_value, outcome.bound, outcome.converged, outcome.rounds = self.generate(list(self.pricers))
        logger.info(
            "column generation: LP %.2f (%s), bound %.2f, %d rounds, %.1f s",
            outcome.lp_value,
            "optimal" if outcome.converged else "stopped",
            outcome.bound,
            outcome.rounds,
            time.monotonic() - self.started,
        )
        outcome.lp_seconds = time.monotonic() - self.started
        if lp_limit is not None and not outcome.converged:
            logger.info("column generation: the LP is not done in its share: no time for a dive")
            outcome.abandoned = True
            return outcome
        if not for_dive:
            return finish(self, outcome, {})
        return outcome

