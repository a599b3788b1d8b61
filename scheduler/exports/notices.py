"""Notices of a repaired roster: only what the people concerned need (DESIGN.md section 7).

``schedule export instance.v2.json roster.v2.json --since roster.json`` writes,
for the cadres whose shifts changed, calendar updates that phone calendars apply
in place: an event whose cell changed keeps the UID the old roster's export gave
it (:func:`scheduler.exports.ics._uid`), with ``SEQUENCE`` raised to the new
roster's version minus 1; an event that went away is sent with
``STATUS:CANCELLED``. Beside them, a change list per unit (for the home units)
and per checkpoint (for the dispatch sheet).
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Event

from models.roster import Change, DutyCell, Roster, StandbyCell
from scheduler.checker.against import differences
from scheduler.exports.csv_export import csv_bytes
from scheduler.exports.ics import _event, _uid, cadre_calendar_head, lines, one_line
from scheduler.exports.safety import neutralise, safe_filename
from scheduler.exports.tables import DUTY, STANDBY, Entry, ExportData
from scheduler.model.calendar import shift_minutes


def changes_since(data: ExportData, old: Roster) -> list[Change]:
    """Every (cadre, date, shift) that holds something else than in ``old``."""
    return differences(old, data.roster)


def _entry(change: Change, state: DutyCell | StandbyCell) -> Entry:
    if isinstance(state, DutyCell):
        return Entry(DUTY, change.cadre, change.date, change.shift, state.checkpoint)
    return Entry(STANDBY, change.cadre, change.date, change.shift, state.standby)


def _state_text(data: ExportData, state: DutyCell | StandbyCell | None) -> str:
    if state is None:
        return data.t("notice_off")
    if isinstance(state, DutyCell):
        return data.t("notice_duty", checkpoint=data.checkpoint_name(state.checkpoint), id=state.checkpoint)
    return data.t("notice_standby", community=data.community_name(state.standby))


def notice_calendars(data: ExportData, changes: list[Change], stamp: datetime | None = None) -> dict[str, bytes]:
    """File name -> calendar update, one per cadre with a change."""
    zone = ZoneInfo(data.instance.horizon.timezone)
    stamp = stamp or datetime.now(timezone.utc).replace(microsecond=0)
    sequence = max((data.roster.version or 2) - 1, 1)
    by_cadre: dict[str, list[Change]] = {}
    for change in changes:
        by_cadre.setdefault(change.cadre, []).append(change)
    files: dict[str, bytes] = {}
    for cadre_id, own in sorted(by_cadre.items()):
        calendar = cadre_calendar_head(data, cadre_id)
        for change in own:
            if change.after is not None:
                event = _event(data, _entry(change, change.after), zone, stamp)
                if change.before is not None:
                    # the same calendar event, now somewhere else: keep the UID the phone knows
                    event["uid"] = _uid(data, _entry(change, change.before))
                event.add("sequence", sequence)
                calendar.add_component(event)
            elif change.before is not None:
                calendar.add_component(_cancelled(data, change, zone, stamp, sequence))
        calendar.add_missing_timezones()
        files[safe_filename(cadre_id, ".ics")] = calendar.to_ical()
    return files


def _cancelled(data: ExportData, change: Change, zone: ZoneInfo, stamp: datetime, sequence: int) -> Event:
    assert change.before is not None
    entry = _entry(change, change.before)
    shift = data.shifts[change.shift]
    start = datetime.combine(change.date, datetime.strptime(shift.start, "%H:%M").time()).replace(tzinfo=zone)
    end = (start.replace(tzinfo=None) + timedelta(minutes=shift_minutes(shift))).replace(tzinfo=zone)
    event = _event(data, entry, zone, stamp)
    cancelled = Event()
    cancelled.add("uid", _uid(data, entry))
    cancelled.add("dtstamp", stamp)
    cancelled.add("dtstart", start)
    cancelled.add("dtend", end)
    cancelled.add("summary", one_line(data.t("notice_cancelled", what=str(event["summary"]))))
    cancelled.add("description", lines([data.t("notice_cancelled_why")]))
    cancelled.add("status", "CANCELLED")
    cancelled.add("sequence", sequence)
    return cancelled


def _frame(data: ExportData, changes: list[Change], key: str) -> pd.DataFrame:
    """The change list grouped by unit (key "unit") or by checkpoint (key "checkpoint")."""
    rows = []
    cadres = {cadre.id: cadre for cadre in data.instance.cadres}
    for change in changes:
        cadre = cadres.get(change.cadre)
        unit = data.unit_name(cadre.unit if cadre is not None else None)
        common = {
            data.t("notice_date"): change.date.isoformat(),
            data.t("shift"): data.shift_name(change.shift),
            data.t("notice_cadre"): data.cadre_label(change.cadre),
            data.t("notice_before"): _state_text(data, change.before),
            data.t("notice_after"): _state_text(data, change.after),
        }
        if key == "unit":
            rows.append({data.t("notice_unit"): unit, **common})
            continue
        # a checkpoint sees who leaves and who comes
        places = {state.checkpoint for state in (change.before, change.after) if isinstance(state, DutyCell)}
        for place in sorted(places):
            rows.append({data.t("notice_checkpoint"): f"{data.checkpoint_name(place)} ({place})", **common})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame = frame.sort_values(list(frame.columns[:3]), kind="stable")
    return frame


def change_lists(data: ExportData, changes: list[Change]) -> dict[str, pd.DataFrame]:
    """The two change lists: per unit and per checkpoint."""
    return {"by_unit": _frame(data, changes, "unit"), "by_checkpoint": _frame(data, changes, "checkpoint")}


def export_notices(data: ExportData, old: Roster, fmt: str, stamp: datetime | None = None) -> dict[str, bytes]:
    """File name -> bytes of the notices: calendars for ics, and the change lists (csv, or a workbook)."""
    changes = changes_since(data, old)
    lists = change_lists(data, changes)
    files: dict[str, bytes] = {}
    if fmt == "ics":
        files.update(notice_calendars(data, changes, stamp))
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for name, frame in lists.items():
                safe = frame.map(neutralise) if not frame.empty else frame
                safe.to_excel(writer, sheet_name=data.t(f"notice_sheet_{name}"), index=False)
        files["changes.xlsx"] = buffer.getvalue()
    else:
        for name, frame in lists.items():
            files[f"changes_{name}.csv"] = csv_bytes(frame)
    return files


def changes_section(data: ExportData) -> str:
    """The report section of a repaired roster: its version, what it repairs, and every change listed."""
    from scheduler.exports.report import esc, html_table

    listed = data.roster.changes or []
    intro = data.t("changes_intro", version=data.roster.version, based_on=(data.roster.based_on or "?")[:12],
                   count=len(listed))
    frame = _frame(data, listed, "unit")
    return f'<p class="note">{esc(intro)}</p>' + (html_table(frame, css="reasons") if not frame.empty else "")
