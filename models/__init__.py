"""The data contract of ``schedule``: instance and roster files (pydantic, no solver code)."""

from models.instance import Cadre, Checkpoint, DemandRule, Instance, Rules, Shift, Unit
from models.loading import InputError, load_instance, load_roster, parse_instance
from models.references import Issue
from models.roster import Assignment, Roster, StandbyAssignment

__all__ = [
    "Assignment",
    "Cadre",
    "Checkpoint",
    "DemandRule",
    "InputError",
    "Instance",
    "Issue",
    "Roster",
    "Rules",
    "Shift",
    "StandbyAssignment",
    "Unit",
    "load_instance",
    "load_roster",
    "parse_instance",
]
