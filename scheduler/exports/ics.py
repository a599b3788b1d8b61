"""Calendar files: one iCalendar file per cadre with every duty and standby at its local time."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vText

from scheduler.exports.safety import safe_filename
from scheduler.exports.tables import DUTY, Entry, ExportData
from scheduler.model.calendar import shift_minutes

logger = logging.getLogger(__name__)

PRODID = "-//schedule//sunk cadre roster//EN"
_CONTROL = {code: " " for code in range(32)}


def one_line(value: str) -> vText:
    """A text property on one line: line breaks and control characters become spaces (no header injection
    through a name), then the library escapes commas, semicolons and backslashes."""
    return vText(" ".join(value.translate(_CONTROL).split()))


def lines(values: list[str]) -> vText:
    """A multi-line text property: each line cleaned, joined with newlines (escaped by the library)."""
    return vText("\n".join(" ".join(value.translate(_CONTROL).split()) for value in values))


def _uid(data: ExportData, entry: Entry) -> str:
    """A stable UID: the same duty gets the same UID in a re-export, so calendar apps update it."""
    key = "\x1f".join((data.roster.instance or "", entry.kind, entry.cadre, entry.day.isoformat(), entry.shift,
                       entry.place))
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@schedule"


def _event(data: ExportData, entry: Entry, zone: ZoneInfo, stamp: datetime) -> Event:
    shift = data.shifts[entry.shift]
    start = datetime.combine(entry.day, datetime.strptime(shift.start, "%H:%M").time()).replace(tzinfo=zone)
    # wall-clock length (SEMANTICS.md, Time): the end is start + length on the local clock
    end = (start.replace(tzinfo=None) + timedelta(minutes=shift_minutes(shift))).replace(tzinfo=zone)
    shift_text = f"{data.shift_name(entry.shift)} {data.shift_time(entry.shift)}"
    colon = "：" if data.lang == "zh" else ": "
    event = Event()
    event.add("uid", _uid(data, entry))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    if entry.kind == DUTY:
        checkpoint = data.checkpoints[entry.place]
        community = data.community_name(checkpoint.community)
        event.add("summary", one_line(data.t("ics_duty", checkpoint=data.checkpoint_name(entry.place),
                                                  shift=shift_text)))
        event.add("location", one_line(f"{data.checkpoint_name(entry.place)}, {community}"))
        event.add("description", lines([
            f"{data.t('checkpoint_name')}{colon}{data.checkpoint_name(entry.place)} ({entry.place})",
            f"{data.t('community_name')}{colon}{community}",
            data.t("ics_risk", risk=data.t(checkpoint.risk)),
            f"{data.t('shift')}{colon}{shift_text}",
        ]))
        event.add("categories", [one_line(data.t("duty"))])
    else:
        community = data.community_name(entry.place)
        event.add("summary", one_line(data.t("ics_standby", community=community, shift=shift_text)))
        event.add("location", one_line(community))
        event.add("description", lines([data.t("ics_callable", community=community),
                                        f"{data.t('shift')}{colon}{shift_text}"]))
        event.add("categories", [one_line(data.t("standby"))])
    event.add("transp", "OPAQUE")
    return event


def cadre_calendar_head(data: ExportData, cadre_id: str) -> Calendar:
    """An empty calendar of one cadre: its name, the horizon's time zone, published."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(data.t("ics_calendar", name=data.cadre_name(cadre_id))))
    calendar.add("x-wr-timezone", data.instance.horizon.timezone)
    return calendar


def cadre_calendar(data: ExportData, cadre_id: str, stamp: datetime | None = None) -> bytes:
    """The calendar of one cadre (an empty calendar when the cadre has nothing rostered)."""
    zone = ZoneInfo(data.instance.horizon.timezone)
    stamp = stamp or datetime.now(timezone.utc).replace(microsecond=0)
    calendar = cadre_calendar_head(data, cadre_id)
    for day in data.dates:
        for entry in data.entries.get(cadre_id, {}).get(day, []):
            calendar.add_component(_event(data, entry, zone, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def export_ics(data: ExportData, stamp: datetime | None = None) -> dict[str, bytes]:
    """File name → calendar bytes, one per cadre; names are sanitised cadre ids."""
    files: dict[str, bytes] = {}
    for cadre in data.instance.cadres:
        files[safe_filename(cadre.id, ".ics")] = cadre_calendar(data, cadre.id, stamp)
    logger.info("%d calendar files", len(files))
    return files
