"""The master LP of the column generation: GLOP over the cadres' columns and the demand cells."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from scheduler.model.roster_model import RosterModel
from scheduler.search.columns.pricer import Priced
from scheduler.search.columns.problems import OFF, Column
from scheduler.search.settings import SETTINGS

logger = logging.getLogger(__name__)


class MasterFailed(RuntimeError):
    """GLOP gave no optimal solution of the master LP: the duals cannot be trusted."""


@dataclass
class MasterLP:
    """The master LP, kept in one GLOP model that grows column by column."""

    roster_model: RosterModel
    solver: pywraplp.Solver = field(init=False)
    cell_rows: dict[tuple[int, str, str], list[pywraplp.Constraint]] = field(init=False, default_factory=dict)
    convexity: dict[str, pywraplp.Constraint] = field(init=False, default_factory=dict)
    columns: dict[str, list[tuple[Priced, pywraplp.Variable]]] = field(init=False, default_factory=dict)
    held: dict[str, set[tuple[Column, tuple[str | None, ...]]]] = field(init=False, default_factory=dict)
    settings: str = ""  # GLOP's
    retry_settings: str = SETTINGS.retry_lp_settings  # GLOP's, solving again after an ABNORMAL end

    def __post_init__(self) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("GLOP is not available in this OR-Tools build")
        self.solver = solver
        solver.SetSolverSpecificParametersAsString(self.settings)
        objective = solver.Objective()
        objective.SetMinimization()
        instance = self.roster_model.instance
        weights = instance.objective.weights
        target_weight, coverage_weight = weights.get("target", 0), weights.get("coverage", 0)
        risk_weights = instance.objective.risk_weights
        calendar = self.roster_model.calendar
        infinity = solver.infinity()
        for (checkpoint, day, shift), rule in calendar.demand.items():
            label = f"{checkpoint},{day},{shift}"
            # the duties in the cell, plus under, less over, make the target
            row = solver.Constraint(rule.target, rule.target, f"cell[{label}]")
            under = solver.NumVar(0, infinity, f"under[{label}]")
            over = solver.NumVar(0, infinity, f"over[{label}]")
            row.SetCoefficient(under, 1)
            row.SetCoefficient(over, -1)
            objective.SetCoefficient(under, target_weight * rule.under_weight)
            objective.SetCoefficient(over, target_weight * rule.over_weight)
            rows = [row]
            if coverage_weight and rule.min > 0:  # the duties plus missing make the minimum
                minimum = solver.Constraint(rule.min, infinity, f"minimum[{label}]")
                missing = solver.NumVar(0, infinity, f"missing[{label}]")
                minimum.SetCoefficient(missing, 1)
                risk = getattr(risk_weights, calendar.checkpoints[checkpoint].risk)
                objective.SetCoefficient(missing, coverage_weight * risk)
                rows.append(minimum)
            self.cell_rows[(day, shift, checkpoint)] = rows
        for cadre in instance.cadres:
            self.convexity[cadre.id] = solver.Constraint(1, 1, f"one_roster[{cadre.id}]")
            self.columns[cadre.id] = []
            self.held[cadre.id] = set()

    def add(self, cadre: str, priced: Priced) -> bool:
        """Add the column unless the cadre has it already (False then). Duals a hair off (as an LP
        solved within GLOP's tolerances may give) can price out a column already held: adding it again
        and again would never end the generation."""
        key = (priced.days, priced.checkpoints)
        if key in self.held[cadre]:
            return False
        self.held[cadre].add(key)
        variable = self.solver.NumVar(0, self.solver.infinity(), f"roster[{cadre},{len(self.columns[cadre])}]")
        self.solver.Objective().SetCoefficient(variable, priced.cost)
        self.convexity[cadre].SetCoefficient(variable, 1)
        for day, (shift, checkpoint) in enumerate(zip(priced.days, priced.checkpoints, strict=True)):
            if shift is not OFF and checkpoint is not None:
                for row in self.cell_rows.get((day, shift, checkpoint), []):
                    row.SetCoefficient(variable, 1)
        self.columns[cadre].append((priced, variable))
        return True

    def solve(self) -> float:
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            # GLOP now and then ends ABNORMAL on a re-solve (seen in dives of 120-180 cadres over
            # 4-26 weeks); solved again without presolve, it ended OPTIMAL (BENCHMARKS.md)
            logger.info("column generation: GLOP ended with status %d; solving again otherwise", status)
            self.solver.SetSolverSpecificParametersAsString(self.retry_settings)
            status = self.solver.Solve()
            self.solver.SetSolverSpecificParametersAsString(self.settings)
        if status != pywraplp.Solver.OPTIMAL:
            raise MasterFailed(f"GLOP did not solve the master LP to optimality (status {status})")
        return float(self.solver.Objective().Value())

    def duals(self) -> dict[tuple[int, str, str], float]:
        """The worth of a duty in each cell, for the pricing: read before the model changes."""
        return {cell: sum(row.dual_value() for row in rows) for cell, rows in self.cell_rows.items()}

    def fix(self, cadre: str, chosen: int) -> None:
        for position, (_, variable) in enumerate(self.columns[cadre]):
            value = 1 if position == chosen else 0
            variable.SetBounds(value, value)

    def largest(self, cadres: Sequence[str]) -> list[tuple[float, str, int]]:
        """(LP value, cadre, column position) of each cadre's column of largest value, the largest first."""
        return sorted(
            (
                max((variable.solution_value(), cadre, position) for position, (_, variable) in enumerate(columns))
                for cadre in cadres
                if (columns := self.columns[cadre])
            ),
            reverse=True,
        )

