"""Figures of a sweep, as PNG files next to its CSV (matplotlib, Agg backend: no display needed).

* ``<stem>_coverage.png``: minimum, target and standby coverage against headcount (the ``headcount``
  fraction when it is varied, else the number of cadres), one line per combination of the other
  parameters (averaged over them when there are more than eight);
* ``<stem>_fairness.png``: load Gini against minimum coverage, one point per run, coloured by the first
  varied parameter other than headcount: what fairness costs in coverage;
* ``<stem>_absence.png`` (with absences): minimum coverage kept before and after calling standbys,
  against headcount.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path

from scheduler.scenarios.sweep import numeric
from scheduler.scenarios.variation import HEADCOUNT

logger = logging.getLogger(__name__)

MAX_LINES = 8


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(plt, figure, path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Lay out, write and close one figure; returns its path."""
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _x_axis(dimensions: Sequence[str]) -> tuple[str, str]:
    if HEADCOUNT in dimensions:
        return HEADCOUNT, "cadres kept (fraction of the instance's)"
    return "cadres", "cadres"


def _series(
    rows: Sequence[dict[str, str]], x: str, y: str, others: Sequence[str]
) -> dict[str, list[tuple[float, float]]]:
    """Points (x, mean y) per combination of ``others`` (all pooled when there are too many)."""
    groups: dict[str, dict[float, list[float]]] = {}
    labels = {";".join(f"{name}={row.get(name, '')}" for name in others) for row in rows}
    pooled = len(labels) > MAX_LINES
    for row in rows:
        xv, yv = numeric(row.get(x, "")), numeric(row.get(y, ""))
        if math.isnan(xv) or math.isnan(yv):
            continue
        label = "mean" if pooled or not others else ", ".join(f"{name}={row.get(name, '')}" for name in others)
        groups.setdefault(label, {}).setdefault(xv, []).append(yv)
    return {label: sorted((xv, sum(ys) / len(ys)) for xv, ys in points.items()) for label, points in groups.items()}


def plot_sweep(rows: Sequence[dict[str, str]], dimensions: Sequence[str], csv_path: Path) -> list[Path]:
    """Write the sweep's figures next to ``csv_path``; returns the files written."""
    plt = _pyplot()
    written: list[Path] = []
    stem = csv_path.with_suffix("")
    x, x_label = _x_axis(dimensions)
    others = [name for name in dimensions if name != HEADCOUNT]

    figure, axes = plt.subplots(1, 3, figsize=(15, 4.5), sharey=True)
    for axis, (column, title) in zip(axes, (("min_coverage", "minimum coverage"),
                                            ("target_coverage", "target coverage"),
                                            ("standby_coverage", "standby coverage")), strict=True):
        for label, points in _series(rows, x, column, others).items():
            axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label or "all runs")
        axis.set_title(title)
        axis.set_xlabel(x_label)
        axis.set_ylim(-0.02, 1.02)
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("share of demand met")
    if others:
        axes[-1].legend(fontsize="small")
    figure.suptitle("Coverage against headcount")
    written.append(_save(plt, figure, Path(f"{stem}_coverage.png")))

    figure, axis = plt.subplots(figsize=(6.5, 4.5))
    colour_by = others[0] if others else (HEADCOUNT if HEADCOUNT in dimensions else None)
    values = sorted({row.get(colour_by, "") for row in rows}) if colour_by else [""]
    for value in values:
        chosen = [row for row in rows if not colour_by or row.get(colour_by, "") == value]
        xs = [numeric(row.get("min_coverage", "")) for row in chosen]
        ys = [numeric(row.get("load_gini", "")) for row in chosen]
        axis.scatter(xs, ys, label=f"{colour_by}={value}" if colour_by else None, alpha=0.8)
    axis.set_xlabel("minimum coverage")
    axis.set_ylabel("Gini of load (lower is fairer)")
    axis.set_title("Fairness against coverage")
    axis.grid(alpha=0.3)
    if colour_by and len(values) <= 12:
        axis.legend(fontsize="small")
    written.append(_save(plt, figure, Path(f"{stem}_fairness.png")))

    if rows and "absence_min_coverage_after" in rows[0]:
        figure, axis = plt.subplots(figsize=(6.5, 4.5))
        styles = ("-", "--", ":", "-.")
        measures = (("min_coverage", "no absence", "tab:blue"), ("absence_min_coverage_before", "absences", "tab:red"),
                    ("absence_min_coverage_after", "absences, standbys called", "tab:green"))
        for column, name, colour in measures:
            for position, (label, points) in enumerate(sorted(_series(rows, x, column, others).items())):
                text = name if not label or label == "mean" else f"{name} ({label})"
                axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=colour,
                          linestyle=styles[position % len(styles)], label=text)
        axis.set_xlabel(x_label)
        axis.set_ylabel("minimum coverage (mean over trials)")
        axis.set_title(f"Absence p={rows[0].get('absence', '')}: coverage kept")
        axis.set_ylim(-0.02, 1.02)
        axis.grid(alpha=0.3)
        axis.legend(fontsize="x-small")
        written.append(_save(plt, figure, Path(f"{stem}_absence.png")))
    logger.info("wrote %s", ", ".join(str(item) for item in written))
    return written
