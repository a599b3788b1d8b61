"""Shared helpers of the export tests."""

from __future__ import annotations

from pathlib import Path

from models.loading import load_instance, load_roster
from scheduler.exports.safety import FORMULA_TRIGGERS
from scheduler.exports.tables import ExportData


def data_for(files: tuple[Path, Path], lang: str = "en") -> ExportData:
    return ExportData(load_instance(files[0]), load_roster(files[1]), lang)


def restore(value: object) -> str:
    """A neutralised cell back to the text it came from."""
    text = "" if value is None else str(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def is_dangerous(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
