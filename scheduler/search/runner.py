"""The one runner of CP-SAT searches: parameters, callbacks, interruption, fixed passes, the incumbent.

Every CP-SAT search of a solve goes through :class:`CpSatRunner`: the stage
searches over the whole roster model, the passes that complete a roster with
its duties fixed, and the small side models of single cadres that the
construction and the improvement solve. It keeps the incumbent (the best
whole-model solution so far, and every begun stage's value under it), runs
CP-SAT in a thread so that Ctrl-C stops a search cleanly and keeps the
incumbent, and charges every search to the :class:`Budget` it was given.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from ortools.sat.python import cp_model, cp_model_helper

from scheduler.model.objective import ObjectiveStage
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import DutyKey, Expr, StandbyKey
from scheduler.search.budget import Budget
from scheduler.search.neighbourhoods import NeighbourhoodIndex
from scheduler.search.options import Progress, SolveOptions
from scheduler.search.submodel import ConstraintIndex, StepModel
from scheduler.search.watch import FoundWatch, ProgressReporter, Reporter, integral_bound, out_of_patience, scaled_down

logger = logging.getLogger(__name__)
Built = TypeVar("Built")
FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass(frozen=True)
class Constructed:
    """A whole roster built before the model (the hand dispatch): its duties and standby by key."""

    duties: list[DutyKey]
    standby: list[StandbyKey]


def _evaluate(solver: cp_model.CpSolver, expr: Expr) -> int:
    return expr if isinstance(expr, int) else int(solver.value(expr))


def _value_in(solution: list[int], expr: Expr) -> int:
    """``expr``'s value in a whole solution vector (every variable of the model, by index)."""
    if isinstance(expr, int):
        return expr
    flat = cp_model_helper.FlatIntExpr(expr)
    return flat.offset + sum(coefficient * solution[variable.index]
                             for coefficient, variable in zip(flat.coeffs, flat.vars, strict=True))


class CpSatRunner:
    """Runs CP-SAT on one roster model stage after stage, carrying the incumbent as a hint."""

    def __init__(
        self,
        roster_model: RosterModel,
        options: SolveOptions,
        build_seconds: float = 0.0,
        constructed: Constructed | None = None,
    ) -> None:
        self.roster_model = roster_model
        self.constructed = constructed  # a roster built before the model, the first to try
        self.options = options
        self.settings = options.settings
        self.solution: list[int] | None = None  # the incumbent: a value for every model variable
        self.values: dict[str, int] = {}  # every begun stage's value under the incumbent
        self.held_at: dict[str, int] = {}  # the value each finished stage is held at by a constraint
        self.tie_breaks: dict[str, tuple[int, Expr] | None] = {}  # each begun stage's (scale, next stage)
        # proven bounds of a stage: from searches of its own objective alone, or counted (stage_bounds)
        self.proven: dict[str, int] = {}
        self.exprs: dict[str, Expr] = {}
        self.stages: dict[str, ObjectiveStage] = {}  # the stages begun, in order; the last is being solved
        self.stage_started = time.monotonic()  # when the stage being solved began, for progress reports
        self.interrupted = False
        self.partial_hint: tuple[list[int], list[int]] | None = None  # built duties, when no incumbent
        self.build_seconds = build_seconds  # building the model took this long (presolve grows with it)
        self.fixed_seconds = 0.0  # the last pass with the duties fixed took this long: a search's least cost
        self._neighbourhoods: NeighbourhoodIndex | None = None
        self._constraints: ConstraintIndex | None = None
        self.scales: dict[str, int] = {}  # a stage's tie-break scale (1: none)
        self.whole_model_proven = False  # a search of the whole model proved the first stage

    @property
    def by_neighbourhoods(self) -> bool:
        """Whether the stages go on neighbourhood by neighbourhood: a roster was constructed and the
        model has at least ``lns_least_decisions`` duty and standby variables (smaller ones are
        searched whole, which proves them)."""
        variables = self.roster_model.vars
        size = len(variables.duties) + len(variables.standbys)
        return self.constructed is not None and size >= self.settings.lns_least_decisions

    def constraint_index(self) -> ConstraintIndex | None:
        """Which constraint reads which variable, current with the model (a stage adds to it), for the
        neighbourhood steps' own models; None where a constraint's kind is not indexed."""
        model = self.roster_model.cp
        if self._constraints is None or not self._constraints.current(model):
            self._constraints = ConstraintIndex(model, self.neighbourhood_index().decisions, self._constraints)
        return self._constraints if self._constraints.known else None

    def neighbourhood_index(self) -> NeighbourhoodIndex:
        """The decision variables by cadre and day, for the neighbourhood search (read once)."""
        if self._neighbourhoods is None:
            self._neighbourhoods = NeighbourhoodIndex(self.roster_model)
        return self._neighbourhoods

    # -- running CP-SAT ------------------------------------------------------
    def parameters(self, limit: float | None) -> cp_model.CpSolver:
        """A CP-SAT solver set up for this solve, limited to ``limit`` (seconds or deterministic units)."""
        solver = cp_model.CpSolver()
        parameters = solver.parameters
        parameters.num_workers = max(self.options.workers, 1)
        parameters.random_seed = self.options.seed
        # The worker that searches the whole problem keeps every constraint in its LP relaxation
        # (CP-SAT's "max_lp" instead of "default_lp"): the weekend, run and succession constraints
        # then bound the objective (see BENCHMARKS.md).
        if parameters.num_workers == 1:
            parameters.linearization_level = 2
        else:
            parameters.subsolvers.append("max_lp")
        parameters.catch_sigint_signal = False  # Ctrl-C is handled here, keeping the incumbent
        if limit is not None:
            if self.options.deterministic:
                parameters.interleave_search = True
                parameters.max_deterministic_time = max(limit, 0.01)
            else:
                parameters.max_time_in_seconds = max(limit, 0.01)
        if self.options.log_callback is not None:
            parameters.log_search_progress = True
            parameters.log_to_stdout = False
            solver.log_callback = self.options.log_callback
        return solver

    def run(
        self,
        solver: cp_model.CpSolver,
        reporter: cp_model.CpSolverSolutionCallback | None = None,
        *,
        model: cp_model.CpModel | None = None,
        enough_after: float | None = None,
        patience: float | None = None,
    ) -> cp_model.CpSolverStatus:
        """Run CP-SAT in a thread, so that Ctrl-C reaches Python and stops the search cleanly.

        With ``enough_after`` (seconds) it stops then if it has found something. With ``patience``
        (seconds) it stops once the stage's own value has not improved for that long (its first
        solution, the hint, counts as a gain). These need ``reporter`` to be a :class:`FoundWatch`.
        """
        if self.interrupted:
            return cp_model.UNKNOWN
        started = time.monotonic()

        def enough() -> bool:
            if not isinstance(reporter, FoundWatch):
                return False
            elapsed = time.monotonic() - started
            if enough_after is not None and reporter.found and elapsed > enough_after:
                return True  # the solution found is kept
            return out_of_patience(reporter, patience)

        model = self.roster_model.cp if model is None else model
        return self._in_threads([(solver, model, reporter)], [enough])[0]

    def run_together(self, searches: list[tuple[cp_model.CpSolver, cp_model.CpModel, FoundWatch]],
                     patience: float | None) -> list[cp_model.CpSolverStatus]:
        """Run several CP-SAT searches at once, each in its thread (CP-SAT lets go of Python while it
        searches); each stops once its stage value has not improved for ``patience`` seconds."""
        if self.interrupted:
            return [cp_model.UNKNOWN] * len(searches)
        checks: list[Callable[[], bool]] = [partial(out_of_patience, watch, patience) for _, _, watch in searches]
        return self._in_threads(searches, checks)

    def _in_threads(self, searches: Sequence[tuple[cp_model.CpSolver, cp_model.CpModel, Reporter]],
                    enough: list[Callable[[], bool]]) -> list[cp_model.CpSolverStatus]:
        """Each search's status. The searches run in threads while this one waits, stopping a search
        once its ``enough`` says so, and every search on Ctrl-C."""
        statuses = [cp_model.UNKNOWN] * len(searches)
        finished = [threading.Event() for _ in searches]

        def work(at: int) -> None:
            solver, model, reporter = searches[at]
            try:
                statuses[at] = solver.solve(model, reporter) if reporter else solver.solve(model)
            finally:
                finished[at].set()

        threads = [threading.Thread(target=work, args=(at,), name="cp-sat", daemon=True)
                   for at in range(len(searches))]
        for thread in threads:
            thread.start()
        stopped = [False] * len(searches)
        # Wait on events, not Thread.join: an interrupted join can leave is_alive() wrong (CPython < 3.12).
        while not all(done.is_set() for done in finished):
            try:
                next(done for done in finished if not done.is_set()).wait(0.2)
            except KeyboardInterrupt:
                logger.warning("interrupted: stopping the search and keeping the best roster found")
                self.interrupted = True
                for solver, _, _ in searches:
                    solver.stop_search()
            for at, (solver, _, _) in enumerate(searches):
                if not stopped[at] and not finished[at].is_set() and enough[at]():
                    stopped[at] = True
                    solver.stop_search()
        for thread in threads:
            thread.join()
        return statuses

    def search(
        self,
        budget: Budget,
        reporter: FoundWatch,
        *,
        limit: float | None = None,
        neighbourhood: bool = False,
    ) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
        """Search the whole model within ``limit`` (default: what ``budget`` has left), from the hint;
        a solution found becomes the incumbent. Returns (status, solver). A
        ``neighbourhood`` search (most decisions held) runs as the settings say for such steps."""
        solver = self.parameters(budget.left() if limit is None else limit)
        if neighbourhood:
            self._for_a_neighbourhood(solver)
        status = self.run(solver, reporter)
        budget.charge(solver.response_proto.deterministic_time)
        if status in FOUND:
            self._keep(solver)
        return status, solver

    def search_small(self, small: StepModel, budget: Budget, reporter: FoundWatch, *,
                     limit: float) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
        """Search a neighbourhood's own model (:mod:`scheduler.search.submodel`) within ``limit``; a
        solution found, every other variable at its incumbent value, becomes the incumbent."""
        solver = self.parameters(limit)
        self._for_a_neighbourhood(solver)
        reporter.restart(self.scales.get(next(reversed(self.stages)), 1))
        status = self.run(solver, reporter, model=small.model, patience=self._patience())
        budget.charge(solver.response_proto.deterministic_time)
        if status in FOUND and self.solution is not None:
            self.keep_step(list(self.solution), small, solver)
        return status, solver

    def search_small_together(self, smalls: list[StepModel], budget: Budget, *,
                              limit: float) -> list[tuple[cp_model.CpSolverStatus, cp_model.CpSolver]]:
        """Search several neighbourhoods' own models at once from the same incumbent, one CP-SAT worker
        each, within ``limit``; nothing is kept (the solutions are merged by the caller)."""
        scale = self.scales.get(next(reversed(self.stages)), 1)
        searches = []
        for small in smalls:
            solver = self.parameters(limit)
            self._for_a_neighbourhood(solver, beside_others=True)
            watch = FoundWatch()
            watch.restart(scale)
            searches.append((solver, small.model, watch))
        statuses = self.run_together(searches, self._patience())
        for solver, _, _ in searches:
            budget.charge(solver.response_proto.deterministic_time)
        return [(status, solver) for status, (solver, _, _) in zip(statuses, searches, strict=True)]

    def _patience(self) -> float | None:
        """How long a step may go on without improving its stage (None: to its limit; a repeatable
        solve never stops on the clock)."""
        patience = self.settings.lns_patience
        return None if self.options.deterministic or not patience else patience

    def _for_a_neighbourhood(self, solver: cp_model.CpSolver, *, beside_others: bool = False) -> None:
        """Set ``solver`` up for a neighbourhood step (most decisions held), as the settings say; a step
        ``beside_others`` (steps at once) gets one worker keeping every constraint in its LP, as the
        solve's own second worker does (with CP-SAT's default LP a district's steps gained far less)."""
        parameters = solver.parameters
        parameters.num_workers = 1 if beside_others else self.settings.lns_workers or max(self.options.workers, 1)
        parameters.cp_model_presolve = self.settings.lns_presolve
        if parameters.num_workers == 1:
            parameters.subsolvers.clear()
        if beside_others:
            parameters.linearization_level = 2

    def search_copy(self, model: cp_model.CpModel, budget: Budget) -> cp_model.CpSolverStatus:
        """Search ``model``, a copy of the roster model with constraints of its own (its variables are
        the roster model's, so a solution of it is a solution of the roster model), within ``budget``,
        from the incumbent or the built duties; a solution found becomes the incumbent."""
        self.hint(model)
        solver = self.parameters(budget.left())
        status = self.run(solver, model=model)
        budget.charge(solver.response_proto.deterministic_time)
        if status in FOUND:
            self._keep(solver)
        return status

    def solve_side_model(self, model: cp_model.CpModel, budget: Budget) -> cp_model.CpSolver | None:
        """Solve a small side model (one cadre's) within ``budget``: the solver if it found a solution.

        In seconds, a search that has found nothing when its budget runs out may go on up to
        ``side_model_overrun`` times as long, and stops at its first solution then.
        """
        deterministic = self.options.deterministic
        limit = budget.left()
        overrun = limit if limit is None or deterministic else limit * self.settings.side_model_overrun
        solver = self.parameters(overrun)
        status = self.run(solver, FoundWatch(), model=model, enough_after=None if deterministic else limit)
        budget.charge(solver.response_proto.deterministic_time)
        return solver if status in FOUND else None

    def solve_fixed(self, keep: list[int] | None, budget: Budget, *, keep_on_failure: bool = True) -> None:
        """Search the current stage with the variables ``keep`` (indices; all of the incumbent when
        None) fixed to their values in the incumbent.

        With every variable of the incumbent fixed, CP-SAT only fills in the auxiliaries a new stage
        added: the stage starts from a complete, feasible hint and its value for the kept roster is
        known even if its own search finds nothing better in time. With only the duties fixed, the
        standby stage is a small problem whose presolve and search are fast. With ``keep_on_failure``
        false, the incumbent is only a candidate and is dropped when no solution extends it.
        """
        if self.solution is None:
            return
        if keep is None and self._fixed_on_a_step_model({}, budget) is not None:
            return  # the new stage's variables completed on a model of their own
        fixed = range(len(self.solution)) if keep is None else keep
        proto = self.roster_model.cp.proto
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(fixed)
        proto.solution_hint.values.extend(self.solution[index] for index in fixed)
        solver = self.parameters(budget.left())
        solver.parameters.fix_variables_to_their_hinted_value = True
        started = time.monotonic()
        status = self.run(solver)
        self.fixed_seconds = time.monotonic() - started
        budget.charge(solver.response_proto.deterministic_time)
        if status in FOUND:
            self._keep(solver)
        else:
            logger.info("no solution with the kept values fixed (%s)", solver.status_name(status))
            if not keep_on_failure:
                self.solution = None

    def _fixed_on_a_step_model(self, changed: dict[int, int], budget: Budget) -> bool | None:
        """Complete the incumbent, with the decisions ``changed`` (index: new value) changed and every
        decision fixed, on a model of its own (:mod:`scheduler.search.submodel`): only the auxiliary
        variables that the changes and the variables a stage added since reach are searched; every
        other value stays the incumbent's, which already satisfies every constraint they alone read.
        Whether it found a solution (it becomes the incumbent; on failure the incumbent is kept), or
        None where that does not apply (a model searched whole, or no constraint index) and the whole
        model must do it."""
        if self.solution is None or not self.by_neighbourhoods or not self.settings.lns_step_models:
            return None
        index = self.constraint_index()
        if index is None:
            return None
        if not changed and len(self.solution) == index.variable_count:
            return True
        completed = self._completed(index, changed, budget)
        if completed is None:
            return False
        self.keep_step(*completed)
        return True

    def merge_step(self, changed: dict[int, int], budget: Budget, better_than: float) -> float | None:
        """Change the incumbent's decisions ``changed`` (a neighbourhood's solution found beside another
        one, already kept) and complete it on a model of its own, keeping it where its objective is
        below ``better_than``: that objective, or None (the incumbent is kept as it was)."""
        index = self.constraint_index()
        if index is None or self.solution is None:
            return None
        completed = self._completed(index, changed, budget)
        if completed is None or completed[2].objective_value >= better_than:
            return None
        self.keep_step(*completed)
        return float(completed[2].objective_value)

    def _completed(self, index: ConstraintIndex, changed: dict[int, int],
                   budget: Budget) -> tuple[list[int], StepModel, cp_model.CpSolver] | None:
        """The incumbent with ``changed`` fixed, and the model and solver that completed it (None: no
        solution in time, or none with those values)."""
        assert self.solution is not None
        added = range(len(self.solution), index.variable_count)  # a new stage's variables: no value yet
        incumbent = [*self.solution, *([0] * len(added))]
        for variable, value in changed.items():
            incumbent[variable] = value
        seeds = [*changed, *added]
        small = index.step_model(self.roster_model.cp, seeds, incumbent,
                                 {variable: [value, value] for variable, value in changed.items()})
        solver = self.parameters(budget.left())
        self._for_a_neighbourhood(solver)
        status = self.run(solver, model=small.model)
        budget.charge(solver.response_proto.deterministic_time)
        logger.debug("completion on its own model: %d constraints, %d fixed, %s in %.2f s (limit %s)",
                     len(small.model.proto.constraints), len(changed), solver.status_name(status),
                     solver.wall_time, budget.left())
        if status not in FOUND:
            logger.info("no solution with the decisions fixed, on their own model (%s)", solver.status_name(status))
            return None
        return incumbent, small, solver

    def _keep(self, solver: cp_model.CpSolver) -> None:
        self.solution = list(solver.response_proto.solution)
        self.values = {name: _evaluate(solver, built) for name, built in self.exprs.items()}

    def keep_step(self, base: list[int], small: StepModel, solver: cp_model.CpSolver) -> None:
        """Keep ``base`` (a value for every variable) with the step model's solution written over it."""
        for variable, value in zip(small.variables.tolist(), solver.response_proto.solution, strict=True):
            base[variable] = value
        self.solution = base
        self.values = {name: _value_in(base, built) for name, built in self.exprs.items()}

    # -- the stage and the incumbent ----------------------------------------
    def begin(self, stage: ObjectiveStage, expr: Expr, tie_break: tuple[int, Expr] | None = None) -> None:
        """Make ``stage``, with the objective ``expr``, the stage being solved. With ``tie_break``
        (scale, next) the search minimises ``scale * expr + next``: where ``scale`` exceeds the most
        ``next`` can be, the order of the stages is kept, and rosters of equal ``expr`` are told
        apart by the next stage instead of at random."""
        scale, after = tie_break if tie_break is not None else (1, 0)
        self.roster_model.cp.minimize(scale * expr + after if tie_break is not None else expr)
        self.scales[stage.name] = scale
        self.tie_breaks[stage.name] = tie_break
        self.exprs[stage.name] = expr
        self.stages[stage.name] = stage
        self.stage_started = time.monotonic()

    def stage_bound(self, stage: ObjectiveStage, solver: cp_model.CpSolver) -> int:
        """A bound on the stage's own objective from a search's bound on what it minimised."""
        return scaled_down(integral_bound(solver.best_objective_bound), self.scales.get(stage.name, 1))

    def reporter(self, stage: ObjectiveStage) -> FoundWatch:
        """A callback for the stage's searches: live progress when asked for, else a found watch."""
        if self.options.progress:
            return ProgressReporter(stage, self.options.progress, self.stage_started, self.scales.get(stage.name, 1))
        return FoundWatch()

    def accept(self, duties: list[DutyKey], budget: Budget, standby: list[StandbyKey] | None = None,
               *, on_its_own: bool = True) -> bool:
        """Take built duties (and standby, when given) as the hint and, once the whole model accepts
        them with those variables fixed (only the auxiliary variables are searched), as the incumbent.
        Where every decision is given and ``on_its_own``, only a model of the changes is solved.
        Whether it was accepted."""
        self.guide(duties, standby)
        assert self.partial_hint is not None
        if self.solution is not None and standby is not None and on_its_own:  # only changes count
            solution = self.solution
            changed = {index: value for index, value in zip(*self.partial_hint, strict=True)
                       if index >= len(solution) or solution[index] != value}
            accepted = self._fixed_on_a_step_model(changed, budget)
            if accepted is not None:
                if accepted:
                    logger.info("the changed roster's own model accepts it: %s", self.described(self.values))
                return accepted
        self.solution = [0] * len(self.roster_model.cp.proto.variables)
        for index, value in zip(*self.partial_hint, strict=True):
            self.solution[index] = value
        self.solve_fixed(self.partial_hint[0], budget, keep_on_failure=False)
        if self.solution is not None:
            logger.info("the whole model accepts the built roster: %s", self.described(self.values))
        return self.solution is not None

    def search_alone(self, stage: ObjectiveStage, budget: Budget, limit: float) -> None:
        """Search ``stage``'s own objective, without its tie-break, for at most ``limit``; the objective
        with the tie-break is put back after. Its bound is kept in ``proven[stage]``; where it proves
        the incumbent's value, the stage is held at it. Nothing where the stage has no tie-break."""
        tie_break = self.tie_breaks.get(stage.name)
        if tie_break is None:
            return
        expr = self.exprs[stage.name]
        scale, after = tie_break
        self.roster_model.cp.minimize(expr)
        self.scales[stage.name] = 1
        try:
            status, solver = self.search(budget, self.reporter(stage), limit=limit)
        finally:
            self.roster_model.cp.minimize(scale * expr + after)
            self.scales[stage.name] = scale
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return
        # the bound of a search of the stage alone is the stage's bound, whatever the search after
        bound = integral_bound(solver.best_objective_bound)
        self.prove(stage.name, bound)
        value = self.values.get(stage.name)
        if status == cp_model.OPTIMAL and value is not None and value <= bound:
            self.roster_model.cp.add(expr <= value)

    def prove(self, stage_name: str, bound: int) -> None:
        """Keep ``bound`` (the stage's integer units) as proven for the stage, the largest one known."""
        self.proven[stage_name] = max(self.proven.get(stage_name, bound), bound)

    def floor(self, stage_name: str) -> int:
        """The least value the stage can have: its largest proven bound, and 0 (no part is below 0)."""
        return max(self.proven.get(stage_name, 0), 0)

    def at_floor(self, stage_name: str) -> bool:
        """Whether the incumbent's value of the stage is at its floor: nothing can be better."""
        value = self.values.get(stage_name)
        return self.solution is not None and value is not None and value <= self.floor(stage_name)

    def value_incumbent(self) -> bool:
        """Give every begun stage its value in the incumbent itself, where the incumbent sets every
        variable of the model: a stage whose part was built as the previous stage's tie-break adds
        nothing to the model, so the roster needs no pass to be completed for it (on the largest
        models such a pass takes seconds). Whether it could."""
        solution = self.solution
        if solution is None or len(solution) != len(self.roster_model.cp.proto.variables):
            return False
        self.values = {name: _value_in(solution, expr) for name, expr in self.exprs.items()}
        return True

    def keep_earlier_stages(self) -> None:
        """Hold the stages before the current one at the incumbent's values where it improved them
        (a later stage's search must not trade those gains away)."""
        current = next(reversed(self.stages))
        for name, expr in self.exprs.items():
            if name == current:
                break
            if self.values[name] < self.held_at.get(name, self.values[name] + 1):
                self.roster_model.cp.add(expr <= self.values[name])
                self.held_at[name] = self.values[name]

    def incumbent_keys(self) -> tuple[list[DutyKey], list[StandbyKey]]:
        """The incumbent's duties and standby by the model's keys."""
        assert self.solution is not None
        return self.roster_model.vars.keys_set_in(self.solution)

    def guide(self, duties: list[DutyKey], standby: list[StandbyKey] | None = None) -> None:
        """Take built duties (and standby) as the hint of the next search, without making them the incumbent."""
        variables = self.roster_model.vars
        chosen = {variables.duties[key].index for key in duties}
        indices = [variable.index for variable in variables.duties.values()]
        if standby is not None:
            chosen.update(variables.standbys[key].index for key in standby)
            indices.extend(variable.index for variable in variables.standbys.values())
        self.partial_hint = (indices, [1 if index in chosen else 0 for index in indices])

    def hint(self, model: cp_model.CpModel | None = None) -> None:
        """Hint the incumbent (or the built duties) to the next search (of ``model``, a copy of the
        roster model, when given)."""
        proto = (self.roster_model.cp if model is None else model).proto
        proto.clear_solution_hint()
        hint = proto.solution_hint
        if self.solution is not None:
            hint.vars.extend(range(len(self.solution)))
            hint.values.extend(self.solution)
        elif self.partial_hint is not None:
            hint.vars.extend(self.partial_hint[0])
            hint.values.extend(self.partial_hint[1])

    def report_kept(self) -> None:
        """Show the incumbent in the live progress, as a search shows its solutions (its bound 0: no
        search has bounded the stage yet, and every part is >= 0)."""
        if self.options.progress is None or self.solution is None or not self.stages:
            return
        stage = next(reversed(self.stages.values()))  # the stage being solved
        value = self.values[stage.name] / stage.divisor
        self.options.progress(Progress(stage.name, value, 0.0, time.monotonic() - self.stage_started))

    def ranking(self, values: dict[str, int]) -> tuple[int, ...]:
        """Stage values in stage order, for comparing two rosters of the current stage."""
        return tuple(values.get(name, 0) for name in self.exprs)

    def described(self, values: dict[str, int]) -> str:
        """Stage values in reported units, for the log: 'weighted 1506'."""
        return ", ".join(f"{name} {value / self.stages[name].divisor:g}" for name, value in values.items())

    def unless_interrupted(self, doing: str, work: Callable[[], Built]) -> Built | None:
        """``work()``, or None when Ctrl-C comes while it runs (outside CP-SAT: a cadre's model being built)."""
        try:
            return work()
        except KeyboardInterrupt:
            logger.warning("interrupted while %s", doing)
            self.interrupted = True
            return None
