"""The report's "why not covered" section, shown when the roster has shortfalls.

Computed cheaply from the capacity bound (:mod:`scheduler.compose.capacity`): where the minimum
exceeds what the cadres can give, and a first fix estimated by the bound (cadres to add), marked
as an estimate. When an explanation from ``schedule explain --json`` is given, its binding rules and
communities and its verified fixes are shown instead. Everything users name is escaped.
"""

from __future__ import annotations

import html
from typing import Any

from scheduler.compose.capacity import capacity_report, shortage_text
from scheduler.compose.fixes import Explainer, describe_fix, explanation_lines
from scheduler.exports.tables import ExportData
from scheduler.i18n import text

# Fixes shown from an explanation; the rest are in its JSON.
FIRST_FIXES = 3


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def why_section(data: ExportData, explained: dict[str, Any] | None = None) -> str:
    """The section's HTML, or "" when the roster has no shortfall."""
    if not data.roster.shortfalls:
        return ""
    lang = data.lang
    if explained is not None:
        shown = dict(explained, fixes=explained.get("fixes", [])[:FIRST_FIXES])
        lines = "".join(f"<li>{_esc(line)}</li>" for line in explanation_lines(shown, lang))
        return f'<p class="note">{_esc(text(lang, "why_source_explain"))}</p><ul>{lines}</ul>'
    report = capacity_report(data.instance)
    if not report.shortages:
        return f"<p>{_esc(text(lang, 'why_room'))}</p><p>{_esc(text(lang, 'why_verify'))}</p>"
    head = "".join(f"<th>{_esc(text(lang, key))}</th>" for key in ("why_place", "why_minimum", "why_bound",
                                                                     "why_short"))
    rows = "".join(
        f"<tr><td>{_esc(shortage_text(item, lang))}</td><td class=\"num\">{item.demand}</td>"
        f"<td class=\"num\">{item.bound}</td><td class=\"num\">{item.short}</td></tr>"
        for item in report.shortages
    )
    parts = [f'<p class="note">{_esc(text(lang, "why_source_bound"))}</p>',
             f'<div class="tablewrap"><table class="data"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>'
             "</table></div>"]
    estimate = Explainer(data.instance, time_limit=30).estimate_added_cadres()
    if estimate is not None:
        parts.append(f"<p>{_esc(text(lang, 'why_estimate', what=describe_fix(estimate.to_json(), lang)))}</p>")
    parts.append(f"<p>{_esc(text(lang, 'why_verify'))}</p>")
    return "".join(parts)
