"""The Excel workbook: by checkpoint, by cadre, by unit, one dispatch sheet per day, metrics and load."""

from __future__ import annotations

import io
import logging
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.exports.safety import neutralise
from scheduler.exports.tables import (
    DUTY,
    NO_DEMAND,
    OFF,
    OVER,
    SHORT,
    STANDBY,
    TITLE,
    UNIT_HOURS,
    ExportData,
    View,
    localised,
)

logger = logging.getLogger(__name__)

FONT_NAME = "Microsoft YaHei"  # shows Chinese on Windows and falls back cleanly elsewhere
FILLS = {
    SHORT: PatternFill("solid", fgColor="F8C9C4"),
    NO_DEMAND: PatternFill("solid", fgColor="EEEEEE"),
    DUTY: PatternFill("solid", fgColor="DCEBF7"),
    STANDBY: PatternFill("solid", fgColor="FFF2CC"),
    UNIT_HOURS: PatternFill("solid", fgColor="E2EFDA"),
    OFF: PatternFill(fill_type=None),
    OVER: PatternFill("solid", fgColor="F4B183"),
    TITLE: PatternFill("solid", fgColor="F2F2F2"),
}
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
BODY_FONT = Font(name=FONT_NAME)
BOLD_FONT = Font(name=FONT_NAME, bold=True)
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MAX_SHEET_TITLE = 31
PERCENT_KEYS = {"min_coverage", "person_coverage", "skill_coverage", "target_coverage",
                "standby_coverage", "duty_share", "cadre_share"}
PERCENT_FORMAT = "0.0%"


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: wide (CJK) characters count twice."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _cell_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float):
        return round(value, 4)
    return neutralise(value)


def _sheet_title(text: str, taken: set[str]) -> str:
    cleaned = "".join("_" if char in '[]:*?/\\' else char for char in text).strip("'")[:MAX_SHEET_TITLE] or "sheet"
    title, counter = cleaned, 2
    while title.lower() in taken:
        suffix = f" ({counter})"
        title = cleaned[: MAX_SHEET_TITLE - len(suffix)] + suffix
        counter += 1
    taken.add(title.lower())
    return title


class _Book:
    def __init__(self, data: ExportData) -> None:
        self.data = data
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        self.titles: set[str] = set()

    def sheet(self, title: str) -> Worksheet:
        return self.workbook.create_sheet(_sheet_title(title, self.titles))

    def header(self, sheet: Worksheet, row: int, values: list[Any], *, first_column: int = 1) -> None:
        for offset, value in enumerate(values):
            cell = sheet.cell(row=row, column=first_column + offset, value=_cell_value(value))
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER

    def body(self, sheet: Worksheet, first_row: int, frame: pd.DataFrame, flags: dict[tuple[int, int], str],
             keys: int) -> None:
        wrap = Alignment(vertical="top", wrap_text=True)
        for row_position, values in enumerate(frame.itertuples(index=False)):
            for column_position, value in enumerate(values):
                cell = sheet.cell(row=first_row + row_position, column=column_position + 1, value=_cell_value(value))
                cell.font = BOLD_FONT if column_position < keys and column_position == keys - 1 else BODY_FONT
                cell.alignment = wrap
                cell.border = BORDER
                flag = flags.get((row_position, column_position))
                if flag is not None:
                    cell.fill = FILLS[flag]

    def widths(self, sheet: Worksheet, frame: pd.DataFrame, *, minimum: int = 6, maximum: int = 40,
               header_rows: list[list[Any]] | None = None) -> None:
        for position, column in enumerate(frame.columns):
            texts = [str(value) for value in frame.iloc[:, position].tolist() if value is not None]
            longest = max((_display_width(part) for text in texts for part in text.split("\n")), default=0)
            header = max((_display_width(str(row[position])) for row in header_rows or [[column]]
                          if position < len(row) and row[position] is not None), default=0)
            width = min(max(longest, header, minimum) + 2, maximum)
            sheet.column_dimensions[get_column_letter(position + 1)].width = width

    def table(self, sheet: Worksheet, frame: pd.DataFrame, *, first_row: int = 1, keys: int = 1,
              flags: dict[tuple[int, int], str] | None = None, freeze: bool = True) -> int:
        """Write a localised frame with one header row; returns the next free row."""
        shown = localised(frame, self.data.lang)
        self.header(sheet, first_row, list(shown.columns))
        self.body(sheet, first_row + 1, shown, flags or {}, keys)
        for position, column in enumerate(frame.columns):
            if column in PERCENT_KEYS:
                for offset in range(len(frame)):
                    sheet.cell(row=first_row + 1 + offset, column=position + 1).number_format = PERCENT_FORMAT
        if freeze:
            sheet.freeze_panes = sheet.cell(row=first_row + 1, column=keys + 1)
        return first_row + 1 + len(shown)

    def slotted(self, title: str, view: View) -> Worksheet:
        """A wide view with a two-row header (date, then shift) when the slots have shifts."""
        sheet = self.sheet(title)
        frame = localised(view.frame, self.data.lang)
        slots = view.slots or []
        keys = view.keys
        with_shifts = any(shift for _, shift in slots)
        if with_shifts:
            top: list[Any] = list(frame.columns[:keys])
            bottom: list[Any] = [None] * keys
            for day, shift_id in slots:
                top.append(f"{day.isoformat()} {self.data.weekday(day)}")
                bottom.append(self.data.shift_name(shift_id or ""))
            self.header(sheet, 1, top)
            self.header(sheet, 2, bottom)
            for column in range(1, keys + 1):
                sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
            shifts = len(self.data.shift_order)
            if shifts > 1:
                for index in range(len(self.data.dates)):
                    start = keys + 1 + index * shifts
                    sheet.merge_cells(start_row=1, start_column=start, end_row=1, end_column=start + shifts - 1)
            self.body(sheet, 3, frame, view.flags, keys)
            sheet.freeze_panes = sheet.cell(row=3, column=keys + 1)
            self.widths(sheet, frame, maximum=28, header_rows=[[*top[:keys], *bottom[keys:]]])
        else:
            self.header(sheet, 1, list(frame.columns))
            self.body(sheet, 2, frame, view.flags, keys)
            sheet.freeze_panes = sheet.cell(row=2, column=keys + 1)
            self.widths(sheet, frame, maximum=30)
        sheet.sheet_view.zoomScale = 90
        self._print_setup(sheet, repeat_rows="1:2" if with_shifts else "1:1")
        return sheet

    def _print_setup(self, sheet: Worksheet, repeat_rows: str) -> None:
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = repeat_rows
        sheet.print_options.gridLines = False

    def dispatch(self, day: date) -> None:
        data = self.data
        view = data.dispatch(day)
        sheet = self.sheet(day.isoformat())
        title = data.t("dispatch_title", date=day.isoformat(), weekday=data.weekday(day))
        sheet.cell(row=1, column=1, value=neutralise(title)).font = TITLE_FONT
        subtitle = data.instance.name or ""
        if subtitle:
            sheet.cell(row=2, column=1, value=neutralise(subtitle)).font = BODY_FONT
        frame = view.frame if data.has_contacts else view.frame.drop(columns=["contacts"])
        flags = view.flags
        if not data.has_contacts:  # the status column moved one to the left
            flags = {(row, column - 1 if column > 5 else column): flag for (row, column), flag in flags.items()}
        shown = localised(frame, data.lang)
        self.header(sheet, 3, list(shown.columns))
        self.body(sheet, 4, shown, flags, view.keys)
        sheet.freeze_panes = "A4"
        self.widths(sheet, shown, maximum=50)
        sheet.page_setup.orientation = "portrait"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "3:3"
        sheet.oddFooter.center.text = "&P / &N"

    def metrics(self) -> None:
        data = self.data
        sheet = self.sheet(data.t("sheet_metrics"))
        row = 1
        blocks: list[tuple[str, pd.DataFrame]] = [
            (data.t("totals_title"), data.totals()),
            (data.t("fairness_by_group"), data.group_metrics()),
            (data.t("units_title"), data.unit_metrics()),
            (data.t("communities_title"), data.community_metrics()),
        ]
        widest: dict[int, int] = {}
        for title, frame in blocks:
            if frame.empty:
                continue
            sheet.cell(row=row, column=1, value=neutralise(title)).font = TITLE_FONT
            end = self.table(sheet, frame, first_row=row + 1, freeze=False)
            if title == data.t("totals_title"):  # the coverage figures of the totals are shares
                for offset in range(3):
                    sheet.cell(row=row + 2 + offset, column=2).number_format = PERCENT_FORMAT
            row = end + 1
            shown = localised(frame, data.lang)
            for position, column in enumerate(shown.columns):
                values = [str(_cell_value(value)) for value in shown.iloc[:, position].tolist()] + [str(column)]
                widest[position] = max(widest.get(position, 0), *(_display_width(value) for value in values))
        for position, width in widest.items():
            sheet.column_dimensions[get_column_letter(position + 1)].width = min(width + 2, 40)
        load = self.sheet(data.t("sheet_load"))
        frame = data.cadre_metrics()
        self.table(load, frame, keys=2)
        self.widths(load, localised(frame, data.lang), maximum=24)
        load.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"

    def shortfalls(self) -> None:
        data = self.data
        frame = data.shortfall_table()
        standby = data.standby_shortfall_table()
        if frame.empty and standby.empty:
            return
        sheet = self.sheet(data.t("sheet_shortfalls"))
        row = self.table(sheet, frame, keys=1) + 1
        if not standby.empty:
            sheet.cell(row=row, column=1, value=neutralise(data.t("standby_shortfalls"))).font = TITLE_FONT
            self.table(sheet, standby, first_row=row + 1, freeze=False)
        self.widths(sheet, localised(frame, data.lang), maximum=60)


def export_xlsx(data: ExportData) -> bytes:
    """The workbook of the roster as bytes."""
    book = _Book(data)
    book.slotted(data.t("sheet_checkpoint"), data.by_checkpoint())
    book.slotted(data.t("sheet_cadre"), data.by_cadre())
    if data.instance.units:
        book.slotted(data.t("sheet_unit"), data.by_unit())
    book.metrics()
    book.shortfalls()
    for day in data.dates:
        book.dispatch(day)
    book.workbook.properties.title = data.instance.name or "roster"
    book.workbook.properties.creator = "schedule"
    buffer = io.BytesIO()
    book.workbook.save(buffer)
    logger.info("workbook with %d sheets", len(book.workbook.sheetnames))
    return buffer.getvalue()
