"""The command-centre report: one self-contained HTML page with inline SVG charts, readable offline.

Everything from the files is escaped (``html.escape``) before it reaches the page; the only script is the
small inline one below (table sorting and the ``data-rendered`` mark), no external resources are loaded.
"""

from __future__ import annotations

import html
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from scheduler.exports.tables import ExportData, localised
from scheduler.i18n import text
from scheduler.model.calendar import fairness_group

logger = logging.getLogger(__name__)

RELIEF_ROWS = 20  # the most strained cadres who need relief, shown first
SHORTFALL_ROWS = 300
GROUP_COLOURS = {"seconded": "#1f77b4", "dual": "#ff7f0e", "none": "#2ca02c"}
C_SHORT = "#d7301f"
C_MIN = "#fdd870"
C_TARGET = "#4dac26"
C_OVER = "#1b7837"
C_NONE = "#ececec"
C_ZERO = "#f7f7f7"


def esc(value: object) -> str:
    """Text made safe for HTML content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    """A share in per cent, rounded down to a tenth: a coverage short of 1 never reads 100.0 %."""
    return "–" if value is None else f"{math.floor(float(value) * 1000 + 1e-9) / 10:.1f} %"


# ----- tables ------------------------------------------------------------------------------------------


def html_table(frame: pd.DataFrame, *, css: str = "", numeric_digits: int = 2, limit: int | None = None,
               more: str = "") -> str:
    """A sortable table of a localised frame; every cell escaped."""
    rows = frame if limit is None else frame.head(limit)
    head = "".join(f"<th>{esc(column)}</th>" for column in frame.columns)
    body = []
    for values in rows.itertuples(index=False):
        cells = []
        for value in values:
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            shown = _fmt(value, numeric_digits)
            if numeric:
                cells.append(f'<td class="num">{esc(shown)}</td>')
            else:
                cells.append(f'<td class="wrap">{esc(shown)}</td>' if len(shown) > 40 else f"<td>{esc(shown)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    extra = f'<p class="note">{esc(more)}</p>' if limit is not None and len(frame) > limit and more else ""
    return (f'<div class="tablewrap"><table class="data sortable {esc(css)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>{extra}')


# ----- SVG helpers -------------------------------------------------------------------------------------


def _svg(width: float, height: float, body: str, *, css: str = "chart", label: str = "") -> str:
    return (f'<svg class="{esc(css)}" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{esc(label)}">{body}</svg>')


def _text(x: float, y: float, content: object, *, size: int = 11, anchor: str = "start", css: str = "",
          weight: str = "normal", fill: str = "#333") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}" class="{esc(css)}">{esc(content)}</text>')


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def bar_chart(counts: Sequence[tuple[str, float]], *, title: str, width: int = 300, height: int = 170,
              colour: str = "#4575b4", y_label: str = "") -> str:
    """Vertical bars of ``(label, value)``."""
    left, bottom, top = 34, 26, 24
    plot_w, plot_h = width - left - 8, height - bottom - top
    step = _nice_max(max((value for _, value in counts), default=0) / 4)
    if step < 1 and all(float(value).is_integer() for _, value in counts):
        step = 1.0  # counts of cadres: whole ticks
    peak = step * 4
    parts = [_text(width / 2, 15, title, size=12, anchor="middle", weight="bold")]
    for tick in range(5):
        value = peak * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(_text(left - 4, y + 3, f"{value:g}", size=9, anchor="end", fill="#666"))
    if counts:
        slot = plot_w / len(counts)
        every = max(1, math.ceil(len(counts) / 14))
        for index, (name, value) in enumerate(counts):
            bar_h = plot_h * value / peak
            x = left + index * slot
            parts.append(f'<rect x="{x + slot * 0.1:.1f}" y="{top + plot_h - bar_h:.1f}" width="{slot * 0.8:.1f}" '
                         f'height="{bar_h:.1f}" fill="{colour}"><title>{esc(name)}: {esc(_fmt(value))}'
                         f'</title></rect>')
            if index % every == 0:
                parts.append(_text(x + slot / 2, height - bottom + 13, name, size=9, anchor="middle", fill="#555"))
    if y_label:
        parts.append(_text(4, top - 6, y_label, size=9, fill="#666"))
    return _svg(width, height, "".join(parts), label=title)


def lorenz_points(values: Iterable[float]) -> list[tuple[float, float]]:
    """The Lorenz curve of ``values``: (share of cadres, share of load), from (0, 0) to (1, 1)."""
    ordered = sorted(max(float(value), 0.0) for value in values)
    total = sum(ordered)
    if not ordered:
        return [(0.0, 0.0), (1.0, 1.0)]
    points = [(0.0, 0.0)]
    running = 0.0
    for index, value in enumerate(ordered, start=1):
        running += value
        points.append((index / len(ordered), running / total if total else index / len(ordered)))
    return points


def lorenz_chart(series: dict[str, tuple[list[float], float | None]], names: dict[str, str], *, title: str,
                 x_label: str, y_label: str, equality: str, size: int = 300) -> str:
    """Lorenz curves of load per group, with each group's Gini in the legend."""
    margin = 40
    plot = size - margin - 12
    top = 24

    def point(x: float, y: float) -> str:
        return f"{margin + x * plot:.1f},{top + plot - y * plot:.1f}"

    parts = [_text(size / 2, 15, title, size=12, anchor="middle", weight="bold")]
    parts.append(f'<rect x="{margin}" y="{top}" width="{plot}" height="{plot}" fill="#fafafa" stroke="#ccc"/>')
    for tick in range(1, 4):
        offset = plot * tick / 4
        parts.append(f'<line x1="{margin + offset:.1f}" y1="{top}" x2="{margin + offset:.1f}" y2="{top + plot}" '
                     f'stroke="#eee"/>')
        parts.append(f'<line x1="{margin}" y1="{top + offset:.1f}" x2="{margin + plot}" y2="{top + offset:.1f}" '
                     f'stroke="#eee"/>')
    parts.append(f'<polyline points="{point(0, 0)} {point(1, 1)}" fill="none" stroke="#999" stroke-dasharray="4 3"/>')
    parts.append(_text(margin + plot * 0.55, top + plot * 0.4, equality, size=9, fill="#888"))
    legend_y = top + 16
    for group, (values, gini) in series.items():
        colour = GROUP_COLOURS.get(group, "#555")
        points = " ".join(point(x, y) for x, y in lorenz_points(values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        caption = f"{names.get(group, group)}  Gini {_fmt(gini, 3)}"
        parts.append(f'<rect x="{margin + 8}" y="{legend_y - 8 - 0}" width="10" height="3" fill="{colour}"/>')
        parts.append(_text(margin + 22, legend_y - 4, caption, size=10))
        legend_y += 14
    parts.append(_text(margin + plot / 2, size - 2 + 0, x_label, size=9, anchor="middle", fill="#666"))
    parts.append(f'<text x="10" y="{top + plot / 2:.0f}" font-size="9" fill="#666" text-anchor="middle" '
                 f'transform="rotate(-90 10 {top + plot / 2:.0f})">{esc(y_label)}</text>')
    return _svg(size, size + 6, "".join(parts), label=title)


def histogram(values: list[float], *, bins: int = 12, title: str, colour: str, width: int = 300) -> str:
    if not values:
        return bar_chart([], title=title, width=width, colour=colour)
    low, high = min(values), max(values)
    if math.isclose(low, high):
        return bar_chart([(f"{low:.1f}", float(len(values)))], title=title, width=width, colour=colour)
    step = (high - low) / bins
    counts = [0] * bins
    for value in values:
        counts[min(int((value - low) / step), bins - 1)] += 1
    labels = [f"{low + step * index:.1f}" for index in range(bins)]
    return bar_chart(list(zip(labels, map(float, counts), strict=True)), title=title, width=width, colour=colour)


# ----- the sections ------------------------------------------------------------------------------------


def _cell_colour(assigned: int, minimum: int, target: int, short: bool) -> str:
    if short:
        return C_SHORT
    if target == 0 and minimum == 0:
        return C_ZERO if assigned == 0 else C_OVER
    if assigned < target:
        return C_MIN
    return C_TARGET if assigned == target else C_OVER


def heatmap(data: ExportData) -> str:
    """Checkpoint (and community standby) × day-shift; shortfalls red with a cross; names in tooltips."""
    slots = data.slots()
    shifts = len(data.shift_order) or 1
    cell_w = max(5.0, min(30.0, 1000 / max(len(slots), 1)))
    cell_h = 15
    label_w = 210
    head_h = 44
    rows: list[tuple[str, str, bool]] = []  # (kind, id, community first row)
    for community_id, checkpoints in data.checkpoints_by_community():
        rows.append(("community", community_id, True))
        rows.extend(("checkpoint", checkpoint.id, False) for checkpoint in checkpoints)
        rows.append(("standby", community_id, False))
    width = label_w + cell_w * len(slots) + 10
    height = head_h + cell_h * len(rows) + 10
    parts: list[str] = []
    for index, day in enumerate(data.dates):
        x = label_w + index * shifts * cell_w
        if day.weekday() >= 5:
            parts.append(f'<rect x="{x:.1f}" y="0" width="{shifts * cell_w:.1f}" height="{height - 10}" '
                         f'fill="#eef3fb"/>')
        parts.append(f'<line x1="{x:.1f}" y1="{head_h - 30}" x2="{x:.1f}" y2="{height - 10}" stroke="#bbb" '
                     f'stroke-width="0.6"/>')
        every = max(1, math.ceil(40 / (shifts * cell_w)))
        if index % every == 0:
            parts.append(_text(x + 2, head_h - 32, f"{day.month}/{day.day}", size=10, weight="bold"))
            parts.append(_text(x + 2, head_h - 20, data.weekday(day), size=9, fill="#666"))
        if shifts * cell_w >= shifts * 9:
            for offset, shift_id in enumerate(data.shift_order):
                parts.append(_text(x + (offset + 0.5) * cell_w, head_h - 5, data.shift_name(shift_id)[:1], size=8,
                                   anchor="middle", fill="#777"))
    y = head_h
    for kind, identifier, _ in rows:
        if kind == "community":
            parts.append(f'<rect x="0" y="{y:.1f}" width="{width:.1f}" height="{cell_h}" fill="#dde6f0"/>')
            parts.append(_text(4, y + 11, f"{data.community_name(identifier)} ({identifier})", size=11,
                               weight="bold", fill="#1f3b5a"))
            y += cell_h
            continue
        if kind == "checkpoint":
            checkpoint = data.checkpoints[identifier]
            risk_mark = {"high": "▲ ", "medium": "", "low": ""}[checkpoint.risk]
            name = f"{risk_mark}{data.checkpoint_name(identifier)}"
            parts.append(_text(12, y + 11, name[:22], size=10, fill="#b2182b" if checkpoint.risk == "high" else "#333",
                               css="rowlabel"))
        else:
            parts.append(_text(12, y + 11, f"⟲ {data.t('standby_row')}", size=10, fill="#7a5c00", css="rowlabel"))
        for column, (day, shift_id) in enumerate(slots):
            x = label_w + column * cell_w
            cell = _heat_cell(data, kind, identifier, day, shift_id)
            if cell is None:
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
                             f'fill="{C_NONE}"/>')
                continue
            colour, tip, short = cell
            parts.append(f'<rect class="cell{" short" if short else ""}" x="{x:.1f}" y="{y:.1f}" '
                         f'width="{cell_w - 1:.1f}" height="{cell_h - 1}" fill="{colour}"><title>{esc(tip)}</title>'
                         f"</rect>")
            count = len(data.duty_cells.get((identifier, day, shift_id), []) if kind == "checkpoint"
                        else data.standby_cells.get((identifier, day, shift_id), []))
            if count and not short and cell_w >= 14:
                parts.append(_text(x + (cell_w - 1) / 2, y + 11, count, size=9, anchor="middle",
                                   fill="#fff" if colour in (C_TARGET, C_OVER) else "#333", css="count")
                             .replace("<text ", '<text pointer-events="none" ', 1))
            if short and cell_w >= 8:
                x0, y0, x1, y1 = x + 2, y + 2, x + cell_w - 3, y + cell_h - 3
                parts.append(f'<path d="M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}M{x1:.1f} {y0:.1f}L{x0:.1f} {y1:.1f}" '
                             f'stroke="#fff" stroke-width="1.4" pointer-events="none"/>')
        y += cell_h
    return _svg(width, height, "".join(parts), css="heatmap", label=data.t("sec_heatmap"))


def _heat_cell(data: ExportData, kind: str, identifier: str, day: date, shift_id: str,
               ) -> tuple[str, str, bool] | None:
    when = f"{day.isoformat()} {data.weekday(day)} {data.shift_name(shift_id)}"
    if kind == "checkpoint":
        cadres = data.duty_cells.get((identifier, day, shift_id), [])
        rule = data.demand(identifier, day, shift_id)
        if rule is None and not cadres:
            return None
        minimum, target = (rule.min, rule.target) if rule else (0, 0)
        shortfall = data.shortfalls.get((identifier, day, shift_id))
        short = shortfall is not None
        tip = (f"{data.checkpoint_name(identifier)} ({identifier}) · {when}: {len(cadres)} "
               f"({data.t('min')} {minimum}, {data.t('target')} {target})")
        if short and shortfall is not None and shortfall.skills_missing:
            tip += f" · {data.t('skills_missing')}: " + ", ".join(
                f"{skill} {count}" for skill, count in shortfall.skills_missing.items())
    else:
        cadres = data.standby_cells.get((identifier, day, shift_id), [])
        wanted = data.standby_wanted(identifier, day, shift_id)
        if wanted == 0 and not cadres:
            return None
        minimum = target = wanted
        short = (identifier, day, shift_id) in data.standby_shortfalls
        tip = f"{data.t('standby_row')} {data.community_name(identifier)} · {when}: {len(cadres)} / {wanted}"
    if cadres:
        tip += "\n" + data.names(cadres)
    return _cell_colour(len(cadres), minimum, target, short), tip, short




def _kpis(data: ExportData, watch: int) -> str:
    totals = data.metrics.get("totals", {})
    cards = [
        ("kpi_min", _pct(totals.get("min_coverage")), (totals.get("min_coverage") or 0) < 1),
        ("kpi_target", _pct(totals.get("target_coverage")), False),
        ("kpi_standby", _pct(totals.get("standby_coverage")), (totals.get("standby_coverage") or 0) < 1),
        ("kpi_shortfalls", f"{totals.get('shortfalls', len(data.roster.shortfalls))} / "
                           f"{totals.get('standby_shortfalls', len(data.roster.standby_shortfalls))}",
         bool(data.roster.shortfalls)),
        ("kpi_duty_hours", _fmt(totals.get("duty_hours"), 0), False),
        ("kpi_cadres", str(len(data.instance.cadres)), False),
        ("kpi_watch", str(watch), watch > 0),  # cadres who need relief
    ]
    items = []
    for key, value, alert in cards:
        items.append(f'<div class="kpi{" alert" if alert else ""}"><div class="v">{esc(value)}</div>'
                     f'<div class="k">{esc(data.t(key))}</div></div>')
    for group, figures in data.metrics.get("groups", {}).items():
        items.append(f'<div class="kpi"><div class="v">{esc(_fmt(figures.get("gini"), 3))}</div>'
                     f'<div class="k">{esc(data.t("gini"))} · {esc(data.t(group))}</div></div>')
    return f'<div class="kpis">{"".join(items)}</div>'


def _load_section(data: ExportData) -> str:
    figures = data.metrics.get("cadres", {})
    groups = data.metrics.get("groups", {})
    series: dict[str, tuple[list[float], float | None]] = {}
    histograms = []
    for group in ("seconded", "dual", "none"):
        values = [float(figures[cadre.id]["load"]) for cadre in data.instance.cadres
                  if fairness_group(cadre) == group and cadre.id in figures and figures[cadre.id].get("available_days")]
        if not values:
            continue
        series[group] = (values, groups.get(group, {}).get("gini"))
        histograms.append(histogram(values, title=f"{data.t('histogram')} · {data.t(group)}",
                                    colour=GROUP_COLOURS[group]))
    names = {group: data.t(group) for group in series}
    lorenz = lorenz_chart(series, names, title=data.t("lorenz"), x_label=data.t("share_cadres"),
                          y_label=data.t("share_load"), equality=data.t("equality"))
    table = html_table(localised(data.group_metrics(), data.lang), numeric_digits=3)
    return (f'<p class="note">{esc(data.t("load_note"))}</p><div class="charts">{lorenz}{"".join(histograms)}</div>'
            f"{table}")


def _spread_section(data: ExportData) -> str:
    figures = data.metrics.get("cadres", {})
    charts = []
    colours = {"nights": "#313695", "weekend_shifts": "#74add1", "high_risk_shifts": "#d73027",
               "standby_shifts": "#fdae61", "days_off": "#1a9850"}
    for key, colour in colours.items():
        counts = Counter(int(values.get(key) or 0) for values in figures.values() if values.get("available_days"))
        if not counts:
            continue
        series = [(str(value), float(counts.get(value, 0))) for value in range(0, max(counts) + 1)]
        charts.append(bar_chart(series, title=data.t("per_value", label=data.t(key)), colour=colour,
                                y_label=data.t("cadres")))
    return f'<p class="note">{esc(data.t("spread_note"))}</p><div class="charts">{"".join(charts)}</div>'


def _stages_section(data: ExportData) -> str:
    """Each stage's value, bound, gap and status, as the roster file gives them."""
    rows = [{data.t("stage_part"): stage.part, data.t("stage_value"): _fmt(stage.value),
             data.t("stage_bound"): "-" if stage.bound is None else _fmt(stage.bound),
             data.t("stage_gap"): "-" if stage.gap is None else f"{100 * stage.gap:.2f} %",
             data.t("status"): stage.status}
            for stage in data.roster.objective.stages]
    if not rows:
        return ""
    return f'<p class="note">{esc(data.t("stages_note"))}</p>{html_table(pd.DataFrame(rows))}'


def _units_section(data: ExportData) -> str:
    units = data.metrics.get("units", {})
    if not units:
        return f'<p class="note">{esc(data.t("no_units"))}</p>'
    ordered = sorted(units.items(), key=lambda item: -((item[1].get("duty_share") or 0) -
                                                       (item[1].get("cadre_share") or 0)))
    label_w, bar_w, away_w, row_h = 190, 360, 200, 26
    peak = max(max(float(v.get("duty_share") or 0), float(v.get("cadre_share") or 0)) for _, v in ordered)
    scale = bar_w / _nice_max(peak * 100) * 100
    width, height = label_w + bar_w + away_w + 30, 30 + row_h * len(ordered)
    parts = [_text(label_w, 14, f"■ {data.t('duty_share')}", size=10, fill="#08519c"),
             _text(label_w + 130, 14, f"■ {data.t('cadre_share')}", size=10, fill="#6baed6"),
             _text(label_w + bar_w + 20, 14, f"{data.t('most_away')} / {data.t('max_away')}", size=10, fill="#333")]
    for index, (unit_id, figures) in enumerate(ordered):
        y = 24 + index * row_h
        duty, share = float(figures.get("duty_share") or 0), float(figures.get("cadre_share") or 0)
        parts.append(_text(label_w - 6, y + 15, data.unit_name(unit_id)[:16], size=10, anchor="end"))
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{duty * scale:.1f}" height="9" fill="#08519c">'
                     f'<title>{esc(data.t("duty_share"))} {esc(_pct(duty))}</title></rect>')
        parts.append(f'<rect x="{label_w}" y="{y + 13}" width="{share * scale:.1f}" height="9" fill="#6baed6">'
                     f'<title>{esc(data.t("cadre_share"))} {esc(_pct(share))}</title></rect>')
        parts.append(_text(label_w + max(duty, share) * scale + 4, y + 16, f"{_pct(duty)} / {_pct(share)}", size=9,
                           fill="#555"))
        most, limit = figures.get("most_away"), figures.get("max_away")
        x0 = label_w + bar_w + 20
        if limit:
            full = 120
            ratio = min(float(most or 0) / float(limit), 1.5)
            colour = C_SHORT if (most or 0) > limit else "#fdae61" if most == limit else "#74c476"
            parts.append(f'<rect x="{x0}" y="{y + 6}" width="{full}" height="12" fill="#eee"/>')
            parts.append(f'<rect x="{x0}" y="{y + 6}" width="{full * min(ratio, 1):.1f}" height="12" '
                         f'fill="{colour}"/>')
        parts.append(_text(x0 + 126, y + 16, f"{_fmt(most)} / {_fmt(limit)}", size=10))
    chart = _svg(width, height, "".join(parts), label=data.t("sec_units"))
    table = html_table(localised(data.unit_metrics(), data.lang), numeric_digits=3)
    return f'<p class="note">{esc(data.t("units_note"))}</p><div class="charts">{chart}</div>{table}'


def _community_section(data: ExportData) -> str:
    frame = data.community_metrics()
    return html_table(localised(frame, data.lang), numeric_digits=3)


STYLE = """
:root { --ink:#1d2733; --muted:#5b6775; --line:#d9dee5; --accent:#1f4e79; --bad:#d7301f; }
* { box-sizing: border-box; }
body { margin:0; font-family: "Noto Sans CJK SC","Microsoft YaHei","PingFang SC","Source Han Sans SC",
  system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--ink); background:#f4f6f9; font-size:14px; }
header { background:var(--accent); color:#fff; padding:18px 28px 14px; }
header h1 { margin:0 0 4px; font-size:22px; }
header .meta { font-size:13px; opacity:.9; }
nav { background:#fff; border-bottom:1px solid var(--line); padding:6px 28px; position:sticky; top:0; z-index:2; }
nav a { color:var(--accent); margin-right:16px; text-decoration:none; font-size:13px; }
main { padding:16px 28px 40px; }
section { background:#fff; border:1px solid var(--line); border-radius:6px; padding:14px 18px; margin:0 0 16px; }
h2 { font-size:17px; margin:0 0 8px; color:var(--accent); }
.note { color:var(--muted); font-size:12.5px; margin:4px 0 10px; }
.warning { color:var(--bad); font-weight:600; font-size:13px; margin:4px 0 10px; }
.kpis { display:flex; flex-wrap:wrap; gap:10px; }
.kpi { background:#fff; border:1px solid var(--line); border-left:5px solid #4dac26; border-radius:5px;
  padding:8px 14px; min-width:128px; }
.kpi.alert { border-left-color:var(--bad); }
.kpi .v { font-size:22px; font-weight:600; }
.kpi .k { font-size:12px; color:var(--muted); }
.scroll { overflow:auto; max-height:78vh; border:1px solid var(--line); }
.charts { display:flex; flex-wrap:wrap; gap:14px; align-items:flex-start; margin-bottom:8px; }
svg.chart { background:#fff; border:1px solid #eef0f3; }
.legend span { display:inline-block; margin-right:14px; font-size:12px; color:var(--muted); }
.legend i { display:inline-block; width:12px; height:12px; vertical-align:-2px; margin-right:4px;
  border:1px solid #ccc; }
.tablewrap { overflow:auto; max-height:520px; }
table.data { border-collapse:collapse; font-size:12.5px; width:100%; }
table.data th { position:sticky; top:0; background:#e9eef5; text-align:left; padding:5px 8px; cursor:pointer;
  border-bottom:1px solid var(--line); white-space:nowrap; }
table.data td { padding:4px 8px; border-bottom:1px solid #eef0f3; vertical-align:top; white-space:nowrap; }
table.data td.wrap { white-space:normal; min-width:280px; }
table.data td.num { text-align:right; font-variant-numeric:tabular-nums; }
table.data tr:hover td { background:#f6f9fc; }
table.reasons td:last-child { max-width:720px; font-size:12px; color:#333; }
footer { color:var(--muted); font-size:12px; padding:0 28px 24px; }
@media print { nav { display:none; } body { background:#fff; } section { break-inside:avoid; }
  .scroll, .tablewrap { max-height:none; overflow:visible; } }
"""

SCRIPT = """
(function () {
  function cellValue(row, index) {
    var text = row.children[index] ? row.children[index].textContent.trim() : "";
    var number = parseFloat(text.replace(/[%\\s]/g, ""));
    return isNaN(number) || !/^[-\\d.]/.test(text) ? text : number;
  }
  document.querySelectorAll("table.sortable th").forEach(function (header, index) {
    header.addEventListener("click", function () {
      var table = header.closest("table"), body = table.tBodies[0];
      var ascending = header.dataset.sort !== "asc";
      table.querySelectorAll("th").forEach(function (other) { delete other.dataset.sort; });
      header.dataset.sort = ascending ? "asc" : "desc";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = cellValue(a, index), y = cellValue(b, index);
        if (typeof x === typeof y) { return (x > y ? 1 : x < y ? -1 : 0) * (ascending ? 1 : -1); }
        return (typeof x === "number" ? -1 : 1) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  var heat = document.querySelector("svg.heatmap");
  var cells = heat ? heat.querySelectorAll("rect.cell").length : 0;
  document.body.dataset.heatCells = String(cells);
  document.body.dataset.rendered = heat && document.querySelectorAll("table.data").length ? "ok" : "missing";
})();
"""


def render_report(data: ExportData, explained: dict[str, Any] | None = None) -> str:
    """The whole report page as text; ``explained`` (``schedule explain --json``) feeds "why not covered"."""
    from scheduler.exports.why import why_section

    instance, roster = data.instance, data.roster
    watch = data.watch_list()
    relief = int(watch["needs_relief"].sum()) if not watch.empty else 0
    first, last = data.dates[0], data.dates[-1]
    title = f"{data.t('report_title')} · {instance.name or roster.instance or ''}"
    solver = roster.solver
    meta = (f"{data.t('horizon')}: {first.isoformat()} – {last.isoformat()} ({len(data.dates)}) · "
            f"{instance.horizon.timezone} · {data.t('solver_status')}: {roster.status} · "
            f"{solver.name} {solver.version} {solver.seconds:.1f} s")
    legend = "".join(f'<span><i style="background:{colour}"></i>{esc(data.t(key))}</span>' for colour, key in (
        (C_SHORT, "legend_short"), (C_MIN, "legend_min"), (C_TARGET, "legend_target"), (C_NONE, "legend_none")))
    sections: list[tuple[str, str, str]] = [
        ("heatmap", data.t("sec_heatmap"),
         f'<p class="note">{esc(data.t("heatmap_note"))}</p><div class="legend">{legend}</div>'
         f'<div class="scroll">{heatmap(data)}</div>'),
        ("load", data.t("sec_load"), _load_section(data)),
        ("spread", data.t("sec_spread"), _spread_section(data)),
        ("units", data.t("sec_units"), _units_section(data)),
        ("stages", data.t("sec_stages"), _stages_section(data)),
        ("watch", data.t("sec_watch"), _watch_section(data, watch)),
        ("shortfalls", data.t("sec_shortfalls"), _shortfalls_section(data)),
        ("communities", data.t("sec_communities"), _community_section(data)),
    ]
    why = why_section(data, explained)
    if why:  # shortfalls: why, before the list of them
        sections.insert(5, ("why", text(data.lang, "why_title"), why))
    if roster.conflicts:
        conflicts = pd.DataFrame([{data.t("rule"): item.rule, data.t("cadre"): item.cadre or "",
                                   data.t("message"): item.message} for item in roster.conflicts])
        sections.insert(0, ("conflicts", data.t("sec_conflicts"), html_table(conflicts, css="reasons")))
    if roster.changes is not None:  # a repaired roster shows what it changed, first
        from scheduler.exports.notices import changes_section

        sections.insert(0, ("changes", data.t("sec_changes"), changes_section(data)))
    nav = "".join(f'<a href="#{key}">{esc(name)}</a>' for key, name, _ in sections)
    body = "".join(f'<section id="{key}"><h2>{esc(name)}</h2>{content}</section>' for key, name, content in sections)
    lang_attr = "zh-CN" if data.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang_attr}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><div class=\"meta\">{esc(meta)}</div></header>"
        f"<nav>{nav}</nav><main>{_kpis(data, relief)}<div style=\"height:14px\"></div>{body}</main>"
        f"<footer>{esc(data.t('generated'))}: {esc(roster.instance or '')} · sha256 "
        f"{esc(roster.instance_sha256[:16])}…</footer>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def _watch_section(data: ExportData, watch: pd.DataFrame) -> str:
    """The few who need relief first (at most RELIEF_ROWS, most strained first); everyone else on the watch
    list behind a <details> element."""
    parts = [f'<p class="note">{esc(data.t("watch_note"))} {esc(data.t("sort_hint"))}</p>']
    if data.reached_problem:
        parts.append(f'<p class="warning">{esc(data.t("watch_incomplete", reason=data.reached_problem))}</p>')
    relief = watch[watch["needs_relief"]] if not watch.empty else watch
    first = relief.head(RELIEF_ROWS)
    rest = watch.drop(index=first.index)
    shown = [column for column in watch.columns if column != "needs_relief"]
    if first.empty:
        parts.append(f'<p>{esc(data.t("relief_none"))}</p>')
    else:
        parts.append(f'<p class="relief">{esc(data.t("relief_count", n=len(relief), shown=len(first)))}</p>')
        parts.append(html_table(localised(first[shown], data.lang), css="relief"))
    if not rest.empty:
        parts.append(f'<details class="watch-rest"><summary>{esc(data.t("watch_more", n=len(rest)))}</summary>'
                     f'{html_table(localised(rest[shown], data.lang))}</details>')
    return "".join(parts)


def _shortfalls_section(data: ExportData) -> str:
    frame = data.shortfall_table()
    standby = data.standby_shortfall_table()
    more = data.t("more_rows", n=max(len(frame) - SHORTFALL_ROWS, 0))
    parts = [html_table(localised(frame, data.lang), css="reasons", limit=SHORTFALL_ROWS, more=more)
             if not frame.empty else f'<p>{esc(data.t("none_found"))}</p>']
    parts.append(f"<h2>{esc(data.t('sec_standby_shortfalls'))}</h2>")
    more = data.t("more_rows", n=max(len(standby) - SHORTFALL_ROWS, 0))
    parts.append(html_table(localised(standby, data.lang), css="reasons", limit=SHORTFALL_ROWS, more=more)
                 if not standby.empty else f'<p>{esc(data.t("none_found"))}</p>')
    return "".join(parts)
