"""A neighbourhood's own small CP-SAT model: only the constraints its free variables reach.

A step of the neighbourhood search on the whole model pays CP-SAT's loading
and presolve of every constraint, however few variables it frees: on a
generated 606-cadre district (520,000 constraints) 1.2 s of a 1.7 s step
that freed 2,400 variables, and 2.4 s for a pass with everything fixed
(BENCHMARKS.md, nineteenth session). So a step is solved on a model of its
own:

- the variables free in the step are the neighbourhood's decisions and every
  auxiliary variable (indicators, shortfalls, loads, the objective's parts)
  reached from them through shared constraints; every other variable keeps
  its incumbent value;
- a constraint none of whose variables is free holds in the incumbent and
  is left out; the others are copied, everything renumbered: a held
  variable becomes a constant in a linear constraint, and a variable fixed
  at its incumbent value in the small boolean ones;
- the objective is the whole model's, its held terms added to its offset.

So a solution of the small model, with every other variable at its
incumbent value, is a solution of the whole model, and its objective is the
whole model's. The index of which constraint reads which variable is built
once per model state (a stage adds constraints) with numpy; a constraint
kind it does not know (none in the roster model today) makes it decline,
and the step runs on the whole model as before.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from dataclasses import dataclass

import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

logger = logging.getLogger(__name__)

# Constraint kinds whose variables are lists of literals, and those read as linear expressions.
LITERAL_KINDS = ("bool_or", "bool_and", "at_most_one", "exactly_one", "bool_xor")
EXPRESSION_KINDS = ("lin_max", "int_prod", "int_div", "int_mod")


@dataclass
class StepModel:
    """A step's own model, and which of the whole model's variables its variables are."""

    model: cp_model.CpModel
    variables: np.ndarray  # the whole model's index of each small-model variable, in order
    free: np.ndarray  # the whole model's indices of the variables free in the step
    hinted_objective: float  # the whole model's objective at the incumbent the step starts from


class ConstraintIndex:
    """Which variables each constraint of a model reads, and which constraints each variable is in."""

    reads: np.ndarray  # the variables each constraint reads, one constraint after the other
    starts: np.ndarray  # where each constraint's variables begin in ``reads`` (one more: the end)
    linear: np.ndarray  # whether each constraint is linear
    known: bool  # every constraint is of a kind indexed

    def __init__(self, model: cp_model.CpModel, decisions: list[int], earlier: ConstraintIndex | None = None) -> None:
        """Index ``model``; the constraints ``earlier`` (an index of the same model before a stage added
        to it) indexed already are not read again."""
        started = time.monotonic()
        self.parsed = _parsed(model)
        self.constraint_count = len(self.parsed.constraints)
        self.variable_count = len(self.parsed.variables)
        if earlier is not None and not (earlier.known and earlier.constraint_count <= self.constraint_count):
            earlier = None
        first = 0 if earlier is None else earlier.constraint_count
        entries: list[int] = []  # the new constraints' literals and variables, one after the other
        counts: list[int] = []
        kinds = [constraint.WhichOneof("constraint") for constraint in self.parsed.constraints[first:]]
        self.known = True
        for constraint, kind in zip(self.parsed.constraints[first:], kinds, strict=True):
            before = len(entries)
            entries.extend(constraint.enforcement_literal)
            if not _read_into(entries, constraint, kind):
                self.known = False
                logger.info("neighbourhood models: a %s constraint is not indexed; steps use the whole model", kind)
                return
            counts.append(len(entries) - before)
        signed = np.asarray(entries, dtype=np.int64)
        reads = np.where(signed >= 0, signed, -signed - 1)  # a negated literal reads its variable
        linear = np.fromiter((kind == "linear" for kind in kinds), dtype=bool, count=len(kinds))
        lengths = np.asarray(counts, dtype=np.int64)
        if earlier is not None:
            reads = np.concatenate((earlier.reads, reads))
            linear = np.concatenate((earlier.linear, linear))
            lengths = np.concatenate((np.diff(earlier.starts), lengths))
        self.reads, self.linear = reads, linear
        self.starts = np.concatenate(([0], np.cumsum(lengths)))
        owners = np.repeat(np.arange(self.constraint_count, dtype=np.int64), lengths)
        order = np.argsort(self.reads, kind="stable")
        self.in_constraints = owners[order]  # constraints by variable
        self.in_starts = np.searchsorted(self.reads[order], np.arange(self.variable_count + 1))
        self.auxiliary = np.ones(self.variable_count, dtype=bool)
        self.auxiliary[decisions] = False
        logger.info("neighbourhood models: %d constraints (%d new) indexed in %.2f s", self.constraint_count,
                    self.constraint_count - first, time.monotonic() - started)

    def current(self, model: cp_model.CpModel) -> bool:
        """Whether the index still describes ``model`` (a stage adds variables and constraints; the
        objective is read afresh for every step)."""
        proto = model.proto
        return len(proto.constraints) == self.constraint_count and len(proto.variables) == self.variable_count

    def step_model(self, model: cp_model.CpModel, free_decisions: list[int], solution: list[int],
                      domains: dict[int, list[int]]) -> StepModel:
        """The small model of a step freeing ``free_decisions`` (with their own ``domains``) from the
        incumbent ``solution``, hinted at it."""
        free, kept = self._reached(np.asarray(free_decisions, dtype=np.int64))
        constraints = np.flatnonzero(kept)
        # held variables are constants in linear constraints and the objective; elsewhere (small
        # boolean constraints) they stay, fixed at their incumbent values
        others = constraints[~self.linear[constraints]]
        used = free.copy()
        used[_gather(self.reads, self.starts, others)] = True
        variables = np.flatnonzero(used)
        renumbered = np.full(self.variable_count, -1, dtype=np.int64)
        renumbered[variables] = np.arange(variables.size)
        small = cp_model.CpModel()
        proto = small.proto
        whole_variables = model.proto.variables
        for index, is_free in zip(variables.tolist(), free[variables].tolist(), strict=True):
            variable = proto.variables.add()
            if not is_free:
                value = solution[index]
                variable.domain.extend((value, value))
            elif index in domains:
                variable.domain.extend(domains[index])
            else:
                variable.domain.extend(whole_variables[index].domain)
        mapping = renumbered.tolist()
        is_free = free.tolist()
        for index in constraints.tolist():
            source = self.parsed.constraints[index]
            if self.linear[index]:
                _copy_linear(source, proto, mapping, is_free, solution)
            else:
                _copy(source, proto.constraints.add(), mapping)
        objective = model.proto.objective  # each stage (and a search of a stage alone) sets its own
        target = proto.objective
        offset = objective.offset
        hinted = 0
        for index, coefficient in zip(list(objective.vars), list(objective.coeffs), strict=True):
            if is_free[index]:
                target.vars.append(mapping[index])
                target.coeffs.append(coefficient)
                hinted += coefficient * solution[index]
            else:
                offset += coefficient * solution[index]
        target.offset = offset
        hinted_objective = hinted + offset
        if objective.scaling_factor:
            target.scaling_factor = objective.scaling_factor
            hinted_objective *= objective.scaling_factor
        free_variables = np.flatnonzero(free)
        proto.solution_hint.vars.extend(renumbered[free_variables].tolist())
        proto.solution_hint.values.extend(solution[index] for index in free_variables.tolist())
        return StepModel(small, variables, free_variables, float(hinted_objective))

    def _reached(self, frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(free variables, kept constraints) as masks: ``frontier`` and every auxiliary variable reached
        from it through constraints, and the constraints that read any of them."""
        free = np.zeros(self.variable_count, dtype=bool)
        kept = np.zeros(self.constraint_count, dtype=bool)
        free[frontier] = True
        while frontier.size:
            touched = _gather(self.in_constraints, self.in_starts, frontier)
            touched = np.unique(touched[~kept[touched]])
            kept[touched] = True
            read = _gather(self.reads, self.starts, touched)
            reached = np.unique(read[self.auxiliary[read] & ~free[read]])
            free[reached] = True
            frontier = reached
        return free, kept


def _parsed(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """The model as a plain protobuf message (read field by field far faster than the solver's own)."""
    handle, path = tempfile.mkstemp(suffix=".pb")
    os.close(handle)
    try:
        model.export_to_file(path)
        parsed = cp_model_pb2.CpModelProto()
        with open(path, "rb") as stream:
            parsed.ParseFromString(stream.read())
        return parsed
    finally:
        os.unlink(path)


def _read_into(entries: list[int], constraint: cp_model_pb2.ConstraintProto, kind: str | None) -> bool:
    """Append the literals and variables ``constraint`` reads to ``entries``; False for a kind not indexed."""
    if kind == "linear":
        entries.extend(constraint.linear.vars)
    elif kind in LITERAL_KINDS:
        entries.extend(getattr(constraint, kind).literals)
    elif kind in EXPRESSION_KINDS:
        argument = getattr(constraint, kind)
        entries.extend(argument.target.vars)
        for expression in argument.exprs:
            entries.extend(expression.vars)
    else:
        return False
    return True


def _gather(values: np.ndarray, starts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``values[starts[row]:starts[row + 1]]`` for every row of ``rows``, concatenated."""
    if rows.size == 0:
        return np.zeros(0, dtype=np.int64)
    lengths = starts[rows + 1] - starts[rows]
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts[rows] - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return values[np.arange(total) + offsets]


def _mapped_literal(literal: int, mapping: list[int]) -> int:
    return mapping[literal] if literal >= 0 else -mapping[-literal - 1] - 1


def _copy(source: cp_model_pb2.ConstraintProto, target: object, mapping: list[int]) -> None:
    """Copy ``source`` into the solver's constraint ``target``, its variables renumbered."""
    if source.enforcement_literal:
        target.enforcement_literal.extend(_mapped_literal(literal, mapping)  # type: ignore[attr-defined]
                                          for literal in source.enforcement_literal)
    kind = source.WhichOneof("constraint")
    assert kind is not None  # an empty constraint is not indexed (_variables_of)
    if kind == "linear":
        linear = target.linear  # type: ignore[attr-defined]
        linear.vars.extend(mapping[index] for index in source.linear.vars)
        linear.coeffs.extend(source.linear.coeffs)
        linear.domain.extend(source.linear.domain)
    elif kind in LITERAL_KINDS:
        getattr(target, kind).literals.extend(_mapped_literal(literal, mapping)
                                              for literal in getattr(source, kind).literals)
    else:  # EXPRESSION_KINDS
        argument, copied = getattr(source, kind), getattr(target, kind)
        _copy_expression(argument.target, copied.target, mapping)
        for expression in argument.exprs:
            _copy_expression(expression, copied.exprs.add(), mapping)


# CP-SAT's bounds for "no bound" in a linear constraint's domain: kept as they are when shifted.
UNBOUNDED = (-(2**63), 2**63 - 1)


def _copy_linear(source: cp_model_pb2.ConstraintProto, proto: object, mapping: list[int], is_free: list[bool],
                 solution: list[int]) -> None:
    """Copy the linear ``source`` into the solver's model ``proto``, its held variables as constants; left
    out where nothing in it is free any more (the incumbent satisfies it)."""
    enforcement = []
    for literal in source.enforcement_literal:
        index = literal if literal >= 0 else -literal - 1
        if is_free[index]:
            enforcement.append(_mapped_literal(literal, mapping))
        elif (solution[index] == 1) != (literal >= 0):
            return  # enforced by a literal held false: it does not apply
    variables, coefficients, constant = [], [], 0
    for index, coefficient in zip(source.linear.vars, source.linear.coeffs, strict=True):
        if is_free[index]:
            variables.append(mapping[index])
            coefficients.append(coefficient)
        else:
            constant += coefficient * solution[index]
    if not variables:
        domain = source.linear.domain
        holds = any(domain[at] <= constant <= domain[at + 1] for at in range(0, len(domain), 2))
        if holds or not enforcement:
            return  # satisfied as held (an unenforced one always is: the incumbent satisfies it)
        target = proto.constraints.add()  # type: ignore[attr-defined]
        target.bool_or.literals.extend(-literal - 1 for literal in enforcement)
        return
    target = proto.constraints.add()  # type: ignore[attr-defined]
    target.enforcement_literal.extend(enforcement)
    target.linear.vars.extend(variables)
    target.linear.coeffs.extend(coefficients)
    target.linear.domain.extend(bound if bound in UNBOUNDED else bound - constant for bound in source.linear.domain)


def _copy_expression(source: cp_model_pb2.LinearExpressionProto, target: object, mapping: list[int]) -> None:
    target.vars.extend(mapping[index] for index in source.vars)  # type: ignore[attr-defined]
    target.coeffs.extend(source.coeffs)  # type: ignore[attr-defined]
    target.offset = source.offset  # type: ignore[attr-defined]


__all__ = ["ConstraintIndex", "StepModel"]
