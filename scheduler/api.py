"""The Python API for notebooks: load an instance, solve it, check the roster, read it as tables.

Everything here goes through the same code as the ``schedule`` command: the
solve composes the roster file of DESIGN.md section 4 (every figure
recomputed by the independent checker) and refuses a roster the checker
rejects; the tables are read off that roster.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from models.instance import Instance
from models.loading import load_instance as _load_instance
from models.loading import parse_instance as _parse_instance
from models.roster import Roster
from scheduler.checker import CheckReport
from scheduler.checker import check as _check
from scheduler.files import sha256_of, write_atomic
from scheduler.search.options import SolveOptions


def load_instance(path: str | Path) -> Instance:
    """Read and validate an instance file; raises ``models.loading.InputError`` listing every problem
    with its JSON path."""
    return _load_instance(Path(path))


def parse_instance(data: dict[str, Any]) -> Instance:
    """Validate an instance given as a dict (as parsed from JSON); raises ``InputError`` like
    :func:`load_instance`."""
    return _parse_instance(data)


def solve(
    instance: Instance | str | Path,
    *,
    time_limit: float | None = 60.0,
    workers: int = 2,
    seed: int = 0,
    deterministic: bool = False,
    options: SolveOptions | None = None,
) -> Roster:
    """Solve ``instance`` (an Instance, or a path to an instance file) and return the checked roster.

    ``options`` (a :class:`SolveOptions`) replaces the keyword settings when given. The roster's
    ``instance_sha256`` is the file's digest for a path, else the digest of the instance's JSON.
    """
    from scheduler.compose.roster import compose_roster
    from scheduler.solver import solve as run_solver

    if isinstance(instance, (str, Path)):
        digest = sha256_of(Path(instance))
        instance = load_instance(instance)
    else:
        digest = hashlib.sha256(instance.model_dump_json().encode("utf-8")).hexdigest()
    options = options or SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    return compose_roster(instance, digest, run_solver(instance, options), options)


def check(instance: Instance, roster: Roster) -> CheckReport:
    """The independent checker's verdict: ``.ok``, ``.violations``, ``.mismatches``, ``.lines()``."""
    return _check(instance, roster)


def write_roster(roster: Roster, path: str | Path) -> None:
    """Write the roster file atomically (as ``schedule solve -o`` does)."""
    write_atomic(Path(path), roster.model_dump_json(indent=2) + "\n")


def assignments_frame(roster: Roster) -> pd.DataFrame:
    """One row per duty: cadre, date, shift, checkpoint."""
    columns = ["cadre", "date", "shift", "checkpoint"]
    return pd.DataFrame([item.model_dump() for item in roster.assignments], columns=columns)


def standby_frame(roster: Roster) -> pd.DataFrame:
    """One row per standby shift: cadre, date, shift, community."""
    columns = ["cadre", "date", "shift", "community"]
    return pd.DataFrame([item.model_dump() for item in roster.standby], columns=columns)


def shortfalls_frame(roster: Roster) -> pd.DataFrame:
    """One row per checkpoint, date and shift whose minimum or skills are not met, with the reason."""
    columns = ["checkpoint", "date", "shift", "min", "target", "assigned", "skills_missing", "reason"]
    return pd.DataFrame([item.model_dump() for item in roster.shortfalls], columns=columns)


def cadre_metrics_frame(roster: Roster) -> pd.DataFrame:
    """One row per cadre (indexed by cadre id): group, unit, duty shifts and hours, nights, weekends,
    high-risk and standby shifts, days off, longest streak, available days and load."""
    per_cadre = roster.metrics.get("cadres", {})
    frame = pd.DataFrame.from_dict(per_cadre, orient="index")
    frame.index.name = "cadre"
    return frame
