"""CSV exports: the long format (one row per duty or standby) and the wide views, UTF-8 with a BOM."""

from __future__ import annotations

import io
from typing import Literal

import pandas as pd

from scheduler.exports.safety import neutralise
from scheduler.exports.tables import ExportData, localised

CsvView = Literal["long", "checkpoint", "cadre", "unit", "day"]
CSV_VIEWS: tuple[str, ...] = ("long", "checkpoint", "cadre", "unit", "day")


def view_frame(data: ExportData, view: str) -> pd.DataFrame:
    """The frame of a csv view with headers in the data's language."""
    if view == "long":
        frame = data.long()
    elif view == "checkpoint":
        frame = data.by_checkpoint().frame
    elif view == "cadre":
        frame = data.by_cadre().frame
    elif view == "unit":
        frame = data.by_unit().frame
    elif view == "day":
        frame = data.dispatch_all()
    else:
        raise ValueError(f"unknown csv view {view!r}")
    return localised(frame, data.lang)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV that Excel opens correctly: UTF-8 with a BOM, CRLF line ends, every text cell
    neutralised against formula injection (headers too)."""
    safe = frame.rename(columns={column: neutralise(str(column)) for column in frame.columns})
    safe = safe.map(neutralise) if not safe.empty else safe
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, lineterminator="\r\n")
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def export_csv(data: ExportData, view: str = "long") -> bytes:
    """The bytes of one csv view of the roster."""
    return csv_bytes(view_frame(data, view))
