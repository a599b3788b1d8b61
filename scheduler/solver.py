"""Solving a roster model: stages, time budget, determinism, interruption, infeasibility.

``solve(instance, options)`` builds the model, solves the lexicographic stages
(or the one weighted stage) in order, fixes each stage's value found as a
bound for the next, and returns a :class:`Result` with the assignments, the
status and value/bound of every stage and the runtime. Ctrl-C or a time
limit returns the best roster found so far.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import TypeVar

from ortools.sat.python import cp_model

from models.instance import Instance
from models.roster import Assignment, Conflict, StandbyAssignment
from scheduler.model.objective import Stage, plan_stages
from scheduler.model.roster_model import RosterModel, cycle_collection_paused
from scheduler.model.variables import DutyKey, Expr
from scheduler.search.cadre_by_cadre import construct
from scheduler.search.columns.generation import applies as columns_apply
from scheduler.search.columns.generation import lp_share, side_by_side
from scheduler.search.improve import improve
from scheduler.search.runs import applies as runs_apply
from scheduler.search.runs import runs_roster

logger = logging.getLogger(__name__)
Built = TypeVar("Built")

# Share of the remaining budget each lexicographic stage may use (the last takes the rest).
STAGE_SHARE = {"coverage": 0.5, "standby": 0.35, "target": 0.4, "fairness": 0.6}
# With no roster yet after this share of the first stage's budget (0: at once), one is built (from runs,
# else cadre by cadre: StageSolver.start_from_construction) and made better with at most CONSTRUCTION_SHARE
# of what is left; the search resumes from it. Where runs apply (construct_runs.applies), it is built first.
GIVE_UP_SHARE = 0.1
CONSTRUCTION_SHARE = 0.8
# Share of that budget the column generation and its dive may take where they apply (column_generation.applies).
# Only Instance12 of 5-12 needs more than 30 % (its dive ends at 70 %): at 60 % it fixed cadres in batches too
# large and gave 4147 against 4044 (BENCHMARKS.md, eleventh session).
COLUMNS_SHARE = 0.8
SMALL_OVERRUN = 5
# A search of the whole model first loads and presolves it, which takes longer than the pass
# with every duty fixed (StageSolver.fixed_seconds): on Instance23 9.4 s against 2.7 s (its
# probing overran the time limit), on Instance21 over 10 s against 1 s. After a construction the
# search is begun only if more than this many fixed passes are left: Instance23 and Instance24
# searches given less found nothing and ran over the limit (BENCHMARKS.md, seventh and eighth
# sessions). It does not catch every such search: Instance21's still ends in presolve.
FIXED_PASSES_BEFORE_SEARCH = 4.0
# Whether the whole-problem worker keeps every constraint in its LP (see StageSolver._parameters).
FULL_LP = True


@dataclass(frozen=True)
class Progress:
    """A new best solution of a stage, for live progress display."""

    stage: str
    objective: float
    bound: float
    seconds: float

    @property
    def gap(self) -> float:
        if self.objective == 0:
            return 0.0
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)


@dataclass
class SolveOptions:
    time_limit: float | None = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False  # interleaved search with a deterministic time budget: repeatable
    log_callback: Callable[[str], None] | None = None
    progress: Callable[[Progress], None] | None = None


@dataclass
class StageResult:
    name: str
    status: str  # optimal, feasible, unknown, skipped
    value: float | None  # the stage objective of the kept solution, in reported units
    bound: float | None
    seconds: float


@dataclass
class Result:
    status: str  # optimal, feasible, infeasible, unknown
    stages: list[StageResult] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    standby: list[StandbyAssignment] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    solver_version: str = version("ortools")
    mode: str = "lexicographic"


class _FoundWatch(cp_model.CpSolverSolutionCallback):
    """Notes that the search has found a solution."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def on_solution_callback(self) -> None:
        self.found = True


class _ProgressReporter(_FoundWatch):
    """Reports each new solution of ``stage`` in reported units, with the seconds since ``started``."""

    def __init__(self, stage: Stage, report: Callable[[Progress], None], started: float) -> None:
        super().__init__()
        self._stage = stage
        self._report = report
        self._started = started

    def on_solution_callback(self) -> None:
        super().on_solution_callback()
        divisor = self._stage.divisor
        self._report(
            Progress(
                self._stage.name,
                self.objective_value / divisor,
                self.best_objective_bound / divisor,
                time.monotonic() - self._started,
            )
        )


def _evaluate(solver: cp_model.CpSolver, expr: Expr) -> int:
    return expr if isinstance(expr, int) else int(solver.value(expr))


class StageSolver:
    """Runs CP-SAT on one model stage after stage, carrying the incumbent as a hint."""

    def __init__(self, roster_model: RosterModel, options: SolveOptions, build_seconds: float = 0.0) -> None:
        self.roster_model = roster_model
        self.options = options
        self.solution: list[int] | None = None
        self.values: dict[str, int] = {}  # every built stage's value under the kept solution
        self.exprs: dict[str, Expr] = {}
        self.stages: dict[str, Stage] = {}  # the stages begun, in order; the last is being solved
        self.stage_started = time.monotonic()  # when the stage being solved began, for progress reports
        self.interrupted = False
        self.gave_up = False  # the last search stopped early because it had found no roster yet
        self.partial_hint: tuple[list[int], list[int]] | None = None  # built duties, when no solution
        self.build_seconds = build_seconds  # building the model took this long (presolve grows with it)
        self.fixed_seconds = 0.0  # the last search with the duties fixed took this long: a search's least cost

    def _parameters(self, budget: float | None) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        parameters = solver.parameters
        parameters.num_workers = max(self.options.workers, 1)
        parameters.random_seed = self.options.seed
        # The worker that searches the whole problem keeps every constraint in its LP relaxation
        # (CP-SAT's "max_lp" instead of "default_lp"): the weekend, run and succession constraints
        # then bound the objective (see BENCHMARKS.md).
        if FULL_LP and parameters.num_workers == 1:
            parameters.linearization_level = 2
        elif FULL_LP:
            parameters.subsolvers.append("max_lp")
        parameters.catch_sigint_signal = False  # Ctrl-C is handled here, keeping the incumbent
        if budget is not None:
            if self.options.deterministic:
                parameters.interleave_search = True
                parameters.max_deterministic_time = max(budget, 0.01)
            else:
                parameters.max_time_in_seconds = max(budget, 0.01)
        if self.options.log_callback is not None:
            parameters.log_search_progress = True
            parameters.log_to_stdout = False
            solver.log_callback = self.options.log_callback
        return solver

    def _solve(
        self,
        solver: cp_model.CpSolver,
        reporter: cp_model.CpSolverSolutionCallback | None = None,
        *,
        model: cp_model.CpModel | None = None,
        give_up_after: float | None = None,
        enough_after: float | None = None,
    ) -> cp_model.CpSolverStatus:
        """Run CP-SAT in a thread, so that Ctrl-C reaches Python and stops the search cleanly.

        With ``give_up_after`` (seconds of search, presolve not counted) the search stops then if it
        has found nothing yet; ``self.gave_up`` tells. With ``enough_after`` (seconds) it stops then
        if it has found something. Both need ``reporter`` to be a :class:`_FoundWatch`.
        """
        self.gave_up = False
        if self.interrupted:
            return cp_model.UNKNOWN
        model = self.roster_model.cp if model is None else model
        outcome: dict[str, cp_model.CpSolverStatus] = {}
        done = threading.Event()

        def work() -> None:
            try:
                outcome["status"] = solver.solve(model, reporter) if reporter else solver.solve(model)
            finally:
                done.set()

        started = time.monotonic()
        search_started: list[float] = []
        if give_up_after is not None:
            # CP-SAT reports its first objective bound when presolve is over and the search begins
            solver.best_bound_callback = lambda bound: search_started.append(time.monotonic())
        stopping = False  # stop_search() was called for give_up_after or enough_after
        thread = threading.Thread(target=work, name="cp-sat", daemon=True)
        thread.start()
        # Wait on an event, not Thread.join: an interrupted join can leave is_alive() wrong (CPython < 3.12).
        while not done.is_set():
            try:
                done.wait(0.2)
            except KeyboardInterrupt:
                logger.warning("interrupted: stopping the search and keeping the best roster found")
                self.interrupted = True
                solver.stop_search()
            if not isinstance(reporter, _FoundWatch) or stopping:
                continue
            elapsed = time.monotonic() - started
            searching = time.monotonic() - search_started[0] if search_started else 0.0
            late = give_up_after is not None and searching > give_up_after
            if late and not reporter.found:
                logger.info("no roster after %.1f s (%.1f s of search): building one", elapsed, searching)
                self.gave_up = stopping = True
                solver.stop_search()
            elif enough_after is not None and reporter.found and elapsed > enough_after:
                stopping = True  # the solution found is kept
                solver.stop_search()
        thread.join()
        return outcome.get("status", cp_model.UNKNOWN)

    def _solve_small(self, model: cp_model.CpModel, budget: float | None) -> tuple[cp_model.CpSolver | None, float]:
        """Solve a small side model (one cadre's, see scheduler.search.cadre_by_cadre): (solver if solved, budget used).

        In seconds, a search that has found nothing when its budget runs out may go on up to
        SMALL_OVERRUN times as long, and stops at its first solution then.
        """
        deterministic = self.options.deterministic
        solver = self._parameters(budget if budget is None or deterministic else budget * SMALL_OVERRUN)
        started = time.monotonic()
        status = self._solve(solver, _FoundWatch(), model=model, enough_after=None if deterministic else budget)
        used = solver.response_proto.deterministic_time if self.options.deterministic else time.monotonic() - started
        return (solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None), used

    def start_from_construction(self, budget: float | None) -> float:
        """Build a roster and complete it in the whole model; returns the budget used.

        Where the column generation applies (scheduler.search.columns.generation.applies: the sequence
        rules and a separable weighted objective, as on the rostering benchmarks), its dive roster
        comes first (see :meth:`_start_from_columns`); the rest of this is the fallback.
        Otherwise first, within seconds, from every cadre's runs of work and days off
        (scheduler.search.runs, for the sequence rules of the rostering benchmarks): when the
        whole model accepts it (every rule checked with the duties fixed), that roster is kept.
        Otherwise cadre by cadre with each cadre's own model (scheduler.search.cadre_by_cadre); the cadres it
        leaves get runs on the demand left over, and the whole model is asked to accept the union.
        An accepted roster is then made better cadre by cadre (see :meth:`_improve`). Without an
        accepted roster the built duties only guide the next search.
        """
        roster_model = self.roster_model
        if columns_apply(roster_model.instance):
            used = self._start_from_columns(budget)
            if self.solution is not None or self.interrupted:
                return used
            budget = None if budget is None else max(budget - used, 0.01)
        else:
            used = 0.0
        return used + self._start_from_runs(budget)

    def _start_from_columns(self, budget: float | None) -> float:
        """Build a roster by column generation and a dive (scheduler.search.columns.generation.side_by_side:
        with two workers the LP in two threads, then two dives in two processes) with at most
        COLUMNS_SHARE of ``budget``; keep it if the whole model accepts it. A dive stopped by the
        time leaves some cadres without a roster: they get runs on the demand left over, and the
        union is made better cadre by cadre. An LP whose pace showed it could not end in its share
        leaves nothing (the runs construction follows). Returns the budget used."""
        started = time.monotonic()
        share = None if budget is None else budget * COLUMNS_SHARE
        if share is not None and not self.options.deterministic and self.build_seconds > lp_share(share):
            # reading every duty variable into the pricing problems is work of the model's own scale
            logger.info("the model took %.1f s to build: no time for column generation", self.build_seconds)
            return 0.0
        generated = self._unless_interrupted(
            "generating columns",
            lambda: side_by_side(
                self.roster_model,
                share,
                processes=self.options.workers,
                deterministic=self.options.deterministic,
                stopped=lambda: self.interrupted,
            ),
        )
        if generated is None:
            return 0.0 if self.options.deterministic else time.monotonic() - started
        outcome, used = generated
        if outcome is None or outcome.abandoned or self.interrupted:
            return used if self.options.deterministic else time.monotonic() - started
        duties = outcome.duties
        if outcome.unfixed:
            runs_started = time.monotonic()
            rest = runs_roster(self.roster_model, placed=duties, only=outcome.unfixed)
            used += 0.0 if self.options.deterministic else time.monotonic() - runs_started
            if rest is None or rest.short:
                self._adopt(duties, None, complete=False)  # a guide for the search that follows
                return used if self.options.deterministic else time.monotonic() - started
            duties = duties + rest.duties
        remaining = None if budget is None else max(budget - used, 0.01)
        used += self._adopt(duties, remaining)
        if self.solution is not None and outcome.unfixed:  # the runs may be made better, cadre by cadre
            remaining = None if budget is None else max(budget - used, 0.01)
            used += self._improve(duties, remaining)  # which reports the kept roster too
        elif self.solution is not None:  # each dive roster is its cadre's cheapest already
            self._report_kept()
        return used if self.options.deterministic else time.monotonic() - started

    def _start_from_runs(self, budget: float | None) -> float:
        """Build a roster from runs, else cadre by cadre (see :meth:`start_from_construction`)."""
        roster_model = self.roster_model
        deterministic = self.options.deterministic
        started = time.monotonic()
        used = 0.0
        from_runs = runs_roster(roster_model)
        if from_runs is not None and not from_runs.short:
            used = self._adopt(from_runs.duties, budget)
            used = used if deterministic else time.monotonic() - started
        first_used = used
        budget = None if budget is None else max(budget - used, 0.01)

        def left() -> float | None:
            """What is left of ``budget`` (already less the runs roster's pass) after the work since."""
            return None if budget is None else max(budget - (used - first_used), 0.01)

        if self.solution is not None and from_runs is not None:
            return used + self._improve(from_runs.duties, budget)
        share = None if budget is None else budget * CONSTRUCTION_SHARE
        built = self._unless_interrupted(
            "building a first roster",
            lambda: construct(
                roster_model.instance,
                roster_model.calendar,
                share,
                self._solve_small,
                deterministic=deterministic,
                stopped=lambda: self.interrupted,
            ),
        )
        if built is None:
            return used
        duties, unplaced = built.duties, built.unplaced
        used += built.used
        if unplaced and not self.interrupted:
            runs_started = time.monotonic()
            rest = runs_roster(roster_model, placed=duties, only=unplaced)
            if rest is not None:
                duties, unplaced = duties + rest.duties, rest.short
            used += 0.0 if deterministic else time.monotonic() - runs_started  # no CP-SAT: no deterministic time
        if unplaced:
            logger.info("cadres without a built roster: %s", ", ".join(unplaced))
            self._adopt(duties, None, complete=False)
            return used
        used += self._adopt(duties, left())
        if self.solution is not None:
            used += self._improve(duties, left())
        return used

    def _unless_interrupted(self, doing: str, work: Callable[[], Built]) -> Built | None:
        """``work()``, or None when Ctrl-C comes while it runs (outside CP-SAT: a cadre's model being built)."""
        try:
            return work()
        except KeyboardInterrupt:
            logger.warning("interrupted while %s", doing)
            self.interrupted = True
            return None

    def _improve(self, duties: list[DutyKey], budget: float | None) -> float:
        """Make the kept roster ``duties`` cheaper cadre by cadre (scheduler.search.improve) with
        CONSTRUCTION_SHARE of ``budget``, less a pass to accept the result; the result replaces the
        kept roster only if the whole model accepts it and ranks it better. Returns the budget used.
        """
        self._report_kept()  # the accepted roster it starts from
        deterministic = self.options.deterministic
        reserve = 0.0 if deterministic else self.fixed_seconds  # the pass accepting the result
        share = None if budget is None else budget * CONSTRUCTION_SHARE - reserve
        if share is not None and share <= reserve:
            return 0.0  # too little time to make a change worth a pass
        started = time.monotonic()
        better = self._unless_interrupted(
            "making the roster better",
            lambda: improve(
                self.roster_model.instance,
                self.roster_model.calendar,
                duties,
                share,
                self._solve_small,
                deterministic=deterministic,
                stopped=lambda: self.interrupted,
            ),
        )
        if better is None:
            return 0.0 if deterministic else time.monotonic() - started
        used = better.used
        if not better.changed:
            return used
        kept = (self.solution, self.values)
        remaining = None if budget is None else max(budget - used, 0.01)
        used += self._adopt(better.duties, remaining)
        if self.solution is None or self._ranking(self.values) > self._ranking(kept[1]):
            logger.info("the built roster stays: the one made better cadre by cadre is not accepted or not better")
            self.solution, self.values = kept
        else:
            self._report_kept()
        return used if deterministic else time.monotonic() - started

    def _described(self, values: dict[str, int]) -> str:
        """Stage values in reported units, for the log: 'weighted 1506'."""
        return ", ".join(f"{name} {value / self.stages[name].divisor:g}" for name, value in values.items())

    def _ranking(self, values: dict[str, int]) -> tuple[int, ...]:
        """Stage values in stage order, for comparing two rosters of the current stage."""
        return tuple(values.get(name, 0) for name in self.exprs)

    def _adopt(self, duties: list[DutyKey], budget: float | None, *, complete: bool = True) -> float:
        """Take built duties as the hint and, with ``complete``, as the kept solution once the whole
        model accepts them with the duties fixed (only the auxiliary variables are searched).
        Returns the budget used."""
        roster_model = self.roster_model
        chosen = {roster_model.vars.duties[key].index for key in duties}
        duty_indices = [variable.index for variable in roster_model.vars.duties.values()]
        self.partial_hint = (duty_indices, [1 if index in chosen else 0 for index in duty_indices])
        if not complete:
            return 0.0
        self.solution = [0] * len(roster_model.cp.proto.variables)
        for index, value in zip(*self.partial_hint, strict=True):
            self.solution[index] = value
        used = self.solve_with_fixed(duty_indices, budget, keep_on_failure=False)
        if self.solution is not None:
            logger.info("the whole model accepts the built roster: %s", self._described(self.values))
        return used

    def _report_kept(self) -> None:
        """Show the kept built roster in the live progress, as a search shows its solutions
        (its bound 0: no search has bounded the stage yet, and every part is >= 0)."""
        if self.options.progress is None or self.solution is None or not self.stages:
            return
        stage = next(reversed(self.stages.values()))  # the stage being solved
        value = self.values[stage.name] / stage.divisor
        self.options.progress(Progress(stage.name, value, 0.0, time.monotonic() - self.stage_started))

    def _hint(self) -> None:
        proto = self.roster_model.cp.proto
        proto.clear_solution_hint()
        hint = proto.solution_hint
        if self.solution is not None:
            hint.vars.extend(range(len(self.solution)))
            hint.values.extend(self.solution)
        elif self.partial_hint is not None:
            hint.vars.extend(self.partial_hint[0])
            hint.values.extend(self.partial_hint[1])

    def solve_with_fixed(self, keep: list[int] | None, budget: float | None, *, keep_on_failure: bool = True) -> float:
        """Search the current stage with the variables ``keep`` (indices; all of the kept solution
        when None) fixed to their values in the kept solution. Returns the budget used.

        With every variable of the kept solution fixed, CP-SAT only fills in the
        auxiliaries a new stage added: the stage starts from a complete, feasible
        hint and its value for the kept roster is known even if its own search
        finds nothing better in time. With only the duties fixed, the standby
        stage is a small problem whose presolve and search are fast. With
        ``keep_on_failure`` false, ``self.solution`` is only a candidate and is
        dropped when no solution extends it.
        """
        if self.solution is None:
            return 0.0
        fixed = range(len(self.solution)) if keep is None else keep
        proto = self.roster_model.cp.proto
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(fixed)
        proto.solution_hint.values.extend(self.solution[index] for index in fixed)
        solver = self._parameters(budget)
        solver.parameters.fix_variables_to_their_hinted_value = True
        started = time.monotonic()
        status = self._solve(solver)
        self.fixed_seconds = time.monotonic() - started
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.solution = list(solver.response_proto.solution)
            self.values = {name: _evaluate(solver, built) for name, built in self.exprs.items()}
        else:
            logger.info("no solution with the kept values fixed (%s)", solver.status_name(status))
            if not keep_on_failure:
                self.solution = None
        return solver.response_proto.deterministic_time if self.options.deterministic else time.monotonic() - started

    def begin(self, stage: Stage, expr: Expr) -> None:
        """Make ``stage``, with the objective ``expr``, the stage being solved."""
        self.roster_model.cp.minimize(expr)
        self.exprs[stage.name] = expr
        self.stages[stage.name] = stage
        self.stage_started = time.monotonic()

    def run(
        self, stage: Stage, expr: Expr, budget: float | None, fixed_first: list[int] | None = None
    ) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver, float, float]:
        """Minimise ``expr``; returns (CP-SAT status, solver, seconds, budget used).

        A first pass searches with the kept solution fixed (only ``fixed_first``
        when given; see :meth:`solve_with_fixed`).
        """
        self.begin(stage, expr)
        started = self.stage_started
        share = 0.5 if fixed_first else 0.3
        completion = self.solve_with_fixed(fixed_first, None if budget is None else budget * share)
        if budget is not None:
            budget -= completion
        self._hint()
        reporter: _FoundWatch = (
            _ProgressReporter(stage, self.options.progress, started)
            if self.options.progress
            else _FoundWatch()
        )
        if self.solution is None and budget is not None:
            status, solver, used = self._first_roster(budget, reporter)
        else:
            solver = self._parameters(budget)
            status = self._solve(solver, reporter)
            used = solver.response_proto.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.solution = list(solver.response_proto.solution)
            self.values = {name: _evaluate(solver, built) for name, built in self.exprs.items()}
        seconds = time.monotonic() - started
        used = completion + used if self.options.deterministic else seconds
        return status, solver, seconds, used

    def _first_roster(
        self, budget: float, reporter: _FoundWatch
    ) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver, float]:
        """Search for the first roster; without one after GIVE_UP_SHARE of ``budget``, build one
        (see :meth:`start_from_construction`) and search on from it. Returns (status, solver, budget used).

        The roster is built before any search where a whole roster can be built from runs: built
        and made better cadre by cadre, it is a far better start than the search's own first
        rosters (BENCHMARKS.md, sixth session). It is also built first when building the model took
        longer than the budget left, which a search would spend in presolve.

        In seconds the search is stopped only if it has found nothing by then; in deterministic
        units (which a running search does not report) the first search is given that share and
        a second one, from its roster or the built one, the rest.
        """
        deterministic = self.options.deterministic
        started = time.monotonic()
        used = 0.0  # GIVE_UP_SHARE 0: straight to the built roster
        runs_buildable = runs_apply(self.roster_model.instance)
        huge = not deterministic and self.build_seconds > budget
        if runs_buildable:
            logger.info("the rules allow a roster built from runs: building a first roster")
        elif huge:
            logger.info("the model took %.1f s to build: building a first roster at once", self.build_seconds)
        if GIVE_UP_SHARE > 0 and not (huge or runs_buildable):
            if deterministic:
                solver = self._parameters(budget * GIVE_UP_SHARE)
                status = self._solve(solver, reporter)
                if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE) or self.interrupted:
                    return status, solver, solver.response_proto.deterministic_time
                used = solver.response_proto.deterministic_time
                if status == cp_model.FEASIBLE:
                    self.solution = list(solver.response_proto.solution)
                    self.values = {name: _evaluate(solver, built) for name, built in self.exprs.items()}
            else:
                solver = self._parameters(budget)
                status = self._solve(solver, reporter, give_up_after=budget * GIVE_UP_SHARE)
                if not self.gave_up:
                    return status, solver, time.monotonic() - started
                used = time.monotonic() - started
        if self.solution is None:
            constructed = self.start_from_construction(budget - used)
            used = used + constructed if deterministic else time.monotonic() - started
        # a search that could not get past loading and presolving the model would add nothing but overrun
        least = 0.0 if deterministic or self.solution is None else FIXED_PASSES_BEFORE_SEARCH * self.fixed_seconds
        if budget - used <= least:
            logger.info("no time left to search on from the built roster")
            return cp_model.UNKNOWN, cp_model.CpSolver(), used
        self._hint()
        solver = self._parameters(budget - used)
        # if this search finds nothing in time, the roster kept before (if any) is the result
        status = self._solve(solver, reporter)
        used += solver.response_proto.deterministic_time if deterministic else 0.0
        return status, solver, used if deterministic else time.monotonic() - started


def _no_roster(result: Result, started: float, runner: StageSolver) -> Result:
    result.interrupted = runner.interrupted
    result.seconds = time.monotonic() - started
    return result


def explain_infeasibility(instance: Instance, options: SolveOptions) -> tuple[bool, list[Conflict]]:
    """Name the cadres whose ``min_total_hours`` no roster can give.

    Every other rule holds for the empty roster, so only minimum hours can
    make an instance infeasible. The minimum is relaxed into a deficit per
    cadre and the total deficit minimised: if that optimum is above 0 the
    instance is infeasible, and the cadres still short are the conflicts.
    Returns (proven infeasible, conflicts).
    """
    roster_model = RosterModel.build(instance, soft_minimum_hours=True)
    total = cp_model.LinearExpr.sum(list(roster_model.min_total_deficits.values()))
    roster_model.cp.minimize(total)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(options.workers, 1)
    solver.parameters.random_seed = options.seed
    if options.time_limit is not None:
        solver.parameters.max_time_in_seconds = max(options.time_limit, 1.0)
    status = solver.solve(roster_model.cp)
    if status != cp_model.OPTIMAL or solver.objective_value <= 0:
        return False, []
    return True, _minimum_hours_conflicts(roster_model, solver)


def _minimum_hours_conflicts(roster_model: RosterModel, solver: cp_model.CpSolver) -> list[Conflict]:
    conflicts = []
    for cadre_id, deficit in roster_model.min_total_deficits.items():
        short = solver.value(deficit)
        if short <= 0:
            continue
        facts = roster_model.facts(cadre_id)
        owed = roster_model.calendar.prorated_min_total_minutes(facts) or 0
        conflicts.append(
            Conflict(
                rule="min_total_hours",
                cadre=cadre_id,
                message=f"cadre {cadre_id} must work at least {owed / 60:g} duty hours over the horizon "
                f"({facts.available_days} available days), but no roster gives every cadre their minimum: "
                f"in the roster closest to it, {cadre_id} still lacks {short / 60:g} hours (the rules, "
                "the demand and the checkpoints this cadre may serve leave no more duty)",
            )
        )
    return conflicts


def solve(instance: Instance, options: SolveOptions | None = None) -> Result:
    """Build and solve the roster model of ``instance``."""
    options = options or SolveOptions()
    started = time.monotonic()
    roster_model = RosterModel.build(instance)
    plan = plan_stages(roster_model)
    runner = StageSolver(roster_model, options, build_seconds=time.monotonic() - started)
    result = Result(status="unknown", mode=instance.objective.mode)
    budget_left = options.time_limit
    if budget_left is not None and not options.deterministic:
        budget_left -= time.monotonic() - started  # the limit covers building the model too
    for index, stage in enumerate(plan):
        last = index == len(plan) - 1
        if runner.interrupted or (budget_left is not None and budget_left <= 0.01 and runner.solution is not None):
            skipped_value = runner.values.get(stage.name)
            result.stages.append(
                StageResult(
                    stage.name, "skipped", None if skipped_value is None else skipped_value / stage.divisor, None, 0.0
                )
            )
            continue
        share = 1.0 if last else STAGE_SHARE.get(stage.name, 0.5)
        budget = None if budget_left is None else budget_left * share
        with cycle_collection_paused():  # a stage's parts add a variable or term per duty
            expr = stage.build()
        # standby first fills in around the duties as they stand, then searches freely
        fixed_first = (
            [variable.index for variable in roster_model.vars.duties.values()] if stage.name == "standby" else None
        )
        status, solver, seconds, used = runner.run(stage, expr, budget, fixed_first)
        if budget_left is not None:
            budget_left -= used
        if runner.solution is None:
            if status == cp_model.INFEASIBLE:
                proven, conflicts = explain_infeasibility(instance, options)
                if proven:
                    result.status, result.conflicts = "infeasible", conflicts
                    return _no_roster(result, started, runner)
            # nothing found in the first stage within the time limit: no roster to give
            result.stages.append(StageResult(stage.name, "unknown", None, None, seconds))
            return _no_roster(result, started, runner)
        if stage.name not in runner.values:
            # neither the hint nor the search gave this stage a value: keep the previous roster, fix nothing
            result.stages.append(StageResult(stage.name, "unknown", None, None, seconds))
            logger.info("stage %s: no solution within %.1f s", stage.name, seconds)
            continue
        value = runner.values[stage.name]
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if not found:
            status = cp_model.FEASIBLE  # the kept roster, completed for this stage, is a solution of it
        # every part is >= 0, so a negative bound says nothing more than 0
        bound = max(solver.best_objective_bound, 0) / stage.divisor if found else None
        stage_status = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(status, "unknown")
        if bound is not None and value / stage.divisor <= bound:
            stage_status = "optimal"  # the value meets the proven bound, even if the search was cut short
        result.stages.append(StageResult(stage.name, stage_status, value / stage.divisor, bound, seconds))
        logger.info(
            "stage %s: %s, value %s, bound %s, %.1f s", stage.name, stage_status, value / stage.divisor, bound, seconds
        )
        # keep this stage's value for the stages after it
        roster_model.cp.add(expr <= value)
    result.interrupted = runner.interrupted
    proven = all(stage.status == "optimal" for stage in result.stages)
    result.status = "optimal" if proven else "feasible"
    result.assignments, result.standby = _roster_of(roster_model, runner.solution or [])
    result.seconds = time.monotonic() - started
    return result


def _roster_of(roster_model: RosterModel, solution: list[int]) -> tuple[list[Assignment], list[StandbyAssignment]]:
    calendar = roster_model.calendar
    assignments = [
        Assignment(cadre=key.cadre, date=calendar.date_of(key.day), shift=key.shift, checkpoint=key.checkpoint)
        for key, variable in roster_model.vars.duties.items()
        if solution[variable.index]
    ]
    standby = [
        StandbyAssignment(cadre=key.cadre, date=calendar.date_of(key.day), shift=key.shift, community=key.community)
        for key, variable in roster_model.vars.standbys.items()
        if solution[variable.index]
    ]
    assignments.sort(key=lambda item: (item.date, item.shift, item.checkpoint, item.cadre))
    standby.sort(key=lambda item: (item.date, item.shift, item.community, item.cadre))
    return assignments, standby
