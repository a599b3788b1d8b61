"""Tiny repair cases built by hand, and one call that repairs and checks.

Default instance: 2024-01-01 (a Monday) for 3 days; shifts D 08:00-16:00 and E 16:00-24:00; community
c1 with checkpoint k1 (low risk: a missing cadre costs 1 in the coverage stage) whose demand is min 1,
target 1, max 1 on every day and shift. No rest rules; the default max_duty_shifts_per_day 1.
``now`` is 2024-01-02T06:00 (day 1) with the default notice of 12 h: D and E of day 1 are inside the
notice window, day 2 is not.
"""

from __future__ import annotations

from typing import Any

from models.changes import Changes
from models.instance import Instance
from models.loading import parse_changes, parse_instance
from models.roster import Assignment, Change, ObjectiveReport, Roster, StandbyAssignment
from scheduler.checker import check
from scheduler.checker.against import check_against
from scheduler.compose.roster import compose_roster
from scheduler.repair.repair import Repair, RepairOptions, repair
from scheduler.solver import SolveOptions

DAYS = ["2024-01-01", "2024-01-02", "2024-01-03"]
NOW = "2024-01-02T06:00"
OLD_SHA = "0" * 64


def instance(cadres: list[str], checkpoints: list[dict[str, Any]] | None = None,
             cadre_fields: dict[str, dict[str, Any]] | None = None, **extra: Any) -> Instance:
    """The default instance with these cadres (all of c1); ``cadre_fields`` adds fields to some of them."""
    fields = cadre_fields or {}
    return parse_instance(
        {
            "name": "repair-test",
            "horizon": {"start": DAYS[0], "days": 3},
            "shifts": [{"id": "D", "start": "08:00", "end": "16:00"}, {"id": "E", "start": "16:00", "end": "00:00"}],
            "communities": [{"id": "c1"}],
            "checkpoints": checkpoints
            or [{"id": "k1", "community": "c1", "risk": "low", "demand": [{"min": 1, "target": 1, "max": 1}]}],
            "cadres": [{"id": cadre_id, "communities": ["c1"], **fields.get(cadre_id, {})} for cadre_id in cadres],
            **extra,
        }
    )


def roster(duties: list[tuple[str, str, str, str]], standby: list[tuple[str, str, str]] = ()) -> Roster:  # type: ignore[assignment]
    """An old roster: duties (cadre, date, shift, checkpoint), standby (cadre, date, shift) for c1."""
    return Roster(
        instance_sha256="x",
        status="feasible",
        objective=ObjectiveReport(total=None),
        assignments=[Assignment(cadre=c, date=d, shift=s, checkpoint=k) for c, d, s, k in duties],  # type: ignore[arg-type]
        standby=[StandbyAssignment(cadre=c, date=d, shift=s, community="c1") for c, d, s in standby],  # type: ignore[arg-type]
    )


def changes(base: Instance, *events: dict[str, Any], **fields: Any) -> Changes:
    return parse_changes({"now": NOW, "events": list(events), **fields}, base)


def repaired_roster(base: Instance, old: Roster, parsed: Changes) -> tuple[Repair, Roster]:
    """Repair, compose the roster file, and assert it passes check and check --against."""
    outcome = repair(base, old, parsed, RepairOptions(time_limit=5, workers=1))
    composed = compose_roster(outcome.updated, "y", outcome.result, SolveOptions(time_limit=5, workers=1))
    written = composed.model_copy(update={"version": 2, "based_on": OLD_SHA, "changes": outcome.changes})
    assert check(outcome.updated, written).lines() == []
    assert check_against(outcome.updated, written, old, OLD_SHA, parsed) == []
    return outcome, written


def cells(changes_list: list[Change]) -> set[tuple[str, str, str, str, str]]:
    """Changes as (cadre, date, shift, before, after) with before/after written short."""
    def short(state: object) -> str:
        if state is None:
            return "-"
        checkpoint = getattr(state, "checkpoint", None)
        return checkpoint if checkpoint is not None else "standby " + state.standby
    return {(c.cadre, c.date.isoformat(), c.shift, short(c.before), short(c.after)) for c in changes_list}
