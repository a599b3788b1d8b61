"""Importers of public rostering benchmarks into the ``instance.json`` format (DESIGN.md section 3)."""

from scheduler.importers.curtois import (
    CurtoisCover,
    CurtoisData,
    CurtoisFormatError,
    CurtoisRequest,
    CurtoisShift,
    CurtoisStaff,
    CurtoisViolation,
    curtois_objective,
    curtois_objective_parts,
    curtois_violations,
    parse_curtois,
    roster_from_assignments,
    to_instance,
)

__all__ = [
    "CurtoisCover",
    "CurtoisData",
    "CurtoisFormatError",
    "CurtoisRequest",
    "CurtoisShift",
    "CurtoisStaff",
    "CurtoisViolation",
    "curtois_objective",
    "curtois_objective_parts",
    "curtois_violations",
    "parse_curtois",
    "roster_from_assignments",
    "to_instance",
]
